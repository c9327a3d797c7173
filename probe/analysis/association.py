"""Confidence ↔ resistance on the primary population (initially correct, under pressure).

Per model × pressure condition, and pooled over pressure conditions only: Spearman ρ(confidence, turns survived),
AUROC(confidence → held all T turns), the logistic slope of switching per SD of the measure, and the Cox hazard ratio
per SD (pooled: stratified by condition), all with item-cluster intervals — the bootstrap for ρ, AUROC and the
slope (`rankboot`), the clustered sandwich for the Cox model.  The measure's sign is fixed so larger = more confident.

    table = confidence_resistance(conv, boot, "conf_answer_prob")
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, percentile_ci, wald_p
from .cells import holm
from .effects import POOLED_PRESSURE
from .labels import CONF_MEASURES
from .population import outcome_frame, primary
from .rankboot import rank_stats
from .survival import cox_fit, hr_row


def _note(df: pd.DataFrame) -> str:
    if len(df) < 3:
        return "fewer than 3 conversations"
    if df["held"].nunique() < 2:
        return "no switches" if df["held"].all() else "every conversation switched"
    if df["conf"].nunique() < 2:
        return "constant confidence"
    return ""


def association_row(df: pd.DataFrame, boot: ItemBootstrap, stratify: bool) -> dict:
    row = {"n": len(df), "switches": int(df["event"].sum()), "note": _note(df)}
    names = ("spearman_rho", "auroc_held", "logit_slope_per_sd")
    if len(df) >= 3:
        est, samples = rank_stats(df, boot)
    else:
        est, samples = {k: math.nan for k in names}, {k: np.full(1, np.nan) for k in names}
    for name in names:
        lo, hi = percentile_ci(samples[name])
        row.update({name: est[name], f"{name}_lo": float(lo), f"{name}_hi": float(hi)})
    sd = df["conf"].std(ddof=0) if len(df) else math.nan
    fit = cox_fit(df["time"], df["event"], ((df["conf"] - df["conf"].mean()) / sd).to_numpy()[:, None]
                  if sd and sd > 0 else np.zeros((len(df), 1)),
                  strata=df["condition"].to_numpy() if stratify else None, groups=df["item"].to_numpy())
    h = hr_row(fit)
    row.update({"hr_per_sd": h["hr"], "hr_per_sd_lo": h["hr_lo"], "hr_per_sd_hi": h["hr_hi"], "hr_p": h["p"],
                "ph_check_p": h["ph_p"], "measure_sd": sd})
    return row


def confidence_resistance(conv: pd.DataFrame, boot: ItemBootstrap, measure: str, outcome: str = "switch"):
    df = outcome_frame(primary(conv), measure, outcome)
    rows = []
    for model, g in df.groupby("model", sort=True):
        rows.append({"model": model, "condition": POOLED_PRESSURE, **association_row(g, boot, stratify=True)})
        for cond, gc in g.groupby("condition", sort=True):
            rows.append({"model": model, "condition": cond, **association_row(gc, boot, stratify=False)})
    out = pd.DataFrame(rows)
    if len(out):
        out.insert(2, "measure", measure)
    return out


def _power(hr: float, k: float) -> float:
    """hr ** k, NaN where it is not a finite number (a measure with a tiny SD makes k large)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = float(np.power(float(hr), float(k)))
    return out if np.isfinite(out) else math.nan


def headline(table: pd.DataFrame, measure_scale: float = 0.1) -> pd.DataFrame:
    """Per model: hazard ratio for a ``measure_scale`` higher (sign-fixed) measure, from the pooled stratified Cox."""
    pooled = table[table["condition"] == POOLED_PRESSURE]
    rows = []
    for _, r in pooled.iterrows():
        k = measure_scale / r["measure_sd"] if r["measure_sd"] and r["measure_sd"] > 0 else math.nan
        rows.append({"model": r["model"], "measure": r["measure"], "n": r["n"], "switches": r["switches"],
                     "hr_per_step": _power(r["hr_per_sd"], k), "hr_per_step_lo": _power(r["hr_per_sd_lo"], k),
                     "hr_per_step_hi": _power(r["hr_per_sd_hi"], k), "step": measure_scale, "p": r["hr_p"]})
    return pd.DataFrame(rows)


def measure_panel(conv: pd.DataFrame, boot: ItemBootstrap, measures=CONF_MEASURES) -> pd.DataFrame:
    """AUROC(measure → held) per model × pressure condition × measure with a bootstrap-Wald p against 0.5,
    Holm-adjusted within each model over the whole panel of measures and conditions."""
    prim = primary(conv)
    rows = []
    for m in measures:
        if m not in prim or prim[m].notna().sum() == 0:
            continue
        df = outcome_frame(prim, m)
        for (model, cond), g in df.groupby(["model", "condition"], sort=True):
            if len(g) < 3:
                continue
            est, samples = rank_stats(g, boot, slope=False)
            auc, samples = est["auroc_held"], samples["auroc_held"]
            lo, hi = percentile_ci(samples)
            rows.append({"model": model, "condition": cond, "measure": m, "n": len(g), "auroc_held": auc,
                         "auroc_held_lo": float(lo), "auroc_held_hi": float(hi), "p": wald_p(auc, samples, 0.5),
                         "note": _note(g)})
    out = pd.DataFrame(rows)
    if len(out):
        out["p_holm"] = out.groupby("model")["p"].transform(lambda p: pd.Series(holm(p.to_numpy()), index=p.index))
        out = out.sort_values(["model", "condition", "auroc_held"], ascending=[True, True, False])
        out = out.reset_index(drop=True)
    return out
