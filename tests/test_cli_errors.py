"""Bad input ends as one line on stderr naming what is wrong, exit 2 — never a traceback."""
import json

import pytest

from probe.cli import main
from probe.config import load_config
from probe.errors import ProbeError
from probe.backends.models import resolve


def _one_line_error(capsys, argv, *needles):
    rc = main(argv)
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in err
    return err


def _exit_code(argv):
    with pytest.raises(SystemExit) as e:
        main(argv)
    return e.value.code


def test_unknown_model_missing_folder_and_empty_prompt(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_HOME", str(tmp_path))
    _one_line_error(capsys, ["sample", "--backend", "hf", "--model", "no-such-model", "--prompt", "hi"],
                    "unknown model 'no-such-model'", "probe models prepare")
    _one_line_error(capsys, ["sample", "--backend", "hf", "--model", str(tmp_path / "missing"), "--prompt", "hi"],
                    "missing")
    _one_line_error(capsys, ["sample", "--backend", "hf", "--model", "x", "--prompt", "  "], "empty prompt")


def test_bad_dtype_is_one_line_exit_2(capsys):
    assert _exit_code(["sample", "--model", "m", "--prompt", "p", "--dtype", "int3"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--dtype" in err and "int3" in err


def test_folder_without_config_and_offline_hub_id(tmp_path, monkeypatch):
    with pytest.raises(ProbeError, match="no config.json"):
        resolve(str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ProbeError, match="HF_HUB_OFFLINE=1"):
        resolve("SomeOrg/some-model")


@pytest.mark.parametrize(
    "yaml_text, needle",
    [
        ("turns: five\n", "turns: expected an integer"),
        ("sampling: {temperature: hot}\n", "sampling.temperature: expected a number"),
        ("sampling: {tempreature: 0.5}\n", "sampling.tempreature: unknown field"),
        ("conditions: [are_you_sure, gaslighting]\n", "conditions[1]: unknown condition 'gaslighting'"),
        ("conditions: [{type: authority, level: 9}]\n", "conditions[0].level"),
        ("datasets: [{format: xml}]\n", "datasets[0].format"),
        ("engine: {dtype: int3}\n", "engine.dtype"),
        ("variants: [original, weird]\n", "variants[1]"),
        ("turns: [1, 2\n", "invalid YAML"),
        ("backend: tpu\n", "backend: 'tpu'"),
    ],
)
def test_malformed_config_names_the_field(tmp_path, yaml_text, needle):
    f = tmp_path / "bad.yaml"
    f.write_text(yaml_text)
    with pytest.raises(ProbeError) as e:
        load_config(f)
    assert needle in str(e.value) and str(f) in str(e.value)


def test_run_with_bad_config_and_bad_data_row_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("conditions: [nope]\n")
    _one_line_error(capsys, ["run", str(bad), "--backend", "fake", "--out", str(tmp_path / "o")],
                    "bad.yaml", "conditions[0]")
    data = tmp_path / "items.jsonl"
    data.write_text(json.dumps({"id": "a", "question": "Q?", "answer": "x"}) + "\n")
    good = tmp_path / "good.yaml"
    good.write_text("backend: fake\nmodel: fake\nturns: 1\n")
    _one_line_error(capsys, ["run", str(good), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o")],
                    "items.jsonl:1: alternative: missing")
    assert not (tmp_path / "o").exists()


def test_generic_jsonl_runs_with_no_code_change(capsys, tmp_path):
    data = tmp_path / "items.jsonl"
    rows = [{"id": "q1", "question": "What is the capital of Australia?", "answer": "Canberra",
             "aliases": [], "alternative": "Sydney"}]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("backend: fake\nmodel: fake\nturns: 1\nconditions: [disagree]\n")
    assert main(["run", str(cfg), "--dataset", f"jsonl:{data}", "--out", str(tmp_path / "o"), "--no-progress"]) == 0
    import pandas as pd

    t = pd.read_parquet(tmp_path / "o/turns.parquet")
    assert list(t.item_id.unique()) == ["q1"] and len(t) == 2 and set(t.dataset) == {"jsonl"}
