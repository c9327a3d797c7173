"""Every process the toolkit starts ends with it: signal handling, process trees, and a watchdog for engine close.

    from probe.procs import close_with_watchdog, install_signal_handlers

    install_signal_handlers()          # at a command's entry point: SIGTERM/SIGHUP raise Terminated, like Ctrl-C
    backend = load_backend(...)
    try:
        ...                            # Ctrl-C or SIGTERM arrive here as an exception, so `finally` runs
    finally:
        close_with_watchdog(backend.close, backend.engine_pids, timeout_s=60)   # pids=None: every descendant

API

- ``install_signal_handlers()``: SIGTERM and SIGHUP raise `Terminated` (a `KeyboardInterrupt` subclass, so code that
  handles Ctrl-C handles them too; ``exit_code`` is 128 + the signal number).  Later signals while stopping are
  ignored, so cleanup is not interrupted; a hung cleanup is the watchdog's job.  On Linux the process also becomes
  a child subreaper, so grandchildren orphaned by a dying child are re-parented here and found by `kill_tree`.
  A signal the process was started ignoring (``nohup``: SIGHUP) stays ignored.  Call it from the main thread;
  elsewhere it does nothing and returns False.
- ``stop_passes_through()``: a context manager around library code that catches KeyboardInterrupt (vLLM's engine
  start-up does): the first signal inside raises `StopSignal`, a BaseException no such ``except`` catches, and
  leaves the block as KeyboardInterrupt / `Terminated`; ``on_stop()`` runs first.  ``stopping()``: the signal that
  began the stop, or None.  ``exit_now(code)``: flush and end the process at once (after a stop).
- ``close_with_watchdog(close, pids=None, timeout_s=60)``: call ``close()`` in a helper thread; if it has not
  returned after ``timeout_s`` (or it raised), kill the process tree of every pid ``pids()`` names (default
  `child_pids`: every descendant of this process; SIGTERM, then SIGKILL) and return.  Returns True when ``close``
  returned in time (then nothing is killed).  Never raises: it runs in `finally`.  ``pids`` is called before the
  close (a hung close may have dismantled what names them) and again after a failed one.
- ``kill_tree(pids, grace_s=5)``: ``pids`` is one pid or several.  SIGTERM each and all their descendants (found
  before any is signalled), wait up to ``grace_s`` for them to end, SIGKILL what is left.  This process is never
  signalled (``kill_tree(os.getpid())`` ends only its descendants).
- ``child_pids()`` / ``descendants(pid)`` / ``pid_alive(pid)``: the processes below this process or below ``pid``
  (Linux ``/proc``); whether a pid runs (a zombie counts as ended).  Nothing here
  reaps: a child's exit status stays for its `subprocess.Popen`.
- ``die_with_parent(sig=SIGTERM)``: a ``preexec_fn`` for `subprocess.Popen`; the child gets ``sig`` when its parent
  dies, even by SIGKILL (Linux ``PR_SET_PDEATHSIG``).
- ``start_reaper()``: a watcher process (`probe.reaper`) that kills whatever was below this process once it ends,
  even by SIGKILL (a second guard beside the engine's own parent-death signal: whatever the engine started).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM / SIGHUP once `install_signal_handlers` ran."""

    def __init__(self, signum: int):
        super().__init__(f"terminated by {signal.Signals(signum).name}")
        self.signum = signum
        self.exit_code = 128 + signum


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """``preexec_fn``: send this (child) process ``sig`` when its parent dies; True where the kernel took it.
    Linux ties it to the parent *thread* that started the child: start such children from a thread that lives as
    long as its process (the main thread)."""
    return _prctl(_PR_SET_PDEATHSIG, int(sig))


_reaper: dict = {}


def start_reaper():
    """Start (once per process) `probe.reaper` watching this process: when it ends, even by SIGKILL, every process
    that was below it is killed -- so a killed run never leaves an engine holding memory and cores on a shared node
    or a Slurm allocation.  The engine starts its core and workers itself (fork or spawn), so a parent-death signal
    cannot be set in them; the watcher needs none.  Linux only (``/proc``); returns its Popen, or None."""
    import subprocess

    if _reaper.get("pid") == os.getpid() or not Path("/proc/self/stat").exists():
        return _reaper.get("proc")
    proc = subprocess.Popen([sys.executable, "-m", "probe.reaper", str(os.getpid())], start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            close_fds=True)
    _reaper.update(pid=os.getpid(), proc=proc)
    return proc


