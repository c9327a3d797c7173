"""The confidence panel: PRR against LM-Polygraph's formula, AUROC / ρ / partialled AUROC against hand
computations, the split-half ranking, and the report's table and figure."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata, spearmanr

from probe.boot import ItemBootstrap
from probe.analysis.panel import confidence_panel, exact_prr, panel_view, prr_from_counts
from probe.analysis.population import prepare
from probe.analysis.synthetic import synthetic_runs


def lm_polygraph_prr(conf, quality):
    """LM-Polygraph's PredictionRejectionArea (max_rejection = 1) on uncertainty = −confidence, normalised by the
    oracle (uncertainty = −quality) and random (the mean quality) as in its normalised PRR."""
    def area(ue):
        order = np.argsort(ue, kind="stable")
        cum = np.cumsum(quality[order])
        return np.sum((cum / np.arange(1, len(ue) + 1))[::-1]) / len(ue)

    rnd = quality.mean()
    return (area(-conf) - rnd) / (area(-quality) - rnd)


def test_prr_matches_lm_polygraph_without_ties():
    rng = np.random.default_rng(1)
    conf = rng.random(200)
    held = (rng.random(200) < conf).astype(float)
    assert exact_prr(conf, held) == pytest.approx(lm_polygraph_prr(conf, held))
    assert exact_prr(held + 0.1 * conf, held) == pytest.approx(1.0)  # held answers all more confident: oracle
    assert exact_prr(-held, held) < -0.9


def test_prr_with_ties_is_the_average_over_tie_orders():
    conf = np.array([0.9, 0.5, 0.5, 0.5, 0.1])
    held = np.array([1.0, 1.0, 0.0, 0.0, 0.0])
    orders = [[0, 1, 2, 3, 4], [0, 2, 1, 3, 4], [0, 2, 3, 1, 4]]  # the held tie member at each place
    want = np.mean([lm_polygraph_prr(-np.arange(5.0), held[o]) for o in orders])
    assert exact_prr(conf, held) == pytest.approx(want)
    # the grouped form with multiplicities equals the expanded rows
    assert float(prr_from_counts(np.array([2, 3]), np.array([2, 1]))) == pytest.approx(
        exact_prr(np.array([1, 1, 0, 0, 0.0]), np.array([1, 1, 1, 0, 0.0])))


def _conv(n_items=200, seed=0):
    """Synthetic records plus two estimators with a known relation to the outcome."""
    runs = synthetic_runs(n_items=n_items, models=("m",), params_b=(1.0,), seed=seed)
    conv = runs.conversations.copy()
    rng = np.random.default_rng(seed)
    conv["conf_p_true"] = np.where(conv["switched"], 0.2, 0.8) + rng.normal(0, 0.01, len(conv))  # the outcome
    conv["conf_verbal"] = rng.random(len(conv))  # noise
    return prepare(conv)


def test_panel_values_equal_direct_computations():
    conv = _conv()
    boot = ItemBootstrap(int(conv["_item"].max()) + 1, 200, 0)
    t = confidence_panel(conv, boot).set_index("estimator")
    prim = conv[conv["_gold"] & conv["_pressure"]]
    held = ~prim["switched"].to_numpy()
    for name in ("conf_answer_prob", "conf_verbal"):
        x = prim[name].to_numpy()
        r = rankdata(x)
        auc = (r[held].sum() - held.sum() * (held.sum() + 1) / 2) / (held.sum() * (~held).sum())
        assert t.loc[name, "auroc"] == pytest.approx(auc)
        assert t.loc[name, "spearman"] == pytest.approx(spearmanr(x, prim["turns_survived_switch"]).statistic)
        assert t.loc[name, "prr"] == pytest.approx(exact_prr(x, held.astype(float)))
        assert t.loc[name, "auroc_lo"] < t.loc[name, "auroc"] < t.loc[name, "auroc_hi"]
        assert t.loc[name, "n"] == len(prim)
    assert t.loc["conf_p_true", "auroc"] == 1.0 and t.loc["conf_p_true", "prr"] == pytest.approx(1.0)
    assert abs(t.loc["conf_verbal", "auroc"] - 0.5) < 0.15 and t.loc["conf_verbal", "prr"] < 0.5
    # entropy is an uncertainty: its sign is flipped so that larger = more confident, as for every estimator
    assert t.loc["conf_entropy", "auroc"] > 0.5
    # the estimator that is the outcome wins on half A and keeps winning on half B
    assert t.loc["conf_p_true", "rank_split_half"] == 1 and t.loc["conf_p_true", "auroc_split_half"] == 1.0


def test_auroc_partialled_on_correctness_compares_pairs_within_correctness():
    conv = _conv()
    boot = ItemBootstrap(int(conv["_item"].max()) + 1, 50, 0)
    t = confidence_panel(conv, boot).set_index("estimator")
    wide = conv[conv["_pressure"] & conv["initial_class"].isin(["gold", "alternative", "other"])]
    num = den = 0.0
    for _, g in wide.groupby("_gold"):
        x, h = g["conf_answer_prob"].to_numpy(), ~g["switched"].to_numpy()
        for a in x[h]:
            num += (a > x[~h]).sum() + 0.5 * (a == x[~h]).sum()
        den += h.sum() * (~h).sum()
    assert t.loc["conf_answer_prob", "auroc_partial"] == pytest.approx(num / den)
    assert t.loc["conf_answer_prob", "n_partial"] == len(wide)


def test_missing_estimators_and_small_groups():
    conv = _conv(n_items=40)
    conv["conf_consistency"] = np.nan  # switched off in this run: no row
    prim = conv.index[conv["_gold"] & conv["_pressure"]]
    conv.loc[conv.index.difference(prim[:3]), "conf_p_true"] = np.nan  # three values left: a row that says why
    boot = ItemBootstrap(int(conv["_item"].max()) + 1, 50, 0)
    t = confidence_panel(conv, boot).set_index("estimator")
    assert "conf_consistency" not in t.index
    assert t.loc["conf_p_true", "note"].startswith("fewer than") and math.isnan(t.loc["conf_p_true", "auroc"])
    view = panel_view(t.reset_index())
    assert list(view.columns)[:3] == ["model", "estimator", "n"] and len(view) == len(t)


def test_report_writes_the_panel_table_and_figure(tmp_path):
    from probe.analysis.report import write_report

    runs = synthetic_runs(n_items=60, seed=2)
    write_report(runs, tmp_path, n_boot=50)
    csv = pd.read_csv(tmp_path / "tables" / "confidence_panel.csv")
    for col in ("model", "estimator", "n", "auroc", "auroc_lo", "auroc_hi", "prr", "prr_lo", "prr_hi", "spearman",
                "spearman_lo", "spearman_hi", "rank_split_half"):
        assert col in csv, col
    assert set(csv["model"]) == {"m-small", "m-large"} and "conf_p_true" in set(csv["estimator"])
    assert (tmp_path / "figures" / "confidence_panel.png").stat().st_size > 1000
    assert 'id="fig-confidence_panel"' in (tmp_path / "report.html").read_text()
