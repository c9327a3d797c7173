"""SIGTERM to `probe run` on the real engine (SmolLM2 on vLLM): every process of the run ends within 30 s and no
partial result file is left (the folder keeps only its sweep.json, so rerunning the command resumes the run).

    pytest -q -m integration tests/test_signals_engine.py
"""
import os
import signal
import time

import pytest

from probe.procs import descendants, pid_alive as alive
from tests.helpers import start_run_until_generating

pytestmark = pytest.mark.integration


def test_sigterm_after_the_engine_is_up_leaves_no_process_and_no_partial_file(tmp_path):
    out = tmp_path / "smoke"
    proc, seen, reader = start_run_until_generating(out)
    try:
        time.sleep(2)  # mid-protocol
        tree = [proc.pid] + descendants(proc.pid)
        assert len(tree) >= 2, "expected the vLLM engine core as a child process"
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        while time.monotonic() - t0 < 30 and any(alive(p) for p in tree):
            time.sleep(0.2)
        left = [p for p in tree if alive(p)]
        assert not left, f"still alive 30 s after SIGTERM: {left}"
        proc.wait(5)
        reader.join(5)
        err = "".join(seen)
        assert "Traceback" not in err, err[-3000:]
        assert proc.returncode in (130, 143, 128 + signal.SIGTERM), proc.returncode
        left_files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) if out.exists() else []
        # no result file, partial or whole, and no temp file: only the run's record (rerunning resumes it)
        assert {f for f in left_files if not f.endswith(".lock")} <= {"sweep.json"}, left_files
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
