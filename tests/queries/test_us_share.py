"""us_share: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

import pytest

from tests.queries.world_indicators import approx, rows, sipri_gdp


def test_us_share_both_sources(con):
    got = rows(con, "us_share", key=("source", "year"))
    assert sorted(got) == [
        ("nato", 2014),
        ("nato", 2022),
        ("nato", 2023),
        ("sipri", 2022),
        ("sipri", 2023),
    ]
    # NATO 2023: allies with ME and GDP: USA GBR DEU POL FIN (ISL has no ME).
    # ME 600 / 1000 = 60 %; GDP 20000 / 40000 = 50 %; ratio 1.2.
    r = got[("nato", 2023)]
    assert (r["us_share_me_pct"], r["us_share_gdp_pct"]) == (approx(60), approx(50))
    assert r["us_burden_to_benefit_ratio"] == approx(1.2)
    assert (r["n_allies_with_data"], r["us_is_estimate"]) == (5, True)
    assert r["nato_printed_total_me_current_usd_m"] == 1000
    # NATO 2022 (FIN not yet an ally): 500 / 800 = 62.5 %; 20000 / 40000 = 50 %; 1.25.
    r = got[("nato", 2022)]
    assert (r["us_share_me_pct"], r["us_burden_to_benefit_ratio"]) == (approx(62.5), approx(1.25))
    # NATO 2014: 650 / (650 + 60 + 45 + 10) = 650 / 765.
    assert got[("nato", 2014)]["us_share_me_pct"] == approx(100 * 650 / 765)
    # SIPRI 2023: 800 / 1000 = 80 %; GDP: the one SIPRI's shares imply (ME / share x 100).
    gdp = {iso3: sipri_gdp(iso3, 2023) for iso3 in ("USA", "GBR", "DEU", "POL", "FIN")}
    r = got[("sipri", 2023)]
    assert r["us_share_me_pct"] == approx(80)
    assert r["us_share_gdp_pct"] == approx(100 * gdp["USA"] / sum(gdp.values()))
    assert r["nato_printed_total_me_current_usd_m"] is None
    # SIPRI 2022: allies USA GBR DEU POL (not FIN, not UKR): ME 700 / 850.
    gdp = {iso3: sipri_gdp(iso3, 2022) for iso3 in ("USA", "GBR", "DEU", "POL")}
    r = got[("sipri", 2022)]
    assert r["us_share_me_pct"] == approx(100 * 700 / 850)
    assert r["us_share_gdp_pct"] == approx(100 * gdp["USA"] / sum(gdp.values()))
    assert r["n_allies_with_data"] == 4


@pytest.mark.raw
def test_real_us_share_of_nato_spending_2024(real_con):
    got = rows(real_con, "us_share", key=("source", "year"))
    assert 60 < got[("nato", 2024)]["us_share_me_pct"] < 70
    # The sum over allies equals NATO's own printed total.
    r = got[("nato", 2024)]
    assert r["nato_me_current_usd_m"] == approx(r["nato_printed_total_me_current_usd_m"], rel=1e-6)
    assert 55 < got[("sipri", 2024)]["us_share_me_pct"] < 75
