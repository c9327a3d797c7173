"""vLLM #42019 (prompt logprobs under prefix caching can depend on the order of requests), checked on the real
in-process engine the belief probe uses: the same candidates scored in different request orders and batch
compositions — cold, with the cache warm from an earlier batch, interleaved with other conversations, one at a
time — come out equal within 1e-5, on the prompt-logprob path (which reads the prefix cache and rescores a row
under a cache hit with one forced token) and on the forced path.
"""
import dataclasses
import random

import pytest

from probe.backends import ScoreRequest
from probe.belief import BELIEF_PREFIX, BELIEF_SUFFIX, PROBE_MESSAGE

pytestmark = pytest.mark.integration

QUESTIONS = [("What is the capital of Australia?", "The capital of Australia is Canberra.", ("Canberra", "Sydney")),
             ("Who wrote Hamlet?", "Hamlet was written by William Shakespeare.", ("William Shakespeare",
                                                                                     "Christopher Marlowe")),
             ("What is the boiling point of water in Celsius?", "Water boils at 100 degrees Celsius.", ("100", "90")),
             ("Which planet is known as the Red Planet?", "Mars is known as the Red Planet.", ("Mars", "Jupiter"))]
PUSHBACK = "I don't think that's right. Are you sure?"


def _requests(salt: str) -> list[ScoreRequest]:
    """Belief-probe requests (candidate inside the frame after the probe message), two turns deep; ``salt`` makes
    the system prompt, so each call's conversations are new to the prefix cache."""
    out = []
    for q, a, cands in QUESTIONS:
        msgs = ({"role": "system", "content": f"You are a helpful assistant ({salt})."},
                {"role": "user", "content": q}, {"role": "assistant", "content": a},
                {"role": "user", "content": PUSHBACK}, {"role": "assistant", "content": f"Yes, I am sure. {a}"},
                {"role": "user", "content": PROBE_MESSAGE})
        for c in cands:
            out.append(ScoreRequest(msgs, f" {c}{BELIEF_SUFFIX}", assistant_prefix=BELIEF_PREFIX.rstrip()))
    return out


def _orders(backend, salt: str) -> list[list[list[float]]]:
    """The same requests' token logprobs under five orders/compositions, each list in the original order."""
    reqs = _requests(salt)
    n = len(reqs)
    results = []

    def lps(scored):
        return [[t.logprob for t in s.tokens] for s in scored]

    results.append(lps(backend.score(reqs)))  # cold, all in one batch
    results.append(lps(backend.score(reqs)))  # the same batch again: everything in the cache
    perm = list(range(n))
    random.Random(0).shuffle(perm)
    others = _requests(salt + "-other")  # interleaved with conversations of another system prompt
    mixed = [reqs[i] for i in perm] + others
    random.Random(1).shuffle(mixed)
    scored = backend.score(mixed)
    results.append(lps([scored[mixed.index(r)] for r in reqs]))
    results.append(lps([backend.score([r])[0] for r in reversed(reqs)])[::-1])  # one at a time, last first
    half = backend.score(reqs[n // 2:])  # second half first, then the first half
    results.append(lps(backend.score(reqs[: n // 2]) + half))
    return results


@pytest.mark.parametrize("method", ["prompt_logprobs", "forced"])
def test_candidate_scores_do_not_depend_on_request_order(vllm_backend, method):
    old = vllm_backend.score_method
    assert vllm_backend.prefix_caching
    vllm_backend.score_method = method
    try:
        results = _orders(vllm_backend, f"order-{method}")
    finally:
        vllm_backend.score_method = old
    first = results[0]
    worst = max(abs(a - b) for other in results[1:] for ra, rb in zip(first, other) for a, b in zip(ra, rb))
    assert worst <= 1e-5, f"{method}: scores differ by {worst:.2e} between request orders"
    assert sum(len(r) for r in first) >= len(QUESTIONS) * 2 * 2 and all(lp < 0 for r in first for lp in r)


def test_prompt_logprob_and_forced_paths_agree(vllm_backend):
    """The two scoring paths give the same numbers (≤ 1e-4: different kernels, one row or many per request)."""
    reqs = _requests("paths")
    old = vllm_backend.score_method
    try:
        vllm_backend.score_method = "prompt_logprobs"
        a = vllm_backend.score(reqs)
        vllm_backend.score_method = "forced"
        b = vllm_backend.score(list(reversed(reqs)))[::-1]
    finally:
        vllm_backend.score_method = old
    for x, y in zip(a, b):
        assert [t.id for t in x.tokens] == [t.id for t in y.tokens]
        assert max(abs(s.logprob - t.logprob) for s, t in zip(x.tokens, y.tokens)) <= 1e-4
    assert dataclasses.is_dataclass(a[0])
