"""``probe audit RUN``: draw a random sample of the run's conversations (first time), then label it in the terminal.

    probe audit runs/cpu-default --n 60 --seed 0
    probe audit runs/cpu-default --reader bob          # a second reader, blind to the first
    probe audit runs/cpu-default --agreement           # agreement and Cohen's kappa between readers (and the reading)

See `probe.audit` for the files and `probe.audit_screen` for the keys.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import ProbeError


def add_args(sub) -> None:
    p = sub.add_parser("audit", help="label a random sample of a run's conversations; corrects the report's rates",
                       description="Draw a stratified random sample of whole conversations (model x condition) and "
                                   "label each reply's committed answer and kind in the terminal (and, in false-"
                                   "premise and hint-cue conversations, the premise reading and the cue mention). Labels are saved "
                                   "at once; rerun to resume. `probe report` then gives prediction-powered rates.")
    p.add_argument("run", metavar="RUN", help="run folder (turns.parquet, conversations.parquet)")
    p.add_argument("--n", type=int, default=60, help="conversations to draw (first time only; default 60)")
    p.add_argument("--seed", type=int, default=0, help="seed of the draw (first time only)")
    p.add_argument("--reader", default="reader1", help="who labels (a second reader labels the same sample blind)")
    p.add_argument("--reading", choices=["auto", "rules", "judge"], default="auto",
                   help="the automatic reading to audit (first time only; auto = the judge's where one ran)")
    p.add_argument("--agreement", action="store_true", help="print agreement between readers and with the reading")


def conversations_for(run: Path, sample: dict, turns) -> list[dict]:
    """What the screen shows for each sample conversation, in the sample's order."""
    from paraphrase.hints import cue_type

    from .audit import KEY, _manifest, run_items

    items, why = run_items(run, _manifest(run))
    t = turns.assign(_k=turns[list(KEY)].astype(str).agg("|".join, axis=1)).sort_values("turn")
    by_key = {k: g for k, g in t.groupby("_k", sort=False)}
    out = []
    for c in sample["conversations"]:
        k = "|".join(c["key"][x] for x in KEY)
        if k not in by_key:
            raise ProbeError(f"{run}/audit/sample.json: conversation {k} is not in turns.parquet")
        g = by_key[k]
        it = items.get((c["key"]["dataset"], c["key"]["item_id"]))
        hint = str(g["hint"].iloc[0]) if "hint" in g and len(g) else "none"
        out.append({"key": c["key"], "premise": "premise" in g and bool((g["premise"].astype(str) != "").any()),
                    "cue": "" if cue_type(hint) == "none" else cue_type(hint),
                    "turns": [{"turn": int(r.turn), "user": r.user_message, "reply": r.response,
                               "finish": r.finish_reason} for r in g.itertuples()],
                    "question": "", "gold": it.answer if it else f"? (item not loadable: {why or 'not found'})",
                    "alternative": it.alternative if it else "?", "choices": list(it.choices) if it else [],
                    "gold_letter": (it.gold_letter or "") if it else "",
                    "alternative_letter": (it.alternative_letter or "") if it else ""})
    return out


def cmd_audit(args) -> int:
    from .analysis.runs import load_runs
    from .audit import LabelLog, audit_dir, default_reading, draw, load_sample, staleness, write_json

    run = Path(args.run)
    runs = load_runs([str(run)], audits=False)
    sample = load_sample(run)
    if sample is None:
        if args.n < 1:
            raise ProbeError("--n: must be >= 1")
        reading = default_reading(runs.turns) if args.reading == "auto" else args.reading
        if reading == "judge" and "said_judge" not in runs.turns:
            raise ProbeError(f"--reading judge: {run}/turns.parquet has no judge reading (said_judge)")
        sample = draw(run, runs.conversations, runs.turns, args.n, args.seed, reading)
        write_json(audit_dir(run) / "sample.json", sample)
        print(f"drew {sample['n']} of {sample['population']} conversations ({len(sample['strata'])} strata model x "
              f"condition, seed {args.seed}) -> {audit_dir(run) / 'sample.json'}", file=sys.stderr)
    stale = staleness(run, sample, runs.conversations, runs.turns)
    if stale:
        print(f"warning: this audit is stale ({stale}); its labels will not correct the report", file=sys.stderr)
    if args.agreement:
        print(agreement_text(run, sample, runs.turns))
        return 0
    from .audit_screen import KeySource, Labeller

    convs = conversations_for(run, sample, runs.turns)
    with KeySource(sys.stdin) as keys:
        state = Labeller(run, sample, args.reader, convs, keys, sys.stdout).run()
    mine = sum(1 for (r, _, _) in LabelLog(run).labels() if r == args.reader)
    print(f"{mine} of {sum(len(c['turns']) for c in convs)} replies labelled by {args.reader}; "
          f"{'rerun `probe audit ' + str(run) + '` to resume' if state != 'done' else 'audit complete'}")
    return 0


def agreement_text(run: Path, sample: dict, turns) -> str:
    """Agreement and Cohen's kappa between every pair of readers (replies both labelled), and of each reader with
    the automatic reading audited."""
    from .analysis.ppi import cohen_kappa
    from .audit import KEY, READINGS, LabelLog

    labels = LabelLog(run).labels()
    readers = LabelLog(run).readers()
    if not readers:
        return "no labels yet"
    said_col, kind_col = READINGS[sample.get("reading", "rules")]
    t = turns.assign(_k=turns[list(KEY)].astype(str).agg("|".join, axis=1)).set_index(["_k", "turn"])
    auto = {}
    for i, c in enumerate(sample["conversations"]):
        k = "|".join(c["key"][x] for x in KEY)
        for (kk, tu), row in t.loc[[k]].iterrows() if k in t.index.get_level_values(0) else []:
            said = row["said_option"] if str(row.get("said_option") or "") else row[said_col]
            auto[(i, int(tu))] = (str(said), str(row[kind_col]), str(row.get("premise") or ""), "")
    lines = [f"audit of {run}: {sample['n']} conversations, reading {sample.get('reading')} "
             f"(readout {', '.join(sample.get('readout_version') or ['?'])})"]
    who = {r: {(c, tu): (str(e["said"]), str(e["kind"]), str(e.get("premise") or ""), str(e.get("mention") or ""))
               for (rr, c, tu), e in labels.items() if rr == r} for r in readers}
    pairs = [(a, b) for i, a in enumerate(readers) for b in readers[i + 1:]] + [(r, "reading") for r in readers]
    who["reading"] = auto
    for a, b in pairs:
        common = sorted(set(who[a]) & set(who[b]))
        if not common:
            lines.append(f"{a} vs {b}: no replies labelled by both")
            continue
        parts = []
        for j, name in ((0, "answer"), (1, "kind"), (2, "premise"), (3, "mention")):
            # premise / mention: only the replies both gave them for (false-premise and hint-cue conversations)
            both = [k for k in common if j < 2 or (who[a][k][j] and who[b][k][j])]
            if not both:
                continue
            x, y = [who[a][k][j] for k in both], [who[b][k][j] for k in both]
            agree = sum(u == v for u, v in zip(x, y)) / len(both)
            size = "" if j < 2 else f" on {len(both)}"
            parts.append(f"{name} {agree:.1%}{size} (kappa {cohen_kappa(x, y):.2f})")
        lines.append(f"{a} vs {b}: {len(common)} replies: " + ", ".join(parts))
    return "\n".join(lines)


__all__ = ["add_args", "cmd_audit", "agreement_text", "conversations_for"]
