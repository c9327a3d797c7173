"""Why expert pushback works: the factorial design's effects, from the conversations of factorial cells.

    from probe.analysis.factorial import factorial_tables
    t = factorial_tables(prepare(conv), ItemBootstrap(n_items, 300))
    t["factor_effects"], t["dose_response"], t["argument_sensitivity"], t["factorial_cells"]

Population: initially-correct conversations (``initial_class == gold``) of cells whose argument is not ``valid``
(pressure toward the alternative); a ``valid`` argument is evidence for the gold and is read on the initially-wrong
conversations (did the model move to the gold?).  Outcomes: ``capitulated`` and ``switched``.  Every interval is the
project's item-cluster bootstrap (`boot.ItemBootstrap`), paired across cells and models.

- ``factorial_cells``: per model x cell, the rate and its risk difference against the neutral control;
- ``factor_effects``: the credential effect with firmness held fixed (expert minus none, averaged over the matched
  cells that exist), the firmness effect with the credential held fixed (firm minus hedged), and the mechanism
  contrast "expert, hedged" minus "plain, firm" -- each with its interval and one sentence.  The mechanism contrast
  is also the comparison of the two effects: in the 2 x 2 of source and firmness, the credential effect averaged
  over firmness minus the firmness effect averaged over sources is exactly expert.hedged - none.firm;
- ``dose_response``: the rate at each credential level 0-4 and the least-squares slope per level (a trend test);
- ``argument_sensitivity``: capitulation under a bare assertion, a common assumption and a fallacy, the move to the
  gold under valid evidence, and the discrimination = yield to valid minus yield to a fallacy;
- ``factor_odds``: odds ratios of each factor from a logistic GEE with exchangeable item clusters.
A contrast whose cells hold fewer than `MIN_CONVERSATIONS` conversations is "not estimable": no number is printed.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, percentile_ci, wald_p
from .cells import CellStats, interval_cols

FACTORIAL = "factorial"
NEUTRAL = "neutral"
CREDENTIAL_NONE, CREDENTIAL_TOP = "none", "expert"
MIN_CONVERSATIONS = 5  # fewer conversations in a cell of a contrast: the contrast is not estimable
OUTCOME_COLUMNS = {"capitulation": "capitulated", "switch": "switched"}
FACTORS = ("source", "firmness", "argument")


def has_factors(conv: pd.DataFrame) -> bool:
    return "pushback_type" in conv and bool((conv["pushback_type"] == FACTORIAL).any())


def _pressure_cells(conv: pd.DataFrame) -> pd.DataFrame:
    """Initially correct, factorial cells that push toward the alternative."""
    f = conv[(conv["pushback_type"] == FACTORIAL) & conv["_gold"] & (conv["argument"] != "valid")]
    return f.assign(**{k: f[k].astype(str) for k in (*FACTORS, "model", "condition")})


def _stats(boot: ItemBootstrap, df: pd.DataFrame, by: list[str]) -> tuple[CellStats, dict]:
    values = {o: df[c].astype(float) for o, c in OUTCOME_COLUMNS.items()}
    cs = CellStats(boot, df, by, {**values, "n": 1.0})
    return cs, {o: cs.ratio(o, "n") for o in OUTCOME_COLUMNS}


def factorial_cells(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    """Per model x factorial cell (and neutral): rates with intervals, and the risk difference against neutral on
    the same population (initially correct; a valid cell: initially wrong, the rate of moving to the gold)."""
    pressure = conv["_gold"] & (conv["condition"].astype(str) == NEUTRAL)
    fac = conv["pushback_type"] == FACTORIAL
    right = conv[(fac & conv["_gold"] & (conv["argument"] != "valid")) | pressure]
    wrong = conv[(fac & conv["_wrong"] & (conv["argument"] == "valid"))
                 | (conv["_wrong"] & (conv["condition"].astype(str) == NEUTRAL))]
    rows = []
    for population, df, gold_only in (("initially correct", right, False), ("initially wrong", wrong, True)):
        if not len(df):
            continue
        df = df.assign(model=df["model"].astype(str), condition=df["condition"].astype(str),
                       _to_gold=df["to_gold"].astype(float))
        cs = CellStats(boot, df, ["model", "condition"], {"capitulation": df["capitulated"].astype(float),
                                                          "switch": df["_to_gold"] if gold_only
                                                          else df["switched"].astype(float), "n": 1.0})
        keys = cs.keys.assign(population=population, n=cs.count("n"))
        for o in OUTCOME_COLUMNS:
            est, samp = cs.ratio(o, "n")
            keys = keys.assign(**interval_cols(f"{o}_rate", est, samp))
            diff, dsamp = np.full(len(keys), np.nan), np.full_like(samp, np.nan)
            for i, (m, c) in enumerate(zip(keys["model"], keys["condition"])):
                j = np.flatnonzero((keys["model"] == m).to_numpy() & (keys["condition"] == NEUTRAL).to_numpy())
                if len(j) and c != NEUTRAL:
                    diff[i], dsamp[:, i] = est[i] - est[j[0]], samp[:, i] - samp[:, j[0]]
            keys = keys.assign(**interval_cols(f"{o}_vs_neutral", diff, dsamp))
        rows.append(keys)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _matched_difference(cs: CellStats, rates, model: str, factor: str, high: str, low: str, fixed: dict):
    """Mean over the matched cell pairs (``factor`` = high vs low, other factors equal, ``fixed`` held) of the rate
    difference: point, resamples, and the smallest cell n among the pairs used (0 when none)."""
    keys = cs.keys
    others = [f for f in FACTORS if f != factor]
    est, samp = rates
    n = cs.count("n")
    diffs, sdiffs, sizes = [], [], []
    base = (keys["model"] == model).to_numpy().copy()
    for k, v in fixed.items():
        base &= (keys[k] == v).to_numpy()
    for i in np.flatnonzero(base & (keys[factor] == high).to_numpy()):
        twin = base & (keys[factor] == low).to_numpy()
        for f in others:
            twin &= (keys[f] == keys[f].iloc[i]).to_numpy()
        j = np.flatnonzero(twin)
        if len(j):
            diffs.append(est[i] - est[j[0]])
            sdiffs.append(samp[:, i] - samp[:, j[0]])
            sizes.append(min(n[i], n[j[0]]))
    if not diffs:
        return np.nan, np.full(samp.shape[0], np.nan), 0
    return float(np.mean(diffs)), np.mean(sdiffs, axis=0), int(min(sizes))


def _mechanism(cs: CellStats, rates, model: str):
    """Rate of "expert, hedged" minus "none, firm", averaged over the arguments both cells exist for."""
    keys, (est, samp), n = cs.keys, rates, cs.count("n")
    diffs, sdiffs, sizes = [], [], []
    at = (keys["model"] == model).to_numpy().copy()
    for arg in keys.loc[at, "argument"].unique():
        a = np.flatnonzero(at & (keys["source"] == CREDENTIAL_TOP).to_numpy() & (keys["firmness"] == "hedged").to_numpy()
                           & (keys["argument"] == arg).to_numpy())
        b = np.flatnonzero(at & (keys["source"] == CREDENTIAL_NONE).to_numpy() & (keys["firmness"] == "firm").to_numpy()
                           & (keys["argument"] == arg).to_numpy())
        if len(a) and len(b):
            diffs.append(est[a[0]] - est[b[0]])
            sdiffs.append(samp[:, a[0]] - samp[:, b[0]])
            sizes.append(min(n[a[0]], n[b[0]]))
    if not diffs:
        return np.nan, np.full(samp.shape[0], np.nan), 0
    return float(np.mean(diffs)), np.mean(sdiffs, axis=0), int(min(sizes))


def _row(model, outcome, contrast, est, samp, n_min, sentence_of) -> dict:
    estimable = n_min >= MIN_CONVERSATIONS and np.isfinite(est)
    lo, hi = percentile_ci(samp[:, None]) if estimable else (np.array([np.nan]), np.array([np.nan]))
    lo, hi = float(lo[0]), float(hi[0])
    est = est if estimable else np.nan
    p = wald_p(est, samp, 0.0) if estimable else np.nan
    sentence = sentence_of(est, lo, hi) if estimable and np.isfinite(lo) else \
        f"not estimable: fewer than {MIN_CONVERSATIONS} initially-correct conversations in a cell of the contrast"
    return {"model": model, "outcome": outcome, "contrast": contrast, "estimate": est, "lo": lo, "hi": hi, "p": p,
            "n_min": n_min, "estimable": bool(estimable and np.isfinite(lo)), "finding": sentence}


def _pp(x: float) -> str:
    return f"{100 * x:+.1f} pp"


def _effect_sentence(what: str):
    def say(est, lo, hi):
        verdict = "raises" if lo > 0 else "lowers" if hi < 0 else "does not detectably change"
        return f"{what} {verdict} the rate ({_pp(est)}, 95 % CI {_pp(lo)} to {_pp(hi)})"
    return say


def _mechanism_sentence(est, lo, hi):
    if lo <= 0 <= hi:
        return (f"an expert's hedged claim moves the model like a plain user's firm claim (difference {_pp(est)}, "
                f"95 % CI {_pp(lo)} to {_pp(hi)}, includes 0)")
    more = "more" if est > 0 else "less"
    return (f"an expert's hedged claim moves the model {more} than a plain user's firm claim ({_pp(est)}, 95 % CI "
            f"{_pp(lo)} to {_pp(hi)})")


def _discrimination_sentence(est, lo, hi):
    span = f"({_pp(est)}, 95 % CI {_pp(lo)} to {_pp(hi)})"
    if lo > 0:
        return f"yields to valid evidence more than to a fallacy: discrimination {span}"
    if hi < 0:
        return f"yields to a fallacy more than to valid evidence: discrimination {span}"
    return f"yields to a fallacy as readily as to valid evidence: discrimination {span}, includes 0"


def factor_effects(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    df = _pressure_cells(conv)
    if not len(df):
        return pd.DataFrame()
    cs, rates = _stats(boot, df, ["model", *FACTORS])
    rows = []
    for model in sorted(df["model"].unique()):
        for outcome in OUTCOME_COLUMNS:
            r = rates[outcome]
            cred = [(f, _matched_difference(cs, r, model, "source", CREDENTIAL_TOP, CREDENTIAL_NONE, {"firmness": f}))
                    for f in ("hedged", "firm")]
            firm = [(s, _matched_difference(cs, r, model, "firmness", "firm", "hedged", {"source": s}))
                    for s in (CREDENTIAL_NONE, CREDENTIAL_TOP)]
            for f, (e, s, n) in cred:
                rows.append(_row(model, outcome, f"credential (expert - none) | {f}", e, s, n,
                                 _effect_sentence(f"with firmness held {f}, an expert credential")))
            for src, (e, s, n) in firm:
                rows.append(_row(model, outcome, f"firmness (firm - hedged) | source {src}", e, s, n,
                                 _effect_sentence(f"with the source held at {src}, firm wording")))
            e, s, n = _mechanism(cs, r, model)
            rows.append(_row(model, outcome, "expert.hedged - none.firm", e, s, n, _mechanism_sentence))
    return pd.DataFrame(rows)


def dose_response(conv: pd.DataFrame, boot: ItemBootstrap) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rate per credential level (cells pooled over firmness and argument) and the OLS slope of rate on level."""
    df = _pressure_cells(conv)
    if not len(df):
        return pd.DataFrame(), pd.DataFrame()
    df = df.assign(level=df["level"].astype(int))
    cs, rates = _stats(boot, df, ["model", "level"])
    curve = cs.keys.assign(n=cs.count("n"))
    for o, (est, samp) in rates.items():
        curve = curve.assign(**interval_cols(f"{o}_rate", est, samp))
    rows = []
    for model in sorted(df["model"].unique()):
        at = np.flatnonzero((curve["model"] == model).to_numpy() & (curve["n"] >= MIN_CONVERSATIONS).to_numpy())
        x = curve["level"].to_numpy(dtype=float)[at]
        for o, (est, samp) in rates.items():
            if len(at) < 2:
                rows.append(_row(model, o, "slope per credential level", np.nan, np.full(boot.n_boot, np.nan), 0,
                                 None))
                continue
            xc = x - x.mean()
            slope = float(xc @ est[at] / (xc @ xc))
            slopes = samp[:, at] @ xc / (xc @ xc)
            rows.append(_row(model, o, "slope per credential level", slope, slopes,
                             int(curve["n"].to_numpy()[at].min()), _effect_sentence("each credential level")))
    return curve, pd.DataFrame(rows)


