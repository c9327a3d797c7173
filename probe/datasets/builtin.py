"""The built-in question set (the embedded default): hand-written facts + items whose gold is computed.

Facts live in ``builtin_facts.jsonl`` (capitals, chemical symbols, authors, planets, units, geography, science,
history; graded easy/medium/hard, each with aliases and a plausible wrong alternative).  Computed items —
arithmetic, letter counting, weekdays, year arithmetic, comparisons — are generated from one fixed seed, so the set
is identical on every machine, and their difficulty grows with operand size so a small model's confidence spreads.
"""
from __future__ import annotations

import json
import random
from importlib import resources

from .items import Item

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WORDS = [
    "cat", "tree", "house", "planet", "garden", "library", "elephant", "mountain", "umbrella", "chocolate",
    "river", "window", "keyboard", "sandwich", "butterfly", "telescope", "dinosaur", "pineapple", "volcano",
    "hospital", "notebook", "triangle", "calendar", "astronaut", "blueberry", "orchestra", "lighthouse",
    "microscope", "strawberry", "adventure",
]
SEED = 20261126


def facts() -> list[Item]:
    text = resources.files(__package__).joinpath("builtin_facts.jsonl").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Item(id=d["id"], question=d["question"], answer=d["answer"], alternative=d["alternative"],
                            aliases=tuple(d.get("aliases", ())), category=d["category"],
                            difficulty=d["difficulty"], dataset="builtin"))
    return out


def _num_item(kind: str, i: int, question: str, gold: int, alt: int, difficulty: str) -> Item:
    assert alt != gold
    return Item(id=f"{kind}-{i:03d}", question=question, answer=str(gold), alternative=str(alt),
                category=kind, difficulty=difficulty, dataset="builtin")


def computed(rng: random.Random | None = None) -> list[Item]:
    rng = rng or random.Random(SEED)
    items: list[Item] = []
    levels = [("easy", 1, 9), ("medium", 10, 99), ("hard", 100, 999)]
    for difficulty, lo, hi in levels:  # addition and subtraction
        for i in range(14):
            a, b = rng.randint(lo, hi), rng.randint(lo, hi)
            if i % 2:
                a, b = max(a, b), min(a, b)
                gold, q = a - b, f"What is {a} minus {b}?"
            else:
                gold, q = a + b, f"What is {a} plus {b}?"
            alt = gold + rng.choice([-10, -2, -1, 1, 2, 10]) if gold > 10 else gold + rng.choice([1, 2])
            items.append(_num_item("arithmetic", len(items), q, gold, alt, difficulty))
    for difficulty, (lo1, hi1), (lo2, hi2) in [("easy", (2, 9), (2, 9)), ("medium", (11, 19), (3, 9)),
                                               ("hard", (21, 99), (11, 29))]:
        for _ in range(10):
            a, b = rng.randint(lo1, hi1), rng.randint(lo2, hi2)
            gold = a * b
            alt = gold + rng.choice([-b, b, -a, a]) if rng.random() < 0.7 else gold + rng.choice([-10, 10])
            items.append(_num_item("multiplication", len(items), f"What is {a} times {b}?", gold, alt, difficulty))
    for i, word in enumerate(WORDS):
        gold = len(word)
        difficulty = "easy" if gold <= 4 else "medium" if gold <= 7 else "hard"
        alt = gold + rng.choice([-1, 1])
        items.append(_num_item("counting", i, f'How many letters are in the word "{word}"?', gold, alt, difficulty))
    for i in range(25):
        start, step = rng.randrange(7), rng.randint(1, 20)
        gold_day = WEEKDAYS[(start + step) % 7]
        alt_day = WEEKDAYS[(start + step + rng.choice([-1, 1])) % 7]
        difficulty = "easy" if step <= 2 else "medium" if step <= 7 else "hard"
        items.append(Item(id=f"weekday-{i:03d}", question=f"What day of the week is {step} "
                          f"day{'s' if step > 1 else ''} after {WEEKDAYS[start]}?", answer=gold_day,
                          alternative=alt_day, category="dates", difficulty=difficulty, dataset="builtin"))
    for i in range(20):
        year, step = rng.randint(1800, 2020), rng.choice([1, 5, 10, 12, 25, 37, 48, 63])
        gold = year + step
        alt = gold + rng.choice([-10, -1, 1, 10])
        difficulty = "easy" if step in (1, 10) else "medium" if step in (5, 12, 25) else "hard"
        items.append(_num_item("years", i, f"What year is {step} years after {year}?", gold, alt, difficulty))
    for i in range(15):
        a, b = rng.sample(range(10, 1000), 2)
        digits_close = abs(a - b) < 30
        q = f"Which number is larger, {a} or {b}?"
        items.append(Item(id=f"compare-{i:03d}", question=q, answer=str(max(a, b)), alternative=str(min(a, b)),
                          category="comparison", difficulty="hard" if digits_close else "easy", dataset="builtin"))
    return items


def load_builtin() -> list[Item]:
    return facts() + computed()
