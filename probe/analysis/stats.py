"""Confidence vs resistance: pure table-in, table-out statistics (no plotting, no I/O).

Definitions (per conversation, from ``conversations.parquet``):
- *resistance* = ``turns_survived`` (pushback turns held before the first flip; T when never flipped, censored);
- *held* = never flipped in T turns; AUROC asks how well a confidence measure ranks held above flipped;
- only conversations whose initial answer names a candidate are analysed (``initial_said != "other"``): a flip away
  from an unreadable answer is not capitulation.
Survival: Kaplan–Meier with right-censoring (statsmodels ``SurvfuncRight``), RMST = area under the KM step function up
to T, Cox PH (statsmodels ``PHReg``) with confidence as covariate → hazard ratio per 0.1 of confidence.
Intervals: percentile bootstrap over items (all rows of a resampled item move together), vectorised as
multiplicity weights (see `bootstrap_stats`).
Degenerate inputs (one class, no flips, constant confidence) give NaN with the reason in ``note``.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps
from sklearn.metrics import roc_auc_score

CONF_MEASURES = ("conf_answer_prob", "conf_first_token_prob", "conf_candidate_p", "conf_margin", "conf_entropy",
                 "conf_answer_logprob", "conf_mc_letter_p")
# entropy is an uncertainty: higher means less confident, so it is negated to point the same way as the others
SIGN = {"conf_entropy": -1.0}


def analysable(conv: pd.DataFrame) -> pd.DataFrame:
    return conv[conv["initial_said"] != "other"]


def resistance_frame(conv: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Columns conf, time (turn of first flip or T), event (1 = flipped), held, item (cluster id)."""
    df = analysable(conv)
    conf = SIGN.get(measure, 1.0) * df[measure].astype(float)
    flip = df["turn_of_first_flip"]
    event = flip.notna().to_numpy()
    time = np.where(event, flip.fillna(0).astype(float), df["n_turns"].astype(float))
    out = pd.DataFrame({"conf": conf.to_numpy(), "time": time, "event": event.astype(int),
                        "held": (~event).astype(int), "survived": df["turns_survived"].astype(float).to_numpy(),
                        "item": (df["dataset"].astype(str) + "|" + df["item_id"].astype(str)).to_numpy()})
    return out[np.isfinite(out["conf"])].reset_index(drop=True)


# ---- point estimates (library implementations) -----------------------------------------------------------------
def spearman(conf: np.ndarray, survived: np.ndarray) -> float:
    if len(conf) < 3 or np.ptp(conf) == 0 or np.ptp(survived) == 0:
        return math.nan
    return float(sps.spearmanr(conf, survived).statistic)


def auroc(conf: np.ndarray, held: np.ndarray) -> float:
    if len(np.unique(held)) < 2:
        return math.nan
    return float(roc_auc_score(held, conf))


def cox_hazard_ratio_per_tenth(time: np.ndarray, event: np.ndarray, conf: np.ndarray) -> float:
    if event.sum() == 0 or np.ptp(conf) == 0:
        return math.nan
    from statsmodels.duration.hazard_regression import PHReg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = PHReg(time, conf.reshape(-1, 1), status=event, ties="efron").fit(disp=False)
        except (np.linalg.LinAlgError, ValueError):
            return math.nan
    return float(np.exp(0.1 * res.params[0]))


def kaplan_meier(time: np.ndarray, event: np.ndarray, horizon: float) -> pd.DataFrame:
    """KM step function as a table: time 0..horizon with S(t) just after each turn (right-censored)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    grid = np.arange(0, int(horizon) + 1, dtype=float)
    if len(time) == 0:
        return pd.DataFrame({"time": grid, "survival": np.nan})
    if event.sum() == 0:
        return pd.DataFrame({"time": grid, "survival": 1.0})
    sf = SurvfuncRight(time, event)
    idx = np.searchsorted(sf.surv_times, grid, side="right") - 1
    surv = np.where(idx >= 0, sf.surv_prob[np.clip(idx, 0, None)], 1.0)
    return pd.DataFrame({"time": grid, "survival": surv})


def rmst(km: pd.DataFrame, horizon: float) -> float:
    """Restricted mean survival time: ∫₀^horizon S(t) dt of the KM step function (S is constant between turns)."""
    t, s = km["time"].to_numpy(), km["survival"].to_numpy()
    if np.isnan(s).all():
        return math.nan
    edges = np.append(t, horizon)
    return float(np.sum(s * np.diff(np.clip(edges, 0, horizon))))


# ---- bootstrap -------------------------------------------------------------------------------------------------
# A resample is represented by multiplicities (how often each row is drawn), not by copied rows: ranks of a
# resample are then weighted mid-ranks of the original sort, so B resamples cost O(B·n) after one sort instead of B
# sorts.  Spearman = weighted Pearson of those ranks; AUROC = the Mann–Whitney statistic with the same ranks.
# Tests check both against scipy / scikit-learn run on explicitly resampled rows.
def bootstrap_counts(items: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n) multiplicities of each row when whole items are drawn with replacement (cluster bootstrap)."""
    _, codes = np.unique(items, return_inverse=True)
    n_items = int(codes.max()) + 1 if len(codes) else 0
    picks = rng.integers(0, n_items, size=(n_boot, n_items))
    per_item = np.bincount((picks + np.arange(n_boot)[:, None] * n_items).ravel(),
                           minlength=n_boot * n_items).reshape(n_boot, n_items)
    return per_item[:, codes]


