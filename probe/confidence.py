"""Token-level confidence of the initial answer: pure functions of logprob arrays.

Every measure is a probability (or log-probability) computed from the engine's raw logprobs:

- ``conf_answer_logprob``  sum of the logprobs of the tokens that spell the answer inside the reply (the tokens whose
  text overlaps the said answer's characters; the whole reply, stop token excluded, when no candidate was said);
- ``conf_answer_prob``     exp of that sum — the probability of the answer span given its context;
- ``conf_first_token_prob`` probability of the first token of the answer span;
- ``conf_entropy``         entropy (nats) of the top-k distribution at the first answer token, renormalised over k;
- ``conf_margin``          p(top-1) − p(top-2) at that position (raw probabilities);
- ``conf_candidate_p``     the belief probe's probability of the model's own answer among the candidates;
- ``conf_mc_letter_p``     multiple choice: p(letter said) renormalised over the option letters found in the top-k.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

CONF_COLUMNS = (
    "conf_answer_logprob",
    "conf_answer_prob",
    "conf_first_token_prob",
    "conf_entropy",
    "conf_margin",
    "conf_candidate_p",
    "conf_mc_letter_p",
)


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


def content_token_indices(pieces: Sequence[str]) -> np.ndarray:
    """Tokens carrying visible text (drops the stop token and whitespace-only tokens)."""
    return np.flatnonzero(np.fromiter((bool(p.strip()) for p in pieces), dtype=bool, count=len(pieces)))


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
) -> dict[str, float]:
    """All conf_* values for one reply.  ``span`` is the said answer's [start, end) in the reply, or None."""
    lp = np.asarray(logprobs, dtype=np.float64)
    idx = span_token_indices(pieces, *span) if span is not None else content_token_indices(pieces)
    if not len(idx):
        idx = content_token_indices(pieces)
    total = answer_logprob(lp, idx)
    first = int(idx[0]) if len(idx) else None
    top_first = np.asarray(top_logprobs_at[first], dtype=np.float64) if first is not None else np.zeros(0)
    out = {
        "conf_answer_logprob": total,
        "conf_answer_prob": math.exp(total) if not math.isnan(total) else math.nan,
        "conf_first_token_prob": math.exp(lp[first]) if first is not None else math.nan,
        "conf_entropy": topk_entropy(top_first),
        "conf_margin": topk_margin(top_first),
        "conf_candidate_p": float(candidate_p),
        "conf_mc_letter_p": math.nan,
    }
    if letters and said_letter and first is not None:
        out["conf_mc_letter_p"] = letter_prob(top_tokens_at[first], top_first, letters, said_letter)
    return out
