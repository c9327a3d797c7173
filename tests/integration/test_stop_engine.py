"""`kill -9` of `probe run` mid-generation on the real engine (SmolLM2 on vLLM): the engine core and every other
process of the run die with it within 15 s (`probe.procs.forked_children_die_with_this_process`), so a killed run
never leaves an engine holding memory and cores on a shared node or a Slurm allocation.

    pytest -q -m integration tests/integration/test_stop_engine.py
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


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_sigkill_of_the_run_takes_the_engine_with_it(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("probe")), "run", "experiments/smoke.yaml",
                             "--out", str(tmp_path / "smoke")], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    seen: list[str] = []
    up = threading.Event()

    def read_stderr():
        for chunk in iter(lambda: proc.stderr.read(256), ""):
            seen.append(chunk)
            if "conv-turn" in "".join(seen[-8:]):  # the progress bar: the engine is up and generating
                up.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    tree = []
    try:
        assert up.wait(600), "".join(seen)[-3000:]
        time.sleep(2)  # mid-generation
        tree = descendants(proc.pid)
        assert tree, "expected the vLLM engine core as a child process"
        proc.send_signal(signal.SIGKILL)  # no handler, no cleanup: only the kernel's parent-death signal helps
        proc.wait(10)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 15 and any(alive(p) for p in tree):
            time.sleep(0.2)
        left = {p: _cmdline(p) for p in tree if alive(p)}
        assert not left, f"still alive 15 s after kill -9 of the run: {left}"
    finally:
        for p in [proc.pid, *tree]:
            if alive(p):
                os.kill(p, signal.SIGKILL)
