"""The scoring judge on the real engines: vLLM's label probabilities equal a transformers forward pass (within
1e-3) on real labelled replies, and every reply gets a reading.

    pytest -q -m integration tests/integration/test_judge_engines.py
"""
from pathlib import Path

import pytest

from probe.readout.reader import ReadRequest
from probe.readout.cli import _rows, parse_line
from probe.readout.judge import ScoringJudge

pytestmark = pytest.mark.integration
LABELS = Path(__file__).resolve().parents[1] / "data" / "readout_labels" / "heldout9.jsonl"


def test_judge_scores_on_vllm_equal_transformers_and_every_reply_is_read(vllm_backend, hf_backend):
    rows = list(_rows(LABELS))[:40:5]  # 8 real replies of both models, turn 0 and after pushback, free text and MC
    requests = [ReadRequest(it, reply, **kw) for it, reply, kw in (parse_line(row, LABELS, n) for n, row in rows)]
    # the session's engines (float32), closed by their fixtures: the judge is not used as a context manager here
    readings = {name: ScoringJudge(f"{name}:smollm2-135m-instruct", backend=b).read(requests)
                for name, b in (("vllm", vllm_backend), ("hf", hf_backend))}
    assert len(readings["vllm"]) == len(requests) and all(r.said_p is not None for r in readings["vllm"])
    for a, b in zip(readings["vllm"], readings["hf"]):
        assert (a.said, a.option, a.kind) == (b.said, b.option, b.kind)
        assert a.said_p == pytest.approx(b.said_p, abs=1e-3) and a.kind_p == pytest.approx(b.kind_p, abs=1e-3)
