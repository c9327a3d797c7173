"""`probe analyze / report / leaderboard`: bad input is one line naming the file, exit 2, never a traceback."""
import io
import json
import shutil

import pandas as pd
import pytest

from tests.helpers import one_line_error

from probe.analysis.synthetic import synthetic_runs
from probe.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    runs = synthetic_runs(n_items=60, seed=31)
    runs.turns.to_parquet(d / "turns.parquet")
    runs.conversations.to_parquet(d / "conversations.parquet")
    (d / "manifest.json").write_text(json.dumps({"run_id": "synthetic"}))
    return d


def _copy(run_dir, tmp_path, name="r"):
    dst = tmp_path / name
    shutil.copytree(run_dir, dst)
    return dst


_fails = one_line_error


@pytest.mark.parametrize("verb", ["analyze", "report", "leaderboard"])
def test_truncated_empty_and_foreign_parquet_name_the_file(capsys, run_dir, tmp_path, verb):
    extra = ["--out", str(tmp_path / "rep")] if verb == "report" else []
    d = _copy(run_dir, tmp_path)
    data = (d / "turns.parquet").read_bytes()
    (d / "turns.parquet").write_bytes(data[: len(data) // 2])
    _fails(capsys, [verb, str(d), *extra], "turns.parquet", "not a readable Parquet file")
    (d / "turns.parquet").write_bytes(data)
    (d / "conversations.parquet").write_bytes(b"")
    _fails(capsys, [verb, str(d), *extra], "conversations.parquet", "empty file")
    (d / "conversations.parquet").write_text("model,item_id\nm,1\n")
    _fails(capsys, [verb, str(d), *extra], "conversations.parquet", "not a readable Parquet file")


def test_corrupt_manifest_missing_folder_and_old_schema(capsys, run_dir, tmp_path):
    d = _copy(run_dir, tmp_path)
    (d / "manifest.json").write_text('{"run_id": ')
    _fails(capsys, ["analyze", str(d)], "manifest.json", "corrupt JSON")
    _fails(capsys, ["leaderboard", str(tmp_path / "nope")], "no such run folder")
    old = _copy(run_dir, tmp_path, "old")
    conv = pd.read_parquet(old / "conversations.parquet").drop(columns=["initial_class", "switched"])
    conv.to_parquet(old / "conversations.parquet")
    _fails(capsys, ["analyze", str(old)], "conversations.parquet", "initial_class", "older probe version")


def test_unknown_measure_and_too_few_resamples(capsys, run_dir):
    _fails(capsys, ["analyze", str(run_dir), "--measure", "nope"], "--measure", "'nope'", "conf_answer_prob")
    _fails(capsys, ["report", str(run_dir), "--out", "x", "--measure", "conf_mc_letter_p"], "no values")
    _fails(capsys, ["leaderboard", str(run_dir), "--bootstrap", "3"], "--bootstrap")
    _fails(capsys, ["analyze", str(run_dir), "--by", "model,colour"], "--by", "colour")


def test_zero_rows_is_an_error_not_an_empty_table(capsys, run_dir, tmp_path):
    d = _copy(run_dir, tmp_path)
    pd.read_parquet(d / "conversations.parquet").iloc[:0].to_parquet(d / "conversations.parquet")
    err = _fails(capsys, ["analyze", str(d)], "conversations.parquet", "zero conversations")
    assert "Empty DataFrame" not in err
    e = _copy(run_dir, tmp_path, "e")
    conv = pd.read_parquet(e / "conversations.parquet")
    conv[conv["initial_class"] != "gold"].to_parquet(e / "conversations.parquet")
    _fails(capsys, ["analyze", str(e)], "primary population is empty")


def test_the_same_run_twice_does_not_double_n(capsys, run_dir, tmp_path):
    assert main(["analyze", str(run_dir), "--bootstrap", "20", "--csv"]) == 0
    once = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert main(["analyze", str(run_dir), str(run_dir), "--bootstrap", "20", "--csv"]) == 0
    out = capsys.readouterr()
    twice = pd.read_csv(io.StringIO(out.out))
    assert "same run folder" in out.err
    assert twice["n"].tolist() == once["n"].tolist()
    copy = _copy(run_dir, tmp_path, "copy")
    _fails(capsys, ["leaderboard", str(run_dir), str(copy)], "copy", "repeats", "double n")


def test_leaderboard_prints_a_ranked_table_and_csv(capsys, run_dir):
    assert main(["leaderboard", str(run_dir), "--bootstrap", "30"]) == 0
    out = capsys.readouterr().out
    assert "rank (95% interval)" in out and "m-large" in out and "Exclusions" in out and "NaN" not in out
    assert main(["leaderboard", str(run_dir), "--bootstrap", "30", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table["model"]) and {"rank", "rank_lo", "rank_hi", "tied", "auroc_lo"} <= set(table.columns)
    assert main(["leaderboard", str(run_dir), "--bootstrap", "30", "--by", "backend", "--csv"]) == 0
    assert pd.read_csv(io.StringIO(capsys.readouterr().out))["model"].tolist() == ["synthetic"]
