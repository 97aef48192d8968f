"""Read-only ad-hoc SQL for readers: one implementation behind `etl sql` and the SQL explorer.

Defences, each enough on its own for some attacks and together for all we test:
- the query runs in a worker process (ledger/sqlworker.py, lent by the pool in
  ledger/sqlpool.py) that is killed at a deadline or as soon as its resident memory passes the
  cap, so no query, whatever it runs, can hold the server's memory or time: DuckDB's list and
  string functions ignore both interrupts and its memory limit. DuckDB's own memory limit,
  thread count and no temp directory bound what it does track;
- the worker's connection is read-only with external access off, the local file system
  disabled (not even the database file can be read as a blob) and its configuration locked;
  each query gets a new cursor, so none leaves state for the next on a reused worker;
- exactly one statement, and it must be a query (no ATTACH, COPY, SET, PRAGMA, CALL, ...);
- a row cap that DuckDB applies itself (LIMIT on the relation), so a huge result is never
  built, and a byte cap checked batch by batch as the worker reads the result;
- every result type is shown: types no output can hold (interval, union, list, struct, map,
  blob, ...) and dates, timestamps and times outside Python's range (infinity, year 5877642)
  arrive as their DuckDB text;
- at most `workers` queries run at once (core.limits); others wait, then are turned away.
Every refusal is an SqlRefused with one line meant for a reader, never a traceback, and says
why the query was stopped: memory, time, a signal from outside, a crash.
"""

from __future__ import annotations

import io
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from core import limits
from core.db import problem
from ledger import sqlpool
from ledger.sqlworker import only_one_query

DEFAULT_ROW_CAP = int(limits.LIMITS["row_cap"].default)
DEFAULT_SECONDS = float(limits.LIMITS["query_seconds"].default)
# Time a worker may take to start (import DuckDB and Arrow, open the database): generous, as
# the machine may be busy, and not the reader's to choose. Once it has the query, it is killed
# KILL_FACTOR times the query's limit plus GRACE later: "about twice the limit" at most.
STARTUP = 30.0
KILL_FACTOR = 1.5
GRACE = 0.5
# A query stopped at its time limit after getting less than this share of one core's time
# was starved by other work on the machine, not slow itself: the refusal is transient.
STARVED = 0.5


class SqlRefused(Exception):
    """A query we will not run, or one that failed; the message is shown to the reader.
    `transient`: the same query may run later (busy, killed from outside, starved of CPU), so
    this refusal must not be cached."""

    def __init__(self, message: str, *, transient: bool = False, peak_rss_mb: float = 0) -> None:
        super().__init__(message)
        self.transient = transient
        self.peak_rss_mb = peak_rss_mb  # the worker's, when one ran (for the figures)


@dataclass
class Result:
    frame: pl.DataFrame
    truncated: bool  # more rows existed than the cap
    seconds: float = 0.0  # wall time, from asking for a worker to the answer
    peak_rss_mb: float = 0.0  # the worker's peak resident memory during the query
    worker_pid: int = 0
    cold_start: bool = False  # a worker process was started for this query (none was ready)
    reused: bool = False  # the worker had answered an earlier query


_pool: sqlpool.Pool | None = None
_pool_lock = threading.Lock()


