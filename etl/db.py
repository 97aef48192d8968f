"""Where the published database lives and how readers open it (read-only, locked down)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "alliance.duckdb"

# Readers never need the file system, extensions or a changed configuration; locking the
# configuration stops `SET enable_external_access = true` from undoing the rest.
READER_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}


def default_db_path() -> Path:
    """ALLIANCE_DB if set, else data/alliance.duckdb (the CLI and the dashboard agree on this)."""
    return Path(os.environ.get("ALLIANCE_DB") or DEFAULT_DB)


def connect_readonly(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only, locked-down connection to the published database."""
    return duckdb.connect(str(path or default_db_path()), read_only=True, config=READER_CONFIG)
