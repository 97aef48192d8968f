"""Source ages and the staleness warning."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from etl.warehouse import create_schema
from ledger.freshness import ages, published_on
from ledger.queries import runner


@pytest.mark.parametrize(
    ("edition", "expected"),
    [
        ("2024-06-17", date(2024, 6, 17)),
        ("2025 release (data 1949-2024)", date(2025, 4, 1)),
        ("Release 29 (04/2026), 2026-08-04", date(2026, 8, 4)),
        ("NMC 6.0 (version 2021)", None),
    ],
)
def test_published_on(edition, expected):
    assert published_on(edition) == expected


def _con(rows):
    con = duckdb.connect()
    create_schema(con)
    con.executemany(
        "insert into source_file values (?, 'p', ?, 'u', 'l', 'sha', 1, 1, now())", rows
    )
    return runner(con)


def test_yearly_publishers_turn_stale_after_a_year_and_a_month():
    con = _con(
        [
            ("nato/t.xlsx", "2024-06-17"),
            ("cow/n.csv", "NMC 6.0 (version 2021)"),
            ("kiel/d.csv", "Release 29 (04/2026), 2026-08-04"),
        ]
    )
    fresh = {a.source: a for a in ages(con, today=date(2025, 7, 1))}
    assert not fresh["nato"].stale and fresh["nato"].age_days == 379
    stale = {a.source: a for a in ages(con, today=date(2026, 11, 25))}
    assert stale["nato"].stale and "months old" in stale["nato"].note
    assert not stale["cow"].stale and stale["cow"].age_days is None  # no schedule, no warning
    assert not stale["kiel"].stale  # 113 days: within its period


def test_the_newest_edition_of_a_folder_counts():
    con = _con([("worldbank/a.csv", "2025-10-07"), ("worldbank/b.csv", "2026-02-24")])
    (wb,) = ages(con, today=date(2026, 3, 1))
    assert wb.published == date(2026, 2, 24) and not wb.stale
