"""Bad input, round 3: a one-line error (exit 2, no traceback) naming the file or field, and nothing lost -- for a
PROBE_HOME that is a file, a corrupt GGUF, non-UTF-8 readout input, a write that fails mid-run, a NUL byte in a
config, readout rows that `probe run` refuses, FILE with --eval; and what is accepted: a JSONL with a byte-order
mark, a report of a small run without numpy warnings.  Report folders and pooled runs: tests/test_report_safety.py.
"""
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from probe.cli import main
from tests.helpers import ROOT, make_sweep
from tests.test_bad_inputs import checksums, one_line

GOOD = {"id": "q1", "question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney",
        "reply": "Canberra."}


def test_probe_home_that_is_a_file(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("PROBE_HOME", str(home))
    one_line(capsys, ["models", "prepare", "smollm2-135m-instruct"], f"PROBE_HOME={home}", "Not a directory")
    one_line(capsys, ["sample", "--backend", "hf", "--model", "gemma-3-270m", "--prompt", "hi"], f"PROBE_HOME={home}")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    one_line(capsys, ["models", "import-gguf", str(gguf), "--name", "mine"], f"PROBE_HOME={home}")
    assert home.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_probe_home_that_cannot_be_written(tmp_path, capsys, monkeypatch):
    home = tmp_path / "ro"
    (home / "models").mkdir(parents=True)
    (home / "models").chmod(0o555)
    monkeypatch.setenv("PROBE_HOME", str(home))
    one_line(capsys, ["models", "prepare", "smollm2-135m-instruct"], "is not writable")


@pytest.mark.parametrize("content", [b"GGUF", b"GGUF\x03\x00\x00\x00" + b"\x07" * 40])
def test_truncated_or_corrupt_gguf_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch, content):
    monkeypatch.setenv("PROBE_HOME", str(tmp_path / "home"))
    gguf = tmp_path / "t.gguf"
    gguf.write_bytes(content)
    one_line(capsys, ["models", "import-gguf", str(gguf), "--name", "t"], str(gguf), "not a readable GGUF model")
    assert list((tmp_path / "home" / "models").iterdir()) == []


def test_import_gguf_follows_the_umask(tmp_path, monkeypatch):
    """A shared PROBE_HOME stays readable: the model folder and model.safetensors follow the umask (0755 / 0644)."""
    from probe.backends import models

    gguf = models._assemble_gguf(models.REGISTRY["smollm2-135m-instruct"], tmp_path)
    monkeypatch.setenv("PROBE_HOME", str(tmp_path / "home"))
    old = os.umask(0o022)
    try:
        dest = models.import_gguf(str(gguf), "shared")
    finally:
        os.umask(old)
    assert oct(dest.stat().st_mode & 0o777) == oct(0o755)
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in dest.iterdir()}
    assert modes["model.safetensors"] == oct(0o644) and set(modes.values()) == {oct(0o644)}


def test_readout_on_non_utf8_bytes_names_the_line(tmp_path, capsys):
    f = tmp_path / "r.jsonl"
    f.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"id": "q2", "question": "Q\xff?"}\n')
    one_line(capsys, ["readout", str(f)], f"{f}:2", "not UTF-8")
    one_line(capsys, ["readout", "--eval", str(f)], f"{f}:2", "not UTF-8")


@pytest.mark.parametrize("row, needle", [
    ('{"id": "q2", "question": "Q?", "answer": NaN, "alternative": "x", "reply": "x"}', ":2: answer"),
    ({"alternative": "Canberra"}, ":2: alternative: equals the answer"),
    ({"aliases": ["Sydney"]}, ":2: aliases: alias 'Sydney' equals the alternative"),
])
def test_readout_refuses_the_rows_probe_run_refuses(tmp_path, capsys, row, needle):
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps(GOOD) + "\n" + (row if isinstance(row, str) else json.dumps({**GOOD, "id": "q2", **row}))
                 + "\n")
    one_line(capsys, ["readout", str(f)], str(f) + needle)


def test_readout_file_with_eval_is_refused(tmp_path, capsys):
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps(GOOD) + "\n")
    one_line(capsys, ["readout", str(f), "--eval", str(f)], "not both")


def test_jsonl_with_a_byte_order_mark_is_read(tmp_path, capsys):
    f = tmp_path / "r.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    assert main(["readout", str(f), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["said"] == "gold"


def test_nul_byte_in_a_config_names_its_line(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(b"backend: fake\nmodel: fake\nturns: 1\nname: a\x00b\n")
    one_line(capsys, ["run", str(cfg), "--out", str(tmp_path / "o")], f"{cfg}:4", "#x0000")


def test_a_write_that_fails_mid_run_is_one_line_and_loses_nothing(tmp_path):
    """`ulimit -f` (a full disk, a quota): the run stops at the first file it cannot write and says which and why;
    no partial file is left, the rerun without the limit completes the run, and a later run that cannot write
    changes none of the finished results."""
    cfg = make_sweep(tmp_path, n_models=1)
    run = tmp_path / "run"
    probe = Path(sys.executable).with_name("probe")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def limited():
        return subprocess.run(["bash", "-c", f"ulimit -f 2; exec {probe} run {cfg} --out {run} --no-progress"],
                              capture_output=True, text=True, env=env, cwd=ROOT)

    def one_line_about_a_file(done):
        err = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(err) == 1 and "Traceback" not in done.stderr, done.stderr
        assert "cannot write" in err[0] and "File too large" in err[0] and str(run) in err[0], err

    one_line_about_a_file(limited())
    assert not [p for p in run.rglob("*") if p.is_file() and p.suffix == ".parquet"]  # no partial result
    ok = subprocess.run([str(probe), "run", str(cfg), "--out", str(run), "--no-progress"], capture_output=True,
                        text=True, env=env, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    before = checksums(run)
    one_line_about_a_file(limited())  # the collected files cannot be written again: the old ones stay
    after = checksums(run)
    assert {k: v for k, v in after.items() if k.endswith(".parquet")} == \
        {k: v for k, v in before.items() if k.endswith(".parquet")}
    assert not [k for k in after if Path(k).name.startswith(".") and not k.endswith(".lock")]


def test_a_small_report_prints_no_numpy_warnings(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert main(["report", str(tmp_path / "s"), "--out", str(tmp_path / "rep"), "--bootstrap", "30"]) == 0
