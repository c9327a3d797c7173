"""Declared once, in probe/records.py: each confidence column's label, family and sign beside the column, and the
run and model manifests as frozen dataclasses whose fields are the keys of the JSON written.

    pytest -q tests/test_declared_once.py
"""
from __future__ import annotations

import ast
import dataclasses
import json
import math

import pandas as pd
import pytest

from probe.analysis.labels import CONF_MEASURES, MEASURE_LABEL, SIGN
from probe.analysis.panel import PANEL_COLUMNS, PANEL_ESTIMATORS
from probe.cli import main
from probe.confidence import CONF_COLUMNS
from probe.records import (BELIEF_PROBE, CONVERSATION_COLUMNS, MEASURES, SAMPLING, SIDE_BRANCH, TOKEN, ModelManifest,
                           RunManifest)
from tests.helpers import ROOT, make_sweep

FAMILIES = {TOKEN, BELIEF_PROBE, SIDE_BRANCH, SAMPLING}


def test_every_confidence_value_column_declares_its_label_family_and_sign():
    values = [c.name for c in CONVERSATION_COLUMNS if c.name.startswith("conf_") and c.dtype == "float64"]
    assert list(MEASURES) == values and len(values) == 18
    for c in MEASURES.values():
        assert c.label and c.family in FAMILIES and c.sign in (1.0, -1.0), c
    assert len({c.label for c in MEASURES.values()}) == len(MEASURES)  # no two columns print alike
    assert [n for n, c in MEASURES.items() if c.sign < 0] == ["conf_entropy"]  # the one uncertainty, negated
    assert all(c.label.startswith("negated") for n, c in MEASURES.items() if "entropy" in n)


def test_the_panel_the_labels_and_the_analysis_read_the_declaration():
    assert PANEL_ESTIMATORS == tuple((n, MEASURES[n].label, MEASURES[n].family) for n in PANEL_COLUMNS)
    assert MEASURE_LABEL == {n: c.label for n, c in MEASURES.items()}
    assert MEASURE_LABEL["conf_margin"] == dict((c, label) for c, label, _ in PANEL_ESTIMATORS)["conf_margin"]
    assert SIGN["conf_entropy"] == -1.0 and SIGN["conf_neg_mean_entropy"] == 1.0
    assert set(CONF_MEASURES) <= set(MEASURES) and set(PANEL_COLUMNS) <= set(MEASURES)
    assert set(CONF_COLUMNS) == {n for n, c in MEASURES.items() if c.family in (TOKEN, BELIEF_PROBE)}


def _literal_labels(path) -> list[tuple[int, str, str]]:
    """(line, column, text): a confidence column's name paired with another string in one tuple, list or dict
    literal -- a label written again beside the column instead of read from probe.records."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            pairs = [(k, v) for k, v in zip(node.keys, node.values)]
        elif isinstance(node, (ast.Tuple, ast.List)):
            consts = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            pairs = [(a, b) for a in consts for b in consts if a is not b]
        else:
            continue
        for k, v in pairs:
            if (isinstance(k, ast.Constant) and k.value in MEASURES and isinstance(v, ast.Constant)
                    and isinstance(v.value, str) and not v.value.startswith("conf_")):
                out.append((node.lineno, k.value, v.value))
    return out


def test_no_module_writes_a_confidence_label_again():
    found = {str(p.relative_to(ROOT)): hits for p in sorted((ROOT / "probe").rglob("*.py"))
             if p.name != "records.py" and (hits := _literal_labels(p))}
    assert found == {}
    labels = {c.label for c in MEASURES.values()}
    strings = {str(p.relative_to(ROOT)): sorted(labels & {n.value for n in ast.walk(ast.parse(p.read_text()))
                                                          if isinstance(n, ast.Constant) and isinstance(n.value, str)})
               for p in sorted((ROOT / "probe").rglob("*.py")) if p.name != "records.py"}
    assert {k: v for k, v in strings.items() if v} == {}


def test_the_check_finds_a_label_written_beside_its_column(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('X = {"conf_margin": "top-2 margin"}\nY = (("conf_margin", "first-token margin", "token"),)\n'
                 'Z = ("conf_answer_prob", "conf_margin")\n')
    assert _literal_labels(f) == [(1, "conf_margin", "top-2 margin"), (2, "conf_margin", "first-token margin"),
                                  (2, "conf_margin", "token")]


def test_manifests_are_frozen_dataclasses_whose_fields_are_the_json_keys(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    run = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert list(run) == [f.name for f in dataclasses.fields(RunManifest)]
    (model,) = run["models"].values()
    assert list(model) == [f.name for f in dataclasses.fields(ModelManifest)]
    assert list(json.loads(next((tmp_path / "s" / "manifests").glob("*.json")).read_text())) == list(model)
    assert model["n_conversations"] == run["n_conversations"] == len(pd.read_parquet(tmp_path / "s" /
                                                                                    "conversations.parquet"))
    assert model["cells_run"] == 6 and model["cells_failed"] == 0 and run["missing_cells"] == 0
    assert model["backend"]["backend"] == "fake" and run["config"]["name"] == "t"
    m = ModelManifest(**model)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.cells_run = 7
    assert m.to_json() == model and RunManifest(**run).to_json() == run
    assert math.isfinite(run["belief_said_agreement_turn0"]) or run["belief_said_agreement_n"] == 0
