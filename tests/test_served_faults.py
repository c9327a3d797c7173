"""The openai backend against a misbehaving server (tests/served_stub.py on 127.0.0.1): retries after 429, 500, a
timeout and malformed JSON; a request that never succeeds marks its conversations errored while the rest of each
cell is written, and a rerun runs only them; a server without prompt logprobs is refused unless the config accepts
approximate scores; the API key never reaches a file of the run."""
import json
import math
import secrets
import time

import pandas as pd
import pytest

from probe.backends.http import Failure, ServerClient, backoff_s
from probe.backends.spec import ServerSpec
from probe.cli import main
from probe.records import CONVERSATION_KEY, TURN_KEY

from tests.served_stub import serving, tiny_model_folder

SPAIN = "capital of Spain"  # builtin items 0..4: France, Japan, Italy, Germany, Spain


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    return tiny_model_folder(tmp_path_factory.mktemp("tiny") / "tiny-chat")


@pytest.fixture
def stub(model_folder):
    with serving(model_folder, answers={"capital of France": "Paris.", "capital of Japan": "Tokyo.",
                                        "capital of Italy": "Rome.", "capital of Germany": "Berlin.",
                                        "capital of Spain": "Madrid.", "Are you sure": "Yes, I am sure."}) as server:
        yield server


def write_config(tmp_path, model_folder, url, extra_backend="", extra=""):
    cfg = tmp_path / "served.yaml"
    cfg.write_text(f"name: served\nmodel: {model_folder}\n"
                   f"backend: {{name: openai, base_url: '{url}', retries: 3, backoff_s: 0.01, timeout_s: 1.5, "
                   f"max_concurrency: 4{extra_backend}}}\n"
                   "datasets: [{format: builtin, limit: 5}]\nconditions: [are_you_sure, neutral]\nturns: 1\n"
                   f"sampling: {{temperature: 0.0, max_tokens: 16, top_logprobs: 5}}\n{extra}")
    return cfg


def completions(stub, since=0):
    """The protocol's requests (the capability probe's "Hello" prompts left out)."""
    return [r for r in stub.log[since:] if "Hello" not in r["text"]]


