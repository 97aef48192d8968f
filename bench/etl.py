"""Benchmark 1, ETL: `etl build` from the raw files against the floor, in one process.

The floor is only reading every raw file the build loads, each with the fastest reader there is
for it: calamine (fastexcel) for every sheet of a workbook, polars for CSV, the standard library
for the one JSON file (polars' read_json takes twice as long on it). No parsing into tidy
tables, no database. The build is etl.build.build() into a fresh temporary directory, exactly
what `etl build --raw-dir ... --db ...` runs. Floor and build run round-robin in the same
process (after a warm-up round that pays the imports), so machine load hits both alike; the
headline is the median over rounds of build / floor. Goal: at most 1.5.

    uv run python -m bench.etl [--raw-dir ../shared/data/raw] [--repeat 9]
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import fastexcel
import polars as pl

from bench import Section, Table, interleaved, median, ms, paired_ratio
from etl import sources
from etl.build import ROOT, BuildResult, build
from etl.warehouse import create_schema, create_views

RAW_DIR = ROOT.parent / "shared" / "data" / "raw"
GOAL = 1.5
COMMAND = "uv run python -m bench.etl"


def _read_xlsx(path: Path) -> None:
    reader = fastexcel.read_excel(path)
    for sheet in reader.sheet_names:
        reader.load_sheet(sheet, header_row=None, skip_rows=0).to_arrow()


def _read_csv(path: Path) -> None:
    # No header, no type inference, ragged lines allowed: the World Bank preamble is shorter.
    pl.read_csv(path, has_header=False, infer_schema=False, truncate_ragged_lines=True)


def _read_json(path: Path) -> None:
    json.loads(path.read_bytes())


# Build step -> the raw folder its parser reads, to set each parser against its own files' floor.
STEP_FOLDERS = {step: f"{sources.step_source(step).folder}/" for step in sources.parsers()}
READERS: dict[str, tuple[str, Callable[[Path], None]]] = {
    ".xlsx": ("fastexcel (calamine), every sheet", _read_xlsx),
    ".csv": ("polars.read_csv", _read_csv),
    ".json": ("json.loads", _read_json),
}


def raw_files(result: BuildResult, raw_dir: Path) -> list[Path]:
    """The raw files the build loaded (its source_file rows), not data/ nor unread extras."""
    return [raw_dir / f.name for f in result.files if (raw_dir / f.name).is_file()]


def floor(files: list[Path]) -> None:
    for path in files:
        READERS[path.suffix][1](path)


def empty_warehouse(db: Path) -> None:
    """What any build pays for its database before a single row: a new file with the schema
    and the views, checkpointed and closed. Not part of the floor; shown beside it."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        create_schema(con)
        create_views(con)
        con.execute("checkpoint")
    finally:
        con.close()


def section(quick: bool = False, raw_dir: Path = RAW_DIR, repeat: int | None = None) -> Section:
    repeat = repeat or (3 if quick else 9)
    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # dtype guesses of the floor's reads
    with tempfile.TemporaryDirectory(prefix="bench-etl-") as tmp:
        db, empty = Path(tmp) / "bench.duckdb", Path(tmp) / "empty.duckdb"
        results: list[BuildResult] = []
        first = build(raw_dir, db)  # also pays every import before anything is timed
        files = raw_files(first, raw_dir)
        folders = {
            folder: [p for p in files if p.relative_to(raw_dir).as_posix().startswith(folder)]
            for folder in STEP_FOLDERS.values()
        }
        times = interleaved(
            {
                "floor": lambda: floor(files),
                "build": lambda: results.append(build(raw_dir, db)),
                "empty": lambda: empty_warehouse(empty),
                **{folder: (lambda f=f: floor(f)) for folder, f in folders.items()},
            },
            repeat=repeat,
            warmup=1,
        )
    results = results[1:]  # the warm-up round's build
    floor_s, build_s, empty_s = times["floor"], times["build"], times["empty"]
    ratio = paired_ratio(build_s, floor_s)
    ratio_min = min(build_s) / min(floor_s)

    headline = Table(
        "Build against the floor",
        ["what", "median ms", "min ms", "x floor (paired median)", "x floor (min / min)"],
        [
            ["floor: read every raw file", ms(median(floor_s)), ms(min(floor_s)), 1.0, 1.0],
            ["etl build", ms(median(build_s)), ms(min(build_s)), ratio, ratio_min],
            [
                "empty warehouse: schema, views, checkpoint, no rows",
                ms(median(empty_s)),
                ms(min(empty_s)),
                paired_ratio(empty_s, floor_s),
                min(empty_s) / min(floor_s),
            ],
        ],
        note=f"{repeat} rounds after one warm-up round; {len(files)} raw files.",
    )
    floor_med, build_med = median(floor_s), median(build_s)
    step_rows = []
    for step in results[0].seconds:
        values = [r.seconds.get(step, 0.0) for r in results]
        own = times.get(STEP_FOLDERS.get(step, ""))
        step_rows.append(
            [
                step,
                ms(median(values)),
                100 * median(values) / build_med,
                median(values) / floor_med,
                median(values) / median(own) if own else "",
            ]
        )
    breakdown = Table(
        "Where the build's time goes (BuildResult.seconds)",
        ["step", "median ms", "% of build", "x whole floor", "x floor of its own files"],
        step_rows,
        note=(
            "A step runs from its name to the next one: 'start' is cleaning up and the "
            "memberships files, each source is its parser (with the sha256 of its files), 'load' "
            "is creating the database, inserting, the views and macros and the source_file "
            "rows, 'check' the checks, the etl_run rows and the checkpoint, 'publish' fsync and "
            "rename. The last column sets a parser against reading its own folder's files, "
            "timed in the same rounds (kiel/ serves both Kiel steps)."
        ),
    )
    per_file = interleaved({p.name: (lambda p=p: floor([p])) for p in files}, repeat=repeat)
    file_rows = [
        [p.relative_to(raw_dir).as_posix(), READERS[p.suffix][0], ms(median(per_file[p.name]))]
        for p in files
    ]
    by_file = Table("The floor, file by file", ["raw file", "reader", "median ms"], file_rows)
    verdict = "met" if ratio <= GOAL else "not met"
    return Section(
        name="etl",
        title="1. ETL: full build against the floor",
        intro=__doc__.split("\n\n")[1].replace("\n", " "),
        command=COMMAND,
        ratio=f"ETL build / floor = {ratio:.2f} (min/min {ratio_min:.2f}); "
        f"goal <= {GOAL}: {verdict}",
        tables=[headline, breakdown, by_file],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", type=Path, default=RAW_DIR)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    args = parser.parse_args()
    section(args.quick, args.raw_dir, args.repeat).print()


if __name__ == "__main__":
    main()
