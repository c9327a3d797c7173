"""One model's job: start the engine once, run every pending cell of that model, batched turn by turn.

Cells are run in chunks (``executor.chunk_cells``, default all pending at once); each chunk's shards are written as
soon as it finishes, so an interrupted job loses at most the chunk in flight, and a chunk that raises is recorded in
``errors/`` without touching other cells.

    python -m probe.sweep RUN MODEL      # what the local executor runs (Slurm calls run_model via submitit)
"""
from __future__ import annotations

import sys
import time
import traceback
from datetime import datetime, timezone

import pandas as pd
from tqdm.auto import tqdm

from ..datasets import load_dataset
from ..errors import ProbeError
from ..protocol import rewrite_questions, run_protocol
from ..records import conversations_frame, turns_frame, versions
from .store import Store


def _chunks(seq: list, size: int) -> list[list]:
    if size <= 0:
        return [seq] if seq else []
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def sweep_id(store: Store) -> str:
    import hashlib

    return hashlib.sha256((store.root / "sweep.json").read_bytes()).hexdigest()[:12]


def run_model(run_dir, model_name: str, backend=None, progress: bool = True) -> int:
    """Run the model's pending cells; returns the number of cells that failed."""
    from ..backends import load_backend

    store = Store(run_dir)
    sweep = store.load_sweep()
    model = sweep.model(model_name)
    pending = store.pending(sweep, model)
    if not pending:
        return 0
    cfg = sweep.run_config(model)
    started = datetime.now(timezone.utc).isoformat()
    t0 = time.perf_counter()
    backend = backend or load_backend(cfg.backend, cfg.model, cfg.engine_spec())
    engine_s = time.perf_counter() - t0
    items_by_dataset = {d.label: load_dataset(d)[0] for d in {c.dataset for c in pending}}
    spec = cfg.protocol_spec()
    run = cfg.record_columns(backend, sweep_id(store), model.name)
    failed = 0
    chunks = _chunks(pending, sweep.executor.chunk_cells)
    bar = tqdm(total=len(pending), desc=f"{model.name}: cells", unit="cell", disable=not progress)
    for chunk in chunks:
        try:
            failed += _run_chunk(store, backend, chunk, items_by_dataset, spec, run, bar.set_postfix_str)
        except Exception as e:  # a chunk that raises must not lose other cells' shards
            failed += len(chunk)
            msg = f"{type(e).__name__}: {e}\n{traceback.format_exc()}"
            for cell in chunk:
                store.write_error(cell, msg)
        bar.update(len(chunk))
    bar.close()
    store.write_manifest(model.slug, {"model": model.name, "backend": backend.info, "versions": versions(),
                                      "started": started, "finished": datetime.now(timezone.utc).isoformat(),
                                      "engine_start_s": round(engine_s, 3), "cells_run": len(pending),
                                      "cells_failed": failed})
    return failed


def _run_chunk(store, backend, chunk, items_by_dataset, spec, run, on_step=None) -> int:
    datasets = sorted({c.dataset.label for c in chunk})
    items = [i for d in datasets for i in items_by_dataset[d]]
    conditions = {c.condition.name: c.condition for c in chunk}
    variants = sorted({c.variant for c in chunk})
    wanted = {c.key for c in chunk}
    rewritten, _ = rewrite_questions(backend, items, variants, spec.seed)
    turn_rows, conv_rows = run_protocol(backend, items, list(conditions.values()), variants, spec, on_step,
                                        rewritten=rewritten, only=wanted)
    turns = turns_frame(turn_rows, run)
    convs = conversations_frame(conv_rows, run)
    for cell in chunk:
        d, cond, var = cell.key
        pick_t = (turns["dataset"] == d) & (turns["condition"] == cond) & (turns["variant"] == var) if len(turns) \
            else pd.Series(dtype=bool)
        pick_c = (convs["dataset"] == d) & (convs["condition"] == cond) & (convs["variant"] == var) if len(convs) \
            else pd.Series(dtype=bool)
        store.write_cell(cell, turns[pick_t].reset_index(drop=True) if len(turns) else turns,
                         convs[pick_c].reset_index(drop=True) if len(convs) else convs)
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m probe.sweep RUN_DIR MODEL", file=sys.stderr)
        return 2
    try:
        failed = run_model(argv[0], argv[1])
    except ProbeError as e:
        print(f"probe sweep job: error: {e}", file=sys.stderr)
        return 2
    return 1 if failed else 0
