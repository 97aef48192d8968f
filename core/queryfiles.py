"""The SQL files of queries/: their names, their text, and one of them run with bound values
(never formatted into the text). The read side's runner (ledger/queries.py) adds the sidecar's
parameter types and statistics; the build reads its look-ups here too (etl/build.py), so
neither side imports the other's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from core.errors import EtlError

QUERIES = Path(__file__).resolve().parent.parent / "queries"
_NAME = re.compile(r"[a-z0-9_]+")


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.sql"))


def path(name: str) -> Path:
    """queries/<name>.sql; EtlError naming the known queries for any other name."""
    found = QUERIES / f"{name}.sql"
    if not _NAME.fullmatch(name) or not found.is_file():
        raise EtlError(f"no query named {name!r}; known: {', '.join(names())}")
    return found


def run(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, params: dict[str, Any] | None = None
) -> pl.DataFrame:
    """A query's SQL run with bound parameters; a DuckDB error is one line naming the query."""
    try:
        return con.sql(sql, params=params or {}).pl()
    except duckdb.Error as e:
        raise EtlError(f"query {name!r} failed: {str(e).splitlines()[0]}") from None


def read(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """A look-up without parameters (queries/<name>.sql), run as it is written."""
    return run(con, name, path(name).read_text(encoding="utf-8"))
