"""One bounded line instead of a traceback or a flood (issue 30, §5): YAML alias bombs and deep nesting, 100,000
nested brackets in JSON, a 20-choice readout line, 300-character model names, run-folder records of the wrong type,
Slurm without a controller, lone surrogates in data, a confidence column of +inf, and a full disk during run,
collect, sweep, report and prepare.  Fake backend only; the disk-full cases mount a small tmpfs (root only).

    pytest -q tests/test_bounded_errors_r4.py
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from probe.cli import main
from tests.test_bad_inputs import checksums, one_line
from tests.test_runs_never_crash_r4 import SCRIPT, finished, run_config

HEAD = "backend: fake\nmodel: fake\n"
LONG = "m" * 300


def bounded(capsys, argv, *needles, limit=600) -> str:
    err = one_line(capsys, argv, *needles)
    assert len(err) <= limit, err[:200]
    return err


def _bomb(levels=9) -> str:
    """Anchors a0..a{levels}, each a list of nine of the one before: 9**levels strings once expanded."""
    lines = ["  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "x:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", ["turns", "system_prompt"])
def test_an_alias_bomb_is_one_bounded_line(tmp_path, capsys, key):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(_bomb() + HEAD + f"{key}: *a9\n")
    bounded(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "c.yaml:", "aliases expand to more than")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("key", ["turns", "system_prompt"])
def test_an_expanded_alias_is_quoted_cut(tmp_path, capsys, key):
    """Below the expansion cap, the wrong-type error quotes the value cut, not its thousands of strings."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + _bomb(3).replace("x:", f"{key}:"))  # the anchors are the value itself
    bounded(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], f"{key}: expected", "...", limit=300)


def test_deep_yaml_nesting_is_one_line(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "turns: " + "[" * 5000 + "]" * 5000 + "\n")
    bounded(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "c.yaml:3: invalid YAML: nested deeper than")


DEEP_JSON = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("verb", ["run", "status", "collect"])
def test_deep_json_in_sweep_json_is_one_line(tmp_path, capsys, verb):
    cfg, run = finished(tmp_path, capsys)
    (run / "sweep.json").write_text(DEEP_JSON)
    before = checksums(run)
    argv = {"run": ["run", str(cfg), "--out", str(run)], "status": ["status", str(run)],
            "collect": ["collect", str(run)]}[verb]
    bounded(capsys, argv, "sweep.json")
    assert checksums(run) == before


@pytest.mark.parametrize("eval_", [False, True])
def test_deep_json_in_a_readout_line_is_one_line(tmp_path, capsys, eval_):
    f = tmp_path / "replies.jsonl"
    f.write_text('{"question": ' + DEEP_JSON + "}\n")
    bounded(capsys, ["readout", *(["--eval"] if eval_ else []), str(f)], "replies.jsonl:1", "nested too deeply")


def test_a_20_choice_readout_line_is_one_line(tmp_path, capsys):
    f = tmp_path / "replies.jsonl"
    choices = [f"option {i}" for i in range(20)]
    f.write_text(json.dumps({"question": "Which?", "answer": "option 18", "alternative": "option 19",
                             "choices": choices, "reply": "option 18"}) + "\n")
    bounded(capsys, ["readout", str(f)], "replies.jsonl:1: choices: 20 choices; at most 16")


@pytest.mark.parametrize("argv", [
    ["run", "{cfg}", "--backend", "hf", "--model", LONG, "--out", "{out}"],
    ["run", "{cfg}", "--model", LONG, "--out", "{out}"],
    ["sample", "--backend", "hf", "--model", LONG, "--prompt", "hi"],
    ["sample", "--backend", "fake", "--model", LONG, "--prompt", "hi"],
    ["sweep", "{sweep}", "--executor", "debug", "--out", "{out}"],
])
def test_a_300_character_model_name_is_one_line(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cfg = run_config(tmp_path)
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"name: s\nbackend: hf\nmodels: [{LONG}]\nturns: 1\nconditions: [disagree]\n")
    argv = [a.format(cfg=cfg, out=tmp_path / "o", sweep=sweep) for a in argv]
    err = bounded(capsys, argv, "mmmmmmmm")
    assert "File name too long" not in err
    if argv[0] == "run":
        assert not (tmp_path / "o").exists()


def results(run: Path) -> dict:
    return {k: v for k, v in checksums(run).items() if k.endswith((".parquet", "manifest.json"))}


