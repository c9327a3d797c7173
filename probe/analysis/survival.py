"""Survival under pushback: Kaplan–Meier, RMST, a stratified Cox model with item-clustered standard errors and a
discrete-time (grouped proportional hazards) model — pure functions of arrays.

Times are pushback turns 1..H.  ``time`` is the turn of the first event, or the last turn observed when censored.
- KM: S(t) = Π_{u≤t} (1 − d_u / r_u), d_u = events at turn u, r_u = conversations still observed at turn u.
- RMST = Σ_{t=1..H} S(t) = the expected number of pushback turns held out of H.  An event at the last turn H lowers
  it (the answer was not held through turn H); censoring at H does not.
- Cox: Breslow partial likelihood, optional strata (separate baseline hazards), sandwich variance clustered by item;
  the proportional-hazards check correlates the Schoenfeld residuals of the first covariate with the rank of the event
  time (Grambsch–Therneau style; small p = hazards not proportional).
- Discrete-time hazard: one row per conversation × turn at risk, binary GLM with complementary log-log link (the
  grouped-time form of proportional hazards, so coefficients are log hazard ratios), sandwich variance clustered
  by item — a GEE with independence working correlation.

    S = km_survival(km_totals(time, event, H))     # (H,) survival after each turn
    fit = cox_fit(time, event, x[:, None], strata=cond_codes, groups=item_codes)
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps


# ---- Kaplan–Meier and RMST from counts (so the bootstrap can resample the counts) --------------------------------
def km_design(time: np.ndarray, event: np.ndarray, horizon: int) -> np.ndarray:
    """(n, 2H) indicator matrix: columns 0..H−1 = event at turn t, H..2H−1 = at risk at turn t (t = 1..H)."""
    t = np.arange(1, horizon + 1)
    time = np.asarray(time, dtype=float)[:, None]
    ev = np.asarray(event, dtype=bool)[:, None]
    return np.concatenate([(ev & (time == t)), time >= t], axis=1).astype(np.float64)


def km_survival(totals: np.ndarray) -> np.ndarray:
    """Survival after each turn from summed `km_design` columns (…, 2H) → (…, H); NaN once nobody is at risk."""
    h = totals.shape[-1] // 2
    d, r = totals[..., :h], totals[..., h:]
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.where(r > 0, 1 - d / np.where(r > 0, r, 1), np.nan)
    return np.cumprod(step, axis=-1)


def rmst(survival: np.ndarray) -> np.ndarray:
    """Σ_{t=1..H} S(t): expected pushback turns held out of H."""
    return np.sum(survival, axis=-1)


# ---- Cox proportional hazards (Breslow), strata, clustered sandwich --------------------------------------------
def _within(values: np.ndarray, starts: np.ndarray, sid: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting at every stratum (rows sorted by stratum)."""
    c = np.cumsum(values, axis=0)
    offset = np.concatenate([np.zeros((1,) + c.shape[1:]), c[starts[1:] - 1]])
    return c - offset[sid]


def cox_fit(time, event, X, strata=None, groups=None, steps: int = 50) -> dict:
    """Coefficients (log hazard ratios), robust SEs (clustered by ``groups`` if given), naive SEs, the PH check."""
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    X = np.asarray(X, dtype=float).reshape(len(time), -1)
    n, p = X.shape
    nan = {"beta": np.full(p, np.nan), "se": np.full(p, np.nan), "se_naive": np.full(p, np.nan), "n": n,
           "events": int(event.sum()), "ph_p": math.nan, "converged": False}
    if n < 3 or event.sum() == 0 or np.any(np.ptp(X, axis=0) == 0):
        return nan
    strata = np.zeros(n, dtype=np.int64) if strata is None else pd_codes(strata)
    order = np.lexsort((-time, strata))
    t, e, x, s = time[order], event[order].astype(float), X[order], strata[order]
    new = np.r_[True, (s[1:] != s[:-1]) | (t[1:] != t[:-1])]
    gid = np.cumsum(new) - 1
    last = np.r_[np.flatnonzero(new)[1:] - 1, n - 1]
    sstart = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    sid = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1
    d = np.bincount(gid, weights=e)
    xx = x[:, :, None] * x[:, None, :]
    beta = np.zeros(p)
    info = np.eye(p)
    converged = False
    for _ in range(steps):
        eta = x @ beta
        r = np.exp(eta - eta.max())
        S0 = _within(r, sstart, sid)[last]
        S1 = _within(r[:, None] * x, sstart, sid)[last]
        S2 = _within(r[:, None, None] * xx, sstart, sid)[last]
        # a risk set whose weights underflow to 0 (a covariate that separates the arms) gives NaN here, which
        # the singular-information check below turns into "not estimable": no warning to print
        with np.errstate(divide="ignore", invalid="ignore"):
            xbar = S1 / S0[:, None]
            grad = (e[:, None] * x).sum(axis=0) - (d[:, None] * xbar).sum(axis=0)
            info = (d[:, None, None] * (S2 / S0[:, None, None] - xbar[:, :, None] * xbar[:, None, :])).sum(axis=0)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return nan
        beta = beta + np.clip(step, -5, 5)
        if np.max(np.abs(step)) < 1e-9:
            converged = True
            break
    if not converged or np.any(np.abs(beta) > 50):
        return nan
    inv = np.linalg.inv(info)
    # score residuals (Breslow):
    # U_i = δ_i (x_i − x̄(t_i)) − r_i Σ_{event times t_g ≤ t_i} d_g / S0_g (x_i − x̄_g)
    a_g, b_g = d / S0, d[:, None] * xbar / S0[:, None]
    gstrat = s[last]
    gstart = np.flatnonzero(np.r_[True, gstrat[1:] != gstrat[:-1]])
    gsid = np.cumsum(np.r_[True, gstrat[1:] != gstrat[:-1]]) - 1
    gend = np.r_[gstart[1:] - 1, len(gstrat) - 1]
    ca, cb = _within(a_g, gstart, gsid), _within(b_g, gstart, gsid)
    A = ca[gend][gsid] - ca + a_g  # suffix sums: groups later in the (descending-time) order = earlier turns
    Bm = cb[gend][gsid] - cb + b_g
    U = e[:, None] * (x - xbar[gid]) - r[:, None] * (x * A[gid][:, None] - Bm[gid])
    if groups is None:
        meat, G = U.T @ U, n
    else:
        g = pd_codes(np.asarray(groups)[order])
        G = int(g.max()) + 1
        Ug = np.stack([np.bincount(g, weights=U[:, j], minlength=G) for j in range(p)], axis=1)
        meat = Ug.T @ Ug
    cov = inv @ meat @ inv * (G / max(G - 1, 1))
    ev_idx = e > 0
    ph_p = math.nan
    if ev_idx.sum() >= 10 and np.ptp(t[ev_idx]) > 0:
        resid = (x - xbar[gid])[ev_idx, 0]
        if np.ptp(resid) > 0:
            ph_p = float(sps.pearsonr(resid, sps.rankdata(t[ev_idx])).pvalue)
    return {"beta": beta, "se": np.sqrt(np.diag(cov)), "se_naive": np.sqrt(np.diag(inv)), "n": n,
            "events": int(event.sum()), "ph_p": ph_p, "converged": True,
            "schoenfeld": (t[ev_idx], (x - xbar[gid])[ev_idx])}


def pd_codes(values) -> np.ndarray:
    import pandas as pd

    return pd.factorize(np.asarray(values))[0].astype(np.int64)


# A log hazard ratio beyond ±20 or a standard error beyond 10 (an interval wider than e^±19.6) is a fit that did not
# converge to anything, typically separation (every switch on one side of the measure): no ratio is reported.
MAX_LOG_HR, MAX_SE = 20.0, 10.0


def ratio_with_ci(b: float, se: float) -> dict:
    """exp(b) with its 95 % Wald interval and p, or NaNs when the estimate is not usable."""
    ok = np.isfinite(b) and np.isfinite(se) and 0 < se <= MAX_SE and abs(b) <= MAX_LOG_HR
    if not ok:
        return {"hr": math.nan, "hr_lo": math.nan, "hr_hi": math.nan, "p": math.nan}
    return {"hr": math.exp(b), "hr_lo": math.exp(b - 1.96 * se), "hr_hi": math.exp(b + 1.96 * se),
            "p": float(2 * sps.norm.sf(abs(b / se)))}


def hr_row(fit: dict, j: int = 0, scale: float = 1.0) -> dict:
    """Hazard ratio for ``scale`` units of covariate j with its 95 % interval and Wald p (robust SE)."""
    b, se = fit["beta"][j] * scale, fit["se"][j] * abs(scale)
    return {**ratio_with_ci(float(b), float(se)), "n": fit["n"], "events": fit["events"], "ph_p": fit["ph_p"]}


# ---- discrete-time hazard: person-period rows, cloglog GLM, clustered sandwich -----------------------------------
def person_period(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row index, turn, y): one row per conversation × turn at risk (turns 1..time), y = 1 at an event turn."""
    k = np.maximum(np.asarray(time, dtype=float), 0).astype(np.int64)
    idx = np.repeat(np.arange(len(k)), k)
    starts = np.cumsum(k) - k
    turn = np.arange(len(idx)) - np.repeat(starts, k) + 1
    y = (np.asarray(event, bool)[idx] & (turn == k[idx])).astype(np.float64)
    return idx, turn, y


def glm_cloglog(X: np.ndarray, y: np.ndarray, groups: np.ndarray, steps: int = 40) -> dict:
    """Binary GLM with complementary log-log link by Fisher scoring; sandwich covariance clustered by ``groups``."""
    n, k = X.shape
    mu = np.full(n, (y.sum() + 0.5) / (n + 1))
    eta = np.log(-np.log1p(-mu))
    beta = np.zeros(k)
    converged = False
    for _ in range(steps):
        ee = np.exp(eta)
        mu = np.clip(-np.expm1(-ee), 1e-10, 1 - 1e-10)
        dmu = np.maximum(ee * np.exp(-ee), 1e-12)
        w = dmu * dmu / (mu * (1 - mu))
        z = eta + (y - mu) / dmu
        xtw = X.T * w
        try:
            new = np.linalg.solve(xtw @ X, xtw @ z)
        except np.linalg.LinAlgError:
            break
        if np.max(np.abs(new - beta)) < 1e-8:
            beta, converged = new, True
            break
        beta = new
        eta = np.clip(X @ beta, -30, 10)
    eta = np.clip(X @ beta, -30, 10)
    ee = np.exp(eta)
    mu = np.clip(-np.expm1(-ee), 1e-10, 1 - 1e-10)
    dmu = np.maximum(ee * np.exp(-ee), 1e-12)
    w = dmu * dmu / (mu * (1 - mu))
    try:
        bread = np.linalg.inv((X.T * w) @ X)
    except np.linalg.LinAlgError:
        return {"beta": np.full(k, np.nan), "cov": np.full((k, k), np.nan), "n": n, "converged": False}
    score = X * ((y - mu) * dmu / (mu * (1 - mu)))[:, None]
    g = pd_codes(groups)
    G = int(g.max()) + 1
    Sg = np.stack([np.bincount(g, weights=score[:, j], minlength=G) for j in range(k)], axis=1)
    cov = bread @ (Sg.T @ Sg) @ bread * (G / max(G - 1, 1)) * ((n - 1) / max(n - k, 1))
    return {"beta": beta, "cov": cov, "n": n, "clusters": G, "converged": converged}


def linear_combination(fit: dict, weights: np.ndarray) -> dict:
    """exp(w·β) with its 95 % interval and Wald p: a hazard ratio built from several coefficients."""
    b = float(weights @ fit["beta"])
    var = float(weights @ fit["cov"] @ weights)
    return ratio_with_ci(b, math.sqrt(var) if np.isfinite(var) and var > 0 else math.nan)
