"""A run folder: one atomic Parquet shard pair per cell; "done" means the cell's turns shard exists.  `probe run`
and `probe sweep` write the same layout (a run is a sweep of one model).

    RUN/sweep.json                                   the resolved config (what every job reads)
    RUN/shards/<model>/<cell_id>.conversations.parquet
    RUN/shards/<model>/<cell_id>.turns.parquet       written last: its presence marks the cell done
    RUN/manifests/<model>.json                       versions and engine settings of the model's last job
    RUN/errors/<cell_id>.txt                         why a cell failed (removed when it succeeds)
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import ProbeError
from ..records import CONVERSATION_KEY, TURN_KEY, write_json, write_parquet
from ..config import Config, config_from_resolved, to_dict
from ..specs import Cell


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    # -- the sweep itself ---------------------------------------------------------------------------------------
    def save_config(self, cfg: Config) -> None:
        path = self.root / "sweep.json"
        new = to_dict(cfg)
        if path.is_file():
            old = json.loads(path.read_text())
            # a changed config makes new cells (new ids); keep the folder's record of what was asked last
            if old != new:
                write_json(old, self.root / "sweep.previous.json")
        write_json(new, path)

    def load_config(self) -> Config:
        path = self.root / "sweep.json"
        if not path.is_file():
            raise ProbeError(f"{self.root}: not a run folder (no sweep.json)")
        return config_from_resolved(json.loads(path.read_text()))

    def run_id(self) -> str:
        """The run's id: a hash of its resolved config."""
        import hashlib

        return hashlib.sha256((self.root / "sweep.json").read_bytes()).hexdigest()[:12]

    # -- shards -------------------------------------------------------------------------------------------------
    def shard(self, cell: Cell, table: str) -> Path:
        return self.root / "shards" / cell.model.slug / f"{cell.cell_id}.{table}.parquet"

    def is_done(self, cell: Cell) -> bool:
        return self.shard(cell, "turns").is_file()

    def pending(self, cfg: Config, model=None) -> list[Cell]:
        return [c for c in cfg.cells(model) if not self.is_done(c)]

    def write_cell(self, cell: Cell, turns: pd.DataFrame, conversations: pd.DataFrame) -> None:
        write_parquet(conversations, self.shard(cell, "conversations"))
        write_parquet(turns, self.shard(cell, "turns"))  # last: marks the cell done
        err = self.root / "errors" / f"{cell.cell_id}.txt"
        if err.exists():
            err.unlink()

    def write_error(self, cell: Cell, message: str) -> None:
        path = self.root / "errors" / f"{cell.cell_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{cell.model.name} {cell.dataset.label} {cell.condition.name} {cell.variant}\n{message}\n")

    def errors(self) -> dict[str, str]:
        folder = self.root / "errors"
        return {p.stem: p.read_text() for p in sorted(folder.glob("*.txt"))} if folder.is_dir() else {}

    def write_manifest(self, model_slug: str, manifest: dict) -> None:
        write_json(manifest, self.root / "manifests" / f"{model_slug}.json")

    # -- collect ------------------------------------------------------------------------------------------------
    def collect(self, cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame, list[Cell]]:
        """Every done cell of the current config, concatenated and sorted; also the cells still missing."""
        done = [c for c in cfg.cells() if self.is_done(c)]
        missing = [c for c in cfg.cells() if not self.is_done(c)]
        turns = [pd.read_parquet(self.shard(c, "turns")) for c in done]
        convs = [pd.read_parquet(self.shard(c, "conversations")) for c in done]
        t = pd.concat(turns, ignore_index=True) if turns else pd.DataFrame()
        c = pd.concat(convs, ignore_index=True) if convs else pd.DataFrame()
        if len(t):
            t = t.sort_values(TURN_KEY, kind="stable").reset_index(drop=True)
        if len(c):
            c = c.sort_values(CONVERSATION_KEY, kind="stable").reset_index(drop=True)
        return t, c, missing
