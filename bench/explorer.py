"""Figures per family of the SQL explorer's cases (ledger.sandbox, app.explorer): cases tried,
cases held, peak memory, time to stop or answer. Not part of the test run; the cases are the
tests' own (tests/test_sandbox.py), so the figures describe exactly what the tests hold.

    uv run python bench/explorer.py                      # prints a Markdown table
    uv run python bench/explorer.py --raw-dir DIR --write  # and writes docs/RELIABILITY.md

A case holds when it answers (ordinary queries, every value printed as table, CSV and JSON), or
when it is refused in one line that names its true cause (memory, time, a signal from outside,
a crash, the result's size, the encoding). Peak memory is the query worker's (VmHWM, reset at
each query, or read just before the kill); the server's own growth is measured for the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- explorer:start -->", "<!-- explorer:end -->"


def _family() -> dict:
    return {"tried": 0, "held": 0, "peak": 0.0, "stop": 0.0}


def _count(family: dict, held: bool, peak: float, took: float) -> None:
    family["tried"] += 1
    family["held"] += bool(held)
    family["peak"] = max(family["peak"], peak)
    family["stop"] = max(family["stop"], took)


def _timed(fn):
    start = time.monotonic()
    try:
        return fn(), None, time.monotonic() - start
    except Exception as e:  # noqa: BLE001 - the refusal is the figure
        return None, e, time.monotonic() - start


def _every_table(db: Path) -> dict:
    import duckdb

    from ledger.sandbox import printable, run

    family = _family()
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()
        ]
        counts = {n: con.sql(f'select count(*) from "{n}"').fetchall()[0][0] for n in names}  # noqa: S608
    for name in sorted(names):
        result, error, took = _timed(
            lambda n=name: run(db, f'select * from "{n}"', row_cap=100_000)
        )
        held = error is None and result.frame.height == min(counts[name], 100_000)
        if held:
            printable(result.frame).write_csv()
        _count(family, held, result.peak_rss_mb if result else error.peak_rss_mb, took)
    return family


def _large(db: Path) -> dict:
    from ledger.sandbox import run

    family = _family()
    cases = [
        ("select * from defence_panel", None),
        ("select repeat('x', 1000) || i as s from range(20000) t(i)", None),
        ("select repeat('x', 600) || i as s from range(100000) t(i)", None),
        ("select repeat('x', 700) || i as s from range(100000) t(i)", "larger than"),
    ]
    for sql, refusal in cases:
        result, error, took = _timed(lambda s=sql: run(db, s, row_cap=100_000))
        held = error is None if refusal is None else refusal in str(error)
        _count(family, held, result.peak_rss_mb if result else error.peak_rss_mb, took)
    return family


def _values(db: Path) -> dict:
    from ledger.cli import _json_value
    from ledger.sandbox import printable, run
    from tests.test_sandbox import EXTREMES, IN_RANGE

    family = _family()
    cases = [f"select {e} as v" for e in (*EXTREMES.values(), *IN_RANGE.values())]
    cases.append("select * from test_all_types()")
    for sql in cases:
        result, error, took = _timed(lambda s=sql: run(db, s))
        held = False
        if error is None:
            shown = printable(result.frame)
            shown.write_csv(), str(shown)
            rows = [{k: _json_value(v) for k, v in r.items()} for r in shown.iter_rows(named=True)]
            json.dumps(rows, default=str, allow_nan=False)
            held = True
        _count(family, held, result.peak_rss_mb if result else 0.0, took)
    return family


def _stops(db: Path) -> dict:
    from ledger.sandbox import SqlRefused, pool, run

    runaway = "select count(*) from range(10000000000) a, range(10) b"
    family = _family()

    def killed(signum: int) -> None:
        while not pool().pids()["busy"]:
            time.sleep(0.01)
        time.sleep(0.5)
        os.kill(pool().pids()["busy"][0], signum)

    cases = [
        (runaway, 20.0, signal.SIGKILL, "killed from outside (signal 9"),
        (runaway, 20.0, signal.SIGTERM, "killed from outside (signal 15"),
        (runaway, 20.0, signal.SIGSEGV, "crashed (signal 11"),
        (runaway, 1.0, None, "took longer than 1 s"),
        ("select length(range(0, 400000000)) as n", 20.0, None, "MB of memory"),
        ("select length(list_resize([1], 300000000)) as n", 1.0, None, "longer than"),
        ("select repeat('x', 100000000) as s", 5.0, None, "larger than"),
    ]
    for sql, seconds, signum, needle in cases:
        if signum is not None:
            threading.Thread(target=killed, args=(signum,), daemon=True).start()
        result, error, took = _timed(lambda s=sql, t=seconds: run(db, s, seconds=t))
        message = str(error or "")
        held = isinstance(error, SqlRefused) and needle in message and "\n" not in message
        _count(family, held, error.peak_rss_mb if isinstance(error, SqlRefused) else 0.0, took)
    return family


def _utf8(db: Path) -> dict:
    import subprocess

    from ledger.sandbox import SqlRefused, run

    family = _family()
    for sql in ("select '\udcff' as x", b"select '\xff' as x", "select 1 as \ud800"):
        _, error, took = _timed(lambda s=sql: run(db, s))
        _count(family, isinstance(error, SqlRefused) and "UTF-8" in str(error), 0.0, took)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "cli", "sql", b"select '\xff'", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
    )
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    _count(family, done.returncode == 4 and len(lines) == 1, 0.0, time.monotonic() - start)
    return family


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cache(db: Path) -> str:
    """30 distinct 4.5 MB answers through the explorer (the issue's case)."""
    os.environ["ALLIANCE_DB"] = str(db)
    from app import explorer

    explorer.explore("select 1", 10, 5)
    before = _resident_mb()
    for i in range(30):
        answer = explorer.explore(f"select repeat('x', 4500) || {i} as s from range(1000)", 1000, 5)
        assert answer.refusal is None, answer.refusal
    after = _resident_mb()
    return (
        f"30 distinct 4.5 MB answers through the explorer: {len(explorer.CACHE)} kept, "
        f"{explorer.CACHE.nbytes / (1 << 20):.1f} MB counted (budget 64 MB); this process "
        f"{before:.0f} MB before, {after:.0f} MB after"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", default=os.environ.get("ALLIANCE_RAW_DIR"))
    parser.add_argument("--write", action="store_true", help="write docs/RELIABILITY.md")
    args = parser.parse_args()
    from etl.build import build

    raw = Path(args.raw_dir) if args.raw_dir else None
    with tempfile.TemporaryDirectory() as scratch:
        db = build(raw if raw and raw.is_dir() else None, Path(scratch) / "alliance.duckdb").db
        rows = {
            "`select * from` every table and view of the warehouse, row cap 100,000": (
                _every_table(db)
            ),
            "large results: `defence_panel` whole, 20 MB, 60 MB; 70 MB refused at the cap": (
                _large(db)
            ),
            "values Python cannot hold (infinite, far, 24:00), in-range ones, `test_all_types()`,"
            " printed as table, CSV and JSON": _values(db),
            "stops named by cause: SIGKILL, SIGTERM (outside), SIGSEGV (crash), deadline, "
            "memory cap, result cap": _stops(db),
            "SQL that is not UTF-8 (three in the sandbox, one on the command line)": _utf8(db),
        }
        cache = _cache(db)
    lines = [
        "| family | cases tried | held | peak worker memory (MB) | longest time (s) |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {r['tried']} | {r['held']} | {r['peak']:.0f} | {r['stop']:.1f} |"
            for name, r in rows.items()
        ),
        "",
        cache + ".",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        doc = DOC.read_text(encoding="utf-8")
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0 if all(r["held"] == r["tried"] for r in rows.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
