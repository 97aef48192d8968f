"""hague_path: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

import math
from datetime import date

import pytest

from tests.queries.world_capability import approx, keyed, one, run


def test_hague_path_by_hand(hague_con):
    got = keyed(
        run(hague_con, "hague_path", target_pct=4.0, target_year=2019, gdp_growth_pct=5.0),
        "iso3",
    )
    assert sorted(got) == ["FIN", "GBR", "POL", "USA"]  # ISL has no share; DEU, MNE no rows
    usa, pol, gbr, fin = got["USA"], got["POL"], got["GBR"], got["FIN"]
    assert (usa["latest_year"], usa["latest_is_estimate"], usa["latest_share_gdp_pct"]) == (
        2017,
        True,
        4.0,
    )
    assert usa["years_to_target"] == 2
    assert usa["required_real_growth_pct"] == approx(5.0)
    assert usa["avg_real_growth_pct"] == approx(0.0, abs=1e-12)
    assert usa["on_course"] is False
    assert usa["growth_gap_pp"] == approx(5.0)
    assert usa["at_target_now"] is True
    assert usa["projected_share_gdp_pct"] == approx(4 / 1.05**2)
    assert pol["required_real_growth_pct"] == approx(110.0)
    assert pol["avg_real_growth_pct"] == approx(10.0)
    assert pol["on_course"] is False
    assert pol["projected_share_gdp_pct"] == approx((1.1 / 1.05) ** 2)
    assert pol["base_me_constant_usd_m"] == approx(100)
    assert pol["latest_me_constant_usd_m"] == approx(133.1)
    assert gbr["required_real_growth_pct"] == approx(100 * (math.sqrt(2) * 1.05 - 1))
    assert gbr["avg_real_growth_pct"] == approx(5.0)
    # FIN has no 2014 figure: no achieved growth, so no verdict.
    assert fin["avg_real_growth_pct"] is None
    assert fin["on_course"] is None
    assert fin["required_real_growth_pct"] == approx(100 * (math.sqrt(4 / 1.5) * 1.05 - 1))


def test_hague_path_defaults_and_as_of(hague_con):
    got = keyed(run(hague_con, "hague_path"), "iso3")
    pol = got["POL"]
    assert (pol["target_pct"], pol["target_year"], pol["gdp_growth_pct"]) == (3.5, 2035, 1.5)
    assert pol["years_to_target"] == 18
    assert pol["required_real_growth_pct"] == approx(100 * (3.5 ** (1 / 18) * 1.015 - 1))
    assert pol["required_real_growth_pct"] == approx(8.816, abs=5e-4)
    assert pol["on_course"] is True
    assert got["USA"]["required_real_growth_pct"] == approx(0.750, abs=5e-4)
    assert got["USA"]["on_course"] is False
    assert got["USA"]["base_year"] == 2014
    # Members on 2020-01-01: Finland (2023) is not yet an ally.
    early = keyed(run(hague_con, "hague_path", as_of=date(2020, 1, 1)), "iso3")
    assert "FIN" not in early and "POL" in early
    # A target year not after the latest figure: nothing to compute.
    past = keyed(run(hague_con, "hague_path", target_year=2017), "iso3")
    assert past["POL"]["required_real_growth_pct"] is None
    assert past["POL"]["on_course"] is None


@pytest.mark.raw
def test_real_hague_path_one_row_per_ally_with_spending(real_con):
    frame = run(real_con, "hague_path")
    (allies,) = one(
        real_con,
        "select count(distinct n.iso3) from nato_defence n "
        "join membership m on m.iso3 = n.iso3 and m.alliance = 'NATO' and m.departed is null "
        "where n.share_gdp_pct > 0",
    )
    assert frame.height == allies == 31  # 32 allies; Iceland has no defence expenditure
    assert frame["iso3"].n_unique() == frame.height
    assert "ISL" not in frame["iso3"].to_list()
    assert set(frame["latest_year"]) == {2024}
    assert frame["latest_is_estimate"].all()
    got = keyed(frame, "iso3")
    # Poland (4.12 % in 2024e) is already above 3.5 %: it needs barely any real growth.
    assert got["POL"]["at_target_now"] is True
    assert got["POL"]["required_real_growth_pct"] < 1.5
    for r in frame.to_dicts():
        expected = (3.5 / r["latest_share_gdp_pct"]) ** (1 / 11) * 1.015 - 1
        assert r["required_real_growth_pct"] == approx(100 * expected)
        cagr = (r["latest_me_constant_usd_m"] / r["base_me_constant_usd_m"]) ** 0.1 - 1
        assert r["avg_real_growth_pct"] == approx(100 * cagr)
        assert r["on_course"] == (r["avg_real_growth_pct"] >= r["required_real_growth_pct"])
