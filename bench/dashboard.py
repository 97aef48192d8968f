"""Benchmarks 2, 3 and 5, the dashboard in Debian's Chromium against a bare Streamlit page.

The real app (dashboard.py, ALLIANCE_DB set) and the baseline (bench/bare_app.py: only
st.plotly_chart calls over a polars frame made once per process) are served side by side, two
`python -m streamlit run` processes on free ports of 127.0.0.1 with the same flags as the
browser tests (--server.headless true, --browser.gatherUsageStats false,
--server.fileWatcherType none), and driven by Playwright with /usr/bin/chromium, one browser
context each. For every page of the app the bare page draws the same number of charts, each
with a figure JSON of about the same size (the bytes the app's chart sent), the same height and
the same half- or full-width placement. Measurements alternate app and bare, the order turning
every round; the tables give medians and the ratio app / bare of the medians. Goal: at most 1.2
for every page load, every control change and the cold start.

"Every chart drawn" means: a script run that started after the action has finished, as the
websocket says (a ForwardMsg script_finished with a success status, and as many new_session as
script_finished messages; each frame is decoded with Streamlit's own protobuf classes), and then,
in one animation frame of the page, stApp's data-test-script-state is 'notRunning', no element
is data-stale, no stStatusWidget is shown (other than leaving), and exactly the expected number
of `.js-plotly-plot` are present, each with its Plotly layout and its svg.main-svg. The expected
number is the number of plotly_chart elements the page's first run sent (and the page showed).
The websocket part is needed: right after a click or a navigation the DOM still says
'notRunning' with the old (or no) charts, and the status widget only appears once a run has
taken 500 ms, then lingers 200 ms after it (Streamlit 1.67's StatusWidget), so neither
`stStatusWidget` nor the script state alone tells an unstarted run from a finished one.

* Page load: `page.goto` of the page's URL (a new session each time, static files in the
  browser's cache) to every chart drawn. The first visit of each page, with the app's caches
  cold, is timed once and shown apart.
* Control change: one control per page with one (Year, Country, Source), alternating between
  two values, from the click on the option to every chart drawn again; the bare page changes
  its own Year selectbox or Source radio, which moves the slice every chart plots.
* Cold start: from starting the server process to the first chart of the landing page (and to
  all of its charts) in a new browser context, app and bare alternately.
* Memory: VmRSS and VmHWM of the streamlit process (/proc/PID/status) of the first cold
  start, with its one session, then with 20 sessions (browser contexts opened five at a time
  over the pages in turn and kept open), and of the warm servers after the rounds.
* Time: the page rounds stop early past 45 % of a 12-minute budget (6 with --quick), the
  control rounds past 65 %, the cold starts past 85 % (each after one round at least); the
  notes say so.

* Against an older checkout (`--against REV_OR_DIR`): the baseline is the app itself at that
  commit (a git worktree in the temporary folder, with its own `uv sync`ed venv and a database
  built by its own ETL from the same raw files) instead of the bare page, served and measured
  the same way, pair by pair: the ratios are new / old for every page load, control change and
  cold start. Each server's expected chart count comes from its own first visit; both change
  the same control.

    uv run python -m bench.dashboard [--db BUILT.duckdb] [--repeat 4] [--quick] [--doc FILE]
        [--only PAGE ...] [--flag OPTION=VALUE]   (e.g. --flag runner.postScriptGC=false)
        [--against REV_OR_DIR]                    (e.g. --against 7595905)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from app import nav
from bench import Section, Table, median
from tests.browser.chromium import ARGS, CHROMIUM, VIEWPORT, Server, serve

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT.parent / "shared" / "data" / "raw"
BARE = "bench/bare_app.py"
GOAL = 1.2
AGAINST_GOAL = 1.0  # --against: the new app no slower than the old
AGAINST_INTRO = (
    "The app of this checkout (new) and the app at an older commit (base: a git worktree with its "
    "own uv-synced venv and a database built by its own ETL from the same raw files) served side "
    "by side, two `python -m streamlit run` processes with the same flags, driven by Playwright "
    "with /usr/bin/chromium, one browser context each, measured alternately (the order turning "
    "every round) exactly as against the bare page: a page load is navigation to every chart "
    "drawn, each server waiting for as many charts as its own first visit of the page sent; a "
    "control change is the click to every chart redrawn; the cold start is process start to the "
    "landing page's first chart. The ratio is new / base, of the medians and pair by pair; "
    "goal: no slower (1.0), with the run-to-run noise of a shared machine (about ±0.3 on page "
    "loads) in mind."
)
SESSIONS = 20
WAIT_S = 120.0  # any one page load or rerun must finish within this
BUDGET_S = 6 * 60.0  # --quick; twice this otherwise. Past shares of it, rounds stop early
SHARES = {"loads": 0.45, "changes": 0.65, "cold": 0.85}  # of BUDGET_S, when each phase stops
BATCH = 5  # memory: sessions opened at once
COMMAND = "uv run python -m bench.dashboard"
OK = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass(frozen=True)
class Control:
    label: str  # the widget's label
    kind: str  # 'selectbox' or 'radio'
    values: tuple[str, str]  # alternated; neither is the default


CONTROLS = {
    "burden": Control("Year", "selectbox", ("2020", "2019")),
    "free_riding": Control("Year", "selectbox", ("2020", "2019")),
    "alliances": Control("Source", "radio", ("SIPRI", "NATO")),
    "country": Control("Country", "selectbox", ("Poland", "France")),
    "capability": Control("Year", "selectbox", ("2020", "2019")),
}
TEST_IDS = {"selectbox": "stSelectbox", "radio": "stRadio"}
BARE_CONTROLS = {
    "selectbox": Control("Year", "selectbox", ("2020", "2019")),
    "radio": Control("Source", "radio", ("SIPRI", "NATO")),
}


@dataclass(frozen=True)
class Baseline:
    """What the app is measured against: the bare page (checkout None) or the app of an older
    checkout, served from its own folder with its own interpreter and database."""

    checkout: Path | None = None
    python: str = sys.executable
    db: Path | None = None
    label: str = "bare"  # in the tables: 'bare' or the commit

    @property
    def app(self) -> bool:
        """True when the baseline is the app at another commit."""
        return self.checkout is not None

    @property
    def name(self) -> str:
        return "base" if self.app else "bare"

    @property
    def script(self) -> str:
        return "dashboard.py" if self.app else BARE

    @property
    def env(self) -> dict[str, str]:
        return {"ALLIANCE_DB": str(self.db)} if self.app else {}

    @property
    def cwd(self) -> Path:
        return self.checkout or ROOT

    def route(self, key: str, spec: PageSpec | None) -> str:
        """The path (after the server's URL) that stands for the app's page `key`."""
        if self.app:
            return nav.BY_KEY[key].route
        return spec.query() if spec else ""

    def charts(self, spec: PageSpec) -> int:
        """How many charts the baseline's page draws: its own first visit's, or the app's."""
        return spec.base_charts if self.app and spec.base_charts is not None else spec.charts

    def control(self, control: Control) -> Control:
        return control if self.app else BARE_CONTROLS[control.kind]


def base_folder(sha: str) -> Path:
    """Where the checkout of commit `sha` is kept between runs (outside the worktree, so ruff
    and pytest never see it)."""
    return Path(tempfile.gettempdir()) / f"alliance-ledger-base-{sha[:12]}"


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def pages_measured(only: Sequence[str]) -> list[str]:
    """The keys of the pages a run measures: those named (all when none), the landing page
    always (a session opens there); RuntimeError without Debian's Chromium."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Debian's chromium is needed at {CHROMIUM}")
    landing = nav.PAGES[0].key
    return [p.key for p in nav.PAGES if not only or p.key in only or p.key == landing]


def sides(db: Path | None, against: str | None, logs: Path) -> tuple[Path, Baseline]:
    """The app's database (built from the raw files into `logs` when not given) and what it is
    measured against: the bare page, or the app at `against`."""
    if db is None:
        from etl.build import build

        db = build(RAW_DIR, logs / "bench.duckdb").db
    return db, prepare_baseline(against, logs) if against else Baseline()


def prepare_baseline(against: str, logs: Path) -> Baseline:
    """The app at `against` (a commit, or a folder holding a checkout): a git worktree made on
    first use, its venv synced from its own lock file, its database built by its own ETL from
    the raw files (the same files the app's database is built from)."""
    folder = Path(against)
    label = against
    if not (folder / "dashboard.py").is_file():
        sha = subprocess.run(
            ["git", "rev-parse", "--verify", f"{against}^{{commit}}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        folder, label = base_folder(sha), sha[:7]
        if not (folder / "dashboard.py").is_file():
            log(f"baseline: git worktree of {label} in {folder}")
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(folder), sha],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    log(f"baseline: uv sync in {folder}")
    subprocess.run([*_uv(), "sync", "--frozen", "--quiet"], cwd=folder, env=env, check=True)
    python = folder / ".venv" / "bin" / "python"
    db = logs / "base.duckdb"
    raw = ["--raw-dir", str(RAW_DIR)] if RAW_DIR.is_dir() else []
    subprocess.run(
        [str(folder / ".venv" / "bin" / "etl"), "build", *raw, "--db", str(db)],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )
    log(f"baseline: {label} at {folder}, database {db}")
    return Baseline(folder, str(python), db, label)


# One animation frame in which the run is over and the expected charts are all drawn.
READY_JS = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const status = '[data-testid="stStatusWidget"]:not(.StatusWidget-exit)';
  if (document.querySelector(status)) return false;
  const plots = document.querySelectorAll('.js-plotly-plot');
  if (n >= 0 && plots.length !== n) return false;
  for (const p of plots) if (!p._fullLayout || !p.querySelector('svg.main-svg')) return false;
  return true;
}"""
FIRST_JS = """() => {
  const p = document.querySelector('.js-plotly-plot');
  return !!(p && p._fullLayout && p.querySelector('svg.main-svg'));
}"""
STATE_JS = """() => ({
  state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  status: document.querySelectorAll('[data-testid="stStatusWidget"]').length,
  plots: document.querySelectorAll('.js-plotly-plot').length,
  drawn: [...document.querySelectorAll('.js-plotly-plot')]
    .filter(p => p._fullLayout && p.querySelector('svg.main-svg')).length,
  exceptions: document.querySelectorAll('[data-testid="stException"]').length,
})"""
WIDTHS_JS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const full = main ? main.clientWidth : window.innerWidth;
  return [...document.querySelectorAll('.js-plotly-plot')]
    .map(p => p.getBoundingClientRect().width / full);
}"""


_T0 = time.monotonic()


def log(text: str) -> None:
    print(f"[{time.monotonic() - _T0:5.0f} s] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- servers


# --------------------------------------------------------------------------- one browser tab


class Tab:
    """A page and what its websocket says: script runs started and finished, chart specs."""

    def __init__(self, context: BrowserContext) -> None:
        self.page: Page = context.new_page()
        self.started = 0  # new_session messages (one at the start of every script run)
        self.finished = 0  # script_finished messages
        self.status: int | None = None  # of the last script_finished
        self.specs: list[str] = []  # plotly_chart specs of the current run
        self.run_start = 0.0  # perf_counter at the last new_session
        self.run_seconds = float("nan")  # from new_session to script_finished, last run
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        try:
            msg = ForwardMsg.FromString(payload)
        except DecodeError:
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.started += 1
            self.specs = []
            self.run_start = time.perf_counter()
        elif kind == "script_finished":
            self.finished += 1
            self.status = msg.script_finished
            self.run_seconds = time.perf_counter() - self.run_start
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "plotly_chart":
                self.specs.append(element.plotly_chart.spec)

    def idle(self, after: int) -> bool:
        """A run finished after `after` finished runs, successfully, and none is running."""
        return self.finished > after and self.started == self.finished and self.status in OK

    def wait_ready(self, after: int, charts: int, timeout: float = WAIT_S) -> float:
        """perf_counter when a run that finished after `after` runs shows `charts` charts
        (any number when negative), all drawn."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise PlaywrightTimeout("deadline")
                self.page.wait_for_function(
                    READY_JS, arg=charts, polling="raf", timeout=left * 1000
                )
            except PlaywrightTimeout:
                raise TimeoutError(
                    f"{self.page.url}: not ready within {timeout:.0f} s, {charts} charts "
                    f"expected; page {self.page.evaluate(STATE_JS)}; runs started "
                    f"{self.started}, finished {self.finished} (last status {self.status})"
                ) from None
            if self.idle(after):
                return time.perf_counter()
            self.page.wait_for_timeout(5)  # lets the websocket events in

    def goto(self, url: str, charts: int) -> tuple[float, float]:
        """Seconds from navigation to every chart drawn, and of the script run in them."""
        before = self.finished
        start = time.perf_counter()
        self.page.goto(url, timeout=WAIT_S * 1000)
        return self.wait_ready(before, charts) - start, self.run_seconds

    def has(self, control: Control) -> bool:
        return (
            self.page.get_by_test_id(TEST_IDS[control.kind]).filter(has_text=control.label).count()
            > 0
        )

    def change(self, control: Control, value: str, charts: int) -> tuple[float, float]:
        """Seconds from the click that changes `control` to `value` to every chart redrawn,
        and of the script run in them."""
        if control.kind == "selectbox":
            box = self.page.get_by_test_id("stSelectbox").filter(has_text=control.label).first
            box.click()
            self.page.keyboard.type(value)
            target = self.page.get_by_role("option", name=value, exact=True)
        else:
            group = self.page.get_by_test_id("stRadio").filter(has_text=control.label).first
            target = group.get_by_text(value, exact=True)
        target.wait_for(state="visible", timeout=WAIT_S * 1000)
        before = self.finished
        start = time.perf_counter()
        target.click()
        return self.wait_ready(before, charts) - start, self.run_seconds


@dataclass
class PageSpec:
    """What the app's page drew on its first visit, and what the bare page is asked to draw
    (or, against an older checkout, what that app's page drew on its own first visit)."""

    key: str
    first_app: float  # seconds, first visit (cold caches)
    specs: list[str]
    widths: list[float]  # chart width / main block width
    first_bare: float = float("nan")
    base_specs: list[str] | None = None  # the older app's charts (--against)

    @property
    def base_charts(self) -> int | None:
        return None if self.base_specs is None else len(self.base_specs)

    @property
    def charts(self) -> int:
        return len(self.specs)

    def sizes(self) -> list[int]:
        return [len(s.encode()) for s in self.specs]

    def query(self) -> str:
        items = []
        for spec, size, width in zip(self.specs, self.sizes(), self.widths, strict=True):
            height = (json.loads(spec).get("layout") or {}).get("height") or 440
            items.append(f"{size}:{int(height)}:{int(width < 0.75)}")
        return "?charts=" + quote(",".join(items), safe=":,")


def first_visit(tab: Tab, url: str) -> tuple[float, list[str], list[float]]:
    """Seconds to the first run's charts all drawn, the specs it sent, the charts' widths."""
    before = tab.finished
    start = time.perf_counter()
    tab.page.goto(url, timeout=WAIT_S * 1000)
    deadline = time.monotonic() + WAIT_S
    while not tab.idle(before):  # the run's end, from the websocket
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: the first run did not finish within {WAIT_S:.0f} s")
        tab.page.wait_for_timeout(10)
    specs = list(tab.specs)
    ready = tab.wait_ready(before, len(specs))
    tab.page.wait_for_timeout(300)
    drawn = tab.page.locator(".js-plotly-plot").count()
    if drawn != len(specs):
        raise RuntimeError(f"{url}: {len(specs)} plotly_chart elements sent, {drawn} drawn")
    return ready - start, specs, tab.page.evaluate(WIDTHS_JS)


# --------------------------------------------------------------------------- the measurements

Times = dict[str, dict[str, list[tuple[float, float]]]]  # key -> side -> (total s, run s)


@dataclass
class Results:
    pages: dict[str, PageSpec] = field(default_factory=dict)
    loads: Times = field(default_factory=dict)
    changes: Times = field(default_factory=dict)
    first_change: dict[str, dict[str, float]] = field(default_factory=dict)
    change_charts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # page key -> why no control change
    cold: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # side -> step -> s
    memory: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


def rotated(pair: tuple[str, str], i: int) -> tuple[str, str]:
    return pair if i % 2 == 0 else (pair[1], pair[0])


@dataclass
class Budget:
    """Bounds the run in time: a phase stops adding rounds past its share of `seconds` (after
    one round at least), and the run gives up past twice `seconds` (something is stuck)."""

    seconds: float = BUDGET_S
    start: float = field(default_factory=time.monotonic)
    cut: list[str] = field(default_factory=list)  # phases that stopped early

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def over(self, phase: str) -> bool:
        if self.elapsed() > SHARES[phase] * self.seconds:
            if phase not in self.cut:
                self.cut.append(phase)
                log(f"{phase}: time budget reached, no more rounds")
            return True
        return False

    def check(self) -> None:
        if self.elapsed() > 2 * self.seconds:
            raise TimeoutError(f"the dashboard benchmark took over {self.seconds / 30:.0f} minutes")


def warm_phase(
    browser: Browser,
    db: Path,
    logs: Path,
    keys: list[str],
    repeat: int,
    flags: Sequence[str],
    res: Results,
    budget: Budget,
    base: Baseline,
) -> None:
    """Both servers up; first visits, then page loads and control changes, interleaved."""
    env = {"ALLIANCE_DB": str(db)}
    with (
        serve("app", "dashboard.py", env, logs, flags) as app,
        serve(
            base.name, base.script, base.env, logs, flags, cwd=base.cwd, python=base.python
        ) as bare,
    ):
        contexts = {side: browser.new_context(viewport=VIEWPORT) for side in ("app", "bare")}
        try:
            tabs = {side: Tab(ctx) for side, ctx in contexts.items()}
            urls = {k: f"{app.url}/{nav.BY_KEY[k].route}" for k in keys}
            for key in keys:
                seconds, specs, widths = first_visit(tabs["app"], urls[key])
                spec = PageSpec(key, seconds, specs, widths)
                if base.app:
                    first, spec.base_specs, _ = first_visit(
                        tabs["bare"], f"{bare.url}/{base.route(key, spec)}"
                    )
                    spec.first_bare = first
                else:
                    spec.first_bare = tabs["bare"].goto(
                        f"{bare.url}/{base.route(key, spec)}", spec.charts
                    )[0]
                res.pages[key] = spec
                log(
                    f"first visit {key}: {spec.charts} charts, app {seconds:.2f} s; "
                    f"{base.charts(spec)} charts, {base.label} {spec.first_bare:.2f} s"
                )
                budget.check()

            def url(side: str, key: str) -> str:
                return (
                    urls[key] if side == "app" else f"{bare.url}/{base.route(key, res.pages[key])}"
                )

            def charts(side: str, key: str) -> int:
                spec = res.pages[key]
                return spec.charts if side == "app" else base.charts(spec)

            res.loads = {k: {"app": [], "bare": []} for k in keys}
            for i in range(repeat):
                if i and budget.over("loads"):
                    break
                for key in keys[i % len(keys) :] + keys[: i % len(keys)]:
                    for side in rotated(("app", "bare"), i):
                        res.loads[key][side].append(
                            tabs[side].goto(url(side, key), charts(side, key))
                        )
                budget.check()
                log(f"page loads, round {i + 1} of {repeat} done")

            for key, control in CONTROLS.items():
                if key in keys:
                    change_rounds(tabs, url, charts, key, control, repeat, res, budget, base)
                    budget.check()
            res.memory["app"] = {"warm": app.memory_mb()}
            res.memory["bare"] = {"warm": bare.memory_mb()}
        finally:
            for ctx in contexts.values():
                ctx.close()


def change_rounds(
    tabs: dict[str, Tab],
    url,
    charts,
    key: str,
    control: Control,
    repeat: int,
    res,
    budget: Budget,
    base: Baseline,
) -> None:
    """The first change to each value (the app's caches cold for it), then `repeat` timed
    changes alternating between the two values, app and baseline in turn; each side waits for
    as many charts as its own page showed after its first change."""
    controls = {"app": control, "bare": base.control(control)}
    for side in ("app", "bare"):
        tabs[side].goto(url(side, key), charts(side, key))
    missing = [side for side in ("app", "bare") if not tabs[side].has(controls[side])]
    if missing:
        where = "on the page" if missing == ["app"] else f"on the {base.label} page"
        res.skipped[key] = f"no {control.kind} labelled {control.label!r} {where}"
        log(f"control changes, {key}: skipped, {res.skipped[key]}")
        return
    res.first_change[key] = {
        side: tabs[side].change(controls[side], controls[side].values[0], -1)[0]
        for side in ("app", "bare")
    }
    after = {side: tabs[side].page.locator(".js-plotly-plot").count() for side in ("app", "bare")}
    for side in ("app", "bare"):
        tabs[side].change(controls[side], controls[side].values[1], after[side])
    res.change_charts[key] = after["app"]
    res.changes[key] = {"app": [], "bare": []}
    for i in range(repeat):
        if i and budget.over("changes"):
            break
        for side in rotated(("app", "bare"), i):
            value = controls[side].values[i % 2]
            res.changes[key][side].append(tabs[side].change(controls[side], value, after[side]))
    log(f"control changes, {key} done")


def cold_phase(
    browser: Browser,
    db: Path,
    logs: Path,
    repeat: int,
    sessions: int,
    flags: Sequence[str],
    res: Results,
    budget: Budget,
    base: Baseline,
) -> None:
    """Cold starts, alternately; the first of each side goes on to the memory figures."""
    spec = res.pages[nav.PAGES[0].key]
    res.cold = {side: {"health": [], "first": [], "all": []} for side in ("app", "bare")}
    for i in range(repeat):
        if i and budget.over("cold"):
            break
        for side in rotated(("app", "bare"), i):
            if side == "app":
                script, env, route, where = "dashboard.py", {"ALLIANCE_DB": str(db)}, "", {}
                charts = spec.charts
            else:
                script, env, route = base.script, base.env, "" if base.app else spec.query()
                where = {"cwd": base.cwd, "python": base.python}
                charts = base.charts(spec)
            context = browser.new_context(viewport=VIEWPORT)  # a new profile: empty HTTP cache
            extra: list[BrowserContext] = []
            try:
                with serve(side, script, env, logs, flags, **where) as server:
                    tab = Tab(context)
                    tab.page.goto(f"{server.url}/{route}", timeout=WAIT_S * 1000)
                    tab.page.wait_for_function(FIRST_JS, polling="raf", timeout=WAIT_S * 1000)
                    first = time.perf_counter()
                    done = tab.wait_ready(0, charts)
                    res.cold[side]["health"].append(server.healthy - server.started)
                    res.cold[side]["first"].append(first - server.started)
                    res.cold[side]["all"].append(done - server.started)
                    log(f"cold start {side}: first chart {first - server.started:.2f} s")
                    if i == 0:
                        res.memory[side]["1"] = settled_memory(server)
                        extra = open_sessions(browser, server, side, sessions - 1, res, base)
                        res.memory[side][str(sessions)] = settled_memory(server)
                        log(f"memory {side}: {res.memory[side]}")
            finally:
                for ctx in [context, *extra]:
                    ctx.close()
            budget.check()


def settled_memory(server: Server) -> dict[str, float]:
    time.sleep(1.0)  # the last run's garbage collected, the session idle
    return server.memory_mb()


def open_sessions(
    browser: Browser, server: Server, side: str, count: int, res: Results, base: Baseline
) -> list[BrowserContext]:
    """`count` more sessions, one browser context each, over the pages in turn, BATCH at a
    time; each is waited for until its first script run has finished on the server. These
    contexts do not load Streamlit's Plotly chunk (PlotlyChart.*.js), so twenty tabs do not
    draw charts on the two cores the server needs: the server sends the same messages and
    holds the same sessions either way. All are left open."""
    contexts: list[BrowserContext] = []
    keys = list(res.pages)
    for first in range(0, count, BATCH):
        batch = []
        for i in range(first, min(count, first + BATCH)):
            key = keys[(i + 1) % len(keys)]
            route = nav.BY_KEY[key].route if side == "app" else base.route(key, res.pages[key])
            context = browser.new_context(viewport=VIEWPORT)
            context.route("**/PlotlyChart.*.js", lambda route: route.abort())
            contexts.append(context)
            tab = Tab(context)
            tab.page.goto(f"{server.url}/{route}", wait_until="commit", timeout=WAIT_S * 1000)
            batch.append(tab)
        deadline = time.monotonic() + WAIT_S
        while not all(tab.idle(0) for tab in batch):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{side}: sessions not run within {WAIT_S:.0f} s")
            batch[0].page.wait_for_timeout(50)
    return contexts


# --------------------------------------------------------------------------- the report


def verdict(ratio: float, goal: float = GOAL) -> str:
    return "yes" if ratio <= goal else "**no**"


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return median([t for t, _ in samples]), median([r for _, r in samples])


def paired(app: list[tuple[float, float]], bare: list[tuple[float, float]]) -> float:
    return statistics.median(a[0] / b[0] for a, b in zip(app, bare, strict=True))


def rounds(times: Times) -> str:
    counts = sorted({len(by_side["app"]) for by_side in times.values()})
    return "-".join(map(str, counts[:: max(1, len(counts) - 1)])) or "0"


def report(
    res: Results,
    sessions: int,
    flags: Sequence[str],
    cut: Sequence[str] = (),
    budget_s: float = BUDGET_S,
    base: Baseline | None = None,
) -> Section:
    base = base or Baseline()
    # Against the bare page the goal is 1.2 x; against the app's older self, no slower (1.0).
    goal = AGAINST_GOAL if base.app else GOAL
    other = f"base {base.label}" if base.app else "bare"
    ours = "new" if base.app else "app"
    load_rows, load_ratios = [], {}
    for key, spec in res.pages.items():
        (app_s, app_run), (bare_s, bare_run) = map(medians, res.loads[key].values())
        load_ratios[key] = app_s / bare_s
        load_rows.append(
            [
                nav.BY_KEY[key].title,
                spec.charts
                if base.charts(spec) == spec.charts
                else f"{spec.charts} / {base.charts(spec)}",
                app_s,
                bare_s,
                app_s / bare_s,
                paired(res.loads[key]["app"], res.loads[key]["bare"]),
                verdict(app_s / bare_s, goal),
                app_run,
                bare_run,
                spec.first_app,
                spec.first_bare,
            ]
        )
    change_rows, change_ratios = [], {}
    for key, times in res.changes.items():
        control = CONTROLS[key]
        (app_s, app_run), (bare_s, bare_run) = medians(times["app"]), medians(times["bare"])
        change_ratios[key] = app_s / bare_s
        change_rows.append(
            [
                nav.BY_KEY[key].title,
                f"{control.label} ({control.kind}: {' / '.join(control.values)})",
                res.change_charts[key],
                app_s,
                bare_s,
                app_s / bare_s,
                paired(times["app"], times["bare"]),
                verdict(app_s / bare_s, goal),
                app_run,
                bare_run,
                res.first_change[key]["app"],
                res.first_change[key]["bare"],
            ]
        )
    cold_rows = []
    steps = {
        "health": "process start to /_stcore/health 200",
        "first": "process start to the landing page's first chart",
        "all": "process start to every chart of the landing page",
    }
    for step, label in steps.items():
        a, b = median(res.cold["app"][step]), median(res.cold["bare"][step])
        cold_rows.append([label, a, b, a / b, verdict(a / b, goal) if step == "first" else ""])
    cold_ratio = median(res.cold["app"]["first"]) / median(res.cold["bare"]["first"])
    mem_rows = []
    for side, name in (("app", ours), ("bare", other if base.app else "bare page")):
        m = res.memory[side]
        one, many, warm = m["1"], m[str(sessions)], m["warm"]
        mem_rows.append(
            [
                name,
                one["VmRSS"],
                one["VmHWM"],
                many["VmRSS"],
                many["VmHWM"],
                (many["VmRSS"] - one["VmRSS"]) / max(1, sessions - 1),
                warm["VmRSS"],
                warm["VmHWM"],
            ]
        )
    payload_rows = []
    for key, spec in res.pages.items():
        sizes = spec.sizes()
        payload_rows.append(
            [
                nav.BY_KEY[key].title,
                spec.charts,
                kb(sum(sizes)) if sizes else "0",
                kb(max(sizes)) if sizes else "",
                " ".join(kb(s) for s in sizes),
            ]
        )

    worst_load = max(load_ratios, key=load_ratios.__getitem__)
    met_loads = sum(r <= goal for r in load_ratios.values())
    parts = [
        f"Dashboard / {'the app at ' + base.label if base.app else 'bare page'}: page loads up "
        f"to x{load_ratios[worst_load]:.2f} ({nav.BY_KEY[worst_load].title}), {met_loads} of "
        f"{len(load_ratios)} within {goal}"
    ]
    if change_ratios:
        worst_change = max(change_ratios, key=change_ratios.__getitem__)
        met_changes = sum(r <= goal for r in change_ratios.values())
        parts.append(
            f"control changes up to x{change_ratios[worst_change]:.2f} "
            f"({nav.BY_KEY[worst_change].title}), {met_changes} of {len(change_ratios)} "
            f"within {goal}"
        )
    parts.append(f"cold start x{cold_ratio:.2f} ({'met' if cold_ratio <= goal else 'not met'})")
    app_mem = res.memory["app"]
    parts.append(
        f"app RSS {app_mem['1']['VmRSS']:.0f} MB with 1 session, "
        f"{app_mem[str(sessions)]['VmRSS']:.0f} MB with {sessions}"
    )

    def cut_note(phase: str) -> str:
        return f" (cut short by the {budget_s / 60:.0f}-minute budget)" if phase in cut else ""

    seconds = [
        f"{ours} median s",
        f"{other} median s",
        f"{ours} / {other}",
        "paired median",
        f"<= {goal}",
    ]
    runs = [f"{ours} script run s", f"{other} script run s"]
    no_control = [nav.BY_KEY[k].title for k in res.pages if k not in CONTROLS]
    skipped = [f"{nav.BY_KEY[k].title} ({why})" for k, why in res.skipped.items()]
    flag_note = f" Extra server flags: `{' '.join(flags)}`." if flags else ""
    tables = [
        Table(
            "Page load: navigation to every chart drawn",
            ["page", "charts", *seconds, *runs, f"first visit {ours} s", f"first visit {other} s"],
            load_rows,
            note=f"{rounds(res.loads)} rounds{cut_note('loads')}, app and bare alternating "
            "(the order turning every round); "
            "'paired median' is the median of the per-round ratios; 'script run' is the "
            "server's run as the websocket shows it (new_session to script_finished), the rest "
            "is the browser: loading, connecting, drawing. First visit: one sample, the first "
            "navigation to the page after the servers started (the app's caches cold, the "
            f"page's modules not yet imported).{flag_note}",
        ),
        Table(
            "Control change: click to every chart redrawn",
            [
                "page",
                "control",
                "charts",
                *seconds,
                *runs,
                f"first change {ours} s",
                f"first change {other} s",
            ],
            change_rows,
            note=f"{rounds(res.changes)} changes each{cut_note('changes')}, alternating "
            "between the two values (each chosen once "
            "before, so the app's caches are warm for both); the bare page changes its Year "
            "selectbox or Source radio. First change: one sample, the first time the first "
            "value is chosen (the app's caches cold for it). No control that redraws charts: "
            + ", ".join(no_control)
            + (f". Skipped: {', '.join(skipped)}" if skipped else "")
            + ".",
        ),
        Table(
            "Cold start",
            ["from", *seconds[:3], f"<= {goal}"],
            cold_rows,
            note=f"{len(res.cold['app']['first'])} starts of each{cut_note('cold')}, "
            "alternating; a new browser context (empty "
            "HTTP cache) each time; the bare page draws the landing page's charts.",
        ),
        Table(
            "Memory of the streamlit process (MB)",
            [
                "server",
                "VmRSS 1 session",
                "VmHWM 1 session",
                f"VmRSS {sessions} sessions",
                f"VmHWM {sessions} sessions",
                "VmRSS per extra session",
                "VmRSS after the rounds",
                "VmHWM after the rounds",
            ],
            mem_rows,
            note="/proc/PID/status of the first cold start's process: first with its one "
            f"session on the landing page, then with {sessions - 1} more browser contexts "
            f"opened {BATCH} at a time over the pages in turn (each waited for until its "
            "script run finished on the server), all kept open. 'After the "
            "rounds': the warm servers at the end of the page and control rounds (every page "
            "visited, one session at a time).",
        ),
        Table(
            "Plotly figure JSON per chart (KB, as sent over the websocket)",
            ["page", "charts", "total KB", "largest KB", "each chart, in page order (KB)"],
            payload_rows,
        ),
    ]
    if base.app:
        tables = [t for t in tables if not t.title.startswith("Plotly")]
        for t in tables:
            t.note = t.note.replace("bare page", f"app at {base.label}").replace(
                "app and bare", f"new and base {base.label}"
            )
    return Section(
        name="dashboard_against" if base.app else "dashboard",
        title=(
            f"2, 3, 5. Dashboard against itself at {base.label}: pages, controls, cold start"
            if base.app
            else "2, 3, 5. Dashboard: pages, controls, cold start and memory in Chromium"
        ),
        intro=AGAINST_INTRO if base.app else " ".join(" ".join(__doc__.split("\n\n")[1:3]).split()),
        command=f"{COMMAND} --against {base.label}" if base.app else COMMAND,
        ratio="; ".join(parts),
        tables=tables,
    )


def section(
    quick: bool = False,
    db: Path | None = None,
    repeat: int | None = None,
    sessions: int = SESSIONS,
    only: Sequence[str] = (),
    flags: Sequence[str] = (),
    against: str | None = None,
    cold: int | None = None,
) -> Section:
    repeat = repeat or (2 if quick else 4)
    cold_repeat = cold or (1 if quick else 5)
    keys = pages_measured(only)
    budget = Budget(BUDGET_S if quick else 2 * BUDGET_S)
    res = Results()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        logs = Path(tmp)
        db, base = sides(db, against, logs)
        budget.start = time.monotonic()  # the baseline's setup is not the benchmark's time
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                warm_phase(browser, db, logs, keys, repeat, flags, res, budget, base)
                cold_phase(browser, db, logs, cold_repeat, sessions, flags, res, budget, base)
            finally:
                browser.close()
    log(f"dashboard benchmark: {budget.elapsed():.0f} s")
    return report(res, sessions, flags, budget.cut, budget.seconds, base)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="a built warehouse (else built)")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default 4)")
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--quick", action="store_true", help="2 rounds, 1 cold start")
    parser.add_argument("--cold", type=int, default=None, help="cold starts (default 5, quick 1)")
    parser.add_argument(
        "--against",
        default=None,
        metavar="REV_OR_DIR",
        help="measure against the app at this commit (or checkout folder), not the bare page",
    )
    parser.add_argument("--only", nargs="+", default=(), metavar="PAGE", help=str(list(nav.BY_KEY)))
    parser.add_argument(
        "--flag",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="an extra streamlit option for both servers, e.g. runner.postScriptGC=false",
    )
    parser.add_argument("--doc", type=Path, default=None, help="also write the section here")
    args = parser.parse_args(argv)
    flags = [f"--{f}" for f in args.flag]
    result = section(
        args.quick,
        args.db,
        args.repeat,
        args.sessions,
        args.only,
        flags,
        args.against,
        args.cold,
    )
    from bench import run  # its markers and format, so bench.run can take the file over

    run.report(result, args.doc, args.quick)


if __name__ == "__main__":
    main()