def weighted_midranks(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mid-ranks each original row would have in every resample (ties share the mean rank)."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    group_sum = np.add.reduceat(counts[:, order], starts, axis=1).astype(np.float64)
    mid = np.cumsum(group_sum, axis=1) - group_sum + (group_sum + 1) / 2
    ranks = np.empty(counts.shape, dtype=np.float64)
    ranks[:, order] = mid[:, np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(x)]))]
    return ranks


def _weighted_pearson(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = w.sum(axis=1, keepdims=True)
    ma, mb = (w * a).sum(axis=1, keepdims=True) / n, (w * b).sum(axis=1, keepdims=True) / n
    da, db = a - ma, b - mb
    cov, va, vb = (w * da * db).sum(axis=1), (w * da * da).sum(axis=1), (w * db * db).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((va > 0) & (vb > 0), cov / np.sqrt(va * vb), np.nan)


def bootstrap_stats(df: pd.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spearman ρ(conf, survived) and AUROC(conf → held) for every resample given by ``counts``."""
    conf, surv, held = df["conf"].to_numpy(), df["survived"].to_numpy(), df["held"].to_numpy().astype(np.float64)
    rc = weighted_midranks(conf, counts)
    rho = _weighted_pearson(rc, weighted_midranks(surv, counts), counts)
    n1 = (counts * held).sum(axis=1)
    n0 = counts.sum(axis=1) - n1
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = np.where((n1 > 0) & (n0 > 0), ((counts * held * rc).sum(axis=1) - n1 * (n1 + 1) / 2) / (n1 * n0),
                       np.nan)
    return rho, auc


def bootstrap_ci(df: pd.DataFrame, n_boot: int = 300, seed: int = 0, alpha: float = 0.05,
                 block: int = 50) -> dict:
    """Percentile intervals for Spearman ρ(conf, turns survived) and AUROC(conf → held), resampling items."""
    out = {"spearman_lo": math.nan, "spearman_hi": math.nan, "auroc_lo": math.nan, "auroc_hi": math.nan}
    if len(df) < 3 or n_boot < 1:
        return out
    rng = np.random.default_rng(seed)
    items = df["item"].to_numpy()
    rhos, aucs = [], []
    for start in range(0, n_boot, block):  # blocks bound memory at block × n
        counts = bootstrap_counts(items, min(block, n_boot - start), rng)
        rho, auc = bootstrap_stats(df, counts)
        rhos.append(rho)
        aucs.append(auc)
    rho, auc = np.concatenate(rhos), np.concatenate(aucs)
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    if np.isfinite(rho).sum() >= 10:
        out["spearman_lo"], out["spearman_hi"] = np.nanpercentile(rho, q).tolist()
    if np.isfinite(auc).sum() >= 10:
        out["auroc_lo"], out["auroc_hi"] = np.nanpercentile(auc, q).tolist()
    return out


# ---- tables ----------------------------------------------------------------------------------------------------
def flip_summary(conv: pd.DataFrame) -> dict:
    """Initial accuracy, flip rates among initially correct / wrong, and their difference (discrimination)."""
    df = analysable(conv)
    correct = df["initial_correct"].astype(bool)
    flipped = df["flipped_ever"].astype(bool)
    p_c = flipped[correct].mean() if correct.any() else math.nan
    p_w = flipped[~correct].mean() if (~correct).any() else math.nan
    return {"initial_accuracy": conv["initial_correct"].mean() if len(conv) else math.nan,
            "flip_rate_correct": p_c, "flip_rate_wrong": p_w, "discrimination": p_w - p_c}


def resistance_row(conv: pd.DataFrame, measure: str, n_boot: int = 300, seed: int = 0, survival: bool = True) -> dict:
    df = resistance_frame(conv, measure)
    horizon = float(conv["n_turns"].max()) if len(conv) else math.nan
    conf, held, time, event = (df[c].to_numpy() for c in ("conf", "held", "time", "event"))
    notes = []
    if len(df) < 3:
        notes.append("fewer than 3 analysable conversations")
    elif len(np.unique(held)) < 2:
        notes.append("no flips" if held.all() else "every conversation flipped")
    if len(df) and np.ptp(conf) == 0:
        notes.append("constant confidence")
    km = kaplan_meier(time, event, horizon) if len(df) else None
    hr = cox_hazard_ratio_per_tenth(time, event, conf) if survival else math.nan
    row = {"confidence_measure": measure, "n": len(df), "spearman_rho": spearman(conf, df["survived"].to_numpy()),
           "auroc": auroc(conf, held), "hazard_ratio_per_0.1": hr,
           "rmst": rmst(km, horizon) if km is not None else math.nan, **flip_summary(conv),
           **bootstrap_ci(df, n_boot, seed), "note": "; ".join(notes)}
    return row


def by_group(conv: pd.DataFrame, keys: list[str], fn, pooled: bool = True) -> pd.DataFrame:
    """Apply ``fn(frame) -> dict`` per group; ``pooled`` adds rows with condition = "(pooled)" per model."""
    rows = []
    for key, g in conv.groupby(keys, sort=True, dropna=False):
        rows.append({**dict(zip(keys, key if isinstance(key, tuple) else (key,))), **fn(g)})
    if pooled and "condition" in keys and conv["condition"].nunique() > 1:
        rest = [k for k in keys if k != "condition"]
        for key, g in (conv.groupby(rest, sort=True) if rest else [((), conv)]):
            key = key if isinstance(key, tuple) else (key,)
            rows.append({**dict(zip(rest, key)), "condition": "(pooled)", **fn(g)})
    return pd.DataFrame(rows)


def confidence_vs_resistance(conv: pd.DataFrame, measures=("conf_answer_prob",), n_boot: int = 300,
                             seed: int = 0, survival: bool = True) -> pd.DataFrame:
    """The report's key table: one row per model × condition (+ pooled) × confidence measure."""
    frames = []
    for m in measures:
        if m not in conv or conv[m].notna().sum() == 0:
            continue
        frames.append(by_group(conv, ["model", "condition"], lambda g, m=m: resistance_row(g, m, n_boot, seed, survival)))
    if not frames:
        return pd.DataFrame()
    cols = ["model", "condition", "confidence_measure", "n", "spearman_rho", "spearman_lo", "spearman_hi", "auroc",
            "auroc_lo", "auroc_hi", "hazard_ratio_per_0.1", "rmst", "discrimination", "initial_accuracy",
            "flip_rate_correct", "flip_rate_wrong", "note"]
    return pd.concat(frames, ignore_index=True)[cols]


def measure_panel(conv: pd.DataFrame, n_boot: int = 200) -> pd.DataFrame:
    """Which confidence measure predicts resistance best: pooled over conditions, ranked by AUROC per model
    (rank statistics only; the Cox model is fitted for the key measure in `confidence_vs_resistance`)."""
    rows = []
    for model, g in conv.groupby("model", sort=True):
        for m in CONF_MEASURES:
            if m in g and g[m].notna().any():
                rows.append({"model": model, "condition": "(pooled)" if g["condition"].nunique() > 1
                             else g["condition"].iloc[0], **resistance_row(g, m, n_boot, survival=False)})
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values(["model", "auroc"], ascending=[True, False]).reset_index(drop=True)


def km_curves(conv: pd.DataFrame, measure: str = "conf_answer_prob") -> pd.DataFrame:
    """KM curves per model by confidence tercile (terciles within model)."""
    rows = []
    for model, g in analysable(conv).groupby("model"):
        df = resistance_frame(g, measure)
        if len(df) < 3:
            continue
        horizon = float(g["n_turns"].max())
        terc = pd.qcut(df["conf"].rank(method="first"), 3, labels=["low", "mid", "high"])
        for label, part in df.groupby(terc, observed=True):
            km = kaplan_meier(part["time"].to_numpy(), part["event"].to_numpy(), horizon)
            rows.append(km.assign(model=model, tercile=str(label), n=len(part)))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def logistic_slope(conv: pd.DataFrame, measure: str = "conf_answer_prob", with_condition: bool = True) -> dict:
    """flip ~ confidence (+ condition): slope of confidence on the log-odds of flipping, with its 95 % CI."""
    import statsmodels.formula.api as smf

    df = analysable(conv)[[measure, "flipped_ever", "condition"]].dropna()
    df = df.assign(flip=df["flipped_ever"].astype(int), conf=df[measure].astype(float))
    if df["flip"].nunique() < 2 or df["conf"].nunique() < 2:
        return {"slope": math.nan, "slope_lo": math.nan, "slope_hi": math.nan, "n": len(df),
                "note": "one outcome class or constant confidence"}
    formula = "flip ~ conf" + (" + C(condition)" if with_condition and df["condition"].nunique() > 1 else "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.logit(formula, df).fit(disp=False)
    lo, hi = res.conf_int().loc["conf"].tolist()
    return {"slope": float(res.params["conf"]), "slope_lo": lo, "slope_hi": hi, "n": len(df), "note": ""}
