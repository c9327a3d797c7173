"""The one orchestrator: start a model's engine once, run its pending cells batched turn by turn, write each cell's
shard, close the engine.  `probe run` (a sweep of one model) and every sweep executor come here.

Cells are run in chunks (``executor.chunk_cells``, default all pending at once); each chunk's shards are written as
soon as it finishes, so an interrupted job loses at most the chunk in flight, and a chunk that raises is recorded in
``errors/`` without touching other cells.  A conversation whose request failed for good (a served model,
`probe.sweep.failures`) is left out of its cell, which is written partial; the next run runs only those
conversations and writes the cell whole.  The engine is closed on leaving its ``with`` block; a close that hangs is
ended by killing the engine's processes, so a job always exits and its exit code reflects the cells.

    python -m probe.sweep RUN MODEL      # what the local executor runs (Slurm calls run_model via submitit)
"""
from __future__ import annotations

import contextlib
import sys
import time
import traceback
from collections import defaultdict
from datetime import datetime, timezone

from ..backends import load_backend
from ..datasets import load_dataset
from ..errors import ProbeError, WriteError
from ..belief import BELIEF_FRAME, PROBE_MESSAGE
from ..protocol import rewrite_questions, run_protocol
from ..readout.reader import make_reader
from ..records import CONVERSATION_KEY, TURN_KEY, ModelManifest, conversations_frame, turns_frame, versions
from ..progress import Progress
from .failures import conversation_key, errored_conversations
from .store import Store


def _chunks(seq: list, size: int) -> list[list]:
    if size <= 0:
        return [seq] if seq else []
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def run_model(run_dir, model_name: str, backend=None, progress: bool = True) -> int:
    """Run the model's pending cells on one engine; returns the number of cells that failed."""
    store = Store(run_dir)
    cfg = store.load_config()
    model = cfg.model(model_name)
    with store.model_claim(model.slug) as mine:  # another job running this model's cells keeps them
        if mine:
            store.remove_stale_temp(model.slug)  # what a killed job was writing
        pending = store.pending(cfg, model) if mine else []  # read after the claim: its finished cells are done
        return _run_cells(store, cfg, model, pending, backend, progress) if pending else 0


def _run_cells(store, cfg, model, pending, backend, progress) -> int:
    # the data first: a bad row is a one-line error before any engine starts
    items, skipped = {}, {}
    for cell in pending:
        if cell.dataset.label not in items:
            items[cell.dataset.label], skipped[cell.dataset.label] = load_dataset(cell.dataset)
    started = datetime.now(timezone.utc).isoformat()
    t0 = time.perf_counter()
    engine = load_backend(cfg.backend_for(model), model.name, cfg.engine_for(model)) if backend is None \
        else contextlib.nullcontext(backend)  # a caller's engine stays open for the caller to close
    reader = make_reader(cfg.protocol.readout)  # one reader for every chunk of this model's cells
    # the engine is closed on leaving, through the close watchdog (probe.backends.lifetime); the reader too
    with engine as backend, contextlib.closing(reader):
        engine_s = time.perf_counter() - t0
        stamp = {"run_id": store.run_id(), "model": model.label, "backend": backend.name,
                 "dtype": backend.info.get("dtype", cfg.engine_for(model).dtype),
                 "logprobs_mode": backend.info.get("logprobs_mode", ""),
                 "score_method": backend.info.get("score_method", ""),
                 "params_b": model.params_b if model.params_b is not None else backend.info.get("params_b")}
        bar = Progress(f"{model.label}", enabled=progress)
        if hasattr(backend, "progress"):  # a served model counts its requests on the bar
            backend.progress = bar.requests
        failed, stats = 0, defaultdict(float)
        stats["items"] = sum(len(v) for v in items.values())
        for chunk in _chunks(pending, cfg.executor.chunk_cells):
            try:
                failed += _run_chunk(store, backend, reader, chunk, items, cfg.protocol, stamp, bar, stats)
            except WriteError:  # a full disk (or a folder where a shard goes): every later cell would fail alike
                bar.stop()
                raise
            except Exception as e:  # a chunk that raises must not lose other cells' shards
                failed += len(chunk)
                msg = f"{type(e).__name__}: {e}\n{traceback.format_exc()}"
                for cell in chunk:
                    store.write_error(cell, msg)
                bar.note(f"{len(chunk)} cells failed: {type(e).__name__}: {e}")
        bar.close(f"{len(pending) - failed}/{len(pending)} cells written, {int(stats['conversations'])} "
                  f"conversations, {int(stats['turn_rows'])} turn rows in {stats['protocol_s']:.0f} s")
        store.write_manifest(model.slug, ModelManifest(
            model=model.label, model_spec=model.name, backend=backend.info, versions=versions(),
            started=started, finished=datetime.now(timezone.utc).isoformat(),
            engine_start_s=round(engine_s, 3), protocol_s=round(stats["protocol_s"], 3),
            cells_run=len(pending), cells_failed=failed, n_items=int(stats["items"]),
            n_conversations=int(stats["conversations"]), n_turn_rows=int(stats["turn_rows"]),
            generated_tokens=int(stats["generated_tokens"]), skipped_rows=skipped,
            question_rewrites=dict(stats.get("rewrites", {})),
            belief_probe={"message": PROBE_MESSAGE, "frame": BELIEF_FRAME,
                          "frame_mc": "the form of the first answer's option (probe.belief.option_form): "
                                      "{opening} {option text} {end of reply} where it quoted the option's text "
                                      "or wrote words after its letter, {opening} ({letter}) where it wrote the "
                                      "letter alone, else the frame with {letter}"},
            readout=readout_record(reader),
        ))
        return failed


