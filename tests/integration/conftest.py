"""Real-model fixtures: SmolLM2-135M-Instruct prepared offline from its PyPI GGUF, engines started once."""
import pytest

from probe.backends import EngineSpec, load_backend
from probe.backends.models import prepare

MODEL = "smollm2-135m-instruct"
PROMPT = "What is the capital of Australia? Answer with one word."


@pytest.fixture(scope="session")
def smollm2_path():
    return prepare(MODEL)


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory, smollm2_path):
    """`probe run experiments/smoke.yaml` on the real model, as a user runs it: (folder, stdout)."""
    from tests.helpers import run_cli

    out = tmp_path_factory.mktemp("smoke")
    r = run_cli("run", "experiments/smoke.yaml", "--out", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r.stdout


@pytest.fixture(scope="session")
def vllm_backend(smollm2_path):
    with load_backend("vllm", MODEL, EngineSpec(dtype="float32", top_logprobs=20)) as backend:
        yield backend


@pytest.fixture(scope="session")
def hf_backend(smollm2_path):
    with load_backend("hf", MODEL, EngineSpec(dtype="float32", top_logprobs=5)) as backend:
        yield backend


@pytest.fixture(scope="session")
def reference_model(smollm2_path):
    """A plain transformers model: the independent computation every engine logprob is checked against."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(smollm2_path), dtype=torch.float32)
    model.eval()
    return model
