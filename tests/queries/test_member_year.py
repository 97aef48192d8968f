"""member_year: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from datetime import date

from tests.queries.world_indicators import _spell, tiny_world
from tests.tinydb import tiny_con


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
    with tiny_con(tmp_path / "d.duckdb", world) as c:
        got = c.execute(
            "select iso3, min(year), max(year) from member_year where alliance = 'EU' "
            "and iso3 in ('ISL', 'UKR') group by iso3 order by iso3"
        ).fetchall()
    # departed is the last day as a member (data/memberships.csv): a member on 2010-01-01
    # counts for 2010; one who left on 2009-12-31 does not.
    assert got == [("ISL", 2000, 2009), ("UKR", 2000, 2010)]


def test_is_member_in_reads_member_year(con):
    """is_member_in(grouping, iso3, year), the ally-that-year test of us_share and the data
    check panel_magnitude, is true exactly on member_year's rows."""
    asked = con.execute(
        "select g.code, c.iso3, y.year, is_member_in(g.code, c.iso3, y.year) "
        "from alliance_grouping as g, country as c, range(1900, 2100) as y(year)"
    ).fetchall()
    listed = set(con.execute("select alliance, iso3, year from member_year").fetchall())
    assert {(a, i, y) for a, i, y, member in asked if member} == listed
    assert ("NATO", "FIN", 2023, True) in asked and ("NATO", "FIN", 2022, False) in asked
