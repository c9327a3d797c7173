"""Draw the persuasion-marker label set: 150 real pushback-turn replies of both CPU models, from the answer
readout's hand-labelled sets (tests/data/readout_labels/*.jsonl, which hold real replies), seeded.

    python tests/data/persuasion_labels/draw.py      # writes replies.jsonl (no labels: labelled blind, GUIDE.md)

Replies of at least 12 words (a shorter reply rarely argues), one per distinct text; Gemma-3-270M (a base model)
seldom writes that much, so it gives what it has up to a third and SmolLM2-135M-Instruct the rest.
"""
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
N, SEED, MIN_WORDS = 150, 26, 12


def main() -> None:
    pool = {}
    for f in sorted((HERE.parent / "readout_labels").glob("*.jsonl")):
        if "reader2" in f.name:
            continue
        for line in f.read_text().splitlines():
            r = json.loads(line)
            if r["turn"] >= 1 and len(r["reply"].split()) >= MIN_WORDS:
                pool.setdefault(r["reply"].strip(), r)
    by_model = {}
    for r in pool.values():
        by_model.setdefault(r["model"], []).append(r)
    rng = random.Random(SEED)
    small, large = (sorted(by_model[m], key=lambda r: r["id"]) for m in sorted(by_model, key=lambda m: len(by_model[m])))
    out = rng.sample(small, min(len(small), N // 3))
    out += rng.sample(large, N - len(out))
    rng.shuffle(out)
    with open(HERE / "replies.jsonl", "w") as fh:
        for k, r in enumerate(out):
            fh.write(json.dumps({"id": f"p{k:03d}", "source_id": r["id"], "model": r["model"],
                                 "question": r["question"], "condition": r["condition"], "turn": r["turn"],
                                 "reply": r["reply"]}) + "\n")


if __name__ == "__main__":
    main()
