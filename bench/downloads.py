"""Figures per family of hostile publisher (issue "hardening, round two"): cases tried, cases
held, the longest time to stop and the peak memory. Not part of the test run; the cases are the
tests' own (tests/hostile.py, tests/test_fetch.py), plus the red team's originals at their own
scale (a byte of headers every 2 s, deflate empty blocks, under the 10 s per-file and 20 s
per-run deadlines; the 255 kB zip holding a 250 MB inner zip, under the real 32 MB cap).

    uv run python bench/downloads.py            # prints a Markdown table, writes RELIABILITY.md
    uv run python bench/downloads.py --no-write

Each case runs in a process of its own. A case holds when the refresh is refused in one line
naming no secret, with nothing written to the raw dir, no request to another host and, for a
trickle, the connection cut before the server finished. Peak memory is the process's VmHWM
over the refresh alone (reset through /proc/self/clear_refs once the hostile answer is built).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- downloads:start -->", "<!-- downloads:end -->"


def _originals():
    """The red team's cases at their own scale (the tests use 1 s deadlines and small caps)."""
    from tests.hostile import HEAD_200, KIEL, OK_TAIL, Case, _route, empty_blocks, nested_bomb
    from tests.hostile import trickle as drip
    from tests.test_download import Route

    issue = {"ALLIANCE_DOWNLOAD_FILE_SECONDS": "10", "ALLIANCE_DOWNLOAD_RUN_SECONDS": "20"}
    slow = Route(write=drip(HEAD_200, b"a", OK_TAIL, pause=2.0))
    return [
        Case(
            "headers-every-2-s",
            "originals",
            KIEL,
            _route(KIEL, slow),
            "longer than 10 s",
            issue,
            cut=True,
        ),  # noqa: E501
        Case(
            "deflate-empty-blocks",
            "originals",
            KIEL,
            _route(KIEL, Route(write=empty_blocks(b"deflate"))),
            "longer than 10 s",
            issue,
            cut=True,
        ),  # noqa: E501
        Case(
            "zip-holding-250-mb-zip",
            "originals",
            "cow-nmc",
            _route("cow-nmc", Route(nested_bomb(250, lie=False), "application/zip")),
            "declares 250.0 MB, over the 32 MB cap",
        ),  # noqa: E501
    ]


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    # on an older kernel the peak then includes building the hostile answer
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run_case(case_id: str) -> dict:
    """One case, in this process: the refresh's outcome as a JSON-able dict."""
    import tempfile

    from tests.hostile import CASES, LEAKS, run
    from tests.test_download import serve_tiny, serving, snapshot

    case = next(c for c in [*CASES, *_originals()] if c.id == case_id)
    os.environ.update(case.env)
    with tempfile.TemporaryDirectory() as scratch, serving() as site, serving() as other:
        serve_tiny(site)
        case.arrange(site, other)  # build the hostile answer before measuring
        _reset_peak()
        raw = Path(scratch) / "raw"
        err, seconds = run(case, site, other, raw)
        peak = _peak_mb()
        text = str(err) if err else ""
        if case.cut:
            ends = time.monotonic() + 15
            while not site.cut and time.monotonic() < ends:
                time.sleep(0.05)
        held = (
            err is not None
            and case.expect in err.problem
            and text.isprintable()
            and not any(leak in text for leak in LEAKS)
            and snapshot(raw) == {}
            and sum(other.hits.values()) == 0
            and (bool(site.cut) or not case.cut)
        )
    return {"held": held, "seconds": seconds, "peak": peak, "message": text}


def run_address(answer: list[str]) -> dict:
    """A publisher's host resolving to `answer` (no network: resolution is replaced)."""
    import tempfile

    from core.errors import EtlError
    from etl.download import SOURCES, refresh_raw

    connected = []
    socket.getaddrinfo = lambda host, port, *a, **k: [  # type: ignore[assignment]
        (socket.AF_INET6 if ":" in x else socket.AF_INET, socket.SOCK_STREAM, 6, "", (x, port))
        for x in answer
    ]

    def connect(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    socket.create_connection = connect  # type: ignore[assignment]
    source = next(s for s in SOURCES if s.key == "cow-codes")
    _reset_peak()
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        try:
            refresh_raw(Path(scratch) / "raw", sources=[source], base_urls={}, retries=1)
            err = None
        except EtlError as e:
            err = e
    seconds = time.monotonic() - start
    held = err is not None and "only public addresses" in err.problem and not connected
    return {"held": held, "seconds": seconds, "peak": _peak_mb(), "message": str(err)}


def _child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {
            "held": False,
            "seconds": float("nan"),
            "peak": float("nan"),
            "message": out.stderr[-300:],
        }  # noqa: E501


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return 0
    if args.address:
        print(json.dumps(run_address(json.loads(args.address))))
        return 0

    from tests.hostile import CASES, FAMILIES
    from tests.test_fetch import RESOLVED

    results: dict[str, list[dict]] = {}
    for case in [*CASES, *_originals()]:
        got = _child(["--case", case.id])
        results.setdefault(case.family, []).append(got)
        if not got["held"]:
            print(f"NOT HELD: {case.family}/{case.id}: {got['message']}", file=sys.stderr)
    for answer in RESOLVED:
        got = _child(["--address", json.dumps(answer)])
        results.setdefault("addresses", []).append(got)
        if not got["held"]:
            print(f"NOT HELD: address {answer}: {got['message']}", file=sys.stderr)
    names = {
        **FAMILIES,
        "addresses": "a publisher's host resolving to loopback, private, link-local, IPv4-mapped addresses",  # noqa: E501
        "originals": "the red team's own: headers every 2 s and deflate empty blocks (10 s / 20 s deadlines), a 250 MB zip inside a 249 kB zip (32 MB cap)",  # noqa: E501
    }
    lines = [
        "| family | cases tried | held | longest time to stop (s) | peak memory (MB) |",
        "|---|---|---|---|---|",
        *(
            f"| {names[family]} | {len(rows)} | {sum(r['held'] for r in rows)} | "
            f"{max(r['seconds'] for r in rows):.1f} | {max(r['peak'] for r in rows):.0f} |"
            for family, rows in results.items()
        ),
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        doc = DOC.read_text(encoding="utf-8")
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0 if all(r["held"] for rows in results.values() for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
