"""Capability and commitment beyond the 2 % headline: equipment_investment, personnel,
capability_balance, hague_path, security_burden and security_burden_test.

Each indicator is worked by hand on its own tiny warehouse (tests/tinydb.py: the real DDL and
views, a few rows typed in), with the arithmetic in the comments; numbers are chosen to come out
round, not to look real. The `raw` tests read the real warehouse (tests/conftest.py real_con).
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import polars as pl
import pytest
from scipy import stats

from etl import queries
from etl.stats import spearman_p
from tests.tinydb import make_db

EDITION = date(2024, 6, 17)
AS_OF_2024 = date(2024, 1, 1)  # FIN (joined NATO 2023-04-04) is a member
URL = "https://example.org/source"
MINE = [
    "equipment_investment",
    "personnel",
    "capability_balance",
    "hague_path",
    "security_burden",
    "security_burden_test",
]
approx = pytest.approx


# ---------------------------------------------------------------- the tiny world


def _country(iso3: str, name: str, historical: bool = False) -> dict:
    return {
        "iso3": iso3,
        "name": name,
        "is_historical": historical,
        "source": "data/historical_states.csv" if historical else "restcountries",
    }


def _alliance(code: str, founded: str, dissolved: str | None = None) -> dict:
    return {
        "code": code,
        "name": code,
        "kind": "treaty alliance",
        "founded": date.fromisoformat(founded),
        "dissolved": date.fromisoformat(dissolved) if dissolved else None,
        "source_url": URL,
    }


def _spell(alliance: str, iso3: str, joined: str, departed: str | None = None) -> dict:
    return {
        "alliance": alliance,
        "iso3": iso3,
        "joined": date.fromisoformat(joined),
        "departed": date.fromisoformat(departed) if departed else None,
        "date_precision": "day",
        "source_url": URL,
    }


def base_world() -> dict[str, list[dict]]:
    """Countries, NATO and the Warsaw Pact; every test adds the source rows it needs."""
    return {
        "country": [
            _country("USA", "United States"),
            _country("GBR", "United Kingdom"),
            _country("DEU", "Germany"),
            _country("POL", "Poland"),
            _country("FIN", "Finland"),
            _country("ISL", "Iceland"),
            _country("MNE", "Montenegro"),
            _country("CHN", "China"),
            _country("SUN", "Soviet Union", historical=True),
            _country("DDR", "German Democratic Republic", historical=True),
        ],
        "alliance": [
            _alliance("NATO", "1949-04-04"),
            _alliance("WARSAW", "1955-05-14", "1991-07-01"),
        ],
        "membership": [
            _spell("NATO", "USA", "1949-08-24"),
            _spell("NATO", "GBR", "1949-08-24"),
            _spell("NATO", "ISL", "1949-08-24"),
            _spell("NATO", "DEU", "1955-05-06"),
            _spell("NATO", "POL", "1999-03-12"),
            _spell("NATO", "MNE", "2017-06-05"),
            _spell("NATO", "FIN", "2023-04-04"),
            _spell("WARSAW", "SUN", "1955-05-14", "1991-07-01"),
            _spell("WARSAW", "POL", "1955-05-14", "1991-07-01"),
            _spell("WARSAW", "DDR", "1956-01-28", "1990-09-24"),
        ],
    }


def _nato(iso3: str, year: int, **figures) -> dict:
    return {"iso3": iso3, "year": year, "edition": EDITION, "is_estimate": year >= 2017} | {
        k: None if v is None else float(v) for k, v in figures.items()
    }


def _cow(ccode, abb, iso3, year, cinc, milex_kusd, milper_k, tpop_k=None) -> dict:
    return {
        "ccode": ccode,
        "stateabb": abb,
        "iso3": iso3,
        "year": year,
        "cinc": float(cinc),
        "milex_current_kusd": None if milex_kusd is None else float(milex_kusd),
        "milper_k": None if milper_k is None else float(milper_k),
        "tpop_k": None if tpop_k is None else float(tpop_k),
        "version": "2021",
    }


def _connect(tmp_path, name: str, extra: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    world = base_world() | extra
    path = make_db(tmp_path / f"{name}.duckdb", world)
    return duckdb.connect(str(path), read_only=True)


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """etl.queries.run: sidecar defaults, typed overrides, bound parameters."""
    return queries.run(con, name, **params)


def one(con: duckdb.DuckDBPyConnection, sql: str, **params) -> tuple:
    """The single row of a query (read whole, so the connection is free for the next one)."""
    rows = con.sql(sql, params=params or None).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def keyed(frame: pl.DataFrame, *key: str) -> dict:
    out = {}
    for r in frame.to_dicts():
        k = r[key[0]] if len(key) == 1 else tuple(r[c] for c in key)
        assert k not in out, f"duplicate {k}"
        out[k] = r
    return out


# ---------------------------------------------------------------- equipment_investment
#
# Equipment investment I = ME at constant 2015 US$ x equipment share / 100:
#   ally  2014            2015            2016            2017
#   USA   1000 x 20% 200  1000 x 20% 200  1000 x 25% 250  1000 x 30% 300
#   POL    100 x 10%  10   100 x 20%  20   200 x 20%  40   200 x 25%  50
#   GBR    400 x 25% 100   400 x  ? NULL   400 x 25% 100   400 x 25% 100   (a gap)
#   FIN     50 x 20%  10    50 x 20%  10    50 x 20%  10    50 x 20%  10   (NATO from 2023)
#   ISL   GDP only (no armed forces)
# GDP at 2015 prices (US$ m): USA 15e6 (2014-2016), 16e6 (2017); POL 3e6, then 4e6 in 2017;
#   GBR 2e6; FIN 1e6; ISL 1e5.

EQUIPMENT = {
    "USA": [(1000, 20, 15e6), (1000, 20, 15e6), (1000, 25, 15e6), (1000, 30, 16e6)],
    "POL": [(100, 10, 3e6), (100, 20, 3e6), (200, 20, 3e6), (200, 25, 4e6)],
    "GBR": [(400, 25, 2e6), (400, None, 2e6), (400, 25, 2e6), (400, 25, 2e6)],
    "FIN": [(50, 20, 1e6)] * 4,
    "ISL": [(None, None, 1e5)] * 4,
}


@pytest.fixture(scope="module")
def equipment_con(tmp_path_factory):
    rows = [
        _nato(
            iso3,
            2014 + i,
            constant_usd_m=me,
            equipment_share_pct=eq,
            gdp_constant_usd_m=gdp,
        )
        for iso3, series in EQUIPMENT.items()
        for i, (me, eq, gdp) in enumerate(series)
    ]
    con = _connect(tmp_path_factory.mktemp("equipment"), "e", {"nato_defence": rows})
    yield con
    con.close()


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


# ---------------------------------------------------------------- personnel
#
# NATO rows (2014-): population = GDP at 2015 prices / GDP per capita (k$) x 1000.
#   USA 2014: 15e6 / 50 x 1000 = 300e6 people; 1500 k personnel -> 1000 x 1.5e6 / 300e6 = 5.0
#     per 1,000; ME 600,000 US$ m current / 1500 k = 400 k$ per soldier; 750,000 at 2015
#     prices / 1500 = 500 k$.
#   POL 2014: 3e6 / 75 x 1000 = 40e6; 100 k -> 2.5 per 1,000; 10,000 / 100 = 100 k$.
#   ISL 2014: GDP only -> personnel NULL.
# COW rows (before 2014): population = tpop (thousands) x 1000.
#   USA 1980: 2000 k / 250,000 k -> 8.0 per 1,000; milex 140,000,000 k$ / 2000 k / 1000 = 70 k$.
#   SUN 1980: 3900 / 260,000 -> 15.0; 195,000,000 / 3900 / 1000 = 50 k$.
#   POL 1980: 400 / 36,000 -> 11.11; 9,600,000 / 400 / 1000 = 24 k$.
#   DDR 1980: 200 / 16,000 -> 12.5; 6,000,000 / 200 / 1000 = 30 k$.
#   ISL 1980: 0 personnel -> 0 per 1,000 and no spending per soldier.
#   USA 2013: 1400 / 280,000 -> 5.0.  USA 2014 (COW): ignored, NATO's tables cover 2014.


@pytest.fixture(scope="module")
def personnel_con(tmp_path_factory):
    nato = [
        _nato(
            "USA",
            2014,
            personnel_k=1500,
            gdp_constant_usd_m=15e6,
            gdp_per_capita_constant_kusd=50,
            current_usd_m=600_000,
            constant_usd_m=750_000,
        ),
        _nato(
            "POL",
            2014,
            personnel_k=100,
            gdp_constant_usd_m=3e6,
            gdp_per_capita_constant_kusd=75,
            current_usd_m=10_000,
            constant_usd_m=12_000,
        ),
        _nato("ISL", 2014, gdp_constant_usd_m=1e5, gdp_per_capita_constant_kusd=50),
    ]
    cow = [
        _cow(2, "USA", "USA", 1980, 0.13, 140_000_000, 2000, 250_000),
        _cow(365, "RUS", "SUN", 1980, 0.17, 195_000_000, 3900, 260_000),
        _cow(290, "POL", "POL", 1980, 0.02, 9_600_000, 400, 36_000),
        _cow(265, "GDR", "DDR", 1980, 0.01, 6_000_000, 200, 16_000),
        _cow(395, "ICE", "ISL", 1980, 0.0001, 0, 0, 228),
        _cow(2, "USA", "USA", 2013, 0.14, 600_000_000, 1400, 280_000),
        _cow(2, "USA", "USA", 2014, 0.14, 999_000_000, 9999, 290_000),
    ]
    con = _connect(
        tmp_path_factory.mktemp("personnel"), "p", {"nato_defence": nato, "cow_nmc": cow}
    )
    yield con
    con.close()


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


# ---------------------------------------------------------------- capability_balance
#
# COW rows (CINC, milex in thousand current US$, milper in thousands):
#   1980: USA 0.13 / 140e6 / 2000, GBR 0.03 / 25e6 / 300, DEU (West Germany) 0.03 / 25e6 / 500,
#         SUN 0.17 / 200e6 / 4000, POL 0.02 / 10e6 / 400, DDR 0.01 / 7e6 / 200,
#         CHN 0.61 / 33e6 / 4600       world: CINC 1.00, milex 440e6, milper 12,000
#   NATO 1980 (historical: USA, GBR, ISL, DEU; ISL has no COW row):
#         CINC 0.13 + 0.03 + 0.03 = 0.19; milex 190e6 = 43.18 % of 440e6;
#         milper 2800 = 23.33 % of 12,000
#   WARSAW 1980 (SUN, POL, DDR): CINC 0.20; milex 217e6 = 49.32 %; milper 4600 = 38.33 %
#   1990: DDR (member to 1990-09-24) still counts for the Pact; NATO's DEU is unified Germany
#         (0.04); COW's 1990 row for the Federal Republic has no iso3 and counts in the world
#         total only (0.03).  NATO 1990 = 0.12 + 0.03 + 0.04 = 0.19; WARSAW = 0.15+0.02+0.01.
#   1948: before the default year_from (1949): never listed.


@pytest.fixture(scope="module")
def capability_con(tmp_path_factory):
    cow = [
        _cow(2, "USA", "USA", 1980, 0.13, 140e6, 2000),
        _cow(200, "UKG", "GBR", 1980, 0.03, 25e6, 300),
        _cow(260, "GFR", "DEU", 1980, 0.03, 25e6, 500),
        _cow(365, "RUS", "SUN", 1980, 0.17, 200e6, 4000),
        _cow(290, "POL", "POL", 1980, 0.02, 10e6, 400),
        _cow(265, "GDR", "DDR", 1980, 0.01, 7e6, 200),
        _cow(710, "CHN", "CHN", 1980, 0.61, 33e6, 4600),
        _cow(2, "USA", "USA", 1990, 0.12, 300e6, 2100),
        _cow(200, "UKG", "GBR", 1990, 0.03, 40e6, 300),
        _cow(255, "GMY", "DEU", 1990, 0.04, 42e6, 545),
        _cow(260, "GFR", None, 1990, 0.03, 40e6, 545),
        _cow(365, "RUS", "SUN", 1990, 0.15, 200e6, 3500),
        _cow(290, "POL", "POL", 1990, 0.02, 5e6, 300),
        _cow(265, "GDR", "DDR", 1990, 0.01, 5e6, 137),
        _cow(710, "CHN", "CHN", 1990, 0.60, 20e6, 3500),
        _cow(2, "USA", "USA", 1948, 0.30, 10e6, 1500),
    ]
    con = _connect(tmp_path_factory.mktemp("capability"), "c", {"cow_nmc": cow})
    yield con
    con.close()


def test_capability_balance_nato_and_warsaw_1980(capability_con):
    got = keyed(run(capability_con, "capability_balance"), "alliance", "year")
    assert {k[0] for k in got} == {"NATO", "NATO_EUROPE_CANADA", "WARSAW"}
    assert min(k[1] for k in got) == 1980  # the 1948 row is before year_from = 1949
    nato = got[("NATO", 1980)]
    assert (nato["n_members"], nato["n_members_in_cow"]) == (4, 3)
    assert nato["members_not_in_cow"] == "ISL"
    assert nato["members"] == "DEU,GBR,ISL,USA"
    assert nato["cinc_sum"] == approx(0.19)
    assert nato["cinc_world_sum"] == approx(1.0)
    assert nato["cinc_world_share_pct"] == approx(19)
    assert nato["milex_current_kusd_sum"] == approx(190e6)
    assert nato["milex_world_share_pct"] == approx(100 * 190 / 440)
    assert nato["milper_k_sum"] == approx(2800)
    assert nato["milper_world_share_pct"] == approx(100 * 2800 / 12000)
    assert nato["world_n_states"] == 7
    warsaw = got[("WARSAW", 1980)]
    assert warsaw["members"] == "DDR,POL,SUN"
    assert warsaw["members_not_in_cow"] is None
    assert warsaw["cinc_sum"] == approx(0.20)
    assert warsaw["milex_world_share_pct"] == approx(100 * 217 / 440)
    assert warsaw["milper_world_share_pct"] == approx(100 * 4600 / 12000)
    # NATO without the United States: 0.03 + 0.03.
    assert got[("NATO_EUROPE_CANADA", 1980)]["cinc_sum"] == approx(0.06)


def test_capability_balance_1990_and_membership_rules(capability_con):
    got = keyed(run(capability_con, "capability_balance"), "alliance", "year")
    # 1990: DDR still in the Pact; NATO's DEU is unified Germany (GMY, 0.04), not the GFR row.
    assert got[("WARSAW", 1990)]["cinc_sum"] == approx(0.18)
    assert got[("NATO", 1990)]["cinc_sum"] == approx(0.19)
    assert got[("NATO", 1990)]["cinc_world_sum"] == approx(1.0)
    assert got[("NATO", 1990)]["world_n_states"] == 8  # the iso3-less GFR row counts here
    current = keyed(
        run(
            capability_con,
            "capability_balance",
            alliance="NATO",
            membership="current",
            as_of=AS_OF_2024,
            year_to=1980,
        ),
        "alliance",
        "year",
    )
    assert list(current) == [("NATO", 1980)]
    # Today's allies traced back to 1980: USA, GBR, DEU, POL in COW (0.13 + 0.03 + 0.03 + 0.02);
    #   FIN, ISL, MNE have no 1980 row.
    r = current[("NATO", 1980)]
    assert r["cinc_sum"] == approx(0.21)
    assert (r["n_members"], r["n_members_in_cow"]) == (7, 4)
    assert r["members_not_in_cow"] == "FIN,ISL,MNE"
    assert r["membership"] == "current"


# ---------------------------------------------------------------- hague_path
#
# Latest NATO year 2017 (an estimate), base year 2014, ME at constant 2015 US$:
#   ally  share 2017  ME 2014  ME 2017    achieved r = (ME17 / ME14)^(1/3) - 1
#   USA   4.0         1000     1000       0 %
#   POL   1.0          100      133.1     1.331^(1/3) - 1 = 10 %
#   GBR   2.0          400      463.05    1.157625^(1/3) - 1 = 5 %
#   FIN   1.5          (none)   60        NULL (no base year figure)
#   ISL   (no share)                      no row
# A 2016 USA row with share 9.9 checks that the latest year is taken.
#
# Worked with target 4 %, target year 2019 (n = 2 years), real GDP growth 5 %:
#   required r = (target / s0)^(1/n) (1 + g) - 1
#     USA: (4 / 4)^(1/2) x 1.05 - 1 = 5 %     achieved 0 %  -> not on course (gap 5 pp)
#     POL: (4 / 1)^(1/2) x 1.05 - 1 = 110 %   achieved 10 % -> not on course
#     GBR: (4 / 2)^(1/2) x 1.05 - 1 = 48.49 % achieved 5 %  -> not on course
#   projected share = s0 ((1 + r) / (1 + g))^n:  USA 4 / 1.05^2 = 3.6281;
#     POL (1.1 / 1.05)^2 = 1.09751
# With the defaults (3.5 % by 2035, g = 1.5 %): n = 18,
#     POL: 3.5^(1/18) x 1.015 - 1 = exp(ln 3.5 / 18) x 1.015 - 1
#          = exp(0.0695979) x 1.015 - 1 = 1.072077 x 1.015 - 1 = 8.816 % <= 10 % -> on course
#     USA: (3.5 / 4)^(1/18) x 1.015 - 1 = 0.992609 x 1.015 - 1 = 0.750 % > 0 % -> not


@pytest.fixture(scope="module")
def hague_con(tmp_path_factory):
    rows = [
        _nato("USA", 2014, share_gdp_pct=3.0, constant_usd_m=1000),
        _nato("USA", 2016, share_gdp_pct=9.9, constant_usd_m=1000),
        _nato("USA", 2017, share_gdp_pct=4.0, constant_usd_m=1000),
        _nato("POL", 2014, share_gdp_pct=0.8, constant_usd_m=100),
        _nato("POL", 2017, share_gdp_pct=1.0, constant_usd_m=133.1),
        _nato("GBR", 2014, share_gdp_pct=2.0, constant_usd_m=400),
        _nato("GBR", 2017, share_gdp_pct=2.0, constant_usd_m=463.05),
        _nato("FIN", 2017, share_gdp_pct=1.5, constant_usd_m=60),
        _nato("ISL", 2017, gdp_constant_usd_m=1e5),
    ]
    con = _connect(tmp_path_factory.mktemp("hague"), "h", {"nato_defence": rows})
    yield con
    con.close()


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


# ---------------------------------------------------------------- security_burden(_test)
#
# Kiel monthly flows (EUR bn, total / military), donor GDP (EUR bn, fixed reference year):
#   USA (GDP 20,000): 2022-03 10/5, 2022-07 30/20, 2023-02 20/10, 2024-01 10/10
#   GBR (3,000):      2022-01 3/3,  2023-05 6/4
#   DEU (4,000):      2023-04 20/15                  (tracked, nothing in 2022 -> 0)
#   POL (600):        2022-04 3/3,  2023-06 6/6,  2024-06 1.2/1.2
#   FIN (250):        2023-09 5/5
#   ISL (20):         2023-10 0.2/0
#   EU institutions (no iso3): ignored.  MNE is not tracked.
# The tracker runs 2022-01 to 2024-06: 30 months. NATO's tables (here) hold 2021-2023, so the
# years are 2022 and 2023.
# Calendar year 2023, aid % of GDP = 100 x flows / GDP:
#   USA 20 / 20000 = 0.1; GBR 6 / 3000 = 0.2; DEU 20 / 4000 = 0.5; POL 6 / 600 = 1.0;
#   FIN 5 / 250 = 2.0; ISL 0.2 / 20 = 1.0
# 2023 NATO share of real GDP and GDP (US$ m, 2015 prices):
#   USA 3.0 / 20e6, DEU 1.5 / 4e6, GBR 2.0 / 3e6, POL 4.0 / 0.7e6, FIN 2.0 / 0.3e6,
#   MNE 1.5 / 6000, ISL (no share) / 20000
# Broader burden 2023: USA 3.1, DEU 2.0, GBR 2.2, POL 5.0, FIN 4.0 (MNE, ISL: none)
# Spearman 2023 over USA, DEU, GBR, POL, FIN (n = 5):
#   GDP ranks:     FIN 1, POL 2, GBR 3, DEU 4, USA 5
#   plain ranks:   DEU 1, GBR 2.5, FIN 2.5 (tie at 2.0), USA 4, POL 5
#     in GDP order (FIN, POL, GBR, DEU, USA): 2.5, 5, 2.5, 1, 4; deviations from 3:
#     x (-2, -1, 0, 1, 2), y (-0.5, 2, -0.5, -2, 1): Sxy = 1 - 2 + 0 - 2 + 2 = -1,
#     Sxx = 10, Syy = 0.25 + 4 + 0.25 + 4 + 1 = 9.5 -> rho_plain = -1 / sqrt(95) = -0.10260
#   broader ranks: DEU 1, GBR 2, USA 3, FIN 4, POL 5
#     in GDP order: 4, 5, 2, 1, 3; y (1, 2, -1, -2, 0): Sxy = -2 - 2 + 0 - 2 + 0 = -6,
#     Syy = 10 -> rho_broader = -0.6; t = -0.6 sqrt(3 / 0.64) = -1.299038
# Period average: USA 70 bn over 30 months -> 70 x 12 / 30 = 28 bn a year = 0.14 % of GDP.

KIEL_FLOWS = [
    ("United States", "USA", 20000, [(2022, 3, 10, 5), (2022, 7, 30, 20), (2023, 2, 20, 10)]),
    ("United States", "USA", 20000, [(2024, 1, 10, 10)]),
    ("United Kingdom", "GBR", 3000, [(2022, 1, 3, 3), (2023, 5, 6, 4)]),
    ("Germany", "DEU", 4000, [(2023, 4, 20, 15)]),
    ("Poland", "POL", 600, [(2022, 4, 3, 3), (2023, 6, 6, 6), (2024, 6, 1.2, 1.2)]),
    ("Finland", "FIN", 250, [(2023, 9, 5, 5)]),
    ("Iceland", "ISL", 20, [(2023, 10, 0.2, 0)]),
    ("EU (Commission and Council)", None, None, [(2023, 3, 50, 0)]),
]
SECURITY_NATO = {  # iso3: {year: (share of real GDP, GDP at 2015 prices)}
    "USA": {2021: (3.5, 19e6), 2022: (3.3, 19e6), 2023: (3.0, 20e6)},
    "GBR": {2022: (2.1, 3e6), 2023: (2.0, 3e6)},
    "DEU": {2022: (1.4, 4e6), 2023: (1.5, 4e6)},
    "POL": {2022: (2.4, 0.7e6), 2023: (4.0, 0.7e6)},
    "FIN": {2022: (1.7, 0.3e6), 2023: (2.0, 0.3e6)},
    "MNE": {2022: (1.4, 6000), 2023: (1.5, 6000)},
    "ISL": {2022: (None, 20000), 2023: (None, 20000)},
}


def security_tables() -> dict[str, list[dict]]:
    monthly, donors = [], {}
    for donor, iso3, gdp, flows in KIEL_FLOWS:
        for year, month, total, military in flows:
            monthly.append(
                {
                    "donor": donor,
                    "iso3": iso3,
                    "year": year,
                    "month": month,
                    "total_eur_bn": float(total),
                    "military_eur_bn": float(military),
                    "gdp_eur_bn": None if gdp is None else float(gdp),
                    "pct_gdp": None if gdp is None else 100.0 * total / gdp,
                    "release": "29",
                }
            )
        donors[donor] = {"donor": donor, "iso3": iso3, "release": "29", "period": "06/2024"}
    nato = [
        _nato(iso3, year, share_gdp_pct=share, gdp_constant_usd_m=gdp)
        | {"is_estimate": year == 2023}
        for iso3, years in SECURITY_NATO.items()
        for year, (share, gdp) in years.items()
    ]
    return {
        "nato_defence": nato,
        "kiel_aid_monthly": monthly,
        "kiel_aid_donor": list(donors.values()),
    }


@pytest.fixture(scope="module")
def security_con(tmp_path_factory):
    con = _connect(tmp_path_factory.mktemp("security"), "s", security_tables())
    yield con
    con.close()


def test_security_burden_calendar_year(security_con):
    got = keyed(run(security_con, "security_burden"), "iso3", "year")
    assert {k[1] for k in got} == {2022, 2023}  # 2021 is before the tracker
    r = got[("USA", 2023)]
    assert r["aid_tracked"] is True
    assert r["aid_eur_bn"] == approx(20)
    assert r["kiel_gdp_eur_bn"] == approx(20000)
    assert r["aid_pct_gdp"] == approx(0.1)
    assert r["aid_months_covered"] == 12
    assert r["broader_burden_pct"] == approx(3.1)
    assert r["aid_share_of_broader_pct"] == approx(100 * 0.1 / 3.1)
    # 2022: USA 10 + 30 = 40 bn -> 0.2 %; broader 3.3 + 0.2 = 3.5.
    assert got[("USA", 2022)]["aid_pct_gdp"] == approx(0.2)
    assert got[("USA", 2022)]["broader_burden_pct"] == approx(3.5)
    # DEU is tracked but gave nothing in 2022: aid 0, broader = defence.
    assert got[("DEU", 2022)]["aid_pct_gdp"] == approx(0)
    assert got[("DEU", 2022)]["broader_burden_pct"] == approx(1.4)
    for iso3, pct, broader in [("GBR", 0.2, 2.2), ("DEU", 0.5, 2.0), ("POL", 1.0, 5.0)]:
        assert got[(iso3, 2023)]["aid_pct_gdp"] == approx(pct), iso3
        assert got[(iso3, 2023)]["broader_burden_pct"] == approx(broader), iso3
    # MNE is not tracked: aid unknown, not zero. ISL is tracked but has no defence figure.
    mne = got[("MNE", 2023)]
    assert mne["aid_tracked"] is False
    assert mne["aid_pct_gdp"] is None and mne["broader_burden_pct"] is None
    assert got[("ISL", 2023)]["aid_pct_gdp"] == approx(1.0)
    assert got[("ISL", 2023)]["broader_burden_pct"] is None
    # Historical membership: FIN (2023-04-04) is listed for 2023, not 2022.
    assert ("FIN", 2022) not in got
    assert got[("FIN", 2023)]["broader_burden_pct"] == approx(4.0)


def test_security_burden_other_rules(security_con):
    military = keyed(run(security_con, "security_burden", aid_type="military"), "iso3", "year")
    # Military only, 2023: USA 10 / 20000 = 0.05 %; GBR 4 / 3000 = 0.1333 %.
    assert military[("USA", 2023)]["aid_pct_gdp"] == approx(0.05)
    assert military[("GBR", 2023)]["aid_pct_gdp"] == approx(100 * 4 / 3000)
    assert military[("USA", 2023)]["aid_type"] == "military"
    average = keyed(run(security_con, "security_burden", aid_rule="period_average"), "iso3", "year")
    # The tracker's 30 months (2022-01 to 2024-06): USA 70 bn x 12 / 30 = 28 bn a year, 0.14 %,
    #   the same in 2022 and 2023; GBR 9 x 12 / 30 = 3.6 bn -> 0.12 %.
    for year in (2022, 2023):
        assert average[("USA", year)]["aid_eur_bn"] == approx(28)
        assert average[("USA", year)]["aid_pct_gdp"] == approx(0.14)
        assert average[("USA", year)]["aid_months_covered"] == 30
    assert average[("GBR", 2023)]["aid_pct_gdp"] == approx(0.12)
    assert average[("USA", 2023)]["broader_burden_pct"] == approx(3.14)


def test_security_burden_test_by_hand(security_con):
    got = keyed(run(security_con, "security_burden_test"), "year")
    r = got[2023]
    assert (r["n_members"], r["n"], r["n_estimates"], r["df"]) == (7, 5, 5, 3)
    assert r["members"] == "DEU,FIN,GBR,POL,USA"
    assert r["members_left_out"] == "ISL,MNE"
    assert r["rho_plain"] == approx(-1 / math.sqrt(95), abs=1e-12)
    assert r["t_plain"] == approx(-1 / math.sqrt(95) * math.sqrt(3 / (1 - 1 / 95)))
    assert r["rho_broader"] == approx(-0.6, abs=1e-12)
    assert r["t_broader"] == approx(-1.299038106, abs=1e-9)
    assert r["mean_defence_pct_gdp"] == approx((3.0 + 1.5 + 2.0 + 4.0 + 2.0) / 5)
    assert r["mean_broader_burden_pct"] == approx((3.1 + 2.0 + 2.2 + 5.0 + 4.0) / 5)
    # 2022: FIN not yet an ally -> USA, GBR, DEU, POL (n = 4); MNE, ISL left out.
    assert (got[2022]["n"], got[2022]["members_left_out"]) == (4, "ISL,MNE")


def _scipy_check(burden: pl.DataFrame, test: pl.DataFrame) -> int:
    """Every year of security_burden_test against scipy.stats.spearmanr on the rows of
    security_burden that make up its sample; returns the number of years checked."""
    checked = 0
    for r in test.to_dicts():
        sample = burden.filter(
            (pl.col("year") == r["year"])
            & pl.col("defence_pct_gdp").is_not_null()
            & pl.col("broader_burden_pct").is_not_null()
            & (pl.col("gdp_constant_usd_m") > 0)
        ).sort("iso3")
        assert ",".join(sample["iso3"]) == r["members"]
        assert sample.height == r["n"]
        gdp = sample["gdp_constant_usd_m"].to_list()
        for column, rho in (
            ("defence_pct_gdp", "rho_plain"),
            ("broader_burden_pct", "rho_broader"),
        ):
            expected = stats.spearmanr(gdp, sample[column].to_list())
            assert r[rho] == approx(expected.statistic, abs=1e-9), (r["year"], rho)
            assert spearman_p(r[rho], r["n"]) == approx(expected.pvalue, abs=1e-9)
        checked += 1
    return checked


def test_security_burden_test_agrees_with_scipy(security_con):
    for params in ({}, {"aid_rule": "period_average"}, {"aid_type": "military"}):
        burden = run(security_con, "security_burden", **params)
        test = run(security_con, "security_burden_test", **params)
        assert _scipy_check(burden, test) == 2


# ---------------------------------------------------------------- every query, every sidecar


@pytest.fixture(scope="module")
def all_con(tmp_path_factory):
    """One warehouse with every test's rows, for the run-with-defaults checks."""
    equipment = [
        _nato(
            iso3,
            2014 + i,
            constant_usd_m=me,
            equipment_share_pct=eq,
            gdp_constant_usd_m=gdp,
            share_gdp_pct=2.0,
            personnel_k=10,
            gdp_per_capita_constant_kusd=40,
            current_usd_m=me,
        )
        for iso3, series in EQUIPMENT.items()
        for i, (me, eq, gdp) in enumerate(series)
    ]
    tables = security_tables() | {
        "nato_defence": equipment + security_tables()["nato_defence"],
        "cow_nmc": [
            _cow(2, "USA", "USA", 1980, 0.13, 140e6, 2000, 250_000),
            _cow(365, "RUS", "SUN", 1980, 0.17, 195e6, 3900, 260_000),
        ],
    }
    con = _connect(tmp_path_factory.mktemp("all"), "a", tables)
    yield con
    con.close()


