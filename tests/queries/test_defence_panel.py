"""defence_panel: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.queries.world_indicators import approx, tiny_world
from tests.tinydb import make_db


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
    # SIPRI POL 2023: SIPRI's 3.8 %; GDP the one it implies, 40 / 3.8 x 100 = 1052.6 US$ m
    # (the World Bank's 1000 is not read), so the computed share is SIPRI's 3.8 again;
    # population 40 US$ m / SIPRI's per-capita 1/3 US$ = 120 million.
    share, computed, gdp, population, gdp_source, constant, base = got[("sipri", "POL")]
    assert (share, constant, base) == (3.8, 40, 2023)
    assert gdp == approx(40 / 3.8 * 100)
    assert computed == approx(3.8)
    assert population == approx(120e6)
    assert gdp_source.startswith("SIPRI")


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
