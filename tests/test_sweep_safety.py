"""Sweep folders survive damage, concurrency and signals: a cell is done only when its done-marker matches both
shards; corrupt records are one line or tolerated; two sweeps or two jobs never run a cell twice; Ctrl-C and
SIGTERM leave no job and no partial file.  Fake backend only.

    pytest -q tests/test_sweep_safety.py
"""
import hashlib
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
from probe.config import load_config
from probe.procs import descendants, pid_alive as alive
from probe.sweep import Store
from tests.helpers import ROOT, as_from_a_terminal
from tests.test_bad_inputs import checksums, one_line
from tests.test_sweep import make_sweep

PROBE = str(Path(sys.executable).with_name("probe"))

# ---- damaged sweep folders ------------------------------------------------------------------------------------
@pytest.fixture
def swept(tmp_path, capsys):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[are_you_sure, neutral]")
    run = tmp_path / "run"
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(run), "--no-report"]) == 0
    capsys.readouterr()
    return cfg, run


def test_every_done_cell_has_a_marker_with_both_checksums(swept):
    cfg, run = swept
    markers = sorted(run.glob("shards/*/*.done.json"))
    assert len(markers) == 4
    m = json.loads(markers[0].read_text())
    for table in ("turns", "conversations"):
        shard = markers[0].parent / m["shards"][table]["file"]
        assert m["shards"][table]["sha256"] == hashlib.sha256(shard.read_bytes()).hexdigest()
        assert m["shards"][table]["rows"] == len(pd.read_parquet(shard)) > 0


@pytest.mark.parametrize("damage", ["truncate_turns", "garble_conversations", "delete_conversations",
                                    "garble_marker", "half_written"])
def test_a_damaged_cell_becomes_pending_and_is_rerun(swept, capsys, damage):
    cfg, run = swept
    marker = sorted(run.glob("shards/*/*.done.json"))[0]
    cell_id = marker.name.split(".")[0]
    turns, convs = marker.with_name(f"{cell_id}.turns.parquet"), marker.with_name(f"{cell_id}.conversations.parquet")
    if damage == "truncate_turns":
        turns.write_bytes(turns.read_bytes()[:100])
    elif damage == "garble_conversations":
        data = bytearray(convs.read_bytes())
        data[len(data) // 2] ^= 0xFF
        convs.write_bytes(bytes(data))
    elif damage == "delete_conversations":
        convs.unlink()
    elif damage == "garble_marker":
        marker.write_text("{")
    else:  # killed between the two shards: conversations written, no turns shard, no marker
        turns.unlink()
        marker.unlink()
    assert main(["status", str(run)]) == 0
    cap = capsys.readouterr()
    assert "1 pending in all" in cap.out
    if damage != "half_written":
        assert cell_id in cap.err and "counts as pending" in cap.err and len(cap.err.strip().splitlines()) == 1
    assert main(["collect", str(run), "--no-report"]) == 0  # never dies on a damaged shard
    assert "1 cells still missing" in capsys.readouterr().out
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(run), "--no-report"]) == 0
    assert not Store(run).pending(load_config(cfg))
    assert main(["collect", str(run), "--no-report"]) == 0
    c = pd.read_parquet(run / "conversations.parquet")
    assert len(c) == 5 * 2 * 2 and not c.duplicated(["item_id", "condition", "variant"]).any()


@pytest.mark.parametrize("text, needle", [("{not json", "sweep.json: corrupt run record"),
                                          ("[1, 2]", "expected a JSON object, got list"),
                                          ('{"name": "x"}', "sweep.json: corrupt run record (")])
def test_corrupt_sweep_json_is_one_line(swept, capsys, text, needle):
    cfg, run = swept
    (run / "sweep.json").write_text(text)
    before = checksums(run)
    one_line(capsys, ["status", str(run)], needle)
    one_line(capsys, ["collect", str(run), "--no-report"], needle)
    assert checksums(run) == before


def test_corrupt_manifest_and_short_error_file_are_tolerated(swept, capsys):
    cfg, run = swept
    manifest = next(run.glob("manifests/*.json"))
    manifest.write_text("{truncated")
    (run / "errors").mkdir(exist_ok=True)
    (run / "errors" / "0123456789abcdef.txt").write_text("only one line\n")
    (run / "errors" / "fedcba9876543210.txt").write_text("")
    assert main(["status", str(run)]) == 0
    out = capsys.readouterr().out
    assert "error in cell 0123456789abcdef: only one line — (no message)" in out
    assert main(["collect", str(run), "--no-report"]) == 0
    err = capsys.readouterr().err
    assert manifest.name in err and "corrupt manifest" in err and "Traceback" not in err
    assert json.loads((run / "manifest.json").read_text())["models"][manifest.stem]["error"].startswith("corrupt")


