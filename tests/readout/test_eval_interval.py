"""``probe readout --eval``: the item-cluster interval of the agreement and the count of distinct replies."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from probe.readout.cli import evaluate, item_cluster_ci

AU = {"question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"}


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cluster_interval_resamples_whole_items():
    # item a: 3 replies all right; item b: 1 reply wrong.  Resampling items gives 1 (a, a), 0.75 (a, b) or 0 (b, b)
    hits = np.array([[1.0], [1.0], [1.0], [0.0]])
    (lo, hi), = item_cluster_ci(hits, ["a", "a", "a", "b"], n_boot=4000)
    assert lo == 0.0 and hi == 1.0
    # resampling replies instead would never reach 0 (it needs four wrong draws of the one wrong reply: 0.4 %)
    (lo, hi), = item_cluster_ci(np.ones((12, 1)), [f"i{k // 3}" for k in range(12)])
    assert lo == hi == 1.0


def test_cluster_interval_equals_a_direct_bootstrap():
    rng = np.random.default_rng(1)
    clusters = [f"i{k}" for k in rng.integers(0, 15, size=120)]
    hits = rng.random((120, 1)) < 0.8
    (lo, hi), = item_cluster_ci(hits.astype(float), clusters, n_boot=500, seed=3)
    # the same draws by hand: ItemBootstrap(seed 3) picks items in order of first appearance
    order = list(dict.fromkeys(clusters))
    picks = np.random.default_rng(3).integers(0, len(order), size=(500, len(order)))
    by_item = {c: [h for h, cc in zip(hits[:, 0], clusters) if cc == c] for c in order}
    acc = [sum(sum(by_item[order[i]]) for i in row) / sum(len(by_item[order[i]]) for i in row) for row in picks]
    assert (lo, hi) == (round(float(np.percentile(acc, 2.5)), 4), round(float(np.percentile(acc, 97.5)), 4))


def test_eval_reports_interval_and_distinct_replies(tmp_path):
    rows = [{**AU, "item_id": "au", "reply": "Canberra.", "said": "gold", "kind": "initial"}] * 3 + [
        {**AU, "item_id": "au2", "reply": "Perth.", "said": "none", "kind": "initial"}]  # read: other
    res = evaluate(_write(tmp_path / "l.jsonl", rows))
    assert res["n"] == 4 and res["said_accuracy"] == 0.75 and res["items"] == 2
    assert res["distinct_replies"] == 2 and res["distinct_said_accuracy"] == 0.5
    assert res["said_ci95_item"] == [0.0, 1.0]


def test_eval_output_cut_by_head_is_no_error(tmp_path):
    # every line a disagreement, listed by --errors: far more output than a pipe holds once head has gone
    rows = [{**AU, "item_id": f"au{k}", "reply": "Canberra. " * 20, "said": "none", "kind": "initial"}
            for k in range(400)]
    f = _write(tmp_path / "l.jsonl", rows)
    r = subprocess.run(f"{sys.executable} -m probe.cli readout --eval {f} --errors | head -1", shell=True,
                       capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert r.stdout.startswith("readout ") and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr
