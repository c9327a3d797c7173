"""Item-cluster bootstrap, vectorised as multiplicity weights.

A resample draws whole items with replacement (an item repeats across conditions, variants and models, so its rows
move together).  It is represented by how often each item is drawn — ``ItemBootstrap.w`` is (B, n_items) — never by
copied rows.  One set of draws serves every statistic, so differences between conditions or models are paired.

- ratio statistics (rates, means, risk differences, KM counts, RMST, ECE, Brier): sums per item and cell, then one
  matrix product ``w @ sums`` gives every resample's cell totals (`cell_totals`);
- rank statistics (Spearman, AUROC) exactly: weighted mid-ranks of one sort (`spearman_auroc`); at scale the
  analyzer uses the binned version in `rankboot`, checked against this one in the tests;
- the logistic slope: Newton steps for all resamples at once (`logistic_boot`).

    boot = ItemBootstrap(n_items=conv["_item"].max() + 1, n_boot=300, seed=0)
    point, samples = cell_totals(boot, conv["_item"], cell_codes, n_cells, [conv["switched"], 1.0])
    lo, hi = percentile_ci(samples[:, :, 0] / samples[:, :, 1])
"""
from __future__ import annotations

import math

import numpy as np

MIN_FINITE = 10  # fewer finite resamples than this: no interval


class ItemBootstrap:
    """B resamples of ``n_items`` items; ``w[b, i]`` = how often item i is drawn in resample b."""

    def __init__(self, n_items: int, n_boot: int = 300, seed: int = 0):
        self.n_items, self.n_boot = n_items, n_boot
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, max(n_items, 1), size=(n_boot, n_items))
        flat = (picks + np.arange(n_boot)[:, None] * n_items).ravel()
        self.w = np.bincount(flat, minlength=n_boot * n_items).reshape(n_boot, n_items).astype(np.float64)
        self.wt = np.ascontiguousarray(self.w.T)  # (n_items, B) for sparse products
        self.w32 = self.w.astype(np.float32)

    def rows(self, items: np.ndarray) -> np.ndarray:
        """(B, n) multiplicities of rows whose item codes are ``items``."""
        return self.w[:, items]


def cell_totals(boot: ItemBootstrap, items: np.ndarray, cells: np.ndarray, n_cells: int,
                values) -> tuple[np.ndarray, np.ndarray]:
    """Sums per cell of each value column: point (n_cells, k) and every resample (B, n_cells, k).

    ``values`` is an (n, k) array or a list of k columns (arrays of length n, or scalars meaning a constant).
    The per-item sums form an (items × cells·k) matrix; a dense float32 BLAS product when that is cheaper, a sparse
    one (cost ∝ non-zeros × B) when the matrix is wide and mostly empty."""
    if isinstance(values, np.ndarray):
        values = [values[:, j] for j in range(values.shape[1])] if values.ndim == 2 else [values]
    k = len(values)
    n = len(items)
    items = np.asarray(items, dtype=np.int64)
    cells = np.asarray(cells, dtype=np.int64)
    cols = [None if np.isscalar(v) and v == 1 else np.broadcast_to(np.asarray(v, dtype=np.float64), (n,))
            for v in values]
    width = n_cells * k
    present = np.bincount(items, minlength=boot.n_items) > 0
    n_used = int(present.sum())
    point = np.stack([np.bincount(cells, weights=c, minlength=n_cells) for c in cols], axis=1).astype(np.float64)
    # cost model: a dense BLAS product (~30x faster per multiply-add) vs a sparse one over the non-zeros
    if n_used * width <= max(30 * n * k, 100_000) and n_used * width <= 60_000_000:
        if n_used == boot.n_items:
            used, local = slice(None), items
        else:
            used = np.flatnonzero(present)
            local = (np.cumsum(present) - 1)[items]
        idx = local * n_cells + cells
        sums = np.empty((n_used * n_cells, k), dtype=np.float32)
        for j, c in enumerate(cols):
            sums[:, j] = np.bincount(idx, weights=c, minlength=n_used * n_cells)
        resampled = (boot.w32[:, used] @ sums.reshape(n_used, width)).astype(np.float64)
    else:
        from scipy import sparse

        rows = np.repeat(items, k)
        flat = (cells[:, None] * k + np.arange(k)).ravel()
        vals = np.stack([np.ones(n) if c is None else c for c in cols], axis=1).ravel()
        mat = sparse.csr_matrix((vals, (rows, flat)), shape=(boot.n_items, width))
        resampled = np.asarray(mat.T @ boot.wt).T
    return point, resampled.reshape(boot.n_boot, n_cells, k)


