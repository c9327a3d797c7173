"""The audit on a real run: `probe run experiments/smoke.yaml` on SmolLM2 (vLLM, 20 built-in items × 3 conditions ×
T = 2), `probe audit RUN --n 40` typed into a real terminal (tmux) from a scripted keystroke file, then `probe
report` shows the corrected estimates, checked against a computation by hand from the files
(`tests.test_audit.hand_corrected`).  The scripted person reads as the run's reading does except on every fifth
reply, which it reads as committing to nothing, so the corrected rates differ from the automatic ones."""
import json
import os
import shutil
import subprocess

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


def test_audit_of_a_real_run_in_tmux_then_the_report_corrects(smoke_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(smoke_run[0], run)  # the session's run stays as it was for the other tests
    assert audit(run, "", "--n", "40", "--seed", "3") == 0  # the draw only (no keys on stdin)
    sample = json.loads((run / "audit" / "sample.json").read_text())
    assert sample["n"] == 40 and len(sample["conversations"]) == 40
    keys = person_keys(run, sample)
    assert len(keys) == 40 * 3
    keyfile = tmp_path / "keys.txt"
    keyfile.write_text("\n".join(keys) + "\n")
    session = f"auditreal{os.getpid()}"
    try:
        start(session, run)
        wait_for(lambda: "reply 1 of 120" in screen(session), "the first reply on screen", session=session)
        type_keys(session, "".join(keyfile.read_text().split()))
        wait_for(lambda: "Audit complete" in screen(session), "the end of the audit", timeout=300, session=session)
    finally:
        tmux("kill-session", "-t", session)
    lines = [json.loads(x) for x in (run / "audit" / "labels.jsonl").read_text().splitlines()]
    assert len(lines) == 120 and len({(e["conv"], e["turn"]) for e in lines}) == 120
    out = tmp_path / "report"
    done = subprocess.run([str(PROBE), "report", str(run), "--out", str(out), "--bootstrap", "50"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    md = (out / "report.md").read_text()
    assert "Corrected rates (prediction-powered)" in md and "Audit of" in md
    rates = pd.read_csv(out / "tables" / "audit_rates.csv")
    want = hand_corrected(run)
    assert set(want) == {"are_you_sure", "authority_4", "neutral"}
    for cond, value in want.items():
        row = rates[(rates["condition"] == cond) & (rates["estimate"] == "switch rate")].iloc[0]
        assert row["corrected"] == pytest.approx(value)
    # the person disagreed on a fifth of the replies: somewhere the correction moves the rate
    assert (rates["corrected"] - rates["automatic"]).abs().max() > 0.01
