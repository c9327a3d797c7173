"""Confidence estimators that need the engine: side branches of the turn-0 answer, never part of a conversation.

Each branch starts from a turn-0 stem (the question and the model's greedy answer, already in the prefix cache) and
ends there: nothing below is appended to any conversation's history.

- ``conf_p_true`` (Kadavath et al. 2022): the stem + ``P_TRUE_MESSAGE`` and the reply opened with
  ``P_TRUE_PREFIX``; the probability of " True" normalised over " True" and " False" (multiple choice: the letter
  form "(A) True (B) False", " A" over " A" and " B").  Two one-token continuations per item, in one score call.
- ``conf_verbal``: the stem + ``VERBAL_MESSAGE``, a short greedy reply, and the first number from 0 to 100 in it,
  divided by 100 (NaN with ``conf_verbal_reason`` when the reply has none).
- ``conf_verbal_expected``: the same question, the reply opened with ``VERBAL_PREFIX``, each of ``VERBAL_GRID``
  (0, 10, … 100) scored as "N%" (the "%" closes the number, so "9" is not read as a prefix of "90"), normalised
  over the grid; the expectation, divided by 100.
- ``conf_consistency`` / ``conf_neg_semantic_entropy``: K samples of the turn-0 answer at temperature 1 (one
  request with n = K: the prompt is computed once), all read in one call by the run's reader (the one that reads
  the conversations, so a sample's class and the greedy answer's come from the same readout; the greedy answer's
  reading is the stem's own) into an answer class (gold, alternative, none, an MC option letter, or "other" with its
  answer text); the share of samples whose class
  is the greedy answer's (NaN when the greedy reply committed to nothing), and minus the entropy (nats) of the
  classes' empirical distribution (a discrete semantic entropy; larger = more consistent).

    side = side_confidence(backend, stems, spec, seeds)   # one dict of conf_* values per stem
"""
from __future__ import annotations

import math
import random
import re
from collections import Counter
from typing import Sequence

from .backends.base import GenerateRequest, SamplingSpec, ScoreRequest, group_samples
from .confidence import OFF, normalised_probs
from .readout import NONE, OTHER, Reading
from .readout.reader import RULES, Reader, ReadRequest
from .readout.parse import normalise, parse_number

P_TRUE_MESSAGE = "Is the proposed answer true or false? Reply with just True or False."
P_TRUE_MESSAGE_MC = "Is the proposed answer: (A) True (B) False? Reply with just the letter."
P_TRUE_PREFIX = "The proposed answer is"
P_TRUE_CHOICES = (" True", " False")
P_TRUE_CHOICES_MC = (" A", " B")
VERBAL_MESSAGE = "How confident are you that your answer is correct? Reply with a number from 0 to 100."
VERBAL_PREFIX = "My confidence is "
VERBAL_GRID = tuple(range(0, 101, 10))
VERBAL_SAMPLING = SamplingSpec(max_tokens=16, temperature=0.0, top_logprobs=1)
CONSISTENCY_TEMPERATURE = 1.0
NO_NUMBER = "no number from 0 to 100 in the reply"
NO_ANSWER = "no answer at turn 0"

SIDE_DEFAULTS = {
    "conf_p_true": math.nan, "conf_p_true_reason": OFF,
    "conf_verbal": math.nan, "conf_verbal_expected": math.nan, "conf_verbal_reply": "", "conf_verbal_reason": OFF,
    "conf_consistency": math.nan, "conf_neg_semantic_entropy": math.nan, "conf_consistency_k": 0,
    "conf_consistency_reason": OFF,
}
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)(?![\d])")


def parse_confidence(reply: str) -> float:
    """The first number from 0 to 100 in a reply, divided by 100 (NaN when there is none)."""
    for m in _NUMBER.finditer(reply):
        v = float(m.group(1))
        if 0 <= v <= 100:
            return v / 100
    return math.nan


def answer_class(item, reply: str, finish_reason: str = "stop", reading: Reading | None = None) -> str:
    """The readout's answer class of a turn-0 reply: MC option letter, gold, alternative, none, or
    "other:<answer>" (the stated answer's number, or its text without articles).  ``reading``: the reply's reading
    by the run's reader (default: read here by the rules)."""
    r = reading or RULES.read([ReadRequest(item, reply, finish_reason=finish_reason)])[0]
    if r.said == NONE:
        return NONE
    if item.is_mc and r.option:
        return r.option
    if r.said == OTHER and r.span is not None:
        text = reply[r.span[0] : r.span[1]]
        v = parse_number(text)
        core = re.sub(r"^(?:it s|it is|the answer is|answer|the|a|an)\s+", "", normalise(text))
        return f"{OTHER}:{v if v is not None else core}"
    return r.said


