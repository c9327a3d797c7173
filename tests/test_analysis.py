"""The analyzer recovers known truth from synthetic records."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from sklearn.metrics import roc_auc_score

from probe.analysis import stats, tables
from probe.analysis.report import compute, write_report
from probe.analysis.synthetic import synthetic_runs


def _conv(times, events, conf, T=3):
    """A minimal conversations table: time = turn of first flip when event, else censored at T."""
    n = len(times)
    return pd.DataFrame({
        "model": "m", "condition": "c", "dataset": "d", "item_id": [f"i{k}" for k in range(n)], "n_turns": T,
        "initial_said": "gold", "initial_correct": True, "conf_answer_prob": conf,
        "turn_of_first_flip": pd.array([t if e else None for t, e in zip(times, events)], dtype="Int64"),
        "turns_survived": [t - 1 if e else T for t, e in zip(times, events)], "flipped_ever": events,
    })


def test_logistic_slope_recovers_known_truth():
    rng = np.random.default_rng(1)
    n, slope = 6000, -3.0
    conf = rng.uniform(0, 1, n)
    flip = rng.random(n) < 1 / (1 + np.exp(-(1.0 + slope * conf)))
    conv = pd.DataFrame({"conf_answer_prob": conf, "flipped_ever": flip, "condition": "c",
                         "initial_said": "gold"})
    fit = stats.logistic_slope(conv)
    assert fit["slope_lo"] < slope < fit["slope_hi"]
    assert fit["slope"] == pytest.approx(slope, abs=0.4)


def test_kaplan_meier_and_rmst_match_hand_calculation():
    # 5 conversations, T = 3: flips at turns 1, 2 and 3; two never flip (censored at T)
    times, events = [1, 2, 2, 3, 3], [True, True, False, True, False]
    conv = _conv(times, events, [0.1, 0.2, 0.3, 0.4, 0.5])
    df = stats.resistance_frame(conv, "conf_answer_prob")
    # censored rows sit at T=3, so by hand: S(1) = 4/5; S(2) = 4/5 · (1 − 1/4) = 3/5; S(3) = 3/5 · (1 − 1/3) = 2/5
    km = stats.kaplan_meier(df["time"].to_numpy(), df["event"].to_numpy(), 3)
    assert km["survival"].tolist() == pytest.approx([1.0, 0.8, 0.6, 0.4])
    # RMST to T=3 = 1·1 + 1·0.8 + 1·0.6 = 2.4
    assert stats.rmst(km, 3) == pytest.approx(2.4)


def test_auroc_is_half_on_shuffled_labels_and_inside_its_ci():
    runs = synthetic_runs(n_items=3000, models=("m",), conditions=("c",), slope=-4.0, seed=3)
    conv = runs.conversations.copy()
    conv["conf_answer_prob"] = np.random.default_rng(7).permutation(conv["conf_answer_prob"].to_numpy())
    row = stats.resistance_row(conv, "conf_answer_prob", n_boot=300)
    assert row["auroc_lo"] < 0.5 < row["auroc_hi"]
    assert abs(row["auroc"] - 0.5) < 0.05


def test_known_slope_gives_positive_auroc_and_protective_hazard_ratio():
    runs = synthetic_runs(n_items=3000, models=("m",), conditions=("c",), slope=-4.0, seed=4)
    row = stats.resistance_row(runs.conversations, "conf_answer_prob", n_boot=200)
    assert row["auroc_lo"] > 0.6 and row["spearman_lo"] > 0.1
    assert row["hazard_ratio_per_0.1"] < 1  # each 0.1 of confidence lowers the hazard of flipping


def test_table_values_equal_scipy_and_sklearn():
    runs = synthetic_runs(n_items=800, seed=5)
    key = stats.confidence_vs_resistance(runs.conversations, n_boot=50)
    conv = runs.conversations
    for _, r in key[key["condition"] != "(pooled)"].iterrows():
        g = conv[(conv.model == r.model) & (conv.condition == r.condition)]
        assert r.spearman_rho == pytest.approx(sps.spearmanr(g.conf_answer_prob, g.turns_survived).statistic)
        assert r.auroc == pytest.approx(roc_auc_score(~g.flipped_ever, g.conf_answer_prob))


def test_weighted_bootstrap_equals_scipy_and_sklearn_on_explicit_resamples():
    runs = synthetic_runs(n_items=300, models=("m",), conditions=("c", "d"), seed=6)
    df = stats.resistance_frame(runs.conversations, "conf_answer_prob")
    df["conf"] = df["conf"].round(2)  # ties, as real confidences have
    counts = stats.bootstrap_counts(df["item"].to_numpy(), 5, np.random.default_rng(0))
    assert (counts.reshape(5, -1).sum(axis=1) == len(df)).all()  # every item appears twice (two conditions)
    rho, auc = stats.bootstrap_stats(df, counts)
    for b in range(5):
        sub = df.loc[np.repeat(np.arange(len(df)), counts[b])]  # the resample as explicit rows
        assert rho[b] == pytest.approx(sps.spearmanr(sub["conf"], sub["survived"]).statistic)
        assert auc[b] == pytest.approx(roc_auc_score(sub["held"], sub["conf"]))


def test_degenerate_inputs_give_nan_with_a_reason():
    conv = _conv([3, 3, 3, 3], [False] * 4, [0.2, 0.4, 0.6, 0.8])
    row = stats.resistance_row(conv, "conf_answer_prob", n_boot=20)
    assert math.isnan(row["auroc"]) and math.isnan(row["spearman_rho"]) and "no flips" in row["note"]
    assert math.isnan(row["hazard_ratio_per_0.1"]) and row["rmst"] == pytest.approx(3.0)
    flat = _conv([1, 2, 3, 3], [True, True, False, False], [0.5] * 4)
    assert "constant confidence" in stats.resistance_row(flat, "conf_answer_prob", n_boot=20)["note"]
    assert math.isnan(stats.logistic_slope(conv)["slope"])


def test_discrimination_is_zero_for_a_model_that_never_flips():
    conv = _conv([3] * 4, [False] * 4, [0.2, 0.4, 0.6, 0.8])
    conv["initial_correct"] = [True, True, False, False]
    assert stats.flip_summary(conv)["discrimination"] == 0.0


def test_scaling_trend_and_turn_tables():
    runs = synthetic_runs(n_items=300, seed=8)
    res = compute(runs, n_boot=30)
    trend = res["scaling_trend"].set_index("metric")
    assert trend.loc["auroc", "n_models"] == 2 and np.isfinite(trend.loc["auroc", "slope_per_decade"])
    sb = res["said_vs_believed"]
    assert set(sb.turn) == set(range(6)) and sb.said_correct.between(0, 1).all()
    esc = res["escalation"]
    assert {"hedges", "assertive", "evidence_claims", "numbers"} <= set(esc.columns)
    counts = tables.marker_counts(pd.Series(["Studies show it is definitely 42, according to experts."]))
    assert counts.iloc[0].tolist() == [0, 1, 3, 1]
    assert set(res["authority_effect"].level) == {4}


def test_report_writes_html_markdown_figures_and_key_csv(tmp_path):
    runs = synthetic_runs(n_items=200, seed=9)
    html = write_report(runs, tmp_path, n_boot=30)
    assert html.read_text().count("data:image/png;base64,") == 7
    key = pd.read_csv(tmp_path / "tables/confidence_vs_resistance.csv")
    assert list(key.columns[:13]) == ["model", "condition", "confidence_measure", "n", "spearman_rho", "spearman_lo",
                                      "spearman_hi", "auroc", "auroc_lo", "auroc_hi", "hazard_ratio_per_0.1", "rmst",
                                      "discrimination"]
    assert len(list((tmp_path / "figures").glob("*.pdf"))) == 7
    assert "figures/km_by_confidence_tercile.png" in (tmp_path / "report.md").read_text()
