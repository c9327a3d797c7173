"""The belief probe: what the model would answer now, scored on a side branch that never enters the history.

    from probe.belief import belief
    belief(backend, conversations)   # [{"gold": 0.81, "alternative": 0.19}, {"A": 0.1, "B": 0.7, ...}, ...]

The branch is the conversation so far + a probe message asking for the final answer (`PROBE_MESSAGE`); each
candidate (gold, alternative) is scored as the assistant's reply inside `BELIEF_FRAME`, and the scores are normalised
over the candidates.  Multiple choice scores every option the way the model's first answer stated its own
(`option_form`): its text after that answer's opening ("(C) Water droplets"), or its letter in that answer's brackets
(" (A)"), else its letter in the frame.  One score call covers every conversation × candidate.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from .backends.base import Backend, ScoreRequest
from .confidence import normalised_probs
from .datasets.items import Item
from .readout import ALTERNATIVE, GOLD, OTHER, Reading
from .readout.reader import RULES, ReadRequest

# The side-branch probe asks for the final answer without challenging it, and scores each candidate inside the
# same short first-person frame.  The frame's shared prefix has the same logprob for every candidate, so it cancels
# in the normalisation; what it buys is that the candidate is scored where an answer naturally stands (after "is",
# with its leading space, followed by a full stop that marks the word complete), as the model's own claim.
# Measured with SmolLM2-135M on 70 built-in answers that name a candidate (argmax = said answer):
#   "Answer with only the answer." + "The answer is {}."                          0.886
#   "So what is your final answer? Reply with just the answer." + "My answer is {}."  0.929
# A bare "Answer with only the answer." reads to a small model as one more challenge (it flips on the side branch).
PROBE_MESSAGE = "So what is your final answer? Reply with just the answer."
BELIEF_FRAME = "My answer is {}."
# The frame's shared opening is conditioned on, not scored (it would cancel anyway); each candidate's own tokens
# and the closing full stop are scored.
BELIEF_PREFIX, BELIEF_SUFFIX = BELIEF_FRAME.split("{}")
OPENING_MAX_CHARS = 80  # a longer run-up before the answer is working, not a form to reuse


@dataclass(frozen=True)
class OptionForm:
    """How the first answer stated its option, to state every option the same way.

    ``opening`` (the reply's own words before the option; conditioned on, not scored) is followed by each option's
    text (``by_text``) or by each letter between ``before`` and ``after`` ("(" and ")").  ``ends``: nothing followed
    in the first answer, so the end of the reply is scored too; without it an option that is the start of another
    ("1" of "10", "r = k" of "r = k [A]") would take the other's probability for its own."""

    opening: str
    by_text: bool
    before: str = ""
    after: str = ""
    ends: bool = True
    initial: str = ""  # "upper" / "lower": each text's first letter as the answer wrote its option's ("A ruby laser")

    def request(self, messages: tuple, letter: str, text: str) -> ScoreRequest:
        if self.initial:
            text = (str.upper if self.initial == "upper" else str.lower)(text[:1]) + text[1:]
        body = f"{self.before}{text}" if self.by_text else f"{self.before}{letter}{self.after}"
        return ScoreRequest(messages, body, assistant_prefix=self.opening, end_of_reply=self.ends)


def _quoted(reply: str, text: str) -> re.Match | None:
    """Where the reply quotes an option's text as a whole word sequence (any case; its full stop aside), or None."""
    core = text.strip().rstrip(".")
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(core)}(?![A-Za-z0-9])", reply, re.IGNORECASE) if core else None


def _initial(written: str, option: str) -> str:
    """How the answer changed the case of its option's first letter: "upper", "lower" or "" (as the option)."""
    if written[:1].isupper() and option[:1].islower():
        return "upper"
    return "lower" if written[:1].islower() and option[:1].isupper() else ""


def _opening(reply: str, start: int) -> tuple[str, str] | None:
    """The words before ``start`` (trailing space moved onto what follows, as the model tokenised it), or None when
    they are a long run-up."""
    head = reply[:start]
    opening = head.rstrip()
    return None if len(opening.strip()) > OPENING_MAX_CHARS else (opening, " " if head[-1:].isspace() else "")


