"""A reader's small query through ledger.sandbox: a new worker process per query (cold, what
every query paid before the pool) against the pool's ready workers, side by side. Not part of
the test run (no timed assertions there); the figures go in docs/RELIABILITY.md by hand.

    uv run python bench/sqlpool.py                 # the committed snapshot's database
    uv run python bench/sqlpool.py --db data/alliance.duckdb --queries 30

Each line times sandbox.run from the call to the frame in hand (checks, worker, query, Arrow);
"cold" closes the pool before each query so a process starts every time, "pool" warms it once
and waits until its workers are ready before the first timed query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "count": "select count(*) as n from defence_panel",
    "ten rows": "select * from country order by iso3 limit 10",
    "one year": "select * from defence_panel where year = 2020",
}


def _times(db: Path, sql: str, n: int, cold: bool) -> tuple[list[float], int]:
    from ledger import sandbox

    pool = sandbox.pool()
    pool.close()
    if not cold:
        sandbox.warm(db)
        while len(pool.pids()["idle"]) < pool.size():
            time.sleep(0.05)
    starts, times = pool.starts, []
    for _ in range(n):
        if cold:
            pool.close()
        start = time.perf_counter()
        sandbox.run(db, sql)
        times.append(time.perf_counter() - start)
    return times, pool.starts - starts


def _row(name: str, times: list[float], starts: int) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"| {name} | {statistics.median(times) * 1000:.0f} | {p95 * 1000:.0f} | "
        f"{max(times) * 1000:.0f} | {starts} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database file (default: built from the snapshot)")
    parser.add_argument("--queries", type=int, default=20, help="timed queries per mode and query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            from etl.build import build

            db = build(None, Path(scratch) / "alliance.duckdb").db
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.queries} each")
        print("| query, mode | median (ms) | p95 (ms) | max (ms) | processes started |")
        print("|---|---|---|---|---|")
        for label, sql in QUERIES.items():
            for mode in ("cold", "pool"):
                times, starts = _times(db, sql, args.queries, cold=mode == "cold")
                print(_row(f"{label}, {mode}", times, starts), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
