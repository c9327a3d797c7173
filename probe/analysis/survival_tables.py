"""Survival tables: KM by confidence tercile with bootstrap bands, RMST, and discrete-time hazard models
(switch ~ confidence × condition + turn per model; switch ~ confidence × log10(params_b) across models).

    km, rm = km_tables(conv, boot, "conf_answer_prob")
    hz = hazard_models(conv, "conf_answer_prob")
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap
from .cells import CellStats, interval_cols
from .population import outcome_frame, primary
from .survival import glm_cloglog, km_design, km_survival, linear_combination, person_period, rmst

TERCILES = ("low", "mid", "high")


def km_tables(conv: pd.DataFrame, boot: ItemBootstrap, measure: str, outcome: str = "switch"):
    """KM survival per model × confidence tercile (within model) × turn, and RMST per model × tercile + all."""
    df = outcome_frame(primary(conv), measure, outcome)
    if df.empty:
        return pd.DataFrame(), pd.DataFrame()
    H = int(df["horizon"].max())
    terc = df.groupby("model")["conf"].transform(
        lambda s: pd.qcut(s.rank(method="first"), 3, labels=False) if len(s) >= 3 else pd.Series(1, index=s.index))
    df = df.assign(tercile=np.asarray(TERCILES, dtype=object)[terc.to_numpy(dtype=int)], _item=df["item"])
    both = pd.concat([df, df.assign(tercile="all")], ignore_index=True)
    design = km_design(both["time"].to_numpy(), both["event"].to_numpy(), H)
    cs = CellStats(boot, both, ["model", "tercile"], {f"c{j}": design[:, j] for j in range(2 * H)} | {"n": 1.0})
    S, Sb = km_survival(cs.point[:, :-1]), km_survival(cs.samples[:, :, :-1])
    rows = []
    for i, k in cs.keys.iterrows():
        rows.append({"model": k["model"], "tercile": k["tercile"], "turn": 0, "n": int(cs.point[i, -1]),
                     "survival": 1.0, "survival_lo": 1.0, "survival_hi": 1.0})
        for t in range(H):
            c = interval_cols("survival", S[i, t], Sb[:, i, t])
            rows.append({"model": k["model"], "tercile": k["tercile"], "turn": t + 1, "n": int(cs.point[i, -1]),
                         **{a: float(b) for a, b in c.items()}})
    km = pd.DataFrame(rows)
    rm = cs.keys.assign(n=cs.point[:, -1].astype(int), horizon=H, **interval_cols("rmst", rmst(S), rmst(Sb)))
    order = {t: i for i, t in enumerate(TERCILES + ("all",))}
    rm = rm.sort_values(["model", "tercile"], key=lambda s: s.map(order) if s.name == "tercile" else s)
    return km, rm.reset_index(drop=True)


def _expanded(df: pd.DataFrame):
    idx, turn, y = person_period(df["time"].to_numpy(), df["event"].to_numpy())
    return df.iloc[idx].reset_index(drop=True).assign(pp_turn=turn, y=y)


def _design(pp: pd.DataFrame, extra: list[tuple[str, np.ndarray]]):
    cols, names = [np.ones(len(pp))], ["intercept"]
    for t in sorted(pp["pp_turn"].unique())[1:]:
        cols.append((pp["pp_turn"] == t).to_numpy(float))
        names.append(f"turn{t}")
    for name, v in extra:
        cols.append(v)
        names.append(name)
    return np.column_stack(cols), names


def hazard_models(conv: pd.DataFrame, measure: str, outcome: str = "switch", max_rows: int = 2_000_000):
    """Hazard ratio per SD of the measure per model × pressure condition (cloglog discrete-time model with
    condition-specific slopes and turn effects), and the scaling test across models (interaction of the per-SD
    slope with log10 params_b).  Standard errors clustered by item."""
    df = outcome_frame(primary(conv), measure, outcome)
    rows = []
    if df.empty:
        return pd.DataFrame()
    df = df.assign(z=(df["conf"] - df["conf"].mean()) / (df["conf"].std(ddof=0) or 1))
    for model, g in df.groupby("model", sort=True):
        g = g.assign(z=(g["conf"] - g["conf"].mean()) / (g["conf"].std(ddof=0) or 1))
        pp = _expanded(g)
        conds = sorted(pp["condition"].unique())
        extra = [(f"cond:{c}", (pp["condition"] == c).to_numpy(float)) for c in conds[1:]]
        extra += [("z", pp["z"].to_numpy())]
        extra += [(f"z:{c}", pp["z"].to_numpy() * (pp["condition"] == c).to_numpy()) for c in conds[1:]]
        X, names = _design(pp, extra)
        if pp["y"].sum() == 0 or np.linalg.matrix_rank(X[: min(len(X), 20000)]) < X.shape[1]:
            continue
        fit = glm_cloglog(X, pp["y"].to_numpy(), pp["item"].to_numpy())
        for c in conds:
            w = np.zeros(len(names))
            w[names.index("z")] = 1
            if c != conds[0]:
                w[names.index(f"z:{c}")] = 1
            rows.append({"model": model, "term": f"confidence per SD, {c}", "n_turns_at_risk": len(pp),
                         "n": int((g["condition"] == c).sum()), **linear_combination(fit, w)})
    models = df.groupby("model")["row"].first()
    params = conv.loc[models.to_numpy(), "params_b"] if "params_b" in conv else pd.Series(dtype=float)
    sizes = pd.Series(pd.to_numeric(params, errors="coerce").to_numpy(), index=models.index)
    sizes = sizes[sizes > 0]
    if sizes.nunique() >= 2:
        d = df[df["model"].isin(sizes.index)]
        pp = _expanded(d)
        if len(pp) <= max_rows:
            L = np.log10(pp["model"].map(sizes).to_numpy(float))
            L = L - L.mean()
            conds = sorted(pp["condition"].unique())
            extra = [(f"cond:{c}", (pp["condition"] == c).to_numpy(float)) for c in conds[1:]]
            extra += [("z", pp["z"].to_numpy()), ("log10_params", L), ("z:log10_params", pp["z"].to_numpy() * L)]
            X, names = _design(pp, extra)
            fit = glm_cloglog(X, pp["y"].to_numpy(), pp["item"].to_numpy())
            w = np.zeros(len(names))
            w[names.index("z:log10_params")] = 1
            rows.append({"model": f"{sizes.nunique()} model sizes", "term":
                         "scaling: ratio of per-SD hazard ratios per 10x parameters", "n_turns_at_risk": len(pp),
                         "n": len(d), **linear_combination(fit, w)})
    else:
        rows.append({"model": "all", "term": "scaling: ratio of per-SD hazard ratios per 10x parameters",
                     "n_turns_at_risk": 0, "n": len(df), "hr": math.nan, "hr_lo": math.nan, "hr_hi": math.nan,
                     "p": math.nan, "note": "fewer than 2 model sizes"})
    return pd.DataFrame(rows)


__all__ = ["km_tables", "hazard_models"]
