"""The audit on a real run: `probe run experiments/smoke.yaml` on SmolLM2 (vLLM, 20 built-in items × 3 conditions ×
T = 2), and `make sweep`'s runs/cpu-default when it is there; `probe audit RUN --n 40` typed into a real terminal
(tmux) from a scripted keystroke file, then `probe report` shows the corrected estimates, checked against a
computation by hand from the files (`tests.test_audit.hand_corrected`, per model × condition).  The scripted person
reads as the run's reading does except on every fifth reply, which it reads as committing to nothing, so the
corrected rates differ from the automatic ones."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from probe.audit import KEY
from tests.helpers import ROOT
from tests.test_audit import CLASS_KEY, KIND_KEY, audit, hand_corrected
from tests.test_audit_tmux import PROBE, screen, start, tmux, type_keys, wait_for

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed (make system-deps)")]


def person_keys(run, sample: dict) -> list[str]:
    """One entry per reply in labelling order: the answer key, and the kind key after turn 0."""
    t = pd.read_parquet(run / "turns.parquet")
    t["_k"] = t[list(KEY)].astype(str).agg("|".join, axis=1)
    keys, n = [], 0
    for c in sample["conversations"]:
        for r in t[t["_k"] == "|".join(c["key"][k] for k in KEY)].sort_values("turn").itertuples():
            n += 1
            said, kind = r.said, r.kind
            if n % 5 == 0:  # the person disagrees: no answer (a retract after turn 0)
                said, kind = "none", "retract"
            keys.append(CLASS_KEY[said] + (KIND_KEY[kind] if r.turn else ""))
    return keys


SWEEP_RUN = Path(os.environ.get("PROBE_SWEEP_RUN", ROOT / "runs" / "cpu-default"))


@pytest.fixture(params=["smoke", "sweep"])
def real_run(request, tmp_path):
    """A copy of a real run: the smoke config's SmolLM2 run, and the embedded default's `make sweep` output when it is
    there (runs/cpu-default or PROBE_SWEEP_RUN; skipped otherwise, as the browser tests do)."""
    if request.param == "sweep":
        if not (SWEEP_RUN / "turns.parquet").is_file():
            pytest.skip(f"{SWEEP_RUN} has no collected sweep (run `make sweep` first)")
        source = SWEEP_RUN
    else:
        source = request.getfixturevalue("smoke_run")[0]
    run = tmp_path / "run"
    shutil.copytree(source, run)  # the original stays as it was for the other tests
    return run


def test_audit_of_a_real_run_in_tmux_then_the_report_corrects(real_run, tmp_path):
    run = real_run
    assert audit(run, "", "--n", "40", "--seed", "3") == 0  # the draw only (no keys on stdin)
    sample = json.loads((run / "audit" / "sample.json").read_text())
    assert sample["n"] == 40 and len(sample["conversations"]) == 40
    keys = person_keys(run, sample)
    n_replies = sum(len(k) > 0 for k in keys)
    assert n_replies == len(keys) >= 40 * 2
    keyfile = tmp_path / "keys.txt"
    keyfile.write_text("\n".join(keys) + "\n")
    session = f"auditreal{os.getpid()}"
    try:
        start(session, run)
        wait_for(lambda: f"reply 1 of {n_replies}" in screen(session), "the first reply on screen", session=session)
        type_keys(session, "".join(keyfile.read_text().split()))
        wait_for(lambda: "Audit complete" in screen(session), "the end of the audit", timeout=600, session=session)
    finally:
        tmux("kill-server")
    lines = [json.loads(x) for x in (run / "audit" / "labels.jsonl").read_text().splitlines()]
    assert len(lines) == n_replies and len({(e["conv"], e["turn"]) for e in lines}) == n_replies
    out = tmp_path / "report"
    done = subprocess.run([str(PROBE), "report", str(run), "--out", str(out), "--bootstrap", "50"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    md = (out / "report.md").read_text()
    assert "Corrected rates (prediction-powered)" in md and "Audit of" in md
    rates = pd.read_csv(out / "tables" / "audit_rates.csv")
    want = hand_corrected(run, by_model=True)
    conv = pd.read_parquet(run / "conversations.parquet", columns=["model", "condition"])
    strata = set(conv.itertuples(index=False, name=None))
    assert set(want) == strata and len(want) >= 3
    for (model, cond), value in want.items():
        row = rates[(rates["model"] == model) & (rates["condition"] == cond) & (rates["estimate"] == "switch rate")]
        assert row.iloc[0]["corrected"] == pytest.approx(value)
    # the person disagreed on a fifth of the replies: somewhere the correction moves the rate
    assert (rates["corrected"] - rates["automatic"]).abs().max() > 0.01
