"""Output locations are checked before any engine starts, and names that become paths stay inside their root.

    from probe.paths import check_name, check_out_folder, claim_run_folder, claim_sweep_folder

    out = check_out_folder("runs/smoke", "--out")          # a file, a path under a file, an unwritable folder → error
    claim_run_folder(out, overwrite=False)                 # a finished run is replaced only with --overwrite
    claim_sweep_folder(out)                                # a sweep only resumes its own kind of folder

Each check raises `ProbeError` (one line naming the option and the path; the CLI exits 2) and creates nothing that
outlives it: the write test makes and removes one temporary folder in the nearest existing ancestor.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import ProbeError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
RUN_FILES = ("turns.parquet", "conversations.parquet", "manifest.json")
SWEEP_FILE = "sweep.json"
OWN_ENTRIES = {".probe.lock"}


def is_safe_name(name: str) -> bool:
    """One path component of ``[A-Za-z0-9._-]``, not starting with ``.`` or ``-``, at most 100 characters."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def check_name(name: str, field: str) -> str:
    if not is_safe_name(name):
        raise ProbeError(f"{field}: {name!r} cannot be a folder name (use one path component of letters, digits, "
                         "'.', '_', '-', not starting with '.' or '-', at most 100 characters)")
    return name


def inside(root: str | Path, path: str | Path) -> bool:
    """True when ``path`` resolves (symlinks followed) to ``root`` or somewhere below it."""
    root_r, path_r = Path(root).resolve(), Path(path).resolve()
    return path_r == root_r or root_r in path_r.parents


def check_out_folder(path: str | Path, field: str = "--out") -> Path:
    """A folder we can create or write in: not a file, not under a file, writable.  Creates nothing lasting."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise ProbeError(f"{field}: {path} is an existing file, not a folder")
    probe = path
    while not probe.exists():
        if probe.is_symlink():
            raise ProbeError(f"{field}: {probe} is a dangling symlink")
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ProbeError(f"{field}: {path} is under {probe}, which is a file")
    try:  # os.access is not enough (root, read-only mounts): make and remove a folder
        os.rmdir(tempfile.mkdtemp(prefix=".probe-write-test-", dir=probe))
    except OSError as e:
        raise ProbeError(f"{field}: cannot write in {probe} ({e.strerror or e})") from None
    return path


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - OWN_ENTRIES if folder.is_dir() else set()


def claim_run_folder(out: str | Path, overwrite: bool = False, field: str = "--out") -> Path:
    """``probe run --out``: refuse a sweep folder always, a finished (or partial) run unless ``overwrite``."""
    out = check_out_folder(out, field)
    entries = _entries(out)
    if SWEEP_FILE in entries or "shards" in entries:
        raise ProbeError(f"{field}: {out} is a sweep folder; choose another folder for `probe run`")
    found = sorted(entries & set(RUN_FILES))
    if found and not overwrite:
        raise ProbeError(f"{field}: {out} already holds a run ({', '.join(found)}); pass --overwrite to replace it "
                         "or choose another folder")
    return out


def claim_sweep_folder(out: str | Path, field: str = "--out") -> Path:
    """``probe sweep --out``: a new or empty folder, or one that already holds a sweep (it resumes)."""
    out = check_out_folder(out, field)
    entries = _entries(out)
    if not entries or SWEEP_FILE in entries:
        return out
    if set(RUN_FILES) & entries:
        raise ProbeError(f"{field}: {out} holds a `probe run` result, not a sweep; choose another folder")
    raise ProbeError(f"{field}: {out} is not empty and is not a sweep folder (no {SWEEP_FILE}); choose another folder")
