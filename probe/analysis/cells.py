"""Rates and means per table cell with item-cluster bootstrap intervals (one matrix product for all cells).

    cs = CellStats(boot, df, ["model", "condition"], {"switch": df.switched, "n": 1})
    est, samples = cs.ratio("switch", "n")       # point (cells,), resamples (B, cells)
    table = cs.keys.assign(**interval_cols("switch_rate", est, samples))
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, cell_totals, percentile_ci, ratio


class CellStats:
    """Summed ``values`` per cell of ``by`` (point and every resample); ``keys`` holds one row per cell."""

    def __init__(self, boot: ItemBootstrap, df: pd.DataFrame, by: list[str], values: dict, item_col: str = "_item"):
        self.names = list(values)
        if len(df) == 0:
            self.keys = pd.DataFrame(columns=by)
            self.point = np.zeros((0, len(values)))
            self.samples = np.zeros((boot.n_boot, 0, len(values)))
            return
        codes = df.groupby(by, sort=True, observed=True).ngroup().to_numpy()
        self.keys = df[by].drop_duplicates().sort_values(by).reset_index(drop=True)
        self.point, self.samples = cell_totals(boot, df[item_col].to_numpy(), codes, len(self.keys),
                                               [_column(v) for v in values.values()])

    @classmethod
    def from_codes(cls, boot: ItemBootstrap, items: np.ndarray, codes: np.ndarray, keys: pd.DataFrame,
                   values: dict) -> "CellStats":
        """Cells given as integer codes into the rows of ``keys`` (for large frames, no string grouping)."""
        self = cls.__new__(cls)
        self.names, self.keys = list(values), keys.reset_index(drop=True)
        self.point, self.samples = cell_totals(boot, items, codes, len(keys), [_column(v) for v in values.values()])
        return self

    def _col(self, name):
        j = self.names.index(name)
        return self.point[:, j], self.samples[:, :, j]

    def total(self, name):
        return self._col(name)

    def ratio(self, num: str, den: str):
        (pn, sn), (pd_, sd) = self._col(num), self._col(den)
        return ratio(pn, pd_), ratio(sn, sd)

    def count(self, name: str) -> np.ndarray:
        return self._col(name)[0].astype(int)


def _column(v):
    if isinstance(v, pd.Series):
        return v.to_numpy(dtype=np.float64, na_value=np.nan)
    return v


def interval_cols(name: str, est, samples) -> dict:
    lo, hi = percentile_ci(samples)
    return {name: np.asarray(est, dtype=float), f"{name}_lo": lo, f"{name}_hi": hi}


def holm(p: np.ndarray) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (NaN entries ignored and kept NaN)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if len(ok) == 0:
        return out
    order = ok[np.argsort(p[ok])]
    m = len(order)
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adj, 1.0)
    return out
