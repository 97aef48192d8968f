"""vintages: every figure SIPRI published for one country and year, release by release."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from app.views import vintages
from ledger import queries


@pytest.mark.raw
def test_the_uks_2024_share_first_published_then_revised(real_con):
    frame = queries.run(real_con, "vintages", source="sipri", iso3="GBR", year=2024)
    rows = frame.select("edition", "change", pl.col("share_gdp_pct").round(3)).rows()
    # April 2025 printed 2.279 %, April 2026 2.437 % (the genuine workbooks)
    assert rows == [
        (date(2025, 4, 28), "first published", 2.279),
        (date(2026, 4, 27), "revised", 2.437),
    ]
    assert frame["published"].to_list() == [date(2025, 4, 30), date(2026, 4, 27)]
    assert frame["price_base_year"].to_list() == [2023, 2024]


@pytest.mark.raw
def test_a_year_every_release_prints(real_con):
    frame = queries.run(real_con, "vintages", source="sipri", iso3="GBR", year=2016)
    assert frame.height == 8  # April 2017, 2020 to 2026
    assert frame["change"][0] == "first published"
    assert set(frame["change"][1:]) <= {"revised", "unchanged"}
    # 2025 printed what 2024 printed for 2016: unchanged, with no change in points
    unchanged = frame.filter(pl.col("change") == "unchanged")
    assert unchanged["share_gdp_change_pp"].to_list() == [0.0]


@pytest.mark.raw
def test_no_release_prints_it(real_con):
    assert queries.run(real_con, "vintages", source="sipri", iso3="GBR", year=1900).is_empty()
    assert queries.run(real_con, "vintages", source="nato", iso3="GBR", year=2024).height == 1


def test_the_sentence():
    rows = pl.DataFrame(
        {
            "edition": [date(2025, 4, 28), date(2026, 4, 27)],
            "published": [date(2025, 4, 30), date(2026, 4, 27)],
            "share_gdp_pct": [2.2786, 2.4367],
            "is_estimate": [False, False],
            "change": ["first published", "revised"],
        }
    )
    assert vintages.sentence(rows, "United Kingdom", 2024) == (
        "SIPRI's share of GDP for United Kingdom, 2024: first published as 2.28 % in the April "
        "2025 release (this copy public 30 April 2025), then revised to 2.44 % in April 2026; "
        "1 revision in 2 releases."
    )
    assert vintages.sentence(rows.head(0), "Iceland", 2024) == (
        "No SIPRI release held here prints a figure for Iceland in 2024."
    )
