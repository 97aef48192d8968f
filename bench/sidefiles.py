"""Figures per family of hostile case against the project's own side files, outputs and caches:
cases tried, cases held, peak memory, longest time to stop. Not part of the test run; the
cases are the tests' own (tests/sidecases.py), so the figures describe what the tests hold.

    uv run python bench/sidefiles.py                     # prints a Markdown table, writes it
    uv run python bench/sidefiles.py --no-write          #   into docs/RELIABILITY.md, or not
    uv run python bench/sidefiles.py --before REV        # also how many held at commit REV

Each case runs as its own process under GNU time (peak RSS of the process tree it waits for),
with a deadline (HANG seconds, or --before-seconds for the older code, whose FIFOs hang and
whose --as-of 9999-12-31 runs for 15 minutes) and an address space of MEMORY_MB; a case
stopped at either did not hold.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- sidefiles:start -->", "<!-- sidefiles:end -->"
HANG = 300.0


def run_case(case, served: Path, cwd: Path, deadline: float) -> tuple[bool | None, float, float]:
    """(held, or None when skipped; seconds; peak MB) of one case run from the tree at `cwd`."""
    from tests.sidecases import can, judge

    if case.needs and not can(case.needs):
        return None, 0.0, 0.0
    with tempfile.TemporaryDirectory(prefix="sidecase-") as scratch:
        run = case.setup(Path(scratch), served)
        report = Path(scratch) / "time.out"
        argv = ["/usr/bin/time", "-o", str(report), "-f", "%M", *run.argv]
        start = time.monotonic()
        # its own session, so a case stopped at its deadline goes with its children (a holder)
        child = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **run.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=_bounded,
        )
        try:
            stdout, stderr = child.communicate(timeout=deadline)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return False, deadline, 0.0
        took = time.monotonic() - start
        result = subprocess.CompletedProcess(argv, child.returncode, stdout, stderr)
        lines = report.read_text().split() if report.exists() else []
        peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else 0.0
        return judge(run, result) is None, took, peak


MEMORY_MB = 4_096  # address space of each case: the older export of range(10^12) rows passed
# 7.7 GB in 40 s on the way to the machine's memory; a case that hits this bound did not hold


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_MB << 20, MEMORY_MB << 20))


def older_tree(rev: str, into: Path) -> Path:
    """The tree of commit `rev` (git archive), to run the same cases against older code."""
    archive = subprocess.run(
        ["git", "archive", rev], cwd=ROOT, capture_output=True, check=True
    ).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--before", help="a commit to run the cases against as well")
    parser.add_argument("--before-seconds", type=float, default=60.0)
    parser.add_argument("--only", help="run only cases whose id contains this")
    args = parser.parse_args()
    from etl.build import build
    from tests.sidecases import CASES, FAMILIES

    cases = [c for c in CASES if not args.only or args.only in c.id]
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="sidefiles-bench-") as scratch:
        served = build(None, Path(scratch) / "served" / "alliance.duckdb").db
        old = older_tree(args.before, Path(scratch) / "old") if args.before else None
        for case in cases:
            held, took, peak = run_case(case, served, ROOT, HANG)
            before = run_case(case, served, old, args.before_seconds)[0] if old else None
            row = rows.setdefault(
                case.family, {"tried": 0, "held": 0, "before": 0, "peak": 0.0, "stop": 0.0}
            )
            mark = "skipped" if held is None else "held" if held else "NOT HELD"
            was = "" if before is None else f" (before: {'held' if before else 'not held'})"
            print(f"{case.id:<28} {mark:<9} {took:6.1f} s {peak:6.0f} MB{was}", flush=True)
            if held is None:
                continue
            row["tried"] += 1
            row["held"] += held
            row["before"] += bool(before)
            row["peak"] = max(row["peak"], peak)
            row["stop"] = max(row["stop"], took)
    head = "| family | cases tried | held | peak memory (MB) | longest time to stop (s) |"
    rule = "|---|---|---|---|---|"
    if args.before:
        head = head.replace("| held |", f"| held | held at {args.before[:7]} |")
        rule += "---|"
    lines = [head, rule]
    for family in FAMILIES:
        if r := rows.get(family):
            before = f" {r['before']} |" if args.before else ""
            lines.append(
                f"| {family} | {r['tried']} | {r['held']} |{before} {r['peak']:.0f} | "
                f"{r['stop']:.1f} |"
            )
    text = "\n".join(lines)
    print(text)
    if not args.no_write and not args.only:
        doc = DOC.read_text(encoding="utf-8")
        head_, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head_}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0 if all(r["held"] == r["tried"] for r in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
