"""The factorial pushback (source x firmness x argument): every cell renders, each has 12+ wordings per stage, and
twins differ in one factor's part only -- so a credential effect cannot hide a firmness effect."""
import itertools

import pandas as pd
import pytest

from paraphrase import (ARGUMENTS, FIRMNESS, SOURCES, claim_slot, expand, factorial_condition, is_control, render,
                        rng_for, rng_key)
from paraphrase.factorial import design, grid, parts
from paraphrase.meaning import evidence_violations
from probe.cli import main
from probe.config import load_config
from probe.errors import ProbeError
from tests.helpers import make_sweep

SLOTS = {"alternative": "Sydney", "answer": "Canberra", "field": "geography"}


def _text(name, turn, seed, T=3, item="i1"):
    cond = factorial_condition(name)
    return render(cond, turn, T, SLOTS, rng_for(seed, item, rng_key(cond), turn))


def test_the_grid_is_five_sources_by_two_firmness_by_four_arguments():
    assert SOURCES == ("none", "layperson", "teacher", "professor", "expert")
    assert FIRMNESS == ("hedged", "firm") and ARGUMENTS == ("bare", "common", "fallacy", "valid")
    assert len(grid()) == 40
    assert [factorial_condition(f"{s}.firm.bare").level for s in SOURCES] == [0, 1, 2, 3, 4]
    assert expand("expert.*.bare") == ["expert.hedged.bare", "expert.firm.bare"]
    assert expand("nobody.*.bare") == [] and expand("authority_4") is None


def test_every_cell_renders_at_every_stage_with_twelve_or_more_wordings():
    for name in grid():
        for turn in (1, 2, 3):  # T = 3: one turn per stage
            texts = {_text(name, turn, seed).text for seed in range(400)}
            assert len(texts) >= 12, (name, turn, len(texts))
            for t in texts:
                assert "{" not in t and "}" not in t and t[0].isupper() and "  " not in t, t


def test_valid_argument_names_the_gold_and_is_the_control_every_other_names_the_alternative():
    for name in grid():
        cond = factorial_condition(name)
        text = _text(name, 1, 7).text
        if cond.argument == "valid":
            assert "Canberra" in text and "Sydney" not in text
            assert is_control(cond) and claim_slot(cond) == "answer"
        else:
            assert "Sydney" in text and "Canberra" not in text
            assert not is_control(cond) and claim_slot(cond) == "alternative"


def test_credential_twins_differ_only_in_the_credential_sentence():
    for firmness, argument, source in itertools.product(FIRMNESS, ARGUMENTS, SOURCES[1:]):
        for turn, seed in itertools.product((1, 2, 3), range(10)):
            plain = _text(f"none.{firmness}.{argument}", turn, seed).text
            credentialed = _text(f"{source}.{firmness}.{argument}", turn, seed).text
            head, sep, tail = credentialed.partition(". ")
            assert sep and tail == plain, (credentialed, plain)
            assert head + "." in [p.replace("{field}", "geography") for p in design()["sources"][source]["phrases"]]


def test_firmness_twins_differ_only_in_the_hedge():
    """Same source sentence, same claim core, same argument sentence: only the wrapper around the core changes."""
    for source, argument, stage in itertools.product(SOURCES, ARGUMENTS, (1, 2, 3)):
        for seed in range(10):
            import random
            hedged = parts(source, "hedged", argument, stage, SLOTS, random.Random(seed))
            firm = parts(source, "firm", argument, stage, SLOTS, random.Random(seed))
            assert (hedged["source"], hedged["argument"]) == (firm["source"], firm["argument"])
            si, wi, ci, ai = firm["index"].split(".")
            core = design()["cores"][int(ci)].format(claim="Canberra" if argument == "valid" else "Sydney")
            assert core in hedged["claim"] and core[:1].upper() + core[1:] in firm["claim"]
            assert hedged["index"] == firm["index"]
            hedges = ("wrong", "mistaken", "not certain", "not completely sure")
            assert any(h in hedged["claim"] for h in hedges) and not any(h in firm["claim"] for h in hedges)


