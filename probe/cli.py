"""The ``probe`` command line (`probe VERB --help` for each verb).

    probe models list | prepare NAME | import-gguf FILE --name NAME
    probe sample --backend vllm --model smollm2-135m-instruct --prompt "Capital of Australia?" --json
    probe score  --backend hf   --model smollm2-135m-instruct --prompt "Capital of Australia?" --continuation Canberra --json
    probe run experiments/smoke.yaml --out runs/smoke
    probe sweep experiments/cpu-default.yaml [--executor debug|local|slurm]  ·  probe status RUN  ·  probe collect RUN
    probe analyze runs/smoke  ·  probe report runs/smoke --out reports/smoke  ·  probe leaderboard runs/a runs/b
    probe audit RUN [--n 60] [--reader NAME] [--agreement]  ·  probe readout replies.jsonl [--eval]  ·  probe pushbacks list | render …  ·  probe paraphrase --question …

Every user mistake ends as one line on stderr and exit code 2 (see `probe.errors.ProbeError`).
"""
from __future__ import annotations

import argparse
import json
import sys

from .errors import ProbeError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not usage + message
        self.exit(2, f"{self.prog}: error: {message}\n")


POOL_HELP = "pool runs whose design (turns, conditions, readout version, sampling, items) differs; refused otherwise"