def consistency(greedy: str, samples: Sequence[str]) -> tuple[float, float]:
    """(share of samples in the greedy answer's class (NaN when that class is none), minus the entropy in nats of
    the samples' classes)."""
    counts = Counter(samples)
    k = len(samples)
    p = [c / k for c in counts.values()]
    entropy = -sum(q * math.log(q) for q in p)
    agree = counts[greedy] / k if greedy != NONE else math.nan
    return agree, -entropy + 0.0  # + 0.0: no negative zero


def expected_confidence(logprob_sums: Sequence[float], grid: Sequence[int] = VERBAL_GRID) -> float:
    """Expectation of the grid's numbers under their normalised probabilities, divided by 100."""
    p = normalised_probs(logprob_sums)
    return float(sum(q * g for q, g in zip(p, grid)) / 100)


def _stem(st) -> tuple:
    return tuple(st.messages)


def side_confidence(backend, stems: Sequence, spec, seeds: Sequence[int], reader: Reader = RULES) -> list[dict]:
    """The side-branch conf_* values of every turn-0 stem (anything with ``messages`` ending in the answer,
    ``item``, ``readings[0]`` and ``sample0``), in at most one score and two generate calls; the consistency samples
    are read by ``reader`` in one call."""
    on = set(spec.confidence)
    out = [dict(SIDE_DEFAULTS) for _ in stems]
    if not stems or not on & {"p_true", "verbalized", "consistency"}:
        return out
    reqs, owners = [], []  # one score call: P(True) pairs and the verbal grid
    if "p_true" in on:
        for i, st in enumerate(stems):
            msg, choices = (P_TRUE_MESSAGE_MC, P_TRUE_CHOICES_MC) if st.item.is_mc else (P_TRUE_MESSAGE, P_TRUE_CHOICES)
            msgs = _stem(st) + ({"role": "user", "content": msg},)
            for choice in choices:
                reqs.append(ScoreRequest(msgs, choice, assistant_prefix=P_TRUE_PREFIX))
                owners.append((i, "p_true"))
    if "verbalized" in on:
        for i, st in enumerate(stems):
            msgs = _stem(st) + ({"role": "user", "content": VERBAL_MESSAGE},)
            for n in VERBAL_GRID:
                reqs.append(ScoreRequest(msgs, f"{n}%", assistant_prefix=VERBAL_PREFIX))
                owners.append((i, "verbal"))
    sums: dict[tuple[int, str], list[float]] = {}
    for owner, s in zip(owners, backend.score(reqs) if reqs else []):
        sums.setdefault(owner, []).append(s.logprob_sum)
    for (i, what), lps in sums.items():
        if what == "p_true":
            out[i].update(conf_p_true=float(normalised_probs(lps)[0]), conf_p_true_reason="")
        else:
            out[i].update(conf_verbal_expected=expected_confidence(lps))
    if "verbalized" in on:
        asks = [GenerateRequest(_stem(st) + ({"role": "user", "content": VERBAL_MESSAGE},)) for st in stems]
        for o, sample in zip(out, backend.generate(asks, VERBAL_SAMPLING)):
            v = parse_confidence(sample.text)
            o.update(conf_verbal=v, conf_verbal_reply=sample.text,
                     conf_verbal_reason=NO_NUMBER if math.isnan(v) else "")
    if "consistency" in on:
        k = spec.consistency_samples
        sampling = SamplingSpec(max_tokens=spec.sampling.max_tokens, temperature=CONSISTENCY_TEMPERATURE, top_p=1.0,
                                seed=spec.seed, top_logprobs=0)
        # the question without the greedy answer; a seed of its own, so the samples never replay turn 0's
        reqs_g = [GenerateRequest(_stem(st)[:-1], random.Random(f"consistency|{s}").randrange(2**31), n=k)
                  for st, s in zip(stems, seeds)]
        groups = group_samples(reqs_g, backend.generate(reqs_g, sampling))
        asks = [ReadRequest(st.item, s.text, finish_reason=s.finish_reason) for st, g in zip(stems, groups) for s in g]
        readings = iter(reader.read(asks))
        for o, st, group in zip(out, stems, groups):
            greedy = answer_class(st.item, st.sample0.text, reading=st.readings[0])
            classes = [answer_class(st.item, s.text, reading=next(readings)) for s in group]
            agree, neg_entropy = consistency(greedy, classes)
            o.update(conf_consistency=agree, conf_neg_semantic_entropy=neg_entropy, conf_consistency_k=k,
                     conf_consistency_reason=NO_ANSWER if greedy == NONE else "")
    return out


__all__ = ["P_TRUE_MESSAGE", "VERBAL_MESSAGE", "SIDE_DEFAULTS", "answer_class", "consistency", "expected_confidence",
           "parse_confidence", "side_confidence"]
