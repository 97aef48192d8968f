"""concordance_test: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from tests.queries.world_stats import HAND_D, HAND_GDP, close, one_year, run


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
