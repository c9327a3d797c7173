"""Prediction-powered estimates (`probe.analysis.ppi`): exact values on small hand-made arrays, and a simulation with
known truth in which the automatic reading errs 13 % of the time, biased toward `switch`."""
import numpy as np
import pytest

from probe.boot import ItemBootstrap
from probe.analysis.ppi import cohen_kappa, corrected, ppi_mean, ppi_risk_difference, stratum_pi


def test_corrected_total_by_hand():
    f = np.array([1, 0, 1, 1, 0, 0])
    h = np.array([0, 0, 1, np.nan, np.nan, np.nan])  # three audited, the first misread as a switch
    a = np.array([1, 1, 1, 0, 0, 0], bool)
    pi = stratum_pi(np.zeros(6), a)
    assert pi[0] == pytest.approx(0.5)
    g = corrected(f, h, a, pi)
    # automatic total 3, rectification (0-1 + 0 + 0) / 0.5 = -2 -> corrected total 1
    assert g.sum() == pytest.approx(1.0)
    est = ppi_mean(f, h, a, pi, items=np.arange(6), n_boot=200)
    assert est.point == pytest.approx(1 / 6) and est.naive == pytest.approx(3 / 6)
    assert est.n == 6 and est.n_audited == 3 and est.lo <= est.point <= est.hi


def test_stratified_pi_and_ratio_and_difference():
    strata = np.array(["a"] * 4 + ["b"] * 2)
    a = np.array([1, 0, 0, 0, 1, 1], bool)
    assert stratum_pi(strata, a).tolist() == [0.25] * 4 + [1.0] * 2
    # a rate among a read sub-population: numerator and denominator both corrected
    num_f, den_f = np.array([1, 0, 0, 0, 1, 0]), np.array([1, 1, 0, 1, 1, 1])
    num_h, den_h = np.array([0, 0, 0, 0, 1, 0]), np.array([1, 1, 0, 1, 1, 0])
    pi = stratum_pi(strata, a)
    est = ppi_mean(num_f, num_h, a, pi, np.arange(6), den_f=den_f, den_h=den_h, n_boot=50)
    # numerator: 2 + (0-1)/0.25 = -2 ... ; denominator: 5 + 0 + (0-1)/1 = 4
    assert est.point == pytest.approx((2 - 4) / 4) and est.naive == pytest.approx(2 / 5)
    rd = ppi_risk_difference(num_f, num_h, a, pi, np.arange(6), treated=strata == "b", den_f=den_f, den_h=den_h,
                             n_boot=50)
    # arm b: (1 + 0 + 0)/(2 - 1) = 1; arm a: (1 - 4)/3 = -1
    assert rd.point == pytest.approx(1 - (-1)) and rd.naive == pytest.approx(1 / 2 - 1 / 3)


def test_cohen_kappa_by_hand():
    a = ["g", "g", "a", "a", "n", "g"]
    b = ["g", "a", "a", "a", "n", "g"]
    po, pe = 5 / 6, (3 / 6) * (2 / 6) + (2 / 6) * (3 / 6) + (1 / 6) * (1 / 6)
    assert cohen_kappa(a, b) == pytest.approx((po - pe) / (1 - pe))
    assert cohen_kappa(a, a) == pytest.approx(1.0)


def simulate(n_sims=400, n_items=300, per_item=8, n_audit=60, seed=0):
    """Each simulation: a fresh population (item-clustered switching, true rate ~0.30), an automatic reading wrong on
    13 % of conversations and biased toward switch, an audit of ``n_audit`` conversations stratified by two
    conditions.  Returns per simulation the truth, the PPI and naive estimates and intervals."""
    rng = np.random.default_rng(seed)
    N = n_items * per_item
    items = np.repeat(np.arange(n_items), per_item)
    cond = np.tile(np.arange(per_item) % 2, n_items)
    out = []
    boot = ItemBootstrap(n_items, 300, seed=1)
    for s in range(n_sims):
        p_item = rng.beta(1.5, 3.5, n_items)[items] + 0.1 * cond  # condition 1 switches more
        y = rng.random(N) < np.clip(p_item, 0, 1)
        # 16.5 % of non-switches read as a switch, 5 % of switches missed: ~13 % wrong overall, biased toward switch
        false_switch = (~y) & (rng.random(N) < 0.165)
        missed = y & (rng.random(N) < 0.05)
        f = np.where(false_switch, True, np.where(missed, False, y))
        audited = np.zeros(N, bool)
        for c in (0, 1):
            pool = np.flatnonzero(cond == c)
            audited[rng.choice(pool, n_audit // 2, replace=False)] = True
        pi = stratum_pi(cond, audited)
        est = ppi_mean(f, np.where(audited, y, np.nan), audited, pi, items, boot=boot)
        out.append((y.mean(), (f != y).mean(), est))
    return out


def test_simulation_ppi_covers_the_truth_and_naive_misses_it():
    sims = simulate()
    truth = np.array([t for t, _, _ in sims])
    err = np.array([e for _, e, _ in sims])
    assert 0.12 < err.mean() < 0.14  # the reading is wrong on 13 % of conversations
    ppi_cover = np.mean([e.lo <= t <= e.hi for t, _, e in sims])
    naive_cover = np.mean([e.naive_lo <= t <= e.naive_hi for t, _, e in sims])
    widths = np.array([e.hi - e.lo for _, _, e in sims])
    print(f"PPI coverage {ppi_cover:.3f}, naive coverage {naive_cover:.3f}, mean PPI width {widths.mean():.3f}")
    assert naive_cover < 0.05  # the automatic reading's interval misses the true switch rate
    assert ppi_cover >= 0.93
    assert widths.mean() < 0.25  # and the corrected interval is informative, not the whole [0, 1]
