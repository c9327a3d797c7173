"""Values that must be refused, in one line naming the file, line or field, before anything is written (issue 30,
§4): duplicate YAML keys (nested, in sweeps), non-finite numbers, ``level: true``, executor values below their
minimum, impossible model sizes, ``probe sample --top-logprobs``, ``probe pushbacks render --turn/--turns``; and two
different files given with ``--dataset`` are two datasets.  Fake backend only.

    pytest -q tests/test_refused_values_r4.py
"""
import json

import pandas as pd
import pytest

from probe.cli import main
from tests.test_bad_inputs import checksums, one_line
from tests.test_sweep import make_sweep
from tests.test_runs_never_crash_r4 import finished

HEAD = "backend: fake\nmodel: fake\n"


@pytest.mark.parametrize("text, needle", [
    (HEAD + "turns: 1\nconditions: [disagree]\nturns: 3\n", "c.yaml:5: invalid YAML: duplicate key 'turns' (first on line 3)"),
    (HEAD + "sampling:\n  temperature: 0\n  max_tokens: 5\n  temperature: 1\n",
     "c.yaml:6: invalid YAML: duplicate key 'temperature' (first on line 4)"),
    (HEAD + "conditions: [{type: authority, level: 2, level: 3}]\n", "c.yaml:3: invalid YAML: duplicate key 'level'"),
    (HEAD + "sampling: {temperature: .nan}\n", "sampling.temperature: expected a finite number, got nan"),
    (HEAD + "sampling: {temperature: .inf}\n", "sampling.temperature: expected a finite number, got inf"),
    (HEAD + "sampling: {top_p: .nan}\n", "sampling.top_p: expected a finite number, got nan"),
    (HEAD + "conditions: [{type: authority, level: true}]\n", "conditions[0].level: expected an integer, got True"),
    ("backend: fake\nmodels: [{name: fake, params_b: -3}]\n", "models[0].params_b: must be > 0"),
    ("backend: fake\nmodels: [{name: fake, params_b: .nan}]\n", "models[0].params_b: expected a finite number, got nan"),
    ("backend: fake\nmodels: [{name: fake, params_b: 0}]\n", "models[0].params_b: must be > 0"),
    ("backend: fake\nmodels: [{name: fake, max_model_len: 0}]\n", "models[0].max_model_len: must be >= 1"),
    (HEAD + "executor: {time_min: 0}\n", "executor.time_min: must be >= 1, got 0"),
    (HEAD + "executor: {time_min: -5}\n", "executor.time_min: must be >= 1, got -5"),
    (HEAD + "executor: {mem_gb: 0}\n", "executor.mem_gb: must be >= 1, got 0"),
    (HEAD + "executor: {mem_gb: -1}\n", "executor.mem_gb: must be >= 1, got -1"),
    (HEAD + "executor: {gpus_per_node: -1}\n", "executor.gpus_per_node: must be >= 0, got -1"),
    (HEAD + "executor: {cpus_per_task: 0}\n", "executor.cpus_per_task: must be >= 1, got 0"),
])
def test_refused_config_values(tmp_path, capsys, text, needle):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    before = checksums(tmp_path)
    one_line(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "c.yaml", needle)
    assert checksums(tmp_path) == before and not (tmp_path / "o").exists()


def test_zero_gpus_stays_allowed(tmp_path):
    """``gpus_per_node: 0`` is how a CPU Slurm cluster asks for no GPU (tests/slurm), so only negatives are refused."""
    from probe.config import load_config

    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "executor: {gpus_per_node: 0}\n")
    assert load_config(cfg).executor.gpus_per_node == 0


def test_merge_keys_may_override(tmp_path):
    """``<<: *base`` then a key overrides the merged one: that is what merging is for, not a duplicate."""
    from probe.config import load_config

    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "sampling:\n  <<: {temperature: 0.0, max_tokens: 7}\n  temperature: 0.5\n")
    s = load_config(cfg).protocol.sampling
    assert (s.temperature, s.max_tokens) == (0.5, 7)


