"""Sensitivity of the primary result to how the outcome is read (primary population, declared measure).

Readings: ``switch`` (primary; a nonanswer carries the answer forward), ``capitulation`` (switch or retract),
``nonanswer_censored`` (follow-up ends before the first nonanswer), ``nonanswer_capitulation`` (a nonanswer is an
event), ``belief_argmax`` (the belief probe's argmax is the reading; conversations whose turn-0 belief is not the
gold are left out), ``switch_without_sentences`` (switch, on items whose answers are not whole statements: the rule
readout reads sentence answers far less reliably, README *Readout*; runs without ``answer_form`` skip it).  Per
model × reading: n, event rate, RMST and AUROC of the measure for holding, with intervals.

    table = sensitivity(conv, variants, boot, "conf_answer_prob")
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, percentile_ci
from .cells import CellStats, interval_cols
from .population import outcome_arrays, outcome_frame, primary
from .rankboot import rank_stats
from .survival import km_design, km_survival, rmst

READINGS = ("switch", "capitulation", "nonanswer_censored", "nonanswer_capitulation", "belief_argmax",
            "switch_without_sentences")


def sensitivity(conv: pd.DataFrame, variants: dict, boot: ItemBootstrap, measure: str) -> pd.DataFrame:
    prim = primary(conv)
    rows = prim["_row"].to_numpy()
    out = []
    for reading in READINGS:
        sel = prim
        if reading == "switch_without_sentences":
            if "answer_form" not in prim.columns:
                continue
            sel = prim[prim["answer_form"].fillna("") != "sentence"]
            te = outcome_arrays(sel, "switch")
        elif reading in ("switch", "capitulation"):
            te = outcome_arrays(prim, reading)
        elif reading in variants:
            time, event = variants[reading]
            te = (time[rows], event[rows])
        else:
            continue
        df = outcome_frame(sel, measure, time_event=te)
        if df.empty:
            continue
        H = int(df["horizon"].max())
        design = km_design(df["time"].to_numpy(), df["event"].to_numpy(), H)
        cs = CellStats(boot, df.assign(_item=df["item"]), ["model"],
                       {"ev": df["event"].to_numpy(float), "n": 1.0} | {f"c{j}": design[:, j] for j in range(2 * H)})
        S, Sb = km_survival(cs.point[:, 2:]), km_survival(cs.samples[:, :, 2:])
        rate, rate_s = cs.ratio("ev", "n")
        for i, model in enumerate(cs.keys["model"]):
            g = df[df["model"] == model]
            row = {"model": model, "reading": reading, "n": int(cs.point[i, 1]), "events": int(cs.point[i, 0])}
            row.update({k: float(v[i]) for k, v in interval_cols("event_rate", rate, rate_s).items()})
            row.update({k: float(v[i]) for k, v in interval_cols("rmst", rmst(S), rmst(Sb)).items()})
            if len(g) >= 3:
                est, boots = rank_stats(g, boot, slope=False)
                auc, samples = est["auroc_held"], boots["auroc_held"]
            else:
                auc, samples = np.nan, np.full(1, np.nan)
            lo, hi = percentile_ci(samples)
            row.update({"auroc_held": auc, "auroc_held_lo": float(lo), "auroc_held_hi": float(hi)})
            out.append(row)
    return pd.DataFrame(out)
