"""Run every benchmark in bench.MODULES and write docs/PERFORMANCE.md.

    uv run python -m bench.run            # all benchmarks, full repetitions
    uv run python -m bench.run --quick    # fewer repetitions, for a look
    uv run python -m bench.run --only etl # some of them (module names without 'bench.')

(`uv run python bench/run.py` works too.) Each benchmark's section of docs/PERFORMANCE.md lies
between its own markers (<!-- bench.etl BEGIN --> ... <!-- bench.etl END -->) and is replaced
when that benchmark runs; everything else in the file (what was changed and why, before/after
figures) is kept as written. A new benchmark gets its section appended at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the project root, not bench/, comes first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

from bench import MODULES, Section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "PERFORMANCE.md"
HEAD = """# Performance

How fast the build and the indicators are, each measured as a ratio against a baseline run in
the same process on the same machine (absolute times on a shared machine are noise). Sections
between `bench.* BEGIN/END` markers are written by `uv run python -m bench.run`.
"""


def run(modules: list[str], quick: bool) -> list[Section]:
    sections = []
    for name in modules:
        module = importlib.import_module(name)
        start = time.perf_counter()
        section = module.section(quick=quick)
        print(f"{name}: {section.ratio} ({time.perf_counter() - start:.0f} s)", flush=True)
        sections.append(section)
    return sections


def machine() -> str:
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "unknown"
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load}; Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"Polars {pl.__version__}"
    )


def markers(section: Section) -> tuple[str, str]:
    return f"<!-- bench.{section.name} BEGIN -->", f"<!-- bench.{section.name} END -->"


def block(section: Section, quick: bool) -> str:
    begin, end = markers(section)
    when = f"_Measured {machine()}{' with --quick' if quick else ''}._"
    return "\n".join([begin, section.markdown().rstrip(), "", when, end])


def write(doc: Path, sections: list[Section], quick: bool) -> None:
    """Replace each section's block in `doc`, or append it; the rest of the file stays."""
    text = doc.read_text(encoding="utf-8") if doc.is_file() else HEAD
    for section in sections:
        begin, end = markers(section)
        if begin in text and end in text:
            before, rest = text.split(begin, 1)
            text = before + block(section, quick) + rest.split(end, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + block(section, quick) + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


def report(section: Section, doc: Path | None, quick: bool) -> None:
    """A module run alone: its section into `doc` when given (as bench.run writes it), then
    printed."""
    if doc:
        write(doc, [section], quick)
        print(f"wrote {doc}", file=sys.stderr, flush=True)
    section.print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="e.g. etl queries")
    parser.add_argument("--doc", type=Path, default=DOC, help="where to write the tables")
    args = parser.parse_args()
    modules = [f"bench.{n}" for n in args.only] if args.only else list(MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; known: {list(MODULES)}")
    sections = run(modules, args.quick)
    write(args.doc, sections, args.quick)
    print(f"wrote {args.doc}")
    for section in sections:
        print(section.ratio)


if __name__ == "__main__":
    main()
