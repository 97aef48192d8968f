"""accession_burden: SIPRI's share of GDP for the European states outside NATO at the end of the
Cold War, from the release in use on a date, with the accessions by then (claim C3), on the
real data."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def _run(con, day: date) -> pl.DataFrame:
    return queries.run(con, "accession_burden", as_of=day)


def test_one_release_as_of_the_date(real_con):
    assert _run(real_con, date(2025, 6, 2))["edition"].unique().to_list() == [date(2025, 4, 28)]
    assert _run(real_con, date(2026, 11, 30))["edition"].unique().to_list() == [date(2026, 4, 27)]
    assert _run(real_con, date(2017, 6, 1)).is_empty()  # first release held: 2017-09-20


def test_states_and_accessions(real_con):
    frame = _run(real_con, date(2023, 12, 31))
    states = set(frame["iso3"])
    assert {"AUT", "CHE", "IRL", "MLT", "FIN", "SWE", "POL", "MKD"} <= states
    assert not states & {"GBR", "DEU", "NOR", "ESP", "TUR", "USA"}  # in NATO before 1992
    joined = dict(frame.select("iso3", "nato_joined").unique().iter_rows())
    assert joined["POL"] == date(1999, 3, 12) and joined["FIN"] == date(2023, 4, 4)
    assert joined["SWE"] is None and joined["AUT"] is None  # Sweden joined on 2024-03-07
    assert frame["burden_pct"].null_count() == 0
    assert frame.columns == queries.load("accession_burden").columns()


def test_figures_are_the_releases_own(real_con):
    day = date(2025, 6, 2)
    frame = _run(real_con, day).filter((pl.col("iso3") == "POL") & (pl.col("year") == 1996))
    expected = real_con.execute(
        "select share_gdp_pct from sipri_at(as_of := ?) where iso3 = 'POL' and year = 1996",
        [day],
    ).fetchall()[0][0]  # fetchall: a result left unfinished blocks the shared connection
    assert frame["burden_pct"][0] == expected
