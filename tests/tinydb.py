"""Tiny hand-made warehouses for query tests: the real DDL and views, a few rows by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from etl.warehouse import create_schema, create_views, table_columns


def make_db(path: Path, tables: dict[str, list[dict]]) -> Path:
    """Write a DuckDB file at `path` holding the given rows; unnamed columns are NULL."""
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        for table, rows in tables.items():
            columns = table_columns(con, table)
            frame = pl.DataFrame([{c: row.get(c) for c in columns} for row in rows])
            con.register("_rows", frame)
            con.execute(f"insert into {table} select * from _rows")  # noqa: S608
            con.unregister("_rows")
        create_views(con)
    finally:
        con.close()
    return path
