"""Read-only ad-hoc SQL for readers: one implementation behind `etl sql` and the SQL explorer.

Defences, each enough on its own for some attacks and together for all we test:
- the query runs in a worker process (ledger/sqlworker.py) whose address space is capped and
  which is killed at a deadline, so no query, whatever it runs, can hold the server's memory
  or time: DuckDB's list and string functions ignore both interrupts and its memory limit;
- the worker's connection is read-only with external access off, the local file system
  disabled (not even the database file can be read as a blob) and its configuration locked;
- exactly one statement, and it must be a query (no ATTACH, COPY, SET, PRAGMA, CALL, ...);
- a row cap that DuckDB applies itself (LIMIT on the relation), so a huge result is never built;
- every result type is shown: types no output can hold (interval, union, list, struct, map,
  blob, ...) arrive as their DuckDB text;
- at most `workers` queries run at once (etl.limits); others wait, then are turned away.
Every refusal is an SqlRefused with one line meant for a reader, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from etl import limits
from etl.db import problem
from ledger.sqlworker import only_one_query

WORKER = Path(__file__).with_name("sqlworker.py")
READY = b"R"  # the worker's first byte: loaded, connected, about to run the query
DEFAULT_ROW_CAP = int(limits.LIMITS["row_cap"].default)
DEFAULT_SECONDS = float(limits.LIMITS["query_seconds"].default)
MAX_SQL_CHARS = int(limits.LIMITS["sql_chars"].default)
# Time a worker may take to start (import DuckDB and Polars, open the database): generous, as
# the machine may be busy, and not the reader's to choose. Once it is ready, it is killed
# KILL_FACTOR times the query's limit plus GRACE later: "about twice the limit" at most.
STARTUP = 30.0
KILL_FACTOR = 1.5
GRACE = 0.5

_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


class SqlRefused(Exception):
    """A query we will not run, or one that failed; the message is shown to the reader.
    `transient`: the server was busy, the same query may run later (so do not cache this)."""

    def __init__(self, message: str, *, transient: bool = False, peak_rss_mb: float = 0) -> None:
        super().__init__(message)
        self.transient = transient
        self.peak_rss_mb = peak_rss_mb  # the worker's, when one ran (for the figures)


@dataclass
class Result:
    frame: pl.DataFrame
    truncated: bool  # more rows existed than the cap
    seconds: float = 0.0  # wall time, worker start to answer
    peak_rss_mb: float = 0.0  # the worker's peak resident memory


def _workers() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(int(limits.get("workers")))
        return _slots


def check_options(row_cap: object, seconds: object) -> tuple[int, float]:
    """A row cap and a time limit as the reader gave them (text or numbers), validated against
    etl.limits: positive, finite, at most the ceilings. LimitError (one line) otherwise."""
    cap = limits.parse("row_cap", row_cap, label="--row-cap")
    if cap > (most := limits.get("max_row_cap")):
        raise limits.LimitError(f"--row-cap must be at most {most:,}, not {cap:,}")
    secs = limits.parse("query_seconds", seconds, label="--seconds")
    if secs > (longest := limits.get("max_query_seconds")):
        raise limits.LimitError(f"--seconds must be at most {longest:g}, not {secs:g}")
    return int(cap), float(secs)


def deadline(seconds: float) -> float:
    """When the worker is killed, in seconds after it is ready to run the query."""
    return seconds * KILL_FACTOR + GRACE


def run(
    db: Path | str, sql: str, *, row_cap: int = DEFAULT_ROW_CAP, seconds: float = DEFAULT_SECONDS
) -> Result:
    """Run one reader query on the database file `db` in a bounded worker process."""
    try:
        row_cap, seconds = check_options(row_cap, seconds)
        sql_chars = int(limits.get("sql_chars"))
    except limits.LimitError as e:
        raise SqlRefused(str(e)) from None
    if len(sql) > sql_chars:
        raise SqlRefused(f"The query is longer than {sql_chars:,} characters.")
    if not sql.strip():
        raise SqlRefused("There is no query to run.")
    if why := problem(db):
        raise SqlRefused(f"The database cannot be read: {why}.")
    with duckdb.connect(":memory:", config={"enable_external_access": False}) as parser:
        if why := only_one_query(parser, sql):  # no worker for what is refused on sight
            raise SqlRefused(why)
    slots = _workers()
    if not slots.acquire(timeout=seconds):
        raise SqlRefused(
            "The explorer is busy with other queries; try again in a moment.", transient=True
        )
    try:
        return _in_worker(Path(db), sql, row_cap, seconds)
    finally:
        slots.release()


def _in_worker(db: Path, sql: str, row_cap: int, seconds: float) -> Result:
    worker_mb = int(limits.get("worker_mb"))
    request = {
        "db": str(db.resolve()),
        "sql": sql,
        "row_cap": row_cap,
        "seconds": seconds,
        "memory_mb": min(int(limits.get("memory_mb")), worker_mb // 2),
        "threads": int(limits.get("threads")),
        "worker_mb": worker_mb,
        "result_mb": int(limits.get("result_mb")),
    }
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ledger-sql-") as scratch:
        Path(scratch, "request.json").write_text(json.dumps(request), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-I", str(WORKER)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=scratch,
            env={"PATH": os.environ.get("PATH", ""), "HOME": scratch, "POLARS_MAX_THREADS": "1"},
            start_new_session=True,  # its own process group, killed as one
        )
        try:
            # The clock starts when the worker is ready (DuckDB loaded, database open), so a
            # busy machine's slow start does not count against the reader's query.
            if not _ready(proc, STARTUP):
                raise SqlRefused(
                    "The server is too busy to start the query; try again shortly.",
                    transient=True,
                )
            out, _ = proc.communicate(timeout=deadline(seconds))
        except subprocess.TimeoutExpired:
            raise SqlRefused(
                f"The query took longer than {seconds:g} s and was stopped.",
                peak_rss_mb=_high_water_mb(proc.pid),
            ) from None
        finally:
            _kill(proc)
        elapsed = time.monotonic() - start
    header, _, body = out.partition(b"\n")
    try:
        answer = json.loads(header)
    except ValueError:  # died before answering: the cap on its memory is the usual cause
        raise SqlRefused(
            f"The query was stopped: it needed more than the {worker_mb:,} MB a query may use."
        ) from None
    if not answer["ok"]:
        raise SqlRefused(
            _message(answer, seconds, request["memory_mb"], request["result_mb"]),
            peak_rss_mb=answer["peak_rss_mb"],
        )
    frame = pl.read_ipc_stream(io.BytesIO(body))
    return Result(frame, bool(answer["truncated"]), elapsed, answer["peak_rss_mb"])


def _ready(proc: subprocess.Popen, timeout: float) -> bool:
    """Wait for the worker's one-byte 'ready' (read unbuffered: communicate reads the rest)."""
    fd = proc.stdout.fileno()
    readable, _, _ = select.select([fd], [], [], timeout)
    return bool(readable) and os.read(fd, 1) == READY


def _high_water_mb(pid: int) -> float:
    """A running process's peak resident memory (VmHWM), read before it is killed."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _message(answer: dict, seconds: float, memory_mb: int, result_mb: int) -> str:
    kind, text = answer["kind"], answer.get("message", "")
    return {
        "time": f"The query took longer than {seconds:g} s and was stopped.",
        "memory": f"The query needed more than the {memory_mb:,} MB a query may use; "
        "it was stopped.",
        "files": "Reading files, URLs or extensions is switched off here; "
        "query the tables instead.",
        "locked": "The database configuration is locked.",
        "size": f"The result is larger than {result_mb:,} MB; select fewer rows or columns.",
        "db": f"The database cannot be opened: {text}",
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
