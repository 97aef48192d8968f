"""The process that runs reader queries for ledger.sandbox, one at a time, so each can be stopped.

DuckDB's list and string functions (`range`, `list_resize`, `repeat`, `unnest` over a huge
range) neither check for interrupts nor stay inside its memory limit, so in the serving process
such a query could not be stopped and could take the machine's memory. Here it runs in a
process of its own that ledger.sandbox watches: killed at the deadline, or as soon as its
resident memory passes the cap (the address space is not capped: DuckDB, Arrow and their
allocators reserve far more of it than they ever touch).

Run as a script (`python -I sqlworker.py`) in a scratch folder. The first line on stdin names
the database and its settings; the worker opens it, locks it down and sends a ready frame.
Then each further line is one query (JSON); the answer is zero or more data frames (an Arrow IPC
stream, in pieces) and one end frame (JSON: ok, or why not). A frame is a one-byte tag, a
four-byte length and the payload. Every query gets a new cursor, closed after it, so nothing a
query leaves on its connection (random seed, variables, temporary objects) reaches the next.
The worker imports nothing from the project, so starting it costs only DuckDB's and Arrow's
import.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import struct
import sys
import threading
from pathlib import Path

FRAME = struct.Struct("!cI")  # tag, payload length
READY, DATA, END = b"R", b"D", b"E"
PIECE = 1 << 20  # data frames carry at most this many bytes
BATCH_ROWS = 8_192  # rows per Arrow batch: the result's size is checked batch by batch

# Result types every output (table, CSV, JSON, the explorer's grid) shows as they are, when their
# values are in range (below); every other type (interval, union, list, struct, map, array, blob,
# uuid, bit, hugeint, enum, time_ns, geometry, ...) is cast to its DuckDB text form here, so no
# reader ever meets a type they cannot show.
SHOWN_AS_IS = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE"
    r"|VARCHAR|DATE|TIME|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS"
    r"|TIMESTAMP WITH TIME ZONE|DECIMAL\(\d+,\d+\))$"
)
# What Python (and so Polars' rows, JSON, Streamlit) can hold: years 1 to 9999, times before
# 24:00. DuckDB's dates and timestamps reach millions of years either way and infinity, which
# Polars cannot turn into Python values (it panics), so a column holding any value outside
# these bounds is sent as DuckDB's own text for it ('infinity', '5877642-06-25 (BC)').
FIRST_DAY, LAST_DAY = -719_162, 2_932_896  # 0001-01-01 and 9999-12-31, days since 1970
FIRST_SECOND, END_SECOND = FIRST_DAY * 86_400, (LAST_DAY + 1) * 86_400
ZONE_MARGIN = 86_400  # a timestamp with a time zone may move a day either way when shown
PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
INT64 = (-(1 << 63), (1 << 63) - 1)  # DuckDB: -infinity is min + 1, infinity is max

_out = -1  # the protocol's file descriptor; fd 1 itself is sent to /dev/null (stray prints)


def _send(tag: bytes, payload: bytes = b"") -> None:
    view = memoryview(FRAME.pack(tag, len(payload)) + payload)
    while view:
        view = view[os.write(_out, view) :]


def _resident_mb() -> tuple[float, float]:
    """(resident now, peak since the last reset) in MB, from /proc/self/status."""
    now = peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def _reset_peak() -> None:
    """Start the peak (VmHWM) again from the current size: each query reports its own."""
    with contextlib.suppress(OSError):  # an older kernel: the peak is then the worker's life's
        Path("/proc/self/clear_refs").write_text("5")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _answer(header: dict, cpu_start: float) -> None:
    now, peak = _resident_mb()
    header.update(peak_rss_mb=peak, rss_mb=now, cpu_seconds=_cpu_seconds() - cpu_start)
    _send(END, json.dumps(header).encode())


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def only_one_query(con, sql: str) -> str | None:
    """Why `sql` may not run here (not exactly one SELECT-like statement), or None."""
    import duckdb

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        return f"The SQL could not be parsed: {_first_line(e)}"
    if not statements:
        return "There is no query to run."
    if len(statements) > 1:
        return "Run one statement at a time."
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        return (
            "Only read-only queries (SELECT, WITH, FROM, VALUES, DESCRIBE) can run here; "
            f"this is a {kind.name} statement."
        )
    return None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _shown(rel, row_cap: int):
    """The relation limited to row_cap + 1 rows, every column of a type all outputs can show,
    and column names made unique (a frame cannot hold two columns of one name)."""
    limited = rel.limit(row_cap + 1)
    names, seen = [], set()
    for name in rel.columns:
        unique, n = name, 1
        while unique in seen:
            n += 1
            unique = f"{name}_{n}"
        seen.add(unique)
        names.append(unique)
    types = [str(t) for t in rel.types]
    if names == rel.columns and all(SHOWN_AS_IS.match(t) for t in types):
        return limited
    # Identifiers only (positions and quoted names), never a value, go into this text.
    columns = ", ".join(
        ("#{i}" if SHOWN_AS_IS.match(t) else "cast(#{i} as varchar)").format(i=i + 1)
        + " as "
        + _quoted(name)
        for i, (name, t) in enumerate(zip(names, types, strict=True))
    )
    return limited.query("user_query", "select " + columns + " from user_query")


def _collect(rel, row_cap: int, most_bytes: int):
    """The result as an Arrow table, read batch by batch: None once it passes most_bytes (so a
    result too large is never held whole), else (table of at most row_cap rows, truncated)."""
    import pyarrow as pa

    reader = rel.to_arrow_reader(BATCH_ROWS)
    batches, size, rows = [], 0, 0
    for batch in reader:
        size += batch.nbytes
        if size > most_bytes:
            return None
        batches.append(batch)
        rows += batch.num_rows
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return table.slice(0, row_cap), rows > row_cap


def _out_of_range(column) -> bool:
    """Whether a date, timestamp or time column holds a value Python cannot (see FIRST_DAY)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_date32(kind):
        lo, hi = FIRST_DAY, LAST_DAY
        values = column.cast(pa.int32())
    elif pa.types.is_timestamp(kind):
        per = PER_SECOND[kind.unit]
        margin = ZONE_MARGIN if kind.tz else 0
        lo = max((FIRST_SECOND + margin) * per, INT64[0] + 2)
        hi = min((END_SECOND - margin) * per - 1, INT64[1] - 1)
        values = column.cast(pa.int64())
    elif pa.types.is_time64(kind):
        lo, hi = 0, 86_400 * PER_SECOND[kind.unit] - 1  # 24:00:00 is a DuckDB time, not Python's
        values = column.cast(pa.int64())
    else:
        return False
    if column.null_count == len(column):
        return False
    bounds = pc.min_max(values)
    return bounds["min"].as_py() < lo or bounds["max"].as_py() > hi


