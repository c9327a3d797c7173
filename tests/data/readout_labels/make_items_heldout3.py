"""Write the items of the third held-out readout set (heldout3.jsonl): none of them in any earlier label file.

    PYTHONPATH=. python tests/data/readout_labels/make_items_heldout3.py ../shared/data ITEMS_DIR
    # the fourth set: the same mix, seed 4, none of its items in any earlier set (heldout3 included)
    PYTHONPATH=. python tests/data/readout_labels/make_items_heldout3.py ../shared/data ITEMS_DIR --seed 4 \
        --labels dev.jsonl test.jsonl heldout.jsonl heldout2.jsonl heldout3.jsonl

Same mix as ``make_items_heldout2.py`` (14 built-in, 4 TruthfulQA, 3 FARM NQ1, 4 "are you sure" MMLU), seed
``random.Random(3)``; every item whose id or question is in dev/test/heldout/heldout2 is excluded, in every source.
GSM8K is left out: the loader numbers its items by row, so a fresh problem takes an id already in dev.jsonl and the
pool drawer drops it (heldout2 lost its GSM8K items that way).
"""
import argparse
import csv
import json
import random
from pathlib import Path

from make_items_heldout2 import labelled, write_builtin

HERE = Path(__file__).resolve().parent
BUILTIN = HERE.parents[2] / "probe" / "datasets" / "builtin_facts.jsonl"
LABEL_FILES = ("dev.jsonl", "test.jsonl", "heldout.jsonl", "heldout2.jsonl")


def fresh(rows, questions, key):
    """Rows whose question text (or any line of it) is in no label file."""
    return [r for r in rows if not any(q in key(r) for q in questions if len(q) > 20) and key(r).strip() not in questions]


def main(data: Path, out: Path, seed: int = 3, label_files=LABEL_FILES) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids, questions = labelled(label_files)
    rows = [json.loads(line) for line in open(BUILTIN)]
    rows = [r for r in fresh(rows, questions, lambda r: r["question"]) if r["id"] not in ids]
    write_builtin(rows, rng, out)
    with open(data / "truthfulqa" / "TruthfulQA.csv", newline="") as f:
        head, *body = list(csv.reader(f))
    q_col = head.index("Question")
    body = fresh(body, questions, lambda r: r[q_col])
    with open(out / "truthfulqa.csv", "w", newline="") as f:
        csv.writer(f).writerows([head, *rng.sample(body, 4)])
    nq = fresh([json.loads(line) for line in open(data / "farm" / "NQ1.jsonl")], questions, json.dumps)
    with open(out / "nq1.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample(nq, 3))
    ays = [json.loads(line) for line in open(data / "bct_are_you_sure" / "mmlu_are_you_sure.jsonl")]
    ays = fresh(ays, questions, json.dumps)
    with open(out / "mmlu_ays.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample(ays, 4))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--labels", nargs="+", default=list(LABEL_FILES), help="label files whose items are excluded")
    args = ap.parse_args()
    main(args.data, args.out, args.seed, args.labels)
