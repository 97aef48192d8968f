"""The process that runs one reader query for ledger.sandbox, so a query can be stopped and bounded.

DuckDB's list and string functions (`range`, `list_resize`, `repeat`, `unnest` over a huge
range) neither check for interrupts nor stay inside its memory limit, so in the serving process
such a query could not be stopped and could take the machine's memory. Here it runs in a
process of its own whose address space is capped (RLIMIT_AS) before DuckDB is loaded, and which
ledger.sandbox kills at the deadline.

Run as a script (`python -I sqlworker.py`) in a scratch folder: it reads one JSON request from
request.json there, writes the byte R when ready, then one JSON header line on stdout, followed
by the result as an Arrow IPC stream when the header says ok. It imports nothing from the
project, so starting it costs only DuckDB's and Polars' import.
"""

from __future__ import annotations

import io
import json
import math
import re
import resource
import sys
import threading
from pathlib import Path

# Result types every output (table, CSV, JSON, the explorer's grid) shows as they are; every
# other type (interval, union, list, struct, map, array, blob, uuid, bit, hugeint, enum, ...)
# is cast to its DuckDB text form in the worker, so no reader ever meets a type it cannot show.
SHOWN_AS_IS = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE"
    r"|VARCHAR|DATE|TIME|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS"
    r"|TIMESTAMP WITH TIME ZONE|DECIMAL\(\d+,\d+\))$"
)


def _bound(request: dict) -> None:
    """Cap the address space and the CPU time before DuckDB allocates anything."""
    space = int(request["worker_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (space, space))
    # A backstop only (ledger.sandbox kills the worker at the deadline): CPU time of all threads.
    cpu = math.ceil(request["seconds"] * 2 * request["threads"]) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _high_water_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries that over
    exec from the forked copy of the parent, so it would report the server's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _answer(header: dict, body: bytes = b"") -> None:
    header["peak_rss_mb"] = _high_water_mb()
    sys.stdout.buffer.write(json.dumps(header).encode() + b"\n" + body)
    sys.stdout.buffer.flush()


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def only_one_query(con, sql: str) -> str | None:
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
        + ' as "'
        + name.replace('"', '""')
        + '"'
        for i, (name, t) in enumerate(zip(names, types, strict=True))
    )
    return limited.query("user_query", "select " + columns + " from user_query")


def _run(request: dict) -> None:
    import duckdb

    seconds, row_cap = request["seconds"], request["row_cap"]
    try:
        con = duckdb.connect(
            request["db"],
            read_only=True,
            config={
                "enable_external_access": False,
                "autoload_known_extensions": False,
                "autoinstall_known_extensions": False,
                "memory_limit": f"{request['memory_mb']}MB",
                "threads": request["threads"],
                "temp_directory": "",  # nothing spills to disk: the memory limit is the bound
                "allocator_background_threads": False,  # no spare threads under RLIMIT_AS
            },
        )
        # No file can be read, not even the database's own (read_blob); then freeze it all.
        con.execute("set disabled_filesystems = 'LocalFileSystem'")
        con.execute("set lock_configuration = true")
    except duckdb.Error as e:
        sys.stdout.buffer.write(b"R")  # ready to answer, if only with this
        _answer({"ok": False, "kind": "db", "message": _first_line(e)})
        return
    sys.stdout.buffer.write(b"R")  # ready: ledger.sandbox starts the query's clock now
    sys.stdout.buffer.flush()
    if why := only_one_query(con, request["sql"]):
        _answer({"ok": False, "kind": "refused", "message": why})
        return
    timer = threading.Timer(seconds, con.interrupt)  # the polite stop; the kill comes later
    timer.daemon = True
    timer.start()
    try:
        rel = con.sql(request["sql"])
        if rel is None:
            _answer({"ok": False, "kind": "refused", "message": "The statement returns no rows."})
            return
        frame = _shown(rel, row_cap).pl()
    except duckdb.InterruptException:
        _answer({"ok": False, "kind": "time", "message": ""})
        return
    except (duckdb.OutOfMemoryException, MemoryError):
        _answer({"ok": False, "kind": "memory", "message": ""})
        return
    except duckdb.PermissionException:
        _answer({"ok": False, "kind": "files", "message": ""})
        return
    except duckdb.Error as e:
        kind = "locked" if "configuration" in str(e) and "lock" in str(e) else "failed"
        _answer({"ok": False, "kind": kind, "message": _first_line(e)})
        return
    finally:
        timer.cancel()
    truncated = frame.height > row_cap
    buf = io.BytesIO()
    frame.head(row_cap).write_ipc_stream(buf)
    if buf.tell() > request["result_mb"] << 20:
        _answer({"ok": False, "kind": "size", "message": ""})
        return
    _answer({"ok": True, "truncated": truncated}, buf.getvalue())


def main() -> None:
    request = json.loads(Path("request.json").read_text(encoding="utf-8"))  # in its own cwd
    _bound(request)
    try:
        _run(request)
    except MemoryError:
        _answer({"ok": False, "kind": "memory", "message": ""})


if __name__ == "__main__":
    main()