@pytest.mark.parametrize("extra, needle", [
    ("turns: 3\n", "sweep.yaml:8: invalid YAML: duplicate key 'turns' (first on line 7)"),
    ("executor: {name: debug, name: local}\n", "sweep.yaml:8: invalid YAML: duplicate key 'name' (first on line 8)"),
])
def test_duplicate_keys_in_a_sweep(tmp_path, capsys, extra, needle):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral]", extra=extra)
    one_line(capsys, ["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "r")], needle)
    assert not (tmp_path / "r").exists()


def test_a_duplicate_key_never_replaces_a_finished_run(tmp_path, capsys):
    cfg, run = finished(tmp_path, capsys)
    before = checksums(run)
    cfg.write_text(cfg.read_text() + "turns: 2\n")
    one_line(capsys, ["run", str(cfg), "--out", str(run), "--overwrite"], "duplicate key 'turns'")
    assert checksums(run) == before


@pytest.mark.parametrize("argv, needle", [
    (["sample", "--backend", "fake", "--model", "fake", "--prompt", "hi", "--top-logprobs", "0"],
     "--top-logprobs: must be between 1 and 100, got 0"),
    (["sample", "--backend", "fake", "--model", "fake", "--prompt", "hi", "--top-logprobs", "-1"],
     "--top-logprobs: must be between 1 and 100, got -1"),
    (["pushbacks", "render", "--type", "disagree", "--turn", "99", "--turns", "5"],
     "--turn: must be between 1 and --turns (5), got 99"),
    (["pushbacks", "render", "--type", "disagree", "--turns", "0"], "--turns: must be between 1 and 100, got 0"),
    (["pushbacks", "render", "--type", "disagree", "--turn", "0"], "--turn: must be between 1 and --turns (5), got 0"),
])
def test_refused_command_line_values(capsys, argv, needle):
    one_line(capsys, argv, needle)


def test_accepted_command_line_values(capsys):
    assert main(["pushbacks", "render", "--type", "disagree", "--turn", "5", "--turns", "5"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["sample", "--backend", "fake", "--model", "fake", "--prompt", "hi", "--top-logprobs", "1"]) == 0


# ---- two different files with --dataset ------------------------------------------------------------------------
def _items(path, ids):
    path.write_text("".join(json.dumps({"id": i, "question": f"Question {i}?", "answer": f"Gold{i}",
                                        "alternative": f"Alt{i}"}) + "\n" for i in ids))
    return path


def test_two_different_files_are_two_datasets(tmp_path, capsys):
    a, b = _items(tmp_path / "easy.jsonl", ["q1", "q2"]), _items(tmp_path / "hard.jsonl", ["q1", "q3"])
    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "turns: 1\nconditions: [disagree]\n")
    out = tmp_path / "o"
    assert main(["run", str(cfg), "--dataset", f"jsonl:{a}", "--dataset", f"jsonl:{b}", "--out", str(out),
                 "--no-progress"]) == 0
    conv = pd.read_parquet(out / "conversations.parquet")
    assert sorted(zip(conv["dataset"], conv["item_id"])) == [("easy", "q1"), ("easy", "q2"), ("hard", "q1"),
                                                             ("hard", "q3")]
    # the same file twice is still one dataset given twice
    one_line(capsys, ["run", str(cfg), "--dataset", f"jsonl:{a}", "--dataset", f"jsonl:{a}", "--out",
                      str(tmp_path / "o2")], "datasets[1]", "is already datasets[0]")


def test_dataset_names_on_the_command_line(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a, b = _items(tmp_path / "x" / "items.jsonl", ["q1"]), _items(tmp_path / "y" / "items.jsonl", ["q1"])
    cfg = tmp_path / "c.yaml"
    cfg.write_text(HEAD + "turns: 1\nconditions: [disagree]\n")
    out = tmp_path / "o"
    assert main(["run", str(cfg), "--dataset", f"first=jsonl:{a}", "--dataset", f"second=jsonl:{b}", "--out",
                 str(out), "--no-progress"]) == 0
    assert sorted(pd.read_parquet(out / "conversations.parquet")["dataset"]) == ["first", "second"]
    # same file name in two folders, no names: told apart all the same
    assert main(["run", str(cfg), "--dataset", f"jsonl:{a}", "--dataset", f"jsonl:{b}", "--out",
                 str(tmp_path / "o2"), "--no-progress"]) == 0
    assert sorted(pd.read_parquet(tmp_path / "o2" / "conversations.parquet")["dataset"]) == ["items", "items-2"]
    # one file alone keeps the format as its label, as before
    assert main(["run", str(cfg), "--dataset", f"jsonl:{a}", "--out", str(tmp_path / "o3"), "--no-progress"]) == 0
    assert list(pd.read_parquet(tmp_path / "o3" / "conversations.parquet")["dataset"]) == ["jsonl"]
