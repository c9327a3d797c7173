"""Token-level confidence of the initial answer: pure functions of logprob arrays.

Every measure is a probability (or log-probability) computed from the engine's raw logprobs.  The *answer span* is
the tokens whose text overlaps the said answer's characters in the reply; when the readout found no answer there is
no span, and every span measure is NaN with ``conf_span_found`` False and ``conf_span_reason`` saying why (never a
silent fallback to the whole reply).

- ``conf_answer_logprob``  sum of the logprobs of the answer span's tokens;
- ``conf_answer_prob``     exp of that sum — the probability of the answer span given its context;
- ``conf_answer_prob_norm`` exp of their mean — the span probability normalised by its token count;
- ``conf_first_token_prob`` probability of the first token of the answer span;
- ``conf_entropy``         entropy (nats) of the top-k distribution at the first answer token, renormalised over k
                           (larger = less sure: the one measure pointing the other way, kept for continuity);
- ``conf_neg_mean_entropy`` / ``conf_neg_max_entropy``  minus the mean / the maximum of that entropy over the span;
- ``conf_margin``          p(top-1) − p(top-2) at the first answer token (raw probabilities);
- ``conf_seq_logprob`` / ``conf_seq_prob``  sum of the logprobs of every generated token (stop token included) and
                           its exp: the maximum-sequence-probability baseline, which needs no span;
- ``conf_seq_prob_norm``   exp of their mean = 1 / perplexity of the reply (length-normalised);
- ``conf_candidate_p``     the belief probe's probability of the model's own answer among the candidates;
- ``conf_mc_letter_p``     multiple choice: p(letter said) renormalised over the option letters found in the top-k.

    conf = initial_confidence(pieces, logprobs, top_logprobs_at, top_tokens_at, span=(14, 22))
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .records import BELIEF_PROBE, MEASURES, TOKEN

# the columns `initial_confidence` fills, in the declared order (the side branches fill the others)
CONF_COLUMNS = tuple(name for name, c in MEASURES.items() if c.family in (TOKEN, BELIEF_PROBE))
NO_SPAN = "no answer span in the reply"
OFF = "estimator off"


def token_char_spans(pieces: Sequence[str]) -> np.ndarray:
    """(n, 2) array of [start, end) character offsets of each token's piece in the joined text."""
    lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
    ends = np.cumsum(lengths)
    return np.stack([ends - lengths, ends], axis=1) if len(pieces) else np.zeros((0, 2), dtype=np.int64)


def span_token_indices(pieces: Sequence[str], start: int, end: int) -> np.ndarray:
    """Indices of tokens whose non-blank text overlaps [start, end)."""
    spans = token_char_spans(pieces)
    if not len(spans):
        return np.zeros(0, dtype=np.int64)
    # a leading space belongs to the token (" Canberra") but is not part of the answer
    lead = np.fromiter((len(p) - len(p.lstrip()) for p in pieces), dtype=np.int64, count=len(pieces))
    text_start = spans[:, 0] + lead
    hit = (text_start < end) & (spans[:, 1] > start) & (spans[:, 1] > text_start)
    return np.flatnonzero(hit)


def answer_logprob(logprobs: np.ndarray, idx: np.ndarray) -> float:
    return float(np.sum(logprobs[idx])) if len(idx) else math.nan


def topk_entropy(top_logprobs: np.ndarray) -> float:
    """Entropy in nats of the top-k distribution renormalised to sum to one."""
    lp = np.asarray(top_logprobs, dtype=np.float64)
    if not len(lp):
        return math.nan
    p = np.exp(lp - np.logaddexp.reduce(lp))
    return float(-np.sum(p * np.log(np.clip(p, 1e-300, None))))


def topk_margin(top_logprobs: np.ndarray) -> float:
    lp = np.sort(np.asarray(top_logprobs, dtype=np.float64))[::-1]
    if len(lp) < 2:
        return math.nan if not len(lp) else float(np.exp(lp[0]))
    return float(np.exp(lp[0]) - np.exp(lp[1]))


def normalised_probs(logprob_sums: Sequence[float]) -> np.ndarray:
    """Softmax over candidates' total logprobs: p(candidate | one of the candidates)."""
    lp = np.asarray(logprob_sums, dtype=np.float64)
    if not len(lp):
        return lp
    return np.exp(lp - np.logaddexp.reduce(lp))


def letter_prob(top_tokens: Sequence[str], top_logprobs: Sequence[float], letters: str, said: str) -> float:
    """p(said letter) renormalised over option letters present in the top-k (leading spaces/parens ignored)."""
    best: dict[str, float] = {}
    for tok, lp in zip(top_tokens, top_logprobs):
        key = tok.strip().strip("()").strip()
        if len(key) == 1 and key in letters:
            best[key] = float(np.logaddexp(best[key], lp)) if key in best else float(lp)
    if said not in best:
        return math.nan if not best else 0.0
    vals = np.array(list(best.values()))
    return float(np.exp(best[said] - np.logaddexp.reduce(vals)))


def initial_confidence(
    pieces: Sequence[str],
    logprobs: Sequence[float],
    top_logprobs_at: Sequence[Sequence[float]],
    top_tokens_at: Sequence[Sequence[str]],
    span: tuple[int, int] | None,
    candidate_p: float = math.nan,
    letters: str = "",
    said_letter: str | None = None,
    enabled: bool = True,
) -> dict:
    """All token-level conf_* values for one reply (plus ``conf_span_found`` and ``conf_span_reason``).

    ``span`` is the said answer's [start, end) in the reply, or None; ``enabled`` False (the ``answer_prob``
    estimator switched off) leaves every token-level value NaN, with the reason."""
    out = {c: math.nan for c in CONF_COLUMNS}
    out["conf_candidate_p"] = float(candidate_p)
    if not enabled:
        return {**out, "conf_span_found": False, "conf_span_reason": OFF}
    lp = np.asarray(logprobs, dtype=np.float64)
    if len(lp):
        out["conf_seq_logprob"] = float(lp.sum())
        out["conf_seq_prob"] = math.exp(out["conf_seq_logprob"])
        out["conf_seq_prob_norm"] = math.exp(float(lp.mean()))
    idx = span_token_indices(pieces, *span) if span is not None else np.zeros(0, dtype=np.int64)
    if not len(idx):
        return {**out, "conf_span_found": False, "conf_span_reason": NO_SPAN}
    total = answer_logprob(lp, idx)
    first = int(idx[0])
    top_first = np.asarray(top_logprobs_at[first], dtype=np.float64)
    ent = np.array([topk_entropy(top_logprobs_at[i]) for i in idx])
    out.update({
        "conf_answer_logprob": total,
        "conf_answer_prob": math.exp(total),
        "conf_answer_prob_norm": math.exp(total / len(idx)),
        "conf_first_token_prob": math.exp(lp[first]),
        "conf_entropy": topk_entropy(top_first),
        "conf_neg_mean_entropy": -float(np.mean(ent)) if np.isfinite(ent).all() else math.nan,
        "conf_neg_max_entropy": -float(np.max(ent)) if np.isfinite(ent).all() else math.nan,
        "conf_margin": topk_margin(top_first),
    })
    if letters and said_letter:
        out["conf_mc_letter_p"] = letter_prob(top_tokens_at[first], top_first, letters, said_letter)
    return {**out, "conf_span_found": True, "conf_span_reason": ""}
