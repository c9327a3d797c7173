"""Matching an answer no candidate's words match as written (used by `probe.readout.answer`):

- `less_specific`: the last words of one candidate only name it ("the elephant" for "the African elephant");
- `counts_another_noun`: a number counting another noun than "How many ...?" asks answers another question
  ("Mars has 228.19 days in a Martian year." to "How many moons does Mars have?"), the wrong kind;
- `loop_cut`: a number a repetition loop cut at different lengths ("12000000000000", "1200000000000") is one answer;
- `answer_core`: an answer's words without the lead-in ("it's", "the answer is", an article);
- `wrong_kind`: an answer of the wrong kind, which answers nothing (a bare number to a question answered by a name,
  "Apollo 11" or "the 1940s" where no candidate holds a digit, a collection of the asked kind, the question's own
  words).

    >>> from probe.datasets.items import Item
    >>> mammal = Item("x", "What is the largest mammal?", "the blue whale", "the African elephant")
    >>> less_specific(mammal, "the elephant")
    'alternative'
"""
from __future__ import annotations

import re

from .lexicon import ANSWER_LEAD_IN, HOW_MANY, MEASUREMENT_UNITS, NUMBERED, PLURAL_NOUN_AFTER, POSSESSIVES
from .parse import Mention, content, normalise, parse_number
from .phrase import names_a_collection


def counts_another_noun(item, reply: str, mention: Mention) -> bool:
    """The number counts another noun ("228.19 days" to "How many moons does Mars have?"): the plural noun after it is
    none of the question's words and the reply never names the asked noun, so it answers another question, an
    answer of the wrong kind (GUIDE.md).  "23 pairs of chromosomes" still counts chromosomes."""
    asked = HOW_MANY.search(item.question)
    after = PLURAL_NOUN_AFTER.match(reply[mention.end :])
    if not asked or not after or asked.group(1).lower()[:4] in MEASUREMENT_UNITS:
        return False  # a unit asked: "183.2 inches" to "How many feet ...?" is a wrong value of that measure
    question = {w[:3] for w in normalise(item.question).split()}
    return after.group(1)[:3] not in question and asked.group(1).lower()[:3] not in {
        w[:3] for w in normalise(reply).split()}


def less_specific(item, answer: str) -> str | None:
    """The one candidate whose last words the answer is, and more ("the elephant" for "the African elephant"): a
    less specific name of that candidate (GUIDE.md: "Tolstoy" for Leo Tolstoy); None when both candidates end so
    ("the ocean" for "the Pacific Ocean" / "the Atlantic Ocean") or the answer is a number."""
    core = answer_core(answer)
    if not core or parse_number(answer) is not None:
        return None
    labels = {label for label, surfaces in item.candidates().items() for surface in surfaces
              if answer_core(surface).endswith(f" {core}")}
    return labels.pop() if len(labels) == 1 else None


def loop_cut(text: str) -> str | None:
    """A number whose last digit repeats eight or more times, with that run shortened to three: the number a
    repetition loop wrote until the token limit or the loop stop cut it ("16.66666666666"), so two cuts of one
    number at different lengths are the same answer; None for any other number."""
    digits = re.sub(r"[^\d.]", "", text)
    return re.sub(r"(\d)\1{7,}$", r"\1\1\1", digits) if re.search(r"(\d)\1{7,}$", digits) else None


def answer_core(text: str) -> str:
    """The answer's words without its lead-in ("it's", "the answer is", an article, "actually")."""
    return ANSWER_LEAD_IN.sub("", normalise(text))


def wrong_kind(item, answer: str) -> bool:
    """A bare number ("The answer is indeed: 2.") to a question answered by a name, a collection of the asked kind
    ("the International System of Units" for a unit), or only the question's own words ("Lead" for the symbol of
    lead): an answer of the wrong kind, which answers nothing (GUIDE.md)."""
    answer = re.sub(r"[*_]+", "", answer)  # markdown emphasis inside a word: "**Kazakh**stan" is "Kazakhstan"
    words = content(answer) - POSSESSIVES  # only the question's own words: "Switzerland is the capital of Switzerland."
    own_words = bool(words) and words <= content(item.question)
    return parse_number(answer) is not None or names_a_collection(answer, item.question) or own_words \
        or numbered_name(item, answer)


def numbered_name(item, answer: str) -> bool:
    """A name carrying a number ("Apollo 11", "the 100th person.", "the 1940s") to a question none of whose candidates
    holds a digit: a numbered thing (a mission, a rank, a year) where a name was asked, an answer of the wrong kind.  A
    digit inside a word is part of a name ("H2O", "Kepler-62f")."""
    surfaces = [s for ss in item.candidates().values() for s in ss]
    numbered = NUMBERED.search(answer)  # "the 1940s" too
    return bool(numbered) and not any(re.search(r"\d", s) for s in surfaces)
