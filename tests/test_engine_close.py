"""Every entry point that starts an engine closes it, however it ends: `load_backend` is a context manager whose exit
is the close watchdog, used by `probe sample`, `probe score`, `probe paraphrase --backend`, `probe readout --judge`,
`probe run` / `probe sweep` and the bench scripts.  The fake backend appends "<model> closed" to the file named by
PROBE_FAKE_CLOSE_LOG on each close, so a close is seen in this process and in a sweep's job process alike.

    pytest -q tests/test_engine_close.py
"""
from __future__ import annotations

import json
import sys
import time
from types import SimpleNamespace

import pytest

import probe.backends
from probe.backends import FakeBackend, load_backend
from probe.backends.fake import CLOSE_LOG_ENV
from probe.cli import main
from tests.helpers import ROOT, make_sweep


@pytest.fixture
def close_log(tmp_path, monkeypatch):
    log = tmp_path / "closed.log"
    monkeypatch.setenv(CLOSE_LOG_ENV, str(log))
    return lambda: log.read_text().splitlines() if log.exists() else []


def test_load_backend_closes_its_engine_on_leaving_the_block(close_log):
    with load_backend("fake", "fake") as backend:
        assert not backend.closed
    assert backend.closed and close_log() == ["fake closed"]
    with pytest.raises(RuntimeError, match="mid-run"):
        with load_backend("fake", "fake") as backend:
            raise RuntimeError("mid-run")
    assert backend.closed and close_log() == ["fake closed"] * 2  # closed, and the error passes on


def test_a_close_that_hangs_is_ended_by_the_watchdog(monkeypatch, capsys):
    monkeypatch.setenv("PROBE_CLOSE_TIMEOUT_S", "0.5")
    t0 = time.monotonic()
    with FakeBackend(close_s=15):
        pass
    assert time.monotonic() - t0 < 10  # below the 15 s close
    assert "engine close did not finish within 0 s" in capsys.readouterr().err


def test_probe_sample_closes_its_engine(close_log, capsys):
    assert main(["sample", "--backend", "fake", "--model", "fake", "--prompt", "Capital of France?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backend"] == "fake"
    assert close_log() == ["fake closed"]


def test_probe_score_closes_its_engine(close_log, capsys):
    assert main(["score", "--backend", "fake", "--model", "fake", "--prompt", "Capital of France?",
                 "--continuation", "Paris"]) == 0
    assert float(capsys.readouterr().out) < 0
    assert close_log() == ["fake closed"]


def test_probe_paraphrase_with_a_model_closes_its_engine(close_log, capsys):
    assert main(["paraphrase", "--question", "What is the capital of France?", "--n", "1", "--backend", "fake",
                 "--model", "fake"]) == 0
    assert "accepted" in capsys.readouterr().out
    assert close_log() == ["fake closed"]


def test_probe_readout_judge_closes_its_engine(tmp_path, close_log, capsys):
    script = tmp_path / "judge.json"
    script.write_text(json.dumps({"capital of Australia": {"answer": "said=alternative kind=switch"}}))
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps({"question": "What is the capital of Australia?", "answer": "Canberra",
                             "alternative": "Sydney", "reply": "You're right.", "previous": "gold",
                             "asserted": "alternative"}) + "\n")
    assert main(["readout", str(f), "--json", "--judge", f"fake:{script}"]) == 0
    assert json.loads(capsys.readouterr().out)["said"]  # read by the judge
    assert close_log() == ["judge closed"]


def test_probe_run_closes_its_engine(tmp_path, close_log):
    cfg = make_sweep(tmp_path, n_models=1)
    run_cfg = tmp_path / "run.yaml"
    run_cfg.write_text(cfg.read_text().replace("models: [", "model: ").replace(", params_b: 0.1}]", ", params_b: 0.1}"))
    assert main(["run", str(run_cfg), "--out", str(tmp_path / "r"), "--no-progress"]) == 0
    assert close_log() == ["model_0 closed"]


def test_a_sweep_job_closes_its_engine_in_its_own_process(tmp_path, close_log):
    cfg = make_sweep(tmp_path, n_models=2)
    assert main(["sweep", str(cfg), "--executor", "local", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    assert sorted(close_log()) == ["model_0 closed", "model_1 closed"]  # one engine per model job, each closed


class FailingEngine(FakeBackend):
    """Starts like vLLM as far as the bench looks (``_llm``, the resolved score method), then fails mid-work."""

    def __init__(self):
        super().__init__(model_name="failing")
        self._llm = SimpleNamespace(reset_prefix_cache=lambda: None, generate=self.generate)
        self.info["score_method"] = "prompt_logprobs"

    def generate(self, requests, sampling):
        raise RuntimeError("engine failed mid-work")


@pytest.fixture
def bench(monkeypatch):
    """bench/ on the path, and `load_backend` answering with a `FailingEngine` (the scripts import it per call)."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    started = []

    def fake_load(name, model, spec=None):
        started.append(FailingEngine())
        return started[-1]

    monkeypatch.setattr(probe.backends, "load_backend", fake_load)
    yield started
    for m in ("bench", "mc_belief"):
        sys.modules.pop(m, None)


def test_the_engine_benchmark_closes_its_engine_when_the_work_fails(bench):
    import bench as bench_script

    with pytest.raises(RuntimeError, match="mid-work"):
        bench_script.engine_benchmarks(n_items=1, turns=1)
    assert len(bench) == 1 and bench[0].closed


def test_the_confidence_benchmark_closes_its_engine_when_the_work_fails(bench):
    import bench as bench_script

    with pytest.raises(RuntimeError, match="mid-work"):
        bench_script.confidence_benchmarks(n_items=1, turns=1)
    assert len(bench) == 1 and bench[0].closed


def test_the_mc_belief_bench_closes_its_engine_when_the_work_fails(bench, data_dir, monkeypatch):
    monkeypatch.setenv("PROBE_SHARED_DATA", str(data_dir))
    import mc_belief

    with pytest.raises(RuntimeError, match="mid-work"):
        mc_belief.main(["--per", "1"])
    assert len(bench) == 1 and bench[0].closed
