"""burden: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from datetime import date

import pytest

from tests.queries.world_indicators import AS_OF_2024, approx, rows


def test_burden_nato_historical(con):
    got = rows(con, "burden", key=("year", "iso3"), alliance="JEF")
    # JEF: GBR from 2014-09-04, FIN from 2017 -> NATO years 2014 (GBR), 2022 and 2023 (both).
    assert sorted(got) == [
        (2014, "GBR"),
        (2022, "FIN"),
        (2022, "GBR"),
        (2023, "FIN"),
        (2023, "GBR"),
    ]
    r = got[(2023, "GBR")]
    # GBR 2023: NATO's published 2.0 %; computed 100 / 5000 = 2.0 %.
    assert (r["source"], r["alliance"], r["country"]) == ("nato", "JEF", "United Kingdom")
    assert (r["burden_pct"], r["me_current_usd_m"], r["gdp_current_usd_m"]) == (2.0, 100, 5000)
    assert r["burden_computed_pct"] == approx(2.0)
    assert r["is_estimate"] is True and got[(2022, "GBR")]["is_estimate"] is False


def test_burden_lists_members_without_figures(con):
    got = rows(con, "burden", key="iso3", year_from=2023, year_to=2023)
    # NATO 2023 (historical): USA GBR ISL DEU POL FIN; Iceland has GDP but no ME.
    assert sorted(got) == ["DEU", "FIN", "GBR", "ISL", "POL", "USA"]
    assert got["ISL"]["burden_pct"] is None and got["ISL"]["me_current_usd_m"] is None
    # USA: published 3.1 %, computed 600 / 20000 = 3.0 % (the two NATO measures differ).
    assert got["USA"]["burden_pct"] == 3.1
    assert got["USA"]["burden_computed_pct"] == approx(3.0)


def test_burden_current_membership_applies_todays_members_back_in_time(con):
    def in_2022(**membership) -> dict:
        return rows(con, "burden", key="iso3", year_from=2022, year_to=2022, **membership)

    hist = in_2022()
    curr = in_2022(membership="current", as_of=AS_OF_2024)
    # 2022: FIN was not yet in NATO (historical) but is a member on 2024-01-01 (current).
    assert "FIN" not in hist and "FIN" in curr
    assert curr["FIN"]["burden_pct"] == 2.0
    # As of 2020-01-01 FIN is out again.
    assert "FIN" not in in_2022(membership="current", as_of=date(2020, 1, 1))


def test_burden_sipri_uses_its_own_gdp(con):
    got = rows(con, "burden", key=("year", "iso3"), source="sipri", alliance="UK-PL-UA")
    # UK-PL-UA from 2022-02-17: GBR, POL, UKR; SIPRI years 2022 and 2023 (no UKR 2023 row).
    assert sorted(got) == [
        (2022, "GBR"),
        (2022, "POL"),
        (2022, "UKR"),
        (2023, "GBR"),
        (2023, "POL"),
        (2023, "UKR"),
    ]
    r = got[(2022, "UKR")]
    # SIPRI's own 33.5 %; its GDP is the one that share implies, 40 / 33.5 x 100 = 119.4 US$ m
    # (not the World Bank's 200), so the computed burden is SIPRI's share again.
    assert r["burden_pct"] == 33.5
    assert r["gdp_current_usd_m"] == approx(40 / 33.5 * 100)
    assert r["burden_computed_pct"] == approx(33.5)
    assert r["gdp_source"].startswith("SIPRI Current US$ / Share of GDP")
    assert r["is_uncertain"] is True
    assert got[(2023, "UKR")]["burden_pct"] is None


@pytest.mark.raw
def test_real_sanity_figures(real_con):
    # SIPRI's April 2026 release (the default, the newest): 2024 share of GDP UK 2.437 %, Poland
    # 3.755 %, US 3.430 %, Germany 1.839 % (first published in April 2025 as 2.279, 4.154, 3.419
    # and 1.892: tests/test_sipri.py); 2025 Poland 4.497 %.
    sipri = rows(real_con, "burden", key=("iso3", "year"), source="sipri", year_from=2024)
    for iso3, share in {"GBR": 2.437, "POL": 3.755, "USA": 3.430, "DEU": 1.839}.items():
        assert sipri[(iso3, 2024)]["burden_pct"] == approx(share, abs=5e-4), iso3
    assert sipri[("POL", 2025)]["burden_pct"] == approx(4.497, abs=5e-4)
    nato = rows(real_con, "burden", key=("iso3", "year"))
    # NATO June 2024 tables: United States 2014 3.71 %; Poland 2024e 4.12 %.
    assert nato[("USA", 2014)]["burden_pct"] == approx(3.71, abs=5e-3)
    assert nato[("POL", 2024)]["burden_pct"] == approx(4.12, abs=5e-3)
    assert nato[("POL", 2024)]["is_estimate"] is True


def test_burden_per_head_on_the_sources_own_figures(con):
    nato = rows(con, "burden", key="iso3", year_from=2023, year_to=2023)
    # USA 2023: population NATO's tables imply = 15,000,000 / 50 x 1000 = 300 m; ME 600 m
    # current -> US$ 2.0 a head; 480 m at 2015 prices -> US$ 1.6.
    usa = nato["USA"]
    assert usa["me_per_capita_current_usd"] == approx(2.0)
    assert usa["me_per_capita_constant_usd"] == approx(1.6)
    assert usa["price_base_year"] == 2015 and usa["per_capita_source"].startswith("NATO")
    assert nato["ISL"]["me_per_capita_current_usd"] is None  # no ME, no per head
    sipri = rows(con, "burden", key="iso3", source="sipri", year_from=2023, year_to=2023)
    # SIPRI's own per-capita figure (800 / 330 in this world), and at constant prices its
    # constant ME over the population that figure implies (constant = current 800 here).
    assert sipri["USA"]["me_per_capita_current_usd"] == approx(800 / 330)
    assert sipri["USA"]["me_per_capita_constant_usd"] == approx(800 / 330)
    assert sipri["USA"]["per_capita_source"].startswith("SIPRI")


@pytest.mark.raw
def test_real_per_head_is_the_published_figure(real_con):
    nato = rows(real_con, "burden", key="iso3", year_from=2024, year_to=2024)
    # NATO June 2024 tables, Table 6: Poland 2024e, defence expenditure per capita US$ 711 at
    # 2015 prices; current: 34,975 m / the 37.76 m inhabitants Tables 5 and 6 imply = US$ 926.
    assert nato["POL"]["me_per_capita_constant_usd"] == approx(710.8, abs=0.05)
    assert nato["POL"]["me_per_capita_current_usd"] == approx(926.3, abs=0.05)
    published = dict(
        real_con.sql(
            "select iso3, per_capita_constant_usd from nato_at() where year = 2024"
        ).fetchall()
    )
    for iso3, row in nato.items():
        if published.get(iso3) is not None:
            assert row["me_per_capita_constant_usd"] == approx(published[iso3]), iso3
    sipri = rows(real_con, "burden", key="iso3", source="sipri", year_from=2024, year_to=2024)
    # SIPRI April 2026 release, per-capita sheet: Poland 2024 US$ 890.2 (current; April 2025
    # printed 981.6).
    assert sipri["POL"]["me_per_capita_current_usd"] == approx(890.2, abs=0.05)
