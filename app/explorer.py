"""The SQL explorer's runs: a reader's SQL through ledger.sandbox, in a pooled worker process
with bounded memory and time (never on the shared connection), and a cache of the answers.

The cache is bounded by bytes (ALLIANCE_EXPLORE_CACHE_MB, polars' estimate of each frame), not
by entries: 30 distinct 4.5 MB results had kept 235 MB in the server under a 64-entry cache.
Its key holds the database file's fingerprint, so a refreshed file means new results; entries
also expire after TTL seconds. A refusal that may not hold next time (the explorer was busy,
the worker was killed from outside, the query was starved of CPU) is never cached. This is the
one place the dashboard runs SQL that is not a named query.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import polars as pl
import streamlit as st

from app import data
from core import limits
from core.errors import EtlError
from ledger import sandbox

TTL = 600.0  # seconds an answer is kept
ENTRY_BYTES = 1_024  # what an entry costs besides its frame (key, refusal text, bookkeeping)


@dataclass(frozen=True)
class Explored:
    frame: pl.DataFrame | None
    truncated: bool = False
    refusal: str | None = None

    @property
    def nbytes(self) -> int:
        return ENTRY_BYTES + (0 if self.frame is None else int(self.frame.estimated_size()))


class ByteCache:
    """Least recently used entries, dropped once their bytes pass the budget or TTL passes.
    An entry larger than the whole budget is not kept. Safe across the server's threads."""

    def __init__(self, budget_bytes, ttl: float = TTL) -> None:
        self._budget, self._ttl = budget_bytes, ttl  # budget: a function, read at each put
        self._entries: OrderedDict[Hashable, tuple[float, int, Explored]] = OrderedDict()
        self._lock = threading.Lock()
        self.nbytes = 0

    def get(self, key: Hashable) -> Explored | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def put(self, key: Hashable, value: Explored) -> None:
        size, budget = value.nbytes, self._budget()
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if size > budget:
                return
            self._entries[key] = (time.monotonic() + self._ttl, size, value)
            self.nbytes += size
            while self.nbytes > budget:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.nbytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: Hashable) -> None:
        _, size, _ = self._entries.pop(key)
        self.nbytes -= size


CACHE = ByteCache(lambda: int(limits.get("explore_cache_mb")) * limits.MB)


def explore(sql: str, row_cap: int, seconds: float) -> Explored:
    """Run a reader's SQL through ledger.sandbox (cached); never raises."""
    try:
        key = (sql, int(row_cap), float(seconds), str(data.db_path()), data.current_fingerprint())
    except EtlError as e:
        return Explored(None, refusal=f"The database could not be opened: {e}")
    if (hit := CACHE.get(key)) is not None:
        return hit
    try:
        with st.spinner("Running the query…"):
            result = sandbox.run(data.db_path(), sql, row_cap=int(row_cap), seconds=float(seconds))
    except sandbox.SqlRefused as e:
        answer = Explored(None, refusal=str(e))
        if not e.transient:  # busy, killed from outside, starved: the next try may run
            CACHE.put(key, answer)
        return answer
    except EtlError as e:
        return Explored(None, refusal=f"The database could not be opened: {e}")
    answer = Explored(sandbox.printable(result.frame), truncated=result.truncated)
    CACHE.put(key, answer)
    return answer


def warm() -> None:
    """Start the query workers before the reader's first query (the page calls this)."""
    with contextlib.suppress(EtlError, OSError):
        sandbox.warm(data.db_path())


def sandbox_limits() -> dict[str, float]:
    return {"row_cap": sandbox.DEFAULT_ROW_CAP, "seconds": sandbox.DEFAULT_SECONDS}
