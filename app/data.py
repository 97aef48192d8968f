"""The dashboard's connection and its one cache of query results: every page gets its numbers here.

- The connection: one read-only, locked-down DuckDB connection per database file
  (core.db.connect_readonly), held under st.cache_resource. Each call looks at the file's
  fingerprint (inode, size, mtime); when `etl refresh` has replaced the file, the old connection
  is closed *before* the new one opens (DuckDB hands a second connect to the same path the
  already-open instance, i.e. the old file), so the app follows a refresh without a restart.
  Every use borrows a cursor and gives it back: the old connection is closed only once every
  cursor lent on it is back (DuckDB refuses to close a connection whose cursor is running
  another session's query, and closing it would close the cursors other threads hold), waiting
  at most ALLIANCE_REOPEN_WAIT_SECONDS (etl/limits.py). `cursor()` lends one to the modules that
  read the warehouse otherwise (app/ages.py, app/downloads.py).
- Query results: every query is a file in queries/ run by ledger.queries.run (the one runner:
  the frame the CLI and the claims get, statistics included), kept in one process-wide store
  (`_Results`) keyed by query name + bound parameters (defaults filled in) + that fingerprint,
  so a new file means new results and an unchanged file never runs a query twice. The claims
  are handed `run`, a function that reads through the same cache: a query the landing page's
  claims ran is not run again for a page, and the other way round.

Pages never see SQL or exceptions: `get()` returns a `Data` whose `problem` says, in words for
a reader, why there is nothing to show. Around it: app/firstrun.py builds a missing database,
app/provenance.py names a figure's sources, app/explorer.py runs a reader's SQL, app/ages.py
says how old the sources are.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from core import limits, queryfiles
from core.db import connect_readonly, default_db_path
from core.errors import EtlError
from ledger import queries

Fingerprint = tuple[int, int, int]


# --------------------------------------------------------------------------- the database file


def db_path() -> Path:
    """ALLIANCE_DB if set, else data/alliance.duckdb (the same rule as the CLI)."""
    return default_db_path().resolve()


def fingerprint(path: Path) -> Fingerprint | None:
    """(inode, size, mtime in ns): changes whenever a refresh publishes a new file."""
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_size, s.st_mtime_ns)


# --------------------------------------------------------------------------- the connection


class _Reader:
    """The shared read-only connection, reopened when the file behind it changes; cursors are
    lent from it and counted, so it is never closed under a query still running."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._key: tuple[Path, Fingerprint] | None = None
        self._lent = 0  # cursors handed out and not yet given back

    @contextmanager
    def cursor(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, Fingerprint]]:
        """A cursor on the current file and that file's fingerprint, given back on exit."""
        with self._cond:
            fp = self._current(db_path())
            cur = self._con.cursor()
            self._lent += 1
        try:
            yield cur, fp
        finally:
            with self._cond:
                cur.close()
                self._lent -= 1
                self._cond.notify_all()

    def _current(self, path: Path) -> Fingerprint:
        """Open (or reopen) the connection on the file now at `path`; called holding the lock.
        A replaced file waits here, lock released, until the old connection's cursors are back:
        new borrowers wait too, so none is lent from the old file meanwhile."""
        deadline = None
        while True:
            fp = fingerprint(path)
            if fp is None:
                raise EtlError("the database file is missing", file=str(path))
            if self._con is not None and self._key == (path, fp):
                return fp
            if self._lent == 0:
                break
            if deadline is None:
                try:
                    wait = limits.get("reopen_wait_seconds")
                except limits.LimitError as e:
                    raise EtlError(str(e)) from None
                deadline = time.monotonic() + wait
            left = deadline - time.monotonic()
            if left <= 0:
                raise EtlError(
                    f"the database file was replaced and queries on the previous one were still "
                    f"running after {wait:g} s (ALLIANCE_REOPEN_WAIT_SECONDS); try again",
                    file=str(path),
                )
            self._cond.wait(timeout=left)
        if self._con is not None:
            self._con.close()  # first: DuckDB would otherwise reuse the old instance
            self._con, self._key = None, None
        self._con = connect_readonly(path)
        self._key = (path, fp)
        return fp

    def close(self) -> None:
        with self._cond:
            if self._con is not None:
                self._con.close()
            self._con, self._key = None, None


@st.cache_resource(show_spinner=False)
def _reader() -> _Reader:
    return _Reader()


@contextmanager
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the shared connection (one per use: DuckDB cursors are per thread)."""
    with _reader().cursor() as (cur, _):
        yield cur


def current_fingerprint() -> Fingerprint | None:
    return fingerprint(db_path())


# --------------------------------------------------------------------------- indicator queries


@dataclass(frozen=True)
class Data:
    """What a page gets: the frame, the query's sidecar, and a reader-facing problem if any."""

    name: str
    frame: pl.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def empty(self) -> bool:
        return self.frame.is_empty()

    def where(self, **equal: Any) -> Data:
        """The rows whose columns equal the given values (None values are ignored)."""
        frame = self.frame
        for column, value in equal.items():
            if value is not None and column in frame.columns:
                frame = frame.filter(pl.col(column) == value)
        return Data(self.name, frame, self.meta, self.params, self.problem)

    def where_in(self, **allowed: Any) -> Data:
        """The rows whose column value is in the given collection."""
        frame = self.frame
        for column, values in allowed.items():
            if column in frame.columns:
                frame = frame.filter(pl.col(column).is_in(list(values or [])))
        return Data(self.name, frame, self.meta, self.params, self.problem)

    def years(self) -> list[int]:
        if "year" not in self.frame.columns:
            return []
        return sorted(int(y) for y in self.frame["year"].drop_nulls().unique())

    def value(self, column: str, **equal: Any) -> Any:
        """The first non-null value of a column in the matching rows, else None."""
        frame = self.where(**equal).frame
        if column not in frame.columns:
            return None
        values = frame[column].drop_nulls()
        return values[0] if values.len() else None

    def labels(self, code: str = "iso3", label: str = "country") -> dict[str, str]:
        """{code: label} over the rows (e.g. the members a grouping's frame lists)."""
        if not {code, label} <= set(self.frame.columns):
            return {}
        pairs = self.frame.select(code, label).drop_nulls(code).unique(code).sort(label)
        return {c: lab or c for c, lab in pairs.iter_rows()}

    def missing(self, column: str, label: str = "country") -> list[str]:
        """The labels of the rows that have no value in `column` (alphabetical, once each)."""
        if not {column, label} <= set(self.frame.columns):
            return []
        rows = self.frame.filter(pl.col(column).is_null())[label].drop_nulls()
        return sorted(set(rows.to_list()))


