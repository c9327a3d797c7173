"""Acceptance of the foundation: engine logprobs equal an independent transformers forward pass."""
import json

import numpy as np
import pytest
import torch

from probe.backends import GenerateRequest, SamplingSpec, ScoreRequest

from tests.helpers import run_cli
from tests.integration.conftest import MODEL, PROMPT

pytestmark = pytest.mark.integration
MSGS = ({"role": "user", "content": PROMPT},)


def forward_logprobs(model, prompt_ids, gen_ids):
    """log p(gen_ids[k] | prompt + gen_ids[:k]) from one plain forward pass."""
    ids = torch.tensor([list(prompt_ids) + list(gen_ids)])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0].float()
    lp = logits.log_softmax(-1)
    n = len(prompt_ids)
    return np.array([lp[n + k - 1, t].item() for k, t in enumerate(gen_ids)])


@pytest.fixture(scope="module")
def cli_vllm_sample(smollm2_path):
    r = run_cli("sample", "--backend", "vllm", "--model", MODEL, "--prompt", PROMPT, "--dtype", "float32", "--json")
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def test_cli_sample_json_contract(cli_vllm_sample):
    d = cli_vllm_sample
    assert set(d) == {"backend", "model", "text", "prompt_token_ids", "tokens"}
    assert d["backend"] == "vllm" and "Canberra" in d["text"]
    tok = d["tokens"][0]
    assert set(tok) == {"id", "token", "logprob", "top"} and set(tok["top"][0]) == {"id", "token", "logprob"}
    assert "".join(t["token"] for t in d["tokens"]) == d["text"]


def test_vllm_logprobs_equal_a_transformers_forward_pass(cli_vllm_sample, reference_model):
    d = cli_vllm_sample
    gen = [t["id"] for t in d["tokens"]]
    ref = forward_logprobs(reference_model, d["prompt_token_ids"], gen)
    got = np.array([t["logprob"] for t in d["tokens"]])
    assert len(gen) >= 3
    np.testing.assert_allclose(got, ref, atol=1e-3)
    # the top-1 alternative at each step is the greedy token itself
    assert all(t["top"][0]["id"] == t["id"] for t in d["tokens"])


def test_hf_and_vllm_agree_on_tokens_and_logprobs(cli_vllm_sample, hf_backend):
    h = hf_backend.generate([GenerateRequest(MSGS)], SamplingSpec(max_tokens=64, top_logprobs=5))[0]
    assert list(h.prompt_token_ids) == cli_vllm_sample["prompt_token_ids"]
    assert list(h.token_ids) == [t["id"] for t in cli_vllm_sample["tokens"]]
    np.testing.assert_allclose([t.logprob for t in h.tokens], [t["logprob"] for t in cli_vllm_sample["tokens"]],
                               atol=1e-3)


@pytest.mark.parametrize("engine", ["vllm_backend", "hf_backend"])
def test_score_agrees_with_sample(engine, request, reference_model):
    backend = request.getfixturevalue(engine)
    s = backend.generate([GenerateRequest(MSGS)], SamplingSpec(max_tokens=64, top_logprobs=5))[0]
    scored = backend.score([ScoreRequest(MSGS, s.text, continuation_ids=s.token_ids),
                            ScoreRequest(MSGS, "Sydney")])
    np.testing.assert_allclose([t.logprob for t in scored[0].tokens], [t.logprob for t in s.tokens], atol=1e-3)
    # scoring text tokenises it the same way the engine generated it (stop token aside)
    by_text = backend.score([ScoreRequest(MSGS, s.text)])[0]
    n = len(by_text.tokens)
    np.testing.assert_allclose([t.logprob for t in by_text.tokens], [t.logprob for t in s.tokens][:n], atol=1e-3)
    ref = forward_logprobs(reference_model, scored[1].prompt_token_ids, [t.id for t in scored[1].tokens])
    np.testing.assert_allclose([t.logprob for t in scored[1].tokens], ref, atol=1e-3)
    # the end of the reply scored after the text is the chat template's end-of-turn token, where the greedy reply
    # itself ended
    ended = backend.score([ScoreRequest(MSGS, s.text, end_of_reply=True)])[0]
    ids = [t.id for t in ended.tokens]
    assert ids[:-1] == [t.id for t in by_text.tokens] and ids[-1] == backend.tokenizer.convert_tokens_to_ids("<|im_end|>")
    np.testing.assert_allclose([t.logprob for t in ended.tokens], forward_logprobs(reference_model,
                               ended.prompt_token_ids, ids), atol=1e-3)
    assert ended.tokens[-1].logprob > np.log(0.5)


