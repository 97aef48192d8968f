"""The Data and methods page's downloads: the warehouse file and a zip of `etl export`.

The zip is made the first time the section is drawn for a given database file, from the app's
own read-only connection, and kept per file fingerprint (a refresh publishes a new file, so a
new zip); the warehouse file is read only when someone clicks.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import data
from core.db import STORAGE_VERSION
from ledger.export import zip_bytes

INTRO = f"""\
Take the data to your own tools. **The warehouse** is the DuckDB file this dashboard reads; it
is written in DuckDB's storage format {STORAGE_VERSION}, so DuckDB 1.1 and later open it (the
CLI, Python, R, DBeaver), and every query in `queries/` runs there unchanged. **The export** is
every table and view as Parquet with a Frictionless `datapackage.json`: each column's type,
description and unit, each source's edition and licence, and how to cite the project. The
sources' terms travel with the data: SIPRI's figures are for non-commercial use with
attribution. The README's "Use the data elsewhere" has recipes for DuckDB, pandas and Polars.
"""


def size_text(n: int) -> str:
    """Bytes for a reader: 11.3 MB, 712 kB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


@st.cache_resource(show_spinner="Preparing the export…", max_entries=2)
def _export_zip(fp: data.Fingerprint) -> bytes:
    with data.cursor() as cur:  # the connection follows the file, fp only keys the cache
        return zip_bytes(cur)


def render() -> None:
    """The download section (call it where the page wants it)."""
    path: Path = data.db_path()
    fp = data.fingerprint(path)
    st.markdown(INTRO)
    if fp is None:
        st.info("There is no database file to download yet.")
        return
    left, right = st.columns(2)
    with left:
        st.download_button(
            f"Warehouse: {path.name} ({size_text(fp[1])})",
            data=path.read_bytes,  # read on click, not on every rerun
            file_name="alliance.duckdb",
            mime="application/octet-stream",
            key="download-warehouse",
            on_click="ignore",
        )
    archive = _export_zip(fp)
    with right:
        st.download_button(
            f"Export: Parquet + datapackage.json ({size_text(len(archive))}, zip)",
            data=archive,
            file_name="alliance-ledger-export.zip",
            mime="application/zip",
            key="download-export",
            on_click="ignore",
        )
