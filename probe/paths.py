"""Output locations are checked before any engine starts, and names that become paths stay inside their root.

    from probe.paths import check_out_folder, claim_run_folder

    check_out_folder("reports/x", "--out")             # a file, a path under a file, an unwritable folder → error
    claim_run_folder("runs/smoke", to_dict(cfg))       # also: another config's results are replaced only with
                                                       # --overwrite (probe run); a sweep refuses another's folder

Each check raises `ProbeError` (one line naming the option and the path; the CLI exits 2) and creates nothing that
outlives it: the write test makes and removes one temporary folder in the nearest existing ancestor.
"""
from __future__ import annotations

import hashlib
import json
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


def is_dir(path: str | Path) -> bool:
    """``Path.is_dir`` that answers False for a name no file system could hold (longer than NAME_MAX, a NUL byte)
    instead of raising: a model argument is tried as a folder before it is taken for a name."""
    try:
        return Path(path).expanduser().is_dir()
    except (OSError, ValueError):
        return False


def is_file(path: str | Path) -> bool:
    """``Path.is_file`` that answers False instead of raising (see `is_dir`)."""
    try:
        return Path(path).expanduser().is_file()
    except (OSError, ValueError):
        return False


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


def _holds_no_result(folder: Path, entries: set[str]) -> bool:
    """Only the record of a start that ended before any cell ran (a model-name typo, a refused engine): sweep.json
    and empty model claims.  Such a folder is reused as if empty, so the corrected command is not refused."""
    if not entries <= {SWEEP_FILE, "claims"}:
        return False
    claims = folder / "claims"
    return not claims.exists() or (claims.is_dir() and not claims.is_symlink()
                                   and all(p.suffix == ".lock" and p.is_file() for p in claims.iterdir()))


def _saved(folder: Path) -> dict | None:
    try:
        raw = json.loads((folder / SWEEP_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # nested too deeply: unreadable too
        return None
    return raw if isinstance(raw, dict) else None


def _same_config(saved: dict, new: dict) -> bool:
    """Equal apart from the executor (``--executor`` may differ between a sweep and its rerun), the judge stage
    (``readout:``, a reading of the same replies added after the protocol: `probe.sweep.judge_stage`) and where a
    served model's server is (it may come back on another port)."""
    from .connection import without_connection

    drop = lambda d: without_connection({k: v for k, v in d.items() if k not in ("executor", "readout")})  # noqa: E731
    return drop(saved) == drop(new)


def claim_run_folder(out: str | Path, config: dict, kind: str = "run", overwrite: bool = False,
                     field: str = "--out") -> Path:
    """May ``probe run`` (``kind="run"``) or ``probe sweep`` (``kind="sweep"``) write a config's results into ``out``?

    ``config`` is the config as sweep.json holds it (`probe.config.to_dict`): this module sits below the config and
    compares its plain form only.

    Yes for a new or empty folder (or one holding only the sweep.json of a start that ran no cell), and for a
    folder that holds the same config (it resumes: nothing finished is
    redone or lost).  A folder holding another config: ``probe run`` replaces it only with ``overwrite``; a sweep
    continues its own sweep (same ``name``: a changed grid adds cells, the earlier config is kept in
    sweep.previous.json) and refuses another's.  A non-empty folder that is not a run folder is always refused.
    """
    out = check_out_folder(out, field)
    entries = _entries(out)
    if not entries or _holds_no_result(out, entries):
        return out
    new = json.loads(json.dumps(config, default=str))
    if SWEEP_FILE not in entries:
        what = "an older run's results" if set(RUN_FILES) & entries else "files"
        raise ProbeError(f"{field}: {out} holds {what} but is not a run folder (no {SWEEP_FILE}); choose another "
                         "folder")
    saved = _saved(out)
    if saved is not None and _same_config(saved, new):
        return out
    if not _holds_results(out):  # e.g. left by a command that stopped at a model-name typo: nothing to lose
        return out
    if kind == "run":
        if overwrite:
            return out
        what = "an unreadable sweep.json" if saved is None else f"the results of another config ({saved.get('name')!r})"
        raise ProbeError(f"{field}: {out} holds {what}; pass --overwrite to replace them or choose another folder")
    if saved is None or saved.get("name") == new.get("name"):
        return out
    raise ProbeError(f"{field}: {out} holds the run {saved.get('name')!r}, not the sweep {new.get('name')!r}; "
                     "choose another folder")


def _holds_results(out: Path) -> bool:
    """Whether a run folder holds any finished or collected result (a shard, its record, a merged table)."""
    return any(p.is_file() for pattern in ("*.parquet", "*.done.json") for p in out.rglob(pattern))


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 4 MiB blocks (model weights are hundreds of MB)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()
