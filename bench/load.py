"""Load test of the dashboard: N concurrent browser sessions against one `streamlit run`.

    uv run python bench/load.py                      # 20 sessions, writes docs/RELIABILITY.md
    uv run python bench/load.py --sessions 5 --no-write
    uv run python bench/load.py --soak 600           # 20 sessions for 10 minutes, hostile links
    uv run python bench/load.py --replicas 1 2 --sessions 8   # nginx + N replicas, side by side
    uv run python bench/load.py --url http://host:port --sessions 8  # an existing proxy or app

With --soak SECONDS, each session instead opens the links of SOAK_LINKS in turn, hostile and
ordinary alternating, until SECONDS have passed (every loop ends at that deadline; each page
has its own timeout): a page is done when its script run has finished and nothing changed for
SETTLE_S. Reported: pages opened, errors (exception boxes, timeouts, browser errors, server
tracebacks), median and p95 page time, the server tree's peak RSS (query workers included: they
are the server's children), written between the soak markers of docs/RELIABILITY.md.

Not part of the test run. It builds a database (from --raw-dir if the raw files are there,
else from the committed snapshot) unless --db is given, starts the app with ALLIANCE_DB set
(`python -m streamlit run dashboard.py` headless on a free port of 127.0.0.1: only loopback is
ever contacted), then drives N Playwright browser contexts at once in one Debian Chromium
(/usr/bin/chromium; never `playwright install`). Each session:

  1. opens the landing page and waits until every chart is drawn (each stPlotlyChart holds a
     drawn .js-plotly-plot), the script run has finished, and that holds for a second (the
     second is not counted);
  2. opens the burden-sharing page, the same wait;
  3. changes a control (the Year selectbox to 2020), waits until the page's URL holds the new
     year (the view is written to the URL by the rerun) and every chart is drawn again.

An error is an exception element on the page ([data-testid="stException"]), a timeout, a
browser error, or a traceback in the server log; there must be none. Reported: median and p95
of each step and of the whole session, the app's peak RSS (the sum of VmRSS over the server's
process tree, sampled every 0.2 s, and the server's own VmHWM), and the wall time. The summary
is printed and written between the load markers of docs/RELIABILITY.md.

With --replicas N [N ...], each N in turn: N replicas started at once and Debian's nginx in
front of them with the deploy recipe's site file (tests/browser/replicas.py,
docs/deploy/alliance-ledger.nginx.conf), the claims judged once into the shared verdict store
(`python -m app.warm`, as the refresh unit does), each replica opened once directly (its own
caches warm, not counted), then the same sessions through the proxy. `--client browser`: the
Chromium sessions above; a page view is one of their steps. `--client ws`: each session speaks
Streamlit's own protocol instead (the page and the scripts it names, as a new reader's browser
fetches them, then --views reruns of the script over one websocket, the pages of WS_VIEWS in
turn, each until the server says the run finished): what the servers do for readers, without
Chromium drawing every chart on the same 2 cores. Reported side by side: page views per second
over the wall time, p50/p95 page time, errors, CPU seconds of each replica (how evenly the
proxy spread the work), of nginx and of the client, and the peak RSS of all replicas; written
between the replicas-<client> markers of docs/PERFORMANCE.md. With --refreshes K, `etl build`
republishes the served file K times while the sessions run (the ws sessions then also open the
Data and methods page), written between the replicas-<client>-refreshes markers.
With --url, the sessions go to a server or proxy already running (nothing started, nothing
written; no server CPU or memory).
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
# True when the page's URL holds `text` (the rerun after a control change has written the view;
# chart titles state a finding, which need not name the chosen year).
URL_HAS = """(text) => window.location.search.includes(text)"""


SOAK_START, SOAK_END = "<!-- soak:start -->", "<!-- soak:end -->"
SETTLE_S = 0.5
# The hostile links and variants, each followed by an ordinary one. Paths are those of
# app/nav.py; query values are URL-encoded when opened.
HOSTILE = [
    ("sql", {"sql": "select length(range(0, 100000000)) as n"}),
    ("sql", {"sql": "select list_resize([1], 300000000) as l"}),
    ("sql", {"sql": "select count(*) from unnest(range(0, 500000000))"}),
    ("sql", {"sql": "select repeat('x', 2000000000) as r"}),
    ("sql", {"sql": "select count(*) from range(10000000000) a, range(10) b"}),
    ("sql", {"sql": "select interval 3 day as i, union_value(k := 1) as u, map([1], [2]) as m"}),
    ("sql", {"sql": "select [1, 2, 3]::integer[3] as f, '\\x00'::blob as b, {'a': 1} as s"}),
    ("sql", {"sql": "select * from read_blob('*.duckdb')"}),
    ("sql", {"sql": "select 1 " + "-" * 25_000}),
    ("country", {"country": "X" * 100_000}),
    ("burden-sharing", {"source": ["nato", "sipri", "nato"], "year": "9" * 400}),
    ("alliances", {"groups": ["NATO"] * 50}),
]
ORDINARY = [
    ("", {}),
    ("burden-sharing", {"year": "2020"}),
    ("sql", {"sql": "select iso3, name from country order by iso3 limit 5"}),
    ("country", {}),
    ("alliances", {}),
    ("methods", {}),
]
SOAK_LINKS = [link for pair in zip(HOSTILE, ORDINARY * 2, strict=False) for link in pair]
# True when the script run is over and the page has drawn its main block.
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !!document.querySelector('[data-testid="stMainBlockContainer"] h1')"""


