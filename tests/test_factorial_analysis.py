"""Synthetic truth for the factorial contrasts: a model whose capitulation depends on firmness only shows no
credential effect and a firmness effect; a known dose-response slope is recovered within its interval."""
import numpy as np
import pytest
import pandas as pd

from paraphrase import factorial_condition
from probe.boot import ItemBootstrap
from probe.analysis.factorial import factorial_tables
from probe.analysis.population import prepare


def _conversations(p_of, cells, n_items=150, seed=0, p_wrong=0.0, p_valid=0.6):
    """One conversation per item x cell (plus neutral): capitulated ~ Bernoulli(p_of(condition)), with an item
    effect so that items matter (clustered)."""
    rng = np.random.default_rng(seed)
    item_shift = rng.normal(0, 0.05, n_items)
    rows = []
    for name in [*cells, "neutral"]:
        cond = factorial_condition(name) if name != "neutral" else None
        for i in range(n_items):
            wrong = rng.random() < p_wrong
            p = (p_valid if cond is not None and cond.argument == "valid" else 0.05) if wrong or cond is None \
                else p_of(cond)
            y = rng.random() < float(np.clip(p + item_shift[i], 0, 1))
            rows.append({"model": "m", "dataset": "d", "item_id": f"i{i}", "condition": name,
                         "pushback_type": "factorial" if cond else "neutral", "level": cond.level if cond else 0,
                         "source": cond.source if cond else "", "firmness": cond.firmness if cond else "",
                         "argument": cond.argument if cond else "",
                         "control": cond is None or cond.argument == "valid",
                         "initial_class": "alternative" if wrong else "gold", "capitulated": y, "switched": y,
                         "to_gold": bool(y and wrong)})
    return prepare(pd.DataFrame(rows))


def _effect(t, contrast, outcome="capitulation"):
    e = t["factor_effects"]
    return e[(e.contrast == contrast) & (e.outcome == outcome)].iloc[0]


def test_firmness_only_model_shows_no_credential_effect_and_a_firmness_effect():
    cells = [f"{s}.{f}.bare" for s in ("none", "expert") for f in ("hedged", "firm")]
    covered, excluded, n_sim = 0, 0, 40
    for sim in range(n_sim):  # the credential interval is a 95 % interval: it covers 0 in about 95 % of runs
        conv = _conversations(lambda c: 0.6 if c.firmness == "firm" else 0.2, cells, seed=sim)
        t = factorial_tables(conv, ItemBootstrap(conv["_item"].max() + 1, 300, seed=sim))
        cred = [_effect(t, f"credential (expert - none) | {f}") for f in ("hedged", "firm")]
        assert all(c.estimable for c in cred)
        covered += sum(c.lo <= 0 <= c.hi for c in cred)
        firm = _effect(t, "firmness (firm - hedged) | source none")
        excluded += firm.lo > 0
    assert covered >= 0.85 * 2 * n_sim and excluded == n_sim, (covered, excluded)
    assert abs(firm.estimate - 0.4) < 0.1, firm.to_dict()
    mech = _effect(t, "expert.hedged - none.firm")
    assert mech.hi < 0 and "less than a plain user's firm claim" in mech.finding
    cells_table = t["factorial_cells"]
    nf = cells_table[cells_table.condition == "none.firm.bare"].iloc[0]
    assert nf.capitulation_vs_neutral_lo > 0.4  # 0.6 against neutral's 0.05


def test_a_known_dose_response_slope_is_recovered():
    cells = [f"{s}.firm.bare" for s in ("none", "layperson", "teacher", "professor", "expert")]
    conv = _conversations(lambda c: 0.1 + 0.12 * c.level, cells, n_items=200, seed=3)
    t = factorial_tables(conv, ItemBootstrap(conv["_item"].max() + 1, 400, seed=2))
    slope = t["dose_slope"].query("outcome == 'capitulation'").iloc[0]
    assert slope.lo <= 0.12 <= slope.hi and slope.lo > 0.05, slope.to_dict()
    curve = t["dose_response"]
    assert list(curve.level) == [0, 1, 2, 3, 4] and (curve.n == 200).all()
    odds = t["factor_odds"].query("outcome == 'capitulation' and term == 'credential level'").iloc[0]
    assert odds.lo > 1


