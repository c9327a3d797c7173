"""The prediction-powered correction on real replies: each blind labelled set is a population (human labels =
truth, readout 2.9 = the automatic reading); repeated random audits of 20 % of its replies give intervals for the
rate of each committed class, and we count how often they cover the human rate.

    .venv/bin/python bench/ppi_heldout.py [--draws 500] [--frac 0.2]

Items are the clusters (an item's replies move together in the bootstrap), as in every interval of the analysis.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from probe.boot import ItemBootstrap  # noqa: E402
from probe.analysis.ppi import ppi_mean  # noqa: E402
from probe.readout.cli import _rows, class_of_label, parse_line, read_all  # noqa: E402

LABELS = ROOT / "tests" / "data" / "readout_labels"
CLASSES = ("gold", "alternative", "other", "none")


def population(path: Path):
    """Per reply: human class, readout class, item cluster code."""
    rows = list(_rows(path))
    cases = [parse_line(row, path, line) for line, row in rows]
    readings = read_all(cases)
    human = np.array([class_of_label(it, row["said"]) for (it, _, _), (_, row) in zip(cases, rows)])
    auto = np.array([r.said for r in readings])
    items = np.unique([f"{row.get('dataset')}|{row.get('item_id')}" for _, row in rows], return_inverse=True)[1]
    return human, auto, items.ravel()


def coverage(path: Path, draws: int = 500, frac: float = 0.2, seed: int = 0, n_boot: int = 200) -> dict:
    """Per class: share of draws whose corrected interval covers the human rate, mean width, naive coverage."""
    human, auto, items = population(path)
    n = len(human)
    k = max(2, round(frac * n))
    rng = np.random.default_rng(seed)
    boot = ItemBootstrap(int(items.max()) + 1, n_boot, seed)
    out = {}
    for cls in CLASSES:
        h, f = (human == cls).astype(float), (auto == cls).astype(float)
        cover = naive = 0
        widths = []
        for _ in range(draws):
            audited = np.zeros(n, bool)
            audited[rng.choice(n, k, replace=False)] = True
            est = ppi_mean(f, np.where(audited, h, np.nan), audited, np.full(n, k / n), items, boot=boot)
            cover += est.lo <= h.mean() <= est.hi
            naive += est.naive_lo <= h.mean() <= est.naive_hi
            widths.append(est.hi - est.lo)
        out[cls] = {"human_rate": float(h.mean()), "read_rate": float(f.mean()), "coverage": cover / draws,
                    "naive_coverage": naive / draws, "mean_width": float(np.mean(widths))}
    return {"n": n, "audited": k, "classes": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--frac", type=float, default=0.2)
    args = ap.parse_args()
    for path in sorted(LABELS.glob("heldout*.jsonl")):
        if "reader2" in path.name:
            continue
        r = coverage(path, args.draws, args.frac)
        for cls, c in r["classes"].items():
            print(f"{path.name:16s} n={r['n']:4d} audit={r['audited']:3d}  {cls:11s} human {c['human_rate']:.3f} "
                  f"read {c['read_rate']:.3f}  PPI coverage {c['coverage']:.3f} (width {c['mean_width']:.3f})  "
                  f"naive coverage {c['naive_coverage']:.3f}")


if __name__ == "__main__":
    main()