@dataclass
class Soaker:
    number: int
    pages: int = 0
    http_refused: int = 0  # the server answered a link with an HTTP error status (no page)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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
        await page.wait_for_function(URL_HAS, arg="year=2020", timeout=timeout_ms)
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


def _link(base: str, path: str, query: dict) -> str:
    from urllib.parse import urlencode

    return f"{base}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")


async def one_soaker(browser, base: str, number: int, ends: float, timeout_ms: int) -> Soaker:
    soaker = Soaker(number)
    context = await browser.new_context(viewport=VIEWPORT)

    async def fresh_page():
        page = await context.new_page()
        page.on("pageerror", lambda e: soaker.errors.append(f"page error: {str(e)[:160]}"))
        return page

    page = await fresh_page()
    i = number  # sessions start at different links
    try:
        while time.monotonic() < ends:
            path, query = SOAK_LINKS[i % len(SOAK_LINKS)]
            i += 1
            started = time.perf_counter()
            try:
                await page.goto(_link(base, path, query), timeout=timeout_ms)
                await page.wait_for_function(SETTLED, timeout=timeout_ms)
                await page.wait_for_timeout(SETTLE_S * 1000)
                await page.wait_for_function(SETTLED, timeout=timeout_ms)
            except Exception as e:  # noqa: BLE001 - recorded, then the next link
                first = str(e).splitlines()[0]
                if "ERR_HTTP_RESPONSE_CODE_FAILURE" in first:
                    soaker.http_refused += 1  # refused before the app ran: no page to judge
                else:
                    soaker.errors.append(f"/{path}: {type(e).__name__}: {first[:160]}")
                await page.close()  # a chrome-error page would interrupt the next goto
                page = await fresh_page()
                continue
            soaker.seconds.append(time.perf_counter() - started - SETTLE_S)
            soaker.pages += 1
            boxes = page.locator('[data-testid="stException"]')
            if n := await boxes.count():
                text = " ".join((await boxes.first.inner_text()).split())[:200]
                soaker.errors.append(f"/{path}: {n} exception box(es): {text}")
    finally:
        await context.close()
    return soaker


async def soak(base: str, sessions: int, seconds: float, timeout_ms: int) -> list[Soaker]:
    from playwright.async_api import async_playwright

    ends = time.monotonic() + seconds
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            return list(
                await asyncio.gather(
                    *(one_soaker(browser, base, i, ends, timeout_ms) for i in range(sessions))
                )
            )
        finally:
            await browser.close()


