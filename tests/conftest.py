"""Shared fixtures.  Real data sets are read from ``../shared/data`` (never copied into the repo); tests that need
them take the ``data_dir`` fixture and skip, saying why, where the folder is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import DATA


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA} (set PROBE_SHARED_DATA)")
    return DATA