@pytest.mark.parametrize("damage, overwrite, needle", [
    (lambda run: (run / "sweep.json").write_text("[1, 2]"), False, "holds an unreadable sweep.json"),
    (lambda run: (run / "sweep.json").write_text('"a string"'), False, "holds an unreadable sweep.json"),
    (lambda run: ((run / "sweep.json").unlink(), (run / "sweep.json").mkdir()), True, "sweep.json: cannot write"),
    (lambda run: (shutil.rmtree(run / "claims"), (run / "claims").write_text("x")), True, "claims must be a folder"),
])
def test_run_folder_records_of_the_wrong_type_are_one_line(tmp_path, capsys, damage, overwrite, needle):
    cfg, run = finished(tmp_path, capsys)
    damage(run)
    before = results(run)
    argv = ["run", str(cfg), "--out", str(run), "--turns", "2", "--no-progress"] + (["--overwrite"] if overwrite else [])
    bounded(capsys, argv, needle)
    assert results(run) == before


def test_status_of_a_sweep_json_of_the_wrong_type(tmp_path, capsys):
    _, run = finished(tmp_path, capsys)
    (run / "sweep.json").write_text('{"name": "run", "models": "x", "conditions": 5}')
    bounded(capsys, ["status", str(run)], "sweep.json: corrupt run record")
    bounded(capsys, ["collect", str(run)], "sweep.json: corrupt run record")


def test_slurm_without_a_controller_is_one_line(tmp_path, capfd, monkeypatch):
    """sbatch is there but no controller answers: what the real sbatch prints here without a slurm.conf."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    fake = bin_ / "sbatch"
    fake.write_text("#!/bin/sh\necho 'sbatch: error: resolve_ctls_from_dns_srv: res_nsearch error: Unknown host' >&2\n"
                    "echo 'sbatch: error: fetch_config: DNS SRV lookup failed' >&2\n"
                    "echo 'sbatch: fatal: Could not establish a configuration source' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}:{os.environ['PATH']}")
    script = tmp_path / "m.json"
    script.write_text(json.dumps(SCRIPT))
    cfg = tmp_path / "s.yaml"
    cfg.write_text(f"name: s\nmodels: [{{name: {script}}}]\nbackend: fake\ndatasets: [{{format: builtin, limit: 3}}]\n"
                   "conditions: [neutral]\nturns: 1\n")
    out = tmp_path / "o"
    assert main(["sweep", str(cfg), "--executor", "slurm", "--out", str(out)]) == 2
    err = capfd.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert "sbatch could not submit (sbatch: fatal: Could not establish a configuration source)" in err
    assert not (out / "slurm").exists()  # no pickles of a submission that never happened


@pytest.mark.parametrize("field", ["question", "answer", "alternative", "aliases"])
def test_a_lone_surrogate_is_refused_at_load(tmp_path, capsys, field):
    row = {"id": "q1", "question": "Capital of Australia?", "answer": "Canberra", "alternative": "Sydney"}
    row[field] = ["Can\ud800berra"] if field == "aliases" else row[field] + "\ud800"
    data = tmp_path / "items.jsonl"
    data.write_text(json.dumps(row) + "\n")  # JSON writes the surrogate as the escape \ud800
    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "turns: 1\nconditions: [disagree]\n")
    want = f"items.jsonl:1: {field}{'[0]' if field == 'aliases' else ''}: holds a lone surrogate (\\ud800)"
    bounded(capsys, ["run", str(cfg), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")], want)
    assert not (tmp_path / "o").exists()
    line = tmp_path / "replies.jsonl"
    line.write_text(json.dumps({**row, "reply": "Canberra"}) + "\n")
    bounded(capsys, ["readout", str(line)], "replies.jsonl:1:", "lone surrogate")


@pytest.mark.parametrize("verb", ["analyze", "leaderboard", "report"])
def test_a_confidence_of_all_inf_is_one_line(tmp_path, capsys, verb):
    _, run = finished(tmp_path, capsys)
    conv = pd.read_parquet(run / "conversations.parquet")
    conv["conf_answer_prob"] = np.inf
    conv.to_parquet(run / "conversations.parquet", index=False)
    argv = [verb, str(run)] + (["--out", str(tmp_path / "rep")] if verb == "report" else [])
    bounded(capsys, argv, "'conf_answer_prob' has no finite values")


# ---- a full disk ------------------------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs; ``fill(leave_kib)`` leaves that much free."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")

    def fill(leave_kib: int) -> None:
        filler = mnt / "filler"
        filler.unlink(missing_ok=True)
        free = shutil.disk_usage(mnt).free // 1024
        with open(filler, "wb") as f:
            f.write(b"\0" * max(free - leave_kib, 0) * 1024)

    try:
        yield mnt, fill
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _one_error_line(err: str, *needles) -> str:
    """stderr holds one line besides a progress bar's (carriage-return redraws), no traceback."""
    lines = [line for line in err.replace("\r", "\n").splitlines()
             if line.strip() and not re.search(r"\d+(?:conv-turn| ?/ ?\d+) ?\[\d\d:\d\d", line)]
    assert len(lines) == 1 and "Traceback" not in err, lines
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("leave_kib", [0, 40, 120])
def test_run_on_a_full_disk(tmp_path, capsys, small_disk, leave_kib):
    disk, fill = small_disk
    cfg = run_config(tmp_path)
    fill(leave_kib)
    out = disk / "run"
    assert main(["run", str(cfg), "--out", str(out), "--no-progress"]) == 2
    _one_error_line(capsys.readouterr().err, "cannot write (No space left on device)")
    assert not (out / "turns.parquet").exists() and not (out / "conversations.parquet").exists()
    assert not [p for p in out.rglob(".*") if p.is_file() and p.name != ".probe.lock"]  # no temporary file left
    for marker in out.glob("shards/*/*.done.json"):  # a cell written before the disk filled is whole
        stem = marker.name.removesuffix(".done.json")
        assert all((marker.parent / f"{stem}.{t}.parquet").is_file() for t in ("turns", "conversations"))
    (disk / "filler").unlink()
    assert main(["run", str(cfg), "--out", str(out), "--no-progress"]) == 0  # the rerun recovers
    assert len(pd.read_parquet(out / "conversations.parquet")) == 10


