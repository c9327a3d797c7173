"""A run folder: one atomic Parquet shard pair per cell, and a done-marker written last.  `probe run` and
`probe sweep` write the same layout (a run is a sweep of one model).

    RUN/sweep.json                                   the resolved config (what every job reads)
    RUN/shards/<model>/<cell_id>.conversations.parquet
    RUN/shards/<model>/<cell_id>.turns.parquet
    RUN/shards/<model>/<cell_id>.done.json           written last: both shards' sha256 and row counts
    RUN/manifests/<model>.json                       versions and engine settings of the model's last job
    RUN/errors/<cell_id>.txt                         why a cell failed, or which of its conversations did (removed
                                                     when it succeeds)
    RUN/.probe.lock                                  held (flock) by the sweep that runs in this folder
    RUN/claims/<model>.lock                          held (flock) by the job that runs the model's cells

A cell is done only when its marker names both shards and both still match it (size and sha256).  A cell whose
marker also lists ``errored`` conversations (a served model's request that failed after its retries) is *partial*:
its shards hold every other conversation, it counts as pending, and the next run runs only the errored ones and
writes the cell again with both (`partial`); `collect` takes a partial cell's finished rows.  A damaged or
half-written cell counts as pending, with a one-line warning on stderr, and the next sweep runs it again.  A cell
from an older toolkit (shards, no marker) is adopted when both shards read back whole.

    from probe.sweep import Store
    store = Store("runs/cpu-default")
    with store.lock():                 # a second sweep on the same folder waits here
        ...
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
from pathlib import Path

import pandas as pd

from ..errors import ProbeError
from ..paths import sha256_file
from ..config import Config, config_from_resolved, to_dict
from ..records import CONVERSATION_KEY, TURN_KEY, ModelManifest, write_json, write_parquet
from ..specs import Cell

TABLES = ("conversations", "turns")


def _rows(path: Path) -> int:
    """Rows of a Parquet file read back whole (every column decoded), or an exception."""
    import pyarrow.parquet as pq

    return pq.read_table(path).num_rows


def read_json_file(path: Path, what: str):
    """A JSON file's value, or a one-line `ProbeError` naming the file."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProbeError(f"{path}: {what} not found") from None
    except RecursionError:
        raise ProbeError(f"{path}: corrupt {what} (nested too deeply)") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ProbeError(f"{path}: corrupt {what} ({str(e).splitlines()[0] if str(e) else type(e).__name__})") from None


def plain(obj):
    """JSON round trip: tuples become lists, so a saved config compares equal to the same config read back."""
    return json.loads(json.dumps(obj, default=str))


