"""Bad input ends as one line naming the file / line / field, exit 2, before any engine starts — never a traceback,
never a lost, replaced or doubled result (checksums before and after).  Fake backend only.  Damaged sweep folders,
concurrency and signals: tests/test_sweep_safety.py.

    pytest -q tests/test_bad_inputs.py
"""
import hashlib
import json
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from probe.cli import main
from probe.config import load_config
from probe.sweep import Store
from tests.test_sweep import make_sweep


def checksums(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".lock"}  # lock files hold a pid


def one_line(capsys, argv, *needles, code=2):
    rc = main(argv)
    err = capsys.readouterr().err.strip()
    assert rc == code, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    return err


# ---- data rows ------------------------------------------------------------------------------------------------
GOOD = {"id": "q1", "question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"}


@pytest.mark.parametrize("row, needle", [
    ({"alternative": "Canberra"}, "items.jsonl:2: alternative: equals the answer 'Canberra'"),
    ({"alternative": "canberra "}, "items.jsonl:2: alternative: equals the answer"),
    ({"aliases": ["Sydney"]}, "items.jsonl:2: aliases: alias 'Sydney' equals the alternative"),
    ({"answer": True}, "items.jsonl:2: answer: expected text, got the boolean true"),
    ({"alternative": False}, "items.jsonl:2: alternative: expected text, got the boolean false"),
    ('{"id": "q2", "question": "Q?", "answer": NaN, "alternative": "x"}', "items.jsonl:2: answer: expected text, got nan"),
    ({"choices": ["Canberra", "Sydney", "Sydney"]}, "items.jsonl:2: choices: duplicate choice 'Sydney'"),
    ({"choices": ["Canberra", "Sydney"] + [f"c{i}" for i in range(15)]}, "items.jsonl:2: choices: 17 choices; at most 16"),
    ({"choices": ["Canberra", True]}, "items.jsonl:2: choices[1]: expected text"),
    ({"choices": ["Perth", "Sydney"]}, "items.jsonl:2: choices: answer and alternative must both be among"),
    ({"id": "q1"}, "items.jsonl:2: id: duplicate id 'q1' (first on line 1)"),
])
def test_bad_row_is_rejected_with_file_line_field(tmp_path, capsys, row, needle):
    data = tmp_path / "items.jsonl"
    second = row if isinstance(row, str) else json.dumps({**GOOD, "id": "q2", **row})
    data.write_text(json.dumps(GOOD) + "\n" + second + "\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n")
    one_line(capsys, ["run", str(cfg), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")], needle)
    assert not (tmp_path / "o").exists()


def test_dataset_messages_say_where(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n")
    out = str(tmp_path / "o")
    one_line(capsys, ["run", str(cfg), "--dataset", "jsonl", "--out", out], "no file given", "jsonl:PATH")
    one_line(capsys, ["run", str(cfg), "--dataset", "jsonl:nope/items.jsonl", "--out", out],
             "file not found: nope/items.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    one_line(capsys, ["run", str(cfg), "--dataset", f"jsonl:{empty}", "--out", out], "empty.jsonl: no rows")
    typo = tmp_path / "typo.jsonl"
    typo.write_text("\n".join(json.dumps({"qid": i, "prompt": "Q?", "gold": "x", "wrong": "y"}) for i in range(3)))
    cfg.write_text(f"backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\ndatasets: [{{format: jsonl, "
                   f"path: {typo}, mapping: {{id: qid, question: prompt, answer: golden, alternative: wrong}}}}]\n")
    err = one_line(capsys, ["run", str(cfg), "--out", out], "mapping.answer: no row has a field 'golden'")
    assert "typo.jsonl:1" not in err
    cfg.write_text(f"backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n"
                   f"datasets: [{{format: jsonl, path: {typo}, on_bad_row: ignore}}]\n")
    one_line(capsys, ["run", str(cfg), "--out", out], "typo.jsonl", "on_bad_row: expected error or skip")
    assert not Path(out).exists()



# ---- sweep: checked before any job starts ---------------------------------------------------------------------
def _unwritable(tmp_path) -> Path:
    if os.geteuid() == 0:  # root writes through permission bits; sysfs refuses everyone
        return Path("/sys/probe-out")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    return ro / "out"


@pytest.mark.parametrize("case", ["file", "under_file", "unwritable", "run_folder", "foreign"])
def test_sweep_out_is_checked_before_anything_runs(tmp_path, capsys, case):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]")
    (tmp_path / "file.txt").write_text("mine")
    run_dir = tmp_path / "a_run"
    run_dir.mkdir()
    for name in ("turns.parquet", "conversations.parquet", "manifest.json"):
        (run_dir / name).write_text(name)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_text("meow")
    out, needle = {"file": (tmp_path / "file.txt", "is an existing file"),
                   "under_file": (tmp_path / "file.txt" / "sub", "which is a file"),
                   "unwritable": (_unwritable(tmp_path), "cannot write in"),
                   "run_folder": (run_dir, "holds an older run's results but is not a run folder"),
                   "foreign": (foreign, "holds files but is not a run folder")}[case]
    before = checksums(tmp_path)
    one_line(capsys, ["sweep", str(cfg), "--executor", "debug", "--out", str(out), "--no-report"], "--out", needle)
    assert checksums(tmp_path) == before  # nothing ran, nothing changed


@pytest.mark.parametrize("extra, needle", [
    ("name: ../../escaped\n", "name: '../../escaped' must be one path component"),
    ("name: /tmp/abs\n", "name: '/tmp/abs' must be one path component"),
    ("name: ..\n", "name: '..' must be one path component"),
])
def test_sweep_name_never_leaves_runs(tmp_path, capsys, monkeypatch, extra, needle):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]")
    cfg.write_text(cfg.read_text().replace("name: t\n", extra))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = checksums(tmp_path)
    one_line(capsys, ["sweep", str(cfg), "--executor", "debug", "--no-report"], needle)
    assert checksums(tmp_path) == before and not Path("/tmp/abs").exists() and not list(work.iterdir())


def test_model_names_that_share_a_folder_name_are_refused(tmp_path, capsys):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]")
    cfg.write_text(cfg.read_text().replace("models: [", "models: [{name: 'a b'}, {name: a_b}, "))
    one_line(capsys, ["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "r")],
             "models[1].name: 'a_b' and 'a b' would share the folder 'a_b'")
    assert not (tmp_path / "r").exists()


def test_a_model_named_dot_dot_stays_inside_shards(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]")
    cfg.write_text(cfg.read_text().replace("models: [", "models: [{name: '..'}, {name: '../../x'}, "))
    store = Store(tmp_path / "r")
    for cell in load_config(cfg).cells():
        for table in ("turns", "conversations"):
            shard = store.shard(cell, table)
            assert shard.parent.parent == store.root / "shards" and shard.parent.name not in ("", ".", "..")


@pytest.mark.parametrize("where", ["config", "cli"])
def test_a_dataset_given_twice_is_refused(tmp_path, capsys, where):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]")
    twice = "datasets: [{format: builtin, limit: 5}, {format: builtin, limit: 5}]"
    cfg.write_text(cfg.read_text().replace("datasets: [{format: builtin, limit: 5}]", twice))
    one_line(capsys, ["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "r")],
             "datasets[1]: dataset 'builtin' is already datasets[0]")
    data = tmp_path / "items.jsonl"
    data.write_text(json.dumps(GOOD) + "\n")
    run = tmp_path / "c.yaml"
    run.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n"
                   + ("" if where == "cli" else f"datasets: [{{format: jsonl, path: {data}}}, "
                                                 f"{{format: jsonl, path: {data}}}]\n"))
    extra = ["--dataset", f"jsonl:{data}", "--dataset", f"jsonl:{data}"] if where == "cli" else []
    one_line(capsys, ["run", str(run), *extra, "--out", str(tmp_path / "o")], "datasets[1]", "is already datasets[0]")
    assert not (tmp_path / "r").exists() and not (tmp_path / "o").exists()


def test_a_bad_row_in_a_sweep_dataset_stops_it_before_any_job(tmp_path, capsys):
    data = tmp_path / "items.jsonl"
    data.write_text(json.dumps({**GOOD, "choices": [f"c{i}" for i in range(15)] + ["Canberra", "Sydney"]}) + "\n")
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]")
    cfg.write_text(cfg.read_text().replace("datasets: [{format: builtin, limit: 5}]",
                                           f"datasets: [{{format: jsonl, path: {data}}}]"))
    one_line(capsys, ["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "r")],
             "items.jsonl:1: choices: 17 choices; at most 16")
    assert not (tmp_path / "r").exists()


# ---- probe run / report: outputs checked first, finished runs never replaced unless asked ---------------------
RUN_CFG = "backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\ndatasets: [{format: builtin, limit: 3}]\n"


@pytest.fixture
def finished_run(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(RUN_CFG)
    out = tmp_path / "runs" / "a"
    assert main(["run", str(cfg), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    return cfg, out


@pytest.mark.parametrize("case", ["file", "under_file", "unwritable", "foreign"])
@pytest.mark.parametrize("verb", ["run", "report"])
def test_run_and_report_out_are_checked_before_any_work(finished_run, tmp_path, capsys, case, verb):
    cfg, run = finished_run
    (tmp_path / "file.txt").write_text("mine")
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_text("meow")
    out, needle = {"file": (tmp_path / "file.txt", "is an existing file"),
                   "under_file": (tmp_path / "file.txt" / "sub", "which is a file"),
                   "unwritable": (_unwritable(tmp_path), "cannot write in"),
                   "foreign": (foreign, "holds files but is not a run folder")}[case]
    if verb == "report" and case == "foreign":
        return  # a report folder may hold other files; report.html and friends are rewritten
    before = checksums(tmp_path)
    argv = ["run", str(cfg), "--out", str(out)] if verb == "run" else ["report", str(run), "--out", str(out)]
    one_line(capsys, argv, "--out", needle)
    assert checksums(tmp_path) == before


def test_a_finished_run_is_replaced_only_with_overwrite(finished_run, capsys):
    cfg, run = finished_run
    before = checksums(run)
    # the same config: resumes, nothing to do, results unchanged
    assert main(["run", str(cfg), "--out", str(run), "--no-progress"]) == 0
    capsys.readouterr()
    assert {k: v for k, v in checksums(run).items() if not k.startswith("manifest")} == \
        {k: v for k, v in before.items() if not k.startswith("manifest")}
    # another config: refused, nothing changed
    before = checksums(run)
    one_line(capsys, ["run", str(cfg), "--out", str(run), "--turns", "2"], "holds the results of another config",
             "--overwrite")
    cfg.with_name("other.yaml").write_text(RUN_CFG.replace("turns: 1", "name: other\nturns: 1"))
    one_line(capsys, ["sweep", str(cfg.with_name("other.yaml")), "--out", str(run)],
             "holds the run 'run', not the sweep 'other'")
    assert checksums(run) == before
    # asked: replaced
    assert main(["run", str(cfg), "--out", str(run), "--turns", "2", "--overwrite", "--no-progress"]) == 0
    assert set(pd.read_parquet(run / "turns.parquet").turn) == {0, 1, 2}


@pytest.mark.parametrize("text, needle", [
    ("", "empty config"),
    ("sampling: {top_logprobs: 0}\n", "sampling.top_logprobs: must be between 1 and 100, got 0"),
    ("sampling: {top_logprobs: -1}\n", "sampling.top_logprobs: must be between 1 and 100, got -1"),
    ("sampling: {top_logprobs: 1000}\n", "sampling.top_logprobs: must be between 1 and 100, got 1000"),
    ("turns: 1000000\n", "turns: must be between 0 and 100, got 1000000"),
    ("datasets: [{format: builtin}, {format: builtin}]\n", "datasets[1]: dataset 'builtin' is already datasets[0]"),
])
def test_bad_config_values_are_one_line_and_change_nothing(finished_run, tmp_path, capsys, text, needle):
    cfg, run = finished_run
    bad = tmp_path / "bad.yaml"
    bad.write_text(("backend: fake\nmodel: fake\n" if text else "") + text)
    before = checksums(tmp_path)
    one_line(capsys, ["run", str(bad), "--out", str(run)], "bad.yaml", needle)
    one_line(capsys, ["run", str(bad), "--out", str(tmp_path / "new")], "bad.yaml", needle)
    assert checksums(tmp_path) == before and not (tmp_path / "new").exists()