def pool() -> sqlpool.Pool:
    """The process's one pool of query workers (its size: the `workers` limit)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = sqlpool.new_pool(
                size=lambda: int(limits.get("workers")),
                keep_mb=lambda: limits.get("worker_keep_mb"),
                idle_seconds=lambda: limits.get("worker_idle_seconds"),
                startup=STARTUP,
            )
        return _pool


def check_options(row_cap: object, seconds: object) -> tuple[int, float]:
    """A row cap and a time limit as the reader gave them (text or numbers), validated against
    core.limits: positive, finite, at most the ceilings. LimitError (one line) otherwise."""
    cap = limits.parse("row_cap", row_cap, label="--row-cap")
    if cap > (most := limits.get("max_row_cap")):
        raise limits.LimitError(f"--row-cap must be at most {most:,}, not {cap:,}")
    secs = limits.parse("query_seconds", seconds, label="--seconds")
    if secs > (longest := limits.get("max_query_seconds")):
        raise limits.LimitError(f"--seconds must be at most {longest:g}, not {secs:g}")
    return int(cap), float(secs)


def deadline(seconds: float) -> float:
    """When the worker is killed, in seconds after it was handed the query."""
    return seconds * KILL_FACTOR + GRACE


def _settings() -> tuple[int, int, int, int]:
    """(DuckDB memory limit, threads, worker RSS cap, result cap), all from core.limits."""
    worker_mb = int(limits.get("worker_mb"))
    memory_mb = min(int(limits.get("memory_mb")), worker_mb // 2)
    return memory_mb, int(limits.get("threads")), worker_mb, int(limits.get("result_mb"))


def _key(db: Path | str) -> sqlpool.Key:
    memory_mb, threads, _, _ = _settings()
    return sqlpool.key_of(Path(db).resolve(), memory_mb, threads)


def warm(db: Path | str) -> None:
    """Start the pool's workers for `db` ahead of the first query (the explorer page asks for
    this); nothing when the file cannot be read (the query will say why)."""
    try:
        if problem(db) is None:
            pool().warm(_key(db))
    except (OSError, limits.LimitError):
        pass


def _valid_text(sql: object) -> str:
    """The SQL as text, refused in one line when it is not valid UTF-8 (a command-line argument
    arrives with its undecodable bytes as lone surrogates)."""
    if isinstance(sql, bytes | bytearray):
        try:
            return bytes(sql).decode("utf-8")
        except UnicodeDecodeError as e:
            raise SqlRefused(
                f"The query is not valid UTF-8 text (byte 0x{sql[e.start]:02x} at {e.start + 1})."
            ) from None
    if not isinstance(sql, str):
        raise SqlRefused("There is no query to run.")
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError as e:
        bad = ord(sql[e.start])
        what = f"byte 0x{bad - 0xDC00:02x}" if 0xDC80 <= bad <= 0xDCFF else f"U+{bad:04X}"
        raise SqlRefused(
            f"The query is not valid UTF-8 text ({what} at character {e.start + 1})."
        ) from None
    return sql


def run(
    db: Path | str, sql: str, *, row_cap: int = DEFAULT_ROW_CAP, seconds: float = DEFAULT_SECONDS
) -> Result:
    """Run one reader query on the database file `db` in a worker of the pool."""
    try:
        row_cap, seconds = check_options(row_cap, seconds)
        sql_chars = int(limits.get("sql_chars"))
        memory_mb, threads, worker_mb, result_mb = _settings()
        for name in ("workers", "worker_keep_mb", "worker_idle_seconds"):  # the pool's
            limits.get(name)
    except limits.LimitError as e:
        raise SqlRefused(str(e)) from None
    sql = _valid_text(sql)
    if len(sql) > sql_chars:
        raise SqlRefused(f"The query is longer than {sql_chars:,} characters.")
    if not sql.strip():
        raise SqlRefused("There is no query to run.")
    if why := problem(db):
        raise SqlRefused(f"The database cannot be read: {why}.")
    with duckdb.connect(":memory:", config={"enable_external_access": False}) as parser:
        if why := only_one_query(parser, sql):  # no worker for what is refused on sight
            raise SqlRefused(why)
    start = time.monotonic()
    try:
        key = sqlpool.key_of(Path(db).resolve(), memory_mb, threads)
        worker, cold = pool().checkout(key, wait=seconds)
        reused = worker.queries > 0
    except OSError as e:
        raise SqlRefused(f"The database cannot be read: {e.strerror or e}.") from None
    except sqlpool.Stopped as e:
        raise _refused(e, seconds, worker_mb) from None
    clean = False
    try:
        header, body = worker.ask(
            {
                "sql": sql,
                "row_cap": row_cap,
                "seconds": seconds,
                "result_mb": result_mb,
                "threads": threads,
            },  # fmt: skip
            seconds=deadline(seconds),
            rss_mb=worker_mb,
            most_bytes=result_mb << 20,
        )
        clean = True
    except sqlpool.Stopped as e:
        raise _refused(e, seconds, worker_mb, result_mb) from None
    finally:
        pool().checkin(worker, clean)
    if not header["ok"]:
        starved = header["kind"] == "time" and header["cpu_seconds"] < STARVED * seconds
        raise SqlRefused(
            _message(header, seconds, memory_mb, result_mb, starved),
            transient=starved,
            peak_rss_mb=header["peak_rss_mb"],
        )
    frame = pl.read_ipc_stream(io.BytesIO(body))
    return Result(
        frame,
        bool(header["truncated"]),
        time.monotonic() - start,
        header["peak_rss_mb"],
        worker.pid,
        cold,
        reused,
    )


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _refused(e: sqlpool.Stopped, seconds: float, worker_mb: int, result_mb: int = 0) -> SqlRefused:
    """The one line for a worker that did not answer, saying the true cause."""
    why, peak = e.why, e.peak_mb
    if why == "busy":
        message = "The explorer is busy with other queries; try again in a moment."
        return SqlRefused(message, transient=True)
    if why == "startup":
        if e.message:
            return SqlRefused(f"The database cannot be opened: {e.message}")
        message = "The server is too busy to start the query; try again shortly."
        return SqlRefused(message, transient=True)
    if why == "memory":
        return SqlRefused(
            f"The query was stopped: it used more than the {worker_mb:,} MB of memory a query "
            "may use.",
            peak_rss_mb=peak,
        )
    if why == "size":
        message = f"The result is larger than {result_mb:,} MB; select fewer rows or columns."
        return SqlRefused(message, peak_rss_mb=peak)
    if why == "deadline":
        starved = e.cpu_seconds < STARVED * seconds
        text = f"The query took longer than {seconds:g} s and was stopped"
        if starved:
            text += " (the server was busy; try again)"
        return SqlRefused(text + ".", transient=starved, peak_rss_mb=peak)
    if why == "signal":
        name = _signal_name(e.signum)
        return SqlRefused(
            f"The query's worker was killed from outside (signal {e.signum}, {name}); try again.",
            transient=True,
        )
    how = f"signal {e.signum}, {_signal_name(e.signum)}" if e.signum else f"exit code {e.code}"
    return SqlRefused(f"The query's worker crashed ({how}); the query was not answered.")


def _message(answer: dict, seconds: float, memory_mb: int, result_mb: int, starved: bool) -> str:
    kind, text = answer["kind"], answer.get("message", "")
    busy = " (the server was busy; try again)" if starved else ""
    return {
        "time": f"The query took longer than {seconds:g} s and was stopped{busy}.",
        "memory": f"The query needed more than DuckDB's {memory_mb:,} MB memory limit; "
        "it was stopped.",
        "files": "Reading files, URLs or extensions is switched off here; "
        "query the tables instead.",
        "locked": "The database configuration is locked.",
        "size": f"The result is larger than {result_mb:,} MB; select fewer rows or columns.",
        "failed": f"The query failed: {text}",
    }.get(kind, text)


def printable(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every column that CSV, JSON or a table cannot hold as it is (lists,
    structs, arrays, binary, objects, durations) turned into its text; others unchanged."""
    awkward = [
        name
        for name, dtype in frame.schema.items()
        if dtype.is_nested()
        or dtype in (pl.Binary, pl.Object, pl.Duration, pl.Null)
        or isinstance(dtype, pl.Duration)
    ]
    if not awkward:
        return frame
    return frame.with_columns(
        pl.Series(name, [None if v is None else str(v) for v in frame[name]], dtype=pl.String)
        for name in awkward
    )
