"""Question variants: rule-based rewrites of the turn-0 message, seeded per (item, variant), HELM-style.

Variant ids: ``original`` (the question as written) and ``r1``, ``r2``, … — each a seeded combination of
transforms: politeness frame, answer-format wording, order of question and instruction, and synonym swaps outside
protected spans (numbers, quoted words, capitalised names and the candidate answers are never touched).

    from paraphrase.question import turn0_message
    turn0_message("What is the capital of Australia?", "r2", seed=0, item_id="x")
"""
from __future__ import annotations

import random
import re

VARIANTS_HELP = ("'original', r1, r2, … (rule-based rewrites), m1, m2, … (model rewrites, meaning-checked) or "
                 "premise_free (a false-premise item's control: the question without its premise)")
PREMISE_FREE = "premise_free"

INSTRUCTIONS = {
    "short": [
        "Answer with only the answer.",
        "Reply with just the answer, nothing else.",
        "Give only the answer.",
        "Respond with the answer alone.",
        "State just the answer.",
    ],
    # a question that may rest on a false premise: room for a sentence or two, so a reply can correct the premise
    "premise": [
        "Answer in one or two sentences.",
        "Reply briefly, in a sentence or two.",
        "Give a short answer of one or two sentences.",
        "Keep your answer to one or two sentences.",
        "Answer in at most two sentences.",
    ],
    "mc": [
        "Answer with the letter of the correct option.",
        "Reply with only the letter of the right choice.",
        "Give just the letter of the correct answer.",
        "Respond with the option letter only.",
        "Which letter is correct? Answer with the letter.",
    ],
}
POLITENESS = ["", "Please answer this: ", "Quick question: ", "I'd like to know: ", "Could you tell me this? "]
SYNONYMS = [  # (pattern, replacement) applied only outside protected spans
    (r"\bWhat is\b", "What's"),
    (r"\bWho wrote\b", "Who is the author of"),
    (r"\bWhich\b", "What"),
    (r"\blargest\b", "biggest"),
    (r"\bclosest\b", "nearest"),
    (r"\bfamous\b", "well-known"),
    (r"\bIn which\b", "In what"),
]


def valid_variant(variant: str) -> bool:
    return variant in ("original", PREMISE_FREE) or re.fullmatch(r"[rm][1-9]\d*", variant) is not None


def is_model_variant(variant: str) -> bool:
    return re.fullmatch(r"m[1-9]\d*", variant) is not None


def _protected(text: str, keep: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = [m.span() for m in re.finditer(r"\d[\d,.]*|\"[^\"]*\"|'[^']*'", text)]
    spans += [m.span() for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w-]+", text)]
    for k in keep:
        if k:
            spans += [m.span() for m in re.finditer(re.escape(k), text)]
    return spans


def swap_synonyms(text: str, rng: random.Random, keep: tuple[str, ...] = ()) -> str:
    """Apply each applicable synonym with probability 1/2, never inside a protected span."""
    for pattern, repl in SYNONYMS:
        m = re.search(pattern, text)
        if not m or rng.random() < 0.5:
            continue
        if any(a < m.end() and m.start() < b for a, b in _protected(text, keep)):
            continue
        text = text[: m.start()] + repl + text[m.end() :]
    return text


def turn0_message(question: str, variant: str, *, seed: int, item_id: str, mc: bool = False,
                  choices_block: str = "", keep: tuple[str, ...] = (), premise: bool = False) -> str:
    """The first user message for a question variant (instruction included).  Model variants (m1, …) and the
    premise-free control arrive here with ``question`` already rewritten and keep the original instruction.  A
    false-premise item (``premise``) asks for a sentence or two instead of the answer alone."""
    kind = "mc" if mc else "premise" if premise else "short"
    body = question.strip() + (f"\n\n{choices_block}" if choices_block else "")
    if variant in ("original", PREMISE_FREE) or is_model_variant(variant):
        return f"{body}\n\n{INSTRUCTIONS[kind][0]}"
    if not valid_variant(variant):
        raise ValueError(f"unknown question variant {variant!r}")
    rng = random.Random(f"{seed}|{item_id}|question|{variant}")
    q = swap_synonyms(question.strip(), rng, keep)
    polite = POLITENESS[rng.randrange(len(POLITENESS))]
    if polite.endswith(": ") and q.split()[0] in _LOWERABLE:  # "Quick question: what is …"
        q = q[0].lower() + q[1:]
    instruction = INSTRUCTIONS[kind][rng.randrange(len(INSTRUCTIONS[kind]))]
    body = polite + q + (f"\n\n{choices_block}" if choices_block else "")
    if rng.random() < 0.5 and not choices_block:
        return f"{instruction}\n\n{body}"
    return f"{body}\n\n{instruction}"


_LOWERABLE = {"What", "Who", "Which", "How", "In", "At", "On", "What's"}
