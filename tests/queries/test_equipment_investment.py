"""equipment_investment: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import polars as pl
import pytest

from tests.queries.world_capability import AS_OF_2024, approx, keyed, one, run


def test_equipment_investment_perpetual_inventory_steady_state(equipment_con):
    got = keyed(run(equipment_con, "equipment_investment"), "iso3", "year")
    # d = 0.10, steady state: S_2014 = I_2014 / d; then S_t = 0.9 S_(t-1) + I_t.
    #   USA: 200 / 0.1 = 2000; 0.9 x 2000 + 200 = 2000; 0.9 x 2000 + 250 = 2050;
    #        0.9 x 2050 + 300 = 2145.
    #   Closed form for 2017: 300 + 0.9 x 250 + 0.81 x 200 + 0.729 x 200
    #        + 0.729 x 200 x 0.9 / 0.1 = 300 + 225 + 162 + 145.8 + 1312.2 = 2145.
    #   POL: 10 / 0.1 = 100; 90 + 20 = 110; 99 + 40 = 139; 125.1 + 50 = 175.1.
    for year, usa, pol in [(2014, 2000, 100), (2015, 2000, 110), (2016, 2050, 139)]:
        assert got[("USA", year)]["equipment_stock_constant_usd_m"] == approx(usa)
        assert got[("POL", year)]["equipment_stock_constant_usd_m"] == approx(pol)
    assert got[("USA", 2017)]["equipment_stock_constant_usd_m"] == approx(2145)
    assert got[("POL", 2017)]["equipment_stock_constant_usd_m"] == approx(175.1)
    # Investment and its running sum: POL 10, 10 + 20 = 30, 30 + 40 = 70, 70 + 50 = 120.
    assert got[("POL", 2016)]["equipment_constant_usd_m"] == approx(40)
    assert [got[("POL", y)]["equipment_cumulative_constant_usd_m"] for y in range(2014, 2018)] == [
        approx(10),
        approx(30),
        approx(70),
        approx(120),
    ]
    assert got[("USA", 2017)]["equipment_cumulative_constant_usd_m"] == approx(950)
    assert got[("USA", 2017)]["stock_first_year"] == 2014
    # GBR has no equipment share in 2015: its stock and running sum stop (NULL), not shrink.
    assert got[("GBR", 2014)]["equipment_stock_constant_usd_m"] == approx(1000)
    for year in (2015, 2016, 2017):
        assert got[("GBR", year)]["equipment_stock_constant_usd_m"] is None
        assert got[("GBR", year)]["equipment_cumulative_constant_usd_m"] is None
    assert got[("GBR", 2016)]["equipment_constant_usd_m"] == approx(100)
    # Historical membership: FIN (NATO 2023) is not listed in 2014-2017; ISL is, with NULLs.
    assert ("FIN", 2014) not in got
    assert got[("ISL", 2014)]["equipment_stock_constant_usd_m"] is None
    assert got[("ISL", 2014)]["stock_share_pct"] is None


def test_equipment_investment_shares_of_stock_and_gdp(equipment_con):
    got = keyed(run(equipment_con, "equipment_investment"), "iso3", "year")
    # 2014: USA 2000, GBR 1000, POL 100 -> alliance stock 3100; GDP 15e6 + 2e6 + 3e6 = 20e6.
    #   USA: stock share 2000 / 3100 = 64.516 %, GDP share 75 %, ratio 0.64516 / 0.75 = 0.86022.
    usa = got[("USA", 2014)]
    assert usa["n_allies_in_total"] == 3
    assert usa["alliance_stock_constant_usd_m"] == approx(3100)
    assert usa["alliance_gdp_constant_usd_m"] == approx(20e6)
    assert usa["stock_share_pct"] == approx(100 * 2000 / 3100)
    assert usa["gdp_share_pct"] == approx(75)
    assert usa["stock_to_gdp_share_ratio"] == approx((2000 / 3100) / 0.75)
    # 2017: GBR's stock is NULL, so the total is USA + POL only: 2145 + 175.1 = 2320.1;
    #   GDP 16e6 + 4e6 = 20e6 -> POL: 175.1 / 2320.1 = 7.547 % against 20 %, ratio 0.37735.
    pol = got[("POL", 2017)]
    assert pol["n_allies_in_total"] == 2
    assert pol["stock_share_pct"] == approx(100 * 175.1 / 2320.1)
    assert pol["gdp_share_pct"] == approx(20)
    assert pol["stock_to_gdp_share_ratio"] == approx((175.1 / 2320.1) / 0.2)
    assert got[("GBR", 2017)]["stock_share_pct"] is None


def test_equipment_investment_zero_start_other_rate_and_current_membership(equipment_con):
    zero = keyed(run(equipment_con, "equipment_investment", initial_stock="zero"), "iso3", "year")
    # Zero start, d = 0.10: POL 10; 0.9 x 10 + 20 = 29; 0.9 x 29 + 40 = 66.1;
    #   0.9 x 66.1 + 50 = 109.49.
    assert [zero[("POL", y)]["equipment_stock_constant_usd_m"] for y in range(2014, 2018)] == [
        approx(10),
        approx(29),
        approx(66.1),
        approx(109.49),
    ]
    fast = keyed(run(equipment_con, "equipment_investment", depreciation=0.5), "iso3", "year")
    # d = 0.5, steady state: USA 200 / 0.5 = 400; 200 + 200 = 400; 200 + 250 = 450;
    #   225 + 300 = 525.
    assert fast[("USA", 2017)]["equipment_stock_constant_usd_m"] == approx(525)
    assert fast[("USA", 2017)]["depreciation"] == approx(0.5)
    current = keyed(
        run(equipment_con, "equipment_investment", membership="current", as_of=AS_OF_2024),
        "iso3",
        "year",
    )
    # Today's members traced back: FIN counts in 2017 with its own stock 10 / 0.1 = 100
    #   (0.9 x 100 + 10 = 100 every year): total 2145 + 175.1 + 100 = 2420.1, GDP 21e6.
    fin = current[("FIN", 2017)]
    assert fin["equipment_stock_constant_usd_m"] == approx(100)
    assert fin["n_allies_in_total"] == 3
    assert fin["stock_share_pct"] == approx(100 * 100 / 2420.1)
    assert fin["gdp_share_pct"] == approx(100 / 21)


def test_equipment_investment_closed_form_equals_the_recursion(equipment_con):
    for rule in ("steady_state", "zero"):
        for d in (0.05, 0.1, 0.3, 1.0):
            got = keyed(
                run(equipment_con, "equipment_investment", depreciation=d, initial_stock=rule),
                "iso3",
                "year",
            )
            for iso3 in ("USA", "POL"):
                stock = None
                for year in range(2014, 2018):
                    invest = got[(iso3, year)]["equipment_constant_usd_m"]
                    if stock is None:
                        stock = invest / d if rule == "steady_state" else invest
                    else:
                        stock = (1 - d) * stock + invest
                    value = got[(iso3, year)]["equipment_stock_constant_usd_m"]
                    assert value == approx(stock, rel=1e-12), (rule, d, iso3, year)


@pytest.mark.raw
def test_real_equipment_poland_2024(real_con):
    got = keyed(run(real_con, "equipment_investment", membership="current"), "iso3", "year")
    me, share = one(
        real_con,
        "select constant_usd_m, equipment_share_pct from nato_defence "
        "where iso3 = 'POL' and year = 2024",
    )
    pol = got[("POL", 2024)]
    assert pol["equipment_constant_usd_m"] == approx(me * share / 100)
    assert pol["equipment_constant_usd_m"] == approx(13722, abs=1)  # 26,839 x 51.13 %
    # The stock obeys the recursion S_t = 0.9 S_(t-1) + I_t for every ally with a full series.
    checked = 0
    for (iso3, year), r in got.items():
        prev = got.get((iso3, year - 1))
        if prev and prev["equipment_stock_constant_usd_m"] is not None:
            expected = (
                0.9 * prev["equipment_stock_constant_usd_m"] + (r["equipment_constant_usd_m"])
            )
            assert r["equipment_stock_constant_usd_m"] == approx(expected, rel=1e-9)
            checked += 1
    assert checked == 31 * 10  # 31 allies with figures (not Iceland) x 2015-2024
    # Shares add up to 100 in every year.
    frame = run(real_con, "equipment_investment")
    sums = frame.group_by("year").agg(
        pl.col("stock_share_pct").sum(), pl.col("gdp_share_pct").sum()
    )
    for r in sums.to_dicts():
        assert r["stock_share_pct"] == approx(100) and r["gdp_share_pct"] == approx(100)
