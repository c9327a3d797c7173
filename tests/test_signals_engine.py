"""SIGTERM to `probe run` on the real engine (SmolLM2 on vLLM): every process of the run ends within 30 s and no
partial result file is left (the folder keeps only its sweep.json, so rerunning the command resumes the run).

    pytest -q -m integration tests/test_signals_engine.py
"""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from probe.procs import descendants, pid_alive as alive
from tests.helpers import ROOT

pytestmark = pytest.mark.integration


def test_sigterm_after_the_engine_is_up_leaves_no_process_and_no_partial_file(tmp_path):
    out = tmp_path / "smoke"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("probe")), "run", "experiments/smoke.yaml",
                             "--out", str(out)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    seen: list[str] = []
    up = threading.Event()

    def read_stderr():
        for chunk in iter(lambda: proc.stderr.read(256), ""):
            seen.append(chunk)
            if "conv-turn" in "".join(seen[-8:]):  # the progress bar starts once the engine answered
                up.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        assert up.wait(600), "".join(seen)[-3000:]
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
