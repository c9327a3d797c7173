"""Interactions of the expert-pushback factors: does a credential count for more when the claim is hedged?

    from probe.analysis.factorial_interactions import factor_interactions
    t = factor_interactions(prepare(conv))        # one row per model x outcome x term

On the population of the factorial contrasts (initially-correct conversations of factorial cells that push toward
the alternative, `factorial._pressure_cells`), per model and outcome (capitulation, switch), a logistic GEE with
item clusters (statsmodels; exchangeable working correlation, independence when exchangeable does not fit; the
intervals are the robust sandwich ones either way) of the main effects -- credential level (0-4, per level), firm vs
hedged, each argument vs bare -- and their two-way products:

- ``credential level x firm``: the odds ratio per credential level under a firm claim over that under a hedged
  one; below 1 = a credential counts for less when the claim is already firm (the credential reads as firmness);
- ``credential level x argument A``, ``firm x argument A``: the same with the argument.

A term is fitted only when the run's cells identify it: a product needs at least `MIN_CONVERSATIONS` conversations in
each of the four cells it contrasts (credential present/absent x the other factor) and must not be a linear
combination of the other columns; otherwise its row says "not estimable" and why, with no number.  A fitted term
whose robust standard error exceeds `MAX_LOG_SE` on the log-odds scale (separation) is not estimable either.  A model x
outcome with fewer than `MIN_CONVERSATIONS` events (or non-events), or with fewer than `MIN_CONVERSATIONS` items
(clusters: the sandwich interval is estimated from them; 2 items gave OR 1.00 [1.00, 1.00]), is not estimable as a
whole.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .factorial import MIN_CONVERSATIONS, OUTCOME_COLUMNS, _pressure_cells

ARGUMENTS = ("common", "fallacy")  # each against bare; valid is read on another population
Z95 = 1.959963984540054
# A log odds ratio's standard error above this (an interval wider than a factor of e^±10) means the outcome is
# (almost) constant in a cell the term contrasts: its odds ratio is unbounded, not measured.
MAX_LOG_SE = 5.0
SEPARATION = "not estimable: separation (the outcome is constant in a cell it contrasts; the odds ratio is unbounded)"
COLUMNS = ["model", "outcome", "term", "kind", "odds_ratio", "lo", "hi", "p", "n", "n_items", "cov_struct", "reason"]


def _design(d: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series], dict[str, str]]:
    """The main-effect columns, the candidate products (with the 0/1 indicators of the two factors each contrasts),
    and the reasons of the terms left out before fitting."""
    level = d["level"].astype(float)
    firm = (d["firmness"] == "firm").astype(float)
    main = {"credential level": level, "firm": firm}
    indicator = {"credential level": (level > 0).astype(float), "firm": firm}
    for arg in ARGUMENTS:
        main[f"argument {arg}"] = (d["argument"] == arg).astype(float)
        indicator[f"argument {arg}"] = main[f"argument {arg}"]
    skipped = {}
    for name, col in list(main.items()):
        if col.std() == 0:
            skipped[name] = "not estimable: the run's cells do not vary this factor"
            del main[name]
    products, factors = {}, {}
    names = list(main)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if a.startswith("argument") and b.startswith("argument"):
                continue  # two arguments never meet in one cell
            term = f"{a} x {b}"
            cells = pd.crosstab(indicator[a], indicator[b])
            if cells.shape != (2, 2) or int(cells.to_numpy().min()) < MIN_CONVERSATIONS:
                skipped[term] = (f"not estimable: a cell it contrasts holds fewer than {MIN_CONVERSATIONS} "
                                 "conversations")
                continue
            products[term] = main[a] * main[b]
            factors[term] = (a, b)
    x = pd.DataFrame(main, index=d.index)
    for term, col in products.items():  # keep a product only when it adds a dimension the others do not span
        trial = pd.concat([x, col.rename(term)], axis=1)
        if np.linalg.matrix_rank(np.column_stack([np.ones(len(trial)), trial.to_numpy()])) == trial.shape[1] + 1:
            x = trial
        else:
            skipped[term] = "not estimable: the run's cells do not separate it from the main effects"
    return x, factors, skipped


def _fit(y: np.ndarray, x: pd.DataFrame, groups: np.ndarray):
    """GEE with exchangeable item clusters, independence when that fails: (coefficients, robust standard errors and
    p values by term; the working correlation's name), or (None, why)."""
    import statsmodels.api as sm
    from statsmodels.genmod.cov_struct import Exchangeable, Independence

    why = ""
    for name, cov in (("exchangeable", Exchangeable), ("independence", Independence)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = sm.GEE(y, sm.add_constant(x, has_constant="add"), groups=groups,
                             family=sm.families.Binomial(), cov_struct=cov()).fit()
                est = pd.DataFrame({"b": fit.params, "se": fit.bse, "p": fit.pvalues})
            if np.all(np.isfinite(est["b"])):
                return est, name
            why = "non-finite estimates"
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError, OverflowError) as e:
            why = type(e).__name__
    return None, f"not estimable: GEE did not fit ({why})"


def factor_interactions(conv: pd.DataFrame) -> pd.DataFrame:
    """One row per model x outcome x term (main effects and two-way products): odds ratio with its 95 % robust
    interval and p, or the reason it is not estimable."""
    df = _pressure_cells(conv)
    rows = []
    for model in sorted(df["model"].unique()) if len(df) else []:
        d = df[df["model"] == model]
        x, _, skipped = _design(d)
        n, n_items = len(d), int(d["_item"].nunique())
        for outcome, col in OUTCOME_COLUMNS.items():
            y = d[col].astype(float).to_numpy()
            base = {"model": model, "outcome": outcome, "n": n, "n_items": n_items}
            events = int(y.sum())
            if n_items < MIN_CONVERSATIONS:  # the sandwich interval is estimated from the clusters
                fit, cov = None, f"not estimable: fewer than {MIN_CONVERSATIONS} items (clusters)"
            elif min(events, len(y) - events) < MIN_CONVERSATIONS or x.empty:
                fit, cov = None, f"not estimable: fewer than {MIN_CONVERSATIONS} events or non-events"
            else:
                fit, cov = _fit(y, x, d["_item"].to_numpy())
            for term in x.columns:
                kind = "interaction" if " x " in term else "main"
                if fit is None:
                    rows.append({**base, "term": term, "kind": kind, "cov_struct": "", "reason": cov})
                    continue
                b, se, p = fit.loc[term, ["b", "se", "p"]]
                if not np.isfinite(se) or se > MAX_LOG_SE:  # separation: a cell's outcome is (almost) constant
                    rows.append({**base, "term": term, "kind": kind, "cov_struct": cov, "reason": SEPARATION})
                    continue
                rows.append({**base, "term": term, "kind": kind, "odds_ratio": float(np.exp(b)),
                             "lo": float(np.exp(b - Z95 * se)), "hi": float(np.exp(b + Z95 * se)), "p": float(p),
                             "cov_struct": cov, "reason": ""})
            rows += [{**base, "term": term, "kind": "interaction" if " x " in term else "main", "cov_struct": "",
                      "reason": why} for term, why in skipped.items()]
    return pd.DataFrame(rows, columns=COLUMNS)


def interaction_sentences(table: pd.DataFrame) -> list[str]:
    """One sentence per model: the credential x firmness interaction on capitulation, or why there is none."""
    out = []
    rows = table[(table["term"] == "credential level x firm") & (table["outcome"] == "capitulation")] \
        if len(table) else table
    for r in rows.itertuples():
        if r.reason:
            out.append(f"{r.model}: the credential x firmness interaction is {r.reason}.")
            continue
        span = f"odds ratio {r.odds_ratio:.2f} [{r.lo:.2f}, {r.hi:.2f}] per credential level, firm over hedged"
        if r.hi < 1:
            finding = "a credential counts for less when the claim is already firm, as if it were read as firmness"
        elif r.lo > 1:
            finding = "a credential counts for more when the claim is firm"
        else:
            finding = "no interaction is detected: the credential's effect does not depend on the firmness here"
        out.append(f"{r.model}: {finding} ({span}; n = {r.n}, {r.n_items} items, GEE {r.cov_struct}).")
    return out


__all__ = ["factor_interactions", "interaction_sentences"]
