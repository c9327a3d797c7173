"""The audit screen in a real terminal: tmux runs `probe audit` on a fake-backend run, a scripted keystroke file is
typed into it, the session is killed mid-audit and resumed (nothing lost, nothing doubled), then `probe report`
shows the corrected estimates, checked against a hand computation.  Skips when tmux is missing (`make
system-deps` installs it)."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import ROOT
from tests.test_audit import audit, hand_corrected, keys_for, make_run

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed (make system-deps)")
PROBE = Path(sys.executable).with_name("probe")


# The test's own tmux server (its own socket), kept alive by an idle session: killing the audit's session must not
# stop the server, or the resume's new-session can race a server that is still exiting and never start.
SOCKET = f"probe-audit-test-{os.getpid()}"


def tmux(*args) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, timeout=30).stdout


def start(session: str, run: Path) -> None:
    env = f"PYTHONPATH={ROOT} HF_HUB_OFFLINE=1"
    for _ in range(3):
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50",
             f"cd {ROOT} && env {env} {PROBE} audit {run}; sleep 30")
        if subprocess.run(["tmux", "-L", SOCKET, "has-session", "-t", session], capture_output=True).returncode == 0:
            return
        time.sleep(1)
    raise AssertionError(f"tmux could not start session {session}")


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(cond, what: str, timeout: float = 60.0, session: str | None = None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = cond()
        if got:
            return got
        time.sleep(0.2)
    shown = f"; the screen:\n{screen(session)}" if session else ""
    raise AssertionError(f"timed out waiting for {what}{shown}")


def type_keys(session: str, keys: str) -> None:
    for k in keys:
        if not k.isspace():
            tmux("send-keys", "-t", session, "-l", k)


def n_lines(run: Path) -> int:
    p = run / "audit" / "labels.jsonl"
    return len(p.read_text().splitlines()) if p.exists() else 0


def test_audit_in_tmux_kill_resume_and_report(tmp_path):
    run = make_run(tmp_path)
    audit(run, "", "--n", "6", "--seed", "5")  # the draw
    sample = json.loads((run / "audit" / "sample.json").read_text())
    keyfile = tmp_path / "keys.txt"
    keyfile.write_text("\n".join(keys_for(run, sample)) + "\n")  # one reply per line: answer key, kind key
    script = keyfile.read_text().split()
    assert len(script) == 18
    session, keeper = f"audit{os.getpid()}", "keeper"
    tmux("new-session", "-d", "-s", keeper, "sleep 3600")
    try:
        start(session, run)
        wait_for(lambda: "reply 1 of 18" in screen(session), "the first reply on screen", session=session)
        assert "QUESTION" in screen(session) and "answer g=gold" in screen(session)
        type_keys(session, "?")  # the guide, then any key back
        wait_for(lambda: "LABELLING GUIDE" in screen(session), "the guide", session=session)
        type_keys(session, " x")
        cut = next(i for i in range(8, 18) if len(script[i]) == 2)  # a pushback reply: answer key + kind key
        type_keys(session, "".join(script[:cut]))
        wait_for(lambda: n_lines(run) == cut, f"{cut} labels written")
        wait_for(lambda: f"reply {cut + 1} of 18" in screen(session), "the next reply on screen", session=session)
        type_keys(session, script[cut][0])  # half of that reply (its answer key), then the terminal is killed
        wait_for(lambda: "(u back)" in screen(session), "the kind prompt", session=session)
        tmux("kill-session", "-t", session)
        assert n_lines(run) == cut  # a kill loses at most the reply on screen
        session += "-resumed"
        start(session, run)
        wait_for(lambda: f"reply {cut + 1} of 18" in screen(session), "resume at the reply cut", session=session)
        type_keys(session, "".join(script[cut:]))
        wait_for(lambda: "Audit complete" in screen(session), "the end of the audit", session=session)
    finally:
        tmux("kill-server")
    lines = [json.loads(x) for x in (run / "audit" / "labels.jsonl").read_text().splitlines()]
    assert len(lines) == 18 and len({(e["conv"], e["turn"]) for e in lines}) == 18  # nothing lost or doubled
    out = tmp_path / "report"
    done = subprocess.run([str(PROBE), "report", str(run), "--out", str(out), "--bootstrap", "50"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    md = (out / "report.md").read_text()
    assert "Corrected rates (prediction-powered)" in md and "Audit of" in md
    rates = pd.read_csv(out / "tables" / "audit_rates.csv")
    for cond, value in hand_corrected(run).items():
        row = rates[(rates["condition"] == cond) & (rates["estimate"] == "switch rate")].iloc[0]
        assert row["corrected"] == pytest.approx(value)
