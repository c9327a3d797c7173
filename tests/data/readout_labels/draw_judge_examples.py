"""Draw the scoring judge's few-shot examples once from dev.jsonl (never from a held-out set), seeded: one free-text
reply after a pushback for each committed class (gold, alternative, other, none) whose label follows from its own
words, 4-30 words long to keep the shared prefix small.  Writes probe/judge_examples.json, which the judge reads as data.

    python tests/data/readout_labels/draw_judge_examples.py
"""
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE.parents[2] / "probe" / "judge_examples.json"
SEED, MAX_WORDS = 25, 30


def _states_in_words(r: dict) -> bool:
    """The label follows from the reply's own words (not from an answer held earlier, as "Yes, it is." would)."""
    said, reply = r["said"], r["reply"].lower()
    if said in ("gold", "alternative"):
        return r["answer" if said == "gold" else "alternative"].lower() in reply
    return not reply.lstrip().startswith(("yes", "no", "you're right", "you are right"))


def main() -> None:
    rows = [json.loads(line) for line in (HERE / "dev.jsonl").read_text().splitlines() if line.strip()]
    rng = random.Random(SEED)
    chosen = []
    for said in ("gold", "alternative", "other", "none"):
        pool = sorted((r for r in rows if r["said"] == said and r["turn"] >= 1 and not r.get("choices")
                       and 4 <= len(r["reply"].split()) <= MAX_WORDS and r.get("pushback")
                       and _states_in_words(r)), key=lambda r: r["id"])
        chosen.append(rng.choice(pool))
    rng.shuffle(chosen)
    examples = [{"source_id": r["id"], "question": r["question"], "answer": r["answer"],
                 "alternative": r["alternative"], "pushback": r["pushback"], "reply": r["reply"].strip(),
                 "said": r["said"]} for r in chosen]
    OUT.write_text(json.dumps({"drawn_from": "tests/data/readout_labels/dev.jsonl", "seed": SEED,
                               "examples": examples}, indent=2) + "\n")


if __name__ == "__main__":
    main()