def _engine_args(p: argparse.ArgumentParser, prompt: bool = True) -> None:
    from .backends import BACKENDS
    from .backends.spec import DTYPES

    p.add_argument("--backend", choices=[b for b in BACKENDS if b != "fake"] + ["fake"], default="vllm")
    p.add_argument("--model", required=True, help="registered name, HF folder, or hub id")
    p.add_argument("--dtype", choices=DTYPES, default="float32")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--base-url", default=None, metavar="URL", help="backend openai: the server, e.g. "
                   "http://127.0.0.1:8000/v1")
    p.add_argument("--api-key-env", default=None, metavar="NAME", help="backend openai: the variable holding the key")
    p.add_argument("--allow-approximate-scores", action="store_true",
                   help="backend openai: accept scores the server cannot give exactly")
    if prompt:
        p.add_argument("--prompt", required=True, help="the user message")
        p.add_argument("--system", default=None, help="optional system message")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="probe", formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Does a language model's confidence in its first answer predict whether it holds "
                                 "that answer when a user pushes back?",
                     epilog="typical use:\n"
                            "  probe run experiments/smoke.yaml --out runs/smoke\n"
                            "  probe sweep experiments/cpu-default.yaml --out runs/cpu-default\n"
                            "  probe report runs/cpu-default --out reports/cpu-default\n\n"
                            "Run `probe VERB --help` for a verb's options.")
    parser.add_argument("--verbose", action="store_true", help="show the engine's own log lines (or PROBE_LOG=info)")
    sub = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    m = sub.add_parser("models", help="list, prepare or import offline models")
    msub = m.add_subparsers(dest="action", required=True, parser_class=_Parser)
    msub.add_parser("list", help="registered models and whether they are prepared")
    mp = msub.add_parser("prepare", help="install and convert a registered GGUF model into an HF folder")
    mp.add_argument("name")
    mi = msub.add_parser("import-gguf", help="convert any GGUF file into a named HF folder")
    mi.add_argument("file")
    mi.add_argument("--name", required=True)

    s = sub.add_parser("sample", help="greedy reply to one prompt with token logprobs")
    _engine_args(s)
    s.add_argument("--max-tokens", type=int, default=64)
    s.add_argument("--top-logprobs", type=int, default=5)

    sc = sub.add_parser("score", help="logprobs of a continuation after a chat-templated prompt")
    _engine_args(sc)
    sc.add_argument("--continuation", required=True)

    from .run import add_run_args

    add_run_args(sub.add_parser("run", help="run the multi-turn pushback probe from a YAML config",
                                description="Ask, read confidence, push back for T turns, record every turn."))
    a = sub.add_parser("analyze", help="primary result: does confidence predict holding a correct answer?")
    a.add_argument("dirs", nargs="+", metavar="DIR", help="run folders (turns.parquet, conversations.parquet)")
    a.add_argument("--by", default="model,condition",
                   help="grouping: model[,condition] or other run columns in place of model (e.g. backend,condition)")
    a.add_argument("--measure", default="conf_answer_prob", help="confidence column (default conf_answer_prob)")
    a.add_argument("--bootstrap", type=int, default=300, help="bootstrap resamples for the 95%% intervals")
    a.add_argument("--csv", action="store_true", help="print the numeric table as CSV")
    a.add_argument("--pool", action="store_true", help=POOL_HELP)

    r = sub.add_parser("report", help="figures, tables and a self-contained HTML report")
    r.add_argument("dirs", nargs="+", metavar="DIR")
    r.add_argument("--out", required=True, help="report folder")
    r.add_argument("--measure", default="conf_answer_prob")
    r.add_argument("--bootstrap", type=int, default=300)
    r.add_argument("--pool", action="store_true", help=POOL_HELP)

    lb = sub.add_parser("leaderboard", help="one row per model: robustness under pushback with 95%% intervals")
    lb.add_argument("dirs", nargs="+", metavar="RUN")
    lb.add_argument("--by", default="model", help="unit of a row: model (default) or other run columns")
    lb.add_argument("--measure", default="conf_answer_prob")
    lb.add_argument("--bootstrap", type=int, default=300)
    lb.add_argument("--csv", action="store_true", help="print the numeric table (estimates, _lo, _hi) as CSV")
    lb.add_argument("--pool", action="store_true", help=POOL_HELP)

    pb = sub.add_parser("pushbacks", help="the pushback library: list types or render one pushback")
    pbs = pb.add_subparsers(dest="action", required=True, parser_class=_Parser)
    pbs.add_parser("list", help="types, levels, stages and number of wordings")
    pr = pbs.add_parser("render", help="render one pushback text")
    pr.add_argument("--type", help="a library type (see `probe pushbacks list`)")
    pr.add_argument("--cell", help="a factorial cell SOURCE.FIRMNESS.ARGUMENT instead of --type, e.g. expert.hedged.bare")
    pr.add_argument("--level", type=int, default=0)
    pr.add_argument("--turn", type=int, default=1)
    pr.add_argument("--turns", type=int, default=5, help="T, for the escalation stage")
    pr.add_argument("--alternative", default="{alternative}")
    pr.add_argument("--answer", default="{answer}")
    pr.add_argument("--field", default="this subject")
    pr.add_argument("--item", default="item", help="item id (part of the seed)")
    pr.add_argument("--seed", type=int, default=0)
    from .sweep.commands import add_args as add_sweep_args

    add_sweep_args(sub)
    from .readout.cli import add_args as add_readout_args

    add_readout_args(sub)
    from .audit_cli import add_args as add_audit_args

    add_audit_args(sub)

    pp = sub.add_parser("paraphrase", help="question variants that pass the meaning check, with their similarity")
    pp.add_argument("--question", required=True)
    pp.add_argument("--n", type=int, default=5, help="number of variants")
    pp.add_argument("--backend", choices=["vllm", "hf", "fake"], default=None,
                    help="rewrite with a model (default: rule-based variants r1..rN)")
    pp.add_argument("--model", default="smollm2-135m-instruct")
    pp.add_argument("--protect", action="append", default=[], help="a string that must survive (repeatable)")
    pp.add_argument("--threshold", type=float, default=0.8)
    pp.add_argument("--seed", type=int, default=0)
    return parser


def _cmd_paraphrase(args) -> None:
    from paraphrase.meaning import MeaningChecker
    from paraphrase.question import turn0_message

    if not args.question.strip():
        raise ProbeError("--question: empty question")
    if args.n < 1:
        raise ProbeError("--n: must be >= 1")
    checker = MeaningChecker(args.threshold)
    protect = tuple(args.protect)
    if args.backend:
        from paraphrase.rewrite import model_rewrites

        from .backends import load_backend
        from .protocol import rewriter

        with load_backend(args.backend, args.model) as backend:
            accepted, counts = model_rewrites(rewriter(backend), [("q", args.question, protect)], args.n, checker,
                                              seed=args.seed)
        for (_, k), r in sorted(accepted.items()):
            print(f"m{k}\t{r.similarity:.3f}\t{r.text}")
        print(f"accepted {counts['accepted']} of {counts['requested']}, rejected {counts['rejected']} attempts, "
              f"dropped {counts['dropped']}")
        return
    variants = [f"r{k}" for k in range(1, args.n + 1)]
    texts = [turn0_message(args.question, v, seed=args.seed, item_id="q", keep=protect) for v in variants]
    original = turn0_message(args.question, "original", seed=args.seed, item_id="q")
    for v, text, verdict in zip(variants, texts, checker.check_many([original] * len(texts), texts, protect)):
        flag = "" if verdict.ok else f"  [rejected: {verdict.reason}]"
        print(f"{v}\t{verdict.similarity:.3f}\t{text!r}{flag}")


