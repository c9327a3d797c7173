"""Write the seeded item subsets that the readout-label runs asked (random.Random(0)).

    PYTHONPATH=. python tests/data/readout_labels/make_items.py ../shared/data ITEMS_DIR
    # ITEMS_DIR/builtin12.jsonl  12 built-in questions: 3 numeric (units), one per other category, 4 more at random
    # ITEMS_DIR/mmlu/*_test.csv  7 MMLU subjects at random, one random question each (header form)
    # ITEMS_DIR/gsm8k3.jsonl     3 GSM8K problems among those with a question under 200 characters
    # ITEMS_DIR/boolq3.jsonl     3 FARM BoolQ yes/no questions
"""
import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

BUILTIN = Path(__file__).resolve().parents[3] / "probe" / "datasets" / "builtin_facts.jsonl"


def main(data: Path, out: Path) -> None:
    rng = random.Random(0)
    (out / "mmlu").mkdir(parents=True, exist_ok=True)
    rows = [json.loads(line) for line in open(BUILTIN)]
    by = defaultdict(list)
    for r in rows:
        by[r["category"]].append(r)
    pick = rng.sample([r for r in by["units"] if r["answer"].replace(",", "").isdigit()], 3)
    pick += [rng.choice(by[cat]) for cat in sorted(by) if cat != "units"]
    pick += rng.sample([r for r in rows if r not in pick and r["category"] != "units"], 12 - len(pick))
    with open(out / "builtin12.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in pick)
    for p in rng.sample(sorted((data / "mmlu" / "test").glob("*_test.csv")), 7):
        with open(p, newline="") as f:
            head, *body = list(csv.reader(f))
        with open(out / "mmlu" / p.name, "w", newline="") as f:
            csv.writer(f).writerows([head, rng.choice(body)])
    gsm = [json.loads(line) for line in open(data / "gsm8k" / "test.jsonl")]
    with open(out / "gsm8k3.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample([r for r in gsm if len(r["question"]) < 200], 3))
    boolq = [json.loads(line) for line in open(data / "farm" / "Boolq.jsonl")]
    with open(out / "boolq3.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rng.sample(boolq, 3))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
