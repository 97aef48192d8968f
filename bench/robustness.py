"""Figures per family of hostile input (issue 11): cases tried, cases held, peak memory, time to
stop. Not part of the test run; the cases are the tests' own (tests/test_sandbox.py,
tests/badinputs.py), so the figures describe exactly what the tests hold.

    uv run python bench/robustness.py            # prints a Markdown table, writes RELIABILITY.md
    uv run python bench/robustness.py --no-write

A case "holds" when it ends in a one-line refusal (or, for result types, prints in table, CSV
and JSON) within the bound: for SQL, about twice its time limit once the worker runs; for raw
files, a build that is refused with its peak RSS under MEMORY_BOUND_MB. Peak memory is that of
the query worker (its own VmHWM, or its VmHWM read just before it is killed) or of the whole
`etl build` process (GNU time's maximum resident set size).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "RELIABILITY.md"
MARK = "<!-- i11:families -->"
START, END = "<!-- i11:start -->", "<!-- i11:end -->"
MEMORY_BOUND_MB = 1_536  # the worker's resident-memory cap; builds are held to the same figure


def _sql_family(db: Path, cases: dict[str, str], seconds: float) -> dict:
    from ledger.sandbox import SqlRefused, deadline, run

    held, peaks, stops = 0, [], []
    for sql in cases.values():
        start = time.monotonic()
        try:
            run(db, sql, seconds=seconds)
            ok = False
        except SqlRefused as e:
            peaks.append(e.peak_rss_mb)
            ok = "\n" not in str(e)
        took = time.monotonic() - start
        stops.append(took)
        held += ok and took < deadline(seconds) + 10
    return {"tried": len(cases), "held": held, "peak": max(peaks), "stop": max(stops)}


def _types_family(db: Path) -> dict:
    from ledger.sandbox import printable, run
    from tests.test_sandbox import TYPES

    held, peaks, stops = 0, [], []
    for sql in TYPES.values():
        start = time.monotonic()
        result = run(db, sql)
        shown = printable(result.frame)
        shown.write_csv(), json.dumps(shown.to_dicts(), default=str), str(shown)
        held += 1
        peaks.append(result.peak_rss_mb)
        stops.append(time.monotonic() - start)
    return {"tried": len(TYPES), "held": held, "peak": max(peaks), "stop": max(stops)}


def _raw_family(raw_dir: Path, ids: list[str]) -> dict:
    from tests.badinputs import CASES, prepare

    by_id = {c.id: c for c in CASES}
    held, peaks, stops = 0, [], []
    for case_id in ids:
        with tempfile.TemporaryDirectory() as scratch:
            broken = prepare(by_id[case_id], raw_dir, Path(scratch))
            db = Path(scratch) / "alliance.duckdb"
            start = time.monotonic()
            # GNU time reports the build's own peak (%M): ru_maxrss of a child forked from this
            # process would carry this process's size over exec.
            result = subprocess.run(
                ["/usr/bin/time", "-f", "peak-kb %M", sys.executable, "-m", "cli", "build"]
                + ["--raw-dir", str(broken.raw), "--db", str(db)],
                cwd=ROOT,
                env={**os.environ, "ALLIANCE_DATA_DIR": str(broken.facts)},
                capture_output=True,
                text=True,
            )
            took = time.monotonic() - start
            lines = result.stderr.strip().splitlines()
            peak = int(lines[-1].split()[-1]) / 1024
            stderr = "\n".join(x for x in lines[:-1] if not x.startswith("Command exited"))
            code = result.returncode
            one_line = len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
            held += code == 1 and one_line and peak < MEMORY_BOUND_MB
            peaks.append(peak)
            stops.append(took)
    return {"tried": len(ids), "held": held, "peak": max(peaks), "stop": max(stops)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", default=str(ROOT.parent / "shared" / "data" / "raw"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from etl.build import build
    from tests.test_sandbox import HOGS, REFUSED

    raw = Path(args.raw_dir)
    with tempfile.TemporaryDirectory() as scratch:
        db = build(raw if raw.is_dir() else None, Path(scratch) / "alliance.duckdb").db
        rows = {
            "SQL time and memory hogs (list/string functions, joins, recursion), 1 s limit": (
                _sql_family(db, HOGS, 1.0)
            ),
            "SQL escapes and runaways (files, ATTACH, SET, writes, ...), 1 s limit": (
                _sql_family(db, REFUSED, 1.0)
            ),
            "result types shown in table, CSV and JSON": _types_family(db),
        }
    special = ["sipri-fifo", "wb-gdp-fifo", "nato-dev-zero", "kiel-dev-urandom", "geo-folder"]
    special += ["cow-dangling-link"]
    sizes = ["nmc-oversize", "geo-oversize", "sipri-zip-bomb", "nato-million-rows"]
    control = ["geo-nul-in-name", "geo-escape-in-capital", "kiel-bell-in-weapons"]
    if raw.is_dir():
        rows["raw files: FIFOs, device links, folders, dangling links (`etl build`)"] = _raw_family(
            raw, special
        )
        rows["raw files: over the size cap, zip bomb, million-row sheet (`etl build`)"] = (
            _raw_family(raw, sizes)
        )
        rows["control characters in published text (`etl build`)"] = _raw_family(raw, control)
    lines = [
        "| family | cases tried | held | peak memory (MB) | longest time to stop (s) |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {r['tried']} | {r['held']} | {r['peak']:.0f} | {r['stop']:.1f} |"
            for name, r in rows.items()
        ),
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        doc = DOC.read_text(encoding="utf-8")
        if START not in doc:
            doc = doc.replace(MARK, f"{MARK}\n{START}\n{END}", 1)
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0 if all(r["held"] == r["tried"] for r in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
