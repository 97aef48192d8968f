"""concordance_test: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.queries.world_stats import (
    HAND_D,
    HAND_GDP,
    close,
    fetch_sample,
    one_year,
    run,
    wilcoxon_differences,
)


def test_concordance_by_hand(tiny):
    frame = run(tiny, "concordance_test")
    r = one_year(frame, 2024, variant="gdp")
    assert (r["members"], r["n"], r["n_zero"], r["n_positive"], r["n_negative"]) == (5, 5, 0, 2, 3)
    assert (r["w_plus"], r["w_minus"], r["w_min"], r["w_mean"]) == (6.5, 8.5, 6.5, 7.5)
    assert r["tie_term"] == 6
    assert close(r["z"], -1 / math.sqrt(13.75))
    assert close(r["z_ties"], -1 / math.sqrt(13.625))
    v = one_year(frame, 2024, variant="gdp_population")
    assert (v["n"], v["w_plus"], v["w_minus"], v["tie_term"]) == (5, 5.0, 10.0, 0)
    assert close(v["z"], -2.5 / math.sqrt(13.75)) and close(v["z_ties"], v["z"])


def test_concordance_agrees_with_scipy(tiny):
    frame = run(tiny, "concordance_test")
    r = one_year(frame, 2024, variant="gdp")
    approx = stats.wilcoxon(HAND_D, method="approx", correction=False)
    assert close(r["w_min"], approx.statistic)
    assert close(r["p"], approx.pvalue)
    assert r["p_exact"] is None  # a tie: scipy's default would run a permutation test
    pop = np.array([6250, 5000, 2500, 4000, 2500])
    b = 100 * np.array([35.5, 4, 3, 6, 1.5]) / 50
    y = 100 * np.array(HAND_GDP) / 1000
    d = b - (y + 100 * pop / pop.sum()) / 2
    v = one_year(frame, 2024, variant="gdp_population")
    assert close(v["p"], stats.wilcoxon(d, method="approx", correction=False).pvalue)
    exact = stats.wilcoxon(d)  # no ties, no zeros, n <= 50: scipy goes exact
    assert close(v["w_min"], exact.statistic) and close(v["p_exact"], exact.pvalue)
    # W+ = 5 of n = 5: subsets of {1..5} with sum <= 5 are {}, {1}, {2}, {3}, {1,2}, {4},
    # {1,3}, {5}, {1,4}, {2,3}: 10 of 32, so p = 2 x 10/32
    assert close(v["p_exact"], 2 * 10 / 32)


# --------------------------------------------------------------------------- Hodges-Lehmann


def walsh_averages(d) -> np.ndarray:
    """Every (d_i + d_j) / 2, i <= j, sorted: straight from the definition."""
    d = np.asarray(d, dtype=float)
    i, j = np.triu_indices(len(d))
    return np.sort((d[i] + d[j]) / 2)


def signed_rank_null(n: int) -> np.ndarray:
    """W+ of every one of the 2^n sign patterns (the exact null, by enumeration)."""
    signs = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    return signs @ np.arange(1, n + 1)


def brute_force_interval(d) -> tuple[float, float] | None:
    """The 95 % interval from the enumerated null: k = min q with P(W+ <= q) >= 0.025."""
    n, w = len(d), walsh_averages(d)
    null = signed_rank_null(n)
    k = next(q for q in range(len(w) + 1) if np.mean(null <= q) >= 0.025)
    return None if k == 0 else (w[k - 1], w[len(w) - k])


def p_at(d, shift: float) -> float:
    """scipy's two-sided signed-rank p of d - shift (exact up to 50, as ledger/stats.py)."""
    x = np.asarray(d) - shift
    if len(x) <= 50:
        return stats.wilcoxon(x, method="exact").pvalue
    return stats.wilcoxon(x, method="approx", correction=False).pvalue


def assert_interval_inverts_the_test(d, lo: float, hi: float) -> None:
    """Just outside each end scipy rejects the shift at 5 %, just inside it does not (shifts
    halfway between neighbouring Walsh averages, where no difference is zero or tied)."""
    w = walsh_averages(d)
    k = int(np.argmin(np.abs(w - lo))) + 1  # lo = W_(k) (the SQL's sums: last bits differ)
    h = int(np.argmin(np.abs(w - hi)))  # hi = W_(h+1), 0-based h
    assert close(w[k - 1], lo) and close(w[h], hi) and k - 1 == len(w) - 1 - h
    below = (w[k - 2] + w[k - 1]) / 2 if k >= 2 else w[0] - 1
    above = (w[h] + w[h + 1]) / 2 if h + 1 < len(w) else w[-1] + 1
    assert p_at(d, below) < 0.05 <= p_at(d, (w[k - 1] + w[k]) / 2)
    assert p_at(d, above) < 0.05 <= p_at(d, (w[h - 1] + w[h]) / 2)


def test_hodges_lehmann_by_hand(tiny):
    frame = run(tiny, "concordance_test")
    r = one_year(frame, 2024, variant="gdp")
    # HAND_D = 21, -12, -9, 2, -2 has 15 Walsh averages: -12, -10.5, -9, -7, -5.5, -5, -3.5,
    # -2, 0, 2, 4.5, 6, 9.5, 11.5, 21; the 8th of them is the median
    assert r["hl"] == -2.0 == np.median(walsh_averages(HAND_D))
    # n = 5: even W+ = 0 has p = 2/32 > 0.05, so no shift is rejected and there is no interval
    assert r["hl_lo"] is None and r["hl_hi"] is None
    assert brute_force_interval(HAND_D) is None
    assert "differences" not in frame.columns  # the runner dropped the list it read


@pytest.mark.raw
@pytest.mark.parametrize(
    ("alliance", "source"),
    [("NATO", "nato"), ("NATO", "sipri"), ("B9", "sipri"), ("JEF", "nato"), ("NORDEFCO", "sipri")],
)
def test_hodges_lehmann_on_the_real_data(real_con, alliance, source):
    """Every year and variant of a grouping: hl is numpy's median of the Walsh averages, and the
    interval's ends invert scipy's signed-rank test; with up to 14 differences (B9, JEF,
    NORDEFCO) they are also the order statistics of the null enumerated sign by sign."""
    frame = run(real_con, "concordance_test", alliance=alliance, source=source)
    checked = 0
    for year in frame["year"].unique().sort().to_list():
        sample = fetch_sample(real_con, source, year, alliance)
        for variant, d in wilcoxon_differences(sample).items():
            r = one_year(frame, year, variant=variant)
            d = d[d != 0]
            assert r["n"] == len(d)
            assert close(r["hl"], float(np.median(walsh_averages(d))), 1e-12)
            if len(d) <= 14:
                expected = brute_force_interval(d)
                got = None if r["hl_lo"] is None else (r["hl_lo"], r["hl_hi"])
                assert (got is None) == (expected is None), (year, variant, got, expected)
                if expected:
                    assert close(got[0], expected[0]) and close(got[1], expected[1])
            if r["hl_lo"] is not None:
                assert r["hl_lo"] <= r["hl"] <= r["hl_hi"]
                assert_interval_inverts_the_test(d, r["hl_lo"], r["hl_hi"])
                checked += 1
            else:
                assert len(d) <= 5
    assert checked or alliance == "NORDEFCO"