def test_result_files_follow_the_umask(swept):
    cfg, run = swept
    old = os.umask(0o027)
    try:
        assert main(["collect", str(run), "--no-report"]) == 0
    finally:
        os.umask(old)
    for name in ("turns.parquet", "conversations.parquet", "manifest.json"):
        assert (run / name).stat().st_mode & 0o777 == 0o640, name
    shard = next(run.glob("shards/*/*.turns.parquet"))
    assert shard.stat().st_mode & 0o777 == 0o666 & ~old


# ---- concurrency and signals ----------------------------------------------------------------------------------
def test_two_concurrent_sweeps_do_not_both_run_the_cells(tmp_path):
    cfg = make_sweep(tmp_path, delay=0.2, n_models=1, conditions="[are_you_sure, neutral]")
    run = tmp_path / "run"
    argv = [PROBE, "sweep", str(cfg), "--executor", "local", "--out", str(run), "--no-report"]
    a = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (run / ".probe.lock").exists():
        time.sleep(0.05)
    b = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    (out_a, err_a), (out_b, err_b) = a.communicate(timeout=600), b.communicate(timeout=600)
    assert a.returncode == 0 and b.returncode == 0, err_a[-2000:] + err_b[-2000:]
    assert ": ok" in out_a and ": ok" not in out_b  # the second found every cell done
    assert "another sweep" in err_b and "0 pending in all" in out_b


def _start_sweep(tmp_path, **kw):
    cfg = make_sweep(tmp_path, delay=2.0, n_models=1, extra="executor: {chunk_cells: 1}\n",
                     conditions="[are_you_sure, neutral]")
    run = tmp_path / "run"
    proc = subprocess.Popen([PROBE, "sweep", str(cfg), "--executor", "local", "--out", str(run), "--no-report"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_from_a_terminal)
    deadline = time.monotonic() + 120
    while not list(run.glob("shards/*/*.done.json")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    jobs = descendants(proc.pid)
    assert jobs
    return proc, jobs, run


def _gone(pids, within_s):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return not any(alive(p) for p in pids)


def test_ctrl_c_stops_a_local_sweep_with_no_traceback_and_no_job_left(tmp_path):
    proc, jobs, run = _start_sweep(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err, err[-3000:]
    assert "interrupted" in err
    assert _gone(jobs, 5)
    assert not list(run.glob("shards/*/.*.parquet.*"))  # no partial file


def test_sigterm_to_a_local_sweep_parent_leaves_no_job_running(tmp_path):
    proc, jobs, run = _start_sweep(tmp_path)
    proc.send_signal(signal.SIGTERM)  # the parent only, as `kill PID` does
    proc.communicate(timeout=60)
    assert _gone(jobs, 15), [p for p in jobs if alive(p)]
    assert not list(run.glob("shards/*/.*.parquet.*"))
    store = Store(run)
    assert store.pending(store.load_config())  # stopped, not left to finish the sweep



def test_a_second_job_for_a_model_leaves_its_cells_to_the_first(swept, capsys):
    """Two jobs for one model (a Slurm sweep submitted twice with --no-wait): the second runs nothing."""
    from probe.sweep.runner import run_model

    cfg, run = swept
    for marker in run.glob("shards/*/*.done.json"):
        marker.unlink()
        marker.with_name(marker.name.replace(".done.json", ".turns.parquet")).unlink()
    store = Store(run)
    config = store.load_config()
    model = config.models[0]
    assert len(store.pending(config, model)) == 4
    with store.model_claim(model.slug) as mine:  # the first job holds the model
        assert mine
        assert run_model(run, model.name, progress=False) == 0
        assert "another job" in capsys.readouterr().err
        assert len(store.pending(config, model)) == 4  # nothing was run twice
    assert run_model(run, model.name, progress=False) == 0  # released: the next job runs them
    assert not store.pending(config, model)


def test_temp_files_of_a_killed_job_are_removed_by_the_next(swept):
    from probe.sweep.runner import run_model

    cfg, run = swept
    folder = next(run.glob("shards/*"))
    stale = folder / ".0123456789abcdef.done.json.k1ll3d"
    stale.write_text("{")
    store = Store(run)
    assert run_model(run, store.load_config().models[0].name, progress=False) == 0
    assert not stale.exists() and len(list(folder.glob("*.done.json"))) == 4
