"""Load test of the dashboard: N concurrent browser sessions against one `streamlit run`.

    uv run python bench/load.py                      # 20 sessions, writes docs/RELIABILITY.md
    uv run python bench/load.py --sessions 5 --no-write

Not part of the test run. It builds a database (from --raw-dir if the raw files are there,
else from the committed snapshot) unless --db is given, starts the app with ALLIANCE_DB set
(`python -m streamlit run dashboard.py` headless on a free port of 127.0.0.1: only loopback is
ever contacted), then drives N Playwright browser contexts at once in one Debian Chromium
(/usr/bin/chromium; never `playwright install`). Each session:

  1. opens the landing page and waits until every chart is drawn (each stPlotlyChart holds a
     drawn .js-plotly-plot), the script run has finished, and that holds for a second (the
     second is not counted);
  2. opens the burden-sharing page, the same wait;
  3. changes a control (the Year selectbox to 2020), waits for the charts to be redrawn for 2020.

An error is an exception element on the page ([data-testid="stException"]), a timeout, a
browser error, or a traceback in the server log; there must be none. Reported: median and p95
of each step and of the whole session, the app's peak RSS (the sum of VmRSS over the server's
process tree, sampled every 0.2 s, and the server's own VmHWM), and the wall time. The summary
is printed and written between the load markers of docs/RELIABILITY.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import ARGS, CHROMIUM, VIEWPORT, serve  # noqa: E402

DOC = ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"
STEPS = ("landing page", "second page", "control change")

# True once the script run is over and every chart container holds a drawn plot.
ALL_DRAWN = """() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.length > 0 && charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""
STABLE_S = 1.0  # seconds the drawn state must hold (not counted in the timings)
# True when a chart title mentions `text` (the redraw after a control change).
TITLE_HAS = """(text) => [...document.querySelectorAll('.js-plotly-plot .gtitle')]
    .some(t => t.textContent.includes(text))"""


@dataclass
class Session:
    number: int
    seconds: dict[str, float] = field(default_factory=dict)
    charts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


# --- the server ----------------------------------------------------------------------------


