"""Engine subprocesses write their stderr through this process, which passes it on until a stop begins.

    from probe.child_stderr import relayed_child_stderr

    with relayed_child_stderr():       # processes started inside write to a pipe this process relays to its stderr
        engine = start_engine()

Why: a terminal's Ctrl-C reaches every process of its group, and Slurm's or ``kill -- -PGID``'s SIGTERM every
process of the job, so an engine's processes are signalled with the toolkit and a dying engine prints dozens of
lines of request dumps and tracebacks.  The relay holds each chunk ``HOLD_S`` and drops what is held or arrives once
`probe.procs.stopping()` names a signal: a stopped run prints only its own one line.  With ``PROBE_LOG`` set
(``--verbose``) everything is passed on.  If this process dies, the children's stderr is a broken pipe: an engine
ends with its parent anyway (`probe.backends.vllm`).

Only the main thread swaps file descriptor 2 (elsewhere the block does nothing); this process's own writes inside
the block go through the relay too, and go straight to stderr again after it.
"""
from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager

from .procs import stopping

HOLD_S = 0.3


@contextmanager
def relayed_child_stderr():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        sys.stderr.flush()
        real = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no stderr to relay to
        yield
        return
    r, w = os.pipe()
    os.dup2(w, 2)
    os.close(w)
    threading.Thread(target=_relay, args=(r, real), daemon=True, name="child-stderr").start()
    try:
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(real, 2)  # children keep the pipe; the relay closes ``real`` when the last of them is gone


def _relay(r: int, out: int) -> None:
    keep_all = bool(os.environ.get("PROBE_LOG"))
    held: deque[tuple[float, bytes]] = deque()
    open_ = True
    while open_ or held:
        if open_ and select.select([r], [], [], HOLD_S / 3)[0]:
            chunk = os.read(r, 65536)
            if chunk:
                held.append((time.monotonic(), chunk))
            else:
                open_ = False
        muted = stopping() is not None and not keep_all
        while held and (muted or not open_ or time.monotonic() - held[0][0] >= HOLD_S):
            _, chunk = held.popleft()
            if not muted:
                _write_all(out, chunk)
    os.close(r)
    os.close(out)


def _write_all(fd: int, data: bytes) -> None:
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError:  # our stderr is gone (a closed terminal): nothing to pass on to
        pass
