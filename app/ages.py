"""How old each source's data are, for the sidebar's line and the Data and methods page:
ledger.freshness.ages over the cached look-ups (data.run), with each folder's publisher from
the `source_file` look-up (data.table), kept per database file and day."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import polars as pl
import streamlit as st

from app import data
from core.errors import EtlError
from ledger import freshness

AGE_SCHEMA = {
    "source": pl.String,
    "publisher": pl.String,
    "edition": pl.String,
    "published": pl.Date,
    "age_days": pl.Int64,
    "period_days": pl.Int64,
    "stale": pl.Boolean,
    "note": pl.String,
}


def source_ages(today: date | None = None) -> data.Data:
    """ledger.freshness.ages on the current database: one row per source (folder of raw files)
    with its publisher, newest edition, age and whether a newer edition is probably out."""
    today = today or date.today()
    try:
        frame, problem = _ages(data.current_fingerprint(), today)
    except EtlError as e:
        return data.Data("source_ages", pl.DataFrame(), {}, {}, f"The data could not be read: {e}")
    return data.Data("source_ages", frame, {}, {"today": today}, problem)


# Every page's sidebar asks for this: kept per file fingerprint and day, so freshness.ages runs
# once per published file and date, not once per page view.
@st.cache_data(show_spinner=False, max_entries=16)
def _ages(fp: data.Fingerprint | None, today: date) -> tuple[pl.DataFrame, str | None]:
    try:
        rows = [asdict(a) for a in freshness.ages(data.run, today=today)]
    except EtlError as e:
        first = str(e).strip().splitlines()[0]
        return pl.DataFrame(schema=AGE_SCHEMA), f"The sources' ages could not be read ({first})."
    files = data.table("source_file").frame
    publishers: dict[str, str] = {}
    if not files.is_empty():
        for name, publisher in files.select("name", "publisher").iter_rows():
            publishers.setdefault(name.split("/")[0], publisher)
    for row in rows:
        row["publisher"] = publishers.get(row["source"], row["source"])
    return pl.DataFrame(rows, schema=AGE_SCHEMA), None
