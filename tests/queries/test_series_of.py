"""series_of: one country's burden from each source, kept apart, NATO's in the edition in use."""

from __future__ import annotations

import polars as pl
import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_sources_kept_apart_and_nato_in_the_edition_in_use(real_con):
    frame = queries.run(real_con, "series_of", iso3="POL")
    assert set(frame["source"]) == {"SIPRI", "NATO", "World Bank"}
    assert frame.filter(pl.col("source") == "World Bank")["current_usd_m"].null_count() == (
        frame.filter(pl.col("source") == "World Bank").height
    )
    nato = frame.filter(pl.col("source") == "NATO").select("year", "share_gdp_pct")
    latest = real_con.sql(
        "select year, share_gdp_pct from nato_at() where iso3 = 'POL' order by year"
    ).pl()
    assert nato.equals(latest)
    assert frame.select("source", "year").is_duplicated().sum() == 0


def test_no_country_no_rows(real_con):
    assert queries.run(real_con, "series_of").is_empty()  # iso3 NULL: nothing, not an error


def test_per_head_comes_from_the_same_row(real_con):
    frame = queries.run(real_con, "series_of", iso3="POL").filter(pl.col("year") == 2024)
    by_source = {r["source"]: r for r in frame.iter_rows(named=True)}
    assert by_source["NATO"]["me_per_capita_current_usd"] == pytest.approx(926.3, abs=0.05)
    # SIPRI's April 2026 release: US$ 890.2 (April 2025 printed 981.6)
    assert by_source["SIPRI"]["me_per_capita_current_usd"] == pytest.approx(890.2, abs=0.05)
    assert by_source["World Bank"]["me_per_capita_current_usd"] is None
