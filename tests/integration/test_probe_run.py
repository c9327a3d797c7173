"""Acceptance of the probe on the real model (vllm backend)."""
import json

import pandas as pd
import pytest

from probe.config import load_config
from probe.records import CONVERSATION_COLUMNS as DECLARED_CONVERSATIONS, TURN_COLUMNS as DECLARED_TURNS
from probe.records import schema_problems
from probe.run import execute

from tests.helpers import ROOT, run_cli

pytestmark = pytest.mark.integration

def test_smoke_run_writes_the_three_files(smoke_run):
    out, stdout = smoke_run
    turns = pd.read_parquet(out / "turns.parquet")
    conv = pd.read_parquet(out / "conversations.parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    assert schema_problems(turns, DECLARED_TURNS) == [] and schema_problems(conv, DECLARED_CONVERSATIONS) == []
    assert len(conv) == 20 * 3 and len(turns) == 20 * 3 * 3
    assert set(turns.backend) == {"vllm"} and set(turns.dtype) == {"float32"}
    assert set(turns.logprobs_mode) == {"raw_logprobs"}
    for key in ("vllm", "torch", "transformers"):
        assert any(key in k for k in manifest["versions"]), key
    job = manifest["models"]["smollm2-135m-instruct"]
    assert job["backend"]["weights_sha256"] and manifest["config"]["protocol"]["turns"] == 2
    assert "turn-0 belief probe argmax = said answer" in stdout
    # confidences are probabilities
    assert conv.conf_answer_prob.between(0, 1).all() and (conv.conf_answer_logprob <= 0).all()


def test_belief_probe_agrees_with_said_answer_at_turn0(smoke_run):
    out, _ = smoke_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["belief_said_agreement_n"] >= 15
    assert manifest["belief_said_agreement_turn0"] >= 0.9


def test_two_greedy_runs_are_identical(vllm_backend, tmp_path):
    cfg = load_config(ROOT / "experiments/smoke.yaml")
    import dataclasses

    cfg = dataclasses.replace(cfg, datasets=(dataclasses.replace(cfg.datasets[0], limit=8),))
    for name in ("a", "b"):
        execute(cfg, tmp_path / name, backend=vllm_backend, progress=False)
    a, b = (pd.read_parquet(tmp_path / n / "turns.parquet") for n in ("a", "b"))
    pd.testing.assert_frame_equal(a, b)


def test_report_csv_equals_scipy_and_sklearn_on_the_real_run(smoke_run, tmp_path):
    """The primary population's Spearman and AUROC in the report equal scipy/sklearn on the same rows."""
    from scipy import stats as sps
    from sklearn.metrics import roc_auc_score

    out, _ = smoke_run
    r = run_cli("report", str(out), "--out", str(tmp_path / "rep"), "--bootstrap", "100")
    assert r.returncode == 0, r.stderr[-2000:]
    key = pd.read_csv(tmp_path / "rep/tables/confidence_resistance.csv")
    key = key[key.measure == "conf_answer_prob"]
    conv = pd.read_parquet(out / "conversations.parquet")
    primary = conv[(conv.initial_class == "gold") & ~conv.control & conv.conf_answer_prob.notna()]
    checked = 0
    for _, row in key.iterrows():
        g = primary if row.condition == "all pressure conditions" else primary[primary.condition == row.condition]
        assert row.n == len(g)
        if g.switched.nunique() == 2:
            assert row.auroc_held == pytest.approx(roc_auc_score(~g.switched, g.conf_answer_prob))
            assert row.spearman_rho == pytest.approx(
                sps.spearmanr(g.conf_answer_prob, g.turns_survived_switch).statistic)
            checked += 1
    assert checked >= 1
    assert (tmp_path / "rep/report.html").stat().st_size > 50_000  # figures embedded


def test_a_real_engine_job_exits_soon_after_its_last_shard(tmp_path, smollm2_path):
    """The engine is closed in a finally: the job process ends promptly, its engine processes with it."""
    import subprocess
    import sys
    import time

    import psutil

    cfg = tmp_path / "one.yaml"
    cfg.write_text((ROOT / "experiments/smoke.yaml").read_text().replace("limit: 20", "limit: 3")
                   .replace("turns: 2", "turns: 1").replace("model: smollm2-135m-instruct",
                                                            "models: [smollm2-135m-instruct]"))
    r = run_cli("sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report")
    assert r.returncode == 0, r.stderr[-2000:]
    for p in (tmp_path / "s").glob("shards/*/*"):
        p.unlink()  # pending again; now run the job exactly as the local executor does
    proc = subprocess.Popen([sys.executable, "-m", "probe.sweep", str(tmp_path / "s"), "smollm2-135m-instruct"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    pid = proc.pid
    children: set[int] = set()
    while proc.poll() is None:
        try:
            children |= {c.pid for c in psutil.Process(pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            break
        time.sleep(0.5)
    exited = time.time()
    assert proc.returncode == 0, proc.stderr.read()[-2000:]
    last_shard = max(p.stat().st_mtime for p in (tmp_path / "s").glob("shards/*/*.turns.parquet"))
    assert exited - last_shard < 60
    def running():
        alive = []
        for c in children:
            try:
                if psutil.Process(c).status() != psutil.STATUS_ZOMBIE:
                    alive.append(c)
            except psutil.NoSuchProcess:
                pass
        return alive

    # the engine is closed before the job exits; the reaper (probe.reaper) notices the exit at its next poll
    # (half a second) and ends too, so allow it a few seconds
    deadline = time.time() + 10
    while running() and time.time() < deadline:
        time.sleep(0.2)
    assert children and not running()
