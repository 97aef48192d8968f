"""group_totals: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from tests.queries.world_indicators import AS_OF_2024, approx, rows, run


def test_group_totals_nato_historical(con):
    got = rows(con, "group_totals", key=("alliance", "year"))
    # NATO 2023: 6 members, 5 with ME; current ME = 1000; constant 2015 ME =
    # 480 + 100 + 100 + 70 + 50 = 800; same members in 2014: 400 + 80 + 80 + 40 + 40 = 640
    # -> growth 800 / 640 - 1 = 25 %. Median of 3.1, 2.0, 1.6, 3.9, 2.0 = 2.0.
    r = got[("NATO", 2023)]
    assert (r["n_members"], r["n_members_with_data"]) == (6, 5)
    assert (r["total_me_current_usd_m"], r["total_me_constant_usd_m"]) == (1000, 800)
    assert r["price_base_year"] == 2015
    assert r["median_burden_pct"] == approx(2.0)
    assert r["real_growth_since_2014_pct"] == approx(25)
    assert r["n_members_like_for_like"] == 5
    # NATO 2022: USA GBR DEU POL: 420 + 90 + 90 + 60 = 660 vs 600 in 2014 -> 10 %.
    assert got[("NATO", 2022)]["real_growth_since_2014_pct"] == approx(10)
    assert got[("NATO", 2014)]["real_growth_since_2014_pct"] == approx(0)
    # NATO Europe and Canada 2023 (no USA): 100 + 100 + 70 + 50 = 320 vs 80 + 80 + 40 + 40
    # = 240 -> 33.33 %; current ME 100 + 150 + 100 + 50 = 400.
    r = got[("NATO_EUROPE_CANADA", 2023)]
    assert r["total_me_current_usd_m"] == 400
    assert r["real_growth_since_2014_pct"] == approx(100 * (320 / 240 - 1))
    # WEIMAR 2023 (DEU, POL): 100 + 70 = 170 vs 80 + 40 = 120 -> 41.67 %;
    # median of 1.6 and 3.9 = 2.75.
    r = got[("WEIMAR", 2023)]
    assert r["real_growth_since_2014_pct"] == approx(100 * (170 / 120 - 1))
    assert r["median_burden_pct"] == approx(2.75)
    # JEF 2014: GBR only (FIN from 2017) -> current ME 60.
    assert got[("JEF", 2014)]["total_me_current_usd_m"] == 60
    assert got[("JEF", 2014)]["n_members"] == 1
    # Every grouping of the alliance table with members in a NATO year, plus the derived one.
    assert {a for a, _ in got} == {
        "NATO",
        "NATO_EUROPE_CANADA",
        "JEF",
        "B9",
        "NORDEFCO",
        "WEIMAR",
        "UK-PL-UA",
        "EU",
    }


def test_group_totals_current_membership_and_sipri(con):
    got = rows(
        con, "group_totals", key=("alliance", "year"), membership="current", as_of=AS_OF_2024
    )
    # NATO 2022 with the members of 2024-01-01 (FIN in): constant 660 + 40 = 700 vs
    # 2014 600 + 40 = 640 -> 9.375 %; current ME 800 + 40 = 840.
    r = got[("NATO", 2022)]
    assert r["total_me_current_usd_m"] == 840
    assert r["real_growth_since_2014_pct"] == approx(9.375)
    # One grouping only.
    only = run(con, "group_totals", alliance="NATO_EUROPE_CANADA")
    assert set(only["alliance"]) == {"NATO_EUROPE_CANADA"} and only.height == 3
    sipri = rows(con, "group_totals", key=("alliance", "year"), source="sipri")
    r = sipri[("NATO", 2023)]
    # SIPRI 2023: 800 + 60 + 70 + 40 + 30 = 1000 current and constant 2023 US$;
    # no SIPRI 2014 rows -> growth unknown (NULL), no like-for-like members.
    assert (r["total_me_current_usd_m"], r["total_me_constant_usd_m"]) == (1000, 1000)
    assert r["price_base_year"] == 2023
    assert r["real_growth_since_2014_pct"] is None and r["n_members_like_for_like"] == 0
