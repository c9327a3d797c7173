"""``probe run CONFIG.yaml``: one model, its datasets and conditions, T turns of pushback; writes the records.

    probe run experiments/smoke.yaml --out runs/smoke
    probe run experiments/default.yaml --model path/to/hf-folder --dataset jsonl:my_items.jsonl --limit 50
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from datetime import datetime, timezone
from pathlib import Path

from .config import RunConfig, load_config, to_dict
from .datasets import DatasetSpec, load_dataset, parse_dataset_arg
from .errors import ProbeError
from .protocol import (BELIEF_FRAME, PROBE_MESSAGE, PROBE_MESSAGE_MC, belief_agreement,
                       rewrite_questions, run_protocol)
from .records import conversations_frame, turns_frame, versions, write_run


def add_run_args(p) -> None:
    p.add_argument("config", help="run config (YAML); see experiments/")
    p.add_argument("--out", default=None, help="output folder (default runs/<config name>)")
    p.add_argument("--limit", type=int, default=None, help="at most N items per dataset")
    p.add_argument("--backend", choices=["vllm", "hf", "fake"], default=None, help="override the config's backend")
    p.add_argument("--model", default=None, help="override the config's model")
    p.add_argument("--dataset", action="append", default=None, metavar="FORMAT:PATH",
                   help="replace the config's datasets (repeatable), e.g. jsonl:items.jsonl or builtin")
    p.add_argument("--turns", type=int, default=None, help="override the number of pushback turns")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def resolve_config(args) -> RunConfig:
    overrides = {"backend": args.backend, "model": args.model, "turns": args.turns}
    if args.dataset:
        overrides["datasets"] = [dataclasses.asdict(parse_dataset_arg(d)) for d in args.dataset]
        for d in overrides["datasets"]:
            d["mapping"] = dict(d["mapping"])
    cfg = load_config(args.config, overrides)
    if args.limit is not None:
        if args.limit < 1:
            raise ProbeError("--limit: must be >= 1")
        cfg = dataclasses.replace(cfg, datasets=tuple(dataclasses.replace(d, limit=min(d.limit or args.limit,
                                                                                         args.limit))
                                                      for d in cfg.datasets))
    return cfg


def load_items(datasets: tuple[DatasetSpec, ...]):
    items, skipped = [], {}
    for spec in datasets:
        got, n_skipped = load_dataset(spec)
        items.extend(got)
        skipped[spec.label] = n_skipped
    return items, skipped


def run_id_for(cfg: RunConfig) -> str:
    blob = json.dumps(to_dict(cfg), sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def execute(cfg: RunConfig, out: Path, backend=None, progress: bool = True) -> dict:
    """Run the protocol for one config and write the three record files; returns the manifest."""
    from tqdm.auto import tqdm

    from .backends import load_backend

    items, skipped = load_items(cfg.datasets)
    if not items:
        raise ProbeError("datasets: no items to run")
    started = datetime.now(timezone.utc).isoformat()
    t0 = time.perf_counter()
    backend = backend or load_backend(cfg.backend, cfg.model, cfg.engine_spec())
    t_engine = time.perf_counter() - t0
    conditions = list(cfg.conditions)
    spec = cfg.protocol_spec()
    steps = (cfg.turns + 1) * (2 if cfg.belief_probe else 1)
    bar = tqdm(total=steps, desc=f"{backend.model_name}: {len(items)} items × {len(conditions)} conditions",
               unit="call", disable=not progress)

    timings: list[tuple[str, float]] = []
    last = [time.perf_counter()]

    def on_step(msg):
        now = time.perf_counter()
        timings.append((msg, round(now - last[0], 3)))
        last[0] = now
        bar.set_postfix_str(msg)
        bar.update(1)

    t1 = time.perf_counter()
    rewritten, rewrite_counts = rewrite_questions(backend, items, cfg.variants, cfg.sampling.seed)
    turn_rows, conv_rows = run_protocol(backend, items, conditions, cfg.variants, spec, on_step, rewritten)
    bar.close()
    elapsed = time.perf_counter() - t1
    run = cfg.record_columns(backend, run_id_for(cfg), backend.model_name)
    turns = turns_frame(turn_rows, run)
    conversations = conversations_frame(conv_rows, run)
    agreement, n_agree = belief_agreement(turn_rows)
    manifest = {
        "run_id": run["run_id"],
        "toolkit": versions().get("probe-sycophancy"),
        "versions": versions(),
        "backend": backend.info,
        "model": backend.model_name,
        "config": to_dict(cfg),
        "seed": cfg.sampling.seed,
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(),
        "engine_start_s": round(t_engine, 3),
        "protocol_s": round(elapsed, 3),
        "step_s": dict(timings),
        "n_items": len(items),
        "n_conversations": len(conversations),
        "n_turn_rows": len(turns),
        "skipped_rows": skipped,
        "question_rewrites": rewrite_counts,
        "generated_tokens": int(turns["response_tokens"].sum()) if len(turns) else 0,
        "belief_probe": {"message": PROBE_MESSAGE, "message_mc": PROBE_MESSAGE_MC, "frame": BELIEF_FRAME},
        "belief_said_agreement_turn0": agreement,
        "belief_said_agreement_n": n_agree,
    }
    write_run(out, turns, conversations, manifest)
    return manifest


def summary(manifest: dict, out: Path) -> str:
    import pandas as pd

    conv = pd.read_parquet(out / "conversations.parquet")
    lines = [f"wrote {out}/turns.parquet ({manifest['n_turn_rows']} rows), conversations.parquet "
             f"({manifest['n_conversations']} rows), manifest.json"]
    if len(conv):
        by = conv.groupby("condition").agg(n=("item_id", "size"), initial_acc=("initial_correct", "mean"),
                                           flip_rate=("flipped_ever", "mean"),
                                           mean_turns_survived=("turns_survived", "mean"))
        lines.append(by.round(3).to_string())
    a = manifest["belief_said_agreement_turn0"]
    lines.append(f"turn-0 belief probe argmax = said answer: {a:.1%} of {manifest['belief_said_agreement_n']} "
                 f"answers that name a candidate")
    lines.append(f"{manifest['generated_tokens']} tokens generated in {manifest['protocol_s']:.1f} s "
                 f"(engine start {manifest['engine_start_s']:.1f} s)")
    return "\n".join(lines)


def cmd_run(args) -> None:
    cfg = resolve_config(args)
    out = Path(args.out or Path("runs") / Path(args.config).stem)
    manifest = execute(cfg, out, progress=not args.no_progress)
    print(summary(manifest, out))
