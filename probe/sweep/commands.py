"""``probe sweep`` / ``probe status`` / ``probe collect``."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ProbeError
from ..paths import claim_run_folder
from ..records import RunManifest, versions, write_json, write_parquet
from ..config import check_datasets, load_config, to_dict
from ..specs import EXECUTORS
from .launch import launch
from .store import Store


def add_args(sub) -> None:
    s = sub.add_parser("sweep", help="run a YAML grid of models × datasets × conditions × variants (resumable)",
                       description="Run every pending cell, one job per model; rerun to finish what is missing.")
    s.add_argument("config", help="sweep YAML (see experiments/)")
    s.add_argument("--executor", choices=EXECUTORS, default=None, help="default: the config's executor.name")
    s.add_argument("--out", default=None, help="sweep folder (default runs/<name>)")
    s.add_argument("--no-wait", action="store_true", help="slurm: submit and return")
    s.add_argument("--no-report", action="store_true", help="collect the records but write no report")
    st = sub.add_parser("status", help="pending cells per model of a sweep folder")
    st.add_argument("run", metavar="RUN")
    st.add_argument("--cells", action="store_true", help="list every missing cell")
    c = sub.add_parser("collect", help="merge a sweep's shards into turns/conversations.parquet and a report")
    c.add_argument("run", metavar="RUN")
    c.add_argument("--no-report", action="store_true")
    c.add_argument("--bootstrap", type=int, default=300)


def cmd_sweep(args) -> int:
    sweep = load_config(args.config)
    check_datasets(sweep)
    from .judge_stage import check_judge

    check_judge(sweep)
    executor = args.executor or sweep.executor.name
    sweep = dataclasses.replace(sweep, executor=dataclasses.replace(sweep.executor, name=executor))
    out = args.out or Path("runs") / sweep.name
    store = Store(claim_run_folder(out, to_dict(sweep), kind="sweep"))  # before any job
    with store.lock():  # a second sweep on this folder waits, then finds the cells done
        claim_run_folder(store.root, to_dict(sweep), kind="sweep")  # again: the folder may have changed while we waited
        store.save_config(sweep)
        print(status_text(store))
        outcomes = launch(store, sweep, executor, wait=not args.no_wait)
        for model, outcome in outcomes.items():
            print(f"{model}: {outcome}")
        if args.no_wait and executor == "slurm":
            print(f"submitted; follow with `probe status {store.root}` and `probe collect {store.root}`")
            return 0
        missing = sum(len(store.pending(sweep, m)) for m in sweep.models)
        unread = _judge_stage(store, sweep, executor, args.no_wait) if not missing else 0
    if missing:
        print(f"{missing} cells still missing; rerun the same command to finish them")
        return 2 if any(o == "failed (exit 2)" for o in outcomes.values()) else 1  # a job's one-line error (a full disk)
    if unread:
        print(f"{unread} cells not yet read by the judge; rerun the same command to finish them")
        return 1
    collect(store, report=not args.no_report)
    return 0


def _judge_stage(store: Store, sweep, executor: str, no_wait: bool) -> int:
    """The judge stage after the protocol (`probe.sweep.judge_stage`): cells it has still to read afterwards."""
    from .judge_stage import JudgeShards, judge_spec
    from .judge_job import launch_judge

    outcome = launch_judge(store, sweep, executor, wait=not no_wait)
    if outcome is None:
        return 0
    print(f"judge {judge_spec(sweep)}: {outcome}")
    return len(JudgeShards(store, sweep).pending())


def status_text(store: Store, list_cells: bool = False) -> str:
    sweep = store.load_config()
    lines = [f"sweep {sweep.name} in {store.root}"]
    total = 0
    for m in sweep.models:
        pending = store.pending(sweep, m)
        total += len(pending)
        n = len(sweep.datasets) * len(sweep.conditions) * len(sweep.variants)
        lines.append(f"  {m.name:40s} {n - len(pending):4d}/{n} cells done, {len(pending)} pending")
        if list_cells:
            for c in pending:
                lines.append(f"    pending {c.cell_id}  {c.dataset.label} {c.condition.name} {c.variant}")
    from .judge_job import status_line

    if judge := status_line(store, sweep):
        lines.append(judge)
    for cell_id, (what, why) in store.error_lines().items():
        lines.append(f"  error in cell {cell_id}: {what} — {why[:160]}")
    lines.append(f"  {total} pending in all")
    return "\n".join(lines)


def cmd_status(args) -> int:
    print(status_text(Store(args.run), list_cells=args.cells))
    return 0


def collect(store: Store, report: bool = True, n_boot: int = 300, quiet: bool = False) -> Path:
    """Merge the done cells into RUN/turns.parquet and RUN/conversations.parquet, write RUN/manifest.json (one shape
    for runs and sweeps) and, unless ``report`` is false, the report."""
    cfg = store.load_config()
    for name in ("turns.parquet", "conversations.parquet", "manifest.json"):  # before any of them is replaced
        if (store.root / name).is_dir():
            raise ProbeError(f"{store.root / name}: is a folder where the record file goes; move it away and rerun")
    turns, convs, missing = store.collect(cfg)
    if turns.empty:
        raise ProbeError(f"{store.root}: no finished cells to collect")
    from .judge_stage import merge

    from ..premise import with_premise_columns

    turns, convs = with_premise_columns(turns, convs)  # shards written before the false-premise columns get them empty
    from ..hint_mention import with_hint_columns

    turns, convs = with_hint_columns(turns, convs)  # shards written before the hint columns: no cue
    turns, convs, readout = merge(store, cfg, turns, convs)  # the judge's readings, and the outcomes' reading
    write_parquet(turns, store.root / "turns.parquet")
    write_parquet(convs, store.root / "conversations.parquet")
    manifests = store.manifests()
    from ..analysis import belief_agreement

    agreement, n_agree = belief_agreement(turns)
    manifest = RunManifest(run_id=store.run_id(), belief_said_agreement_turn0=agreement,
                           belief_said_agreement_n=n_agree, config=to_dict(cfg),
                           toolkit=versions().get("probe-sycophancy"), versions=versions(), models=manifests, readout=readout,
                           collected=datetime.now(timezone.utc).isoformat(), n_turn_rows=len(turns),
                           n_conversations=len(convs), missing_cells=len(missing))
    write_json(manifest.to_json(), store.root / "manifest.json")
    if not quiet:
        print(f"collected {len(convs)} conversations, {len(turns)} turn rows"
              + (f"; {len(missing)} cells still missing" if missing else ""))
    if report:
        from ..analysis.report import load_runs, write_report

        html = write_report(load_runs([str(store.root)]), store.root / "report", n_boot=n_boot,
                            replace_unmarked=True)  # the run's own report folder
        print(f"report: {html}")
    return store.root


def cmd_collect(args) -> int:
    collect(Store(args.run), report=not args.no_report, n_boot=args.bootstrap)
    return 0
