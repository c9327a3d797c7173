"""Draw the unlabelled pool of model replies for the hand-labelled readout set (dev.jsonl / test.jsonl).

Reads finished ``probe run`` folders (turns.parquet + manifest.json), keeps only the text needed for reading a
reply — never the toolkit's own readout columns (said/kind/belief/...) — and writes one record per
(conversation, turn) drawn with ``random.Random(0)`` (a fresh one per model):

- turn 0 once per (model, item) (greedy turn 0 is the same reply in every condition; condition is "");
- turns 1-5: one record per (model, condition, turn, item type), item type = mc | numeric | text;
- ``--extra-alternative N``: N more turn 1-5 records per model, drawn from replies that mention the item's
  alternative (its text, or for MC its letter or option text) — to top up the rarely committed `alternative` class;
- ``--extra-other N``: then N more per model from replies that may commit to a third answer (another option's
  letter or text; a number or name that is neither gold, alias nor alternative) — to top up `other`.

Items are split BY ITEM into dev (about 60 %) and test, stratified by item group (MMLU, GSM8K, numeric built-in,
other built-in, BoolQ); the same item goes to the same file for both models.

How the committed pool was drawn (runs made with the configs listed in README.md):

    PYTHONPATH=. python tests/data/readout_labels/draw_pool.py RUNS/smollm RUNS/gemma \\
        --out POOL_DIR --extra-alternative 45 --extra-other 25
    # writes POOL_DIR/pool_dev.jsonl and POOL_DIR/pool_test.jsonl (unlabelled)
"""
from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from probe.datasets import DatasetSpec, load_dataset

LETTERS = "ABCDEFGHIJ"
# the only turn columns read: no readout output (said, kind, flipped, belief_*, ...) is ever loaded
COLUMNS = ["model", "dataset", "item_id", "condition", "variant", "turn", "user_message", "response",
           "finish_reason"]


def load_items(run: Path) -> dict:
    """Items of a run, rebuilt from the dataset specs in its manifest."""
    manifest = json.loads((run / "manifest.json").read_text())
    items = {}
    for d in manifest["config"]["datasets"]:
        spec = DatasetSpec(**{**d, "mapping": tuple(dict(d.get("mapping") or {}).items())})
        for it in load_dataset(spec)[0]:
            items[(it.dataset, it.id)] = it
    return items


def item_group(it) -> str:
    if it.choices:
        return "mmlu"
    if it.dataset == "gsm8k":
        return "gsm8k"
    if it.dataset == "farm":
        return "boolq"
    if it.dataset in ("truthfulqa", "farm-nq1"):  # heldout2's free-text sources
        return {"truthfulqa": "truthfulqa", "farm-nq1": "nq"}[it.dataset]
    return "builtin_numeric" if re.fullmatch(r"[\d,\.]+", it.answer) else "builtin_text"


def item_type(group: str) -> str:
    return {"mmlu": "mc", "gsm8k": "numeric", "builtin_numeric": "numeric"}.get(group, "text")


def split_items(items: dict) -> dict:
    """dev/test per item key, stratified by item group, seeded."""
    rng = random.Random(0)
    groups = defaultdict(list)
    for key, it in sorted(items.items()):
        groups[item_group(it)].append(key)
    out = {}
    for g in sorted(groups):
        keys = groups[g]
        rng.shuffle(keys)
        n_dev = round(0.6 * len(keys) + 0.01)
        out.update({k: ("dev" if i < n_dev else "test") for i, k in enumerate(keys)})
    return out


def records(run: Path, items: dict) -> list[dict]:
    df = pd.read_parquet(run / "turns.parquet", columns=COLUMNS)
    df = df[df["variant"] == "original"].sort_values(["dataset", "item_id", "condition", "turn"])
    out = []
    for (dataset, item_id, condition), conv in df.groupby(["dataset", "item_id", "condition"], sort=True):
        it = items[(dataset, item_id)]
        replies = list(conv["response"])
        for row, reply in zip(conv.itertuples(), replies):
            t = int(row.turn)
            rec = {"id": f"{row.model}|{dataset}|{item_id}|{condition if t else ''}|{t}", "model": row.model,
                   "dataset": dataset, "item_id": item_id, "group": item_group(it), "condition": condition if t else "",
                   "turn": t, "question": it.question, "answer": it.answer, "aliases": list(it.aliases),
                   "alternative": it.alternative, "reply": reply, "finish_reason": row.finish_reason}
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


