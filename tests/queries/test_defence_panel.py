"""defence_panel: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from datetime import date

import pytest

from tests.queries.world_indicators import approx, tiny_world
from tests.tinydb import tiny_con


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
    with tiny_con(tmp_path / "e.duckdb", world) as c:
        got = c.execute(
            "select count(*), max(me_current_usd_m) from defence_panel "
            "where source = 'nato' and iso3 = 'USA' and year = 2023"
        ).fetchone()
    assert got == (1, 600)


# --- as of a date: the editions published by then (defence_panel_at, nato_at, sipri_at) ---------

N1, N2 = date(2024, 6, 17), date(2025, 6, 5)  # NATO editions; N2's file public only on N2_OUT
N2_OUT = date(2025, 8, 1)
S1, S2 = date(2024, 4, 22), date(2025, 4, 28)  # SIPRI releases, public on their release day


def _edition(source, edition, published, first, last, base):
    return {
        "source": source,
        "edition": edition,
        "published": published,
        "definition": "defence expenditure" if source == "nato" else "military expenditure",
        "price_base_year": base,
        "file": f"{source}/{edition.isoformat()}.xlsx",
        "first_year": first,
        "last_year": last,
    }


def _nato(iso3, year, edition, me, base):
    return {
        "iso3": iso3,
        "year": year,
        "edition": edition,
        "price_base_year": base,
        "is_estimate": False,
        "current_usd_m": me,
        "gdp_current_usd_m": 1000.0,
        "share_gdp_pct": me / 10,
    }


def _sipri(iso3, year, edition, me, share, per_capita, base):
    return {
        "iso3": iso3,
        "year": year,
        "edition": edition,
        "price_base_year": base,
        "current_usd_m": me,
        "constant_usd_m": me,
        "share_gdp_pct": share,
        "per_capita_current_usd": per_capita,
        "is_estimate": False,
        "is_uncertain": False,
    }


@pytest.fixture(scope="module")
def editions_con(tmp_path_factory):
    """Two NATO editions (the second's file public weeks after its date, and without Iceland
    2023) and two SIPRI releases (the second without 2020), each listed with its dates."""
    world = {
        "edition": [
            _edition("nato", N1, N1, 2023, 2024, 2015),
            _edition("nato", N2, N2_OUT, 2024, 2025, 2021),
            _edition("sipri", S1, S1, 2020, 2023, 2022),
            _edition("sipri", S2, S2, 2021, 2024, 2023),
        ],
        "nato_defence": [
            _nato("USA", 2023, N1, 10.0, 2015),
            _nato("USA", 2024, N1, 11.0, 2015),
            _nato("ISL", 2023, N1, 1.0, 2015),
            _nato("USA", 2024, N2, 12.0, 2021),
            _nato("USA", 2025, N2, 13.0, 2021),
        ],
        "nato_aggregate": [
            {
                "aggregate": "NATO Total",
                "year": 2024,
                "edition": e,
                "is_estimate": True,
                "current_usd_m": me,
                "price_base_year": base,
            }
            for e, me, base in ((N1, 100.0, 2015), (N2, 120.0, 2021))
        ],  # fmt: skip
        "sipri_milex": [
            _sipri("POL", 2020, S1, 10.0, 2.0, 0.25, 2022),  # GDP 500, 40 million people
            _sipri("POL", 2023, S1, 20.0, 4.0, 0.5, 2022),
            _sipri("POL", 2023, S2, 30.0, 3.0, 0.75, 2023),  # GDP 1000, 40 million people
            _sipri("ISL", 2023, S2, 0.0, 0.0, 0.0, 2023),  # no armed forces: nothing implied
            _sipri("LIE", 2023, S2, None, None, None, 2023),  # '...' everywhere
        ],
        "wb_macro": [
            {"iso3": "POL", "year": 2023, "gdp_current_usd": 9e12, "population": 9e9},
        ],
    }
    with tiny_con(tmp_path_factory.mktemp("editions") / "editions.duckdb", world) as con:
        yield con


def _panel(con, as_of):
    return con.execute(
        "select source, iso3, year, edition, me_current_usd_m from defence_panel_at(?) "
        "order by source, iso3, year",
        [as_of],
    ).fetchall()


def test_a_date_before_every_edition_holds_nothing(editions_con):
    assert _panel(editions_con, date(2024, 4, 21)) == []


def test_sipri_rows_come_from_the_newest_release_public_by_then_and_no_other(editions_con):
    assert _panel(editions_con, date(2024, 6, 1)) == [
        ("sipri", "POL", 2020, S1, 10.0),
        ("sipri", "POL", 2023, S1, 20.0),
    ]
    # From S2 on, the whole of S2: POL 2020, which S2 no longer prints, is not brought back.
    got = _panel(editions_con, S2)
    assert [r for r in got if r[0] == "sipri"] == [
        ("sipri", "ISL", 2023, S2, 0.0),
        ("sipri", "LIE", 2023, S2, None),
        ("sipri", "POL", 2023, S2, 30.0),
    ]


def test_nato_rows_follow_the_day_the_file_was_public_not_its_date(editions_con):
    # N2 is dated 2025-06-05 but its file was public on 2025-08-01: in July only N1 counts.
    assert [r for r in _panel(editions_con, date(2025, 7, 1)) if r[0] == "nato"] == [
        ("nato", "ISL", 2023, N1, 1.0),
        ("nato", "USA", 2023, N1, 10.0),
        ("nato", "USA", 2024, N1, 11.0),
    ]
    # From N2_OUT: N2 per country-year; a country-year N2 does not print stays N1's.
    assert [r for r in _panel(editions_con, N2_OUT) if r[0] == "nato"] == [
        ("nato", "ISL", 2023, N1, 1.0),
        ("nato", "USA", 2023, N1, 10.0),
        ("nato", "USA", 2024, N2, 12.0),
        ("nato", "USA", 2025, N2, 13.0),
    ]
    totals = "select edition from nato_aggregate_at(?) where year = 2024"
    assert editions_con.execute(totals, [date(2025, 7, 1)]).fetchall() == [(N1,)]
    assert editions_con.execute(totals, [N2_OUT]).fetchall() == [(N2,)]


def test_the_view_is_the_macro_as_of_null_the_newest(editions_con):
    view = editions_con.execute("select * from defence_panel order by all").fetchall()
    newest = editions_con.execute("select * from defence_panel_at(null) order by all").fetchall()
    assert (
        view
        == newest
        == editions_con.execute(
            "select * from defence_panel_at(?) order by all", [date(2099, 1, 1)]
        ).fetchall()
    )
    assert len(view) == 7


def test_sipri_rows_take_gdp_and_population_from_sipri_alone(editions_con):
    got = {
        (r[0], r[1]): r[2:]
        for r in editions_con.execute(
            "select iso3, edition, gdp_current_usd_m, population, me_gdp_pct, gdp_source, "
            "population_source from defence_panel_at(?) where source = 'sipri'",
            [date(2030, 1, 1)],
        ).fetchall()
    }
    # POL 2023 in S2: 30 US$ m / 3 % x 100 = 1000 US$ m of GDP; 30 US$ m / 0.75 US$ a head =
    # 40 million people (the World Bank's 9e12 and 9e9 are never read).
    gdp, people, computed, gdp_source, people_source = got[("POL", S2)]
    assert gdp == approx(1000) and people == approx(40e6) and computed == approx(3.0)
    assert gdp_source.startswith("SIPRI") and people_source.startswith("SIPRI")
    # Iceland (0 US$, a 0 share and per-capita figure) and a country SIPRI prints nothing for:
    # no GDP, no population, no computed share.
    assert got[("ISL", S2)][:3] == (None, None, None)
    assert got[("LIE", S2)][:3] == (None, None, None)


def test_cross_source_shares_as_of_a_date(editions_con):
    sql = "select iso3, year, sipri_pct, nato_pct from cross_source_share_gdp_at(?) order by all"
    # Iceland 2023 is in two sources only once SIPRI's S2 (0 %) sits beside NATO's N1 (0.1 %).
    assert editions_con.execute(sql, [date(2024, 6, 20)]).fetchall() == []
    assert editions_con.execute(sql, [date(2025, 7, 1)]).fetchall() == [("ISL", 2023, 0.0, 0.1)]
    view = "select iso3, year, sipri_pct, nato_pct from cross_source_share_gdp order by all"
    assert editions_con.execute(view).fetchall() == [("ISL", 2023, 0.0, 0.1)]


@pytest.mark.raw
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # SIPRI's earliest release held (April 2017) was public on 2017-09-20 (this copy), NATO's
        # only edition on 2024-06-17: nothing yet.
        (date(2016, 6, 1), {}),
        # The April 2017 release alone (data to 2016); no NATO edition yet.
        (date(2018, 6, 1), {"sipri": ([date(2017, 4, 24)], 2016)}),
        # The April 2025 release (data to 2024; public 2025-04-30), not April 2026's; NATO 2024.
        (
            date(2025, 6, 2),
            {"sipri": ([date(2025, 4, 28)], 2024), "nato": ([date(2024, 6, 17)], 2024)},
        ),
    ],
)
def test_real_panel_as_of_a_date(real_con, as_of, expected):
    got = {
        source: (editions, last)
        for source, editions, last in real_con.execute(
            "select source, list(distinct edition order by edition), max(year) "
            "from defence_panel_at(?) group by source",
            [as_of],
        ).fetchall()
    }
    assert got == expected


@pytest.mark.raw
def test_real_sipri_rows_are_self_contained(real_con):
    # Poland 2024, April 2026 release: GDP = 35,000-odd US$ m / 3.755 % (SIPRI's own share);
    # the computed share is SIPRI's, and the population is its per-capita figure's.
    row = real_con.execute(
        "select me_current_usd_m, share_gdp_pct, me_gdp_pct, gdp_current_usd_m, population, "
        "me_per_capita_current_usd from defence_panel where source = 'sipri' and iso3 = 'POL' "
        "and year = 2024"
    ).fetchall()[0]
    me, share, computed, gdp, people, per_head = row
    assert computed == approx(share, rel=1e-12)
    assert gdp == approx(me / share * 100) and 800_000 < gdp < 1_000_000
    assert people == approx(me * 1e6 / per_head) and 36e6 < people < 39e6
    sources = real_con.execute(
        "select distinct gdp_source, population_source from defence_panel where source = 'sipri'"
    ).fetchall()
    assert all(g.startswith("SIPRI") and p.startswith("SIPRI") for g, p in sources)
    # Iceland: 0 US$ and a zero share: no GDP, no population, never a division by zero.
    iceland = real_con.execute(
        "select count(*), count(gdp_current_usd_m), count(population) from defence_panel "
        "where source = 'sipri' and iso3 = 'ISL' and year >= 2019"
    ).fetchall()[0]
    assert iceland == (7, 0, 0)
