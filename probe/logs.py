"""Quiet engine logging by default: a researcher sees progress bars, summaries and errors, not dozens of engine
WARNING lines.  ``PROBE_LOG=info`` (or ``probe --verbose``) lets the engine's own log lines through.

Called first by every entry point (the CLI, a sweep job) and again by the vLLM backend, before torch or vllm is
imported: the engine core is a spawned process, so environment variables reach it and in-process filters do not.
"""
from __future__ import annotations

import logging
import os
import warnings


def quiet_engine_logs() -> None:
    level = os.environ.get("PROBE_LOG")
    os.environ.setdefault("VLLM_LOGGING_LEVEL", (level or "ERROR").upper())
    if level:
        return
    os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")
    os.environ.setdefault("TORCH_LOGS", "-all")  # torch resets its loggers to WARNING at import; this keeps ERROR
    os.environ.setdefault("PYTHONWARNINGS", "ignore::FutureWarning,ignore::UserWarning")
    warnings.filterwarnings("ignore", category=FutureWarning)
    for name in ("torch", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR)
