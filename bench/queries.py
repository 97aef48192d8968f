"""Benchmark 4, queries at scale: every indicator, on the real data and on synthetic data 10x and
100x larger, along two axes (bench/synthetic.py): more countries and groupings of the real
size ('groupings'), and more members per grouping ('members').

Each indicator runs with its default parameters through ledger.queries.run on a read-only
connection (as the dashboard opens it), warm: one discarded run, then several, round-robin over
the indicators so machine load hits all alike; the tables give the median and the minimum. On
the real data each indicator is also shown as a multiple of a reference query timed in the
same rounds (a scan and group-by of sipri_milex), which travels between machines better than
milliseconds. The growth exponent is the slope of log(time) against log(size in rows): 1 is
linear. It is given from 1x to 10x and from 10x to 100x, the latter being what large sizes do
once fixed costs (parsing, planning) stop dominating; above 1.1 is flagged. Goals: each
indicator under 50 ms on the real data, and growing no faster than linearly.

    uv run python -m bench.queries [--db BUILT.duckdb] [--only NAME ...] [--axis members]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench import Section, Table, interleaved, median, ms, synthetic
from core.db import connect_readonly
from etl.build import ROOT, build
from ledger import queries

RAW_DIR = ROOT.parent / "shared" / "data" / "raw"
GOAL_MS = 50.0
GOAL_EXPONENT = 1.1
FACTORS = (10, 100)
REFERENCE = "select iso3, sum(current_usd_m) as total from sipri_milex group by iso3"
COMMAND = "uv run python -m bench.queries"
SLOW_S = 2.0  # a query slower than this at a size gets one timed run there, not `repeat`


def _runner(con: duckdb.DuckDBPyConnection, name: str) -> Callable[[], object]:
    return lambda: queries.run(con, name)


def time_all(db: Path, names: list[str], repeat: int) -> dict[str, list[float]]:
    """Seconds per run of each indicator (and of the reference query) on one database."""
    con = connect_readonly(db)
    try:
        subjects = {name: _runner(con, name) for name in names}
        subjects["(reference)"] = lambda: con.sql(REFERENCE).fetchall()
        slow = {}
        for name, run in subjects.items():  # warm-up, and find the slow ones
            first = _timed(run)
            if first > SLOW_S:
                slow[name] = [_timed(run)]
        fast = {n: run for n, run in subjects.items() if n not in slow}
        return {**interleaved(fast, repeat=repeat, warmup=0), **slow}
    finally:
        con.close()


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def exponent(t0: float, t1: float, s0: float, s1: float) -> float:
    return math.log(t1 / t0) / math.log(s1 / s0)


def section(
    quick: bool = False,
    db: Path | None = None,
    only: list[str] | None = None,
    axes: tuple[str, ...] = synthetic.AXES,
    repeat: int | None = None,
) -> Section:
    repeat = repeat or (3 if quick else 7)
    names = only or queries.names()
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        real = db or build(RAW_DIR, Path(tmp) / "real.duckdb").db
        con = duckdb.connect(str(real), read_only=True)
        try:
            real_rows = synthetic.rows(con)
        finally:
            con.close()
        base = time_all(real, names, repeat + 2)
        grown: dict[str, dict[int, tuple[int, dict[str, list[float]]]]] = {}
        for axis in axes:
            grown[axis] = {}
            for factor in FACTORS:
                path = Path(tmp) / f"{axis}-{factor}.duckdb"
                size = synthetic.scale(real, path, factor, axis)
                grown[axis][factor] = (size, time_all(path, names, repeat))
                path.unlink()

    ref = base["(reference)"]
    real_rows_table = []
    for name in names:
        t = base[name]
        met = "yes" if ms(median(t)) < GOAL_MS else "**no**"
        command = f"{COMMAND} --only {name} --axis none"
        real_rows_table.append(
            [name, ms(median(t)), ms(min(t)), median(t) / median(ref), met, f"`{command}`"]
        )
    real_rows_table.append(
        ["(reference query)", ms(median(ref)), ms(min(ref)), 1.0, "", f"`{REFERENCE}`"]
    )
    met = sum(1 for r in real_rows_table[:-1] if r[4] == "yes")
    tables = [
        Table(
            f"Real data ({real_rows:,} rows)",
            ["indicator", "median ms", "min ms", "x reference", f"< {GOAL_MS:.0f} ms", "command"],
            real_rows_table,
            note=f"{repeat + 2} warm runs each, round-robin. Reference: `{REFERENCE}`.",
        )
    ]
    worst = 0.0
    for axis, by_factor in grown.items():
        (s10, t10), (s100, t100) = by_factor[10], by_factor[100]
        rows = []
        for name in names:
            m1, m10, m100 = median(base[name]), median(t10[name]), median(t100[name])
            e1 = exponent(m1, m10, real_rows, s10)
            e2 = exponent(m10, m100, s10, s100)
            worst = max(worst, e2)
            flag = "**yes**" if e2 > GOAL_EXPONENT else ""
            command = f"{COMMAND} --only {name} --axis {axis}"
            rows.append([name, ms(m1), ms(m10), ms(m100), e1, e2, flag, f"`{command}`"])
        tables.append(
            Table(
                f"Axis '{axis}': {real_rows:,} / {s10:,} / {s100:,} rows",
                [
                    "indicator",
                    "1x ms",
                    "10x ms",
                    "100x ms",
                    "exponent 1x-10x",
                    "exponent 10x-100x",
                    f"> {GOAL_EXPONENT}",
                    "command",
                ],
                rows,
                note=_AXIS_NOTES[axis],
            )
        )
    slowest = max(names, key=lambda n: median(base[n]))
    ratio = (
        f"Queries: {met} of {len(names)} under {GOAL_MS:.0f} ms on the real data (slowest "
        f"{slowest}, {ms(median(base[slowest])):.0f} ms = {median(base[slowest]) / median(ref):.1f}"
        f" x reference)"
    )
    if grown:
        ratio += f"; worst growth exponent 10x-100x {worst:.2f} (goal <= {GOAL_EXPONENT})"
    return Section(
        name="queries",
        title="4. Queries at scale",
        intro=__doc__.split("\n\n")[0].replace("\n", " ")
        + " "
        + __doc__.split("\n\n")[1].replace("\n", " "),
        command=COMMAND,
        ratio=ratio,
        tables=tables,
    )


_AXIS_NOTES = {
    "groupings": (
        "More countries and groupings, each grouping of its real size: the default parameters "
        "ask for NATO, so an indicator that filters early stays flat; one over every grouping "
        "(capability_balance, group_totals) grows with their number."
    ),
    "members": (
        "More members per grouping (NATO has 32 x factor members a year). Rank statistics are "
        "O(n log n) per grouping-year; Kendall's tau (exploitation_test) compares every pair of "
        "members, O(n^2) per year by definition: with ~32 members that is ~500 pairs, with 3,200 "
        "it is ~5 million."
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a built warehouse (default: build one)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these indicators only")
    parser.add_argument(
        "--axis",
        choices=[*synthetic.AXES, "both", "none"],
        default="both",
        help="which synthetic axis to grow (none: real data only)",
    )
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    axes = {"both": synthetic.AXES, "none": ()}.get(args.axis, (args.axis,))
    section(args.quick, args.db, args.only, axes, args.repeat).print()


if __name__ == "__main__":
    main()
