"""The published database: where it lives, the storage format it is written in, which code's
tables and views it holds (the warehouse version), and how readers open it (read-only, locked
down, bounded)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from core import limits
from core.errors import EtlError, first_line

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "alliance.duckdb"
SCHEMA = Path(__file__).resolve().parent / "schema.sql"  # the tables, a comment per column
VIEWS = ROOT / "queries" / "views"  # the views and macros every query builds on

# The published file is written in the oldest storage format that holds every feature the
# warehouse uses, so DuckDB 1.x clients (R, DBeaver, the 1.x CLI) open it, not only 2.x.
# Tried feature by feature (README "Use the data elsewhere"): tables with keys, views, scalar
# and table macros (default parameters too), comments and lists all write at v1.0.0 and read in
# DuckDB 1.1-1.5; typed macro parameters need v1.4.0 and VARIANT columns v1.5.0, and DuckDB
# then refuses to create them here with an error naming the version. Raise this only for such
# a feature: every step up locks out the 1.x releases before it.
STORAGE_VERSION = "v1.0.0"

# Readers never need the file system, extensions or a changed configuration; locking the
# configuration stops `SET enable_external_access = true` from undoing the rest. Memory,
# threads and temp space come from core.limits (connect_readonly adds them).
READER_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}
# Every DuckDB file starts with an 8-byte checksum, then this magic.
MAGIC = b"DUCK"
# Tables every database this project builds has (core/schema.sql); a DuckDB file without them
# is someone else's, and `etl build` will not replace it.
OWN_TABLES = ("source_file", "etl_run")


def warehouse_version() -> str:
    """A hash of what shapes the warehouse: its tables (core/schema.sql) and the views and
    macros every query builds on (queries/views/). Each run records it (etl_run); a database
    built by other code may lack a column or macro this code's queries need, which is how the
    dashboard, `etl status` and `etl export` tell."""
    digest = hashlib.sha256()
    for path in [SCHEMA, *sorted(VIEWS.glob("*.sql"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def default_db_path() -> Path:
    """ALLIANCE_DB if set, else data/alliance.duckdb (the CLI and the dashboard agree on this)."""
    return Path(os.environ.get("ALLIANCE_DB") or DEFAULT_DB)


def problem(path: Path | str) -> str | None:
    """Why `path` cannot be read as a database, in words for a reader; None when it can."""
    path = Path(path)
    if not path.exists():
        return "no database here: run `etl build` first"
    if path.is_dir():
        return "this is a folder, not a database file"
    if not path.is_file():
        return "this is not a regular file"
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as e:
        return f"the database cannot be read ({e.strerror or first_line(e)})"
    if not head:
        return "the database file is empty (run `etl build`)"
    if head[8:12] != MAGIC:
        return "this is not a DuckDB database"
    return None


def connect_readonly(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only, locked-down, bounded connection to the published database.

    Any file that is not a readable DuckDB database of this project is an EtlError with one
    line naming the file, never DuckDB's multi-line error.
    """
    path = Path(path or default_db_path())
    if why := problem(path):
        raise EtlError(why, file=str(path))
    try:
        config = {**limits.reader_config(), **READER_CONFIG}  # lock_configuration comes last
    except limits.LimitError as e:
        raise EtlError(str(e)) from None
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as e:
        raise EtlError(f"the database cannot be opened: {first_line(e)}", file=str(path)) from None
    try:
        found = con.execute(
            "select count(*) from duckdb_tables() where table_name in $names",
            {"names": list(OWN_TABLES)},
        ).fetchall()[0][0]  # fetchall: the result is finished before the caller's first query
    except duckdb.Error as e:
        con.close()
        raise EtlError(f"the database cannot be read: {first_line(e)}", file=str(path)) from None
    if found < len(OWN_TABLES):
        con.close()
        raise EtlError(
            "this DuckDB file is not a database built by this project (no source_file/etl_run)",
            file=str(path),
        )
    return con


def built_by_us(path: Path) -> bool:
    """Whether an existing file is a DuckDB database this project built (safe to replace)."""
    try:
        connect_readonly(path).close()
    except EtlError:
        return False
    return True