def available(name: str) -> bool:
    """Whether queries/<name>.sql exists: one stat per call, where `name in queries.names()`
    listed the folder (~2 ms a call under load, ~10 calls a page run)."""
    return Path(name).name == name and (queryfiles.QUERIES / f"{name}.sql").is_file()


def indicators() -> list[tuple[str, dict[str, Any]]]:
    """Every indicator query with its sidecar, by name (the look-ups, `kind: lookup`, left out)."""
    return [(n, m) for n in queries.names() if (m := meta(n)).get("kind") != "lookup"]


def meta(name: str) -> dict[str, Any]:
    """The sidecar of a query ({} when the query does not exist yet)."""
    try:
        return queries.load(name).meta
    except EtlError:
        return {}


def parameters(name: str) -> list[str]:
    try:
        return queries.load(name).params
    except EtlError:
        return []


def choices(name: str, param: str) -> list[str]:
    """The values a parameter accepts, from the query's sidecar and the catalogue ([] if it is
    not a list of values, or the query is unknown)."""
    try:
        return queries.choices(name, param)
    except EtlError:
        return []


def default(name: str, param: str) -> Any:
    try:
        return queries.load(name).defaults().get(param)
    except EtlError:
        return None


def get(name: str, **params: Any) -> Data:
    """Run a query (cached) and return its finished frame; never raises. A parameter the query
    does not take is refused (as `etl query` refuses it), so a typo shows on the page instead
    of vanishing; None means "the query's default" unless the sidecar lets it be NULL."""
    if not available(name):
        return Data(name, pl.DataFrame(), {}, params, f"The indicator “{name}” is not built yet.")
    m = meta(name)
    declared = m.get("parameters") or {}
    bound = {
        k: v for k, v in params.items() if v is not None or (declared.get(k) or {}).get("nullable")
    }
    try:
        frame = run(name, **bound)
    except EtlError as e:
        return Data(name, pl.DataFrame(), m, bound, f"“{name}” could not be computed: {e}")
    return Data(name, frame, m, bound)


def table(name: str, **params: Any) -> Data:
    """A look-up (a query whose sidecar says `kind: lookup`): the same as get()."""
    return get(name, **params)


def run(name: str, **params: Any) -> pl.DataFrame:
    """Run a named query and return its finished frame (cached): what pages get through get()
    and what the claims are handed. An unknown or missing parameter raises EtlError naming it."""
    bound = queries.coerce(queries.load(name), params)  # defaults filled in, values typed
    return _finished(name, tuple(sorted(bound.items())), str(db_path()), current_fingerprint())


class _Results:
    """Finished frames kept per query, fully bound parameters, file and fingerprint (so a page
    and a claim asking the same thing share one run, and a new file means new results), the
    least recently used dropped past `size`. Each caller gets its own `clone()` (Polars copies
    a column only when it is written), as st.cache_data gave each its own unpickled copy; that
    cache cost a pickle load and a hash of its arguments per call, ~1 ms each, tens per page."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._frames: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(
        self, name: str, bound: tuple[tuple[str, Any], ...], path: str, fp: Fingerprint | None
    ) -> pl.DataFrame:
        # typed values: 1, 1.0 and True are one dict key but may bind differently
        key = (name, tuple((k, type(v).__name__, v) for k, v in bound), path, fp)
        try:
            hash(key)
        except TypeError:  # a value without a hash (a list): run every time
            return _query(name, bound)
        with self._lock:
            frame = self._frames.get(key)
            if frame is not None:
                self._frames.move_to_end(key)
                return frame.clone()
        frame = _query(name, bound)
        with self._lock:
            self._frames[key] = frame
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)
        return frame.clone()

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()


def _query(name: str, bound: tuple[tuple[str, Any], ...]) -> pl.DataFrame:
    """ledger.queries.run on the shared connection (a cache miss)."""
    with _reader().cursor() as (cur, _):
        frame = queries.run(cur, name, **dict(bound))
    with _RUNS_LOCK:
        _RUNS[name] = _RUNS.get(name, 0) + 1
    return frame


_finished = _Results(512)
_RUNS: dict[str, int] = {}  # how often each query really ran in this process (cache misses)
_RUNS_LOCK = threading.Lock()


def query_runs() -> dict[str, int]:
    """{query name: times it ran} in this process: a cache hit does not count."""
    with _RUNS_LOCK:
        return dict(_RUNS)