def warn(message: str) -> None:
    print(f"probe: warning: {message}", file=sys.stderr)


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._verified: dict[str, tuple] = {}  # cell_id -> the marker stat it was verified against
        self._partial: dict[str, dict[str, str]] = {}  # cell_id -> {item id: why its conversation errored}
        self._warned: set[str] = set()

    # -- the config itself --------------------------------------------------------------------------------------
    def saved_config(self) -> dict | None:
        """The folder's sweep.json as plain data; None when absent or unreadable."""
        try:
            raw = json.loads((self.root / "sweep.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # nested too deeply: unreadable too
            return None
        return raw if isinstance(raw, dict) else None

    def save_config(self, cfg: Config) -> None:
        path = self.root / "sweep.json"
        new = plain(to_dict(cfg))
        if path.is_file():
            old = self.saved_config()
            if old is None:
                warn(f"{path}: corrupt; replaced by the config given")
            # a changed config makes new cells (new ids); keep the folder's record of what was asked last
            elif old != new:
                write_json(old, self.root / "sweep.previous.json")
        write_json(new, path)

    def load_config(self) -> Config:
        path = self.root / "sweep.json"
        if not path.is_file():
            raise ProbeError(f"{self.root}: not a run folder (no sweep.json)")
        raw = read_json_file(path, "run record")
        if not isinstance(raw, dict):
            raise ProbeError(f"{path}: corrupt run record (expected a JSON object, got {type(raw).__name__}); "
                             "rerun `probe sweep CONFIG --out RUN` to rewrite it")
        try:
            return config_from_resolved(raw)
        except (ProbeError, TypeError, ValueError, KeyError, AttributeError) as e:
            raise ProbeError(f"{path}: corrupt run record ({type(e).__name__}: {e}); rerun `probe sweep CONFIG "
                             "--out RUN` to rewrite it") from None

    def run_id(self) -> str:
        """The run's id: a hash of its resolved config (a served model's connection left out, so a rerun against the
        same model on another port keeps the id; a config without one hashes as the file's bytes)."""
        from ..connection import without_connection

        raw = (self.root / "sweep.json").read_bytes()
        try:
            config = json.loads(raw)
        except ValueError:
            config = None
        if isinstance(config, dict) and (kept := without_connection(config)) != config:
            raw = json.dumps(kept, indent=2, default=str).encode()
        return hashlib.sha256(raw).hexdigest()[:12]

    # -- one sweep at a time ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, wait: bool = True):
        """Hold ``RUN/.probe.lock`` (flock) for the duration; a second holder waits (or, ``wait=False``, gets a
        one-line error).  The lock ends with the process, so a killed sweep never leaves the folder locked."""
        path = self.root / ".probe.lock"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise ProbeError(f"{self.root}: cannot use as a sweep folder ({e.strerror or e})") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                if not wait:
                    raise ProbeError(f"{self.root}: another sweep (pid {holder}) is running in this folder") from None
                warn(f"{self.root}: another sweep (pid {holder}) is running in this folder; waiting for it")
                fcntl.flock(fd, fcntl.LOCK_EX)
            with contextlib.suppress(OSError):  # the holder's pid is for the waiting message; a full disk drops it
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield self
        finally:
            os.close(fd)  # releases the flock

    @contextlib.contextmanager
    def model_claim(self, model_slug: str):
        """Yield True while this process holds ``RUN/claims/<model>.lock``, False (at once) when another job does:
        two jobs for one model — a sweep submitted twice to Slurm with ``--no-wait`` — never run the same cells."""
        path = self.root / "claims" / f"{model_slug}.lock"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:  # claims/ is a file, a lock is a folder, the disk is full
            raise ProbeError(f"{path}: cannot claim the model's cells ({e.strerror or e}); "
                             f"{self.root / 'claims'} must be a folder") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                warn(f"{self.root}: another job (pid {holder}) is running the cells of {model_slug}; leaving them to it")
                yield False
                return
            with contextlib.suppress(OSError):  # the holder's pid is for the waiting message; a full disk drops it
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield True
        finally:
            os.close(fd)

    # -- shards -------------------------------------------------------------------------------------------------
    def remove_stale_temp(self, model_slug: str) -> int:
        """Delete the temporary files a killed writer left in ``shards/<model>/`` (``.<name>.<random>``); call it
        only while holding the model's claim, when no other writer can be at work there."""
        folder = self.root / "shards" / model_slug
        stale = [p for p in folder.glob(".*") if p.is_file()] if folder.is_dir() else []
        for p in stale:
            p.unlink(missing_ok=True)
        return len(stale)

    def shard(self, cell: Cell, table: str) -> Path:
        return self.root / "shards" / cell.model.slug / f"{cell.cell_id}.{table}.parquet"

    def marker(self, cell: Cell) -> Path:
        return self.root / "shards" / cell.model.slug / f"{cell.cell_id}.done.json"

    def _describe(self, cell: Cell) -> dict:
        """Read both shards back whole: {table: {file, bytes, sha256, rows}}; raises if one is missing or damaged."""
        out = {}
        for table in TABLES:
            path = self.shard(cell, table)
            out[table] = {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path),
                          "rows": _rows(path)}
        return out

    def _write_marker(self, cell: Cell, shards: dict, errored: dict[str, str] | None = None) -> None:
        write_json({"cell_id": cell.cell_id, "model": cell.model.name, "dataset": cell.dataset.label,
                    "condition": cell.condition.name, "variant": cell.variant, "shards": shards,
                    **({"errored": dict(errored)} if errored else {})}, self.marker(cell))

    def check_cell(self, cell: Cell) -> str | None:
        """None if the cell is done and whole, else why not ("" = simply not run yet, or partial: `partial`)."""
        self._partial.pop(cell.cell_id, None)
        marker = self.marker(cell)
        if not marker.is_file():
            if not self.shard(cell, "turns").is_file():
                return ""
            try:  # a cell written before done-markers existed: adopt it when both shards read back whole
                shards = self._describe(cell)
            except Exception as e:
                return f"shards without a done-marker do not read back whole ({type(e).__name__})"
            with contextlib.suppress(OSError):
                self._write_marker(cell, shards)
            return None
        st = marker.stat()
        stamp = (st.st_mtime_ns, st.st_size, *(self._stat(cell, t) for t in TABLES))
        if self._verified.get(cell.cell_id) == stamp:
            return None
        try:
            record = json.loads(marker.read_text(encoding="utf-8"))
            want = record["shards"]
            for table in TABLES:
                path = self.shard(cell, table)
                if not path.is_file():
                    return f"{table} shard missing"
                if path.stat().st_size != want[table]["bytes"] or sha256_file(path) != want[table]["sha256"]:
                    return f"{table} shard differs from its done-marker (damaged or replaced)"
            errored = record.get("errored") or {}
            if not isinstance(errored, dict):
                raise TypeError("errored is not a mapping")
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError) as e:
            return f"unreadable done-marker ({type(e).__name__})"
        if errored:
            self._partial[cell.cell_id] = {str(k): str(v) for k, v in errored.items()}
            return ""
        self._verified[cell.cell_id] = stamp
        return None

    def partial(self, cell: Cell) -> dict[str, str] | None:
        """{item id: why} of a partial cell's errored conversations (its shards whole), else None."""
        self.check_cell(cell)
        return self._partial.get(cell.cell_id)

    def _stat(self, cell: Cell, table: str) -> tuple:
        try:
            st = self.shard(cell, table).stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return ()

    def is_done(self, cell: Cell) -> bool:
        problem = self.check_cell(cell)
        if problem and cell.cell_id not in self._warned:
            self._warned.add(cell.cell_id)
            warn(f"{self.marker(cell).parent}/{cell.cell_id}: {problem}; the cell counts as pending and will run again")
        return problem is None

    def pending(self, cfg: Config, model=None) -> list[Cell]:
        return [c for c in cfg.cells(model) if not self.is_done(c)]

    def write_cell(self, cell: Cell, turns: pd.DataFrame, conversations: pd.DataFrame,
                   errored: dict[str, str] | None = None) -> None:
        """Both shards, read back whole, then the done-marker naming their checksums (and ``errored``: {item id:
        why}, the conversations left out, which makes the cell partial and names them in ``errors/``)."""
        self.marker(cell).unlink(missing_ok=True)
        self._verified.pop(cell.cell_id, None)
        try:
            write_parquet(conversations, self.shard(cell, "conversations"))
            write_parquet(turns, self.shard(cell, "turns"))
        except OSError:  # a full disk: no half of a cell stays behind
            for table in TABLES:
                with contextlib.suppress(OSError):
                    self.shard(cell, table).unlink(missing_ok=True)
            raise
        shards = self._describe(cell)
        if shards["turns"]["rows"] != len(turns) or shards["conversations"]["rows"] != len(conversations):
            raise OSError(f"cell {cell.cell_id}: shards read back with a different number of rows")
        self._write_marker(cell, shards, errored)  # last: marks the cell done (or partial)
        if errored:
            n = len(errored)
            self.write_error(cell, f"{n} conversation{'s' if n != 1 else ''} errored, the cell's other "
                                   f"{len(conversations)} written; rerun to finish {'them' if n != 1 else 'it'}\n"
                             + "\n".join(f"item {k}: {why}" for k, why in sorted(errored.items())))
        else:
            (self.root / "errors" / f"{cell.cell_id}.txt").unlink(missing_ok=True)

    def write_error(self, cell: Cell, message: str) -> None:
        """Record why a cell failed; a record that cannot be written (a full disk, errors/ not a folder) is a warning,
        never a second failure that would hide the first."""
        path = self.root / "errors" / f"{cell.cell_id}.txt"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{cell.model.name} {cell.dataset.label} {cell.condition.name} {cell.variant}\n{message}\n")
        except OSError as e:
            if cell.cell_id not in self._warned:
                self._warned.add(cell.cell_id)
                warn(f"{path}: cannot record why the cell failed ({e.strerror or e})")

    def errors(self) -> dict[str, str]:
        """{cell_id: the error file's text}; an unreadable file is reported as such, never raised."""
        folder = self.root / "errors"
        out = {}
        for p in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            try:
                out[p.stem] = p.read_text(encoding="utf-8", errors="replace")
            except OSError as e:
                out[p.stem] = f"?\nunreadable: {e.strerror or e}\n"
        return out

    def error_lines(self) -> dict[str, tuple[str, str]]:
        """{cell_id: (what the cell is, the first line of why it failed)}; a short or empty file is tolerated."""
        out = {}
        for cell_id, text in self.errors().items():
            lines = [line for line in text.splitlines() if line.strip()] or ["?"]
            out[cell_id] = (lines[0], lines[1] if len(lines) > 1 else "(no message)")
        return out

    def write_manifest(self, model_slug: str, manifest: ModelManifest) -> None:
        write_json(manifest.to_json(), self.root / "manifests" / f"{model_slug}.json")

    def manifests(self) -> dict[str, dict]:
        """{model slug: manifest}; a corrupt manifest is reported in a one-line warning and recorded as such."""
        out = {}
        for p in sorted((self.root / "manifests").glob("*.json")):
            try:
                value = json.loads(p.read_text(encoding="utf-8"))
                if not isinstance(value, dict):
                    raise ValueError(f"expected a JSON object, got {type(value).__name__}")
            except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
                warn(f"{p}: corrupt manifest ({str(e).splitlines()[0] if str(e) else type(e).__name__}); skipped")
                value = {"error": f"corrupt manifest: {p.name}"}
            out[p.stem] = value
        return out

    # -- collect ------------------------------------------------------------------------------------------------
    def collect(self, cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame, list[Cell]]:
        """Every done cell of the current config (and a partial cell's finished conversations), concatenated and
        sorted; also the cells still missing, whole or in part (including any whose shards fail to read, with a
        warning: collect never dies on a damaged shard)."""
        turns, convs, missing = [], [], []
        for c in cfg.cells():
            if not self.is_done(c):
                missing.append(c)
                if not self.partial(c):  # a partial cell's finished conversations are collected
                    continue
            try:
                t, v = pd.read_parquet(self.shard(c, "turns")), pd.read_parquet(self.shard(c, "conversations"))
            except Exception as e:  # damaged after the check: count it missing, keep collecting
                warn(f"{self.shard(c, 'turns').parent}/{c.cell_id}: shards unreadable ({type(e).__name__}); "
                     "left out and counted missing")
                if not missing or missing[-1] is not c:
                    missing.append(c)
                continue
            turns.append(t)
            convs.append(v)
        t = pd.concat(turns, ignore_index=True) if turns else pd.DataFrame()
        c = pd.concat(convs, ignore_index=True) if convs else pd.DataFrame()
        if len(t):
            t = t.sort_values(TURN_KEY, kind="stable").reset_index(drop=True)
        if len(c):
            c = c.sort_values(CONVERSATION_KEY, kind="stable").reset_index(drop=True)
        return t, c, missing
