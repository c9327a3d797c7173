"""Prediction-powered estimates (Angelopoulos et al., Science 2023): a rate read by the automatic readout over every
conversation, corrected by what a human audit of a random sample found — pure functions of arrays.

For a conversation i of a population of N, ``f_i`` is the outcome under the automatic reading (e.g. switched) and
``h_i`` the same outcome under the human labels, known only for the audited ones (``audited_i``), drawn with
inclusion probability ``pi_i``.  The corrected total is the Horvitz-Thompson form

    T = sum_i f_i + sum_{i audited} (h_i - f_i) / pi_i          (one column per conversation: `corrected`)

so the prediction-powered mean is T / N: the automatic mean plus the weighted mean rectification.  It is unbiased
for the human mean whatever the readout's errors are, as long as the audit is a random draw from these very
conversations and the reading was fixed before the labels were given (`probe.audit` enforces both).  A rate among a
sub-population that is itself read (switch rate among initially-correct answers) is a ratio of two such totals
(numerator ``switched and gold at turn 0``, denominator ``gold at turn 0``), each corrected.

Intervals resample items, as every interval of the analysis does (`probe.boot.ItemBootstrap`): the
conversations of one item move together, audited or not, so both the population's and the audit's sampling
variation are in the resample.  Risk differences between two conditions use the same draws (paired).

    from probe.analysis.ppi import ppi_mean
    est = ppi_mean(f, h, audited, pi, items)      # est.point, est.lo, est.hi, est.naive, est.naive_lo, ...
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..boot import ItemBootstrap, cell_totals, percentile_ci, ratio


def corrected(f, h, audited, pi) -> np.ndarray:
    """Per conversation: ``f + audited · (h − f) / pi`` (h and pi are ignored where not audited, may be NaN)."""
    f = np.asarray(f, dtype=np.float64)
    a = np.asarray(audited, dtype=bool)
    h = np.where(a, np.asarray(h, dtype=np.float64), 0.0)
    pi = np.where(a, np.asarray(pi, dtype=np.float64), 1.0)
    if np.any(a & ~(pi > 0)):
        raise ValueError("an audited conversation has inclusion probability <= 0")
    return f + np.where(a, (h - f) / pi, 0.0)


def stratum_pi(strata, audited) -> np.ndarray:
    """Inclusion probabilities of a stratified simple random sample: audited count / size of each row's stratum.
    Computed from the audited rows themselves, so a partly finished audit (its labelling order random within the
    draw) is still a stratified random sample of the strata it reached."""
    codes = np.unique(np.asarray(strata), return_inverse=True)[1].ravel()
    size = np.bincount(codes)
    got = np.bincount(codes, weights=np.asarray(audited, dtype=np.float64), minlength=len(size))
    return (got / size)[codes]


@dataclass(frozen=True)
class Estimate:
    point: float
    lo: float
    hi: float
    naive: float  # the automatic reading alone
    naive_lo: float
    naive_hi: float
    n: int  # conversations in the population
    n_audited: int

    @property
    def excludes_naive(self) -> bool:
        """The corrected interval leaves out the automatic estimate (the reading's error matters here)."""
        return bool(np.isfinite(self.lo) and (self.naive < self.lo or self.naive > self.hi))


def cell_ratios(boot: ItemBootstrap, items, cells, n_cells: int, num_f, num_h, den_f, den_h, audited, pi):
    """Per cell: the ratio of corrected totals and the automatic ratio, each as (point (cells,), samples (B, cells)).

    ``den_f``/``den_h`` may be scalars 1 (a plain mean)."""
    n = len(items)
    one = np.ones(n)
    den_f = one if np.isscalar(den_f) else den_f
    den_h = one if np.isscalar(den_h) else den_h
    cols = [corrected(num_f, num_h, audited, pi), corrected(den_f, den_h, audited, pi),
            np.asarray(num_f, dtype=np.float64), np.asarray(den_f, dtype=np.float64)]
    point, samp = cell_totals(boot, np.asarray(items), np.asarray(cells), n_cells, cols)
    fixed = ratio(point[:, 0], point[:, 1]), ratio(samp[:, :, 0], samp[:, :, 1])
    naive = ratio(point[:, 2], point[:, 3]), ratio(samp[:, :, 2], samp[:, :, 3])
    return fixed, naive


def _estimate(fixed, naive, j: int, n: int, n_aud: int) -> Estimate:
    lo, hi = percentile_ci(fixed[1][:, j])
    nlo, nhi = percentile_ci(naive[1][:, j])
    return Estimate(float(fixed[0][j]), float(lo), float(hi), float(naive[0][j]), float(nlo), float(nhi), n, n_aud)


def _boot(items, n_boot: int, seed: int, boot: ItemBootstrap | None) -> tuple[np.ndarray, ItemBootstrap]:
    codes = np.unique(np.asarray(items), return_inverse=True)[1].ravel()
    return codes, boot or ItemBootstrap(int(codes.max()) + 1 if len(codes) else 0, n_boot, seed)


def ppi_mean(f, h, audited, pi, items, n_boot: int = 300, seed: int = 0, den_f=1, den_h=1,
             boot: ItemBootstrap | None = None) -> Estimate:
    """The prediction-powered mean of an outcome (or ratio, with ``den_f``/``den_h``) with its item-bootstrap
    interval, beside the automatic reading's own estimate and interval."""
    codes, boot = _boot(items, n_boot, seed, boot)
    fixed, naive = cell_ratios(boot, codes, np.zeros(len(codes), dtype=np.int64), 1, f, h, den_f, den_h, audited, pi)
    return _estimate(fixed, naive, 0, len(codes), int(np.sum(audited)))


def ppi_risk_difference(f, h, audited, pi, items, treated, den_f=1, den_h=1, n_boot: int = 300, seed: int = 0,
                        boot: ItemBootstrap | None = None) -> Estimate:
    """Rate among ``treated`` rows minus the rate among the others (e.g. a pressure condition against neutral),
    each corrected; one set of item draws serves both arms, so the interval is paired."""
    codes, boot = _boot(items, n_boot, seed, boot)
    arm = np.asarray(treated, dtype=bool).astype(np.int64)
    fixed, naive = cell_ratios(boot, codes, arm, 2, f, h, den_f, den_h, audited, pi)
    diff = (fixed[0][1] - fixed[0][0])[None], (fixed[1][:, 1] - fixed[1][:, 0])[:, None]
    ndiff = (naive[0][1] - naive[0][0])[None], (naive[1][:, 1] - naive[1][:, 0])[:, None]
    return _estimate(diff, ndiff, 0, len(codes), int(np.sum(audited)))


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two readers' labels of the same things (NaN when chance agreement is 1)."""
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if len(a) == 0:
        return float("nan")
    labels = sorted(set(a) | set(b), key=str)
    po = float(np.mean(a == b))
    pe = sum(float(np.mean(a == x)) * float(np.mean(b == x)) for x in labels)
    return float("nan") if pe >= 1 else (po - pe) / (1 - pe)


__all__ = ["corrected", "stratum_pi", "Estimate", "cell_ratios", "ppi_mean", "ppi_risk_difference", "cohen_kappa"]
