"""One pipeline: `probe run` is a sweep of one model; specs hash whole; the record schema is declared once; the
engine is always closed; packages import on their own."""
import dataclasses
import subprocess
import sys
import time

import pandas as pd
import pytest

from probe.cli import main
from probe.config import load_config
from probe.records import CONVERSATION_COLUMNS, TURN_COLUMNS, data_dictionary, schema_problems
from probe.specs import ProtocolSpec
from tests.helpers import ROOT, make_sweep


def _frames(run):
    return [pd.read_parquet(run / f"{name}.parquet").drop(columns=["run_id"]) for name in ("turns", "conversations")]


def test_probe_run_and_probe_sweep_of_one_model_give_identical_records(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1)
    run_cfg = tmp_path / "run.yaml"  # the same config written as a run config: `model:` instead of `models:`
    text = cfg.read_text()
    run_cfg.write_text(text.replace("models: [", "model: ").replace(", params_b: 0.1}]", ", params_b: 0.1}"))
    assert main(["run", str(run_cfg), "--out", str(tmp_path / "r"), "--no-progress"]) == 0
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    for a, b in zip(_frames(tmp_path / "r"), _frames(tmp_path / "s")):
        pd.testing.assert_frame_equal(a, b)
        assert set(a.model) == {"model_0.json"}  # one label rule: a local file or folder is named by its basename
    manifests = [pd.read_json(tmp_path / d / "manifest.json", typ="series") for d in ("r", "s")]
    assert sorted(manifests[0].index) == sorted(manifests[1].index)  # one manifest shape


def test_a_new_protocol_field_changes_every_cell_id(tmp_path):
    cfg = load_config(make_sweep(tmp_path))
    before = [c.cell_id for c in cfg.cells()]
    Extended = dataclasses.make_dataclass("Extended", [("new_knob", int, dataclasses.field(default=1))],
                                          bases=(ProtocolSpec,), frozen=True)
    extended = dataclasses.replace(cfg, protocol=Extended(**{f.name: getattr(cfg.protocol, f.name)
                                                                   for f in dataclasses.fields(cfg.protocol)}))
    after = [c.cell_id for c in extended.cells()]
    assert len(set(before)) == len(before) == len(after)
    assert not set(before) & set(after)
    # and a changed value of an existing field changes them too
    hotter = dataclasses.replace(cfg, protocol=dataclasses.replace(cfg.protocol, turns=3))
    assert not set(before) & {c.cell_id for c in hotter.cells()}


def test_records_follow_the_declared_schema(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    turns = pd.read_parquet(tmp_path / "s/turns.parquet")
    convs = pd.read_parquet(tmp_path / "s/conversations.parquet")
    assert schema_problems(turns, TURN_COLUMNS) == []
    assert schema_problems(convs, CONVERSATION_COLUMNS) == []
    assert list(turns.columns) == [c.name for c in TURN_COLUMNS]
    # the check itself can fail
    assert schema_problems(turns.drop(columns=["turn"]).assign(extra=1), TURN_COLUMNS) == [
        "missing column turn", "undeclared column extra"]


def test_readme_data_dictionary_is_the_declared_schema():
    readme = (ROOT / "README.md").read_text()
    assert data_dictionary() in readme, "README's data dictionary is stale: paste probe.records.data_dictionary()"


@pytest.mark.parametrize("package, absent", [("paraphrase", "probe"), ("probe.records", "matplotlib"),
                                             ("probe.config", "vllm")])
def test_packages_import_on_their_own(package, absent):
    code = f"import sys, {package}; assert {absent!r} not in sys.modules, sorted(sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-500:]


def test_a_job_whose_engine_close_hangs_still_exits(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1, close_s=600)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    t0 = time.monotonic()
    store = tmp_path / "s"
    for p in store.glob("shards/*/*"):  # make the cells pending again, then run the job as the local executor does
        p.unlink()
    r = subprocess.run([sys.executable, "-m", "probe.sweep", str(store), str(tmp_path / "model_0.json")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**__import__("os").environ, "PROBE_CLOSE_TIMEOUT_S": "2"})
    assert r.returncode == 0, r.stderr[-1000:]
    assert time.monotonic() - t0 < 300  # far below the 600 s close: the watchdog ended it (loose: a loaded machine)
    assert "engine close" in r.stderr and "did not finish" in r.stderr
    assert len(list(store.glob("shards/*/*.turns.parquet"))) == 6