def _in_range(cur, table):
    """The table with every date, timestamp or time column that holds a value Python cannot
    hold turned into DuckDB's text for its values (the whole column, so it has one type)."""
    flagged = [i for i, column in enumerate(table.columns) if _out_of_range(column)]
    if not flagged:
        return table
    columns = ", ".join(
        (f"cast(#{i + 1} as varchar)" if i in flagged else f"#{i + 1}") + " as " + _quoted(name)
        for i, name in enumerate(table.column_names)
    )
    shown = cur.from_arrow(table).query("shown", "select " + columns + " from shown")
    return shown.to_arrow_table()


def _ipc(table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _serve(con, request: dict) -> None:
    """Run one query on a new cursor of `con` and send its answer."""
    import duckdb

    _reset_peak()
    cpu_start = _cpu_seconds()
    seconds, row_cap = request["seconds"], request["row_cap"]
    # A backstop only (ledger.sandbox kills the worker at the deadline): CPU time of all threads.
    budget = int(cpu_start + seconds * 2 * request["threads"]) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (budget, resource.RLIM_INFINITY))
    cur = con.cursor()
    timer = threading.Timer(seconds, cur.interrupt)  # the polite stop; the kill comes later
    timer.daemon = True
    timer.start()
    try:
        if why := only_one_query(cur, request["sql"]):
            return _answer({"ok": False, "kind": "refused", "message": why}, cpu_start)
        rel = cur.sql(request["sql"])
        if rel is None:
            message = "The statement returns no rows."
            return _answer({"ok": False, "kind": "refused", "message": message}, cpu_start)
        collected = _collect(_shown(rel, row_cap), row_cap, request["result_mb"] << 20)
        if collected is None:
            return _answer({"ok": False, "kind": "size", "message": ""}, cpu_start)
        table, truncated = collected
        body = _ipc(_in_range(cur, table))  # as text, a column of dates can grow: check again
        if len(body) > request["result_mb"] << 20:
            return _answer({"ok": False, "kind": "size", "message": ""}, cpu_start)
    except duckdb.InterruptException:
        return _answer({"ok": False, "kind": "time", "message": ""}, cpu_start)
    except (duckdb.OutOfMemoryException, MemoryError):
        return _answer({"ok": False, "kind": "memory", "message": ""}, cpu_start)
    except duckdb.PermissionException:
        return _answer({"ok": False, "kind": "files", "message": ""}, cpu_start)
    except duckdb.Error as e:
        kind = "locked" if "configuration" in str(e) and "lock" in str(e) else "failed"
        return _answer({"ok": False, "kind": kind, "message": _first_line(e)}, cpu_start)
    finally:
        timer.cancel()
        cur.close()
        resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY,) * 2)
    view = memoryview(body)
    for start in range(0, len(view), PIECE):
        _send(DATA, bytes(view[start : start + PIECE]))
    _answer({"ok": True, "truncated": truncated, "rows": table.num_rows}, cpu_start)


def _open(setup: dict):
    import duckdb

    con = duckdb.connect(
        setup["db"],
        read_only=True,
        config={
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "memory_limit": f"{setup['memory_mb']}MB",
            "threads": setup["threads"],
            "temp_directory": "",  # nothing spills to disk: the memory limit is the bound
        },
    )
    # No file can be read, not even the database's own (read_blob); then freeze it all. Both are
    # settings of the database, so every cursor of the connection has them.
    con.execute("set disabled_filesystems = 'LocalFileSystem'")
    con.execute("set lock_configuration = true")
    return con


def main() -> None:
    global _out
    _out = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # a library's stray print must not break the frames
    setup = json.loads(sys.stdin.readline())
    import duckdb
    import pyarrow as pa

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    try:
        con = _open(setup)
    except duckdb.Error as e:
        _send(READY, json.dumps({"ok": False, "message": _first_line(e)}).encode())
        return
    _send(READY, json.dumps({"ok": True}).encode())
    for line in sys.stdin:  # the pool closes stdin to end the worker
        try:
            _serve(con, json.loads(line))
        except MemoryError:
            _answer({"ok": False, "kind": "memory", "message": ""}, _cpu_seconds())


if __name__ == "__main__":
    main()
