"""Indicator queries (queries/*.sql) on a tiny hand-made warehouse, expected values by hand.

The tiny world (see `tiny_world`): six NATO allies (USA, GBR, DEU, POL, FIN from 2023-04-04,
ISL with GDP but no defence expenditure, like the real Iceland), Ukraine outside NATO, the
minilaterals JEF, B9, NORDEFCO, WEIMAR and UK-PL-UA, the Warsaw Pact (POL, DDR), the EU (GBR
until 2020). NATO figures for 2014, 2022 and 2023; SIPRI for 2022 and 2023 with World Bank
GDP and population. Numbers are chosen so the arithmetic in the comments comes out round.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from scipy import stats

from etl import queries
from etl.errors import EtlError
from tests.tinydb import make_db

ROOT = Path(__file__).resolve().parent.parent
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
# World Bank rows: (iso3, year, GDP current US$ m, population in millions). Populations
# stay within 0.8-1.25 of NATO's derived ones (queries/checks/panel_magnitude.sql).
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
            _spell("NATO", "USA", "1949-08-24"),
            _spell("NATO", "GBR", "1949-08-24"),
            _spell("NATO", "ISL", "1949-08-24"),
            _spell("NATO", "DEU", "1955-05-06"),
            _spell("NATO", "POL", "1999-03-12"),
            _spell("NATO", "FIN", "2023-04-04"),
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
    path = make_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb", tiny_world())
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


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


# ---------------------------------------------------------------- files and sidecars


def _sql_files():
    return (
        sorted(QUERIES.glob("*.sql"))
        + sorted((QUERIES / "views").glob("*.sql"))
        + sorted((QUERIES / "checks").glob("*.sql"))
    )


@pytest.mark.parametrize("path", _sql_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sql_file_has_header_and_no_formatting_markers(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-- "), f"{path.name}: starts with a header comment"
    code = re.sub(r"--[^\n]*", "", text)
    for marker in ("{", "}", "%s", "%(", "?"):
        assert marker not in code, f"{path.name}: string-formatting marker {marker!r}"


@pytest.mark.parametrize("name", queries.names())
def test_sidecar_declares_exactly_the_sql_parameters(name):
    query = queries.load(name)
    assert (QUERIES / f"{name}.yml").is_file(), f"{name}.yml is missing"
    for key in ("title", "unit", "description", "parameters", "sources", "columns"):
        assert key in query.meta, f"{name}.yml has no {key!r}"
    declared = query.meta["parameters"] or {}
    assert sorted(declared) == sorted(query.params)
    for param, spec in declared.items():
        kind = spec["type"]
        assert kind in ("integer", "number", "date", "string") or re.fullmatch(
            r"enum:[\w-]+(\|[\w-]+)*", kind
        ), f"{name}: ${param} has unknown type {kind!r}"
        assert spec.get("description"), f"{name}: ${param} has no description"


def test_views_are_create_or_replace_view():
    for path in sorted((QUERIES / "views").glob("*.sql")):
        code = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8")).strip()
        assert code.startswith(("create or replace view ", "create or replace macro ")), path.name


@pytest.mark.parametrize("name", MINE)
def test_query_runs_with_defaults_and_returns_the_documented_columns(con, name):
    frame = run(con, name)
    assert frame.height > 0, f"{name} returned nothing on the tiny warehouse"
    assert frame.columns == list(queries.load(name).meta["columns"])


def test_unknown_enum_value_is_refused(con):
    with pytest.raises(EtlError, match="must be one of"):
        run(con, "burden", alliance="SEATO")
    with pytest.raises(EtlError, match="must be one of"):
        run(con, "burden", source="imf")


# ---------------------------------------------------------------- views


def test_member_year_historical_rule(con):
    years = dict(
        con.execute(
            "select alliance || ' ' || iso3, list(year order by year) from member_year "
            "where iso3 in ('FIN', 'POL', 'DDR', 'GBR') group by all"
        ).fetchall()
    )
    # FIN joined NATO on 2023-04-04: a member on some day of 2023, so 2023 counts.
    assert years["NATO FIN"][0] == 2023
    assert years["NATO FIN"][-1] == date.today().year  # open spells run to this year
    # Warsaw Pact: POL 1955-05-14 to 1991-07-01 -> 1955..1991; DDR 1956-01-28 to 1990-09-24.
    assert years["WARSAW POL"] == list(range(1955, 1992))
    assert years["WARSAW DDR"] == list(range(1956, 1991))
    # GBR left the EU with departed 2020-02-01: a member on some day of 2020 -> ends 2020.
    assert years["EU GBR"][-1] == 2020
    # Derived grouping: NATO without the United States.
    derived = con.execute(
        "select list(iso3 order by iso3) from member_year "
        "where alliance = 'NATO_EUROPE_CANADA' and year = 2023"
    ).fetchone()[0]
    assert derived == ["DEU", "FIN", "GBR", "ISL", "POL"]


def test_member_year_departure_is_the_last_day_as_a_member(tmp_path):
    world = tiny_world()
    world["membership"].append(_spell("EU", "ISL", "2000-06-01", "2009-12-31"))
    world["membership"].append(_spell("EU", "UKR", "2000-06-01", "2010-01-01"))
    path = make_db(tmp_path / "d.duckdb", world)
    with duckdb.connect(str(path), read_only=True) as c:
        got = c.execute(
            "select iso3, min(year), max(year) from member_year where alliance = 'EU' "
            "and iso3 in ('ISL', 'UKR') group by iso3 order by iso3"
        ).fetchall()
    # departed is the last day as a member (data/memberships.csv): a member on 2010-01-01
    # counts for 2010; one who left on 2009-12-31 does not.
    assert got == [("ISL", 2000, 2009), ("UKR", 2000, 2010)]


def test_defence_panel_keeps_sources_apart(con):
    got = {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            "select source, iso3, share_gdp_pct, me_gdp_pct, gdp_current_usd_m, population, "
            "gdp_source, me_constant_usd_m, price_base_year "
            "from defence_panel where year = 2023 and iso3 in ('USA', 'POL')"
        ).fetchall()
    }
    # NATO USA 2023: published 3.1 % (real GDP); computed 600 / 20000 = 3.0 %;
    # population = GDP at 2015 prices / GDP per capita = 15,000,000 / 50 x 1000 = 300 m.
    share, computed, gdp, population, gdp_source, constant, base = got[("nato", "USA")]
    assert (share, gdp, constant, base) == (3.1, 20000, 480, 2015)
    assert computed == approx(3.0)
    assert population == approx(300e6)
    assert gdp_source.startswith("NATO")
    # SIPRI POL 2023: SIPRI's 3.8 %; World Bank GDP 1000e6 US$ -> 1000 US$ m;
    # computed 40 / 1000 = 4.0 %; World Bank population 120 million.
    share, computed, gdp, population, gdp_source, constant, base = got[("sipri", "POL")]
    assert (share, gdp, population, constant, base) == (3.8, 1000, 120e6, 40, 2023)
    assert computed == approx(4.0)
    assert gdp_source.startswith("World Bank")


def test_defence_panel_takes_the_latest_nato_edition(tmp_path):
    world = tiny_world()
    world["nato_defence"].append(
        {
            "iso3": "USA",
            "year": 2023,
            "edition": date(2023, 7, 7),  # an older edition with another figure
            "is_estimate": True,
            "current_usd_m": 999.0,
            "share_gdp_pct": 9.9,
        }
    )
    path = make_db(tmp_path / "e.duckdb", world)
    with duckdb.connect(str(path), read_only=True) as c:
        got = c.execute(
            "select count(*), max(me_current_usd_m) from defence_panel "
            "where source = 'nato' and iso3 = 'USA' and year = 2023"
        ).fetchone()
    assert got == (1, 600)


# ---------------------------------------------------------------- burden


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
    hist = rows(con, "burden", key="iso3", year_from=2022, year_to=2022)
    curr = rows(
        con,
        "burden",
        key="iso3",
        year_from=2022,
        year_to=2022,
        membership="current",
        as_of=AS_OF_2024,
    )
    # 2022: FIN was not yet in NATO (historical) but is a member on 2024-01-01 (current).
    assert "FIN" not in hist and "FIN" in curr
    assert curr["FIN"]["burden_pct"] == 2.0
    # As of 2020-01-01 FIN is out again.
    assert "FIN" not in rows(
        con,
        "burden",
        key="iso3",
        year_from=2022,
        year_to=2022,
        membership="current",
        as_of=date(2020, 1, 1),
    )


def test_burden_sipri_uses_world_bank_gdp(con):
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
    # SIPRI's own 33.5 %; computed with World Bank GDP: 40 / 200 = 20 %.
    assert r["burden_pct"] == 33.5
    assert r["burden_computed_pct"] == approx(20.0)
    assert r["gdp_source"] == "World Bank NY.GDP.MKTP.CD"
    assert r["is_uncertain"] is True
    assert got[(2023, "UKR")]["burden_pct"] is None


# ---------------------------------------------------------------- burden_sharing


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


def test_burden_sharing_sipri_with_world_bank_population(con):
    got = rows(con, "burden_sharing", key="iso3", year=2023, source="sipri")
    # SIPRI ME 2023: USA 800, GBR 60, DEU 70, POL 40, FIN 30 = 1000.
    # World Bank GDP (US$ m): 26000 + 3000 + 9000 + 1000 + 1000 = 40000.
    # World Bank population (m): 330 + 90 + 210 + 120 + 50 = 800
    # -> n = 41.25, 11.25, 26.25, 15, 6.25 % (not NATO's 40, 13.33, ...: sources kept apart).
    assert got["USA"]["burden_share_pct"] == approx(80)
    assert got["USA"]["gdp_share_pct"] == approx(65)
    assert got["USA"]["burden_to_benefit_ratio"] == approx(80 / 65)
    assert got["DEU"]["gdp_share_pct"] == approx(22.5)
    assert [got[i]["population_share_pct"] for i in ("USA", "GBR", "DEU", "POL", "FIN")] == [
        approx(41.25),
        approx(11.25),
        approx(26.25),
        approx(15),
        approx(6.25),
    ]
    # FS(DEU) = 1000 x 22.5 % = 225; gap = 70 - 225 = -155.
    assert got["DEU"]["gap_usd_m"] == approx(-155)
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


# ---------------------------------------------------------------- guidelines


def test_guideline_counts_nato(con):
    got = rows(con, "guideline_counts", key="year")
    # 2014 (historical): USA GBR ISL DEU POL = 5 allies; ISL has no figure.
    # Shares: USA 3.7, GBR 2.1, DEU 1.2, POL 1.9 -> 2 at or above 2 %; 1 at or above 3.5 %.
    r = got[2014]
    assert (r["n_allies"], r["n_allies_with_data"]) == (5, 4)
    assert (r["n_at_or_above_2pct"], r["n_below_2pct"], r["n_at_or_above_3_5pct"]) == (2, 2, 1)
    assert (r["allies_below_2pct"], r["allies_without_data"]) == ("DEU, POL", "ISL")
    assert r["n_allies_with_equipment_data"] == 0  # no TABLE8a figures for 2014 here
    # 2023: + FIN = 6 allies, 5 with data: USA 3.1, GBR 2.0, DEU 1.6, POL 3.9, FIN 2.0
    # -> at or above 2 %: USA GBR POL FIN = 4 (2.0 counts); at or above 3.5 %: POL = 1.
    # Equipment: USA 30, GBR 25, DEU 18, POL 45, FIN 19 -> >= 20 %: 3; below: DEU FIN.
    # Both 2 % and 20 %: USA GBR POL = 3.
    r = got[2023]
    assert (r["n_allies"], r["n_allies_with_data"]) == (6, 5)
    assert (r["n_at_or_above_2pct"], r["n_at_or_above_3_5pct"]) == (4, 1)
    assert (r["n_allies_with_equipment_data"], r["n_at_or_above_20pct_equipment"]) == (5, 3)
    assert (r["n_below_20pct_equipment"], r["n_meeting_2pct_and_20pct"]) == (2, 3)
    assert (r["allies_below_2pct"], r["allies_below_20pct_equipment"]) == ("DEU", "DEU, FIN")
    assert r["any_estimate"] is True and got[2022]["any_estimate"] is False


def test_guideline_counts_current_membership_and_sipri(con):
    curr = rows(con, "guideline_counts", key="year", membership="current", as_of=AS_OF_2024)
    # 2022 with the members of 2024-01-01: USA 2.5, GBR 2.0, DEU 1.0, POL 2.0, FIN 2.0 -> 4.
    assert (curr[2022]["n_allies"], curr[2022]["n_at_or_above_2pct"]) == (6, 4)
    hist = rows(con, "guideline_counts", key="year")
    assert (hist[2022]["n_allies"], hist[2022]["n_at_or_above_2pct"]) == (5, 3)
    sipri = rows(con, "guideline_counts", key="year", source="sipri")
    # SIPRI 2023: USA 3.4, GBR 2.3, DEU 1.5, POL 3.8, FIN 2.4 -> 4 at/above 2 %, POL >= 3.5.
    r = sipri[2023]
    assert (r["n_allies_with_data"], r["n_at_or_above_2pct"], r["n_at_or_above_3_5pct"]) == (
        5,
        4,
        1,
    )
    # No equipment share on SIPRI's figures: the equipment counts are NULL, not 0.
    assert r["n_at_or_above_20pct_equipment"] is None
    assert r["n_allies_with_equipment_data"] is None


def test_guideline_shortfall_2023(con):
    got = rows(con, "guideline_shortfall", key="iso3", year=2023)
    # Shortfall to L = max(0, L - share) / 100 x GDP (US$ m):
    # DEU 1.6 %, GDP 10000: to 2 % 0.4 % x 10000 = 40; to 3.5 % 1.9 % x 10000 = 190.
    # USA 3.1 %, GDP 20000: to 2 % 0; to 3.5 % 0.4 % x 20000 = 80.
    # GBR 2.0 %, GDP 5000: to 2 % 0; to 3.5 % 1.5 % x 5000 = 75. POL 3.9 %: 0 and 0.
    # FIN 2.0 %, GDP 2500: to 3.5 % 1.5 % x 2500 = 37.5.
    expected = {"DEU": (40, 190), "USA": (0, 80), "GBR": (0, 75), "POL": (0, 0), "FIN": (0, 37.5)}
    for iso3, (to2, to35) in expected.items():
        assert got[iso3]["shortfall_2pct_usd_m"] == approx(to2), iso3
        assert got[iso3]["shortfall_3_5pct_usd_m"] == approx(to35), iso3
    assert (got["DEU"]["meets_2pct"], got["GBR"]["meets_2pct"], got["POL"]["meets_3_5pct"]) == (
        False,
        True,
        True,
    )
    assert (got["DEU"]["meets_20pct_equipment"], got["USA"]["meets_20pct_equipment"]) == (
        False,
        True,
    )
    assert got["ISL"]["shortfall_2pct_usd_m"] is None and got["ISL"]["meets_2pct"] is None
    # Shortfall is positive exactly when the line is missed.
    for r in run(con, "guideline_shortfall").to_dicts():
        if r["burden_pct"] is not None:
            assert (r["shortfall_2pct_usd_m"] > 0) == (not r["meets_2pct"])


def test_guideline_shortfall_sipri_has_no_equipment(con):
    got = rows(con, "guideline_shortfall", key="iso3", year=2023, source="sipri")
    # SIPRI DEU 1.5 %, World Bank GDP 9000: to 2 % = 0.5 % x 9000 = 45.
    assert got["DEU"]["shortfall_2pct_usd_m"] == approx(45)
    assert got["DEU"]["equipment_share_pct"] is None and got["DEU"]["meets_20pct_equipment"] is None


# ---------------------------------------------------------------- us_share


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
    # SIPRI 2023: 800 / 1000 = 80 %; WB GDP 26000 / 40000 = 65 %.
    r = got[("sipri", 2023)]
    assert (r["us_share_me_pct"], r["us_share_gdp_pct"]) == (approx(80), approx(65))
    assert r["nato_printed_total_me_current_usd_m"] is None
    # SIPRI 2022: allies USA GBR DEU POL (not FIN, not UKR): ME 700 / 850; GDP 25000 / 32800.
    r = got[("sipri", 2022)]
    assert r["us_share_me_pct"] == approx(100 * 700 / 850)
    assert r["us_share_gdp_pct"] == approx(100 * 25000 / 32800)
    assert r["n_allies_with_data"] == 4


# ---------------------------------------------------------------- group_totals


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


# ---------------------------------------------------------------- threat proximity


def _haversine(lat1, lon1, lat2, lon2, radius=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


def test_threat_proximity_distances(con):
    got = rows(con, "threat_proximity", key="iso3", year=2023)
    # European allies in 2023: every NATO member but USA and CAN.
    assert sorted(got) == ["DEU", "FIN", "GBR", "ISL", "POL"]
    # FIN sits 10 degrees due north of Moscow: 6371.0088 x 10 x pi / 180 = 1111.9508 km.
    assert got["FIN"]["distance_to_moscow_km"] == approx(1111.9508, abs=1e-3)
    for iso3, (lat, lon) in {
        "GBR": (51.5, -0.08),
        "POL": (52.25, 21.0),
        "DEU": (52.52, 13.4),
    }.items():
        assert got[iso3]["distance_to_moscow_km"] == approx(_haversine(lat, lon, 55.75, 37.62))
    # Warsaw-Moscow is about 1,150 km; London-Moscow about 2,500 km.
    assert 1100 < got["POL"]["distance_to_moscow_km"] < 1200
    assert 2450 < got["GBR"]["distance_to_moscow_km"] < 2550
    assert (got["POL"]["borders_russia_or_belarus"], got["DEU"]["borders_russia_or_belarus"]) == (
        True,
        False,
    )
    assert got["ISL"]["burden_pct"] is None and got["POL"]["burden_pct"] == 3.9


def test_threat_proximity_test_spearman(con):
    got = rows(con, "threat_proximity_test", key="year")
    # 2023: complete allies GBR DEU POL FIN (ISL has no burden), n = 4.
    # Distance ranks: FIN 1 (1112 km), POL 2 (~1150), DEU 3 (~1610), GBR 4 (~2500).
    # Burden: DEU 1.6 -> 1; GBR 2.0 and FIN 2.0 tie for ranks 2 and 3 -> 2.5 each; POL 3.9 -> 4.
    # Deviations from the mean rank 2.5: d = (FIN -1.5, POL -0.5, DEU 0.5, GBR 1.5),
    # b = (0, 1.5, -1.5, 0); sum(d b) = -1.5, sum(d^2) = 5, sum(b^2) = 4.5
    # rho = -1.5 / sqrt(22.5) = -sqrt(0.1) = -0.316228.
    r = got[2023]
    assert r["n"] == 4
    assert r["rho"] == approx(-math.sqrt(0.1))
    assert r["rho"] == approx(
        stats.spearmanr([1111.95, 1150, 1610, 2500], [2.0, 3.9, 1.6, 2.0]).statistic
    )
    # Median European burden 2023: 1.6, 2.0, 2.0, 3.9 -> 2.0.
    assert (r["n_allies_with_burden"], r["median_burden_pct"]) == (4, approx(2.0))
    # 2022: GBR 2.0, DEU 1.0, POL 2.0 (FIN not an ally yet). Distance ranks POL 1, DEU 2,
    # GBR 3; burden ranks DEU 1, GBR and POL 2.5; d = (-1, 0, 1), b = (0.5, -1, 0.5):
    # sum(d b) = -0.5 + 0 + 0.5 = 0 -> rho = 0.
    assert (got[2022]["n"], got[2022]["rho"]) == (3, approx(0))


def test_threat_proximity_test_current_membership(con):
    got = rows(con, "threat_proximity_test", key="year", membership="current", as_of=AS_OF_2024)
    # 2022 with FIN: burdens FIN 2.0, POL 2.0, GBR 2.0, DEU 1.0 -> ranks DEU 1, others 3.
    # Distance ranks FIN 1, POL 2, DEU 3, GBR 4. d = (-1.5, -0.5, 0.5, 1.5),
    # b = (0.5, 0.5, -1.5, 0.5): sum(d b) = -0.75 - 0.25 - 0.75 + 0.75 = -1;
    # sum(d^2) = 5, sum(b^2) = 3 -> rho = -1 / sqrt(15) = -0.258199.
    assert got[2022]["n"] == 4
    assert got[2022]["rho"] == approx(-1 / math.sqrt(15))
    # 2014 with FIN: FIN 1.5, POL 1.9, DEU 1.2, GBR 2.1 -> burden ranks 2, 3, 1, 4;
    # distance ranks 1, 2, 3, 4 -> d = (-1.5, -0.5, 0.5, 1.5), b = (-0.5, 0.5, -1.5, 1.5):
    # sum(d b) = 0.75 - 0.25 - 0.75 + 2.25 = 2; rho = 2 / 5 = 0.4.
    assert got[2014]["rho"] == approx(0.4)


def test_threat_proximity_test_sipri(con):
    got = rows(con, "threat_proximity_test", key="year", source="sipri")
    # SIPRI 2023: FIN 2.4, POL 3.8, DEU 1.5, GBR 2.3 against distance ranks 1..4:
    # burden ranks 3, 4, 1, 2 -> d = (-1.5, -0.5, 0.5, 1.5), b = (0.5, 1.5, -1.5, -0.5):
    # sum(d b) = -0.75 - 0.75 - 0.75 - 0.75 = -3; rho = -3 / 5 = -0.6.
    assert (got[2023]["n"], got[2023]["rho"]) == (4, approx(-0.6))


# ---------------------------------------------------------------- overlap


AS_OF_2025 = date(2025, 1, 1)


def test_overlap_matrix(con):
    got = rows(con, "overlap_matrix", key="iso3", as_of=AS_OF_2025)
    # On 2025-01-01: DDR is gone (Warsaw Pact dissolved), so 7 countries are in a grouping.
    assert sorted(got) == ["DEU", "FIN", "GBR", "ISL", "POL", "UKR", "USA"]
    assert sum(r["nato"] for r in got.values()) == 6
    pol = got["POL"]
    # POL: NATO, EU, B9, WEIMAR, UK-PL-UA -> 5 groupings, 3 of them minilateral.
    assert (pol["nato"], pol["eu"], pol["b9"], pol["weimar"], pol["uk_pl_ua"]) == (True,) * 5
    assert (pol["jef"], pol["nordefco"], pol["warsaw"]) == (False,) * 3
    assert (pol["n_groupings"], pol["n_minilaterals"]) == (5, 3)
    # GBR left the EU (departed 2020-02-01): NATO, JEF, UK-PL-UA.
    assert (got["GBR"]["eu"], got["GBR"]["n_groupings"]) == (False, 3)
    assert (got["UKR"]["nato"], got["UKR"]["uk_pl_ua"]) == (False, True)
    # On 1990-01-01 the Warsaw Pact still held POL and DDR.
    old = rows(con, "overlap_matrix", key="iso3", as_of=date(1990, 1, 1))
    assert old["DDR"]["warsaw"] is True and old["POL"]["warsaw"] is True
    assert sum(r["nato"] for r in old.values()) == 4  # USA GBR ISL DEU


def test_overlap_pairs(con):
    got = rows(con, "overlap_pairs", key=("alliance_a", "alliance_b"), as_of=AS_OF_2025)
    # Groupings with members on 2025-01-01: B9 EU JEF NATO NORDEFCO UK-PL-UA WEIMAR -> 7 x 6 / 2.
    assert len(got) == 21
    # JEF {FIN, GBR} vs NATO {DEU FIN GBR ISL POL USA}: both 2, union 6, Jaccard 2/6.
    r = got[("JEF", "NATO")]
    assert (r["n_a"], r["n_b"], r["n_both"], r["n_union"]) == (2, 6, 2, 6)
    assert r["jaccard"] == approx(1 / 3)
    assert (r["share_of_a_in_b_pct"], r["share_of_b_in_a_pct"]) == (approx(100), approx(100 / 3))
    assert r["members_both"] == "FIN, GBR"
    # NATO vs UK-PL-UA {GBR POL UKR}: both GBR POL = 2; union 6 + 3 - 2 = 7; Jaccard 2/7;
    # 2 of UK-PL-UA's 3 are allies -> 66.67 %.
    r = got[("NATO", "UK-PL-UA")]
    assert (r["n_both"], r["n_union"], r["jaccard"]) == (2, 7, approx(2 / 7))
    assert r["share_of_b_in_a_pct"] == approx(200 / 3)
    # B9 {POL} and JEF share nobody.
    r = got[("B9", "JEF")]
    assert (r["n_both"], r["n_union"], r["jaccard"], r["members_both"]) == (0, 3, 0, "")
    # EU {DEU FIN POL} vs WEIMAR {DEU POL}: 2 in common, union 3.
    assert got[("EU", "WEIMAR")]["jaccard"] == approx(2 / 3)


def test_overlap_multi_members(con):
    got = run(con, "overlap_multi_members", as_of=AS_OF_2025).to_dicts()
    # POL 5; FIN 4 (NATO EU JEF NORDEFCO); DEU 3 (NATO EU WEIMAR); GBR 3; ISL 2; ordered by
    # count then code. UKR (1) and USA (1) are left out.
    assert [(r["iso3"], r["n_groupings"]) for r in got] == [
        ("POL", 5),
        ("FIN", 4),
        ("DEU", 3),
        ("GBR", 3),
        ("ISL", 2),
    ]
    assert got[1]["groupings"] == "EU, JEF, NATO, NORDEFCO"
    assert got[1]["n_minilaterals"] == 2 and got[1]["in_nato"] is True
    # On 2019-01-01 Finland was in three groupings but not in NATO.
    fin = rows(con, "overlap_multi_members", key="iso3", as_of=date(2019, 1, 1))["FIN"]
    assert (fin["n_groupings"], fin["in_nato"], fin["groupings"]) == (3, False, "EU, JEF, NORDEFCO")


def test_overlap_non_nato_members(con):
    got = rows(con, "overlap_non_nato_members", key=("alliance", "iso3"), as_of=AS_OF_2025)
    # JEF FIN, NORDEFCO FIN (before NATO 2023-04-04), UK-PL-UA UKR (still outside), and
    # WEIMAR POL (1991-08-29 until NATO 1999-03-12). ISL (NORDEFCO) was always an ally.
    assert sorted(got) == [
        ("JEF", "FIN"),
        ("NORDEFCO", "FIN"),
        ("UK-PL-UA", "UKR"),
        ("WEIMAR", "POL"),
    ]
    r = got[("JEF", "FIN")]
    assert (r["outside_nato_from"], r["outside_nato_to"], r["nato_joined"]) == (
        date(2017, 6, 30),
        date(2023, 4, 4),
        date(2023, 4, 4),
    )
    # 2017-06-30 -> 2023-06-30 is 6 x 365 + 1 (29 Feb 2020) = 2191 days; less 2023-04-04 ->
    # 2023-06-30 = 26 + 31 + 30 = 87 days -> 2104.
    assert (r["is_current"], r["days_outside_nato"]) == (False, 2104)
    r = got[("UK-PL-UA", "UKR")]
    assert (r["outside_nato_to"], r["nato_joined"], r["is_current"]) == (None, None, True)
    # 2022-02-17 -> 2024-02-17 = 730 days; -> 2024-03-01 = 12 + 1 (29 Feb) = 13; March to
    # December 2024 = 306; + 1 to 2025-01-01 -> 730 + 12 + 306 + 1 = 1049.
    assert r["days_outside_nato"] == 1049
    r = got[("WEIMAR", "POL")]
    assert (r["outside_nato_from"], r["outside_nato_to"]) == (date(1991, 8, 29), date(1999, 3, 12))
    # As of 2020-01-01 Finland's NATO accession has not happened yet: still outside, running;
    # UK-PL-UA does not exist yet.
    early = rows(con, "overlap_non_nato_members", key=("alliance", "iso3"), as_of=date(2020, 1, 1))
    assert sorted(early) == [("JEF", "FIN"), ("NORDEFCO", "FIN"), ("WEIMAR", "POL")]
    assert early[("JEF", "FIN")]["is_current"] is True
    assert early[("JEF", "FIN")]["outside_nato_to"] is None


def test_overlap_non_nato_members_leaving_the_grouping_before_nato(tmp_path):
    world = tiny_world()
    # UKR leaves UK-PL-UA on 2023-01-01, then (hypothetically) joins NATO on 2024-06-01.
    spell = next(
        s for s in world["membership"] if (s["alliance"], s["iso3"]) == ("UK-PL-UA", "UKR")
    )
    spell["departed"] = date(2023, 1, 1)
    world["membership"].append(_spell("NATO", "UKR", "2024-06-01"))
    path = make_db(tmp_path / "u.duckdb", world)
    with duckdb.connect(str(path), read_only=True) as c:
        got = rows(c, "overlap_non_nato_members", key=("alliance", "iso3"), as_of=AS_OF_2025)
    r = got[("UK-PL-UA", "UKR")]
    # The period ends when UKR left the grouping, not by a NATO accession; outside_nato_to is
    # the first day no longer outside (half-open), the day after its last day as a member.
    assert (r["outside_nato_to"], r["nato_joined"], r["is_current"]) == (
        date(2023, 1, 2),
        None,
        False,
    )


def test_overlap_minilateral_nato_share(con):
    got = rows(con, "overlap_minilateral_nato_share", key=("alliance", "year"))
    # JEF 2017: GBR (ally) and FIN (not) -> 1 of 2 = 50 %; 2023: FIN an ally -> 100 %.
    assert (got[("JEF", 2017)]["pct_nato_members"], got[("JEF", 2017)]["non_nato_members"]) == (
        approx(50),
        "FIN",
    )
    assert (got[("JEF", 2023)]["pct_nato_members"], got[("JEF", 2023)]["non_nato_members"]) == (
        approx(100),
        "",
    )
    # UK-PL-UA 2022: GBR POL allies, UKR not -> 2 of 3.
    r = got[("UK-PL-UA", 2022)]
    assert (r["n_members"], r["n_nato_members"], r["non_nato_members"]) == (3, 2, "UKR")
    # WEIMAR 1991: DEU ally, POL not (NATO 1999) -> 50 %; 1999: 100 %.
    assert got[("WEIMAR", 1991)]["non_nato_members"] == "POL"
    assert got[("WEIMAR", 1999)]["pct_nato_members"] == approx(100)
    assert {a for a, _ in got} == {"JEF", "B9", "NORDEFCO", "WEIMAR", "UK-PL-UA"}


# ---------------------------------------------------------------- membership_timeline


def test_membership_timeline(con):
    got = rows(con, "membership_timeline", key="year")
    # NATO: USA GBR ISL from 1949; DEU 1955; POL 1999; FIN 2023.
    assert min(got) == 1949 and max(got) == date.today().year
    assert [got[y]["n_nato_members"] for y in (1949, 1955, 1999, 2023)] == [3, 4, 5, 6]
    # 1990: no minilateral yet. 1991: WEIMAR (DEU ally, POL not).
    assert (got[1990]["n_nato_in_minilateral"], got[1990]["n_minilateral_members"]) == (0, 0)
    r = got[1991]
    assert (r["n_nato_in_minilateral"], r["n_minilateral_members"]) == (1, 2)
    assert r["minilateral_outside_nato"] == "POL"
    # 2009: NORDEFCO (FIN, ISL) -> allies in a minilateral: DEU POL ISL = 3; FIN outside.
    assert (got[2009]["n_nato_in_minilateral"], got[2009]["minilateral_outside_nato"]) == (3, "FIN")
    # 2014: JEF (GBR) -> 4. 2022: UK-PL-UA -> still 4 allies; outside FIN and UKR.
    assert got[2014]["n_nato_in_minilateral"] == 4
    assert (got[2022]["n_nato_in_minilateral"], got[2022]["minilateral_outside_nato"]) == (
        4,
        "FIN, UKR",
    )
    # 2023: FIN joins NATO -> 5 of 6 allies (all but USA) = 83.33 %; outside only UKR.
    r = got[2023]
    assert (r["n_nato_members"], r["n_nato_in_minilateral"]) == (6, 5)
    assert r["pct_nato_in_minilateral"] == approx(500 / 6)
    assert (r["n_minilateral_members"], r["n_minilateral_outside_nato"]) == (6, 1)


# ---------------------------------------------------------------- integration on the real data


@pytest.fixture(scope="session")
def real_db(raw_dir, tmp_path_factory):
    """The real warehouse, built once from ../shared/data/raw (etl.build.build)."""
    from etl.build import build

    db = tmp_path_factory.mktemp("real") / "alliance.duckdb"
    build(raw_dir=raw_dir, db=db)
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


@pytest.mark.raw
def test_real_allies_at_or_above_2pct_in_2014(real_db):
    got = rows(real_db, "guideline_counts", key="year")
    # claims.md: 3 allies at or above 2 % in 2014 on NATO's figures (USA, GBR, GRC).
    assert got[2014]["n_at_or_above_2pct"] == 3
    assert got[2014]["n_allies"] == 28


@pytest.mark.raw
def test_real_us_share_of_nato_spending_2024(real_db):
    got = rows(real_db, "us_share", key=("source", "year"))
    assert 60 < got[("nato", 2024)]["us_share_me_pct"] < 70
    # The sum over allies equals NATO's own printed total.
    r = got[("nato", 2024)]
    assert r["nato_me_current_usd_m"] == approx(r["nato_printed_total_me_current_usd_m"], rel=1e-6)
    assert 55 < got[("sipri", 2024)]["us_share_me_pct"] < 75


@pytest.mark.raw
def test_real_nato_has_32_members_today(real_db):
    got = run(real_db, "overlap_matrix")
    assert got["nato"].sum() == 32
    assert (
        rows(real_db, "membership_timeline", key="year")[date.today().year]["n_nato_members"] == 32
    )


@pytest.mark.raw
def test_real_sanity_figures(real_db):
    sipri = rows(real_db, "burden", key="iso3", source="sipri", year_from=2024, year_to=2024)
    # claims.md: SIPRI 2024 share of GDP UK 2.279 %, Poland 4.154 %, US 3.419 %, Germany 1.892 %.
    for iso3, share in {"GBR": 2.279, "POL": 4.154, "USA": 3.419, "DEU": 1.892}.items():
        assert sipri[iso3]["burden_pct"] == approx(share, abs=5e-4), iso3
    nato = rows(real_db, "burden", key=("iso3", "year"))
    # NATO June 2024 tables: United States 2014 3.71 %; Poland 2024e 4.12 %.
    assert nato[("USA", 2014)]["burden_pct"] == approx(3.71, abs=5e-3)
    assert nato[("POL", 2024)]["burden_pct"] == approx(4.12, abs=5e-3)
    assert nato[("POL", 2024)]["is_estimate"] is True


@pytest.mark.raw
def test_real_membership_facts(real_db):
    non_nato = rows(real_db, "overlap_non_nato_members", key=("alliance", "iso3"))
    assert non_nato[("UK-PL-UA", "UKR")]["is_current"] is True
    assert non_nato[("JEF", "FIN")]["nato_joined"] == date(2023, 4, 4)
    assert non_nato[("JEF", "SWE")]["nato_joined"] == date(2024, 3, 7)
    share = rows(real_db, "overlap_minilateral_nato_share", key=("alliance", "year"))
    assert share[("JEF", 2022)]["non_nato_members"] == "FIN, SWE"
    assert share[("B9", date.today().year)]["pct_nato_members"] == approx(100)


def _real_runs():
    """Every query with its defaults, and again with each of source=sipri and
    membership=current where the query takes that parameter."""
    for name in MINE:
        yield pytest.param(name, {}, id=f"{name}-defaults")
        for param, value in (("source", "sipri"), ("membership", "current")):
            if param in queries.load(name).params:
                yield pytest.param(name, {param: value}, id=f"{name}-{value}")


@pytest.mark.raw
@pytest.mark.parametrize(("name", "params"), list(_real_runs()))
def test_real_every_query_runs(real_db, name, params):
    frame = run(real_db, name, **params)
    assert frame.height > 0
    assert frame.columns == list(queries.load(name).meta["columns"])
