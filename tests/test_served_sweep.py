"""`probe sweep` with a served model in ``models:`` (tests/served_stub.py on 127.0.0.1): the local executor's job
sends requests and starts no engine (vllm cannot even be imported in it), and the served model sits beside an
in-process one in the same grid."""
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from probe.cli import main

from tests.helpers import ROOT
from tests.served_stub import serving, tiny_model_folder


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    return tiny_model_folder(tmp_path_factory.mktemp("tiny") / "tiny-chat")


@pytest.fixture
def stub(model_folder):
    with serving(model_folder, answers={"capital of France": "Paris.", "capital of Japan": "Kyoto."}) as server:
        yield server


def served_sweep(tmp_path, model_folder, url, executor="local") -> "os.PathLike":
    fake = tmp_path / "fake_model.json"
    fake.write_text(json.dumps({"capital of France": {"answer": "Paris"}}))
    cfg = tmp_path / "sweep.yaml"
    cfg.write_text(f"name: served-sweep\nbackend: fake\n"
                   f"models: [{{name: {fake}, params_b: 0.1}}, {{name: {model_folder}, params_b: 0.2, backend: "
                   f"{{name: openai, base_url: '{url}', max_concurrency: 2, backoff_s: 0.01}}}}]\n"
                   "datasets: [{format: builtin, limit: 2}]\nconditions: [are_you_sure, neutral]\nturns: 1\n"
                   f"sampling: {{temperature: 0.0, max_tokens: 8, top_logprobs: 5}}\nexecutor: {{name: {executor}}}\n")
    return cfg


def test_local_sweep_with_a_served_model_starts_no_engine(tmp_path, model_folder, stub, monkeypatch):
    # a vllm that cannot be imported: the served model's job must never reach for an engine
    blocker = tmp_path / "no_engine" / "vllm"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('an engine was started in a served job')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(blocker.parent), str(ROOT),
                                                      os.environ.get("PYTHONPATH", "")]))
    cfg, run = served_sweep(tmp_path, model_folder, stub.url), tmp_path / "run"
    assert main(["sweep", str(cfg), "--out", str(run), "--no-report"]) == 0
    conv = pd.read_parquet(run / "conversations.parquet")
    assert sorted(conv.groupby("model").size().items()) == [("fake_model.json", 4), ("tiny-chat", 4)]
    served = conv[conv.model == "tiny-chat"]
    assert set(served.backend) == {"openai"} and set(served.score_method) == {"prompt_logprobs"}
    assert set(conv[conv.model == "fake_model.json"].backend) == {"fake"}
    manifest = json.loads((run / "manifest.json").read_text())
    job = manifest["models"]["tiny-chat"]
    assert job["backend"]["capabilities"]["exact_scores"] is True and job["backend"]["usage"]["requests"] > 0
    assert len([r for r in stub.log if "capital of" in r["text"]]) >= 2 * 3  # the job talked to the server
    # the blocker works: the same job for an in-process engine fails on it
    r = subprocess.run([sys.executable, "-c", "import vllm"], capture_output=True, text=True)
    assert "an engine was started" in r.stderr


def test_served_job_on_slurm_requests_no_gpu(tmp_path, model_folder):
    from probe.config import load_config
    from probe.sweep.launch import slurm_parameters

    cfg = load_config(served_sweep(tmp_path, model_folder, "http://127.0.0.1:9/v1", executor="slurm"))
    served = cfg.models[1]
    assert cfg.backend_for(served) == "openai" and "gpus_per_node" not in slurm_parameters(cfg, served)


def test_a_served_run_reads_its_replies_with_a_served_judge(tmp_path, model_folder, stub):
    """`readout: {judge: MODEL}` with a bare name on a served run: the judge stage scores every reply through the
    same server (its prompt logprobs) and writes the judge's readings beside the rules'."""
    cfg = tmp_path / "served-judge.yaml"
    cfg.write_text(f"name: served-judge\nbackend: {{name: openai, base_url: '{stub.url}', backoff_s: 0.01}}\n"
                   f"models: [{{name: {model_folder}, params_b: 0.2}}]\nreadout: {{judge: {model_folder}}}\n"
                   "datasets: [{format: builtin, limit: 2}]\nconditions: [are_you_sure]\nturns: 1\n"
                   "sampling: {temperature: 0.0, max_tokens: 8, top_logprobs: 5}\n")
    run = tmp_path / "run"
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(run), "--no-report"]) == 0
    turns = pd.read_parquet(run / "turns.parquet")
    assert len(turns) == 4 and (turns["said_judge"] != "").all()
    assert turns["said_judge_p"].between(0, 1, inclusive="right").all()
    manifest = json.loads((run / "manifest.json").read_text())
    assert "openai:" in json.dumps(manifest["readout"])
