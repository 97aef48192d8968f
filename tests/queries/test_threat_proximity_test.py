"""threat_proximity_test: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from tests.queries import reference
from tests.queries.world_indicators import AS_OF_2024, approx, rows


def test_threat_proximity_test_spearman(con):
    got = rows(con, "threat_proximity_test", key="year")
    # 2023: complete allies GBR DEU POL FIN (ISL has no burden), n = 4.
    # Distance ranks: FIN 1 (1112 km), POL 2 (~1150), DEU 3 (~1610), GBR 4 (~2500).
    # Burden: DEU 1.6 -> 1; GBR 2.0 and FIN 2.0 tie for ranks 2 and 3 -> 2.5 each; POL 3.9 -> 4.
    # Deviations from the mean rank 2.5: d = (FIN -1.5, POL -0.5, DEU 0.5, GBR 1.5),
    # b = (0, 1.5, -1.5, 0); sum(d b) = -1.5, sum(d^2) = 5, sum(b^2) = 4.5
    # rho = -1.5 / sqrt(22.5) = -sqrt(0.1) = -0.316228.
    r = got[2023]
    assert r["n"] == 4
    assert r["rho"] == approx(-math.sqrt(0.1))
    assert r["rho"] == approx(
        stats.spearmanr([1111.95, 1150, 1610, 2500], [2.0, 3.9, 1.6, 2.0]).statistic
    )
    # Median European burden 2023: 1.6, 2.0, 2.0, 3.9 -> 2.0.
    assert (r["n_allies_with_burden"], r["median_burden_pct"]) == (4, approx(2.0))
    # 2022: GBR 2.0, DEU 1.0, POL 2.0 (FIN not an ally yet). Distance ranks POL 1, DEU 2,
    # GBR 3; burden ranks DEU 1, GBR and POL 2.5; d = (-1, 0, 1), b = (0.5, -1, 0.5):
    # sum(d b) = -0.5 + 0 + 0.5 = 0 -> rho = 0.
    assert (got[2022]["n"], got[2022]["rho"]) == (3, approx(0))


def test_threat_proximity_test_current_membership(con):
    got = rows(con, "threat_proximity_test", key="year", membership="current", as_of=AS_OF_2024)
    # 2022 with FIN: burdens FIN 2.0, POL 2.0, GBR 2.0, DEU 1.0 -> ranks DEU 1, others 3.
    # Distance ranks FIN 1, POL 2, DEU 3, GBR 4. d = (-1.5, -0.5, 0.5, 1.5),
    # b = (0.5, 0.5, -1.5, 0.5): sum(d b) = -0.75 - 0.25 - 0.75 + 0.75 = -1;
    # sum(d^2) = 5, sum(b^2) = 3 -> rho = -1 / sqrt(15) = -0.258199.
    assert got[2022]["n"] == 4
    assert got[2022]["rho"] == approx(-1 / math.sqrt(15))
    # 2014 with FIN: FIN 1.5, POL 1.9, DEU 1.2, GBR 2.1 -> burden ranks 2, 3, 1, 4;
    # distance ranks 1, 2, 3, 4 -> d = (-1.5, -0.5, 0.5, 1.5), b = (-0.5, 0.5, -1.5, 1.5):
    # sum(d b) = 0.75 - 0.25 - 0.75 + 2.25 = 2; rho = 2 / 5 = 0.4.
    assert got[2014]["rho"] == approx(0.4)


def test_threat_proximity_test_sipri(con):
    got = rows(con, "threat_proximity_test", key="year", source="sipri")
    # SIPRI 2023: FIN 2.4, POL 3.8, DEU 1.5, GBR 2.3 against distance ranks 1..4:
    # burden ranks 3, 4, 1, 2 -> d = (-1.5, -0.5, 0.5, 1.5), b = (0.5, 1.5, -1.5, -0.5):
    # sum(d b) = -0.75 - 0.75 - 0.75 - 0.75 = -3; rho = -3 / 5 = -0.6.
    assert (got[2023]["n"], got[2023]["rho"]) == (4, approx(-0.6))


@pytest.mark.raw
@pytest.mark.parametrize("source", ["nato", "sipri"])
def test_real_rho_p_and_interval_against_scipy(real_con, source):
    """Each year's rho, p and 95 % interval from scipy on threat_proximity's allies."""
    from ledger import queries

    points = queries.run(real_con, "threat_proximity", source=source)
    checked = 0
    for r in queries.run(real_con, "threat_proximity_test", source=source).iter_rows(named=True):
        if r["rho"] is None or r["n"] < 4:
            continue
        year = points.filter(
            (points["year"] == r["year"])
            & points["distance_to_moscow_km"].is_not_null()
            & points["burden_pct"].is_not_null()
        )
        assert year.height == r["n"]
        x, y = year["distance_to_moscow_km"].to_list(), year["burden_pct"].to_list()
        expected = stats.spearmanr(x, y)
        assert r["rho"] == approx(expected.statistic, abs=1e-9)
        assert r["rho_p"] == approx(expected.pvalue, rel=1e-7, abs=1e-12)
        assert (r["rho_lo"], r["rho_hi"]) == approx(reference.spearman_interval(x, y), abs=1e-9)
        checked += 1
    assert checked >= 10