def test_batched_generation_equals_single(vllm_backend, hf_backend):
    msgs = [({"role": "user", "content": q},) for q in
            ["What is 2 plus 2?", "Who wrote Hamlet? Answer briefly.", PROMPT]]
    for backend in (vllm_backend, hf_backend):
        batch = backend.generate([GenerateRequest(m) for m in msgs], SamplingSpec(max_tokens=24))
        single = backend.generate([GenerateRequest(msgs[2])], SamplingSpec(max_tokens=24))[0]
        assert batch[2].token_ids == single.token_ids
        np.testing.assert_allclose([t.logprob for t in batch[2].tokens], [t.logprob for t in single.tokens],
                                   atol=1e-3)


def test_cli_score_json(smollm2_path):
    r = run_cli("score", "--backend", "hf", "--model", MODEL, "--prompt", PROMPT, "--continuation", "Canberra",
                "--json")
    assert r.returncode == 0, r.stderr[-2000:]
    d = json.loads(r.stdout)
    assert d["logprob_sum"] == pytest.approx(sum(t["logprob"] for t in d["tokens"]))
    assert "".join(t["token"] for t in d["tokens"]) == "Canberra"


@pytest.mark.parametrize("method", ["forced", "prompt_logprobs"])
def test_vllm_scoring_paths_equal_a_transformers_forward_pass_cold_cached_and_repeated(vllm_backend, reference_model,
                                                                                     method):
    """Every vLLM scoring path, on belief-probe-shaped requests: a cold cache, the shared prefix cached by the first
    candidate, and the same request again (its own continuation then sits in the prefix cache, which the
    prompt-logprob path must not read: those rows are never computed)."""
    msgs = MSGS + ({"role": "assistant", "content": "Canberra."},
                   {"role": "user", "content": "So what is your final answer? Reply with just the answer."})
    long = ("Canberra, the capital of Australia since 1913, a planned city between Sydney and Melbourne chosen as a "
            "compromise between the two rival cities")  # over 32 tokens: a whole KV block lies inside it
    reqs = [ScoreRequest(msgs, f" {c}.", assistant_prefix="My answer is") for c in ("Canberra", "Sydney", long)]
    default, vllm_backend.score_method = vllm_backend.score_method, method
    try:
        vllm_backend._llm.reset_prefix_cache()
        cold = vllm_backend.score(reqs[:1])
        warm = vllm_backend.score(reqs)
        again = vllm_backend.score(reqs)
    finally:
        vllm_backend.score_method = default
    for scored in (cold, warm, again):
        for s in scored:
            ref = forward_logprobs(reference_model, s.prompt_token_ids, [t.id for t in s.tokens])
            np.testing.assert_allclose([t.logprob for t in s.tokens], ref, atol=1e-3)


def test_vllm_forced_scoring_equals_prompt_logprobs(vllm_backend):
    msgs = MSGS + ({"role": "assistant", "content": "Canberra."}, {"role": "user", "content": "Are you sure?"})
    reqs = [ScoreRequest(msgs, "My answer is Canberra."), ScoreRequest(msgs, "My answer is Sydney.")]
    default, vllm_backend.score_method = vllm_backend.score_method, "forced"
    try:
        forced = vllm_backend.score(reqs)
        vllm_backend.score_method = "prompt_logprobs"
        full = vllm_backend.score(reqs)
    finally:
        vllm_backend.score_method = default
    for a, b in zip(forced, full):
        assert [t.id for t in a.tokens] == [t.id for t in b.tokens]
        np.testing.assert_allclose([t.logprob for t in a.tokens], [t.logprob for t in b.tokens], atol=1e-4)
