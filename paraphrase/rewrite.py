"""Model-based question rewrites through any text generator, kept only if meaning-checked.

The generator is a callable ``generate(prompts, seeds) -> replies`` (one batched call per round: a list of user
messages and one seed each, the same length of replies back), so this package does not depend on any engine.
Each round covers every pending (question, variant); replies that fail the meaning check
(`paraphrase.meaning.MeaningChecker`) are retried in the next round with a new seed, and dropped after the last.

    from paraphrase.rewrite import model_rewrites
    accepted, counts = model_rewrites(generate, [("q1", "What is the capital of Australia?", ("Canberra", "Sydney"))],
                                      n_variants=3, checker=MeaningChecker(), seed=0)
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Sequence

# prompts (user messages), seeds -> replies; one batched call
Generate = Callable[[Sequence[str], Sequence[int]], list[str]]

REWRITE_PROMPT = ("Rewrite the following question in different words without changing its meaning. "
                  "Reply with only the rewritten question.\n\nQuestion: {question}")


@dataclass(frozen=True)
class Rewrite:
    text: str
    similarity: float
    round: int


def clean(reply: str) -> str:
    """First line of the reply, without a 'Rewritten question:' label or surrounding quotes."""
    text = reply.strip().splitlines()[0] if reply.strip() else ""
    text = re.sub(r"^(?:rewritten question|question|rewrite)\s*:\s*", "", text, flags=re.IGNORECASE)
    return text.strip().strip('"“”').strip()


def model_rewrites(generate: Generate, questions, n_variants: int, checker, seed: int = 0, rounds: int = 3):
    """``questions``: (key, text, protected strings).  Returns ({(key, k): Rewrite}, counts) for k in 1..n."""
    by_key = {key: (text, protect) for key, text, protect in questions}
    pending = [(key, k) for key in by_key for k in range(1, n_variants + 1)]
    accepted: dict = {}
    counts = {"requested": len(pending), "accepted": 0, "rejected": 0, "dropped": 0}
    for rnd in range(rounds):
        if not pending:
            break
        prompts = [REWRITE_PROMPT.format(question=by_key[key][0]) for key, _ in pending]
        seeds = [random.Random(f"{seed}|{key}|{k}|{rnd}").randrange(2**31) for key, k in pending]
        replies = [clean(r) for r in generate(prompts, seeds)]
        still = []
        # one check per protected set keeps spans per question; group by key
        for (key, k), reply in zip(pending, replies):
            original, protect = by_key[key]
            taken = {r.text for (kk, _), r in accepted.items() if kk == key}
            verdict = checker.check(original, reply, protect) if reply else None
            if verdict is not None and verdict.ok and reply not in taken:
                accepted[(key, k)] = Rewrite(reply, verdict.similarity, rnd)
            else:
                counts["rejected"] += 1
                still.append((key, k))
        pending = still
    counts["accepted"] = len(accepted)
    counts["dropped"] = len(pending)
    return accepted, counts