def test_collect_on_a_full_disk(tmp_path, capsys, small_disk):
    disk, fill = small_disk
    _, run = finished(tmp_path, capsys)
    shutil.copytree(run, disk / "run")
    run = disk / "run"
    for name in ("turns.parquet", "conversations.parquet", "manifest.json"):
        (run / name).unlink()
    before = checksums(run)
    fill(4)
    assert main(["collect", str(run), "--no-report"]) == 2
    _one_error_line(capsys.readouterr().err, "cannot write (No space left on device)")
    assert checksums(run) == before


@pytest.mark.parametrize("executor", ["debug", "local"])
def test_sweep_on_a_full_disk(tmp_path, capfd, small_disk, executor):
    disk, fill = small_disk
    script = tmp_path / "m.json"
    script.write_text(json.dumps(SCRIPT))
    cfg = tmp_path / "s.yaml"
    cfg.write_text(f"name: s\nmodels: [{{name: {script}}}]\nbackend: fake\ndatasets: [{{format: builtin, limit: 3}}]\n"
                   "conditions: [neutral, disagree]\nturns: 1\n")
    fill(40)
    assert main(["sweep", str(cfg), "--executor", executor, "--out", str(disk / "s"), "--no-report"]) == 2
    _one_error_line(capfd.readouterr().err, "cannot write (No space left on device)")
    assert not (disk / "s" / "conversations.parquet").exists()


def test_report_on_a_full_disk(tmp_path, capsys, small_disk):
    disk, fill = small_disk
    _, run = finished(tmp_path, capsys)
    before = checksums(run)
    fill(60)
    out = disk / "rep"
    assert main(["report", str(run), "--out", str(out), "--bootstrap", "20"]) == 2
    _one_error_line(capsys.readouterr().err, "no space left on the device")
    assert checksums(run) == before
    assert not out.exists() or not any(out.iterdir())  # no half-written report folder (probe.analysis.report
    assert not [p for p in disk.iterdir() if p.name.startswith(".rep")]  # writes a hidden sibling, then renames it)


def test_prepare_on_a_full_disk(tmp_path, capsys, small_disk, monkeypatch):
    from probe.backends import models

    entry = models.REGISTRY["smollm2-135m-instruct"]
    if not all(models._installed(r) for r in entry.packages):
        pytest.skip("the model's GGUF package is not installed (prepare would download it)")
    disk, fill = small_disk
    monkeypatch.setenv("PROBE_HOME", str(disk / "home"))
    fill(4)
    assert main(["models", "prepare", "smollm2-135m-instruct"]) == 2
    _one_error_line(capsys.readouterr().err, "no space left on the device")
    assert not models.is_complete(disk / "home" / "models" / "smollm2-135m-instruct")
    assert not [p for p in (disk / "home").rglob("*") if p.is_file()]  # nothing half-converted left
