"""The judge stage's job: load the judge once, read every cell it has not read, one chunk of cells at a time
(`probe.sweep.judge_stage` holds what is read and where it goes); and how a sweep runs it on each executor.

    python -m probe.sweep.judge_job RUN      # the job alone (what the local executor runs; Slurm submits JudgeJob)
"""
from __future__ import annotations

import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import ProbeError
from .judge_stage import KEY, JudgeShards, judge_engine, judge_spec, load_items, read_conversations, typed
from ..records import write_json

CHUNK_CELLS = 16  # cells read per pass: what a killed judge job can lose


def run_judge(run_dir, backend=None, progress: bool = True) -> int:
    """Read every cell the judge has not read yet, on one engine; returns the number of cells that failed (0 when
    the config names no judge, or another job holds this judge's claim)."""
    from ..readout.judge import ScoringJudge
    from ..progress import Progress
    from ..backends import close_engine
    from .store import Store

    store = Store(run_dir)
    cfg = store.load_config()
    if not cfg.readout.judge:
        return 0
    shards = JudgeShards(store, cfg)
    with store.model_claim(f"judge-{shards.slug}") as mine:
        if not mine:
            return 0
        shards.remove_stale_temp()
        pending = shards.pending()
        if not pending:
            return 0
        items = load_items(cfg, pending)  # a bad row is a one-line error before the judge's engine starts
        t0 = time.perf_counter()
        judge = ScoringJudge(shards.spec, backend=backend, engine=judge_engine(cfg))
        start_s, failed, n_read, read_s = time.perf_counter() - t0, 0, 0, 0.0
        bar = Progress(f"judge {shards.spec}", enabled=progress)
        try:
            for at in range(0, len(pending), CHUNK_CELLS):
                chunk = pending[at : at + CHUNK_CELLS]
                try:
                    frames = {c.cell_id: pd.read_parquet(store.shard(c, "turns")) for c in chunk}
                    sources = {c.cell_id: shards.source_sha(c) for c in chunk}
                    turns = pd.concat(list(frames.values()), keys=list(frames), names=["cell", "row"])
                    bar.step("plan", len(turns))
                    t1 = time.perf_counter()
                    readings = read_conversations(judge, turns, items, bar.step)
                    read_s += time.perf_counter() - t1
                    n_read += len(turns)
                    for cell in chunk:
                        part = pd.concat([frames[cell.cell_id][KEY].reset_index(drop=True),
                                          readings.loc[cell.cell_id].reset_index(drop=True)], axis=1)
                        shards.write(cell, typed(part), sources[cell.cell_id])
                except Exception as e:  # a chunk that raises loses only its own cells' readings
                    failed += len(chunk)
                    bar.note(f"{len(chunk)} cells not read: {type(e).__name__}: {e}")
                    (shards.root / "errors").mkdir(parents=True, exist_ok=True)
                    for cell in chunk:
                        (shards.root / "errors" / f"{cell.cell_id}.txt").write_text(traceback.format_exc())
            bar.close(f"{len(pending) - failed}/{len(pending)} cells read, {n_read} replies in {read_s:.0f} s")
            write_json({"judge": shards.name, "spec": shards.spec, "backend": judge.backend.info,
                        "finished": datetime.now(timezone.utc).isoformat(), "engine_start_s": round(start_s, 3),
                        "read_s": round(read_s, 3), "replies_read": n_read,
                        "seconds_per_reply": round(read_s / n_read, 4) if n_read else None,
                        "cells_read": len(pending) - failed, "cells_failed": failed}, shards.root / "manifest.json")
            return failed
        finally:
            if backend is None:
                close_engine(judge.backend)


def launch_judge(store, cfg, executor: str, wait: bool = True, progress: bool = True) -> str | None:
    """Run (debug: here; local: a subprocess) or submit (slurm) the judge stage when it has cells to read; returns
    its outcome, or None when there is nothing to do."""
    if not cfg.readout.judge or not JudgeShards(store, cfg).pending():
        return None
    if executor == "debug":
        return "ok" if run_judge(store.root, progress=progress) == 0 else "failed"
    if executor == "local":
        from .launch import run_job

        rc = run_job([sys.executable, "-m", "probe.sweep.judge_job", str(store.root)])
        return "ok" if rc == 0 else f"failed (exit {rc})"
    if executor == "slurm":
        return _slurm(store, cfg, wait)
    raise ProbeError(f"--executor: {executor!r} is not one of debug, local, slurm")


class JudgeJob:
    """What the Slurm job runs; requeued on timeout or preemption, it reads what is still missing."""

    def __init__(self, run_dir: str):
        self.run_dir = str(run_dir)

    def __call__(self) -> int:
        return run_judge(self.run_dir, progress=False)

    def checkpoint(self):
        import submitit

        return submitit.helpers.DelayedSubmission(JudgeJob(self.run_dir))


def _slurm(store, cfg, wait: bool) -> str:
    import shutil

    import submitit

    from ..specs import ModelSpec
    from .launch import slurm_parameters

    if not shutil.which("sbatch"):
        raise ProbeError("--executor slurm: sbatch not found (no Slurm on this machine); use --executor local")
    _, model = judge_spec(cfg).split(":", 1)
    params = slurm_parameters(cfg, ModelSpec(model))  # the executor's resources, GPUs for the judge's engine
    params.update(job_name=f"probe-{cfg.name}-judge")
    params.pop("array_parallelism", None)
    executor = submitit.SlurmExecutor(folder=str(store.root / "slurm" / "%j"))
    executor.update_parameters(**params)
    job = executor.submit(JudgeJob(str(store.root)))
    (store.root / "slurm").mkdir(parents=True, exist_ok=True)
    with open(store.root / "slurm" / "jobs.txt", "a") as f:
        f.write(f"{job.job_id}\tjudge {judge_spec(cfg)}\n")
    if not wait:
        return f"submitted {job.job_id}"
    try:
        return "ok" if job.result() == 0 else "failed"
    except Exception as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"failed: {first} (logs: {Path(job.paths.stderr)})"


def status_line(store, cfg) -> str | None:
    if not cfg.readout.judge:
        return None
    shards = JudgeShards(store, cfg)
    finished = [c for c in cfg.cells() if store.is_done(c)]
    read = sum(shards.is_done(c) for c in finished)
    return f"  judge {shards.spec:34s} {read:4d}/{len(finished)} finished cells read, {len(finished) - read} pending"


def main(argv=None) -> int:
    """``python -m probe.sweep.judge_job RUN``: the judge stage's job, stopped by SIGINT/SIGTERM with one line."""
    from ..logs import quiet_engine_logs
    from ..procs import Terminated, install_signal_handlers

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m probe.sweep.judge_stage RUN_DIR", file=sys.stderr)
        return 2
    install_signal_handlers()
    quiet_engine_logs()
    try:
        return 1 if run_judge(argv[0]) else 0
    except ProbeError as e:
        print(f"probe judge job: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print(f"probe judge job: {'terminated' if isinstance(e, Terminated) else 'interrupted'}", file=sys.stderr)
        return e.exit_code if isinstance(e, Terminated) else 130


if __name__ == "__main__":
    sys.exit(main())

if __name__ == "__main__":
    sys.exit(main())
