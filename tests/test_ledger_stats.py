"""ledger/stats.py: the p-value helpers against scipy."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from ledger import stats as ledger_stats
from ledger.stats import (
    apply,
    fisher_interval,
    hodges_lehmann,
    kendall_exact_p,
    spearman_p,
    t_interval,
    walsh_sums_at,
    wilcoxon_critical_rank,
    wilcoxon_exact_p,
)
from tests.queries.world_stats import close


@pytest.mark.parametrize("n", [3, 4, 5, 8, 12, 20, 33])
def test_kendall_exact_matches_scipy(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        x, y = np.arange(n), rng.permutation(n)
        res = stats.kendalltau(x, y)  # no ties, n <= 33: scipy's exact p
        concordant = sum(
            1 for i in range(n) for j in range(i + 1, n) if (x[j] - x[i]) * (y[j] - y[i]) > 0
        )
        assert close(kendall_exact_p(n, concordant), res.pvalue)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30, 50])
def test_wilcoxon_exact_matches_scipy(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        d = rng.permutation(np.arange(1, n + 1)) * rng.choice([-1, 1], size=n)
        w_plus = float(np.abs(d)[d > 0].sum())  # |d| are the ranks 1..n themselves
        assert close(wilcoxon_exact_p(n, w_plus), stats.wilcoxon(d, method="exact").pvalue)


def test_spearman_p_edges():
    assert spearman_p(1.0, 5) == 0.0 and spearman_p(-1.0, 5) == 0.0
    assert spearman_p(None, 5) is None and spearman_p(0.5, 2) is None
    res = stats.spearmanr(range(10), [0, 2, 1, 5, 3, 4, 9, 6, 8, 7])
    assert close(spearman_p(res.statistic, 10), res.pvalue)
    assert close(stats.spearmanr(range(5), [1, 2, 3, 4, 5]).pvalue, 0.0)  # |rho| = 1


# --------------------------------------------------------------------------------------------
# 95 % intervals and the sidecar's `statistics:`
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [4, 5, 12, 32])
def test_fisher_interval_is_scipys_pearsonr_interval(n):
    rng = np.random.default_rng(n)
    x, y = rng.normal(size=n), rng.normal(size=n)
    r = stats.pearsonr(x, y)
    ci = r.confidence_interval(0.95)
    assert fisher_interval(r.statistic, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_fisher_interval_edges():
    assert fisher_interval(0.5, 3) == (None, None)  # no degrees of freedom left
    assert fisher_interval(None, 10) == (None, None)
    assert fisher_interval(1.0, 10) == (1.0, 1.0)
    lo, hi = fisher_interval(0.3, 20, lost=4, variance=0.437)
    assert lo < 0.3 < hi


def test_t_interval_is_linregress_slope_interval():
    rng = np.random.default_rng(7)
    x = rng.normal(size=15)
    y = 0.4 * x + rng.normal(size=15)
    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.975, 13) * fit.stderr
    expected = (fit.slope - half, fit.slope + half)
    assert t_interval(fit.slope, fit.stderr, 13) == pytest.approx(expected, abs=1e-12)
    assert t_interval(fit.slope, None, 13) == (None, None)


def test_apply_adds_the_declared_columns_in_order():
    frame = pl.DataFrame({"rho": [0.5, None], "n": [10, 2]})
    out = apply(frame, {"rho": {"method": "spearman", "n": "n"}})
    assert out.columns == ["rho", "n", "rho_p", "rho_lo", "rho_hi"]
    assert out["rho_p"][0] == spearman_p(0.5, 10)
    assert out.row(1) == (None, 2, None, None, None)
    named = apply(frame, {"rho": {"method": "spearman", "p": "p_rho"}})
    assert "p_rho" in named.columns and "rho_p" not in named.columns


@pytest.mark.parametrize("n", [1, 5, 6, 9, 20, 50, 51, 80, 300])
def test_wilcoxon_critical_rank_inverts_scipys_test(n):
    """k is the rank of the interval's lower end: W+ = k - 1 is rejected at 5 % by scipy's
    two-sided test, W+ = k is not (exact up to 50, normal without corrections above); the
    symmetric upper end follows. Tested on integers 1..n with signs, whose ranks they are."""
    k = wilcoxon_critical_rank(n)
    method = {"method": "exact"} if n <= 50 else {"method": "approx", "correction": False}

    def p_of(w_plus: int) -> float:  # a sample of n differences with that W+
        signs = np.full(n, -1)
        rest = w_plus
        for r in range(n, 0, -1):  # greedy: any W+ in 0..n(n+1)/2 is a subset sum of 1..n
            if r <= rest:
                signs[r - 1], rest = 1, rest - r
        return stats.wilcoxon(np.arange(1, n + 1) * signs, **method).pvalue

    if n <= 5:
        assert k is None and p_of(0) >= 0.05  # not even the most extreme W+ is rejected
        return
    assert p_of(k - 1) < 0.05 <= p_of(k)


def test_apply_makes_the_hodges_lehmann_estimate_from_the_list_and_drops_it():
    d = [-3.0, -1.0, 0.5, 2.0, 4.0, 9.0]  # 21 Walsh averages
    frame = pl.DataFrame({"n": [6, 0], "differences": [d, None]})
    out = apply(frame, {"hl": {"method": "hodges_lehmann", "differences": "differences"}})
    assert out.columns == ["n", "hl", "hl_lo", "hl_hi"]
    walsh = sorted((a + b) / 2 for i, a in enumerate(d) for b in d[i:])
    # n = 6: k = 1 (P(W+ <= 0) = 1/64 < 0.025 <= P(W+ <= 1) = 2/64): the first and the last
    assert out.row(0) == (6, walsh[10], walsh[0], walsh[-1]) == (6, 1.5, -3.0, 9.0)
    assert out.row(1) == (0, None, None, None)
    assert hodges_lehmann([1.0, 2.0]) == (1.5, None, None)  # median of 1, 1.5, 2; n <= 5


@pytest.mark.parametrize("at_once", [1, 7, 1 << 16])
@pytest.mark.parametrize("n", [1, 2, 5, 6, 13, 40, 150])
@pytest.mark.parametrize("ties", [False, True])
def test_walsh_order_statistics_are_those_of_all_the_sums_sorted(monkeypatch, at_once, n, ties):
    """Selected without forming the sums (WALSH_AT_ONCE lowered, so the rounds run on small
    n) or from all of them: the same floats as sorting every x_i + x_j, with ties or without;
    and hodges_lehmann is numpy's median of the Walsh averages and their k-th ends."""
    monkeypatch.setattr(ledger_stats, "WALSH_AT_ONCE", at_once)
    rng = np.random.default_rng(n)
    x = rng.integers(-4, 5, n).astype(float) if ties else rng.standard_normal(n) * 3
    x = np.sort(x)
    i, j = np.triu_indices(n)
    every = np.sort(x[i] + x[j])
    ranks = {*range(0, len(every), max(1, len(every) // 41)), len(every) - 1}
    assert walsh_sums_at(x, ranks) == {r: float(every[r]) for r in ranks}
    averages = np.sort((x[i] + x[j]) / 2)
    estimate, lo, hi = hodges_lehmann(rng.permutation(x))  # any order in
    assert estimate == np.median(averages)
    k = wilcoxon_critical_rank(n)
    assert (lo, hi) == ((averages[k - 1], averages[-k]) if k else (None, None))


# --------------------------------------------------------------------------------------------
# Difference in differences with a bootstrap over treated and control units (claim C3)
# --------------------------------------------------------------------------------------------


def _did_case():
    """Twelve treated units in four strata over four windows; six control units, two of
    which do not serve the last window (they joined the treatment then)."""
    rng = np.random.default_rng(3)
    treated = rng.normal(0.2, 0.5, 12)
    window = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3])
    stratum = np.array(list("aaabbbbbccdd"))
    control = rng.normal(0.0, 0.3, (6, 4))
    control[4:, 3] = np.nan
    return treated, window, stratum, control


def test_difference_in_differences_estimate_by_hand():
    treated, window, stratum, control = _did_case()
    did = ledger_stats.difference_in_differences(treated, window, stratum, control)
    means = np.nanmean(control, axis=0)
    gaps = treated - means[window]
    assert did.estimate == pytest.approx(gaps.mean(), abs=1e-12)
    for s in "abcd":
        assert did.strata[s][0] == pytest.approx(gaps[stratum == s].mean(), abs=1e-12)
    again = ledger_stats.difference_in_differences(treated, window, stratum, control)
    assert (did.lo, did.hi) == (again.lo, again.hi)  # fixed seed


# scipy's own interval is NaN here (some draws have no control for a window) and it warns so;
# the test reads its bootstrap distribution instead.
@pytest.mark.filterwarnings("ignore::scipy.stats.DegenerateDataWarning")
def test_difference_in_differences_interval_is_scipys_bootstrap():
    """scipy.stats.bootstrap with one sample per stratum of treated units and one of control
    units, each resampled on its own (paired=False), percentile method: the same interval up
    to the Monte Carlo error of two different random streams."""
    treated, window, stratum, control = _did_case()
    groups = [np.flatnonzero(stratum == s) for s in "abcd"]

    def statistic(*samples):
        picked = np.concatenate([np.asarray(x, dtype=int) for x in samples[:-1]])
        rows = np.asarray(samples[-1], dtype=int)
        served = ~np.isnan(control[rows])
        sums = np.where(served, control[rows], 0.0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / served.sum(axis=0)
        return float(np.mean(treated[picked] - means[window[picked]]))

    ref = stats.bootstrap(
        (*groups, np.arange(control.shape[0])),
        statistic,
        vectorized=False,
        paired=False,
        method="percentile",
        n_resamples=40_000,
        rng=np.random.default_rng(2),
    )
    # Draws where no drawn control serves a window are dropped, as the function does.
    lo, hi = np.nanquantile(ref.bootstrap_distribution, [0.025, 0.975])
    did = ledger_stats.difference_in_differences(
        treated, window, stratum, control, draws=40_000, seed=1
    )
    assert did.estimate == pytest.approx(statistic(*groups, np.arange(6)), abs=1e-12)
    assert did.lo == pytest.approx(lo, abs=0.02) and did.hi == pytest.approx(hi, abs=0.02)


def test_difference_in_differences_edges():
    with pytest.raises(ValueError, match="treated and control"):
        ledger_stats.difference_in_differences([], [], [], np.zeros((2, 1)))
    one = ledger_stats.difference_in_differences([1.0], [0], ["a"], np.zeros((3, 1)))
    assert one.estimate == 1.0 and (one.lo, one.hi) == (None, None)  # nothing to resample