def summarise_soak(done: list[Soaker], wall: float, peak_kb: int, log: str, db: Path):
    errors = [f"session {s.number}: {e}" for s in done for e in s.errors]
    if tracebacks := log.count("Traceback (most recent call last)"):
        errors.append(f"server log: {tracebacks} traceback(s)")
    times = [t for s in done for t in s.seconds]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pages = sum(s.pages for s in done)
    refused = sum(s.http_refused for s in done)
    lines = [
        f"Measured {when} on this machine ({os.cpu_count()} cores, shared with other jobs: the "
        f"load average stayed high), database {db.name}: **{len(done)} concurrent sessions for "
        f"{wall / 60:.1f} minutes**, each opening {len(HOSTILE)} hostile and {len(ORDINARY)} "
        f"ordinary links in turn: **{pages} pages** opened, **{len(errors)} errors**; "
        f"{refused} link(s) answered with an HTTP error status by the server itself (an "
        "over-long request refused before the app runs, so no page to judge).",
        "",
        f"Page time (link opened until its script run has finished): median "
        f"{statistics.median(times) if times else float('nan'):.1f} s, **p95 "
        f"{p95(times) if times else float('nan'):.1f} s**, max "
        f"{max(times) if times else float('nan'):.1f} s. Peak RSS of the server: **"
        f"{peak_kb / 1024:.0f} MB** (VmRSS summed over the `streamlit run` process tree, query "
        "workers included, sampled every 0.2 s).",
        "",
        "Reproduce: `uv run python bench/load.py --soak 600` (`--sessions N`, `--no-write`).",
    ]
    if errors:
        lines += ["", "Errors:", *(f"- {e}" for e in errors[:20])]
    return "\n".join(lines), errors


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


def write_section(text: str, start: str = START, end: str = END, title: str = "Load") -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{start}\n{end}\n"
    if start not in doc or end not in doc:
        doc += f"\n## {title}\n\n{start}\n{end}\n"
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    DOC.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


# --- replicas behind nginx -------------------------------------------------------------------

PERF_DOC = ROOT / "docs" / "PERFORMANCE.md"


def replicas_markers(client: str) -> tuple[str, str]:
    """The markers of the section a --replicas run writes (one per client kind)."""
    return f"<!-- replicas-{client}:start -->", f"<!-- replicas-{client}:end -->"


@dataclass
class Run:
    """One configuration of `--replicas`: what its sessions saw and what its servers used."""

    replicas: int
    done: list[Session]
    wall: float
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each replica's tree
    peak_kb: int = 0  # peak of the summed VmRSS of every replica's tree
    nginx_cpu: float = 0.0  # CPU seconds of nginx (master and worker)
    client_cpu: float = 0.0  # CPU seconds of this process (the ws client; 0 for browsers)
    published: int = 0  # databases published under the sessions (--refreshes)

    @property
    def times(self) -> list[float]:
        return [t for s in self.done for t in s.seconds.values()]

    @property
    def errors(self) -> list[str]:
        return [f"session {s.number}: {e}" for s in self.done for e in s.errors]

    @property
    def views_per_second(self) -> float:
        return len(self.times) / self.wall if self.wall else 0.0


class TreesRss(RssSampler):
    """Peak of the VmRSS summed over several process trees (every replica)."""

    def __init__(self, pids: list[int], every: float = 0.2) -> None:
        super().__init__(pids[0], every)
        self.pids = pids

    def run(self) -> None:
        while not self.stop.is_set():
            total = sum(_status(p, "VmRSS") for root in self.pids for p in _tree(root))
            self.peak_kb = max(self.peak_kb, total)
            self.stop.wait(self.every)


# A reader's session spoken in Streamlit's own protocol, for --client ws: what the server does
# for a page view, without a browser drawing it on the same 2 cores. Each page view is a
# rerun of the script (BackMsg.rerun_script with the page's path and query) until the server
# says the script finished; the pages of WS_VIEWS in turn, like a reader following links.
WS_VIEWS = [
    ("", ""),
    ("burden-sharing", ""),
    ("burden-sharing", "year=2020"),
    ("free-riding", ""),
    ("alliances", ""),
    ("country", "country=POL"),
]
ASSET = re.compile(r'(?:src|href)="\./(static/[^"]+)"')


