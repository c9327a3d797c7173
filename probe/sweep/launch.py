"""Executors: ``debug`` (in this process), ``local`` (one subprocess per model, one at a time) and ``slurm``
(submitit job arrays: one array task per model; models with the same resources share an array).

Each model's job starts its engine once and runs all of that model's pending cells.  On Slurm, a job that times out
or is preempted requeues itself (submitit checkpointing) and resumes from the shards already written.
Multi-node tensor parallelism (vLLM needs Ray across nodes) is out of scope: a model must fit on one node.

The local executor's job (``python -m probe.sweep RUN MODEL``) stays in the sweep's process group and dies with its
parent (``PR_SET_PDEATHSIG``): Ctrl-C reaches both, and the job stops with no traceback, leaving the one stop line
to the sweep; SIGINT/SIGTERM sent to the parent alone are forwarded to the job, and the parent waits for it (SIGKILL
after ``JOB_GRACE_S``).
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from ..errors import ProbeError
from ..procs import Terminated, die_with_parent, exit_now, install_signal_handlers, kill_tree
from ..config import Config
from ..specs import ModelSpec
from .runner import run_model
from .store import Store

JOB_GRACE_S = 30.0
PARENT_REPORTS_STOP = "PROBE_PARENT_REPORTS_STOP"  # set for a local job: its sweep prints the one stop line


class ModelJob:
    """The callable a Slurm array task runs; requeued on timeout/preemption, resuming from existing shards."""

    def __init__(self, run_dir: str):
        self.run_dir = str(run_dir)

    def __call__(self, model_name: str) -> int:
        return run_model(self.run_dir, model_name, progress=False)

    def checkpoint(self, model_name: str):
        import submitit

        # nothing to save: finished cells are already on disk as shards; the requeued job runs what is missing
        return submitit.helpers.DelayedSubmission(ModelJob(self.run_dir), model_name)


def gpus_for(sweep: Config, m: ModelSpec) -> int:
    if sweep.backend_for(m) == "openai":  # a served model: the job only sends requests, no engine starts in it
        return 0
    if sweep.executor.gpus_per_node is not None:
        return sweep.executor.gpus_per_node
    return sweep.engine_for(m).tensor_parallel_size


def slurm_parameters(sweep: Config, m: ModelSpec) -> dict:
    """submitit SlurmExecutor parameters for one model (GPUs per node = its tensor parallel size)."""
    ex = sweep.executor
    params = {"time": ex.time_min, "cpus_per_task": ex.cpus_per_task, "mem": f"{ex.mem_gb}GB", "nodes": 1,
              "ntasks_per_node": 1, "array_parallelism": ex.array_parallelism, "job_name": f"probe-{sweep.name}",
              "signal_delay_s": 120}
    gpus = gpus_for(sweep, m)
    if gpus:
        params["gpus_per_node"] = gpus
    for key in ("partition", "account", "qos"):
        if getattr(ex, key):
            params[key] = getattr(ex, key)
    if ex.setup:
        params["setup"] = list(ex.setup)
    return params


def sbatch_script(sweep: Config, m: ModelSpec, folder: str) -> str:
    """The sbatch file submitit would write for this model (golden-tested)."""
    from submitit.slurm.slurm import _make_sbatch_string

    command = f"{sys.executable} -u -m submitit.core._submit {folder}"
    return _make_sbatch_string(command=command, folder=folder, **slurm_parameters(sweep, m))


def launch(store: Store, sweep: Config, executor: str, wait: bool = True, progress: bool = True) -> dict:
    """Run or submit every model that has pending cells; returns {model: outcome}."""
    todo = [m for m in sweep.models if store.pending(sweep, m)]
    if not todo:
        return {}
    if executor == "debug":
        return {m.name: ("ok" if run_model(store.root, m.name, progress=progress) == 0 else "failed") for m in todo}
    if executor == "local":
        out = {}
        for m in todo:
            rc = run_job([sys.executable, "-m", "probe.sweep", str(store.root), m.name])
            out[m.name] = "ok" if rc == 0 else f"failed (exit {rc})"
        return out
    if executor == "slurm":
        return _slurm(store, sweep, todo, wait)
    raise ProbeError(f"--executor: {executor!r} is not one of debug, local, slurm")


def run_job(cmd: list[str], grace_s: float = JOB_GRACE_S) -> int:
    """Run one local job to its end; if this process is interrupted (Ctrl-C, SIGTERM), pass the signal on, wait up
    to ``grace_s`` for the job to stop, kill its process tree if it has not, and re-raise."""
    proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, env={**os.environ, PARENT_REPORTS_STOP: "1"})
    try:
        return proc.wait()
    except BaseException as e:
        sig = e.signum if isinstance(e, Terminated) else signal.SIGINT
        try:
            proc.send_signal(sig)  # a terminal's Ctrl-C reached the job already; a second signal is ignored there
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            kill_tree(proc.pid)
            proc.wait()
        except BaseException:  # interrupted again while waiting: do not wait any longer
            kill_tree(proc.pid)
            proc.wait()
        raise


def job_main(argv: list[str] | None = None) -> int:
    """``python -m probe.sweep RUN MODEL``: one model's job, stopped by SIGINT/SIGTERM with one line, no traceback
    (none when the local executor's sweep, which reports the stop itself, started it)."""
    from .runner import main

    install_signal_handlers()
    try:
        return main(argv)
    except KeyboardInterrupt as e:
        from ..progress import clear_bars

        code = e.exit_code if isinstance(e, Terminated) else 130
        clear_bars()
        if not os.environ.get(PARENT_REPORTS_STOP):
            print(f"probe sweep job: {'terminated' if isinstance(e, Terminated) else 'interrupted'}", file=sys.stderr)
        if argv is None:  # the program itself: skip the interpreter's slow teardown (see probe.procs.exit_now)
            exit_now(code)
        return code


@contextlib.contextmanager
def _stderr_kept():
    """Hold what child processes write to file descriptor 2 in a temporary file; yields a list that holds it once
    the block ends.  Replayed on stderr when the block succeeds (nothing is hidden), kept for the one-line error
    when it raises."""
    import io
    import tempfile

    sys.stderr.flush()
    saved, held, said, ok = os.dup(2), tempfile.TemporaryFile(), [], False
    os.dup2(held.fileno(), 2)
    python_stderr, sys.stderr = sys.stderr, io.StringIO()  # submitit prints sbatch's stderr again itself
    try:
        yield said
        ok = True
    finally:
        printed, sys.stderr = sys.stderr.getvalue(), python_stderr
        os.dup2(saved, 2)
        os.close(saved)
        held.seek(0)
        said.append(held.read().decode(errors="replace") + printed)
        held.close()
        if ok:
            sys.stderr.write(said[0])


def _remove_new(folder: Path, before: set) -> None:
    """Remove what a failed submission left in ``folder`` (submitit's pickles and sbatch files), nothing else."""
    import shutil

    if not folder.is_dir():
        return
    for p in set(folder.iterdir()) - before:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    if not before:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _slurm(store: Store, sweep: Config, todo: list[ModelSpec], wait: bool) -> dict:
    import shutil

    import submitit

    if not shutil.which("sbatch"):
        raise ProbeError("--executor slurm: sbatch not found (no Slurm on this machine); use --executor local")
    groups: dict[tuple, list[ModelSpec]] = defaultdict(list)
    for m in todo:
        groups[tuple(sorted(slurm_parameters(sweep, m).items(), key=lambda kv: kv[0]))].append(m)
    jobs = []
    folder = store.root / "slurm"
    before = set(folder.iterdir()) if folder.is_dir() else set()
    for params, models in groups.items():
        executor = submitit.SlurmExecutor(folder=str(folder / "%j"))
        executor.update_parameters(**dict(params))
        try:
            with _stderr_kept() as said:  # sbatch writes its errors straight to our stderr: one line instead
                submitted = executor.map_array(ModelJob(str(store.root)), [m.name for m in models])
        except Exception as e:  # sbatch exists but no controller answers, or it refuses the job
            _remove_new(folder, before)
            lines = [line.strip() for line in f"{''.join(said)}\n{e}".splitlines() if line.strip()] or [type(e).__name__]
            why = next((line for line in reversed(lines) if "fatal" in line or "error" in line), lines[-1])[:300]
            raise ProbeError(f"--executor slurm: sbatch could not submit ({why}); check that a Slurm controller "
                             "answers `sinfo`, or use --executor local") from None
        jobs += list(zip(models, submitted))
    (store.root / "slurm").mkdir(parents=True, exist_ok=True)
    with open(store.root / "slurm" / "jobs.txt", "a") as f:
        for m, j in jobs:
            f.write(f"{j.job_id}\t{m.name}\n")
    if not wait:
        return {m.name: f"submitted {j.job_id}" for m, j in jobs}
    out = {}
    for m, j in jobs:
        try:
            rc = j.result()
            out[m.name] = "ok" if rc == 0 else f"failed ({rc} cells)"
        except Exception as e:  # the job's own traceback is in its log folder
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            out[m.name] = f"failed: {first} (logs: {Path(j.paths.stderr)})"
    return out
