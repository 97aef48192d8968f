"""The SQL explorer's runs: a reader's SQL through ledger.sandbox, in a worker process with
bounded memory and time (never on the shared connection), cached per database file for ten
minutes. This is the one place the dashboard runs SQL that is not a named query."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from app import data
from etl.errors import EtlError
from ledger import sandbox


@dataclass(frozen=True)
class Explored:
    frame: pl.DataFrame | None
    truncated: bool = False
    refusal: str | None = None


def explore(sql: str, row_cap: int, seconds: float) -> Explored:
    """Run a reader's SQL through ledger.sandbox, in a worker with bounded memory and time."""
    try:
        return _explore(sql, int(row_cap), float(seconds), data.current_fingerprint())
    except EtlError as e:
        return Explored(None, refusal=f"The database could not be opened: {e}")
    except sandbox.SqlRefused as e:  # a busy server: not cached, the next try may run
        return Explored(None, refusal=str(e))


# The reader's SQL is not a named query, so it cannot go through data.run's cache; this one is
# keyed by the file's fingerprint like it, so a refreshed file means new results.
@st.cache_data(show_spinner="Running the query…", max_entries=64, ttl=600)
def _explore(sql: str, row_cap: int, seconds: float, fp: data.Fingerprint | None) -> Explored:
    try:  # in a bounded worker process of its own (ledger.sandbox), not on the shared connection
        result = sandbox.run(data.db_path(), sql, row_cap=row_cap, seconds=seconds)
    except sandbox.SqlRefused as e:
        if e.transient:
            raise
        return Explored(None, refusal=str(e))
    return Explored(result.frame, truncated=result.truncated)


def sandbox_limits() -> dict[str, float]:
    return {"row_cap": sandbox.DEFAULT_ROW_CAP, "seconds": sandbox.DEFAULT_SECONDS}
