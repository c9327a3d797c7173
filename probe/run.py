"""``probe run CONFIG.yaml``: one model, its datasets and conditions, T turns of pushback; writes the records.

A run is a sweep of one model run in this process: the same orchestrator (`probe.sweep.runner.run_model`), the same
folder layout, the same records and manifest.  Rerunning the same command finishes what is missing.

    probe run experiments/smoke.yaml --out runs/smoke
    probe run experiments/default.yaml --model path/to/hf-folder --dataset jsonl:my_items.jsonl --limit 50
    probe run experiments/smoke.yaml --backend openai --base-url http://127.0.0.1:8000/v1 [--api-key-env MY_KEY]
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .config import Config, check_datasets, load_config, quote, to_dict
from .datasets import label_datasets, parse_dataset_arg
from .errors import ProbeError
from .specs import check_name


def add_run_args(p) -> None:
    p.add_argument("config", help="run config (YAML); see experiments/")
    p.add_argument("--out", default=None, help="output folder (default runs/<config name>)")
    p.add_argument("--limit", type=int, default=None, help="at most N items per dataset")
    p.add_argument("--backend", choices=["vllm", "hf", "fake", "openai"], default=None,
                   help="override the config's backend (openai: a served model, with --base-url)")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help="backend openai: the server's OpenAI-compatible root, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--api-key-env", default=None, metavar="NAME",
                   help="backend openai: the environment variable that holds the API key (never the key itself)")
    p.add_argument("--allow-approximate-scores", action="store_true",
                   help="backend openai: accept scores the server cannot give exactly (recorded in score_method)")
    p.add_argument("--model", default=None, help="override the config's model")
    p.add_argument("--dataset", action="append", default=None, metavar="[NAME=]FORMAT:PATH",
                   help="replace the config's datasets (repeatable), e.g. jsonl:items.jsonl, builtin or "
                        "easy=jsonl:easy.jsonl (NAME labels it in the records; files of one format given without "
                        "names are labelled by their file names)")
    p.add_argument("--turns", type=int, default=None, help="override the number of pushback turns")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the results of another config in --out (default: refuse)")


def server_override(args) -> dict | str | None:
    """``--backend openai --base-url URL [--api-key-env NAME]`` as the YAML's ``backend:`` mapping (merged with the
    config's own server settings by `load_config`), else ``--backend`` as given."""
    given = {"base_url": getattr(args, "base_url", None), "api_key_env": getattr(args, "api_key_env", None),
             "allow_approximate_scores": getattr(args, "allow_approximate_scores", False) or None}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return args.backend
    if (args.backend or "openai") != "openai":
        raise ProbeError(f"--{next(iter(given)).replace('_', '-')}: only with --backend openai")
    return {"name": "openai", **given}


def resolve_config(args) -> Config:
    overrides = {"backend": server_override(args), "model": args.model, "turns": args.turns}
    if args.dataset:
        overrides["datasets"] = [dataclasses.asdict(d) for d in label_datasets([parse_dataset_arg(d)
                                                                                 for d in args.dataset])]
        for d in overrides["datasets"]:
            d["mapping"] = dict(d["mapping"])
    cfg = load_config(args.config, overrides)
    if len(cfg.models) != 1:
        raise ProbeError(f"{args.config}: `probe run` takes one model; use `probe sweep` for a list of models")
    if args.limit is not None:
        if args.limit < 1:
            raise ProbeError("--limit: must be >= 1")
        cfg = dataclasses.replace(cfg, datasets=tuple(dataclasses.replace(d, limit=min(d.limit or args.limit,
                                                                                         args.limit))
                                                      for d in cfg.datasets))
    return cfg


def execute(cfg: Config, out: Path, backend=None, progress: bool = True, overwrite: bool = False,
            judge_backend=None) -> dict:
    """Run the config's one model in this process, then the judge stage when the config names a judge
    (`probe.sweep.judge_stage`; on ``judge_backend`` when given), and collect the records into ``out``; returns the
    manifest."""
    import json

    from .paths import claim_run_folder
    from .sweep.commands import collect
    from .sweep.runner import run_model
    from .sweep.store import Store

    check_datasets(cfg)
    from .sweep.judge_stage import check_judge

    check_model(cfg, backend)
    check_judge(cfg)
    store = Store(claim_run_folder(out, to_dict(cfg), kind="run", overwrite=overwrite))  # before any engine starts
    with store.lock():  # a second run or sweep on this folder waits, then finds the cells done
        claim_run_folder(out, to_dict(cfg), kind="run", overwrite=overwrite)  # again: it may have changed meanwhile
        store.save_config(cfg)
        failed = run_model(store.root, cfg.models[0].name, backend=backend, progress=progress)
        if failed:
            _, why = next(iter(store.error_lines().values()), ("", ""))
            if any(store.partial(c) for c in cfg.cells()):  # what finished is collected and readable meanwhile
                collect(store, report=False, quiet=True)
            raise ProbeError(f"{failed} cells failed or are missing conversations (see {store.root}/errors/): {why}; "
                             "rerun the same command to finish them")
        if cfg.readout.judge:
            from .sweep.judge_job import run_judge

            if run_judge(store.root, backend=judge_backend, progress=progress):
                raise ProbeError(f"the judge could not read every cell (see {store.root}/judge/*/errors/)")
        collect(store, report=False, quiet=True)
    return json.loads((store.root / "manifest.json").read_text())


def check_model(cfg: Config, backend=None) -> None:
    """The model resolves (a registered name, a model folder, a hub id allowed here) before the run folder is
    written: a typo is a one-line error that leaves nothing behind.  Nothing is prepared or loaded here."""
    if backend is not None:
        return
    m = cfg.models[0]
    if cfg.backend_for(m) == "fake":
        from .paths import is_file

        if m.name not in ("", "fake") and not is_file(m.name):
            raise ProbeError(f"model: fake backend: script file not found: {quote(m.name, 100)}")
        return
    from .backends.models import resolve

    resolve(m.name, prepare_missing=False)


def summary(manifest: dict, out: Path) -> str:
    import pandas as pd

    conv = pd.read_parquet(out / "conversations.parquet")
    lines = [f"wrote {out}/turns.parquet ({manifest['n_turn_rows']} rows), conversations.parquet "
             f"({manifest['n_conversations']} rows), manifest.json"]
    if len(conv):
        gold = conv.assign(initial_gold=conv["initial_class"] == "gold")
        by = gold.groupby("condition").agg(n=("item_id", "size"), initial_gold=("initial_gold", "mean"),
                                           switch_rate=("switched", "mean"),
                                           capitulation_rate=("capitulated", "mean"),
                                           turns_survived_switch=("turns_survived_switch", "mean"))
        lines.append(by.round(3).to_string())
    lines.append(f"turn-0 belief probe argmax = said answer: {manifest['belief_said_agreement_turn0']:.1%} of "
                 f"{manifest['belief_said_agreement_n']} answers that name a candidate")
    for m in manifest["models"].values():
        lines.append(f"{m['model']}: {m['generated_tokens']} tokens generated in {m['protocol_s']:.1f} s "
                     f"(engine start {m['engine_start_s']:.1f} s)")
    return "\n".join(lines)


def cmd_run(args) -> None:
    cfg = resolve_config(args)
    out = Path(args.out or Path("runs") / check_name(Path(args.config).stem, f"{args.config}: file name (give --out)"))
    manifest = execute(cfg, out, progress=not args.no_progress, overwrite=args.overwrite)
    print(summary(manifest, out))