@pytest.mark.parametrize("name", MINE)
def test_query_runs_with_defaults_and_returns_the_documented_columns(all_con, name):
    frame = run(all_con, name)
    assert frame.height > 0, f"{name} returned nothing on the tiny warehouse"
    assert frame.columns == list(queries.load(name).meta["columns"])


@pytest.mark.parametrize("name", MINE)
def test_sidecar_declares_the_parameters_and_documents_the_columns(name):
    query = queries.load(name)
    for key in ("title", "unit", "description", "parameters", "sources", "columns", "notes"):
        assert query.meta.get(key), f"{name}.yml has no {key!r}"
    assert sorted(query.meta["parameters"]) == sorted(query.params)
    assert query.sql.startswith(f"-- {name}: ")
    for column, text in query.meta["columns"].items():
        assert text, f"{name}.{column} is undocumented"


# ---------------------------------------------------------------- the real warehouse


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


@pytest.mark.raw
def test_real_capability_balance_1980(real_con):
    got = keyed(run(real_con, "capability_balance"), "alliance", "year")
    nato, warsaw = got[("NATO", 1980)], got[("WARSAW", 1980)]
    assert 0 < nato["cinc_sum"] < 1 and 0 < warsaw["cinc_sum"] < 1
    assert nato["cinc_sum"] + warsaw["cinc_sum"] < 1
    assert nato["n_members"] == 15 and warsaw["n_members"] == 7  # Albania left in 1968
    assert "SUN" in warsaw["members"] and "DDR" in warsaw["members"]
    assert nato["members_not_in_cow"] is None and warsaw["members_not_in_cow"] is None
    assert min(y for a, y in got if a == "NATO") == 1949
    assert max(y for a, y in got if a == "NATO") == 2016


@pytest.mark.raw
def test_real_security_burden_test_agrees_with_scipy(real_con):
    for params in ({}, {"aid_rule": "period_average"}, {"aid_type": "military"}):
        burden = run(real_con, "security_burden", **params)
        test = run(real_con, "security_burden_test", **params)
        assert _scipy_check(burden, test) >= 3  # 2022, 2023, 2024
    r = keyed(run(real_con, "security_burden_test"), "year")[2024]
    assert r["members_left_out"] == "ALB,ISL,MKD,MNE"
    assert r["n"] == 28
