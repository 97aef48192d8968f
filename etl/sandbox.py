"""Read-only ad-hoc SQL for readers: one implementation behind `etl sql` and the SQL explorer.

Defences, each enough on its own for some attacks and together for all we test:
- the connection is read-only with external access off and its configuration locked
  (etl.db.READER_CONFIG), so files, URLs, extensions and settings are out of reach;
- exactly one statement, and it must be a query (no ATTACH, COPY, SET, PRAGMA, CALL, ...);
- a row cap that DuckDB applies itself (LIMIT on the relation), so a huge result is never built;
- a time limit that interrupts the query from a timer thread.
Every refusal is an SqlRefused with a message meant for a reader, never a traceback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb
import polars as pl

DEFAULT_ROW_CAP = 10_000
DEFAULT_SECONDS = 5.0
MAX_SQL_CHARS = 20_000


class SqlRefused(Exception):
    """A query we will not run, or one that failed; the message is shown to the reader."""


@dataclass
class Result:
    frame: pl.DataFrame
    truncated: bool  # more rows existed than the cap


def _only_one_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRefused(f"The query is longer than {MAX_SQL_CHARS:,} characters.")
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise SqlRefused(f"The SQL could not be parsed: {_first_line(e)}") from None
    if not statements:
        raise SqlRefused("There is no query to run.")
    if len(statements) > 1:
        raise SqlRefused("Run one statement at a time.")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise SqlRefused(
            f"Only read-only queries (SELECT, WITH, FROM, VALUES, DESCRIBE) can run here; "
            f"this is a {kind.name} statement."
        )


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    row_cap: int = DEFAULT_ROW_CAP,
    seconds: float = DEFAULT_SECONDS,
) -> Result:
    """Run one reader query on a locked-down connection (see etl.db.connect_readonly)."""
    cursor = con.cursor()  # its own cursor, so interrupting it leaves other readers alone
    try:
        _only_one_query(cursor, sql)
        timer = threading.Timer(seconds, cursor.interrupt)
        timer.start()
        try:
            frame = cursor.sql(sql).limit(row_cap + 1).pl()
        finally:
            timer.cancel()
    except SqlRefused:
        raise
    except duckdb.InterruptException:
        raise SqlRefused(f"The query took longer than {seconds:g} s and was stopped.") from None
    except duckdb.PermissionException:
        raise SqlRefused(
            "Reading files, URLs or extensions is switched off here; query the tables instead."
        ) from None
    except duckdb.InvalidInputException as e:
        if "configuration" in str(e):
            raise SqlRefused("The database configuration is locked.") from None
        raise SqlRefused(f"The query failed: {_first_line(e)}") from None
    except duckdb.Error as e:
        raise SqlRefused(f"The query failed: {_first_line(e)}") from None
    finally:
        cursor.close()
    return Result(frame=frame.head(row_cap), truncated=frame.height > row_cap)
