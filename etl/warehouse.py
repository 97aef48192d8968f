"""Writing the warehouse: its tables (core/schema.sql) and the views and macros of
queries/views/, created in a new database, and frames inserted by column name. Shared by the
build and the tests' tiny databases."""

from __future__ import annotations

import duckdb
import polars as pl

from core.db import SCHEMA, VIEWS


def _run(con: duckdb.DuckDBPyConnection, scripts: list[str], own_transaction: bool) -> None:
    """Run SQL scripts, by default as one transaction of their own.

    On a database file every autocommitted statement is a commit and every commit flushes the
    write-ahead log to disk (an fsync), so the schema's 18 tables in one transaction are one
    flush instead of 18. A caller that has opened its own transaction passes
    own_transaction=False (DuckDB has no nested transactions, and a failed BEGIN aborts the
    transaction that is open).
    """
    if not own_transaction:
        for script in scripts:
            con.execute(script)
        return
    con.begin()
    try:
        for script in scripts:
            con.execute(script)
    except BaseException:
        con.rollback()
        raise
    con.commit()


def create_schema(con: duckdb.DuckDBPyConnection, *, own_transaction: bool = True) -> None:
    """The tables of core/schema.sql (see _run for own_transaction)."""
    _run(con, [SCHEMA.read_text(encoding="utf-8")], own_transaction)


def create_views(con: duckdb.DuckDBPyConnection, *, own_transaction: bool = True) -> None:
    """Views and macros every query builds on (queries/views/*.sql, in file-name order)."""
    scripts = [path.read_text(encoding="utf-8") for path in sorted(VIEWS.glob("*.sql"))]
    _run(con, scripts, own_transaction)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"describe {table}").fetchall()]  # noqa: S608 (own table names)


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame by column name; a missing or extra column is a programming error."""
    columns = table_columns(con, table)
    missing, extra = set(columns) - set(frame.columns), set(frame.columns) - set(columns)
    if missing or extra:
        raise ValueError(f"{table}: missing columns {sorted(missing)}, extra {sorted(extra)}")
    con.register("_incoming", frame.select(columns))
    # No unregister on failure: it would fail too in the aborted transaction (the build's
    # one transaction), and hide the constraint error; a later register replaces the view.
    con.execute(f"insert into {table} select * from _incoming")  # noqa: S608
    con.unregister("_incoming")
