"""Which confidence signal best predicts resistance: token-level against P(True), verbalized and sampled.

For each model, on the primary population (initially correct, pressure conditions pooled; controls never), every
estimator of `PANEL_ESTIMATORS` (sign fixed: larger = more confident) gets

- ``auroc``: AUROC of the estimator for *held* (no switch in T turns).  AUROC for *switched* with the negated
  estimator is the same number, so one column serves both;
- ``prr``: the prediction–rejection ratio, normalised as LM-Polygraph does: the area under the rejection curve
  (mean "held" of the answers kept after rejecting the least confident k, k = 0 … n−1; ties in random order) as
  (score − random) / (oracle − random), 1 = perfect ordering, 0 = no better than chance;
- ``spearman``: ρ with ``turns_survived_switch``;
- ``auroc_partial``: AUROC for held partialled on correctness, where that applies: on every committed turn-0 answer
  under pressure (initially correct *and* initially wrong), only pairs within the same correctness are compared, so
  an estimator cannot score by knowing which answers are right (NaN when no initially-wrong answer has a value);
- ``rank_split_half`` / ``auroc_split_half``: items are split in two halves (seeded); estimators are ranked by AUROC
  on half A and reported with their AUROC on half B, so the winner is not picked and scored on the same data.

Intervals: the analyzer's item-cluster bootstrap (`boot.ItemBootstrap`, shared with every other table); ρ and AUROC
through `rankboot.rank_stats`, PRR and the partialled AUROC through quantile-binned counts (`boot.cell_totals`),
shifted so the interval is centred on the exact statistic, as `rankboot` does.

    table = confidence_panel(prepare(runs.conversations), ItemBootstrap(n_items, 300))
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, cell_totals, percentile_ci
from .labels import ALTERNATIVE, GOLD, MEASURES, OTHER, SIGN
from .population import outcome_frame, primary
from .rankboot import rank_stats

# the panel's estimators in the order it shows them; columns that are monotone transforms of a listed one
# (log-probabilities) are left out: every statistic here depends on the order only
PANEL_COLUMNS = ("conf_answer_prob", "conf_answer_prob_norm", "conf_first_token_prob", "conf_margin", "conf_entropy",
                 "conf_neg_mean_entropy", "conf_neg_max_entropy", "conf_seq_prob", "conf_seq_prob_norm",
                 "conf_mc_letter_p", "conf_candidate_p", "conf_p_true", "conf_verbal", "conf_verbal_expected",
                 "conf_consistency", "conf_neg_semantic_entropy")
# (column, label, family), the label and family as declared beside the column in probe.records
PANEL_ESTIMATORS = tuple((c, MEASURES[c].label, MEASURES[c].family) for c in PANEL_COLUMNS)
LABEL = {c: label for c, label, _ in PANEL_ESTIMATORS}
BINS = 100
MIN_N = 5


def prr_from_counts(c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Normalised prediction–rejection ratio from counts per tie group ordered from most to least confident:
    ``c`` (…, G) answers, ``s`` (…, G) of them held.  Integer counts (bootstrap multiplicities are)."""
    c, s = np.asarray(c, dtype=np.float64), np.asarray(s, dtype=np.float64)
    n, h1 = c.sum(axis=-1), s.sum(axis=-1)
    top = int(n.max()) if n.size else 0
    harm = np.r_[0.0, np.cumsum(1.0 / np.arange(1, top + 1))]
    cum, q = np.cumsum(c, axis=-1), np.cumsum(s, axis=-1)
    prev_c, prev_q = cum - c, q - s
    d_h = harm[cum.astype(np.int64)] - harm[prev_c.astype(np.int64)]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(c > 0, s / np.where(c > 0, c, 1), 0.0)
        # sum over kept sizes m of (held among the m most confident) / m, a tie group entering linearly
        area = (prev_q * d_h + rate * (c - prev_c * d_h)).sum(axis=-1) / n
        rnd = h1 / n
        oracle = h1 * (1 + harm[n.astype(np.int64)] - harm[h1.astype(np.int64)]) / n
        return np.where((h1 > 0) & (h1 < n), (area - rnd) / (oracle - rnd), np.nan)


def exact_prr(conf: np.ndarray, held: np.ndarray) -> float:
    vals, inv = np.unique(-np.asarray(conf, dtype=np.float64), return_inverse=True)  # most confident first
    c = np.bincount(inv, minlength=len(vals))
    s = np.bincount(inv, weights=np.asarray(held, dtype=np.float64), minlength=len(vals))
    return float(prr_from_counts(c, s))


def _bins(conf: np.ndarray) -> tuple[np.ndarray, int]:
    edges = np.unique(np.quantile(conf, np.linspace(0, 1, BINS + 1)[1:-1]))
    return np.searchsorted(edges, conf, side="right"), len(edges) + 1