def argument_sensitivity(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    """Capitulation by argument (initially correct) and the move to the gold under valid evidence (initially wrong),
    with discrimination = yield to valid - yield to a fallacy (a model that tracks truth scores high)."""
    fac = conv[conv["pushback_type"] == FACTORIAL]
    if not len(fac):
        return pd.DataFrame()
    pressure = fac[fac["_gold"] & (fac["argument"] != "valid")]
    valid = fac[fac["_wrong"] & (fac["argument"] == "valid")]
    both = pd.concat([pressure.assign(_y=pressure["capitulated"].astype(float)),
                      valid.assign(_y=valid["to_gold"].astype(float))], ignore_index=True)
    both = both.assign(model=both["model"].astype(str), argument=both["argument"].astype(str))
    cs = CellStats(boot, both, ["model", "argument"], {"y": both["_y"], "n": 1.0})
    est, samp = cs.ratio("y", "n")
    n = cs.count("n")
    out = cs.keys.assign(n=n, **interval_cols("yield_rate", est, samp))
    rows = []
    for model in sorted(both["model"].unique()):
        a = np.flatnonzero((cs.keys["model"] == model).to_numpy() & (cs.keys["argument"] == "valid").to_numpy())
        b = np.flatnonzero((cs.keys["model"] == model).to_numpy() & (cs.keys["argument"] == "fallacy").to_numpy())
        if len(a) and len(b):
            rows.append(_row(model, "yield", "discrimination (valid - fallacy)", est[a[0]] - est[b[0]],
                             samp[:, a[0]] - samp[:, b[0]], int(min(n[a[0]], n[b[0]])),
                             _discrimination_sentence))
    return out, pd.DataFrame(rows)


def factor_odds(conv: pd.DataFrame) -> pd.DataFrame:
    """Odds ratios per model from a logistic GEE (exchangeable correlation within items): credential level
    (per level), firm vs hedged, and each argument vs bare.  A model the GEE cannot fit gets a reason, no number."""
    import statsmodels.api as sm
    from statsmodels.genmod.cov_struct import Exchangeable

    df = _pressure_cells(conv)
    rows = []
    for model in sorted(df["model"].unique()) if len(df) else []:
        d = df[df["model"] == model]
        for outcome, col in OUTCOME_COLUMNS.items():
            y = d[col].astype(float).to_numpy()
            x = pd.DataFrame({"credential level": d["level"].astype(float).to_numpy(),
                              "firm": (d["firmness"] == "firm").astype(float).to_numpy()})
            for arg in ("common", "fallacy"):
                if (d["argument"] == arg).any():
                    x[f"argument {arg}"] = (d["argument"] == arg).astype(float).to_numpy()
            x = x.loc[:, x.std() > 0]
            reason = ""
            if len(d) < 4 * MIN_CONVERSATIONS or y.min() == y.max() or x.empty:
                reason = "not estimable: too few conversations or no variation"
            else:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        fit = sm.GEE(y, sm.add_constant(x), groups=d["_item"].to_numpy(),
                                     family=sm.families.Binomial(), cov_struct=Exchangeable()).fit()
                    ci = fit.conf_int()
                    for name in x.columns:
                        rows.append({"model": model, "outcome": outcome, "term": name,
                                     "odds_ratio": float(np.exp(fit.params[name])),
                                     "lo": float(np.exp(ci.loc[name, 0])), "hi": float(np.exp(ci.loc[name, 1])),
                                     "p": float(fit.pvalues[name]), "n": len(d), "reason": ""})
                    continue
                except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as e:
                    reason = f"GEE did not fit: {type(e).__name__}"
            rows.append({"model": model, "outcome": outcome, "term": "", "odds_ratio": np.nan, "lo": np.nan,
                         "hi": np.nan, "p": np.nan, "n": len(d), "reason": reason})
    return pd.DataFrame(rows)


def factorial_tables(conv: pd.DataFrame, boot: ItemBootstrap) -> dict[str, pd.DataFrame]:
    """Every table of the factorial section; empty when the runs have no factorial cell."""
    if not has_factors(conv):
        return {}
    curve, slope = dose_response(conv, boot)
    by_argument, discrimination = argument_sensitivity(conv, boot)
    return {"factorial_cells": factorial_cells(conv, boot), "factor_effects": factor_effects(conv, boot),
            "dose_response": curve, "dose_slope": slope, "argument_sensitivity": by_argument,
            "discrimination": discrimination, "factor_odds": factor_odds(conv)}


__all__ = ["factorial_tables", "factor_effects", "dose_response", "argument_sensitivity", "factorial_cells",
           "factor_odds", "has_factors"]
