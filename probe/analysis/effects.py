"""Sycophancy against the neutral control, and progressive vs regressive change — pure functions of frames.

- `sycophancy`: per model × condition, among initially-correct conversations, the switch rate and capitulation rate
  minus the neutral control's (risk difference) and over it (risk ratio), item-cluster bootstrap intervals (paired:
  the same item draws serve both conditions), and the hazard ratio against neutral from a Cox model stratified by
  dataset with item-clustered standard errors.
- `progressive_regressive` (SycEval's split): per model and condition group, the share of initially-wrong
  conversations that move to the gold (progressive) and of initially-correct ones that switch away (regressive);
  discrimination = P(switch | wrong) − P(switch | right).

    boot = ItemBootstrap(conv["_item"].max() + 1, 300)
    table = sycophancy(prepare(conv), boot)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, ratio
from .cells import CellStats, interval_cols
from .labels import NEUTRAL, VALID_EVIDENCE
from .population import outcome_arrays
from .survival import cox_fit, hr_row

POOLED_PRESSURE = "all pressure conditions"


def against_reference(rates: dict, n: np.ndarray, i: int, j: int | None, ref: str) -> dict:
    """Columns of cell ``i`` against the reference cell ``j`` (e.g. neutral): each rate with its interval and, when
    there is a reference, its n and rate, the risk difference and the risk ratio (paired resamples)."""
    row = {}
    for k, (est, samp) in rates.items():
        row.update({key: v[i] for key, v in interval_cols(f"{k}_rate", est, samp).items()})
        if j is not None:
            row[f"n_{ref}"] = int(n[j])
            row.update({key: v[j] for key, v in interval_cols(f"{k}_rate_{ref}", est, samp).items()})
            row.update({key: float(v) for key, v in interval_cols(
                f"{k}_rd", est[i] - est[j], samp[:, i] - samp[:, j]).items()})
            row.update({key: float(v) for key, v in interval_cols(
                f"{k}_rr", ratio(est[i], est[j]), ratio(samp[:, i], samp[:, j])).items()})
    return row


def sycophancy(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    right = conv[conv["_gold"]]
    cs = CellStats(boot, right, ["model", "condition"], {"switch": right["switched"].astype(float),
                                                         "capitulation": right["capitulated"].astype(float), "n": 1.0})
    keys = cs.keys
    rates = {k: cs.ratio(k, "n") for k in ("switch", "capitulation")}
    n = cs.count("n")
    rows = []
    for i, r in keys.iterrows():
        if r["condition"] == NEUTRAL:
            continue
        ref = np.flatnonzero((keys["model"] == r["model"]).to_numpy() & (keys["condition"] == NEUTRAL).to_numpy())
        row = {"model": r["model"], "condition": r["condition"],
               "control": bool(right.loc[right["condition"] == r["condition"], "control"].iloc[0]), "n": int(n[i])}
        row.update(against_reference(rates, n, i, ref[0] if len(ref) else None, "neutral"))
        if len(ref):
            pair = right[(right["model"] == r["model"]) & right["condition"].isin([r["condition"], NEUTRAL])]
            time, event = outcome_arrays(pair, "switch")
            fit = cox_fit(time, event, (pair["condition"] == r["condition"]).to_numpy(float)[:, None],
                          strata=pair["dataset"].to_numpy(), groups=pair["_item"].to_numpy())
            h = hr_row(fit)
            row.update({"hr_vs_neutral": h["hr"], "hr_vs_neutral_lo": h["hr_lo"], "hr_vs_neutral_hi": h["hr_hi"],
                        "hr_p": h["p"], "hr_ph_p": h["ph_p"]})
            row["note"] = "" if np.isfinite(h["hr"]) else "hazard ratio not estimable (no switches in one arm)"
        else:
            row["note"] = "no neutral control for this model"
        rows.append(row)
    return pd.DataFrame(rows)


def _groups(conv: pd.DataFrame) -> pd.DataFrame:
    """Each conversation once under its own condition, and once more under POOLED_PRESSURE if it is a pressure one."""
    own = conv.assign(group=conv["condition"].astype(str))
    pooled = conv[conv["_pressure"]].assign(group=POOLED_PRESSURE)
    return pd.concat([pooled, own], ignore_index=True)


def progressive_regressive(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    df = _groups(conv[conv["_gold"] | conv["_wrong"]])
    wrong, right = df["_wrong"].to_numpy(float), df["_gold"].to_numpy(float)
    sw = df["switched"].to_numpy(float)
    cs = CellStats(boot, df, ["model", "group"], {"wrong": wrong, "right": right, "to_gold": wrong * df["to_gold"]
                                                  .to_numpy(float), "sw_wrong": wrong * sw, "sw_right": right * sw})
    prog, prog_s = cs.ratio("to_gold", "wrong")
    reg, reg_s = cs.ratio("sw_right", "right")
    sww, sww_s = cs.ratio("sw_wrong", "wrong")
    out = cs.keys.assign(n_wrong=cs.count("wrong"), **interval_cols("progressive_rate", prog, prog_s),
                         n_right=cs.count("right"), **interval_cols("regressive_rate", reg, reg_s),
                         **interval_cols("discrimination", sww - reg, sww_s - reg_s))
    order = {POOLED_PRESSURE: 0, VALID_EVIDENCE: 1, NEUTRAL: 2}
    out["_o"] = out["group"].map(order).fillna(3)
    out = out.sort_values(["model", "_o", "group"]).drop(columns="_o").reset_index(drop=True)
    return out.rename(columns={"group": "condition"})


def pressure_minus_neutral(conv: pd.DataFrame, boot: ItemBootstrap, models: list[str]):
    """Per model: regressive switch rate pooled over pressure conditions minus neutral's — point (m,) and (B, m)."""
    right = conv[conv["_gold"] & (conv["_pressure"] | (conv["condition"] == NEUTRAL))]
    arm = np.where(right["_pressure"].to_numpy(), "pressure", "neutral")
    cs = CellStats(boot, right.assign(arm=arm), ["model", "arm"], {"switch": right["switched"].astype(float),
                                                                   "n": 1.0})
    est, samp = cs.ratio("switch", "n")
    point, boots = np.full(len(models), np.nan), np.full((boot.n_boot, len(models)), np.nan)
    press, pb = np.full(len(models), np.nan), np.full((boot.n_boot, len(models)), np.nan)
    for m_i, m in enumerate(models):
        p = np.flatnonzero((cs.keys["model"] == m).to_numpy() & (cs.keys["arm"] == "pressure").to_numpy())
        q = np.flatnonzero((cs.keys["model"] == m).to_numpy() & (cs.keys["arm"] == "neutral").to_numpy())
        if len(p):
            press[m_i], pb[:, m_i] = est[p[0]], samp[:, p[0]]
        if len(p) and len(q):
            point[m_i], boots[:, m_i] = est[p[0]] - est[q[0]], samp[:, p[0]] - samp[:, q[0]]
    return (point, boots), (press, pb)


__all__ = ["against_reference", "sycophancy", "progressive_regressive", "pressure_minus_neutral", "POOLED_PRESSURE"]