def test_discrimination_is_yield_to_valid_minus_yield_to_a_fallacy():
    cells = ["none.firm.fallacy", "none.firm.valid", "none.firm.bare"]
    conv = _conversations(lambda c: 0.5, cells, n_items=300, seed=5, p_wrong=0.5, p_valid=0.8)
    t = factorial_tables(conv, ItemBootstrap(conv["_item"].max() + 1, 300, seed=3))
    d = t["discrimination"].iloc[0]
    assert d.lo <= 0.3 <= d.hi and d.lo > 0.1, d.to_dict()


def test_too_few_initially_correct_conversations_is_said_not_estimated():
    cells = [f"{s}.{f}.bare" for s in ("none", "expert") for f in ("hedged", "firm")]
    conv = _conversations(lambda c: 0.5, cells, n_items=4)
    t = factorial_tables(conv, ItemBootstrap(conv["_item"].max() + 1, 100))
    e = t["factor_effects"]
    assert not e.estimable.any() and e.estimate.isna().all()
    assert e.finding.str.startswith("not estimable").all()


def test_runs_without_factorial_cells_have_no_factorial_tables():
    conv = _conversations(lambda c: 0.5, [], n_items=10)
    assert factorial_tables(conv, ItemBootstrap(10, 50)) == {}


def test_a_run_with_factorial_cells_leads_its_report_with_the_findings(tmp_path):
    from probe.cli import main
    from tests.helpers import make_sweep

    cfg = make_sweep(tmp_path, n_models=1, conditions="[neutral, '*.*.bare']")
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    assert main(["report", str(tmp_path / "s"), "--out", str(tmp_path / "rep")]) == 0
    md = (tmp_path / "rep" / "report.md").read_text()
    first = md.index("## ")
    assert md[first:].startswith("## Why expert pushback works")
    assert "not estimable" in md  # 5 items: too few conversations per cell for a number
    effects = pd.read_csv(tmp_path / "rep" / "tables" / "factor_effects.csv")
    assert set(effects.contrast) >= {"expert.hedged - none.firm", "credential (expert - none) | firm"}
    assert (tmp_path / "rep" / "figures" / "factorial_dose.png").is_file()


def test_maintained_replies_that_argue_harder_under_pressure_show_a_positive_slope_against_neutral():
    from probe.analysis.persuasion import persuasion_escalation, persuasion_markers
    from probe.analysis.population import conversation_index

    rng = np.random.default_rng(0)
    conv_rows, turn_rows = [], []
    for i in range(60):
        for cond in ("neutral", "expert.firm.bare"):
            conv_rows.append({"model": "m", "dataset": "d", "item_id": f"i{i}", "variant": "original",
                              "condition": cond, "control": cond == "neutral", "initial_class": "gold"})
            for t in range(1, 5):
                arguing = cond != "neutral" and rng.random() < 0.2 * t  # 0.2 more replies argue each turn
                reply = ("The answer is Paris, because experts agree." if arguing else "The answer is Paris.")
                turn_rows.append({"model": "m", "dataset": "d", "item_id": f"i{i}", "variant": "original",
                                  "condition": cond, "turn": t, "kind": "maintain", "response": reply,
                                  "response_tokens": 10 + (3 * t if cond != "neutral" else 0)})
    conv, turns = prepare(pd.DataFrame(conv_rows)), pd.DataFrame(turn_rows)
    out = persuasion_escalation(turns, conv, conversation_index(turns, conv), ItemBootstrap(60, 300))
    row = out.set_index("condition").loc["expert.firm.bare"]
    assert row.tokens_vs_neutral == pytest.approx(3.0)
    assert row.logical_vs_neutral_lo > 0.1 and row.logical_vs_neutral_lo <= 0.2 <= row.logical_vs_neutral_hi
    assert row.authority_slope == pytest.approx(row.logical_slope) and row.hedge_slope == 0
    assert out.set_index("condition").loc["all pressure conditions", "n"] == 240
    m = persuasion_markers(pd.Series(["It was founded in 1850.", "Over 90% of maps show it.", "since 1990, yes"]))
    assert list(m.quantitative) == [False, True, False] and not m.logical.any()