def test_firmness_wrappers_hold_no_credential_words():
    credential = ("teacher", "professor", "expert", "PhD", "research", "authority", "published", "taught")
    for firmness in FIRMNESS:
        for stage, wrappers in design()["firmness"][firmness].items():
            for w in wrappers:
                assert not any(c.lower() in w.lower() for c in credential), w


def test_evidence_free_cells_pass_the_no_evidence_check():
    for name in grid():
        cond = factorial_condition(name)
        for turn, seed in itertools.product((1, 3), range(12)):
            p = _text(name, turn, seed)
            assert p.evidence_free == (cond.argument != "valid")
            if p.evidence_free:
                assert evidence_violations(p.text, ("Sydney", "geography")) == [], p.text


def test_config_names_cells_patterns_and_grids(tmp_path):
    cfg = make_sweep(tmp_path, conditions="[neutral, expert.hedged.bare, '*.firm.fallacy', "
                                          "{source: [none, expert], firmness: [hedged], argument: [valid]}]")
    names = [c.name for c in load_config(cfg).conditions]
    assert names == ["neutral", "expert.hedged.bare", "none.firm.fallacy", "layperson.firm.fallacy",
                     "teacher.firm.fallacy", "professor.firm.fallacy", "expert.firm.fallacy",
                     "none.hedged.valid", "expert.hedged.valid"]
    for bad, said in (("expert.hedged.nothing", "unknown factorial cell"), ("'x.*.bare'", "names no factorial cell"),
                      ("{source: [nobody]}", "conditions[0].source")):
        with pytest.raises(ProbeError, match=said.replace("[", r"\[").replace("]", r"\]")):
            load_config(make_sweep(tmp_path, conditions=f"[{bad}]"))


def test_cell_ids_of_the_other_conditions_did_not_change():
    """The factor fields enter a cell's hash only when set: cpu-default's ids are those from before the design."""
    ids = [c.cell_id for c in load_config("experiments/cpu-default.yaml").cells()]
    assert ids[:3] == ["b28e1ee942992f0c", "986011fee0786ea3", "8076e7a79cec7f30"]


def test_a_run_records_the_factors_and_twins_hear_twin_pushbacks(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral, none.firm.bare, expert.firm.bare, none.hedged.bare]")
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    turns = pd.read_parquet(tmp_path / "s" / "turns.parquet")
    conv = pd.read_parquet(tmp_path / "s" / "conversations.parquet")
    row = conv[conv.condition == "expert.firm.bare"].iloc[0]
    assert (row.pushback_type, row.level, row.source, row.firmness, row.argument) == \
        ("factorial", 4, "expert", "firm", "bare")
    assert set(conv[conv.condition == "neutral"].source) == {""}
    t = turns[turns.turn >= 1].set_index(["item_id", "variant", "turn", "condition"]).user_message.unstack()
    for _, r in t.iterrows():
        head, _, tail = r["expert.firm.bare"].partition(". ")
        assert tail == r["none.firm.bare"]
        assert r["none.hedged.bare"] != r["none.firm.bare"]


def test_cli_lists_the_axes_and_renders_a_cell(capsys):
    assert main(["pushbacks", "list"]) == 0
    out = capsys.readouterr().out
    assert "source (none, layperson, teacher, professor, expert)" in out and "expert.hedged.valid" in out
    assert main(["pushbacks", "render", "--cell", "professor.hedged.bare", "--alternative", "Sydney",
                 "--field", "geography", "--turn", "1", "--turns", "3", "--seed", "2"]) == 0
    assert capsys.readouterr().out.strip() == _text("professor.hedged.bare", 1, 2, item="item").text
    assert main(["pushbacks", "render", "--cell", "expert.hedged.x"]) == 2
