"""Test helpers shared by unit and integration tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PROBE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def run_cli(*args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the installed ``probe`` console script the way a user does."""
    exe = Path(sys.executable).with_name("probe")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)
