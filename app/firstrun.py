"""The dashboard's first run: a missing database is built from the committed snapshot
(etl.firstbuild, the dashboard's one way into the write side, under the lock file the CLI
uses), inside st.status with a progress message; an unreadable one is named in one line, never
a traceback.

A database built by other code (after a `git pull`, its views and macros may lack what this
code's queries read) is told by the warehouse version its build recorded (etl_run, the
`built_by` look-up): one the dashboard built from the snapshot is built again the same way; one
built from raw files is served with a one-line warning naming the command that rebuilds it (the
dashboard does not read a site's raw folder on its own)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from app import data
from core.db import problem, warehouse_version
from core.errors import EtlError
from etl.firstbuild import build_from_snapshot


def ensure_database() -> bool:
    """Build the database from the bundled snapshot when none exists. True when one is there."""
    path = data.db_path()
    if path.exists():
        if why := problem(path):  # a folder, an empty or corrupt file: say so, never a traceback
            st.error(
                f"The data cannot be shown: the database `{path.name}` cannot be read ({why}). "
                "Whoever runs this site needs to rebuild it with `etl build`.",
                icon=":material/error:",
            )
            return False
        return _current(path)
    built = _build_shown(
        path,
        _missing,
        "Preparing the data: building the database from the bundled snapshot…",
        f"No database at `{path}`; building one (this happens once).",
        ("built", "Database ready"),
    )
    return built and path.is_file()


def _missing(path: Path) -> bool:
    return not path.is_file()


@cache
def our_warehouse() -> str:
    """This code's warehouse version (once per process: a running server's code is fixed)."""
    return warehouse_version()


def built_by() -> dict:
    """The `built_by` row of the served database ({} when it cannot be read)."""
    frame = data.table("built_by").frame
    return frame.row(0, named=True) if frame.height else {}


def _stale(path: Path) -> bool:
    """Built by another warehouse version; a file with no build on record has nothing to
    compare and is served as it is."""
    run = built_by()
    return bool(run) and run.get("warehouse_version") != our_warehouse()


def _current(path: Path) -> bool:
    """Serve the database if this code built it; else rebuild or warn (see the module's doc)."""
    if not _stale(path):
        return True
    if built_by().get("raw_dir") is not None:
        st.warning(
            f"The database `{path.name}` was built by another version of Alliance Ledger's code; "
            "some figures may not show until whoever runs this site rebuilds it with "
            "`uv run etl build --raw-dir RAW_DIR`.",
            icon=":material/warning:",
        )
        return True
    return _build_shown(
        path,
        _stale,
        "Updating the data: the database is older than this code…",
        f"`{path.name}` was built by another version; building it again from the snapshot.",
        ("rebuilt", "Database updated"),
    )


def _build_shown(path: Path, needed, label: str, why: str, done: tuple[str, str]) -> bool:
    """Build from the snapshot inside st.status, its steps shown; False (said in one line) when
    the build failed. `done`: the verb for the error and the label once finished."""
    with st.status(label) as box:
        box.write(why)
        try:
            build_from_snapshot(path, lambda step: box.write(f"Step: {step}…"), needed)
        except EtlError as e:
            box.update(label=f"The database could not be {done[0]}", state="error")
            st.error(f"The database could not be {done[0]} from the snapshot: {e}")
            return False
        box.update(label=done[1], state="complete", expanded=False)
    return True