def ratio(num, den):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def percentile_ci(samples: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0 (linear interpolation, NaN resamples ignored), NaN where fewer than
    MIN_FINITE resamples are finite."""
    samples = np.asarray(samples, dtype=np.float64)
    srt = np.sort(samples, axis=0)  # NaN sort last
    k = np.isfinite(samples).sum(axis=0)
    out = []
    for q in (alpha / 2, 1 - alpha / 2):
        pos = q * np.maximum(k - 1, 0)
        lo_i = np.floor(pos).astype(np.int64)
        hi_i = np.minimum(lo_i + 1, np.maximum(k - 1, 0))
        a = np.take_along_axis(srt, lo_i[None, ...], axis=0)[0]
        b = np.take_along_axis(srt, hi_i[None, ...], axis=0)[0]
        out.append(np.where(k >= MIN_FINITE, a + (pos - lo_i) * (b - a), np.nan))
    return out[0], out[1]


def wald_p(estimate: float, samples: np.ndarray, null: float) -> float:
    """Two-sided p-value of ``estimate`` against ``null`` using the bootstrap standard error."""
    s = samples[np.isfinite(samples)]
    if len(s) < MIN_FINITE or not np.isfinite(estimate) or s.std() == 0:
        return math.nan
    from scipy.stats import norm

    return float(2 * norm.sf(abs(estimate - null) / s.std(ddof=1)))


def weighted_midranks(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mid-ranks each original row would have in every resample (ties share the mean rank)."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    group_sum = np.add.reduceat(counts[:, order], starts, axis=1)
    mid = np.cumsum(group_sum, axis=1) - group_sum + (group_sum + 1) / 2
    ranks = np.empty(counts.shape, dtype=np.float64)
    ranks[:, order] = mid[:, np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(x)]))]
    return ranks


def weighted_pearson(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = w.sum(axis=1, keepdims=True)
    ma, mb = (w * a).sum(axis=1, keepdims=True) / n, (w * b).sum(axis=1, keepdims=True) / n
    da, db = a - ma, b - mb
    cov, va, vb = (w * da * db).sum(axis=1), (w * da * da).sum(axis=1), (w * db * db).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((va > 1e-12) & (vb > 1e-12), cov / np.sqrt(va * vb), np.nan)


def spearman_auroc(conf: np.ndarray, survived: np.ndarray, held: np.ndarray, counts: np.ndarray):
    """Spearman ρ(conf, survived) and AUROC(conf → held) for every row of ``counts`` (B, n)."""
    rc = weighted_midranks(conf, counts)
    rho = weighted_pearson(rc, weighted_midranks(survived, counts), counts)
    held = held.astype(np.float64)
    n1 = counts @ held
    n0 = counts.sum(axis=1) - n1
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = np.where((n1 > 0) & (n0 > 0), (((counts * rc) @ held) - n1 * (n1 + 1) / 2) / (n1 * n0), np.nan)
    return rho, auc


def logistic_boot(x: np.ndarray, y: np.ndarray, counts: np.ndarray, steps: int = 25, tol: float = 1e-4,
                  start: tuple[float, float] = (0.0, 0.0)):
    """Intercept and slope of logit P(y) = a + b·x for every row of ``counts`` (B, n), by Newton steps from
    ``start`` (the full-sample fit, so a few steps suffice); NaN where not converged (separation, one class)."""
    B = counts.shape[0]
    a, b = np.full(B, float(start[0])), np.full(B, float(start[1]))
    y = y.astype(np.float64)
    done = np.zeros(B, dtype=bool)
    for _ in range(steps):
        eta = np.clip(a[:, None] + b[:, None] * x, -30, 30)
        p = 1 / (1 + np.exp(-eta))
        r = counts * (y - p)
        v = counts * p * (1 - p)
        g0, g1 = r.sum(axis=1), r @ x
        h00, h01, h11 = v.sum(axis=1), v @ x, v @ (x * x)
        det = h00 * h11 - h01 * h01
        with np.errstate(invalid="ignore", divide="ignore"):
            da, db = (h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det
        da, db = np.where(np.isfinite(da), da, 0), np.where(np.isfinite(db), db, 0)
        a, b = a + np.clip(da, -5, 5), b + np.clip(db, -5, 5)
        done = (np.abs(da) < tol) & (np.abs(db) < tol)
        if done.all():
            break
    bad = ~done | (np.abs(b) > 20)
    return np.where(bad, np.nan, a), np.where(bad, np.nan, b)
