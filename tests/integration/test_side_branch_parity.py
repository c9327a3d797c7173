"""Side-branch confidence on the real SmolLM2 equals an independent transformers forward pass: P(True) and the
verbalized expectation from one plain forward per continuation; n samples per request come back grouped."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from transformers import AutoTokenizer

from probe.backends import GenerateRequest, SamplingSpec
from probe.backends.base import group_samples, render_prompt
from probe.datasets.items import Item
from probe.readout import read_reply
from probe.side_branches import (P_TRUE_CHOICES, P_TRUE_MESSAGE, P_TRUE_PREFIX, VERBAL_GRID, VERBAL_MESSAGE,
                                 VERBAL_PREFIX, side_confidence)
from probe.specs import ProtocolSpec
from tests.integration.conftest import PROMPT

pytestmark = pytest.mark.integration
ITEM = Item("au", "What is the capital of Australia?", "Canberra", "Sydney")
SPEC = ProtocolSpec(sampling=SamplingSpec(max_tokens=24), confidence=("p_true", "verbalized"))


def _reference_sum(model, tok, messages, prefix, continuation) -> float:
    """log p(continuation | conversation, assistant prefix) from one plain forward pass."""
    prompt = render_prompt(tok, messages) + tok(prefix, add_special_tokens=False)["input_ids"]
    cont = tok(continuation, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        lp = model(input_ids=torch.tensor([prompt + cont])).logits[0].float().log_softmax(-1)
    return float(sum(lp[len(prompt) + k - 1, t].item() for k, t in enumerate(cont)))


def _softmax(x):
    x = np.asarray(x)
    e = np.exp(x - x.max())
    return e / e.sum()


@pytest.mark.parametrize("engine", ["hf_backend", "vllm_backend"])
def test_p_true_and_verbal_expectation_equal_a_forward_pass(engine, request, reference_model, smollm2_path):
    backend = request.getfixturevalue(engine)
    msgs = ({"role": "user", "content": PROMPT},)
    s0 = backend.generate([GenerateRequest(msgs)], SamplingSpec(max_tokens=24, top_logprobs=5))[0]
    stem = SimpleNamespace(messages=[*msgs, {"role": "assistant", "content": s0.text}], item=ITEM,
                           readings=[read_reply(ITEM, s0.text)], sample0=s0)
    got = side_confidence(backend, [stem], SPEC, [0])[0]

    tok = AutoTokenizer.from_pretrained(str(smollm2_path))
    base = tuple(stem.messages)
    p_true_msgs = base + ({"role": "user", "content": P_TRUE_MESSAGE},)
    ref_tf = [_reference_sum(reference_model, tok, p_true_msgs, P_TRUE_PREFIX, c) for c in P_TRUE_CHOICES]
    assert got["conf_p_true"] == pytest.approx(_softmax(ref_tf)[0], abs=1e-3)
    verbal_msgs = base + ({"role": "user", "content": VERBAL_MESSAGE},)
    ref_v = [_reference_sum(reference_model, tok, verbal_msgs, VERBAL_PREFIX, f"{n}%") for n in VERBAL_GRID]
    expected = float((_softmax(ref_v) * np.array(VERBAL_GRID)).sum() / 100)
    assert got["conf_verbal_expected"] == pytest.approx(expected, abs=1e-3)
    assert 0.0 <= got["conf_p_true"] <= 1.0 and got["conf_verbal_reply"]


@pytest.mark.parametrize("engine", ["hf_backend", "vllm_backend"])
def test_n_samples_per_request_come_back_grouped(engine, request):
    backend = request.getfixturevalue(engine)
    reqs = [GenerateRequest(({"role": "user", "content": PROMPT},), seed=1, n=3),
            GenerateRequest(({"role": "user", "content": "What is 2 plus 2?"},), seed=2, n=2)]
    groups = group_samples(reqs, backend.generate(reqs, SamplingSpec(max_tokens=12, temperature=1.0, top_logprobs=0)))
    assert [len(g) for g in groups] == [3, 2]
    assert all(s.tokens and "".join(t.token for t in s.tokens) == s.text for g in groups for s in g)
    # each group's samples continue its own prompt
    assert {s.prompt_token_ids for s in groups[0]} != {s.prompt_token_ids for s in groups[1]}
