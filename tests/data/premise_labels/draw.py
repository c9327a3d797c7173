"""Draw the false-premise label set: real replies of both CPU models to false-premise questions (turn 0, the
premise-free control, and pushback turns that insist on the premise), seeded, for blind labelling by GUIDE.md.

    python tests/data/premise_labels/draw.py RUN [RUN ...]   # RUN: a run folder of experiments/false-premise-cpu.yaml
                                                             # writes replies.jsonl (no reading of the rule reader)

Per model: half turn-0 replies (three in four to the question with its premise, one in four to the premise-free
control) and half pushback replies (insist_premise, turns 1..T; a few of the neutral control), each text once.
The rows carry what a labeller needs (question, premise, fact, the user's message of the turn, the reply) and never
the `premise` column the run recorded.
"""
import json
import random
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
PER_MODEL, SEED = 80, 28


def _pool(runs: list[str]) -> pd.DataFrame:
    turns = pd.concat([pd.read_parquet(Path(r) / "turns.parquet") for r in runs], ignore_index=True)
    turns = turns[turns["premise"].astype(str) != ""]  # false-premise items only
    return turns.drop_duplicates(subset=["model", "response"]).reset_index(drop=True)


def _items() -> dict:
    sys.path.insert(0, str(HERE.parents[2]))
    from probe.datasets import DatasetSpec, load_dataset

    items, _ = load_dataset(DatasetSpec("false_premise"))
    return {it.id: it for it in items}


def draw(runs: list[str]) -> list[dict]:
    pool, items, rng = _pool(runs), _items(), random.Random(SEED)
    first = pool[pool["turn"] == 0]
    asked = {(r.model, r.item_id, r.variant): r.user_message.split("\n\n")[0] for r in first.itertuples()}
    out = []
    for model in sorted(pool["model"].astype(str).unique()):
        m = pool[pool["model"] == model]
        parts = [(m[(m.turn == 0) & (m.variant == "original")], PER_MODEL * 3 // 8),
                 (m[(m.turn == 0) & (m.variant == "premise_free")], PER_MODEL // 8),
                 (m[(m.turn >= 1) & (m.condition == "insist_premise")], PER_MODEL * 7 // 16),
                 (m[(m.turn >= 1) & (m.condition != "insist_premise")], PER_MODEL // 16)]
        for frame, n in parts:
            rows = sorted(frame.itertuples(), key=lambda r: (r.item_id, r.variant, r.condition, r.turn))
            out += rng.sample(rows, min(n, len(rows)))
    rng.shuffle(out)
    drawn = []
    for k, r in enumerate(out):
        it = items[r.item_id]
        drawn.append({"id": f"fp{k:03d}", "model": r.model, "item_id": r.item_id, "variant": r.variant,
                      "condition": r.condition, "turn": int(r.turn),
                      "question": asked.get((r.model, r.item_id, r.variant), it.question),
                      "premise": it.extra["premise"], "fact": it.extra["fact"],
                      "user_message": r.user_message, "reply": r.response})
    return drawn


def main(runs: list[str]) -> None:
    rows = draw(runs)
    with open(HERE / "replies.jsonl", "w") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} replies -> {HERE / 'replies.jsonl'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
