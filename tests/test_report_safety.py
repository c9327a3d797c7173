"""A report never overwrites a user's files, replaces only a report of this toolkit, and the leaderboard, analysis and
report never pool runs of different designs without --pool."""
import os
from pathlib import Path

import pytest

from probe.cli import main
from tests.helpers import make_sweep


@pytest.fixture
def run(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "run"), "--no-report"]) == 0
    return tmp_path / "run"


def _files(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_report_refuses_a_users_folder_and_changes_nothing(run, tmp_path, capsys):
    mine = tmp_path / "mine"
    (mine / "tables").mkdir(parents=True)
    (mine / "report.md").write_text("MINE")
    (mine / "tables" / "rmst.csv").write_text("MINE")
    (mine / "thesis.tex").write_text("keep")
    before = _files(mine)
    capsys.readouterr()
    assert main(["report", str(run), "--out", str(mine), "--bootstrap", "20"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(mine) in err[0] and "not empty" in err[0]
    assert _files(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".mine")) == []


def test_report_replaces_its_own_report_whole_and_follows_the_umask(run, tmp_path):
    out = tmp_path / "rep"
    old = os.umask(0o022)
    try:
        assert main(["report", str(run), "--out", str(out), "--bootstrap", "20"]) == 0
        (out / "stale.csv").write_text("from an earlier report")
        assert main(["report", str(run), "--out", str(out), "--bootstrap", "20"]) == 0
    finally:
        os.umask(old)
    assert (out / ".probe-report").is_file() and (out / "report.html").is_file()
    assert not (out / "stale.csv").exists()  # replaced whole, not written over
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rep")] == []


def test_a_report_that_fails_leaves_the_earlier_one_and_no_half_folder(run, tmp_path, monkeypatch):
    out = tmp_path / "rep"
    assert main(["report", str(run), "--out", str(out), "--bootstrap", "20"]) == 0
    before = _files(out)
    from probe.analysis import report

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "_markdown", boom)
    with pytest.raises(OSError):
        report.write_report(report.load_runs([str(run)]), out, n_boot=20)
    assert _files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rep")] == []


def test_leaderboard_refuses_to_pool_runs_of_different_designs(tmp_path, capsys):
    runs = []
    for k, turns in enumerate((1, 2)):
        (tmp_path / f"c{k}").mkdir()
        cfg = make_sweep(tmp_path / f"c{k}", n_models=1)
        cfg.write_text(cfg.read_text().replace("turns: 2", f"turns: {turns}"))
        assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / f"r{k}"), "--no-report"]) == 0
        runs.append(str(tmp_path / f"r{k}"))
    capsys.readouterr()
    for verb in (["leaderboard"], ["analyze"], ["report", "--out", str(tmp_path / "rep")]):
        assert main([*verb, *runs, "--bootstrap", "20"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "turns differ" in err[0] and runs[1] in err[0] and "--pool" in err[0], err
    assert not (tmp_path / "rep").exists()
    assert main(["leaderboard", *runs, "--bootstrap", "20", "--pool"]) == 0
    captured = capsys.readouterr()
    assert "Pooled runs of different designs (turns differ)" in captured.out
    assert main(["report", *runs, "--bootstrap", "20", "--pool", "--out", str(tmp_path / "rep")]) == 0
    assert "differ in design (turns)" in (tmp_path / "rep" / "report.md").read_text()


def test_runs_of_one_design_pool_without_a_word(tmp_path, capsys):
    a = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(a), "--executor", "debug", "--out", str(tmp_path / "ra"), "--no-report"]) == 0
    # the same design on another model: the comparison a leaderboard is for
    (tmp_path / "model_0b.json").write_bytes((tmp_path / "model_0.json").read_bytes())
    b = tmp_path / "b.yaml"
    b.write_text(a.read_text().replace("model_0.json", "model_0b.json"))
    assert main(["sweep", str(b), "--executor", "debug", "--out", str(tmp_path / "rb"), "--no-report"]) == 0
    capsys.readouterr()
    assert main(["leaderboard", str(tmp_path / "ra"), str(tmp_path / "rb"), "--bootstrap", "20"]) == 0
    out = capsys.readouterr()
    assert "Pooled" not in out.out and "model_0b.json" in out.out
