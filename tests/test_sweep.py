"""Sweeps on the scripted fake backend: executors, atomic shards, kill and resume, failure isolation, Slurm script."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from probe.cli import main
from probe.errors import ProbeError
from probe.config import load_config
from probe.sweep import Store, sbatch_script
from probe.sweep.launch import ModelJob
from tests.helpers import ROOT, SWEEP_SCRIPT, make_sweep, run_cli

SCRIPT = SWEEP_SCRIPT


def collected(run):
    t = pd.read_parquet(run / "turns.parquet")
    c = pd.read_parquet(run / "conversations.parquet")
    return t.drop(columns=["run_id"]), c.drop(columns=["run_id"])


def test_debug_executor_runs_every_cell_and_collects(tmp_path, capsys):
    cfg = make_sweep(tmp_path)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "run")]) == 0
    assert len(load_config(cfg).cells()) == 2 * 1 * 3 * 2
    t, c = collected(tmp_path / "run")
    assert len(c) == 2 * 5 * 3 * 2 and len(t) == len(c) * 3
    assert not t.duplicated(["model", "item_id", "condition", "variant", "turn"]).any()
    assert (tmp_path / "run/report/report.html").is_file()
    assert set(c.params_b) == {0.1, 1.0}
    # a third run submits nothing
    capsys.readouterr()
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "run"), "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "0 pending in all" in out and ": ok" not in out


def test_local_executor_matches_debug(tmp_path):
    cfg = make_sweep(tmp_path)
    r = run_cli("sweep", str(cfg), "--executor", "local", "--out", str(tmp_path / "local"), "--no-report")
    assert r.returncode == 0, r.stderr[-2000:]
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "debug"), "--no-report"]) == 0
    assert main(["collect", str(tmp_path / "local"), "--no-report"]) == 0
    assert main(["collect", str(tmp_path / "debug"), "--no-report"]) == 0
    for a, b in zip(collected(tmp_path / "local"), collected(tmp_path / "debug")):
        pd.testing.assert_frame_equal(a, b)


def test_kill_9_midway_then_resume_equals_an_uninterrupted_run(tmp_path):
    cfg = make_sweep(tmp_path, delay=0.4, extra="executor: {chunk_cells: 1}\n")
    run = tmp_path / "killed"
    proc = subprocess.Popen([str(Path(sys.executable).with_name("probe")), "sweep", str(cfg), "--executor", "local",
                             "--out", str(run), "--no-report"], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(run.glob("shards/*/*.turns.parquet"))) < 3:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(run.glob("shards/*/*.turns.parquet")))
    assert 3 <= done < 12, done  # interrupted midway
    r = run_cli("status", str(run), "--cells")
    assert r.returncode == 0 and f"{12 - done} pending in all" in r.stdout
    assert r.stdout.count("    pending ") == 12 - done  # exactly the missing cells
    r = run_cli("sweep", str(cfg), "--executor", "local", "--out", str(run), "--no-report")
    assert r.returncode == 0, r.stderr[-2000:]
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "clean"), "--no-report"]) == 0
    main(["collect", str(run), "--no-report"])
    main(["collect", str(tmp_path / "clean"), "--no-report"])
    for a, b in zip(collected(run), collected(tmp_path / "clean")):
        pd.testing.assert_frame_equal(a, b)  # no duplicate, partial or missing row
    assert not list(run.glob("shards/*/.*"))  # no temp file left behind


def test_a_cell_that_raises_keeps_other_shards_and_rerun_runs_only_it(tmp_path, capsys):
    broken = {**SCRIPT, "capital of Italy": {"answer": "Rome", "error": "engine exploded"}}
    cfg = make_sweep(tmp_path, scripts=broken, n_models=1, extra="executor: {chunk_cells: 1}\n",
                     conditions="[are_you_sure, neutral]")
    run = tmp_path / "run"
    # builtin items 0..4 include Italy; every cell contains it, so make Italy's dataset separate
    items = tmp_path / "italy.jsonl"
    items.write_text(json.dumps({"id": "it", "question": "What is the capital of Italy?", "answer": "Rome",
                                 "alternative": "Milan"}) + "\n")
    text = cfg.read_text().replace("datasets: [{format: builtin, limit: 5}]",
                                   f"datasets: [{{format: builtin, limit: 2}}, {{format: jsonl, path: {items}}}]")
    cfg.write_text(text)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(run), "--no-report"]) == 1
    store = Store(run)
    sweep = store.load_config()
    pending = store.pending(sweep)
    assert {c.dataset.label for c in pending} == {"jsonl"} and len(pending) == 4
    assert len(list(run.glob("shards/*/*.turns.parquet"))) == 4  # the builtin cells are safe
    assert all("engine exploded" in e for e in store.errors().values())
    # fix the "engine" and rerun: only the failed cells run
    model_file = Path(sweep.models[0].name)
    model_file.write_text(json.dumps(SCRIPT))
    before = {p: p.stat().st_mtime_ns for p in run.glob("shards/*/*.turns.parquet")}
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(run), "--no-report"]) == 0
    assert all(p.stat().st_mtime_ns == m for p, m in before.items())
    assert not store.pending(sweep) and not store.errors()


def test_malformed_sweep_config_names_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    for text, needle in [("models: []\n", "models: expected a model name"),
                         ("models: [{name: a, tensor_parallel_size: two}]\n", "models[0].tensor_parallel_size"),
                         ("models: [a]\nexecutor: {name: kubernetes}\n", "executor.name"),
                         ("models: [a]\nexecutor: {mem_gb: lots}\n", "executor.mem_gb")]:
        bad.write_text(text)
        with pytest.raises(ProbeError, match=needle.replace("[", r"\[").replace("]", r"\]")):
            load_config(bad)


def test_sbatch_script_for_a_tensor_parallel_4_model_is_golden():
    sweep = load_config(ROOT / "experiments/qwen25-ladder.yaml")
    model = sweep.model("Qwen/Qwen2.5-32B-Instruct")
    text = sbatch_script(sweep, model, "/RUN/slurm/%j").replace(sys.executable, "PYTHON")
    assert text.rstrip("\n") == (ROOT / "tests/golden/sbatch_qwen25-32b_tp4.sh").read_text().rstrip("\n")
    engine = sweep.engine_for(model)
    assert (engine.tensor_parallel_size, engine.dtype) == (4, "bfloat16")
    # full precision for every model: no quantised weights anywhere in the ladder
    assert {sweep.engine_for(m).dtype for m in sweep.models} == {"bfloat16"}


def test_model_job_requeues_itself_on_timeout(tmp_path):
    """A job that hits its time limit checkpoints, is requeued by submitit, and the requeued job finishes the cells
    from the shards already written (submitit's local executor signals the timeout as Slurm does)."""
    import submitit

    cfg = make_sweep(tmp_path, delay=0.5, n_models=1, extra="executor: {chunk_cells: 1}\n")
    store = Store(tmp_path / "run")
    sweep = load_config(cfg)
    store.save_config(sweep)
    executor = submitit.LocalExecutor(folder=str(tmp_path / "logs"))
    executor.update_parameters(timeout_min=0.3, signal_delay_s=10)  # USR2 after ~8 s; the job needs ~12 s
    job = executor.submit(ModelJob(str(store.root)), str(tmp_path / "model_0.json"))
    assert job.result() == 0
    assert not store.pending(sweep)
    logs = (job.stdout() or "") + (job.stderr() or "")
    assert "requeu" in logs.lower(), logs[-2000:]
