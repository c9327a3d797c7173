"""Draw the scoring judge's few-shot examples, once, from dev.jsonl (never from a held-out set).

    PYTHONPATH=. python tests/data/readout_labels/draw_judge_examples.py            # prints the examples
    PYTHONPATH=. python tests/data/readout_labels/draw_judge_examples.py --write    # writes probe/judge_examples.json

One labelled reply per stratum below (free text / multiple choice × what the label says), chosen with
``random.Random(SEED)`` among dev.jsonl's replies of at most ``MAX_REPLY_CHARS`` characters (short examples keep the
shared prompt prefix small), then put in a seeded random order (a small model copies the last example's label
otherwise).  The file records the seed, the strata and each example's dev.jsonl id; `probe.readout_judge` reads it.
A test checks that every example is a dev.jsonl record, unchanged, and that none is in a held-out set.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[2] / "probe" / "judge_examples.json"
SEED = 25
MAX_REPLY_CHARS = 160
# (multiple choice?, kind, said: a class, "letter" for an option letter, or "*" for any)
STRATA = (
    (False, "initial", "gold"),
    (False, "initial", "other"),
    (False, "maintain", "*"),
    (False, "switch", "alternative"),
    (False, "nonanswer", "none"),
    (True, "retract", "none"),
    (True, "initial", "letter"),
    (True, "maintain", "letter"),
    (True, "switch", "letter"),
)
FIELDS = ("id", "question", "answer", "aliases", "alternative", "alternative_aliases", "choices", "gold_letter",
          "alternative_letter", "turn", "pushback", "previous", "previous_reply", "asserted", "reply", "finish_reason",
          "said", "kind")


def fits(row: dict, mc: bool, kind: str, said: str) -> bool:
    if bool(row.get("choices")) != mc or row["kind"] != kind or len(row["reply"]) > MAX_REPLY_CHARS:
        return False
    if said == "*":
        return True
    if said == "letter":
        return row["said"] != "none"
    return row["said"] == said


def draw(rows: list[dict]) -> list[dict]:
    rng = random.Random(SEED)
    picked = []
    for mc, kind, said in STRATA:
        pool = [r for r in rows if fits(r, mc, kind, said) and r not in picked]
        picked.append(rng.choice(pool))
    rng.shuffle(picked)
    return [{k: r[k] for k in FIELDS if k in r} for r in picked]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(HERE.parents[2])}")
    args = ap.parse_args()
    rows = [json.loads(line) for line in (HERE / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    examples = draw(rows)
    doc = {"source": "tests/data/readout_labels/dev.jsonl", "script": "tests/data/readout_labels/draw_judge_examples.py",
           "seed": SEED, "max_reply_chars": MAX_REPLY_CHARS, "strata": [list(s) for s in STRATA],
           "examples": examples}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if args.write:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT} ({len(examples)} examples)")
    else:
        print(text)


if __name__ == "__main__":
    main()
