"""Values that must be refused, and valid input that must not crash (one line, exit 2, before any engine starts):
duplicate YAML keys, a NaN temperature, `level: true`, non-positive executor values and model sizes, top logprobs
and pushback turns out of range, an alias bomb quoted in bounded form, a 300-character model name, a lone surrogate
in a data row; a run with `turns: 0` reports."""
import json
import time

import pytest

from probe.cli import main
from tests.helpers import make_sweep
from tests.test_bad_inputs import one_line


def _cfg(tmp_path, text: str):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"backend: fake\nmodel: {tmp_path / 'm.json'}\nturns: 1\nconditions: [disagree]\n"
                   "datasets: [{format: builtin, limit: 2}]\n" + text)
    (tmp_path / "m.json").write_text("{}")
    return cfg


@pytest.mark.parametrize("text, needles", [
    ("sampling: {temperature: .nan}\n", ["sampling.temperature", "nan"]),
    ("sampling: {temperature: .inf}\n", ["sampling.temperature", "inf"]),
    ("executor: {time_min: 0}\n", ["executor.time_min: must be >= 1, got 0"]),
    ("executor: {mem_gb: -2}\n", ["executor.mem_gb"]),
    ("executor: {gpus_per_node: -1}\n", ["executor.gpus_per_node"]),
])
def test_values_that_must_be_refused(tmp_path, capsys, text, needles):
    one_line(capsys, ["run", str(_cfg(tmp_path, text)), "--out", str(tmp_path / "o")], *needles)
    assert not (tmp_path / "o").exists()


def test_duplicate_keys_are_refused_with_their_line_also_nested(tmp_path, capsys):
    one_line(capsys, ["run", str(_cfg(tmp_path, "turns: 3\n")), "--out", str(tmp_path / "o")],
             "c.yaml:6", "duplicate key 'turns' (first on line 3)")
    one_line(capsys, ["run", str(_cfg(tmp_path, "sampling:\n  seed: 1\n  seed: 2\n")), "--out", str(tmp_path / "o")],
             "c.yaml:8", "duplicate key 'seed'")


def test_a_bool_level_and_bad_model_sizes(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"backend: fake\nmodel: {tmp_path / 'm.json'}\nconditions: [{{type: authority, level: true}}]\n")
    one_line(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "conditions[0].level: expected an integer")
    for size in ("-3", ".nan"):
        cfg.write_text(f"backend: fake\nmodels: [{{name: {tmp_path / 'm.json'}, params_b: {size}}}]\n")
        one_line(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "models[0].params_b")


def test_command_line_values_out_of_range(capsys):
    one_line(capsys, ["sample", "--backend", "fake", "--model", "fake", "--prompt", "hi", "--top-logprobs", "0"],
             "--top-logprobs: must be between 1 and 100")
    one_line(capsys, ["sample", "--backend", "fake", "--model", "fake", "--prompt", "hi", "--top-logprobs", "-1"],
             "--top-logprobs")
    one_line(capsys, ["pushbacks", "render", "--type", "assert", "--turn", "99", "--turns", "5"], "--turn")
    one_line(capsys, ["pushbacks", "render", "--type", "assert", "--turns", "0"], "--turns: must be between 1 and 100")


def test_an_alias_bomb_is_quoted_in_bounded_form_and_fast(tmp_path, capsys):
    levels = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
        f"&{chr(98 + k)} [" + ",".join([f"*{chr(97 + k)}"] * 9) + "]" for k in range(7)]
    cfg = tmp_path / "bomb.yaml"
    cfg.write_text(f"backend: fake\nmodel: {tmp_path / 'm.json'}\nturns:\n" + "".join(f"  - {x}\n" for x in levels))
    t0 = time.monotonic()
    err = one_line(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "aliases expand to more than 100,000 values")
    assert len(err) < 400 and time.monotonic() - t0 < 10


def test_a_300_character_model_name_is_one_line(tmp_path, capsys):
    name = "m" * 300
    one_line(capsys, ["run", str(_cfg(tmp_path, "")), "--model", name, "--out", str(tmp_path / "o")],
             "models[0].name: 300 characters")
    one_line(capsys, ["sample", "--backend", "vllm", "--model", name, "--prompt", "hi"], "300 characters")
    assert not (tmp_path / "o").exists()


def test_a_lone_surrogate_is_refused_at_load(tmp_path, capsys):
    data = tmp_path / "items.jsonl"
    data.write_text('{"id": "a", "question": "Q\\ud800?", "answer": "A", "alternative": "B"}\n')
    one_line(capsys, ["run", str(_cfg(tmp_path, "")), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")],
             "items.jsonl:1: question: holds a lone surrogate")


def test_a_run_with_no_pushback_turns_reports(tmp_path, capsys):
    cfg = make_sweep(tmp_path, n_models=1)
    cfg.write_text(cfg.read_text().replace("turns: 2", "turns: 0"))
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    assert main(["report", str(tmp_path / "s"), "--out", str(tmp_path / "rep"), "--bootstrap", "20"]) == 0
    assert main(["leaderboard", str(tmp_path / "s"), "--bootstrap", "20"]) == 0
    assert (tmp_path / "rep" / "report.html").is_file()


def test_a_folder_left_by_a_model_name_typo_is_reused(tmp_path, capsys):
    cfg = make_sweep(tmp_path, n_models=1)
    out = tmp_path / "run"
    run_cfg = tmp_path / "run.yaml"
    run_cfg.write_text("backend: vllm\nmodel: smollm2-135m-instruct\nturns: 1\nconditions: [disagree]\n")
    one_line(capsys, ["run", str(run_cfg), "--model", "smollm2-135m-instructt", "--out", str(out)], "unknown model")
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(out), "--no-report"]) == 0


def test_nesting_too_deep_is_one_line(tmp_path, capsys):
    cfg = tmp_path / "deep.yaml"
    cfg.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    one_line(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], "nested deeper than 50 levels")
    rows = tmp_path / "deep.jsonl"
    rows.write_text('{"id": "a", "question": "Q?", "answer": "A", "alternative": "B", "reply": '
                    + "[" * 100000 + "]" * 100000 + "}\n")
    one_line(capsys, ["readout", str(rows)], "deep.jsonl:1", "nested too deeply")
    sweep = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(sweep), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    (tmp_path / "s" / "sweep.json").write_text("[" * 100000 + "]" * 100000)
    capsys.readouterr()
    one_line(capsys, ["status", str(tmp_path / "s")], "sweep.json", "nested too deeply")


@pytest.mark.parametrize("answer, alternative", [("New York", "New  York"), ("New York", "New\u00a0York"),
                                                 ("Caf\u00e9", "Cafe\u0301")])
def test_answer_and_alternative_equal_up_to_whitespace_or_unicode_form(tmp_path, capsys, answer, alternative):
    data = tmp_path / "items.jsonl"
    data.write_text(json.dumps({"id": "a", "question": "Q?", "answer": answer, "alternative": alternative}) + "\n")
    one_line(capsys, ["run", str(_cfg(tmp_path, "")), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")],
             "alternative: equals the answer")
