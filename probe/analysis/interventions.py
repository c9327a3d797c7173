"""Which fix works: switch rate and hazard ratio per intervention against none, per model.

    from probe.analysis.interventions import intervention_effects
    intervention_effects(prepare(conv), ItemBootstrap(n_items, 300))

Population: initially-correct conversations of pressure conditions (controls never pooled in), each intervention
arm against the ``none`` arm of the same conditions (paraphrase.interventions); risk differences and ratios with
item-cluster bootstrap intervals, and a Cox hazard ratio (arm vs none, stratified by base condition, item-clustered
errors).  Runs without an intervention other than none give no table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap
from .cells import CellStats
from .effects import against_reference
from .population import outcome_arrays
from .survival import cox_fit, hr_row

NONE = "none"


def has_interventions(conv: pd.DataFrame) -> bool:
    return "intervention" in conv and bool((conv["intervention"].astype(str) != NONE).any())


def intervention_effects(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    if not has_interventions(conv):
        return pd.DataFrame()
    right = conv[conv["_gold"] & conv["_pressure"]]
    right = right.assign(model=right["model"].astype(str), intervention=right["intervention"].astype(str),
                         base=[c.removesuffix(f"+{i}") for c, i in zip(right["condition"].astype(str),
                                                                       right["intervention"].astype(str))])
    cs = CellStats(boot, right, ["model", "intervention"], {"switch": right["switched"].astype(float),
                                                            "capitulation": right["capitulated"].astype(float),
                                                            "n": 1.0})
    keys, n = cs.keys, cs.count("n")
    rates = {k: cs.ratio(k, "n") for k in ("switch", "capitulation")}
    rows = []
    for i, r in keys.iterrows():
        if r["intervention"] == NONE:
            continue
        row = {"model": r["model"], "intervention": r["intervention"], "n": int(n[i])}
        ref = np.flatnonzero((keys["model"] == r["model"]).to_numpy() & (keys["intervention"] == NONE).to_numpy())
        row.update(against_reference(rates, n, i, ref[0] if len(ref) else None, NONE))
        if len(ref):
            pair = right[(right["model"] == r["model"]) & right["intervention"].isin([r["intervention"], NONE])]
            time, event = outcome_arrays(pair, "switch")
            fit = cox_fit(time, event, (pair["intervention"] == r["intervention"]).to_numpy(float)[:, None],
                          strata=pair["base"].to_numpy(), groups=pair["_item"].to_numpy())
            h = hr_row(fit)
            row.update({"hr_vs_none": h["hr"], "hr_vs_none_lo": h["hr_lo"], "hr_vs_none_hi": h["hr_hi"], "hr_p": h["p"]})
            row["note"] = "" if np.isfinite(h["hr"]) else "hazard ratio not estimable (no switches in one arm)"
        else:
            row["note"] = "no 'none' arm for this model"
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["intervention_effects", "has_interventions"]
