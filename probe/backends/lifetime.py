"""An engine lives as long as its ``with`` block: leaving it, however (return, exception, Ctrl-C, SIGTERM), closes
the engine through the close watchdog, so no entry point leaves an engine core running behind it.

    from probe.backends import load_backend

    with load_backend("vllm", "smollm2-135m-instruct") as backend:
        backend.generate(...)
    # closed here; a close that hangs past PROBE_CLOSE_TIMEOUT_S (default 60 s) has its processes killed

Every backend class takes `ClosesOnExit` as a base; `close_engine` is the exit, callable on its own.
"""
from __future__ import annotations

import os
import sys

from ..procs import close_with_watchdog


def close_engine(backend, timeout_s: float | None = None) -> None:
    """Close the engine; if that hangs (``PROBE_CLOSE_TIMEOUT_S``, default 60 s) or raises, kill its processes so
    the command still exits -- its exit code then reflects the work, not the shutdown."""
    timeout_s = timeout_s if timeout_s is not None else float(os.environ.get("PROBE_CLOSE_TIMEOUT_S", "60"))
    if not close_with_watchdog(backend.close, getattr(backend, "engine_pids", None), timeout_s=timeout_s):
        print(f"probe: engine close did not finish within {timeout_s:.0f} s; its processes were killed",
              file=sys.stderr)


class ClosesOnExit:
    """``with backend:`` closes the engine on leaving the block (`close_engine`); an exception passes on."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        close_engine(self)
        return False
