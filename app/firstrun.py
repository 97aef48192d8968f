"""The dashboard's first run: a missing database is built from the committed snapshot
(etl.build.build(None, path)) under the same lock file the CLI uses, inside st.status with a
progress message; an unreadable one is named in one line, never a traceback."""

from __future__ import annotations

import fcntl
from pathlib import Path

import streamlit as st

from app import data
from etl.db import problem
from etl.errors import EtlError


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
        return True
    with st.status("Preparing the data: building the database from the bundled snapshot…") as box:
        box.write(f"No database at `{path}`; building one (this happens once).")
        try:
            _build_from_snapshot(path, lambda step: box.write(f"Step: {step}…"))
        except EtlError as e:
            box.update(label="The database could not be built", state="error")
            st.error(f"The database could not be built from the snapshot: {e}")
            return False
        box.update(label="Database ready", state="complete", expanded=False)
    return path.is_file()


def _build_from_snapshot(path: Path, step) -> None:
    from etl.build import build  # imported here: the parsers are only needed for a first build

    path.parent.mkdir(parents=True, exist_ok=True)
    # The CLI's lock file: a second session (or a running `etl build`) waits, then finds the file.
    with open(path.with_name(path.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not path.is_file():
            build(None, path, command="dashboard (first run, snapshot)", step=step)