def _by(text: str) -> list[str]:
    by = [k.strip() for k in text.split(",") if k.strip()]
    if not by:
        raise ProbeError("--by: no column given")
    return by


def _check_bootstrap(n: int) -> None:
    if n < 20:
        raise ProbeError("--bootstrap: at least 20 resamples are needed for a 95% interval")


def _cmd_analyze(args) -> None:
    from .analysis import load_runs
    from .analysis.compute import analyze_tables
    from .analysis.effects import POOLED_PRESSURE
    from .analysis.views import confidence_view, exclusion_line, headline_sentences

    _check_bootstrap(args.bootstrap)
    by = _by(args.by)
    units = [k for k in by if k != "condition"] or ["model"]
    runs = load_runs(args.dirs, pool=args.pool)
    t = analyze_tables(runs, args.measure, args.bootstrap, by=units)
    key = t["confidence_resistance"]
    if "condition" not in by:
        key = key[key["condition"] == POOLED_PRESSURE]
    if args.csv:
        print(key.to_csv(index=False), end="")
        return
    for line in headline_sentences(t["primary_result"]):
        print(line)
    if runs.pooled:
        print(f"Pooled runs of different designs ({runs.pooled} differ), as --pool asked.")
    print()
    print(confidence_view(key).rename(columns={"model": " / ".join(units)}).to_string(index=False))
    print()
    print(exclusion_line(t["exclusions"]))
    _print_audit(runs, t)


def _print_audit(runs, t) -> None:
    """The audit lines, and with a usable audit the agreement and the corrected rates."""
    from .analysis.audit_views import agreement_view, audit_lines, audit_rates_view

    print()
    for line in audit_lines(runs):
        print(line)
    if len(t.get("audit_rates", [])):
        print()
        print(agreement_view(t["audit_agreement"]).to_string(index=False))
        print()
        print(audit_rates_view(t["audit_rates"]).to_string(index=False))


def _cmd_report(args) -> None:
    from .analysis import load_runs
    from .analysis.report import write_report

    from .paths import check_out_folder

    _check_bootstrap(args.bootstrap)
    out = check_out_folder(args.out, "--out")  # a file, a path under a file, an unwritable folder: before any work
    print(write_report(load_runs(args.dirs, pool=args.pool), out, args.measure, args.bootstrap))


def _cmd_leaderboard(args) -> None:
    from .analysis import load_runs
    from .analysis.compute import leaderboard_tables
    from .analysis.views import exclusion_line, leaderboard_view

    _check_bootstrap(args.bootstrap)
    runs = load_runs(args.dirs, pool=args.pool)
    t = leaderboard_tables(runs, args.measure, args.bootstrap, by=_by(args.by))
    if args.csv:
        print(t["leaderboard"].to_csv(index=False), end="")
        return
    view = leaderboard_view(t["leaderboard"]).rename(columns={"model": " / ".join(_by(args.by))})
    print(view.to_string(index=False))
    print()
    print(exclusion_line(t["exclusions"]))
    if runs.pooled:
        print(f"Pooled runs of different designs ({runs.pooled} differ), as --pool asked: rows mix designs.")
    lb = t["leaderboard"]
    if len(lb) and (lb["score"] == "regressive_excess_corrected").all():
        print("Ranked on the switch rate under pressure minus neutral's corrected by the run audit "
              "(prediction-powered estimate), not on the automatic reading alone.")
    else:
        from .analysis.audit_views import audit_lines

        for line in audit_lines(runs):
            print(line)


