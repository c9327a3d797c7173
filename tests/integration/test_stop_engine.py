"""`kill -9` of `probe run` mid-generation on the real engine (SmolLM2 on vLLM): the engine core and every other
process of the run die with it within 15 s (`probe.procs.forked_children_die_with_this_process`), so a killed run
never leaves an engine holding memory and cores on a shared node or a Slurm allocation.

    pytest -q -m integration tests/integration/test_stop_engine.py
"""
import os
import signal
import time
from pathlib import Path

import pytest

from probe.procs import descendants, pid_alive as alive
from tests.helpers import start_run_until_generating

pytestmark = pytest.mark.integration


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_sigkill_of_the_run_takes_the_engine_with_it(tmp_path):
    proc, _, _ = start_run_until_generating(tmp_path / "smoke")
    tree = []
    try:
        time.sleep(2)  # mid-generation
        tree = descendants(proc.pid)
        assert tree, "expected the vLLM engine core as a child process"
        proc.send_signal(signal.SIGKILL)  # no handler, no cleanup: only the watcher (probe.reaper) can help
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
