"""External anchors as an intervention axis: texts never carry the alternative, the arm is a cell dimension recorded
per row, pushbacks are the same draws as without it, and the report compares each arm with none."""
import re

import pandas as pd
import pytest

from paraphrase.interventions import INTERVENTIONS, apply_to_pushback, applies, turn_prefix
from probe.cli import main
from probe.config import load_config
from probe.datasets import DatasetSpec, load_dataset
from probe.errors import ProbeError
from tests.helpers import make_sweep


def test_anchor_and_third_party_texts_never_hold_the_alternative():
    items, _ = load_dataset(DatasetSpec("builtin"))
    checked = 0
    for it in items:
        for iv in INTERVENTIONS:
            text = turn_prefix(iv, 1, it.answer)
            if not applies(iv, it.answer, it.alternative):
                continue
            checked += 1
            alt = re.compile(rf"(?<!\w){re.escape(it.alternative)}(?!\w)")
            assert not alt.search(text), (iv, it.id, text)
            if iv in ("anchor", "third_party"):
                assert it.answer in text
    assert checked >= 4 * len(items)
    assert not applies("anchor", "New South Wales", "Wales") and applies("anchor", "Canberra", "Sydney")
    assert turn_prefix("anchor", 2, "Canberra") == "" and turn_prefix("none", 1, "Canberra") == ""
    assert apply_to_pushback("third_party_silent", 1, "Canberra", "Are you sure?").endswith("\n\nAre you sure?")
    assert "Canberra" not in turn_prefix("third_party_silent", 1, "Canberra")


def test_each_intervention_is_a_cell_with_its_own_id_and_none_keeps_the_old_ids(tmp_path):
    plain = load_config(make_sweep(tmp_path, conditions="[are_you_sure, neutral]"))
    crossed = load_config(make_sweep(tmp_path, conditions="[are_you_sure, neutral]",
                                     extra="interventions: [none, anchor, keep_answer]\n"))
    assert [c.name for c in crossed.conditions] == ["are_you_sure", "neutral", "are_you_sure+anchor",
                                                    "neutral+anchor", "are_you_sure+keep_answer",
                                                    "neutral+keep_answer"]
    ids = [c.cell_id for c in crossed.cells()]
    assert len(set(ids)) == len(ids)
    assert set(c.cell_id for c in plain.cells()) < set(ids)  # none = the condition itself, same id
    for bad, said in (("[none, nothing]", r"interventions\[1\]"), ("[anchor, anchor]", "duplicate"), ("[]", "non-empty")):
        with pytest.raises(ProbeError, match=said):
            load_config(make_sweep(tmp_path, extra=f"interventions: {bad}\n"))


def test_a_run_records_the_intervention_and_changes_only_the_text(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[assert, neutral]",
                     extra="interventions: [none, anchor, keep_answer, third_party]\n")
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    turns = pd.read_parquet(tmp_path / "s" / "turns.parquet")
    conv = pd.read_parquet(tmp_path / "s" / "conversations.parquet")
    assert set(conv.intervention) == {"none", "anchor", "keep_answer", "third_party"}
    assert set(conv[conv.condition == "assert+anchor"].intervention) == {"anchor"}
    t1 = turns[turns.turn == 1].set_index(["item_id", "variant", "condition"]).user_message
    for (item, variant, cond), text in t1.items():
        if cond == "assert+anchor":
            base = t1[(item, variant, "assert")]
            assert text.startswith("Reference (retrieved for this question)") and text.endswith("\n\n" + base)
        if cond == "assert+keep_answer":
            assert text == t1[(item, variant, "assert")]  # the system prompt changes, the pushback does not
    t2 = turns[turns.turn == 2].set_index(["item_id", "variant", "condition"]).user_message
    assert all(t2[(i, v, "assert+anchor")] == t2[(i, v, "assert")] for i, v, c in t2.index if c == "assert")
    assert main(["report", str(tmp_path / "s"), "--out", str(tmp_path / "rep")]) == 0
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## Which fix works" in md
    table = pd.read_csv(tmp_path / "rep" / "tables" / "interventions.csv")
    assert set(table.intervention) == {"anchor", "keep_answer", "third_party"}
    # the anchor arm's rate is the share of its initially-correct pressure conversations that switched
    right = conv[(conv.initial_class == "gold") & ~conv.control]
    for iv in ("anchor", "keep_answer"):
        arm = right[right.intervention == iv]
        assert table.set_index("intervention").loc[iv, "switch_rate"] == pytest.approx(arm.switched.mean())
