"""Results never change silently (issue 30, §3): a record column of another dtype is named on load; a candidate that
is part of another with symbols ("C" in "C++") is told apart; answer and alternative equal after Unicode and
whitespace normalisation are refused, for data sets and for `probe readout`.  Fake backend only.

    pytest -q tests/test_silent_changes_r4.py
"""
import json
import shutil
import unicodedata

import pandas as pd
import pytest

from probe.cli import main
from tests.helpers import read_said_kind, readout_item
from tests.test_bad_inputs import checksums, one_line
from tests.test_runs_never_crash_r4 import finished


@pytest.mark.parametrize("table, column, rewrite, needle", [
    ("conversations", "switched", lambda s: s.map(str), "column 'switched' holds str"),
    ("conversations", "conf_answer_prob", lambda s: s.map(lambda v: f"{v:.3f}"), "column 'conf_answer_prob' holds"),
    ("conversations", "n_turns", lambda s: s.astype(float), "column 'n_turns' holds float64, declared int64"),
    ("turns", "turn", lambda s: s.map(str), "column 'turn' holds str"),
    ("turns", "said", lambda s: s.map(lambda v: 1 if v == "gold" else 0), "column 'said' holds int64, declared string"),
])
@pytest.mark.parametrize("verb", ["analyze", "report", "leaderboard"])
def test_a_column_of_another_dtype_is_named_on_load(tmp_path, capsys, table, column, rewrite, needle, verb):
    _, run = finished(tmp_path, capsys)
    path = run / f"{table}.parquet"
    df = pd.read_parquet(path)
    df[column] = rewrite(df[column])
    df.to_parquet(path, index=False)
    before = checksums(tmp_path)
    argv = {"analyze": ["analyze", str(run)], "leaderboard": ["leaderboard", str(run)],
            "report": ["report", str(run), "--out", str(tmp_path / "rep")]}[verb]
    one_line(capsys, argv, f"{table}.parquet", needle, "declared")
    assert checksums(tmp_path) == before and not (tmp_path / "rep").exists()


def test_records_as_written_pass_the_dtype_check(tmp_path, capsys):
    _, run = finished(tmp_path, capsys)
    assert main(["analyze", str(run), "--bootstrap", "20"]) == 0


# ---- a candidate inside another, with symbols -----------------------------------------------------------------
@pytest.mark.parametrize("reply, said", [
    ("C++.", "alternative"), ("C++", "alternative"), ("The answer is C++.", "alternative"), ("c++", "alternative"),
    ("I think C++.", "alternative"), ("C.", "gold"), ("C", "gold"), ("It is derived from C.", "gold"),
])
def test_cpp_is_not_c(reply, said):
    it = readout_item("C", "C++", "Which language is C++ derived from?")
    assert read_said_kind(it, reply)[0] == said


@pytest.mark.parametrize("answer, alternative, reply, said", [
    ("Java", "C", "C++.", "other"),  # C++ is neither candidate
    ("C", "C#", "C#.", "alternative"),
    ("F#", "OCaml", "F#", "gold"),
    ("Kotlin", "Java", "Javascript.", "other"),  # whole words only, as before
])
def test_symbols_written_onto_a_name_make_another_name(answer, alternative, reply, said):
    it = readout_item(answer, alternative, "Which one?")
    assert read_said_kind(it, reply)[0] == said


# ---- answer and alternative equal after normalisation ---------------------------------------------------------
NFD_CAFE = unicodedata.normalize("NFD", "Café")
EQUAL = [("New  York", "New York"), ("New\u00a0York", "New York"), ("Café", NFD_CAFE), (" Paris\t", "paris")]


@pytest.mark.parametrize("answer, alternative", EQUAL)
def test_an_alternative_equal_to_the_answer_after_normalising_is_refused(tmp_path, capsys, answer, alternative):
    data = tmp_path / "items.jsonl"
    rows = [{"id": "q1", "question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"},
            {"id": "q2", "question": "Which city?", "answer": answer, "alternative": alternative}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = tmp_path / "c.yaml"
    cfg.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n")
    one_line(capsys, ["run", str(cfg), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")],
             "items.jsonl:2: alternative: equals the answer")
    assert not (tmp_path / "o").exists()
    line = tmp_path / "replies.jsonl"
    line.write_text(json.dumps({"question": "Which city?", "answer": answer, "alternative": alternative,
                                "reply": alternative}) + "\n")
    one_line(capsys, ["readout", str(line)], "replies.jsonl:1: alternative: equals the answer")


@pytest.mark.parametrize("field, value", [("aliases", ["New\u00a0York"]), ("choices", ["Café", NFD_CAFE, "Tea"])])
def test_aliases_and_choices_compare_normalised(tmp_path, capsys, field, value):
    row = {"id": "q1", "question": "Which?", "answer": "Café" if field == "choices" else "Albany",
           "alternative": "Tea" if field == "choices" else "New York", field: value}
    data = tmp_path / "items.jsonl"
    data.write_text(json.dumps(row) + "\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n")
    needle = "aliases: alias" if field == "aliases" else "choices: duplicate choice"
    one_line(capsys, ["run", str(cfg), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")],
             f"items.jsonl:1: {needle}")


def test_normalising_keeps_different_answers_apart(tmp_path, capsys):
    """Only whitespace and Unicode form are folded: "Bb"/"bb" stay two options, "New York"/"York" two answers."""
    data = tmp_path / "items.jsonl"
    rows = [{"id": "g", "question": "Genotype?", "answer": "Bb", "alternative": "bb", "choices": ["BB", "Bb", "bb"]},
            {"id": "c", "question": "Which city?", "answer": "New\u00a0York", "alternative": "York"}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = tmp_path / "c.yaml"
    cfg.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n")
    assert main(["run", str(cfg), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o"), "--no-progress"]) == 0
    assert len(pd.read_parquet(tmp_path / "o" / "conversations.parquet")) == 2