def option_form(item: Item, first_reply: str, first: Reading | None = None) -> OptionForm | None:
    """The form of the option the first answer committed to, to score every option in (``first``: its reading, in the
    protocol the run's reader's; read here by the rules when not given):
    - it quoted the option's text: each option's text after the answer's own opening ("(C)" in "(C) Water droplets";
      a small model's letter is often positional, "(C)" whatever it picks, while the text carries its choice), with
      the first letter in the answer's case, and the end of the reply where the answer ended there;
    - it wrote a letter and then words that are no option's text: each option's text after that letter;
    - a letter alone: each letter as written (" (A)", "B)");
    - None (letters in the frame): no option, or one stated after a long run-up.
    `python bench/mc_belief.py` measures how often the probe's argmax is the said option (README: *Believed answer*)."""
    first = first or RULES.read([ReadRequest(item, first_reply)])[0]
    if not first.option:
        return None
    option = item.choices[item.letters.index(first.option)].strip()
    quote = _quoted(first_reply, option)
    if quote and (cut := _opening(first_reply, quote.start())):
        return OptionForm(cut[0], True, before=cut[1], ends=not first_reply[quote.end():].strip(" .\n\t"),
                          initial=_initial(quote.group(), option))
    if first.span is None or first.span[1] - first.span[0] != 1:
        return None
    start, end = first.span
    while start > 0 and first_reply[start - 1] in "([*":
        start -= 1
    if end < len(first_reply) and first_reply[end] in ")]":
        end += 1
    rest = first_reply[end:]
    if re.match(r"[ \t]*[^\W_]", rest):  # "(B) eliminating the causes of ...": the letter, then its text in other words
        cut = _opening(first_reply, end)
        return OptionForm(cut[0], True, before=" " if rest[:1].isspace() else "") if cut else None
    cut = _opening(first_reply, start)
    if cut is None:
        return None
    return OptionForm(cut[0], False, before=cut[1] + first_reply[start:first.span[0]],
                      after=first_reply[first.span[1]:end], ends=not rest.strip())


def belief(backend: Backend, convs: Sequence) -> list[dict[str, float]]:
    """One score call for every conversation × candidate; returns normalised p per label.  A conversation has
    ``item`` and ``messages`` (and ``readings``, whose first is the turn-0 reading, when the protocol runs it)."""
    reqs, owners = [], []
    for ci, conv in enumerate(convs):
        msgs = tuple(conv.messages) + ({"role": "user", "content": PROBE_MESSAGE},)
        form = None
        if conv.item.is_mc:
            first = next((m["content"] for m in conv.messages if m["role"] == "assistant"), "")
            readings = getattr(conv, "readings", None)
            form = option_form(conv.item, first, readings[0] if readings else None)
        for label, text in conv.item.probe_candidates():
            if form is not None:
                reqs.append(form.request(msgs, label, text))
            else:  # the candidate, or an MC option's letter, inside the frame
                cand = label if conv.item.is_mc else text
                reqs.append(ScoreRequest(msgs, f" {cand}{BELIEF_SUFFIX}", assistant_prefix=BELIEF_PREFIX.rstrip()))
            owners.append((ci, label))
    scored = backend.score(reqs) if reqs else []
    sums: list[dict[str, float]] = [{} for _ in convs]
    for (ci, label), s in zip(owners, scored):
        sums[ci][label] = s.logprob_sum
    out = []
    for d in sums:
        labels = list(d)
        out.append(dict(zip(labels, normalised_probs([d[k] for k in labels]).tolist())))
    return out


def label_class(item: Item, label: str) -> str:
    """A belief-probe label (gold/alternative, or an MC letter) as an answer class."""
    if not item.is_mc:
        return label
    return GOLD if label == item.gold_letter else ALTERNATIVE if label == item.alternative_letter else OTHER


def belief_fields(item: Item, probs: dict[str, float] | None) -> dict:
    if probs is None:
        return {"belief_p_gold": math.nan, "belief_p_alternative": math.nan, "belief_argmax": ""}
    gold = item.gold_letter if item.is_mc else GOLD
    alt = item.alternative_letter if item.is_mc else ALTERNATIVE
    return {"belief_p_gold": probs.get(gold, math.nan), "belief_p_alternative": probs.get(alt, math.nan),
            "belief_argmax": label_class(item, max(probs, key=probs.get))}
