"""Processes the toolkit starts end with it: closing an engine under a watchdog.

    close_with_watchdog(backend.close, backend.engine_pids, timeout_s=60)
"""
from __future__ import annotations

import os
import signal
import threading
import time
from typing import Callable, Iterable


def child_pids() -> list[int]:
    """Every live descendant of this process (an engine's worker processes)."""
    import psutil

    return [p.pid for p in psutil.Process().children(recursive=True)]


def kill_tree(pids: Iterable[int], grace_s: float = 5.0) -> None:
    """SIGTERM the processes, then SIGKILL whatever is still alive after ``grace_s``."""
    import psutil

    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    for p in procs:
        try:
            p.send_signal(signal.SIGTERM)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(procs, timeout=grace_s)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def close_with_watchdog(close: Callable[[], None], pids: Callable[[], Iterable[int]] | None = None,
                        timeout_s: float = 60.0) -> bool:
    """Call ``close``; if it has not returned within ``timeout_s``, kill ``pids()`` (default: every child process)
    and return.  Returns True when ``close`` finished by itself."""
    pids = pids or child_pids
    known = list(pids())  # taken before close: a hung close may leave them unreachable through the backend
    done = threading.Event()
    errors: list[BaseException] = []

    def run():
        try:
            close()
        except BaseException as e:  # noqa: BLE001 - a failing close must not keep the job alive either
            errors.append(e)
        finally:
            done.set()

    threading.Thread(target=run, name="engine-close", daemon=True).start()
    finished = done.wait(timeout_s)
    if not finished:
        kill_tree(set(known) | set(pids()))
    elif errors:
        kill_tree(set(known) | set(pids()))
    return finished and not errors


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)