def _cmd_pushbacks(args) -> None:
    from paraphrase import (ARGUMENTS, FIRMNESS, SOURCES, Condition, describe, factorial_condition, levels, render,
                            rng_for, rng_key, types)

    if args.action == "list":
        print("factorial cells SOURCE.FIRMNESS.ARGUMENT (* = every value): " + " x ".join(
            f"{axis} ({', '.join(values)})" for axis, values in
            (("source", SOURCES), ("firmness", FIRMNESS), ("argument", ARGUMENTS))))
        for row in describe():
            print(f"{row['type']:18s} level {row['level']}  stages {row['stages']}  wordings {row['wordings']!s:>8}"
                  f"  {'evidence-free' if row['evidence_free'] else 'carries evidence':16s}  {row['description']}")
        return
    if args.cell:
        try:
            cond = factorial_condition(args.cell)
        except ValueError as e:
            raise ProbeError(f"--cell: {e}; see `probe pushbacks list`") from None
        args.type, args.level = cond.type, cond.level
    elif not args.type:
        raise ProbeError("pushbacks render: give --type or --cell")
    elif args.type not in types():
        raise ProbeError(f"--type: unknown pushback type {args.type!r}; see `probe pushbacks list`")
    if args.level not in levels(args.type):
        raise ProbeError(f"--level: {args.type} has levels {levels(args.type)}")
    if not 1 <= args.turns <= 100:
        raise ProbeError(f"--turns: must be between 1 and 100, got {args.turns}")
    if not 1 <= args.turn <= args.turns:
        raise ProbeError(f"--turn: must be between 1 and --turns ({args.turns}), got {args.turn}")
    if not args.cell:
        cond = Condition(f"{args.type}_{args.level}", args.type, args.level)
    slots = {"alternative": args.alternative, "answer": args.answer, "field": args.field}
    try:
        p = render(cond, args.turn, args.turns, slots, rng_for(args.seed, args.item, rng_key(cond), args.turn))
    except ValueError as e:
        raise ProbeError(str(e)) from None
    print(p.text)


def _token_json(t) -> dict:
    return {"id": t.id, "token": t.token, "logprob": t.logprob,
            "top": [{"id": a.id, "token": a.token, "logprob": a.logprob} for a in t.top]}


def _messages(args) -> tuple:
    if not args.prompt.strip():
        raise ProbeError("--prompt: empty prompt")
    msgs = ([{"role": "system", "content": args.system}] if args.system else []) + [
        {"role": "user", "content": args.prompt}]
    return tuple(msgs)


def _cmd_models(args) -> None:
    from .backends import models

    if args.action == "list":
        for name, e in models.REGISTRY.items():
            state = "prepared" if models.is_complete(models.model_dir(name)) else "not prepared"
            print(f"{name:24s} {e.params_b:6.3f}B  {'chat' if e.chat else 'base'}  {state:12s}  {e.notes}")
        return
    path = models.prepare(args.name) if args.action == "prepare" else models.import_gguf(args.file, args.name)
    print(path)


def _server(args):
    """``--base-url`` (with ``--backend openai``) as the engine's server settings, else None."""
    from .backends.spec import ServerSpec

    if args.base_url is None:
        if args.backend == "openai":
            raise ProbeError("--base-url: backend openai needs the server's URL, e.g. http://127.0.0.1:8000/v1")
        return None
    if args.backend != "openai":
        raise ProbeError("--base-url: only with --backend openai")
    return ServerSpec(base_url=args.base_url, api_key_env=args.api_key_env,
                      allow_approximate_scores=args.allow_approximate_scores)


def _cmd_sample(args) -> None:
    from .backends import EngineSpec, GenerateRequest, SamplingSpec, load_backend

    msgs = _messages(args)
    if args.max_tokens < 1:
        raise ProbeError("--max-tokens: must be >= 1")
    from .config import MAX_TOP_LOGPROBS

    if not 1 <= args.top_logprobs <= MAX_TOP_LOGPROBS:  # before any engine starts
        raise ProbeError(f"--top-logprobs: must be between 1 and {MAX_TOP_LOGPROBS}, got {args.top_logprobs}")
    sampling = SamplingSpec(max_tokens=args.max_tokens, temperature=0.0, seed=args.seed, top_logprobs=args.top_logprobs)
    with load_backend(args.backend, args.model, EngineSpec(dtype=args.dtype, seed=args.seed,
                                                           top_logprobs=args.top_logprobs,
                                                           server=_server(args))) as backend:
        s = backend.generate([GenerateRequest(msgs)], sampling)[0]
    out = {"backend": backend.name, "model": args.model, "text": s.text, "prompt_token_ids": list(s.prompt_token_ids),
           "tokens": [_token_json(t) for t in s.tokens]}
    print(json.dumps(out) if args.json else s.text)


