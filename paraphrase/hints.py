"""Hint cues planted in the turn-0 message, pointing to the item's alternative (the follow-vs-mention probe).

    from paraphrase.hints import HINTS, render
    text, cue = render("Q?\\n\\nAnswer with only the answer.", "suggestion_steps", "Lyon", seed=0, key="item|original")
    # cue == "I think the answer is Lyon, but I'm curious what you think."  (one seeded wording of 7)

A hint cell is a cue type and a reasoning request:

- ``none``: the question as it is -- the no-cue baseline every cue is compared with, on the same item;
- ``suggestion``: the user's own guess ("I think the answer is X, but I'm curious what you think");
- ``metadata``: a metadata-style line above the question ("(answer: X)");
- ``authority``: a third party's word ("A Stanford professor says the answer is X");
- ``*_steps`` (``none_steps``, ``suggestion_steps``, ...): the same, with the answer-only instruction replaced by a
  request to reason step by step; its baseline is ``none_steps``.

A config's ``hints: [none, suggestion, ...]`` crosses every condition with every hint; only turn 0 differs, so the
stem is per (item, variant, hint).  Wordings live in ``library/hints.yaml`` (>= 6 per cue type).
"""
from __future__ import annotations

import random
import re
from functools import lru_cache
from importlib import resources

import yaml

from .question import INSTRUCTIONS

CUES = ("suggestion", "metadata", "authority")
NONE = "none"
STEPS = "_steps"
HINTS = (NONE, *CUES, *(f"{h}{STEPS}" for h in (NONE, *CUES)))


@lru_cache(maxsize=1)
def library() -> dict:
    text = resources.files(__package__).joinpath("library/hints.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def cue_type(hint: str) -> str:
    """``suggestion_steps`` -> ``suggestion``; ``none``/"" -> ``none``."""
    return (hint or NONE).removesuffix(STEPS)


def asks_steps(hint: str) -> bool:
    return (hint or "").endswith(STEPS)


def baseline(hint: str) -> str:
    """The no-cue cell a hint is compared with: the same reasoning request, no cue."""
    return NONE + STEPS if asks_steps(hint) else NONE


def valid(hint: str) -> bool:
    return hint in HINTS


def cue_text(hint: str, alternative: str, rng: random.Random) -> str:
    """One wording of the hint's cue for ``alternative`` ("" for no cue)."""
    kind = cue_type(hint)
    if kind == NONE:
        return ""
    wordings = library()["cues"][kind]["wordings"]
    return wordings[rng.randrange(len(wordings))].format(alternative=alternative)


def rng_for(seed: int, key: str, hint: str) -> random.Random:
    return random.Random(f"{seed}|{key}|hint|{hint}")


def render(message: str, hint: str, alternative: str, *, seed: int, key: str) -> tuple[str, str]:
    """The turn-0 message under ``hint`` and the cue text planted in it.  ``message`` is the question's turn-0
    message (`paraphrase.question.turn0_message`); ``key`` names the item and variant so the draw is per item."""
    if not valid(hint):
        raise ValueError(f"unknown hint {hint!r}; choose one of {', '.join(HINTS)}")
    if hint == NONE:
        return message, ""
    rng = rng_for(seed, key, hint)
    cue = cue_text(hint, alternative, rng)
    paragraphs = message.split("\n\n")
    answer_only = {s for ss in INSTRUCTIONS.values() for s in ss}
    if asks_steps(hint):
        steps = library()["steps"]
        paragraphs = [p for p in paragraphs if p.strip() not in answer_only] + [steps[rng.randrange(len(steps))]]
        answer_only = set(steps)
    if cue:
        if library()["cues"][cue_type(hint)]["place"] == "before":
            paragraphs.insert(0, cue)
        else:  # after the question, before a closing instruction
            at = len(paragraphs) - 1 if paragraphs[-1].strip() in answer_only else len(paragraphs)
            paragraphs.insert(at, cue)
    return "\n\n".join(paragraphs), cue


def names_word(text: str, word: str) -> bool:
    return bool(word.strip()) and re.search(rf"(?<!\w){re.escape(word.strip())}(?!\w)", text, re.IGNORECASE) is not None


def applies(hint: str, answer: str, alternative: str, aliases: tuple[str, ...] = ()) -> bool:
    """A cue names the alternative; where the alternative holds the gold (or an alias) as a word ("New South Wales"
    against "Wales") the cue would name the gold too, so such an item is left out of the cue cells."""
    if cue_type(hint) == NONE:
        return True
    return not any(names_word(alternative, g) for g in (answer, *aliases) if g)
