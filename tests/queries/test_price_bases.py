"""Price bases: NATO's 2024 edition states constant figures at 2015 prices, its editions since
2025 at 2021 prices. On a tiny warehouse holding both (tests/queries/world_capability.py
two_bases_con), each query that reads constant figures reports every row's base, and none adds
or divides figures of two bases (personnel, hague_path, equipment_investment)."""

from __future__ import annotations

from datetime import date

from tests.queries.world_capability import (
    AS_OF_2024,
    _nato,
    approx,
    keyed,
    nato_2025,
    run,
    two_bases_con,
)


def on_two_bases(tmp_path, old: list[dict], new: list[dict], query: str, *key: str, **params):
    """`query`'s rows keyed by `key`, on a warehouse of `old` rows of the 2024 edition (2015
    prices) and `new` rows of a 2025 edition (2021 prices)."""
    con = two_bases_con(tmp_path, "bases", old, new)
    try:
        return keyed(run(con, query, **params), *key)
    finally:
        con.close()


def test_personnel_reports_each_rows_price_base(tmp_path):
    # USA 2014-2015 in the 2024 edition (2015 prices); 2015 again in a 2025 edition (2021).
    figures = {"personnel_k": 1000, "constant_usd_m": 500_000, "current_usd_m": 400_000}
    old = [_nato("USA", y, **figures) for y in (2014, 2015)]
    new = [nato_2025("USA", 2015, **figures | {"constant_usd_m": 800_000})]
    got = on_two_bases(tmp_path, old, new, "personnel", "iso3", "year", year_from=2014)
    # Each row's constant figure carries its own edition's base: 2014 at 2015 prices, 2015
    # from the newer edition at 2021 prices; no row blends the two.
    assert (got[("USA", 2014)]["price_base_year"], got[("USA", 2015)]["price_base_year"]) == (
        2015,
        2021,
    )
    assert got[("USA", 2014)]["me_per_soldier_constant_kusd"] == approx(500)
    assert got[("USA", 2015)]["me_per_soldier_constant_kusd"] == approx(800)


def test_hague_path_never_divides_across_two_price_bases(tmp_path):
    # POL: 2014 and 2017 in the 2024 edition (2015 prices); USA: 2014 in the 2024 edition and
    # 2017 only in a 2025 edition (2021 prices), whose constant figure is on another scale.
    old = [
        _nato("POL", 2014, share_gdp_pct=0.8, constant_usd_m=100),
        _nato("POL", 2017, share_gdp_pct=1.0, constant_usd_m=133.1),
        _nato("USA", 2014, share_gdp_pct=3.0, constant_usd_m=1000),
    ]
    new = [nato_2025("USA", 2017, share_gdp_pct=4.0, constant_usd_m=1500)]
    got = on_two_bases(tmp_path, old, new, "hague_path", "iso3", as_of=date(2024, 1, 1))
    pol, usa = got["POL"], got["USA"]
    assert (pol["price_base_year"], pol["mixed_price_bases"]) == (2015, False)
    assert pol["avg_real_growth_pct"] == approx(10)  # 1.331^(1/3) - 1
    assert (usa["price_base_year"], usa["mixed_price_bases"]) == (2021, True)
    assert usa["latest_me_constant_usd_m"] == approx(1500)
    assert usa["base_me_constant_usd_m"] is None
    assert usa["avg_real_growth_pct"] is None  # not 1500 / 1000 across bases
    assert usa["on_course"] is None
    assert usa["required_real_growth_pct"] is not None  # shares of GDP have no price base


def test_equipment_investment_reports_the_base_and_never_mixes_two(tmp_path):
    # 2024 edition (2015 prices): USA and POL 2014-2017. 2025 edition (2021 prices): USA and
    # FIN 2016-2017, so USA's 2016-2017 rows are at 2021 prices and its 2014-2015 ones at 2015.
    old = [
        _nato(i, y, constant_usd_m=100, equipment_share_pct=20, gdp_constant_usd_m=1e3)
        for i in ("USA", "POL")
        for y in range(2014, 2018)
    ]
    new = [
        nato_2025(i, y, constant_usd_m=150, equipment_share_pct=20, gdp_constant_usd_m=2e3)
        for i in ("USA", "FIN")
        for y in (2016, 2017)
    ]
    got = on_two_bases(
        tmp_path,
        old,
        new,
        "equipment_investment",
        "iso3",
        "year",
        membership="current",
        as_of=AS_OF_2024,
    )
    assert got[("USA", 2015)]["price_base_year"] == 2015
    assert got[("USA", 2016)]["price_base_year"] == 2021
    assert got[("USA", 2015)]["equipment_stock_constant_usd_m"] == approx(200)
    # USA's 2016 stock would add 2015-price and 2021-price investment: NULL and flagged.
    for year in (2016, 2017):
        r = got[("USA", year)]
        assert r["equipment_constant_usd_m"] == approx(30)  # the year's own figure stays
        assert r["equipment_stock_constant_usd_m"] is None
        assert r["equipment_cumulative_constant_usd_m"] is None
        assert r["mixed_price_bases"] is True
    # 2016: POL's stock is at 2015 prices, FIN's at 2021: no grouping total, no shares.
    assert got[("FIN", 2016)]["equipment_stock_constant_usd_m"] == approx(300)
    assert got[("POL", 2016)]["equipment_stock_constant_usd_m"] is not None
    for iso3 in ("POL", "FIN"):
        r = got[(iso3, 2016)]
        assert r["alliance_stock_constant_usd_m"] is None
        assert r["stock_share_pct"] is None
        assert r["mixed_price_bases"] is True
    # 2015: one base (POL and USA at 2015 prices): totals as before, not flagged.
    assert got[("POL", 2015)]["alliance_stock_constant_usd_m"] == approx(400)
    assert got[("POL", 2015)]["mixed_price_bases"] is False
