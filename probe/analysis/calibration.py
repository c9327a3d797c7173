"""Calibration of each probability-valued confidence measure against initial correctness.

One row per model × item × variant (turn 0 is shared by a model's conditions), analysable rows only (a committed
turn-0 answer: gold, alternative or other).  ECE = Σ_bins (n_b / N) |accuracy_b − mean confidence_b| over 10
equal-width bins; Brier = mean (confidence − correct)².  Measures outside [0, 1] (log-probability, entropy) are not
probabilities and are skipped.

    summary, reliability = calibration(conv, boot)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap
from .cells import CellStats, interval_cols
from .labels import ALTERNATIVE, CONF_MEASURES, GOLD, OTHER, TURN0_KEY

BINS = 10


def calibration(conv: pd.DataFrame, boot: ItemBootstrap, measures=CONF_MEASURES):
    base = conv[conv["initial_class"].isin([GOLD, ALTERNATIVE, OTHER])]
    base = base.drop_duplicates([k for k in TURN0_KEY if k in base.columns])
    summaries, reliab = [], []
    for m in measures:
        if m not in base:
            continue
        d = base[base[m].notna()]
        c = d[m].to_numpy(dtype=float)
        if len(d) == 0 or c.min() < 0 or c.max() > 1:
            continue
        y = (d["initial_class"] == GOLD).to_numpy(float)
        b = np.minimum((c * BINS).astype(int), BINS - 1)
        cs = CellStats(boot, d.assign(bin=b), ["model", "bin"], {"n": 1.0, "c": c, "y": y})
        acc, acc_s = cs.ratio("y", "n")
        reliab.append(cs.keys.assign(measure=m, n=cs.count("n"), **interval_cols("confidence", *cs.ratio("c", "n")),
                                     **interval_cols("accuracy", acc, acc_s)))
        # ECE and Brier per model from the same bin sums (every resample)
        ms = CellStats(boot, d, ["model"], {"n": 1.0, "sq": (c - y) ** 2})
        brier, brier_s = ms.ratio("sq", "n")
        ece, ece_s = [], []
        for model in ms.keys["model"]:
            sel = (cs.keys["model"] == model).to_numpy()
            n_p, n_s = cs.point[sel, 0], cs.samples[:, sel, 0]
            with np.errstate(invalid="ignore", divide="ignore"):  # a resample without the model's items: NaN
                gap_p = np.abs(cs.point[sel, 2] - cs.point[sel, 1]).sum() / n_p.sum()
                gap_s = np.abs(cs.samples[:, sel, 2] - cs.samples[:, sel, 1]).sum(axis=1) / n_s.sum(axis=1)
            ece.append(gap_p)
            ece_s.append(gap_s)
        summaries.append(ms.keys.assign(measure=m, n=ms.count("n"), **interval_cols("ece", np.array(ece),
                                                                                     np.stack(ece_s, axis=1)),
                                        **interval_cols("brier", brier, brier_s)))
    if not summaries:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(summaries, ignore_index=True), pd.concat(reliab, ignore_index=True)
