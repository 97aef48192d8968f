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


def _edition_rows(con: duckdb.DuckDBPyConnection) -> None:
    """An `edition` row for every SIPRI release the hand-made rows name and the world did not
    list itself (published on its release day): sipri_at() picks a release from that table."""
    con.execute(
        """
        insert into edition
        select 'sipri', sipri_milex.edition, sipri_milex.edition, 'military expenditure',
            any_value(sipri_milex.price_base_year), 'tiny', min(sipri_milex.year),
            max(sipri_milex.year)
        from sipri_milex
        where sipri_milex.edition not in (
            select edition.edition from edition where edition.source = 'sipri'
        )
        group by sipri_milex.edition
        """
    )
