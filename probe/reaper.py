"""A watcher that outlives the process it watches: when that process ends -- even by ``kill -9`` -- every process
that was below it is killed.  An engine's core and workers are started by the engine (fork or spawn, out of the
toolkit's hands), so a parent-death signal cannot be set in them; this watcher needs none.

    python -m probe.reaper PID        # started by probe.procs.start_reaper(), in a session of its own

Every half second it records the processes below PID with their start times (a pid reused by an unrelated process
later has another start time and is never signalled); once PID has ended it sends SIGKILL to those still running
and exits.  A process that ends normally has closed its engine already: then there is nothing left to kill.
"""
from __future__ import annotations

import os
import signal
import sys
import time

from .procs import descendants, pid_alive

POLL_S = 0.5


def start_time(pid: int) -> str | None:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]  # field 22: start time in clock ticks since boot


def watch(parent: int, poll_s: float = POLL_S) -> list[int]:
    """Block until ``parent`` ends, then kill what was below it; returns the pids killed."""
    seen: dict[int, str] = {}
    me = os.getpid()
    while pid_alive(parent):
        for pid in descendants(parent):
            if pid != me and pid not in seen and (t := start_time(pid)) is not None:
                seen[pid] = t
        time.sleep(poll_s)
    killed = []
    for pid, t in seen.items():
        if start_time(pid) == t:  # still the same process
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except OSError:
                pass
    return killed


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C to the terminal is for the run, which then ends
    watch(int(sys.argv[1]))