def prr_stats(df: pd.DataFrame, boot: ItemBootstrap) -> tuple[float, np.ndarray]:
    """(exact PRR, shifted bootstrap samples (B,))."""
    est = exact_prr(df["conf"].to_numpy(), df["held"].to_numpy())
    cb, nb = _bins(df["conf"].to_numpy())
    point, samp = cell_totals(boot, df["item"].to_numpy(), cb * 2 + df["held"].to_numpy(np.int64), nb * 2,
                              np.ones(len(df)))

    def per_group(t):  # (…, bins × held) → answers and held per bin, most confident bin first
        t = t.reshape(*t.shape[:-1], nb, 2)[..., ::-1, :]
        return t.sum(axis=-1), t[..., 1]

    binned_point = float(prr_from_counts(*per_group(point[:, 0])))
    samples = prr_from_counts(*per_group(samp[..., 0])) + (est - binned_point)
    return est, samples


def _auc_table(held: np.ndarray, switched: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(AUROC × pairs, pairs) from counts per confidence bin (…, bins), bins in ascending confidence."""
    before = np.cumsum(switched, axis=-1) - switched
    pairs = held.sum(axis=-1) * switched.sum(axis=-1)
    return (held * (before + 0.5 * switched)).sum(axis=-1), pairs


def partial_auroc(df: pd.DataFrame, boot: ItemBootstrap) -> tuple[float, np.ndarray]:
    """AUROC for held comparing only pairs of the same correctness (``df["correct"]``): exact and shifted samples."""
    from scipy.stats import rankdata

    num = den = 0.0
    for _, g in df.groupby("correct"):
        h = g["held"].to_numpy().astype(bool)
        n1, n0 = int(h.sum()), int((~h).sum())
        if n1 and n0:
            num += rankdata(g["conf"].to_numpy())[h].sum() - n1 * (n1 + 1) / 2
            den += n1 * n0
    est = num / den if den else np.nan
    cb, nb = _bins(df["conf"].to_numpy())
    cell = (df["correct"].to_numpy(np.int64) * nb + cb) * 2 + df["held"].to_numpy(np.int64)
    point, samp = cell_totals(boot, df["item"].to_numpy(), cell, 2 * nb * 2, np.ones(len(df)))

    def auc(t):
        t = t.reshape(*t.shape[:-1], 2, nb, 2)
        a, p = _auc_table(t[..., 1], t[..., 0])
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(p.sum(-1) > 0, a.sum(-1) / p.sum(-1), np.nan)

    samples = auc(samp[..., 0]) + (est - auc(point[None, :, 0])[0])
    return float(est), samples


def _ci(samples) -> tuple[float, float]:
    lo, hi = percentile_ci(samples)
    return float(lo), float(hi)


def split_halves(conv: pd.DataFrame, seed: int) -> np.ndarray:
    """True for items in half A (a seeded random half of the item codes)."""
    codes = np.unique(conv["_item"].to_numpy())
    rng = np.random.default_rng(seed + 7919)
    half_a = set(rng.permutation(codes)[: len(codes) // 2].tolist())
    return np.isin(conv["_item"].to_numpy(), list(half_a))


def _exact_auroc(df: pd.DataFrame) -> float:
    if len(df) < MIN_N or df["held"].nunique() < 2:
        return np.nan
    from scipy.stats import rankdata

    h = df["held"].to_numpy().astype(bool)
    n1, n0 = int(h.sum()), int((~h).sum())
    return float((rankdata(df["conf"].to_numpy())[h].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def confidence_panel(conv: pd.DataFrame, boot: ItemBootstrap, seed: int = 0,
                     estimators=tuple(c for c, _, _ in PANEL_ESTIMATORS)) -> pd.DataFrame:
    """One row per model × estimator with values on the primary population (columns in the module docstring)."""
    prim = primary(conv)
    pressure = conv[conv["_pressure"] & conv["initial_class"].isin([GOLD, ALTERNATIVE, OTHER])]
    half_a = split_halves(conv, seed)
    # the outcome columns once per population (outcome_frame's work, without the measure); each estimator only
    # selects its rows with a value
    base, wide_base = outcome_frame(prim.assign(_one=1.0), "_one"), outcome_frame(pressure.assign(_one=1.0), "_one")
    wide_base["correct"] = conv["_gold"].to_numpy()[wide_base["row"].to_numpy()].astype(int)
    rows = []
    for m in estimators:
        if m not in conv or prim[m].notna().sum() == 0:
            continue
        df, wide = _with_measure(base, conv, m), _with_measure(wide_base, conv, m)
        for model, g in df.groupby("model", sort=True, observed=True):
            row = {"model": model, "estimator": m, "label": LABEL.get(m, m), "n": len(g),
                   "switches": int(g["event"].sum()), "note": _note(g)}
            if not row["note"]:
                est, samples = rank_stats(g, boot, slope=False)
                prr, prr_samples = prr_stats(g, boot)
                row.update(auroc=est["auroc_held"], spearman=est["spearman_rho"], prr=prr)
                row.update(zip(("auroc_lo", "auroc_hi"), _ci(samples["auroc_held"])))
                row.update(zip(("spearman_lo", "spearman_hi"), _ci(samples["spearman_rho"])))
                row.update(zip(("prr_lo", "prr_hi"), _ci(prr_samples)))
            w = wide[wide["model"] == model]
            row["n_partial"] = len(w)
            if len(w) >= MIN_N and w["correct"].nunique() == 2 and not row["note"]:
                part, part_samples = partial_auroc(w, boot)
                row["auroc_partial"] = part
                row.update(zip(("auroc_partial_lo", "auroc_partial_hi"), _ci(part_samples)))
            in_a = half_a[g["row"].to_numpy()]
            row["auroc_half_a"] = _exact_auroc(g[in_a])
            row["auroc_split_half"] = _exact_auroc(g[~in_a])
            rows.append(row)
    cols = ["model", "estimator", "label", "n", "switches", "auroc", "auroc_lo", "auroc_hi", "prr", "prr_lo", "prr_hi",
            "spearman", "spearman_lo", "spearman_hi", "auroc_partial", "auroc_partial_lo", "auroc_partial_hi",
            "n_partial", "rank_split_half", "auroc_half_a", "auroc_split_half", "note"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    if len(out):
        out["rank_split_half"] = out.groupby("model")["auroc_half_a"].rank(ascending=False, method="min")
        out = out.sort_values(["model", "rank_split_half", "estimator"], na_position="last").reset_index(drop=True)
    return out


def _with_measure(frame: pd.DataFrame, conv: pd.DataFrame, measure: str) -> pd.DataFrame:
    """An outcome frame's rows with a finite value of ``measure`` (sign fixed: larger = more confident) as conf."""
    conf = SIGN.get(measure, 1.0) * conv[measure].to_numpy(dtype=float, na_value=np.nan)[frame["row"].to_numpy()]
    keep = np.isfinite(conf)
    return frame[keep].assign(conf=conf[keep]).reset_index(drop=True)


def _note(df: pd.DataFrame) -> str:
    if len(df) < MIN_N:
        return f"fewer than {MIN_N} conversations"
    if df["held"].nunique() < 2:
        return "no switches" if df["held"].all() else "every conversation switched"
    if df["conf"].nunique() < 2:
        return "constant confidence"
    return ""


def panel_view(t: pd.DataFrame) -> pd.DataFrame:
    """The report's table: one row per model × estimator, ranked on half A of the items."""
    from .fmt import ci_col, num, reasons

    if t.empty:
        return t
    why = reasons(t)
    return pd.DataFrame({
        "model": t["model"], "estimator": t["label"], "n": t["n"], "switches": t["switches"],
        "AUROC → held": ci_col(t, "auroc", why), "PRR": ci_col(t, "prr", why),
        "ρ with turns held": ci_col(t, "spearman", why),
        "AUROC within correctness": ci_col(t, "auroc_partial", "no initially-wrong answers"),
        "rank on half A": [num(r, 3) for r in t["rank_split_half"]],
        "AUROC on half B": [num(a) for a in t["auroc_split_half"]]})


def panel_sentences(t: pd.DataFrame) -> list[str]:
    """Per model: the estimator ranked first on half A of the items, and its AUROC on half B."""
    out = []
    for model, g in t.groupby("model", sort=True):
        g = g.dropna(subset=["rank_split_half"]).sort_values("rank_split_half")
        if g.empty:
            continue
        best = g.iloc[0]
        out.append(f"{model}: ranked first on half A of the items: {best['label']} (AUROC on half B "
                   f"{num_or_dash(best['auroc_split_half'])}; on all items {num_or_dash(best['auroc'])}).")
    return out


def num_or_dash(x) -> str:
    from .fmt import num

    return num(x) or "—"


def panel_figure(t: pd.DataFrame):
    """Estimators × models: AUROC for held with its 95 % item-cluster interval."""
    import matplotlib.pyplot as plt

    if t.empty or t["auroc"].notna().sum() == 0:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, "Confidence panel: no estimator with switches and held answers", ha="center")
        return fig
    labels = [LABEL[c] for c, _, _ in PANEL_ESTIMATORS if c in set(t["estimator"])]
    models = sorted(t["model"].unique())
    fig, ax = plt.subplots(figsize=(7, 0.38 * len(labels) * max(1, len(models) / 2) + 1.4))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, m in enumerate(models):
        d = t[t["model"] == m].set_index("label").reindex(labels)
        y = np.arange(len(labels)) + (k - (len(models) - 1) / 2) * 0.8 / max(len(models), 1)
        est = d["auroc"].to_numpy(dtype=float)
        err = np.abs(np.vstack([est - d["auroc_lo"].to_numpy(dtype=float), d["auroc_hi"].to_numpy(dtype=float) - est]))
        ax.errorbar(est, y, xerr=np.nan_to_num(err), fmt="o", ms=4, capsize=2, color=colors[k % len(colors)], label=m)
    ax.axvline(0.5, color="grey", lw=1)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set(xlabel="AUROC, estimator → answer held (initially correct, pressure pooled)",
           title="Which confidence signal predicts resistance")
    ax.legend(fontsize=7, loc="best")
    return fig


__all__ = ["PANEL_ESTIMATORS", "confidence_panel", "exact_prr", "panel_figure", "panel_sentences", "panel_view",
           "prr_from_counts"]
