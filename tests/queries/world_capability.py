"""Rows, fixtures and helpers shared by the query tests (from tests/test_capability_queries.py).

Capability and commitment beyond the 2 % headline: equipment_investment, personnel,
capability_balance, hague_path, security_burden and security_burden_test.

Each indicator is worked by hand on its own tiny warehouse (tests/tinydb.py: the real DDL and
views, a few rows typed in), with the arithmetic in the comments; numbers are chosen to come out
round, not to look real. The `raw` tests read the real warehouse (tests/conftest.py real_con).
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest
from scipy import stats

from ledger.stats import spearman_p
from tests.queries import reference

# the membership row builders and the runner: the tiny world's, one copy for both worlds
from tests.queries.world_indicators import _alliance, _spell, nato_spells, run  # noqa: F401
from tests.tinydb import tiny_con

EDITION = date(2024, 6, 17)


AS_OF_2024 = date(2024, 1, 1)  # FIN (joined NATO 2023-04-04) is a member


MINE = [
    "equipment_investment",
    "personnel",
    "capability_balance",
    "hague_path",
    "security_burden",
    "security_burden_test",
]


approx = pytest.approx


def _country(iso3: str, name: str, historical: bool = False) -> dict:
    return {
        "iso3": iso3,
        "name": name,
        "is_historical": historical,
        "source": "data/historical_states.csv" if historical else "restcountries",
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
            _alliance("NATO", "1949-04-04", "treaty alliance"),
            _alliance("WARSAW", "1955-05-14", "treaty alliance", "1991-07-01"),
        ],
        "membership": [
            *nato_spells("USA", "GBR", "ISL", "DEU", "POL", "MNE", "FIN"),
            _spell("WARSAW", "SUN", "1955-05-14", "1991-07-01"),
            _spell("WARSAW", "POL", "1955-05-14", "1991-07-01"),
            _spell("WARSAW", "DDR", "1956-01-28", "1990-09-24"),
        ],
    }


def _nato(iso3: str, year: int, **figures) -> dict:
    return {"iso3": iso3, "year": year, "edition": EDITION, "is_estimate": year >= 2017} | {
        k: None if v is None else float(v) for k, v in figures.items()
    }


EDITION_2025 = date(2025, 6, 5)  # a later edition at 2021 prices (NATO's base since 2025)


def nato_2025(iso3: str, year: int, **figures) -> dict:
    """A row of a later NATO edition at another price base (2021), for the price-base tests."""
    return _nato(iso3, year, **figures) | {"edition": EDITION_2025, "price_base_year": 2021}


def two_bases_con(tmp_path, name: str, rows_2024: list[dict], rows_2025: list[dict]):
    """A tiny warehouse holding NATO's 2024 edition (2015 prices) and a 2025 edition (2021)."""
    return _connect(tmp_path, name, {"nato_defence": rows_2024 + rows_2025})


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
    return tiny_con(tmp_path / f"{name}.duckdb", base_world() | extra)


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


EQUIPMENT = {
    "USA": [(1000, 20, 15e6), (1000, 20, 15e6), (1000, 25, 15e6), (1000, 30, 16e6)],
    "POL": [(100, 10, 3e6), (100, 20, 3e6), (200, 20, 3e6), (200, 25, 4e6)],
    "GBR": [(400, 25, 2e6), (400, None, 2e6), (400, 25, 2e6), (400, 25, 2e6)],
    "FIN": [(50, 20, 1e6)] * 4,
    "ISL": [(None, None, 1e5)] * 4,
}


def equipment_rows(**figures) -> list[dict]:
    """NATO's rows of EQUIPMENT, 2014 to 2017, with any further figures given."""
    return [
        _nato(
            iso3,
            2014 + i,
            constant_usd_m=me,
            equipment_share_pct=eq,
            gdp_constant_usd_m=gdp,
            **figures,
        )
        for iso3, series in EQUIPMENT.items()
        for i, (me, eq, gdp) in enumerate(series)
    ]


@pytest.fixture(scope="module")
def equipment_con(tmp_path_factory):
    rows = equipment_rows()
    con = _connect(tmp_path_factory.mktemp("equipment"), "e", {"nato_defence": rows})
    yield con
    con.close()


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


def two_bases_security(tmp_path):
    """security_tables, with USA's and GBR's 2023 rows also in a 2025 edition at 2021 prices."""
    tables = security_tables()
    tables["nato_defence"] += [
        nato_2025("USA", 2023, share_gdp_pct=3.0, gdp_constant_usd_m=25e6),
        nato_2025("GBR", 2023, share_gdp_pct=2.0, gdp_constant_usd_m=4e6),
    ]
    return _connect(tmp_path, "bases", tables)


@pytest.fixture(scope="module")
def security_con(tmp_path_factory):
    con = _connect(tmp_path_factory.mktemp("security"), "s", security_tables())
    yield con
    con.close()


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
            assert r[f"{rho}_p"] == approx(expected.pvalue, abs=1e-9)  # the runner's column
            # 95 % interval: Fisher z with Bonett and Wright's standard error
            expected = reference.spearman_interval(gdp, sample[column].to_list())
            assert (r[f"{rho}_lo"], r[f"{rho}_hi"]) == approx(expected, abs=1e-9)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def all_con(tmp_path_factory):
    """One warehouse with every test's rows, for the run-with-defaults checks."""
    figures = {"share_gdp_pct": 2.0, "personnel_k": 10, "gdp_per_capita_constant_kusd": 40}
    equipment = [
        row | {"current_usd_m": row["constant_usd_m"]}  # at current prices: the same figures
        for row in equipment_rows(**figures)
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