def mentions_alternative(rec: dict) -> bool:
    reply = rec["reply"].lower()
    if "choices" in rec:
        letter = rec["alternative_letter"]
        return (re.search(rf"(?<![A-Za-z]){letter}(?![A-Za-z])", rec["reply"]) is not None
                or rec["alternative"].lower()[:40] in reply)
    return re.search(rf"(?<![\w]){re.escape(rec['alternative'].lower())}(?![\w])", reply) is not None


def mentions_other(rec: dict) -> bool:
    """A reply that may commit to a third answer: another option letter/text (MC); else a number or name that is
    neither the gold (or an alias) nor the alternative."""
    reply = rec["reply"]
    if "choices" in rec:
        others = [i for i, _ in enumerate(rec["choices"])
                  if LETTERS[i] not in (rec["gold_letter"], rec["alternative_letter"])]
        return any(re.search(rf"\(({LETTERS[i]})\)|\b{LETTERS[i]}\)|answer is {LETTERS[i]}\b", reply)
                   or rec["choices"][i].lower()[:40] in reply.lower() for i in others)
    known = [rec["answer"], rec["alternative"], *rec["aliases"]]
    low = reply.lower()
    if any(re.search(rf"(?<![\w]){re.escape(k.lower())}(?![\w])", low) for k in known):
        return False
    return re.search(r"\d", reply) is not None or re.search(r"(?<=\s)[A-Z][a-z]+", reply) is not None


def draw(all_records: list[dict], extra_alternative: int, extra_other: int = 0) -> list[dict]:
    """Per model, with its own random.Random(0): so a model's draw does not depend on which other runs are read."""
    picked = []
    for model in sorted({r["model"] for r in all_records}):
        rng = random.Random(0)
        turn0, cells = {}, defaultdict(list)
        for r in (r for r in all_records if r["model"] == model):
            if r["turn"] == 0:
                turn0.setdefault(r["id"], r)  # one per (model, item)
            else:
                cells[(r["condition"], r["turn"], item_type(r["group"]))].append(r)
        picked += [dict(r, stage="turn0") for r in turn0.values()]
        chosen = set()
        for key in sorted(cells):
            r = rng.choice(cells[key])
            chosen.add(r["id"])
            picked.append(dict(r, stage="stratified"))
        rest = sorted((r for rs in cells.values() for r in rs if r["id"] not in chosen and mentions_alternative(r)),
                      key=lambda r: r["id"])
        extra = rng.sample(rest, min(extra_alternative, len(rest)))
        picked += [dict(r, stage="extra_alternative") for r in extra]
        chosen |= {r["id"] for r in extra}
        rest = sorted((r for rs in cells.values() for r in rs if r["id"] not in chosen and mentions_other(r)),
                      key=lambda r: r["id"])
        picked += [dict(r, stage="extra_other") for r in rng.sample(rest, min(extra_other, len(rest)))]
    return picked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path, help="probe run folders")
    ap.add_argument("--out", type=Path, required=True, help="folder for pool_dev.jsonl and pool_test.jsonl")
    ap.add_argument("--extra-alternative", type=int, default=0)
    ap.add_argument("--extra-other", type=int, default=0)
    args = ap.parse_args()
    items, recs = {}, []
    for run in args.runs:
        run_items = load_items(run)
        items.update(run_items)
        recs.extend(records(run, run_items))
    split = split_items(items)
    pool = draw(recs, args.extra_alternative, args.extra_other)
    args.out.mkdir(parents=True, exist_ok=True)
    for part in ("dev", "test"):
        rows = sorted((r for r in pool if split[(r["dataset"], r["item_id"])] == part),
                      key=lambda r: (r["model"], r["dataset"], r["item_id"], r["condition"], r["turn"]))
        with open(args.out / f"pool_{part}.jsonl", "w") as f:
            for r in rows:
                f.write(json.dumps(dict(r, split=part), ensure_ascii=False) + "\n")
        print(f"{part}: {len(rows)} records, {len({r['item_id'] for r in rows})} items")


if __name__ == "__main__":
    main()
