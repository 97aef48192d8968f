"""burden_sharing: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

import polars as pl

from tests.queries.world_indicators import AS_OF_2024, approx, rows, run, sipri_gdp


def test_burden_sharing_nato_2023_historical(con):
    got = rows(con, "burden_sharing", key="iso3", year=2023)
    # Complete members (ME and GDP): USA GBR DEU POL FIN; ISL (no ME) is listed, not summed.
    # sum ME = 600 + 100 + 150 + 100 + 50 = 1000; sum GDP = 20000 + 5000 + 10000 + 2500 + 2500
    # = 40000. b = ME / 1000, y = GDP / 40000, R = b / y, FS = 1000 x y, gap = ME - FS.
    expected = {
        #      b     y      R    FS     gap
        "USA": (60, 50, 1.2, 500, 100),
        "GBR": (10, 12.5, 0.8, 125, -25),
        "DEU": (15, 25, 0.6, 250, -100),
        "POL": (10, 6.25, 1.6, 62.5, 37.5),
        "FIN": (5, 6.25, 0.8, 62.5, -12.5),
    }
    for iso3, (b, y, ratio, fair, gap) in expected.items():
        r = got[iso3]
        assert r["burden_share_pct"] == approx(b), iso3
        assert r["gdp_share_pct"] == approx(y), iso3
        assert r["burden_to_benefit_ratio"] == approx(ratio), iso3
        assert r["fair_share_usd_m"] == approx(fair), iso3
        assert r["gap_usd_m"] == approx(gap), iso3
    # Population from NATO's tables (GDP at 2015 prices / GDP per capita x 1000):
    # USA 15e6/50 = 300 m; GBR 4e6/40 = 100 m; DEU 8e6/40 = 200 m; POL 2e6/20 = 100 m;
    # FIN 2e6/40 = 50 m; sum 750 m -> n = 40, 13.33, 26.67, 13.33, 6.67 %.
    assert got["USA"]["population_share_pct"] == approx(40)
    assert got["DEU"]["population_share_pct"] == approx(200 / 7.5)
    assert got["FIN"]["population_share_pct"] == approx(50 / 7.5)
    assert got["ISL"]["burden_share_pct"] is None and got["ISL"]["gdp_share_pct"] is None
    usa = got["USA"]
    assert (usa["group_me_current_usd_m"], usa["group_gdp_current_usd_m"]) == (1000, 40000)
    assert (usa["n_members"], usa["n_members_with_data"]) == (6, 5)
    assert sum(r["gap_usd_m"] or 0 for r in got.values()) == approx(0)


def test_burden_sharing_current_membership(con):
    got = rows(con, "burden_sharing", key="iso3", year=2022, membership="current", as_of=AS_OF_2024)
    # Current members on 2024-01-01, in 2022: USA GBR DEU POL FIN (+ ISL, no figures).
    # sum ME = 500 + 100 + 100 + 100 + 40 = 840; sum GDP = 20000 + 5000 + 10000 + 5000 + 2000
    # = 42000. USA: b = 500/840, y = 20000/42000, R = (500 x 42000) / (840 x 20000) = 1.25.
    # FIN: b = 40/840 = y = 2000/42000 -> R = 1.
    assert got["USA"]["burden_share_pct"] == approx(100 * 500 / 840)
    assert got["USA"]["gdp_share_pct"] == approx(100 * 20000 / 42000)
    assert got["USA"]["burden_to_benefit_ratio"] == approx(1.25)
    assert got["FIN"]["burden_to_benefit_ratio"] == approx(1.0)
    # FS(USA) = 840 x 20000/42000 = 400; gap = 500 - 400 = 100.
    assert got["USA"]["gap_usd_m"] == approx(100)
    hist = rows(con, "burden_sharing", key="iso3", year=2022)
    # Historical 2022: no FIN; USA b = 500/800 = 62.5 %, y = 20000/40000 = 50 %, R = 1.25.
    assert "FIN" not in hist
    assert hist["USA"]["burden_share_pct"] == approx(62.5)
    assert hist["USA"]["burden_to_benefit_ratio"] == approx(1.25)


def test_burden_sharing_sipri_on_its_own_gdp_and_population(con):
    got = rows(con, "burden_sharing", key="iso3", year=2023, source="sipri")
    # SIPRI ME 2023: USA 800, GBR 60, DEU 70, POL 40, FIN 30 = 1000.
    # SIPRI's implied GDP (ME / share x 100): USA 800 / 3.4, GBR 60 / 2.3, DEU 70 / 1.5, POL
    # 40 / 3.8, FIN 30 / 2.4 (x 100), not the World Bank's.
    # SIPRI's implied population (ME / per capita; in the tiny world the World Bank's, m):
    # 330 + 90 + 210 + 120 + 50 = 800
    # -> n = 41.25, 11.25, 26.25, 15, 6.25 % (not NATO's 40, 13.33, ...: sources kept apart).
    gdp = {iso3: sipri_gdp(iso3, 2023) for iso3 in ("USA", "GBR", "DEU", "POL", "FIN")}
    total = sum(gdp.values())
    assert got["USA"]["burden_share_pct"] == approx(80)
    assert got["USA"]["gdp_share_pct"] == approx(100 * gdp["USA"] / total)
    assert got["USA"]["burden_to_benefit_ratio"] == approx(80 / (100 * gdp["USA"] / total))
    assert got["DEU"]["gdp_share_pct"] == approx(100 * gdp["DEU"] / total)
    assert [got[i]["population_share_pct"] for i in ("USA", "GBR", "DEU", "POL", "FIN")] == [
        approx(41.25),
        approx(11.25),
        approx(26.25),
        approx(15),
        approx(6.25),
    ]
    # FS(DEU) = 1000 x DEU's GDP share; gap = 70 - FS.
    assert got["DEU"]["gap_usd_m"] == approx(70 - 1000 * gdp["DEU"] / total)
    # Iceland has no SIPRI row at all: listed with NULLs, not counted as having data.
    assert got["ISL"]["me_current_usd_m"] is None
    assert got["USA"]["n_members_with_data"] == 5


def test_burden_sharing_all_years_and_shares_add_up(con):
    frame = run(con, "burden_sharing", year=None)
    assert sorted(frame["year"].unique().to_list()) == [2014, 2022, 2023]
    sums = frame.group_by("year").agg(
        pl.col("burden_share_pct").sum(), pl.col("gdp_share_pct").sum()
    )
    for r in sums.to_dicts():
        assert r["burden_share_pct"] == approx(100) and r["gdp_share_pct"] == approx(100)