def readout_record(reader=None) -> dict:
    """Which readout read the replies (the reader's name, e.g. "rules-2.9"; the rules when not given), and the rule
    readout's measured agreement with hand labels (probe/readout/accuracy.json)."""
    import json
    from importlib import resources

    from ..readout import READOUT_VERSION
    from ..readout.reader import RULES

    try:
        accuracy = json.loads(resources.files("probe.readout").joinpath("accuracy.json").read_text())
    except (FileNotFoundError, ValueError):
        accuracy = None
    if accuracy is not None and accuracy.get("version") != READOUT_VERSION:
        accuracy = {"note": f"measured for readout {accuracy.get('version')}, not {READOUT_VERSION}"}
    return {"version": READOUT_VERSION, "reader": (reader or RULES).name, "agreement_with_hand_labels": accuracy}


def _run_chunk(store, backend, reader, chunk, items, spec, stamp, bar, stats) -> int:
    """Run a chunk of cells and write their shards; returns how many were written partial (a conversation
    errored).  A partial cell from an earlier run runs only its errored conversations, kept with its other rows."""
    import pandas as pd

    t0 = time.perf_counter()
    earlier = {c.cell_id: store.partial(c) for c in chunk}  # {item id: why} of a partial cell, else None
    todo = {c.cell_id: [i for i in items[c.dataset.label] if earlier[c.cell_id] is None or i.id in earlier[c.cell_id]]
            for c in chunk}
    all_items = [i for d in sorted({c.dataset.label for c in chunk}) for i in items[d]]
    variants = sorted({c.variant for c in chunk})
    rewritten, counts = rewrite_questions(backend, all_items, variants, spec.seed)
    stats.setdefault("rewrites", {}).update(counts)
    rows = run_protocol(backend, [(c, todo[c.cell_id]) for c in chunk], spec, bar.step, rewritten, reader)
    stats["protocol_s"] += time.perf_counter() - t0
    take = getattr(backend, "take_failures", None)
    bad, unplaced = errored_conversations([r for t, _ in rows.values() for r in t], take() if take else [],
                                          spec.system_prompt)
    if unplaced:  # e.g. a model-variant rewrite: that variant is skipped for its item, as a rejected rewrite is
        bar.note(f"{len(unplaced)} requests outside any conversation failed: {unplaced[0].reason}")
    partial = 0
    for cell in chunk:
        turn_rows, conv_rows = rows[cell.cell_id]
        errored = {conversation_key(r)[1]: bad[conversation_key(r)] for r in conv_rows if conversation_key(r) in bad}
        turns = turns_frame([r for r in turn_rows if conversation_key(r)[1] not in errored], stamp)
        convs = conversations_frame([r for r in conv_rows if r["item_id"] not in errored], stamp)
        if earlier[cell.cell_id] is not None:  # the cell's finished conversations from the earlier run
            rerun = set(earlier[cell.cell_id])
            old_t, old_c = (pd.read_parquet(store.shard(cell, t)) for t in ("turns", "conversations"))
            turns = _merged(old_t[~old_t["item_id"].isin(rerun)], turns, TURN_KEY)
            convs = _merged(old_c[~old_c["item_id"].isin(rerun)], convs, CONVERSATION_KEY)
        store.write_cell(cell, turns, convs, errored)
        partial += bool(errored)
        if errored:
            bar.note(f"{len(errored)} conversations of cell {cell.cell_id} errored ({next(iter(errored.values()))}); "
                     "rerun to finish them")
        stats["conversations"] += len(convs)
        stats["turn_rows"] += len(turns)
        stats["generated_tokens"] += int(turns["response_tokens"].sum()) if len(turns) else 0
    return partial


def _merged(old, new, key):
    """An earlier run's rows of a cell and this run's, in the declared order (a conversation is in one of them)."""
    import pandas as pd

    both = pd.concat([old, new], ignore_index=True) if len(old) else new
    return both.sort_values(key, kind="stable").reset_index(drop=True) if len(both) else both


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m probe.sweep RUN_DIR MODEL", file=sys.stderr)
        return 2
    from ..logs import quiet_engine_logs

    quiet_engine_logs()
    try:
        failed = run_model(argv[0], argv[1])
    except ProbeError as e:
        print(f"probe sweep job: error: {e}", file=sys.stderr)
        return 2
    return 1 if failed else 0  # a Ctrl-C or SIGTERM is launch.job_main's to report (with its own exit code)
