"""Benchmarks: scripts, not tests. Each one measures a thing as a ratio against a baseline run in
the same process on the same machine, because absolute times on a shared machine are noise.

Every benchmark is a module of this package with

* `section(quick: bool = False) -> Section`: run it and return its tables (bench.run collects
  these into docs/PERFORMANCE.md), and
* `main()`: run it alone (`uv run python -m bench.<name>`), print its tables and, last, its ratio.

To add a benchmark, write such a module and add its name to MODULES; `uv run python -m bench.run`
then runs it and writes its section. bench.dashboard needs Debian's Chromium (/usr/bin/chromium,
which scripts/test installs) and takes about 10-12 minutes; bench.servercpu (the same browser)
about 10. bench.jsprofile is a diagnostic, not a benchmark: Chromium's profile of one page's
load, app against bare page.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Run by bench.run in this order; each must have section() and main().
MODULES = ("bench.etl", "bench.queries", "bench.dashboard", "bench.servercpu")


@dataclass
class Table:
    """One markdown table: a title, column names, rows of cells and a note under it."""

    title: str
    columns: list[str]
    rows: list[list[object]]
    note: str = ""

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines)

    def text(self) -> str:
        """A plain-text rendering for the terminal."""
        cells = [self.columns, *[[_cell(c) for c in row] for row in self.rows]]
        widths = [max(len(str(r[i])) for r in cells) for i in range(len(self.columns))]
        out = [self.title]
        for r in cells:
            out.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
        return "\n".join(out)


@dataclass
class Section:
    """A benchmark's result: what it measures, its tables, its headline ratio against a goal."""

    name: str  # module name without the package, e.g. 'etl'
    title: str
    intro: str
    command: str  # reproduces the whole section
    ratio: str  # one line, e.g. 'build / floor = 1.42 (goal <= 1.5): met'
    tables: list[Table] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [f"## {self.title}", "", self.intro, "", f"Reproduce: `{self.command}`", ""]
        parts += [f"**{self.ratio}**", ""]
        for table in self.tables:
            parts += [table.markdown(), ""]
        return "\n".join(parts)

    def print(self) -> None:
        for table in self.tables:
            print(table.text(), end="\n\n")
        print(self.ratio)  # last line: the ratio


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def interleaved(
    subjects: dict[str, Callable[[], object]], repeat: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds per run of each subject, run round-robin so machine load hits all alike.

    Each round runs every subject once; the order rotates every round so that none always runs
    right after another (caches, CPU frequency). Warm-up rounds are run and discarded.
    """
    names = list(subjects)
    times: dict[str, list[float]] = {n: [] for n in names}
    for i in range(warmup + repeat):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            subjects[name]()
            elapsed = time.perf_counter() - start
            if i >= warmup:
                times[name].append(elapsed)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def paired_ratio(subject: Sequence[float], baseline: Sequence[float]) -> float:
    """Median of the per-round ratios subject / baseline (rounds ran back to back)."""
    return statistics.median(s / b for s, b in zip(subject, baseline, strict=True))


def ms(seconds: float) -> float:
    return seconds * 1000
