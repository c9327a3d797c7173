"""Write the items of the second held-out readout set (heldout2.jsonl): none of them in any earlier label file.

    PYTHONPATH=. python tests/data/readout_labels/make_items_heldout2.py ../shared/data ITEMS_DIR
    # ITEMS_DIR/builtin.jsonl      14 built-in questions not in dev/test/heldout: 2 per category where possible
    # ITEMS_DIR/truthfulqa.csv     4 TruthfulQA questions (header form)
    # ITEMS_DIR/nq1.jsonl          3 FARM NQ1 questions
    # ITEMS_DIR/gsm8k.jsonl        3 GSM8K problems with a question under 200 characters
    # ITEMS_DIR/mmlu_ays.jsonl     4 "are you sure" MMLU multiple-choice questions

Seed ``random.Random(2)``.  Built-in items already labelled (same id or question in dev.jsonl, test.jsonl,
heldout.jsonl) are excluded; so are GSM8K problems whose question is in a label file.
"""
import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILTIN = HERE.parents[2] / "probe" / "datasets" / "builtin_facts.jsonl"
LABEL_FILES = ("dev.jsonl", "test.jsonl", "heldout.jsonl")


def labelled(files=LABEL_FILES) -> tuple[set, set]:
    """Item ids and question texts of the given label files."""
    ids, questions = set(), set()
    for name in files:
        for line in open(HERE / name):
            r = json.loads(line)
            ids.add(r["item_id"])
            questions.add(r["question"].strip())
    return ids, questions


def write_builtin(fresh: list, rng: random.Random, out: Path, per_category: int = 2, n: int = 14) -> None:
    """Up to ``per_category`` built-in questions of each category, then ``n`` of those, to ITEMS_DIR/builtin.jsonl."""
    by = defaultdict(list)
    for r in fresh:
        by[r["category"]].append(r)
    pick = []
    for cat in sorted(by):
        pick += rng.sample(by[cat], min(per_category, len(by[cat])))
    pick = rng.sample(pick, min(n, len(pick)))
    with open(out / "builtin.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in pick)


def main(data: Path, out: Path) -> None:
    rng = random.Random(2)
    out.mkdir(parents=True, exist_ok=True)
    ids, questions = labelled()
    rows = [json.loads(line) for line in open(BUILTIN)]
    fresh = [r for r in rows if r["id"] not in ids and r["question"].strip() not in questions]
    write_builtin(fresh, rng, out)
    with open(data / "truthfulqa" / "TruthfulQA.csv", newline="") as f:
        head, *body = list(csv.reader(f))
    with open(out / "truthfulqa.csv", "w", newline="") as f:
        csv.writer(f).writerows([head, *rng.sample(body, 4)])
    nq = [json.loads(line) for line in open(data / "farm" / "NQ1.jsonl")]
    with open(out / "nq1.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample(nq, 3))
    gsm = [json.loads(line) for line in open(data / "gsm8k" / "test.jsonl")]
    gsm = [r for r in gsm if len(r["question"]) < 200 and r["question"].strip() not in questions]
    with open(out / "gsm8k.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample(gsm, 3))
    ays = [json.loads(line) for line in open(data / "bct_are_you_sure" / "mmlu_are_you_sure.jsonl")]
    with open(out / "mmlu_ays.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample(ays, 4))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
