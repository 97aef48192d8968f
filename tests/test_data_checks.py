"""Data tests in queries/checks/: zero rows on a clean warehouse, offending rows on a broken one.

Each broken warehouse is the clean tiny world of tests/queries/world_indicators.py with one
fault put in by hand; the test names the check that must catch it and the row it must return.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.errors import EtlError
from etl import checks
from etl.warehouse import create_views
from tests.queries.world_indicators import _spell, tiny_world
from tests.tinydb import make_db, tiny_con

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "queries" / "checks"
CHECK_NAMES = sorted(p.stem for p in CHECKS.glob("*.sql"))


def run_check(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.execute((CHECKS / f"{name}.sql").read_text(encoding="utf-8")).fetchall()


def broken(tmp_path: Path, world: dict) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(make_db(tmp_path / "broken.duckdb", world)))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    with tiny_con(tmp_path_factory.mktemp("clean") / "clean.duckdb", tiny_world()) as con:
        yield con


def test_there_are_checks():
    assert {
        "keys_unique",
        "membership_dates",
        "member_year_within_grouping",
        "membership_known_country",
        "shares_in_range",
        "country_geography",
        "panel_magnitude",
    } <= set(CHECK_NAMES)


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_check_passes_on_the_clean_tiny_warehouse(clean, name):
    assert run_check(clean, name) == []


def test_build_check_runner_passes_on_the_clean_tiny_warehouse(clean):
    checks.check_sql(clean)  # raises EtlError on the first failing data test


def test_duplicate_key_is_caught(tmp_path):
    con = broken(tmp_path, tiny_world())
    # A warehouse loaded without the primary key (as the data test must not rely on the DDL):
    # rebuild membership without its key and load one spell twice.
    con.execute("create table membership_loose as select * from membership")
    con.execute("drop table membership")
    con.execute("alter table membership_loose rename to membership")
    con.execute(
        "insert into membership select * from membership where alliance = 'NATO' and iso3 = 'USA'"
    )
    create_views(con)
    got = run_check(con, "keys_unique")
    assert ("membership", "NATO|USA|1949-08-24", 2) in got
    # The duplicate spell doubles every US member-year, which the view check names too.
    assert ("member_year", "NATO|USA|2023", 2) in got
    with pytest.raises(EtlError, match="keys_unique.sql"):
        checks.check_sql(con)


def test_overlapping_spells_are_caught(tmp_path):
    world = tiny_world()
    world["membership"].append(_spell("JEF", "GBR", "2016-01-01"))  # GBR already in since 2014
    con = broken(tmp_path, world)
    dates = run_check(con, "membership_dates")
    assert ("JEF", "GBR", date(2016, 1, 1), None, "overlaps another spell") in dates
    assert ("member_year", "JEF|GBR|2016", 2) in run_check(con, "keys_unique")


def test_share_of_250_percent_is_caught(tmp_path):
    world = tiny_world()
    row = next(r for r in world["nato_defence"] if (r["iso3"], r["year"]) == ("POL", 2023))
    row["share_gdp_pct"] = 250.0
    row["equipment_share_pct"] = -1.0
    con = broken(tmp_path, world)
    got = run_check(con, "shares_in_range")
    assert ("nato", "POL", 2023, "share_gdp_pct", 250.0) in got
    assert ("nato", "POL", 2023, "equipment_share_pct", -1.0) in got
    # Kuwait 1991 (110 %, SIPRI) is on the documented allow-list and is not reported.
    assert not [r for r in got if r[1] == "KWT"]
    assert len(got) == 2


def test_membership_ending_before_it_starts_is_caught(tmp_path):
    world = tiny_world()
    world["membership"].append(_spell("B9", "DEU", "2020-05-01", "2019-05-01"))
    con = broken(tmp_path, world)
    assert run_check(con, "membership_dates") == [
        ("B9", "DEU", date(2020, 5, 1), date(2019, 5, 1), "departed on or before joined")
    ]


def test_dates_outside_the_groupings_life_are_caught(tmp_path):
    world = tiny_world()
    world["membership"] += [
        _spell("B9", "DEU", "2010-01-01"),  # B9 founded 2015-11-04
        _spell("WARSAW", "UKR", "1960-01-01"),  # open after the Pact dissolved in 1991
        _spell("NORDEFCO", "GBR", "2010-01-01", "2100-01-01"),  # departure in the far future
    ]
    world["membership"][-1]["date_precision"] = "month"
    con = broken(tmp_path, world)
    problems = {(r[0], r[1], r[4]) for r in run_check(con, "membership_dates")}
    assert problems == {
        ("B9", "DEU", "joined before the grouping was founded"),
        ("WARSAW", "UKR", "still open after the grouping dissolved"),
        ("NORDEFCO", "GBR", "unknown date_precision"),
    }
    years = run_check(con, "member_year_within_grouping")
    # B9 member-years 2010-2014 precede the founding year 2015; UKR's Warsaw Pact years run
    # from 1992 to this year, after the 1991 dissolution.
    assert ("B9", "DEU", 2010, "year before the grouping was founded") in years
    assert ("B9", "DEU", 2015, "year before the grouping was founded") not in years
    assert ("WARSAW", "UKR", 1992, "year after the grouping dissolved") in years
    assert ("WARSAW", "UKR", 1991, "year after the grouping dissolved") not in years


def test_joined_in_the_future_is_caught(tmp_path):
    world = tiny_world()
    world["membership"].append(_spell("NATO", "UKR", f"{date.today().year + 2}-01-01"))
    con = broken(tmp_path, world)
    assert [r[4] for r in run_check(con, "membership_dates")] == ["joined in the future"]


def test_unknown_member_country_is_caught(tmp_path):
    world = tiny_world()
    world["membership"].append(_spell("EU", "XYZ", "2004-05-01"))
    con = broken(tmp_path, world)
    assert run_check(con, "membership_known_country") == [("EU", "XYZ")]


def test_country_geography_is_checked(tmp_path):
    world = tiny_world()
    deu = next(c for c in world["country"] if c["iso3"] == "DEU")
    deu["borders_russia_or_belarus"] = True  # Germany's neighbours hold neither
    isl = next(c for c in world["country"] if c["iso3"] == "ISL")
    isl["capital_lon"] = -200.0
    con = broken(tmp_path, world)
    got = {(r[0], r[4]) for r in run_check(con, "country_geography")}
    assert got == {
        ("DEU", "borders_russia_or_belarus disagrees with borders"),
        ("ISL", "capital coordinates off the globe"),
    }


def test_unit_slip_in_world_bank_gdp_is_caught(tmp_path):
    world = tiny_world()
    for r in world["wb_macro"]:
        if r["iso3"] == "GBR":
            r["gdp_current_usd"] /= 1e6  # loaded as US$ m instead of US$
    row = next(r for r in world["nato_defence"] if (r["iso3"], r["year"]) == ("DEU", 2023))
    row["gdp_per_capita_constant_kusd"] = 0.04  # dollars, not thousand dollars
    con = broken(tmp_path, world)
    got = {(r[0], r[1], r[2], r[3]) for r in run_check(con, "panel_magnitude")}
    # SIPRI's GDP is its own now; the World Bank's is the yardstick it is held against.
    assert got == {
        ("sipri", "GBR", 2022, "SIPRI-implied GDP far from the World Bank"),
        ("sipri", "GBR", 2023, "SIPRI-implied GDP far from the World Bank"),
        ("nato", "DEU", 2023, "NATO-derived population far from the World Bank"),
    }


def test_unit_slips_in_sipri_share_and_per_capita_are_caught(tmp_path):
    world = tiny_world()
    pol = next(r for r in world["sipri_milex"] if (r["iso3"], r["year"]) == ("POL", 2023))
    pol["share_gdp_pct"] /= 100  # a fraction, not percent: the implied GDP 100 times too large
    usa = next(r for r in world["sipri_milex"] if (r["iso3"], r["year"]) == ("USA", 2022))
    usa["per_capita_current_usd"] *= 1000  # thousand US$ read as US$
    con = broken(tmp_path, world)
    got = {(r[0], r[1], r[2], r[3]) for r in run_check(con, "panel_magnitude")}
    assert got == {
        ("sipri", "POL", 2023, "SIPRI-implied GDP far from the World Bank"),
        ("sipri", "USA", 2022, "SIPRI-implied population far from the World Bank"),
    }


def test_sql_allow_list_matches_data_allowlist_csv():
    """shares_in_range.sql repeats the share rows of data/allowlist.csv; they must agree."""
    table_source = {"sipri_milex": "sipri", "nato_defence": "nato"}
    with (ROOT / "data" / "allowlist.csv").open(encoding="utf-8", newline="") as f:
        csv_rows = {
            (table_source[r["table"]], r["iso3"], int(r["year"]))
            for r in csv.DictReader(f)
            if r["table"] in table_source
            and r["column"] in ("share_gdp_pct", "equipment_share_pct")
        }
    sql = (CHECKS / "shares_in_range.sql").read_text(encoding="utf-8")
    values = sql[sql.index("from (values") : sql.index(") as allowed")]
    sql_rows = {(s, i, int(y)) for s, i, y in re.findall(r"\('(\w+)', '(\w+)', (\d+)\)", values)}
    assert sql_rows == csv_rows


@pytest.mark.raw
def test_every_check_passes_on_the_real_data(raw_dir, tmp_path_factory):
    from etl.build import build

    db = tmp_path_factory.mktemp("real_checks") / "alliance.duckdb"
    build(raw_dir=raw_dir, db=db)  # runs every data test; a failing one aborts the build
    with duckdb.connect(str(db), read_only=True) as con:
        for name in CHECK_NAMES:
            assert run_check(con, name) == [], name