class StopSignal(BaseException):
    """What the first signal raises inside `stop_passes_through`: no KeyboardInterrupt, so a library's
    ``except KeyboardInterrupt`` cannot swallow it (``except Exception`` cannot either)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    def as_interrupt(self) -> KeyboardInterrupt:
        return KeyboardInterrupt() if self.signum == signal.SIGINT else Terminated(self.signum)


_stopping: dict = {"signum": None, "through": []}  # through: the on_stop of each open `stop_passes_through`


def _handler(signum, frame):
    if _stopping["signum"] is not None:  # already stopping: let the cleanup finish (the watchdog bounds it)
        return
    _stopping["signum"] = signum
    if _stopping["through"]:
        for on_stop in reversed(_stopping["through"]):
            try:
                on_stop()
            except Exception:  # noqa: BLE001 — the stop itself must go on
                pass
        raise StopSignal(signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def stopping() -> int | None:
    """The signal that began stopping this process (once `install_signal_handlers` ran), else None."""
    return _stopping["signum"]


@contextmanager
def stop_passes_through(on_stop: Callable[[], None] = lambda: None):
    """Run library code that may catch KeyboardInterrupt (vLLM's engine start-up wait does, and then waits ten
    minutes for an engine that the same Ctrl-C ended): a signal inside calls ``on_stop()`` (say, kill what the
    library started, so its own clean-up need not wait for it), then raises `StopSignal`, which such code cannot
    swallow, and leaves the block as the usual KeyboardInterrupt / `Terminated`."""
    if threading.current_thread() is not threading.main_thread():  # signals arrive in the main thread only
        yield
        return
    _stopping["through"].append(on_stop)
    try:
        yield
    except StopSignal as e:
        raise e.as_interrupt() from None
    finally:
        _stopping["through"].remove(on_stop)


def exit_now(code: int) -> None:
    """End this process with ``code`` after a stop, its output flushed, without the interpreter's teardown: freeing
    torch and vLLM module by module takes seconds of CPU (six on a busy 2-core machine), and what needed closing was
    closed in ``finally`` blocks already."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


def install_signal_handlers() -> bool:
    """SIGINT, SIGTERM and SIGHUP raise in the main thread (first one only); returns False off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return False
    _stopping.update(signum=None, through=[])
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:  # `nohup` and `cmd &` ignore some on purpose: keep that
            signal.signal(sig, _handler)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    return True


def _ppids() -> dict[int, int]:
    """{pid: parent pid} of every process visible in /proc."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        out[int(d.name)] = int(fields[1])
    return out


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children first, breadth-first)."""
    parents = _ppids()
    children: dict[int, list[int]] = {}
    for p, pp in parents.items():
        children.setdefault(pp, []).append(p)
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(0), []):
            if c not in out:
                out.append(c)
                todo.append(c)
    return out


def child_pids() -> list[int]:
    """Every live descendant of this process (an engine's worker processes)."""
    return [p for p in descendants(os.getpid()) if pid_alive(p)]


def pid_alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (ended, not yet reaped) counts as ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] not in "ZX"
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not Path("/proc").is_dir()


def _signal_all(pids, sig) -> None:
    for p in pids:
        try:
            os.kill(p, sig)
        except (ProcessLookupError, PermissionError):
            pass


def kill_tree(pids: int | Iterable[int], grace_s: float = 5.0) -> list[int]:
    """SIGTERM the trees, wait up to ``grace_s``, SIGKILL the rest; returns the pids that were signalled."""
    me = os.getpid()
    roots = [pids] if isinstance(pids, int) else list(pids)
    tree = list(dict.fromkeys(p for r in roots for p in [r, *descendants(r)] if p != me))
    _signal_all(tree, signal.SIGTERM)
    if wait_all_gone(tree, grace_s):
        return tree
    late = list(dict.fromkeys(p for r in tree for p in [r, *descendants(r)] if p != me))
    _signal_all(late, signal.SIGKILL)
    wait_all_gone(late, 5.0)
    return late


def wait_all_gone(pids: Iterable[int], timeout_s: float) -> bool:
    pids = list(pids)
    deadline = time.monotonic() + timeout_s
    while any(pid_alive(p) for p in pids):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def close_with_watchdog(close: Callable[[], None], pids: Callable[[], Iterable[int]] | None = None,
                        timeout_s: float = 60.0) -> bool:
    """Call ``close``; if it hangs past ``timeout_s`` or raises, kill the trees of ``pids()`` (default: every
    descendant) and return.  True when ``close`` finished by itself."""
    pids = pids or child_pids
    known: list[int] = []
    try:  # read the pids first: a hung close may have half-dismantled what names them
        known = list(pids() or [])
    except Exception:
        pass
    failure: list[BaseException] = []

    def run():
        try:
            close()
        except BaseException as e:  # noqa: BLE001 — reported by the return value, never raised from a `finally`
            failure.append(e)

    t = threading.Thread(target=run, name="engine-close", daemon=True)
    t.start()
    t.join(timeout_s)
    if not t.is_alive() and not failure:
        return True
    try:
        known += [p for p in pids() or [] if p not in known]
    except Exception:
        pass
    kill_tree([p for p in known if pid_alive(p)])
    return False