def test_retries_then_a_conversation_that_never_succeeds_then_a_rerun_of_it_alone(tmp_path, model_folder, stub, capsys):
    stub.fault("capital of France", "429", "ok")
    stub.fault("capital of Japan", "500", "ok")
    stub.fault("capital of Italy", "malformed", "ok")
    stub.fault("capital of Germany", "slow", "ok")
    stub.fault(SPAIN, "500")
    cfg, run = write_config(tmp_path, model_folder, stub.url), tmp_path / "run"
    assert main(["run", str(cfg), "--out", str(run), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "cells failed or are missing conversations" in err and "rerun the same command" in err
    # every fault was retried into an answer: each faulted request has a later attempt that was answered
    for needle, fault in [("France", "429"), ("Japan", "500"), ("Italy", "malformed"), ("Germany", "slow")]:
        faulted = {r["digest"] for r in completions(stub) if needle in r["text"] and r["action"] == fault}
        answered = {r["digest"] for r in completions(stub) if needle in r["text"] and r["action"] == "ok"}
        assert faulted and faulted <= answered, needle
    # Spain's turn-0 answer failed 4 times (1 + 3 retries), and nothing of its conversations was asked after it
    spain = [r for r in completions(stub) if SPAIN in r["text"]]
    assert [r["attempt"] for r in spain] == [0, 1, 2, 3] and {r["action"] for r in spain} == {"500"}
    errors = {p.name: p.read_text() for p in (run / "errors").glob("*.txt")}
    assert len(errors) == 2  # both conditions' cells hold a Spain conversation
    for text in errors.values():
        assert "item fact-capital-spain: generate: HTTP 500: engine hiccup (after 4 attempts)" in text
    # the other conversations are written and collected, each once
    turns = pd.read_parquet(run / "turns.parquet")
    conv = pd.read_parquet(run / "conversations.parquet")
    assert sorted(set(conv.item_id)) == ["fact-capital-france", "fact-capital-germany", "fact-capital-italy",
                                         "fact-capital-japan"]
    assert len(conv) == 8 and len(turns) == 16
    assert not turns.duplicated(TURN_KEY).any() and not conv.duplicated(CONVERSATION_KEY).any()
    assert set(turns.score_method) == {"prompt_logprobs"} and set(turns.backend) == {"openai"}
    usage = json.loads((run / "manifest.json").read_text())["models"]["tiny-chat"]["backend"]["usage"]
    assert usage["retries"] >= 4 + 3 and usage["failed"] == 1
    # the server recovers: the rerun asks only about Spain, and the earlier rows stay as they were
    stub.faults.clear()
    since = len(stub.log)
    assert main(["run", str(cfg), "--out", str(run), "--no-progress"]) == 0
    again = completions(stub, since)
    assert again and all(SPAIN in r["text"] for r in again)
    turns2 = pd.read_parquet(run / "turns.parquet")
    conv2 = pd.read_parquet(run / "conversations.parquet")
    assert len(conv2) == 10 and len(turns2) == 20 and not turns2.duplicated(TURN_KEY).any()
    kept = turns2[turns2.item_id != "fact-capital-spain"].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, turns)
    assert not list((run / "errors").glob("*.txt"))
    spain_rows = turns2[turns2.item_id == "fact-capital-spain"]
    assert list(spain_rows[spain_rows.turn == 0].response) == ["Madrid."] * 2


def test_belief_scores_are_the_servers_prompt_logprobs(tmp_path, model_folder, stub):
    """Exact path: each candidate's logprob is the sum of the stub's prompt logprobs at its tokens."""
    from probe.backends import EngineSpec, ScoreRequest, load_backend
    from tests.served_stub import logprob

    spec = EngineSpec(top_logprobs=5, server=ServerSpec(base_url=stub.url, backoff_s=0.01))
    backend = load_backend("openai", str(model_folder), spec)
    assert backend.caps.exact_scores and backend.caps.max_top_logprobs == 20 and backend.caps.token_ids
    req = ScoreRequest(({"role": "user", "content": "What is the capital of France?"},), " Paris.",
                       assistant_prefix="My answer is")
    (scored,) = backend.score([req])
    ids = list(scored.prompt_token_ids) + [t.id for t in scored.tokens]
    n = len(scored.prompt_token_ids)
    want = sum(logprob(ids[:i], ids[i]) for i in range(n, len(ids)))
    assert scored.logprob_sum == pytest.approx(want, abs=1e-12) and len(scored.tokens) >= 2


def test_a_server_without_prompt_logprobs_is_refused_unless_approximation_is_allowed(tmp_path, model_folder, stub,
                                                                                   capsys):
    stub.prompt_logprobs = False
    cfg, run = write_config(tmp_path, model_folder, stub.url), tmp_path / "run"
    assert main(["run", str(cfg), "--out", str(run), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    assert "returns no prompt logprobs" in err[-1] and "allow_approximate_scores: true" in err[-1]
    assert not completions(stub)  # refused before any conversation was asked
    cfg = write_config(tmp_path, model_folder, stub.url, extra_backend=", allow_approximate_scores: true")
    assert main(["run", str(cfg), "--out", str(tmp_path / "approx"), "--no-progress"]) == 0
    assert "approximate measurement accepted" in capsys.readouterr().err
    turns = pd.read_parquet(tmp_path / "approx/turns.parquet")
    assert set(turns.score_method) == {"top_logprobs"} and len(turns) == 20
    assert turns.belief_p_gold.between(0, 1).all()
    manifest = json.loads((tmp_path / "approx/manifest.json").read_text())
    caps = manifest["models"]["tiny-chat"]["backend"]["capabilities"]
    assert caps["exact_scores"] is False and caps["prompt_logprobs"] is False and caps["token_prompts"] is True


def test_the_api_key_is_sent_but_never_written(tmp_path, model_folder, stub, monkeypatch, capsys):
    key = "sk-probe-test-" + secrets.token_hex(16)
    stub.key = key
    cfg, run = write_config(tmp_path, model_folder, stub.url, extra_backend=", api_key_env: PROBE_TEST_KEY",
                            extra="confidence: [answer_prob, p_true]\n"), tmp_path / "run"
    assert main(["run", str(cfg), "--out", str(run), "--no-progress"]) == 2  # no key: one line, before any request
    err = capsys.readouterr().err.strip()
    assert err.splitlines()[-1].endswith("backend.api_key_env: the environment variable PROBE_TEST_KEY is not set")
    monkeypatch.setenv("PROBE_TEST_KEY", key)
    assert main(["run", str(cfg), "--out", str(run), "--no-progress"]) == 0
    out = capsys.readouterr()
    assert key not in out.out and key not in out.err
    files = [p for p in run.rglob("*") if p.is_file()]
    assert len(files) >= 8 and any(p.name == "manifest.json" for p in files)
    for p in files:
        assert key.encode() not in p.read_bytes(), p
    assert "PROBE_TEST_KEY" in (run / "sweep.json").read_text()  # the variable's name is recorded, not its value
    # a wrong key is a refusal (401), named once, not retried
    monkeypatch.setenv("PROBE_TEST_KEY", "sk-wrong")
    assert main(["run", str(cfg), "--out", str(tmp_path / "wrong"), "--no-progress"]) == 2
    assert "HTTP 401: bad key (after 1 attempt)" in capsys.readouterr().err


def test_retry_after_is_honoured_and_backoff_is_jittered_exponentially(stub):
    import random

    stub.fault("Hello", "429", "ok")
    client = ServerClient(ServerSpec(base_url=stub.url, retries=2, backoff_s=0.0))
    t0 = time.monotonic()
    (answer,) = client.post_many("/completions", [{"model": "stub-model", "prompt": "Hello", "max_tokens": 1}])
    assert not isinstance(answer, Failure) and client.usage["retries"] == 1
    stub.faults[0] = ("Hello", ["429"])
    import tests.served_stub as s

    waits = []
    original = s.StubServer.answer

    def answer_with_wait(self, body):
        code, value, headers = original(self, body)
        return code, value, {"retry-after": "0.4"} if code == 429 else headers

    s.StubServer.answer = answer_with_wait
    try:
        t0 = time.monotonic()
        (answer,) = client.post_many("/completions", [{"model": "stub-model", "prompt": "Hello", "max_tokens": 2}])
        waits.append(time.monotonic() - t0)
    finally:
        s.StubServer.answer = original
    assert isinstance(answer, Failure) and answer.attempts == 3 and "HTTP 429" in answer.reason
    assert waits[0] >= 0.8  # two waits of Retry-After 0.4 s
    rng = random.Random(0)
    draws = [backoff_s(a, 0.5, rng) for a in range(6) for _ in range(200)]
    for a in range(6):
        chunk = draws[a * 200:(a + 1) * 200]
        assert 0 <= min(chunk) and max(chunk) <= min(60, 0.5 * 2 ** a) and max(chunk) > 0.8 * min(60, 0.5 * 2 ** a)


def test_yaml_and_command_line_name_the_server(tmp_path, model_folder):
    from probe.config import load_config
    from probe.errors import ProbeError

    cfg = write_config(tmp_path, model_folder, "http://127.0.0.1:9/v1")
    c = load_config(cfg)
    m = c.models[0]
    assert c.backend_for(m) == "openai" and c.engine_for(m).server.base_url == "http://127.0.0.1:9/v1"
    assert c.engine_for(m).server.max_concurrency == 4 and c.cells()[0].engine.server.retries == 3
    moved = load_config(cfg, {"backend": {"name": "openai", "base_url": "http://127.0.0.1:10/v1"}})
    assert moved.engine_for(moved.models[0]).server.retries == 3  # the YAML's other settings kept
    assert [x.cell_id for x in moved.cells()] == [x.cell_id for x in c.cells()]  # another port, the same cells
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("name: s\nmodels: [smollm2-135m-instruct, {name: gemma-3-270m, backend: {name: openai, "
                     "base_url: 'http://h:8000/v1', max_concurrency: 32}}]\nbackend: vllm\n"
                     "datasets: [builtin]\nconditions: [neutral]\n")
    s = load_config(sweep)
    assert [s.backend_for(m) for m in s.models] == ["vllm", "openai"]
    assert s.engine_for(s.models[0]).server is None and s.engine_for(s.models[1]).server.max_concurrency == 32
    for text, needle in [("backend: {name: openai}", "backend openai needs its server"),
                         ("backend: {name: openai, base_url: localhost}", "backend.base_url: expected http"),
                         ("backend: {name: vllm, base_url: 'http://h/v1'}", "backend.base_url: server settings are"),
                         ("backend: {name: openai, base_url: 'http://h/v1', retries: -1}", "backend.retries"),
                         ("backend: {name: openai, base_url: 'http://h/v1', api_key: sk-1}", "backend.api_key: unknown"),
                         ("backend: {name: openai, base_url: 'http://h/v1', api_key_env: sk-1}", "not an environment"),
                         ("engine: {server: {base_url: 'http://h/v1'}}", "engine.server: give the server as")]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(f"model: smollm2-135m-instruct\n{text}\ndatasets: [builtin]\n")
        with pytest.raises(ProbeError, match=needle.replace("[", r"\[")):
            load_config(bad)


def test_approximate_scores_read_top_logprobs_and_bound_absent_tokens(tmp_path, model_folder, stub):
    from probe.backends import EngineSpec, ScoreRequest, load_backend
    from tests.served_stub import logprob

    stub.prompt_logprobs = False
    spec = EngineSpec(top_logprobs=5, server=ServerSpec(base_url=stub.url, allow_approximate_scores=True))
    backend = load_backend("openai", str(model_folder), spec)
    assert backend.score_method == "top_logprobs"
    req = ScoreRequest(({"role": "user", "content": "Capital?"},), " Paris", continuation_ids=(3, 250))
    (scored,) = backend.score([req])
    p = list(scored.prompt_token_ids)
    k = 20  # the stub's top-k: tokens 0..19 (and the generated one)
    assert scored.tokens[0].logprob == pytest.approx(logprob(p, 3))  # in the top-k: its own logprob
    second = p + [3]
    top = [logprob(second, a) for a in range(k)]
    assert scored.tokens[1].logprob == pytest.approx(min(top + [logprob(second, stub._reply(
        stub.tok.decode(second, skip_special_tokens=False))[0])]))  # outside it: the k-th logprob, an upper bound
    assert not math.isnan(scored.logprob_sum)


def test_sample_and_score_verbs_reach_a_served_model(model_folder, stub, capsys):
    from tests.helpers import one_line_error
    from tests.served_stub import logprob

    assert main(["sample", "--backend", "openai", "--base-url", stub.url, "--model", str(model_folder),
                 "--prompt", "What is the capital of France?", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "openai" and out["text"] == "Paris." and out["tokens"][0]["top"]
    assert main(["score", "--backend", "openai", "--base-url", stub.url, "--model", str(model_folder),
                 "--prompt", "What is the capital of France?", "--continuation", " Paris", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ids = out["prompt_token_ids"] + [t["id"] for t in out["tokens"]]
    n = len(out["prompt_token_ids"])
    assert out["logprob_sum"] == pytest.approx(sum(logprob(ids[:i], ids[i]) for i in range(n, len(ids))))
    one_line_error(capsys, ["sample", "--backend", "openai", "--model", str(model_folder), "--prompt", "x"],
                   "--base-url: backend openai needs the server's URL")
    one_line_error(capsys, ["sample", "--backend", "hf", "--base-url", stub.url, "--model", "x", "--prompt", "x"],
                   "--base-url: only with --backend openai")


def test_the_scoring_judge_reads_through_a_served_model(tmp_path, model_folder, stub, capsys):
    """`probe readout --judge openai:MODEL --base-url URL`: every reply gets a reading with its probability, scored
    through the server's prompt logprobs; --base-url without a served judge is a one-line error."""
    from tests.helpers import ROOT, one_line_error

    lines = (ROOT / "tests" / "data" / "readout_labels" / "dev.jsonl").read_text().splitlines()[:6]
    replies = tmp_path / "replies.jsonl"
    replies.write_text("\n".join(lines) + "\n")
    judge = ["--judge", f"openai:{model_folder}", "--base-url", stub.url]
    before = len(stub.log)
    assert main(["readout", str(replies), *judge, "--json"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(out) == 6 and all(0 < r["said_p"] <= 1 and 0 < r["kind_p"] <= 1 for r in out)
    assert {r["said"] for r in out} <= {"gold", "alternative", "other", "none"}
    scored = [r for r in stub.log[before:] if "Hello" not in r["text"]]
    assert scored and all("Milan" in r["text"] or "Rome" in r["text"] or "capital" in r["text"] for r in scored)
    assert main(["readout", "--eval", str(replies), *judge, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n"] == 6 and sum(sum(row.values()) for row in res["said_confusion"].values()) == 6
    assert res["judge_cost"]["judge"].endswith(f"openai:{model_folder}")
    one_line_error(capsys, ["readout", str(replies), "--judge", "vllm:smollm2-135m-instruct", "--base-url", stub.url],
                   "--base-url: only with --judge openai:MODEL")
    one_line_error(capsys, ["readout", str(replies), "--api-key-env", "KEY"], "--api-key-env: only with --base-url")
