"""personnel: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

import pytest

from tests.queries.world_capability import AS_OF_2024, approx, keyed, one, run


def test_personnel_nato_rows(personnel_con):
    got = keyed(run(personnel_con, "personnel"), "iso3", "year")
    usa = got[("USA", 2014)]
    assert usa["source"] == "nato"
    assert usa["personnel_k"] == approx(1500)  # NATO's figure, not COW's 9999
    assert usa["population"] == approx(300e6)
    assert usa["population_source"].startswith("NATO")
    assert usa["personnel_per_1000"] == approx(5.0)
    assert usa["me_per_soldier_current_kusd"] == approx(400)
    assert usa["me_per_soldier_constant_kusd"] == approx(500)
    assert usa["is_estimate"] is False
    pol = got[("POL", 2014)]
    assert (pol["personnel_per_1000"], pol["me_per_soldier_current_kusd"]) == (
        approx(2.5),
        approx(100),
    )
    isl = got[("ISL", 2014)]
    assert isl["personnel_k"] is None and isl["personnel_per_1000"] is None


def test_personnel_cow_rows_before_2014(personnel_con):
    got = keyed(run(personnel_con, "personnel"), "iso3", "year")
    usa = got[("USA", 1980)]
    assert usa["source"] == "cow"
    assert usa["population"] == approx(250e6)
    assert usa["population_source"].startswith("COW")
    assert usa["personnel_per_1000"] == approx(8.0)
    assert usa["me_current_usd_m"] == approx(140_000)
    assert usa["me_per_soldier_current_kusd"] == approx(70)
    assert usa["me_per_soldier_constant_kusd"] is None
    assert got[("USA", 2013)]["personnel_per_1000"] == approx(5.0)
    # Iceland: zero personnel -> 0 per 1,000, spending per soldier NULL (no division by zero).
    isl = got[("ISL", 1980)]
    assert isl["personnel_per_1000"] == approx(0)
    assert isl["me_per_soldier_current_kusd"] is None
    # Historical NATO membership: Poland is not an ally in 1980.
    assert ("POL", 1980) not in got


def test_personnel_warsaw_pact_and_filters(personnel_con):
    got = keyed(run(personnel_con, "personnel", alliance="WARSAW", year_to=1990), "iso3", "year")
    assert sorted(k for k in got if k[1] == 1980) == [("DDR", 1980), ("POL", 1980), ("SUN", 1980)]
    assert got[("SUN", 1980)]["personnel_per_1000"] == approx(15.0)
    assert got[("SUN", 1980)]["me_per_soldier_current_kusd"] == approx(50)
    assert got[("POL", 1980)]["personnel_per_1000"] == approx(400 / 36)
    assert got[("POL", 1980)]["me_per_soldier_current_kusd"] == approx(24)
    assert got[("DDR", 1980)]["personnel_per_1000"] == approx(12.5)
    assert got[("DDR", 1980)]["me_per_soldier_current_kusd"] == approx(30)
    assert got[("DDR", 1980)]["country"] == "German Democratic Republic"
    # A year filter and current membership: today's NATO members in 1980 include Poland.
    cur = keyed(
        run(
            personnel_con,
            "personnel",
            membership="current",
            as_of=AS_OF_2024,
            year_from=1980,
            year_to=1980,
        ),
        "iso3",
        "year",
    )
    assert {k[1] for k in cur} == {1980}
    assert cur[("POL", 1980)]["personnel_per_1000"] == approx(400 / 36)
    assert cur[("FIN", 1980)]["personnel_k"] is None  # a member with no COW row: visible gap


@pytest.mark.raw
def test_real_personnel_2024_equals_nato_tables(real_con):
    got = keyed(run(real_con, "personnel", year_from=2024, year_to=2024), "iso3")
    for iso3 in ("USA", "POL", "DEU", "GBR", "FIN"):
        personnel, gdp, gdp_pc, current, estimate = one(
            real_con,
            "select personnel_k, gdp_constant_usd_m, gdp_per_capita_constant_kusd, "
            "current_usd_m, is_estimate from nato_defence where iso3 = $iso3 and year = 2024",
            iso3=iso3,
        )
        r = got[iso3]
        assert (r["source"], r["is_estimate"], estimate) == ("nato", True, True)
        assert r["personnel_k"] == personnel
        assert r["personnel_per_1000"] == approx(1e6 * personnel / (gdp / gdp_pc * 1000))
        assert r["me_per_soldier_current_kusd"] == approx(current / personnel)
    # Magnitudes: Poland 216 thousand (2024e) and 5.7 per 1,000; the US about 3.9 per 1,000.
    assert got["POL"]["personnel_k"] == approx(216.081)
    assert 5 < got["POL"]["personnel_per_1000"] < 6.5
    assert 3 < got["USA"]["personnel_per_1000"] < 5
    assert got["ISL"]["personnel_k"] is None
    before = keyed(run(real_con, "personnel", year_from=2013, year_to=2013), "iso3")
    assert before["USA"]["source"] == "cow"