async def first_visit(client, base: str) -> str:
    """What a new reader's browser fetches before the websocket: the page and the scripts it
    names (through the proxy: nginx sets the sticky cookie and keeps the scripts). Returns the
    Cookie header to send on the websocket."""
    page = await client.get(base + "/")
    page.raise_for_status()
    for path in ASSET.findall(page.text):
        (await client.get(f"{base}/{path}", headers={"Accept-Encoding": "gzip"})).raise_for_status()
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def ws_view(socket, page: str, query: str, timeout: float) -> str | None:
    """One page view: rerun the script for `page`; None when it finished without an exception
    element, else what went wrong."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ask = BackMsg()
    ask.rerun_script.page_name = page
    ask.rerun_script.query_string = query
    await socket.send(ask.SerializeToString())
    problem = None
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout))
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
            problem = problem or f"exception: {message.delta.new_element.exception.message[:160]}"
        if kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return problem
            if message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return f"script finished with status {message.script_finished}"


# With --refreshes the readers also open the Data and methods page, whose export zip holds a
# connection's cursor for seconds: the case where a refresh used to close it under them.
WS_REFRESH_VIEWS = [*WS_VIEWS, ("methods", "")]


async def ws_session(
    base: str, number: int, views: int, timeout_ms: int, pages: list = WS_VIEWS
) -> Session:
    import httpx
    from websockets.asyncio.client import connect

    session = Session(number)
    timeout = timeout_ms / 1000
    step = "first visit"
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            started = time.perf_counter()
            cookie = await first_visit(client, base)
            loaded = time.perf_counter() - started
        url = base.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": cookie} if cookie else {}
        async with connect(
            url, subprotocols=["streamlit"], additional_headers=headers, max_size=None
        ) as socket:
            for i in range(views):
                page, query = pages[(number + i) % len(pages)]
                step = f"view {i + 1} (/{page}{'?' + query if query else ''})"
                started = time.perf_counter()
                if problem := await ws_view(socket, page, query, timeout):
                    session.errors.append(f"{step}: {problem}")
                session.seconds[f"view {i + 1}"] = time.perf_counter() - started + loaded
                loaded = 0.0  # the first view's time includes the page and its scripts
    except Exception as e:  # noqa: BLE001 - a load test records every failure, then goes on
        session.errors.append(f"{step}: {type(e).__name__}: {str(e).splitlines()[0][:160]}")
    return session


async def ws_drive(base: str, sessions: int, views: int, timeout_ms: int, pages: list = WS_VIEWS):
    started = time.perf_counter()
    done = await asyncio.gather(
        *(ws_session(base, i, views, timeout_ms, pages) for i in range(1, sessions + 1))
    )
    return list(done), time.perf_counter() - started


def warm_store(db: Path) -> None:
    """Judge the claims into the verdict store the replicas share, as the refresh unit does."""
    import subprocess

    env = {**os.environ, "ALLIANCE_DB": str(db)}
    subprocess.run([sys.executable, "-m", "app.warm"], cwd=ROOT, env=env, check=True)


class Refresher(threading.Thread):
    """`etl build --db DB` `count` times, one after another with a second between: the served
    file replaced under the replicas while readers read, as `etl refresh` publishes."""

    def __init__(self, db: Path, count: int) -> None:
        super().__init__(daemon=True)
        self.db, self.count = db, count
        self.published = 0
        self.failed: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        import subprocess

        for _ in range(self.count):
            if self.stop.is_set():
                return
            done = subprocess.run(
                [sys.executable, "-m", "etl.cli", "build", "--db", str(self.db)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode == 0:
                self.published += 1
            else:
                self.failed.append(done.stderr.strip().splitlines()[-1][:200])
            self.stop.wait(1)


def run_replicas(n: int, db: Path, args: argparse.Namespace, scratch: Path) -> Run:
    from tests.browser import replicas

    sessions, timeout_ms = args.sessions, int(args.timeout * 1000)

    def sessions_at(url: str, count: int):
        if args.client == "ws":
            pages = WS_REFRESH_VIEWS if args.refreshes else WS_VIEWS
            return asyncio.run(ws_drive(url, count, args.views, timeout_ms, pages))
        return asyncio.run(drive(url, count, timeout_ms))

    logs = Path(tempfile.mkdtemp(prefix=f"replicas-{n}-", dir=scratch))
    with replicas.replicas(n, {"ALLIANCE_DB": str(db)}, logs, startup_s=120) as servers:
        ports = [replicas.port_of(s.url) for s in servers]
        with replicas.proxy(ports, logs / "nginx") as proxy:
            for server in servers:  # each replica's own caches warm, as a served site's are
                sessions_at(server.url, 1)
            pids = [s.proc.pid for s in servers]
            sampler = TreesRss(pids)
            sampler.start()
            before = [cpu_seconds(p) for p in pids]
            nginx_before, client_before = cpu_seconds(proxy.proc.pid), time.process_time()
            refresher = Refresher(db, args.refreshes)
            if args.refreshes:
                refresher.start()
            try:
                done, wall = sessions_at(proxy.url, sessions)
            finally:
                sampler.stop.set()
                sampler.join(timeout=5)
                refresher.stop.set()
                if args.refreshes:
                    refresher.join()
            cpu = [cpu_seconds(p) - b for p, b in zip(pids, before, strict=True)]
            nginx_cpu = cpu_seconds(proxy.proc.pid) - nginx_before
            client_cpu = time.process_time() - client_before if args.client == "ws" else 0.0
        for server in servers:
            if tracebacks := server.log.read_text().count("Traceback (most recent call last)"):
                done[0].errors.append(f"{server.name} log: {tracebacks} traceback(s)")
    for failure in refresher.failed:
        done[0].errors.append(f"etl build: {failure}")
    return Run(n, done, wall, cpu, sampler.peak_kb, nginx_cpu, client_cpu, refresher.published)


def summarise_replicas(runs: list[Run], args: argparse.Namespace, db: Path):
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    sessions, per = args.sessions, (args.views if args.client == "ws" else len(STEPS))
    what = (
        f"each session a client speaking Streamlit's protocol (no browser): the page and its "
        f"scripts as a new reader's browser fetches them, then {per} page views in a row over "
        "one websocket (each until the script run has finished; the pages of the landing page, "
        "Burden sharing with and without a year, Free riding, Alliances, Country profile)"
        if args.client == "ws"
        else "each session a Chromium page loading two pages and changing a control (3 page "
        "views, each until every chart is drawn)"
    )
    if args.refreshes:
        what += (
            f"; while they ran, `etl build` republished the served file up to {args.refreshes} "
            "times (renamed over it, as `etl refresh` publishes)"
            + (
                ", and the sessions also opened the Data and methods page"
                if args.client == "ws"
                else ""
            )
        )

    def row(label: str, value) -> str:
        return f"| {label} | " + " | ".join(value(r) for r in runs) + " |"

    def nan_safe(f, values):
        return f(values) if values else float("nan")

    lines = [
        f"Measured {when} on this machine ({os.cpu_count()} cores, load average {load:.1f} at "
        f"the end; the load client runs here too), database {db.name} "
        f"({db.stat().st_size / 1e6:.1f} MB): **{sessions} concurrent sessions** through nginx "
        f"(the deploy recipe's site file) in each configuration, {what}.",
        "",
        "| | " + " | ".join(f"{r.replicas} replica{'s' * (r.replicas > 1)}" for r in runs) + " |",
        "|---|" + "---|" * len(runs),
        row("page views per second", lambda r: f"**{r.views_per_second:.2f}**"),
        row("page views (completed)", lambda r: f"{len(r.times)} of {per * sessions}"),
        row("wall time (s)", lambda r: f"{r.wall:.0f}"),
        row("page time p50 (s)", lambda r: f"{nan_safe(statistics.median, r.times):.1f}"),
        row("page time p95 (s)", lambda r: f"{nan_safe(p95, r.times):.1f}"),
        row("errors", lambda r: str(len(r.errors))),
        *(
            [row("refreshes published during the sessions", lambda r: str(r.published))]
            if args.refreshes
            else []
        ),
        row("CPU s of each replica", lambda r: " / ".join(f"{c:.0f}" for c in r.cpu)),
        row("CPU s of all replicas", lambda r: f"{sum(r.cpu):.0f}"),
        row(
            "share of the machine's CPU",
            lambda r: f"{sum(r.cpu) / (r.wall * (os.cpu_count() or 1)):.0%}",
        ),
        row(
            "CPU s of nginx / of the ws client", lambda r: f"{r.nginx_cpu:.0f} / {r.client_cpu:.0f}"
        ),
        row("peak RSS of all replicas (MB)", lambda r: f"{r.peak_kb / 1024:.0f}"),
        "",
        "Reproduce: `uv run python bench/load.py --replicas "
        + " ".join(str(r.replicas) for r in runs)
        + f" --sessions {sessions} --client {args.client}"
        + (f" --views {args.views}" if args.client == "ws" else "")
        + (f" --refreshes {args.refreshes}" if args.refreshes else "")
        + "` (needs Debian's nginx, and Chromium for `--client browser`; `--no-write` only "
        "prints).",
    ]
    errors = [f"{r.replicas} replica(s), {e}" for r in runs for e in r.errors]
    if errors:
        lines += ["", "Errors:", *(f"- {e}" for e in errors[:20])]
    return "\n".join(lines), errors


def write_perf_section(text: str, client: str) -> None:
    start, end = replicas_markers(client)
    doc = PERF_DOC.read_text(encoding="utf-8")
    if start not in doc or end not in doc:
        raise SystemExit(f"{PERF_DOC.name} has no {start} ... {end} section")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    PERF_DOC.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


def main_replicas(args: argparse.Namespace, scratch: Path) -> int:
    from tests.browser import replicas

    if not replicas.have_nginx():
        raise SystemExit(f"nginx is not at {replicas.NGINX}: apt-get install nginx")
    os.environ.setdefault("ALLIANCE_CACHE_DIR", str(scratch / "cache"))  # one shared store
    db = database(args, scratch)
    warm_store(db)
    runs = []
    for n in args.replicas:
        try:
            runs.append(run_replicas(n, db, args, scratch))
        except RuntimeError as e:  # a replica or nginx did not start
            raise SystemExit(str(e)) from None
        print(f"{n} replica(s): {runs[-1].views_per_second:.2f} page views/s", flush=True)
    text, errors = summarise_replicas(runs, args, db)
    print(text)
    if not args.no_write:
        write_perf_section(text, f"{args.client}-refreshes" if args.refreshes else args.client)
        print(f"\nwritten to {PERF_DOC.relative_to(ROOT)}")
    return 1 if errors else 0


def main_url(args: argparse.Namespace) -> int:
    """Sessions against a server or proxy already running: times and errors only."""
    base, timeout_ms = args.url.rstrip("/"), int(args.timeout * 1000)
    if args.client == "ws":
        done, wall = asyncio.run(ws_drive(base, args.sessions, args.views, timeout_ms))
    else:
        done, wall = asyncio.run(drive(base, args.sessions, timeout_ms))
    run = Run(0, done, wall)
    times = run.times
    print(
        f"{args.sessions} sessions against {args.url}: {len(times)} page views in {wall:.0f} s, "
        f"{run.views_per_second:.2f} per second; page time p50 "
        f"{statistics.median(times) if times else float('nan'):.1f} s, p95 "
        f"{p95(times) if times else float('nan'):.1f} s; {len(run.errors)} errors"
    )
    for line in run.errors[:20]:
        print(f"- {line}")
    return 1 if run.errors else 0


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
    parser.add_argument("--soak", type=float, default=0, help="seconds of hostile/ordinary links")
    parser.add_argument("--keep-log", help="copy the server's log to this file")
    parser.add_argument(
        "--replicas", type=int, nargs="+", help="N [N ...]: N replicas behind nginx, each in turn"
    )
    parser.add_argument("--url", help="drive this running server or proxy (nothing started)")
    parser.add_argument(
        "--client",
        choices=("browser", "ws"),
        default="browser",
        help="with --replicas/--url: Chromium pages, or Streamlit's protocol without a browser",
    )
    parser.add_argument("--views", type=int, default=12, help="page views per ws session")
    parser.add_argument(
        "--refreshes",
        type=int,
        default=0,
        help="with --replicas: republish the served file (etl build) K times during the sessions",
    )
    args = parser.parse_args()
    if args.client == "browser" and not Path(CHROMIUM).exists():
        raise SystemExit(f"Debian's chromium is not at {CHROMIUM}: apt-get install chromium")
    if args.url:
        return main_url(args)

    scratch = Path(tempfile.mkdtemp(prefix="alliance-load-"))
    try:
        if args.replicas:
            if min(args.replicas) < 1:
                raise SystemExit("--replicas: each N must be at least 1")
            return main_replicas(args, scratch)
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
                    if args.soak:
                        started = time.perf_counter()
                        soaked = asyncio.run(soak(server.url, args.sessions, args.soak, timeout))
                        wall = time.perf_counter() - started
                    else:
                        done, wall = asyncio.run(drive(server.url, args.sessions, timeout))
                    cpu = cpu_seconds(proc.pid) - cpu_before
                    hwm = _status(proc.pid, "VmHWM")
                finally:
                    sampler.stop.set()
                    sampler.join(timeout=5)
        except RuntimeError as e:  # the app did not start
            raise SystemExit(str(e)) from None
        log = server.log.read_text()
        if args.keep_log:
            shutil.copyfile(server.log, args.keep_log)
        if args.soak:
            text, errors = summarise_soak(soaked, wall, sampler.peak_kb, log, db)
        else:
            text, errors = summarise(done, wall, sampler.peak_kb, hwm, cpu, log, db)
        print(text)
        if args.soak and not args.no_write:
            write_section(text, SOAK_START, SOAK_END, "Soak")
        elif not args.no_write:
            write_section(text)
            print(f"\nwritten to {DOC.relative_to(ROOT)}")
        return 1 if errors else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