def _cmd_score(args) -> None:
    from .backends import EngineSpec, ScoreRequest, load_backend

    msgs = _messages(args)
    if not args.continuation:
        raise ProbeError("--continuation: empty continuation")
    with load_backend(args.backend, args.model, EngineSpec(dtype=args.dtype, seed=args.seed,
                                                           server=_server(args))) as backend:
        r = backend.score([ScoreRequest(msgs, args.continuation)])[0]
    out = {"backend": backend.name, "model": args.model, "continuation": args.continuation,
           "prompt_token_ids": list(r.prompt_token_ids), "tokens": [_token_json(t) for t in r.tokens],
           "logprob_sum": r.logprob_sum}
    print(json.dumps(out) if args.json else f"{r.logprob_sum:.6f}")


def disk_full(e: OSError) -> str | None:
    """The one line for an error of the disk rather than of the toolkit (no space, over quota, file too large, a
    read-only file system); None for any other OSError, which keeps its traceback."""
    import errno

    codes = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
             errno.EFBIG: "file too large", errno.EROFS: "read-only file system"}
    code = e.errno if e.errno in codes else next((c for c in codes if f"[errno {c}]" in str(e).lower()), None)
    if code is None:
        return None
    where = e.filename or next((str(a) for a in e.args if isinstance(a, str) and "/" in a), "")
    return f"{where + ': ' if where else ''}cannot write: {codes[code]}; free some space and rerun (finished results " \
           "are kept)"


def main(argv: list[str] | None = None) -> int:
    from .procs import install_signal_handlers

    args = build_parser().parse_args(argv)
    install_signal_handlers()  # SIGTERM/SIGHUP unwind like Ctrl-C, so engines close in `finally`
    if args.verbose:
        import os

        os.environ["PROBE_LOG"] = "info"
    from .logs import quiet_engine_logs

    quiet_engine_logs()
    handlers = {"models": _cmd_models, "sample": _cmd_sample, "score": _cmd_score, "analyze": _cmd_analyze,
                "report": _cmd_report, "leaderboard": _cmd_leaderboard, "pushbacks": _cmd_pushbacks,
                "paraphrase": _cmd_paraphrase}
    try:
        if args.verb == "run":
            from .run import cmd_run

            cmd_run(args)
        elif args.verb == "audit":
            from .audit_cli import cmd_audit

            return cmd_audit(args)
        elif args.verb == "readout":
            from .readout.cli import cmd_readout

            return cmd_readout(args)
        elif args.verb in ("sweep", "status", "collect"):
            from .sweep import commands

            return {"sweep": commands.cmd_sweep, "status": commands.cmd_status,
                    "collect": commands.cmd_collect}[args.verb](args)
        else:
            handlers[args.verb](args)
    except ProbeError as e:
        message = " ".join(str(e).split("\n"))  # one line, and a bounded one whatever a message quotes
        print(f"probe {args.verb}: error: {message if len(message) <= 2000 else message[:1997] + '...'}",
              file=sys.stderr)
        return 2
    except BrokenPipeError:  # `probe readout ... | head`: the reader has gone, which is no error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the flush at exit would raise again
        return 0
    except OSError as e:  # a full disk mid-write (figures, tables, a model's files): one line, not a traceback
        full = disk_full(e)
        if full is None:
            raise
        print(f"probe {args.verb}: error: {full}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM/SIGHUP (probe.procs.Terminated)
        from .procs import exit_now
        from .progress import clear_bars

        clear_bars()
        print(f"probe {args.verb}: {'terminated' if hasattr(e, 'exit_code') else 'interrupted'}", file=sys.stderr)
        if argv is None:  # the program itself, not a caller in this process: skip the interpreter's slow teardown
            exit_now(getattr(e, "exit_code", 130))
        return getattr(e, "exit_code", 130)
    return 0


if __name__ == "__main__":  # vLLM's engine core is a spawned subprocess: entry points need this guard
    sys.exit(main())
