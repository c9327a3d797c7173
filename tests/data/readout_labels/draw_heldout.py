"""Draw the unlabelled pool for the held-out readout set (heldout.jsonl), on items not in dev.jsonl / test.jsonl.

Same reading as ``draw_pool.py`` (only model, item, condition, turn, user message, response and finish reason are
loaded — never the toolkit's readout columns said/said_option/kind/committed/belief_*/asserted), but from several
sources, each a folder with ``turns.parquet`` (a ``probe run``) or ``*.turns.parquet`` shards (a ``probe sweep``
shard folder), its items rebuilt from the folder's ``manifest.json`` or ``sweep.json``, or the given SWEEP_JSON:

    SOURCE=NAME:FOLDER[:SWEEP_JSON]

Items that are in dev.jsonl or test.jsonl (same dataset and item_id, or the same question text) are dropped.
Per model, with a fresh ``random.Random(0)``:

- turn 0 once per (model, item), from the first source that has the item;
- turns 1-T: one record per (source, condition, turn, item type mc | numeric | text);
- ``--extra-alternative N`` then ``--extra-other N`` more turn 1-T records per model, as in draw_pool.py.

A record's ``id`` has the dev.jsonl form ``model|dataset|item_id|condition|turn``, with ``@NAME`` appended for the
sources named by ``--suffix-ids`` (a rerun of the same conversations, e.g. with a larger max_tokens); ``source``
names the run it came from. Otherwise a turn whose id an earlier source already has is skipped, so ids are unique.

How heldout.jsonl's pool was drawn (sources and configs in README.md; the Gemma shards of the sweep were missing,
its run had failed, so Gemma enters only through its multiple-choice run):

    PYTHONPATH=. python tests/data/readout_labels/draw_heldout.py \\
        m1:SWEEP/shards/smollm2-135m-instruct:SWEEP/sweep.json mt320:MT_RUN mc:MC_RUN_smollm mc:MC_RUN_gemma \\
        --suffix-ids mt320 --out POOL_DIR/pool_heldout.jsonl --extra-alternative 15 --extra-other 12
    # 174 records, 36 items; with the Gemma shards add  m1:SWEEP/shards/gemma-3-270m:SWEEP/sweep.json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_pool import COLUMNS, LETTERS, item_group, item_type, mentions_alternative, mentions_other  # noqa: E402

from probe.datasets import DatasetSpec, load_dataset  # noqa: E402

HERE = Path(__file__).resolve().parent


def labelled_items() -> tuple[set, set]:
    """(dataset, item_id) keys and question texts of dev.jsonl and test.jsonl."""
    keys, questions = set(), set()
    for part in ("dev", "test"):
        for line in open(HERE / f"{part}.jsonl"):
            r = json.loads(line)
            keys.add((r["dataset"], r["item_id"]))
            questions.add(r["question"].strip())
    return keys, questions


def load_items(folder: Path, sweep_json: Path | None) -> dict:
    if sweep_json is None and (folder / "manifest.json").exists():
        cfg = json.loads((folder / "manifest.json").read_text())["config"]
    else:  # a sweep's (or a run folder's) sweep.json
        cfg = json.loads((sweep_json or folder / "sweep.json").read_text())
    items = {}
    for d in cfg["datasets"]:
        spec = DatasetSpec(**{**d, "mapping": tuple(dict(d.get("mapping") or {}).items())})
        for it in load_dataset(spec)[0]:
            items[(it.dataset, it.id)] = it
    return items


def read_turns(folder: Path) -> pd.DataFrame:
    files = [folder / "turns.parquet"] if (folder / "turns.parquet").exists() else sorted(folder.glob("*.turns.parquet"))
    df = pd.concat([pd.read_parquet(f, columns=COLUMNS) for f in files], ignore_index=True)
    return df[df["variant"] == "original"].sort_values(["dataset", "item_id", "condition", "turn"])


def records(source: str, folder: Path, items: dict, excluded: tuple[set, set], suffix: str = "") -> list[dict]:
    keys, questions = excluded
    out = []
    for (dataset, item_id, condition), conv in read_turns(folder).groupby(["dataset", "item_id", "condition"]):
        it = items[(dataset, item_id)]
        if (dataset, item_id) in keys or it.question.strip() in questions:
            continue
        replies = list(conv["response"])
        for row, reply in zip(conv.itertuples(), replies):
            t = int(row.turn)
            rec = {"id": f"{row.model}|{dataset}|{item_id}|{condition if t else ''}|{t}{suffix}", "source": source,
                   "model": row.model, "dataset": dataset, "item_id": item_id, "group": item_group(it),
                   "condition": condition if t else "", "turn": t, "question": it.question, "answer": it.answer,
                   "aliases": list(it.aliases), "alternative": it.alternative, "reply": reply,
                   "finish_reason": row.finish_reason}
            if it.choices:
                rec["choices"] = list(it.choices)
                rec["gold_letter"] = LETTERS[it.choices.index(it.answer)]
                rec["alternative_letter"] = LETTERS[it.choices.index(it.alternative)]
            if t == 0:
                rec["prompt"] = row.user_message
            else:
                rec["pushback"] = row.user_message
                rec["previous_reply"] = replies[t - 1]
                rec["history"] = replies[:t]
            out.append(rec)
    return out


def draw(all_records: list[dict], sources: list[str], extra_alternative: int, extra_other: int) -> list[dict]:
    picked = []
    order = {s: i for i, s in enumerate(dict.fromkeys(sources))}
    for model in sorted({r["model"] for r in all_records}):
        rng = random.Random(0)
        mine = sorted((r for r in all_records if r["model"] == model), key=lambda r: (order[r["source"]], r["id"]))
        turn0, cells, seen = {}, defaultdict(list), set()
        for r in mine:
            if r["turn"] == 0:
                turn0.setdefault((r["dataset"], r["item_id"]), r)
            elif r["id"] not in seen:  # the same conversation turn from a later source is skipped
                cells[(order[r["source"]], r["condition"], r["turn"], item_type(r["group"]))].append(r)
            seen.add(r["id"])
        picked += [dict(r, draw="turn0") for r in turn0.values()]
        chosen = set()
        for key in sorted(cells):
            r = rng.choice(cells[key])
            chosen.add(r["id"])
            picked.append(dict(r, draw="stratified"))
        rest = [r for rs in cells.values() for r in rs if r["id"] not in chosen and mentions_alternative(r)]
        extra = rng.sample(sorted(rest, key=lambda r: r["id"]), min(extra_alternative, len(rest)))
        picked += [dict(r, draw="extra_alternative") for r in extra]
        chosen |= {r["id"] for r in extra}
        rest = [r for rs in cells.values() for r in rs if r["id"] not in chosen and mentions_other(r)]
        picked += [dict(r, draw="extra_other")
                   for r in rng.sample(sorted(rest, key=lambda r: r["id"]), min(extra_other, len(rest)))]
    return picked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", nargs="+", help="NAME:FOLDER[:SWEEP_JSON]")
    ap.add_argument("--out", type=Path, required=True, help="pool file to write (unlabelled jsonl)")
    ap.add_argument("--extra-alternative", type=int, default=0)
    ap.add_argument("--extra-other", type=int, default=0)
    ap.add_argument("--suffix-ids", nargs="*", default=[], metavar="NAME",
                    help="sources whose ids get '@NAME' appended (a rerun of the same conversations)")
    args = ap.parse_args()
    excluded, recs, names = labelled_items(), [], []
    for arg in args.sources:
        name, folder, *sweep = arg.split(":")
        names.append(name)
        recs.extend(records(name, Path(folder), load_items(Path(folder), Path(sweep[0]) if sweep else None),
                            excluded, f"@{name}" if name in args.suffix_ids else ""))
    pool = sorted(draw(recs, names, args.extra_alternative, args.extra_other),
                  key=lambda r: (r["model"], r["dataset"], r["item_id"], r["condition"], r["turn"], r["source"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in pool)
    print(f"{len(pool)} records, {len({(r['dataset'], r['item_id']) for r in pool})} items")


if __name__ == "__main__":
    main()
