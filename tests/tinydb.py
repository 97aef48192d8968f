"""Tiny hand-made warehouses for query tests: the real DDL and views, a few rows by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from etl.warehouse import create_schema, create_views, table_columns

# NOT NULL columns a hand-made row may leave out: the 2024 NATO and April 2025 SIPRI editions.
DEFAULTS = {
    "nato_defence": {"price_base_year": 2015, "footnote": False},
    "nato_aggregate": {"price_base_year": 2015},
    "nato_real_change": {"price_base_year": 2015},
    "sipri_milex": {"edition": date(2025, 4, 28), "price_base_year": 2023},
    "sipri_missing": {"edition": date(2025, 4, 28)},
}


# The day an edition a hand-made world does not list itself counts as published (_edition_rows).
LISTED = date(1990, 1, 1)


def make_db(path: Path, tables: dict[str, list[dict]]) -> Path:
    """Write a DuckDB file at `path` holding the given rows; unnamed columns are NULL (or, for
    the NOT NULL edition and price-base columns, DEFAULTS)."""
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        for table, rows in tables.items():
            columns = table_columns(con, table)
            defaults = DEFAULTS.get(table, {})
            frame = pl.DataFrame(
                [{c: row.get(c, defaults.get(c)) for c in columns} for row in rows]
            )
            con.register("_rows", frame)
            con.execute(f"insert into {table} select * from _rows")  # noqa: S608
            con.unregister("_rows")
        _edition_rows(con)
        create_views(con)
    finally:
        con.close()
    return path


def tiny_con(path: Path, tables: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    """make_db's warehouse, opened read-only (as the runner and the pages open the real one)."""
    return duckdb.connect(str(make_db(path, tables)), read_only=True)


def _edition_rows(con: duckdb.DuckDBPyConnection) -> None:
    """An `edition` row for every NATO edition and SIPRI release the hand-made rows name and the
    world did not list itself: nato_at() and sipri_at() pick editions by its `published`.

    Such a row counts as published on LISTED, before any date a test evaluates, so that a
    test's as_of (chosen for membership, e.g. 2020-01-01) still sees every hand-made figure.
    The tests of the as-of rule itself list their editions with real dates."""
    for source, table, definition in (
        ("nato", "nato_defence", "defence expenditure"),
        ("nato", "nato_aggregate", "defence expenditure"),
        ("sipri", "sipri_milex", "military expenditure"),
    ):
        con.execute(
            f"""
            insert into edition
            select ?, rows.edition, ?::date, ?,
                any_value(rows.price_base_year), 'tiny ' || ?, min(rows.year), max(rows.year)
            from {table} as rows
            where rows.edition not in (
                select edition.edition from edition where edition.source = ?
            )
            group by rows.edition
            """,  # noqa: S608 (own table names)
            [source, LISTED, definition, table, source],
        )