def _status(pid: int, key: str) -> int:
    """A /proc/<pid>/status field in kB (0 once the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
    return int(m[1]) if m else 0


def _tree(root: int) -> list[int]:
    """root and its descendants, from the ppid field of /proc/<pid>/stat."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        grew, tree = bool(more), tree | more
    return sorted(tree)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process tree (/proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


class RssSampler(threading.Thread):
    """Peak of the summed VmRSS of a process tree, every `every` seconds until stopped."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            total = sum(_status(p, "VmRSS") for p in _tree(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self.stop.wait(self.every)


# --- the sessions --------------------------------------------------------------------------


async def _drawn(page, step: str, session: Session, timeout_ms: int) -> float:
    """Wait until every chart is drawn and stays so for STABLE_S (a page may rerun once, e.g.
    to write its controls into the URL); returns when that state was first reached."""
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        left = max(1, int((deadline - time.perf_counter()) * 1000))
        await page.wait_for_function(ALL_DRAWN, timeout=left)
        reached = time.perf_counter()
        count = await page.locator('[data-testid="stPlotlyChart"]').count()
        await page.wait_for_timeout(STABLE_S * 1000)
        still = await page.evaluate(f"({ALL_DRAWN})()")
        if still and await page.locator('[data-testid="stPlotlyChart"]').count() == count:
            break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{step}: the charts never settled")
    session.charts[step] = count
    if n := await page.locator('[data-testid="stException"]').count():
        session.errors.append(f"{step}: {n} exception(s) shown")
    return reached


async def one_session(browser, base: str, number: int, timeout_ms: int) -> Session:
    session = Session(number)
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.on("pageerror", lambda e: session.errors.append(f"page error: {e}"))
    step = STEPS[0]
    try:
        started = time.perf_counter()
        await page.goto(base + "/", timeout=timeout_ms)
        session.seconds[step] = await _drawn(page, step, session, timeout_ms) - started

        step = STEPS[1]
        started = time.perf_counter()
        await page.goto(base + "/burden-sharing", timeout=timeout_ms)
        session.seconds[step] = await _drawn(page, step, session, timeout_ms) - started

        step = STEPS[2]
        started = time.perf_counter()
        box = page.get_by_test_id("stSelectbox").filter(has_text="Year").first
        await box.click(timeout=timeout_ms)
        await page.keyboard.type("2020")
        await page.get_by_role("option", name="2020", exact=True).click(timeout=timeout_ms)
        await page.wait_for_function(TITLE_HAS, arg="2020", timeout=timeout_ms)
        session.seconds[step] = await _drawn(page, step, session, timeout_ms) - started
    except Exception as e:  # noqa: BLE001 - a load test records every failure, then goes on
        session.errors.append(f"{step}: {type(e).__name__}: {str(e).splitlines()[0]}")
    finally:
        await context.close()
    return session


async def drive(base: str, sessions: int, timeout_ms: int) -> tuple[list[Session], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            started = time.perf_counter()
            done = await asyncio.gather(
                *(one_session(browser, base, i, timeout_ms) for i in range(1, sessions + 1))
            )
            return list(done), time.perf_counter() - started
        finally:
            await browser.close()


# --- the report ----------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def summarise(
    done: list[Session], wall: float, peak_kb: int, hwm_kb: int, cpu: float, log: str, db: Path
):
    errors = [f"session {s.number}: {e}" for s in done for e in s.errors]
    tracebacks = log.count("Traceback (most recent call last)")
    if tracebacks:
        errors.append(f"server log: {tracebacks} traceback(s)")
    complete = [s for s in done if len(s.seconds) == len(STEPS)]
    rows = []
    for step in (*STEPS, "whole session"):
        values = [
            sum(s.seconds.values()) if step == "whole session" else s.seconds[step]
            for s in complete
        ]
        if values:
            charts = {s.charts.get(step) for s in complete} - {None}
            shown = "" if step == "whole session" else ", ".join(map(str, sorted(charts)))
            rows.append(
                f"| {step} | {statistics.median(values):.1f} | {p95(values):.1f} | "
                f"{max(values):.1f} | {shown} |"
            )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {when} on this machine ({os.cpu_count()} cores), database {db.name} "
        f"({db.stat().st_size / 1e6:.1f} MB): **{len(done)} concurrent sessions**, "
        f"{len(complete)} completed every step, **{len(errors)} errors**; wall time "
        f"{wall:.1f} s.",
        "",
        "| step (seconds until every chart is drawn) | median | p95 | max | charts |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Peak RSS of the app: **{peak_kb / 1024:.0f} MB** (VmRSS summed over the "
        f"`streamlit run` process tree, sampled every 0.2 s); the server process's own "
        f"high-water mark VmHWM: {hwm_kb / 1024:.0f} MB. The server used {cpu:.0f} CPU seconds "
        f"for the {len(done)} sessions ({cpu / max(1, len(done)):.1f} s each); the rest of the "
        f"{os.cpu_count()} cores' {wall * (os.cpu_count() or 1):.0f} CPU seconds of wall time "
        "went to the browsers, which run on the same machine, and to anything else running.",
        "",
        "Reproduce: `uv run python bench/load.py` (add `--sessions N`; `--no-write` only prints).",
    ]
    if errors:
        lines += ["", "Errors:", *(f"- {e}" for e in errors[:20])]
    return "\n".join(lines), errors


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{START}\n{END}\n"
    if START not in doc or END not in doc:
        doc += f"\n## Load\n\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def database(args: argparse.Namespace, scratch: Path) -> Path:
    if args.db:
        return Path(args.db)
    from etl.build import build

    raw = Path(args.raw_dir)
    return build(raw if raw.is_dir() else None, scratch / "alliance.duckdb").db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--db", help="a built database (default: build one into a temp dir)")
    parser.add_argument("--raw-dir", default=str(ROOT.parent / "shared" / "data" / "raw"))
    parser.add_argument("--timeout", type=float, default=300, help="seconds per step")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Debian's chromium is not at {CHROMIUM}: apt-get install chromium")

    scratch = Path(tempfile.mkdtemp(prefix="alliance-load-"))
    try:
        db = database(args, scratch)
        try:
            app = serve("app", "dashboard.py", {"ALLIANCE_DB": str(db)}, scratch, startup_s=60)
            with app as server:
                proc = server.proc
                sampler = RssSampler(proc.pid)
                sampler.start()
                try:
                    cpu_before = cpu_seconds(proc.pid)
                    timeout = int(args.timeout * 1000)
                    done, wall = asyncio.run(drive(server.url, args.sessions, timeout))
                    cpu = cpu_seconds(proc.pid) - cpu_before
                    hwm = _status(proc.pid, "VmHWM")
                finally:
                    sampler.stop.set()
                    sampler.join(timeout=5)
        except RuntimeError as e:  # the app did not start
            raise SystemExit(str(e)) from None
        log = server.log.read_text()
        text, errors = summarise(done, wall, sampler.peak_kb, hwm, cpu, log, db)
        print(text)
        if not args.no_write:
            write_section(text)
            print(f"\nwritten to {DOC.relative_to(ROOT)}")
        return 1 if errors else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
