"""Every process the toolkit starts ends with it: the close watchdog, process trees, signal forwarding to local
sweep jobs — with small real subprocesses (no engine).

    pytest -q tests/test_procs.py
"""
import os
import signal
import subprocess
import sys
import textwrap
import time

from probe.procs import close_with_watchdog, descendants, kill_tree, pid_alive as alive
from tests.helpers import ROOT, as_from_a_terminal

# a process that ignores SIGTERM and starts a grandchild that ignores it too; prints both pids
STUBBORN = textwrap.dedent("""
    import signal, subprocess, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen([sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
    print(child.pid, flush=True)
    time.sleep(600)
""")


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _stubborn():
    proc = subprocess.Popen([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, text=True, env=_env())
    grandchild = int(proc.stdout.readline())
    return proc, grandchild


def _gone(pids, within_s):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


def test_kill_tree_ends_a_tree_that_ignores_sigterm():
    proc, grandchild = _stubborn()
    assert grandchild in descendants(proc.pid)
    t0 = time.monotonic()
    killed = kill_tree(proc.pid, grace_s=0.5)
    assert {proc.pid, grandchild} <= set(killed)
    assert proc.wait(5) == -signal.SIGKILL
    assert _gone([grandchild], 5) and time.monotonic() - t0 < 10


def test_watchdog_kills_the_tree_when_close_hangs():
    proc, grandchild = _stubborn()
    t0 = time.monotonic()
    clean = close_with_watchdog(lambda: time.sleep(120), lambda: [proc.pid], timeout_s=1)
    took = time.monotonic() - t0
    assert clean is False and took < 15, took  # 1 s watchdog + 5 s SIGTERM grace + SIGKILL
    proc.wait(5)
    assert _gone([proc.pid, grandchild], 5)


def test_watchdog_kills_the_tree_when_close_raises():
    proc, grandchild = _stubborn()

    def close():
        raise RuntimeError("engine core did not answer")

    assert close_with_watchdog(close, lambda: [proc.pid], timeout_s=5) is False
    proc.wait(10)
    assert _gone([grandchild], 5)


def test_watchdog_returns_true_and_leaves_nothing_when_close_works():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    t0 = time.monotonic()
    assert close_with_watchdog(lambda: (proc.terminate(), proc.wait()), lambda: [proc.pid], timeout_s=10) is True
    assert time.monotonic() - t0 < 5 and not alive(proc.pid)


def test_kill_tree_of_this_process_spares_it():
    script = ("import os, subprocess, sys; from probe.procs import kill_tree\n"
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
              "kill_tree(os.getpid(), grace_s=2)\n"
              "print(child.wait(5))")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=_env(), timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == str(-signal.SIGTERM), r.stderr  # it survived to print


# a toolkit-like parent: signal handlers, then one local job (run_job) whose `finally` writes a file
PARENT = textwrap.dedent("""
    import sys
    from probe.procs import Terminated, install_signal_handlers
    from probe.sweep.launch import run_job
    install_signal_handlers()
    job = '''
    import sys, time
    from pathlib import Path
    from probe.procs import install_signal_handlers
    install_signal_handlers()
    try:
        Path(sys.argv[1], "started").write_text("")
        time.sleep(600)
    except KeyboardInterrupt as e:
        print("job stopped:", type(e).__name__, file=sys.stderr)
        raise SystemExit(getattr(e, "exit_code", 130))
    finally:
        Path(sys.argv[1], "closed").write_text("")
    '''
    try:
        sys.exit(run_job([sys.executable, "-c", job, sys.argv[1]], grace_s=20))
    except KeyboardInterrupt as e:
        print("parent stopped:", type(e).__name__, file=sys.stderr)
        sys.exit(getattr(e, "exit_code", 130))
""")


def _parent(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)], env=_env(), start_new_session=True,
                            stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal)
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists():
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else "slow"
        time.sleep(0.05)
    return proc, descendants(proc.pid)


def test_sigterm_to_the_parent_stops_the_job_cleanly(tmp_path):
    proc, children = _parent(tmp_path)
    assert children
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 128 + signal.SIGTERM
    err = proc.stderr.read()
    assert _gone(children, 5) and (tmp_path / "closed").exists()  # the job's `finally` ran
    assert "Traceback" not in err and "job stopped: Terminated" in err and "parent stopped: Terminated" in err


def test_ctrl_c_to_the_process_group_prints_no_traceback(tmp_path):
    proc, children = _parent(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    assert proc.wait(30) == 130
    err = proc.stderr.read()
    assert _gone(children, 5) and (tmp_path / "closed").exists()
    assert "Traceback" not in err and "job stopped: KeyboardInterrupt" in err


def test_sigkill_to_the_parent_leaves_no_job(tmp_path):
    proc, children = _parent(tmp_path)
    proc.kill()
    proc.wait(5)
    assert _gone(children, 30), [p for p in children if alive(p)]
    assert (tmp_path / "closed").exists()  # the job got SIGTERM from the kernel and ran its `finally`
