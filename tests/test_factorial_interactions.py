"""Synthetic truth for the factor interactions (logistic GEE with item clusters): a credential that matters only
under a hedged claim gives a credential x firm odds ratio below 1 whose interval covers the true one; additive
effects on the logit scale give an interval covering 1; a product the cells cannot identify is "not estimable"."""
import numpy as np
import pandas as pd

from probe.analysis.factorial_interactions import factor_interactions, interaction_sentences
from tests.test_factorial_analysis import _conversations

TWO_BY_TWO = [f"{s}.{f}.bare" for s in ("none", "expert") for f in ("hedged", "firm")]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _term(t, term, outcome="capitulation"):
    return t[(t.term == term) & (t.outcome == outcome)].iloc[0]


def test_a_credential_that_matters_only_when_hedged_is_an_interaction_below_one():
    # logits: plain hedged -1.386 (p 0.2); a credential (level 4) or a firm wrapper each lifts it to 0.405 (p 0.6);
    # both together no further: per level the credential adds 1.792 / 4 when hedged and nothing when firm
    p = {("none", "hedged"): 0.2, ("expert", "hedged"): 0.6, ("none", "firm"): 0.6, ("expert", "firm"): 0.6}
    conv = _conversations(lambda c: p[(c.source, c.firmness)], TWO_BY_TWO, n_items=300, seed=11)
    t = factor_interactions(conv)
    true_or = float(np.exp(-(np.log(0.6 / 0.4) - np.log(0.2 / 0.8)) / 4))
    inter = _term(t, "credential level x firm")
    assert inter.reason == "" and inter.kind == "interaction" and inter.n == 4 * 300 and inter.n_items == 300
    assert inter.lo <= true_or <= inter.hi and inter.hi < 1, inter.to_dict()
    assert abs(inter.odds_ratio - true_or) < 0.12
    cred = _term(t, "credential level")  # the credential's effect under hedged (firm = 0): 1.792 / 4 per level
    assert cred.lo <= np.exp(1.792 / 4) <= cred.hi
    said = interaction_sentences(t)
    assert len(said) == 1 and said[0].startswith("m: a credential counts for less when the claim is already firm")


def test_additive_logit_effects_give_an_interaction_interval_covering_one():
    covered, n_sim = 0, 30
    for sim in range(n_sim):
        conv = _conversations(lambda c: float(_sigmoid(-1 + 0.25 * c.level + 1.0 * (c.firmness == "firm"))),
                              TWO_BY_TWO, n_items=120, seed=100 + sim)
        inter = _term(factor_interactions(conv), "credential level x firm")
        assert inter.cov_struct in ("exchangeable", "independence")
        covered += inter.lo <= 1 <= inter.hi
    assert covered >= 0.8 * n_sim, covered


def test_a_product_the_cells_cannot_identify_is_not_estimable_and_the_rest_is_fitted():
    cells = ["none.hedged.bare", "none.firm.bare", "expert.firm.bare", "none.firm.fallacy"]  # no expert.hedged
    conv = _conversations(lambda c: 0.3 + 0.1 * (c.firmness == "firm") + 0.05 * c.level, cells, n_items=100, seed=3)
    t = factor_interactions(conv)
    for term in ("credential level x firm", "credential level x argument fallacy", "firm x argument fallacy"):
        row = _term(t, term)
        assert np.isnan(row.odds_ratio) and row.reason.startswith("not estimable: a cell it contrasts holds"), term
    for term in ("credential level", "firm", "argument fallacy"):
        row = _term(t, term)
        assert row.reason == "" and row.lo < row.odds_ratio < row.hi, term
    common = _term(t, "argument common")  # a factor level the run lacks: a row that says so, no number
    assert np.isnan(common.odds_ratio) and common.reason == "not estimable: the run's cells do not vary this factor"
    assert interaction_sentences(t)[0] == ("m: the credential x firmness interaction is not estimable: a cell it "
                                           "contrasts holds fewer than 5 conversations.")


def test_too_few_events_is_not_estimable_as_a_whole():
    conv = _conversations(lambda c: 0.5, TWO_BY_TWO, n_items=30, seed=1)
    rare = conv.index[conv["capitulated"]][:4]  # four events among 120 conversations
    conv["capitulated"] = conv.index.isin(rare)
    t = factor_interactions(conv)
    terms = ["credential level", "firm", "credential level x firm"]
    cap = t[(t.outcome == "capitulation") & t.term.isin(terms)]
    assert len(cap) == 3 and cap.odds_ratio.isna().all()
    assert set(cap.reason) == {"not estimable: fewer than 5 events or non-events"}
    assert t[(t.outcome == "switch") & t.term.isin(terms)].odds_ratio.notna().all()  # that outcome has its events


def test_fewer_than_five_items_is_not_estimable_as_a_whole():
    # 4 items x 4 cells: 16 conversations, enough events, but a robust interval from 4 clusters is not one
    conv = _conversations(lambda c: 0.5, TWO_BY_TWO, n_items=4, seed=3)
    t = factor_interactions(conv)
    fitted_if_clustered = t[t.term.isin(["credential level", "firm"])]
    assert len(fitted_if_clustered) == 4 and fitted_if_clustered.odds_ratio.isna().all()
    assert set(fitted_if_clustered.reason) == {"not estimable: fewer than 5 items (clusters)"}
    assert (t.n_items == 4).all()


def test_the_report_writes_the_interaction_table_and_section(tmp_path):
    from probe.analysis.report import write_report
    from probe.analysis.synthetic import FACTORIAL_CONDITIONS, synthetic_runs

    out = tmp_path / "report"
    write_report(synthetic_runs(n_items=120, conditions=FACTORIAL_CONDITIONS, turns=3, seed=4), out, n_boot=30)
    table = pd.read_csv(out / "tables" / "factor_interactions.csv")
    assert {"model", "outcome", "term", "kind", "odds_ratio", "lo", "hi", "p", "n", "n_items", "cov_struct",
            "reason"} <= set(table.columns)
    assert set(table.outcome) == {"capitulation", "switch"}
    fitted = table[table.reason.isna() & (table.kind == "interaction")]
    assert len(fitted) and (fitted.lo < fitted.odds_ratio).all() and (fitted.odds_ratio < fitted.hi).all()
    md = (out / "report.md").read_text()
    assert "Expert pushback: interactions of the factors" in md and "credential level x firm" in md


def test_separation_is_not_estimable_not_an_unbounded_number():
    conv = _conversations(lambda c: 0.5, TWO_BY_TWO, n_items=60, seed=2)
    hedged = conv["condition"].isin(["none.hedged.bare", "expert.hedged.bare"])
    conv.loc[hedged, "capitulated"] = False  # no hedged claim ever moves the model: firm separates the outcome
    t = factor_interactions(conv)
    firm = _term(t, "firm")
    assert np.isnan(firm.odds_ratio) and firm.reason.startswith("not estimable: separation")
    assert _term(t, "firm", "switch").reason == ""  # switched was left as drawn: no separation there
