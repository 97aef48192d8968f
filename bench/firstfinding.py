"""Time to the first finding on the claims page (the landing page), cold and warm, in Chromium.

A diagnostic beside bench.dashboard: the app is served (`python -m streamlit run dashboard.py`,
the browser tests' flags) and the landing page opened in Debian's Chromium; from the navigation
it times the first claim card's finding on screen (the first h4/h5 heading 'C<n> · ...') and the
whole page (the script run finished, nothing stale, every chart drawn). Three states:

* cold, nothing stored: a new server process with an empty verdict cache folder
  (ALLIANCE_CACHE_DIR), i.e. the first visit after a new database or a code change;
* cold, restart: a new server process whose verdict cache folder holds the verdicts of an
  earlier process on the same database (an ordinary restart);
* warm: the same page opened again in a new session of a running server.

With `--against REV_OR_DIR` the app at an older commit is measured the same way, alternately
(bench.dashboard's baseline: its own worktree, venv and database); an app without a verdict
cache simply has the same 'cold' twice.

    uv run python -m bench.firstfinding [--against REV_OR_DIR] [--rounds 3] [--warm 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import Table, median
from bench.dashboard import (
    RAW_DIR,
    WAIT_S,
    Baseline,
    Tab,
    log,
    prepare_baseline,
    rotated,
)
from tests.browser.chromium import ARGS, CHROMIUM, VIEWPORT, serve

FINDING_JS = """() => [...document.querySelectorAll('h4, h5')]
  .some(h => /^C\\d+\\s·/.test(h.textContent.trim()))"""
STATES = ("cold, nothing stored", "cold, restart", "warm")


def one_load(tab: Tab, url: str) -> tuple[float, float, float]:
    """Seconds from navigation to the first finding, to the whole page, and the script run."""
    before = tab.finished
    start = time.perf_counter()
    tab.page.goto(url, timeout=WAIT_S * 1000)
    tab.page.wait_for_function(FINDING_JS, polling="raf", timeout=WAIT_S * 1000)
    first = time.perf_counter() - start
    done = tab.wait_ready(before, -1) - start
    return first, done, tab.run_seconds


def measure(
    browser, side: str, base: Baseline, db: Path, logs: Path, cache: Path, warm: int
) -> list[tuple[float, float, float]]:
    """One fresh server: its first load, then `warm` loads in new sessions."""
    if side == "new":
        script, env, where = "dashboard.py", {"ALLIANCE_DB": str(db)}, {}
    else:
        script, env = base.script, base.env
        where = {"cwd": base.cwd, "python": base.python}
    env = {**env, "ALLIANCE_CACHE_DIR": str(cache)}
    out = []
    with serve(side, script, env, logs, **where) as server:
        for _ in range(1 + warm):
            context = browser.new_context(viewport=VIEWPORT)
            try:
                out.append(one_load(Tab(context), server.url))
            finally:
                context.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default=None, metavar="REV_OR_DIR")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per state")
    parser.add_argument("--warm", type=int, default=3, help="warm loads per process")
    args = parser.parse_args(argv)
    sides = ("new", "base") if args.against else ("new",)
    samples = {(s, st, m): [] for s in sides for st in STATES for m in range(3)}
    with tempfile.TemporaryDirectory(prefix="bench-firstfinding-") as tmp:
        logs = Path(tmp)
        from etl.build import build

        db = build(RAW_DIR, logs / "new.duckdb").db
        base = prepare_baseline(args.against, logs) if args.against else Baseline()
        stored = {side: logs / f"stored-{side}" for side in sides}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                for side in sides:  # fills each side's stored verdicts once, not timed
                    measure(browser, side, base, db, logs, stored[side], 0)
                for i in range(args.rounds):
                    for side in rotated(sides, i) if len(sides) == 2 else sides:
                        empty = logs / f"empty-{side}-{i}"
                        loads = measure(browser, side, base, db, logs, empty, 0)
                        loads += measure(browser, side, base, db, logs, stored[side], args.warm)
                        for state, load in zip(STATES[:2], loads[:2], strict=True):
                            for m in range(3):
                                samples[(side, state, m)].append(load[m])
                        for load in loads[2:]:
                            for m in range(3):
                                samples[(side, "warm", m)].append(load[m])
                        log(f"round {i + 1}, {side}: " + ", ".join(f"{x[0]:.2f}" for x in loads))
            finally:
                browser.close()
    rows = []
    for state in STATES:
        for side in sides:
            first, whole, run = (median(samples[(side, state, m)]) for m in range(3))
            label = "new" if side == "new" else f"base {base.label}"
            rows.append([state, label, len(samples[(side, state, 0)]), first, whole, run])
    print(
        Table(
            "Claims page: time to the first finding and to the whole page (medians, s)",
            ["state", "app", "loads", "first finding s", "whole page s", "script run s"],
            rows,
            note="From the navigation; a cold state is a new server process.",
        ).markdown()
    )


if __name__ == "__main__":
    main()
