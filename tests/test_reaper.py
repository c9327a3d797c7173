"""`probe.procs.start_reaper`: once the watched process ends -- by `kill -9` too -- what was below it is killed, and
nothing else (a process started elsewhere after the watch is never signalled)."""
import os
import signal
import subprocess
import sys
import time

from probe.procs import descendants, pid_alive
from tests.helpers import ROOT

PARENT = """
import subprocess, sys, time
from probe.procs import start_reaper
start_reaper()
kids = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"]) for _ in range(2)]
grand = subprocess.Popen([sys.executable, "-c",
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
    "time.sleep(300)"])
print("ready", flush=True)
time.sleep(300)
"""


def test_kill_9_of_the_watched_process_takes_its_whole_tree():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert parent.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 10
        while len(descendants(parent.pid)) < 5 and time.monotonic() < deadline:  # reaper, 2 kids, child, grandchild
            time.sleep(0.1)
        tree = descendants(parent.pid)
        assert len(tree) >= 5, tree
        time.sleep(1.2)  # the reaper has recorded the tree
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
        deadline = time.monotonic() + 10
        while any(pid_alive(p) for p in tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in tree if pid_alive(p)]
        assert pid_alive(bystander.pid)  # not below the watched process: untouched
    finally:
        for p in [parent.pid, *descendants(parent.pid)]:
            if pid_alive(p):
                os.kill(p, signal.SIGKILL)
        bystander.kill()
        bystander.wait()
