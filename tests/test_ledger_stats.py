"""ledger/stats.py: the p-value helpers against scipy."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from ledger.stats import (
    apply,
    fisher_interval,
    kendall_exact_p,
    spearman_p,
    t_interval,
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
