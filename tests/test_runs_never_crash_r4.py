"""Valid input never crashes, and a refused start leaves nothing that blocks the corrected command (issue 30, §2).
Fake backend only; the model-name typo uses the hf backend, refused before any engine starts.

    pytest -q tests/test_valid_inputs_r4.py
"""
import json
from pathlib import Path

import pandas as pd
import pytest

from probe.cli import main
from tests.test_bad_inputs import checksums, one_line

SCRIPT = {"capital of France": {"answer": "Paris", "token_prob": 0.95},
          "capital of Japan": {"answer": "Tokyo", "token_prob": 0.6, "flip_turn": 1, "flip_to": "Kyoto"},
          "capital of Australia": {"answer": "Canberra", "token_prob": 0.7}}


def run_config(tmp_path, turns=1, extra="") -> Path:
    script = tmp_path / "m.json"
    script.write_text(json.dumps(SCRIPT))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"backend: fake\nmodel: {script}\nturns: {turns}\nconditions: [disagree, neutral]\n"
                   f"datasets: [{{format: builtin, limit: 5}}]\n{extra}")
    return cfg


def finished(tmp_path, capsys, turns=1) -> tuple[Path, Path]:
    cfg = run_config(tmp_path, turns)
    out = tmp_path / "run"
    assert main(["run", str(cfg), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    return cfg, out


def test_turns_0_runs_and_report_and_leaderboard_read_it(tmp_path, capsys):
    _, run = finished(tmp_path, capsys, turns=0)
    assert set(pd.read_parquet(run / "turns.parquet").turn) == {0}
    assert main(["report", str(run), "--out", str(tmp_path / "rep"), "--bootstrap", "20"]) == 0
    assert (tmp_path / "rep" / "report.html").is_file()
    capsys.readouterr()
    assert main(["leaderboard", str(run), "--csv", "--bootstrap", "20"]) == 0
    board = capsys.readouterr().out.splitlines()
    assert len(board) == 2 and board[1].startswith("m.json,0.4,")  # one row: the model, turn-0 accuracy 2/5
    one_line(capsys, ["analyze", str(run), "--bootstrap", "20"], "no pushback turn (turns: 0)")


def test_a_model_name_typo_leaves_nothing_and_the_corrected_command_runs(tmp_path, capsys):
    cfg = run_config(tmp_path)
    out = tmp_path / "run"
    one_line(capsys, ["run", str(cfg), "--backend", "hf", "--model", "smollm2-135m-instructt", "--out", str(out)],
             "unknown model 'smollm2-135m-instructt'")
    assert not out.exists()  # nothing written before the model resolves
    script = tmp_path / "missing.json"
    one_line(capsys, ["run", str(cfg), "--model", str(script), "--out", str(out)], "missing.json", "not found")
    assert not out.exists()
    assert main(["run", str(cfg), "--out", str(out), "--no-progress"]) == 0
    assert len(pd.read_parquet(out / "conversations.parquet")) == 10


def test_a_sweep_folder_holding_no_result_is_reused_by_another_config(tmp_path, capsys):
    """What a sweep whose model did not resolve leaves (sweep.json, an empty claim) does not block the next one."""
    cfg = run_config(tmp_path)
    typo = tmp_path / "typo.yaml"
    typo.write_text(cfg.read_text().replace("backend: fake\n", "name: other\nbackend: hf\n")
                    .replace(f"model: {tmp_path / 'm.json'}", "model: smollm2-135m-instructt"))
    out = tmp_path / "run"
    one_line(capsys, ["sweep", str(typo), "--executor", "debug", "--out", str(out), "--no-report"],
             "unknown model 'smollm2-135m-instructt'")
    assert {p.name for p in out.iterdir()} - {".probe.lock"} == {"sweep.json", "claims"}
    assert main(["run", str(cfg), "--out", str(out), "--no-progress"]) == 0
    assert len(pd.read_parquet(out / "conversations.parquet")) == 10
    # a folder holding results is still refused
    before = checksums(out)
    one_line(capsys, ["run", str(cfg), "--turns", "2", "--out", str(out)], "holds the results of another config")
    assert checksums(out) == before


@pytest.mark.parametrize("verb", ["run", "collect"])
def test_a_folder_in_place_of_a_record_file_is_one_line(tmp_path, capsys, verb):
    cfg, run = finished(tmp_path, capsys)
    (run / "conversations.parquet").unlink()
    (run / "conversations.parquet").mkdir()
    before = checksums(run)
    argv = ["run", str(cfg), "--out", str(run), "--no-progress"] if verb == "run" else ["collect", str(run)]
    one_line(capsys, argv, "conversations.parquet", "is a folder")
    assert checksums(run) == before and (run / "conversations.parquet").is_dir()
