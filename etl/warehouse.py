"""The warehouse's DDL and derived views, shared by the build and the tests' tiny databases."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "schema.sql"
VIEWS = ROOT / "queries" / "views"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views every indicator builds on (queries/views/*.sql, applied in file-name order)."""
    for path in sorted(VIEWS.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"describe {table}").fetchall()]  # noqa: S608 (own table names)


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame by column name; a missing or extra column is a programming error."""
    columns = table_columns(con, table)
    missing, extra = set(columns) - set(frame.columns), set(frame.columns) - set(columns)
    if missing or extra:
        raise ValueError(f"{table}: missing columns {sorted(missing)}, extra {sorted(extra)}")
    con.register("_incoming", frame.select(columns))
    try:
        con.execute(f"insert into {table} select * from _incoming")  # noqa: S608
    finally:
        con.unregister("_incoming")
