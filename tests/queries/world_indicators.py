"""Rows, fixtures and helpers shared by the query tests (from tests/test_indicator_queries.py).

Indicator queries (queries/*.sql) on a tiny hand-made warehouse, expected values by hand.

The tiny world (see `tiny_world`): six NATO allies (USA, GBR, DEU, POL, FIN from 2023-04-04,
ISL with GDP but no defence expenditure, like the real Iceland), Ukraine outside NATO, the
minilaterals JEF, B9, NORDEFCO, WEIMAR and UK-PL-UA, the Warsaw Pact (POL, DDR), the EU (GBR
until 2020). NATO figures for 2014, 2022 and 2023; SIPRI for 2022 and 2023, whose GDP is the one
its share implies (ME / share x 100: sipri_gdp) and whose per-capita figures imply the World
Bank's population. Numbers are chosen so the arithmetic in the comments comes out round.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ledger import queries
from tests.tinydb import tiny_con

ROOT = Path(__file__).resolve().parents[2]


QUERIES = ROOT / "queries"


MINE = [
    "burden",
    "burden_sharing",
    "guideline_counts",
    "guideline_shortfall",
    "us_share",
    "group_totals",
    "threat_proximity",
    "threat_proximity_test",
    "overlap_matrix",
    "overlap_pairs",
    "overlap_multi_members",
    "overlap_non_nato_members",
    "overlap_minilateral_nato_share",
    "membership_timeline",
]


AS_OF_2024 = date(2024, 1, 1)  # FIN (2023-04-04) in NATO, Sweden-like late joiners not


URL = "https://example.org/source"


def _country(iso3, name, lat, lon, borders, region="Europe", historical=False):
    return {
        "iso3": iso3,
        "name": name,
        "capital_lat": lat,
        "capital_lon": lon,
        "capital": name + " capital",
        "region": region,
        "borders": borders,
        "borders_russia_or_belarus": None
        if borders is None
        else bool({"RUS", "BLR"} & set(borders)),
        "is_historical": historical,
        "source": "data/historical_states.csv" if historical else "restcountries",
    }


def _spell(alliance, iso3, joined, departed=None, precision="day"):
    return {
        "alliance": alliance,
        "iso3": iso3,
        "joined": date.fromisoformat(joined),
        "departed": date.fromisoformat(departed) if departed else None,
        "date_precision": precision,
        "source_url": URL,
    }


# The day each ally of the tiny worlds joined NATO (the real day), in the order they joined: one
# copy for this world and world_capability's, each taking the allies it holds.
NATO_JOINED = {
    "USA": "1949-08-24",
    "GBR": "1949-08-24",
    "ISL": "1949-08-24",
    "DEU": "1955-05-06",
    "POL": "1999-03-12",
    "MNE": "2017-06-05",
    "FIN": "2023-04-04",
}


def nato_spells(*allies: str) -> list[dict]:
    """The NATO membership rows of these allies, in the order they joined."""
    return [_spell("NATO", iso3, day) for iso3, day in NATO_JOINED.items() if iso3 in allies]


def _alliance(code, founded, kind="minilateral", dissolved=None):
    return {
        "code": code,
        "name": code,
        "kind": kind,
        "founded": date.fromisoformat(founded),
        "dissolved": date.fromisoformat(dissolved) if dissolved else None,
        "source_url": URL,
    }


# NATO rows: (iso3, year, ME current US$ m, GDP current US$ m, NATO share of real GDP %,
#             ME constant 2015 US$ m, equipment %, GDP constant 2015 US$ m, GDP/capita k$)
# GDP at 2015 prices only feeds the derived population (GDP / GDP per capita x 1000); it is
# sized for realistic populations and is not meant to agree with the current-price GDP.
NATO_ROWS = [
    ("USA", 2014, 650, 17500, 3.7, 400, None, 15000000, 50),
    ("GBR", 2014, 60, 3000, 2.1, 80, None, 4000000, 40),
    ("DEU", 2014, 45, 3750, 1.2, 80, None, 8000000, 40),
    ("POL", 2014, 10, 500, 1.9, 40, None, 2000000, 20),
    ("FIN", 2014, 3, 200, 1.5, 40, None, 2000000, 40),
    ("USA", 2022, 500, 20000, 2.5, 420, 28, 15000000, 50),
    ("GBR", 2022, 100, 5000, 2.0, 90, 22, 4000000, 40),
    ("DEU", 2022, 100, 10000, 1.0, 90, 15, 8000000, 40),
    ("POL", 2022, 100, 5000, 2.0, 60, 30, 2000000, 20),
    ("FIN", 2022, 40, 2000, 2.0, 40, 20, 2000000, 40),
    ("USA", 2023, 600, 20000, 3.1, 480, 30, 15000000, 50),
    ("GBR", 2023, 100, 5000, 2.0, 100, 25, 4000000, 40),
    ("DEU", 2023, 150, 10000, 1.6, 100, 18, 8000000, 40),
    ("POL", 2023, 100, 2500, 3.9, 70, 45, 2000000, 20),
    ("FIN", 2023, 50, 2500, 2.0, 50, 19, 2000000, 40),
    ("ISL", 2023, None, 1000, None, None, None, 200000, 50),
]


# SIPRI rows: (iso3, year, ME current US$ m, ME constant 2023 US$ m, SIPRI share of GDP %)
SIPRI_ROWS = [
    ("USA", 2022, 700, 720, 3.3),
    ("GBR", 2022, 60, 62, 2.2),
    ("DEU", 2022, 60, 63, 1.4),
    ("POL", 2022, 30, 33, 2.4),
    ("FIN", 2022, 25, 27, 1.7),
    ("UKR", 2022, 40, 45, 33.5),
    ("USA", 2023, 800, 800, 3.4),
    ("GBR", 2023, 60, 60, 2.3),
    ("DEU", 2023, 70, 70, 1.5),
    ("POL", 2023, 40, 40, 3.8),
    ("FIN", 2023, 30, 30, 2.4),
    ("KWT", 1991, None, None, 110.0),  # allow-listed outlier (data/allowlist.csv)
]


def sipri_gdp(iso3: str, year: int) -> float:
    """The GDP (US$ m) a tiny SIPRI row implies: ME / share x 100, as defence_panel derives it."""
    me, share = next((r[2], r[4]) for r in SIPRI_ROWS if r[:2] == (iso3, year))
    return me / share * 100


# World Bank rows: (iso3, year, GDP current US$ m, population in millions). Populations
# stay within 0.8-1.25 of NATO's derived ones (queries/checks/panel_magnitude.sql), and the
# SIPRI rows' per-capita figures are ME / these populations, so SIPRI implies the same people.
# SIPRI's implied GDP stays within 0.5-2 of these GDPs for the allies of the year.
WB_ROWS = [
    ("USA", 2022, 25000, 330),
    ("GBR", 2022, 3000, 90),
    ("DEU", 2022, 4000, 210),
    ("POL", 2022, 800, 120),
    ("FIN", 2022, 500, 50),
    ("UKR", 2022, 200, 38),
    ("USA", 2023, 26000, 330),
    ("GBR", 2023, 3000, 90),
    ("DEU", 2023, 9000, 210),
    ("POL", 2023, 1000, 120),
    ("FIN", 2023, 1000, 50),
]


def per_capita(iso3: str, year: int, me: float | None) -> float | None:
    """SIPRI's per-capita figure (US$) of a tiny row: ME over the World Bank's population."""
    people = next((r[3] for r in WB_ROWS if r[:2] == (iso3, year)), None)
    return None if me is None or people is None else me / people


def tiny_world() -> dict[str, list[dict]]:
    """The rows of the tiny warehouse (clean: every data test in queries/checks passes)."""
    edition = date(2024, 6, 17)
    return {
        "country": [
            _country("USA", "United States", 38.89, -77.05, ["CAN", "MEX"], "Americas"),
            _country("GBR", "United Kingdom", 51.5, -0.08, ["IRL"]),
            _country("DEU", "Germany", 52.52, 13.40, ["POL", "FRA", "AUT"]),
            _country("POL", "Poland", 52.25, 21.0, ["RUS", "BLR", "UKR", "DEU"]),
            # Finland's "capital" sits due north of Moscow, 10 degrees of latitude away, so its
            # distance is a hand sum: 6371.0088 km x 10 x pi / 180 = 1111.9508 km.
            _country("FIN", "Finland", 65.75, 37.62, ["RUS", "NOR", "SWE"]),
            _country("ISL", "Iceland", 64.15, -21.95, []),
            _country("UKR", "Ukraine", 50.45, 30.52, ["RUS", "BLR", "POL"]),
            _country("RUS", "Russia", 55.75, 37.62, ["BLR", "FIN", "POL", "UKR"]),
            _country("DDR", "German Democratic Republic", 52.52, 13.40, None, historical=True),
        ],
        "alliance": [
            _alliance("NATO", "1949-04-04", "treaty alliance"),
            _alliance("JEF", "2014-09-04"),
            _alliance("B9", "2015-11-04"),
            _alliance("UK-PL-UA", "2022-02-17"),
            _alliance("NORDEFCO", "2009-11-04"),
            _alliance("WEIMAR", "1991-08-29"),
            _alliance("WARSAW", "1955-05-14", "treaty alliance", "1991-07-01"),
            _alliance("EU", "1958-01-01", "union"),
        ],
        "membership": [
            *nato_spells("USA", "GBR", "ISL", "DEU", "POL", "FIN"),
            _spell("JEF", "GBR", "2014-09-04"),
            _spell("JEF", "FIN", "2017-06-30", precision="year"),
            _spell("B9", "POL", "2015-11-04"),
            _spell("UK-PL-UA", "GBR", "2022-02-17"),
            _spell("UK-PL-UA", "POL", "2022-02-17"),
            _spell("UK-PL-UA", "UKR", "2022-02-17"),
            _spell("NORDEFCO", "FIN", "2009-11-04"),
            _spell("NORDEFCO", "ISL", "2009-11-04"),
            _spell("WEIMAR", "DEU", "1991-08-29"),
            _spell("WEIMAR", "POL", "1991-08-29"),
            _spell("WARSAW", "POL", "1955-05-14", "1991-07-01"),
            _spell("WARSAW", "DDR", "1956-01-28", "1990-09-24"),
            _spell("EU", "DEU", "1958-01-01"),
            _spell("EU", "GBR", "1973-01-01", "2020-02-01"),
            _spell("EU", "FIN", "1995-01-01"),
            _spell("EU", "POL", "2004-05-01"),
        ],
        "nato_defence": [
            {
                "iso3": iso3,
                "year": year,
                "edition": edition,
                "is_estimate": year == 2023,
                "current_usd_m": me,
                "gdp_current_usd_m": gdp,
                "share_gdp_pct": share,
                "constant_usd_m": const,
                "equipment_share_pct": equip,
                "gdp_constant_usd_m": gdp_const,
                "gdp_per_capita_constant_kusd": gdp_pc,
            }
            for iso3, year, me, gdp, share, const, equip, gdp_const, gdp_pc in NATO_ROWS
        ],
        "nato_aggregate": [
            {
                "aggregate": "NATO Total",
                "year": 2023,
                "edition": edition,
                "is_estimate": True,
                "current_usd_m": 1000.0,
            }
        ],
        "sipri_milex": [
            {
                "iso3": iso3,
                "year": year,
                "current_usd_m": me,
                "constant_usd_m": const,
                "share_gdp_pct": share,
                "per_capita_current_usd": per_capita(iso3, year, me),
                "is_estimate": False,
                "is_uncertain": iso3 == "UKR",
            }
            for iso3, year, me, const, share in SIPRI_ROWS
        ],
        "wb_macro": [
            {"iso3": iso3, "year": year, "gdp_current_usd": gdp * 1e6, "population": pop * 1e6}
            for iso3, year, gdp, pop in WB_ROWS
        ],
    }


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    with tiny_con(tmp_path_factory.mktemp("tiny") / "tiny.duckdb", tiny_world()) as connection:
        yield connection


def run(con, name, **params) -> pl.DataFrame:
    """Through the project's runner: sidecar defaults, typed overrides, bound parameters."""
    return queries.run(con, name, **params)


def rows(con, name, key=None, **params):
    """Run a query; return its rows as dicts (keyed by `key` when given)."""
    out = run(con, name, **params).to_dicts()
    if key is None:
        return out
    keyed = {}
    for r in out:
        k = tuple(r[c] for c in key) if isinstance(key, tuple) else r[key]
        assert k not in keyed, f"{name}: duplicate {k}"
        keyed[k] = r
    return keyed


approx = pytest.approx


def _sql_files():
    return (
        sorted(QUERIES.glob("*.sql"))
        + sorted((QUERIES / "views").glob("*.sql"))
        + sorted((QUERIES / "checks").glob("*.sql"))
    )


def _haversine(lat1, lon1, lat2, lon2, radius=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


AS_OF_2025 = date(2025, 1, 1)


def _real_runs():
    """Every query with its defaults, and again with each of source=sipri and
    membership=current where the query takes that parameter."""
    for name in MINE:
        yield pytest.param(name, {}, id=f"{name}-defaults")
        for param, value in (("source", "sipri"), ("membership", "current")):
            if param in queries.load(name).params:
                yield pytest.param(name, {param: value}, id=f"{name}-{value}")
