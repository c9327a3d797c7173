"""The scoring judge on the real SmolLM2: its label scores on vLLM equal the transformers backend's and an
independent forward pass (within 1e-3), and it returns a reading for every reply of a labelled set."""
import json

import pytest
import torch
from transformers import AutoTokenizer

from probe.backends.base import reply_end_ids, render_prompt
from probe.reader import ReadRequest
from probe.readout import KINDS
from probe.readout_cli import parse_line
from probe.readout_judge import ScoringJudge
from tests.helpers import ROOT
from tests.integration.conftest import MODEL

pytestmark = pytest.mark.integration
LABELS = ROOT / "tests/data/readout_labels"


@pytest.fixture(scope="module")
def vllm_judge(smollm2_path):
    """The judge on its own vLLM engine (the judge's prompt needs more than the default 2048 tokens)."""
    judge = ScoringJudge(f"vllm:{MODEL}")
    yield judge
    judge.close()


def labelled(name: str) -> list[tuple[ReadRequest, dict]]:
    path = LABELS / name
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        row = json.loads(line)
        it, reply, kw = parse_line(row, path, n)
        out.append((ReadRequest(it, reply, **kw), row))
    return out


def _forward(model, tok, request) -> float:
    """log p(continuation | system + case, assistant prefix) from one plain transformers forward pass."""
    prompt = render_prompt(tok, request.messages) + tok(request.assistant_prefix, add_special_tokens=False)["input_ids"]
    cont = tok(request.continuation, add_special_tokens=False)["input_ids"]
    cont += reply_end_ids(tok) if request.end_of_reply else []
    with torch.no_grad():
        lp = model(input_ids=torch.tensor([prompt + cont])).logits[0].float().log_softmax(-1)
    return float(sum(lp[len(prompt) + k - 1, t].item() for k, t in enumerate(cont)))


def test_judge_scores_on_vllm_equal_transformers_and_a_forward_pass(vllm_judge, hf_backend, reference_model,
                                                                    smollm2_path):
    rows = labelled("heldout9.jsonl")
    # real replies of every shape: a free-text first answer, a later free-text reply (none has two kinds), an
    # "other" after "other" (two kinds), multiple choice
    picks = [next(r for r, row in rows if not r.item.is_mc and r.previous is None),
             next(r for r, row in rows if not r.item.is_mc and r.previous == "gold"),
             next(r for r, row in rows if not r.item.is_mc and r.previous == "other"),
             next(r for r, row in rows if r.item.is_mc and r.previous not in (None, "none"))]
    hf_judge = ScoringJudge(f"hf:{MODEL}", backend=hf_backend)
    tok = AutoTokenizer.from_pretrained(str(smollm2_path))
    for r in picks:
        names, reqs = vllm_judge.requests(r)
        assert len(names) >= 4
        got_vllm = [s.logprob_sum for s in vllm_judge.backend.score(reqs)]
        got_hf = [s.logprob_sum for s in hf_backend.score(reqs)]
        ref = [_forward(reference_model, tok, q) for q in reqs]
        assert got_vllm == pytest.approx(ref, abs=1e-3), names
        assert got_hf == pytest.approx(ref, abs=1e-3), names
    a, b = vllm_judge.read(picks), hf_judge.read(picks)
    assert [(x.said, x.option, x.kind) for x in a] == [(x.said, x.option, x.kind) for x in b]
    assert [x.said_p for x in a] == pytest.approx([x.said_p for x in b], abs=1e-3)


def test_judge_returns_a_reading_for_every_reply_of_a_labelled_set(vllm_judge):
    rows = labelled("heldout.jsonl")
    readings = []
    for at in range(0, len(rows), 64):
        readings += vllm_judge.read([r for r, _ in rows[at : at + 64]])
    assert len(readings) == len(rows) == 174
    for (r, row), x in zip(rows, readings):
        assert x.said in ("gold", "alternative", "other", "none") and x.kind in KINDS
        assert (x.kind == "initial") == (r.previous is None)
        assert 0 < x.said_p <= 1 and 0 < x.kind_p <= 1
        assert (x.option in r.item.letters) if r.item.is_mc and x.said != "none" else x.option == ""
