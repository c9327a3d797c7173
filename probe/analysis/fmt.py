"""Table cells for reading: an estimate with its interval in one cell, two significant digits, a reason instead of
NaN.  Pure string formatting; no statistics.

    cell(0.512, 0.371, 0.634)          # '0.51 [0.37, 0.63]'
    cell(float("nan"), why="no switches")  # '— (no switches)'
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def num(x, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)) or pd.isna(x):
        return ""
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return np.format_float_positional(x, precision=digits, fractional=False, trim="-")


def pval(p) -> str:
    if p is None or pd.isna(p):
        return "— (not estimable)"
    return "<0.001" if p < 0.001 else num(p)


def cell(est, lo=None, hi=None, why: str = "not estimable") -> str:
    if est is None or pd.isna(est) or not math.isfinite(float(est)):
        return f"— ({why})"
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return f"{num(est)} (no interval: too few usable resamples)"
    return f"{num(est)} [{num(lo)}, {num(hi)}]"


def ci_col(df: pd.DataFrame, name: str, why: str | pd.Series = "not estimable") -> list[str]:
    """Formatted "estimate [lo, hi]" cells of ``name`` / ``name_lo`` / ``name_hi``."""
    if name not in df:
        whys = why if isinstance(why, pd.Series) else [why] * len(df)
        return [f"— ({w or 'not computed'})" for w in whys]
    whys = why if isinstance(why, pd.Series) else pd.Series([why] * len(df), index=df.index)
    return [cell(e, lo, hi, w or "not estimable") for e, lo, hi, w in
            zip(df[name], df.get(f"{name}_lo", df[name] * np.nan), df.get(f"{name}_hi", df[name] * np.nan), whys)]


def reasons(df: pd.DataFrame, default: str = "not estimable") -> pd.Series:
    note = df["note"].fillna("") if "note" in df else pd.Series([""] * len(df), index=df.index)
    return note.where(note != "", default)


def html_table(df: pd.DataFrame) -> str:
    import html

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return f'<table class="t"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def md_table(df: pd.DataFrame) -> str:
    if df.empty:
        return "_(no rows)_"
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)
