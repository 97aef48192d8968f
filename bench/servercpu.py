"""Benchmark 6: the server's CPU seconds per page view, the app against a bare page with the same
charts, cold and warm.

The app (dashboard.py, ALLIANCE_DB set) and the bare page (bench/bare_app.py, drawing as many
charts of the same JSON size, height and width as the app's page sent) are served side by side,
as bench.dashboard serves them, and each page is viewed in Debian's Chromium, a new session
every view (`page.goto` of the page's URL, static files in the browser's cache), app and bare
alternated, the order turning every round. Around each view the user + system CPU time of the
server's process tree (utime + stime of /proc/<pid>/stat of streamlit and its children, e.g. the
SQL explorer's workers) is read: before the navigation, and after every chart is drawn and the
tree has stopped using CPU (no tick for SETTLE_S, so the collection after the run and the
previous session's end are in), so a view is everything the server does for a reader's page
load. The browser's own CPU is not counted (another process tree).

* Cold: the first view of each page after both servers started (the app's caches cold for that
  page: its queries, charts, a new process's imports on the landing page), one sample; and the
  CPU of each server from its start to /_stcore/health.
* Warm: `--views` more views of each page (default 8, `--quick` 4): the mean and the median per
  view, and app / bare of the means (the tick is 10 ms, so the mean of several views is the
  finer figure). Goal: app / bare <= 1.2 for every page.

With `--against REV_OR_DIR` the baseline is the app at an older commit (bench.dashboard's
baseline: its own worktree, venv and database), measured the same way: new / base.

    uv run python -m bench.servercpu [--views 8] [--quick] [--only PAGE ...] [--db FILE]
        [--against REV_OR_DIR] [--doc FILE]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

from app import nav
from bench import Section, Table
from bench.dashboard import (
    Baseline,
    PageSpec,
    Tab,
    first_visit,
    log,
    pages_measured,
    rotated,
    sides,
)
from bench.load import cpu_seconds
from tests.browser.chromium import ARGS, CHROMIUM, VIEWPORT, serve

GOAL = 1.2
SIDES = ("app", "bare")
SETTLE_S = 0.4  # the tree used no CPU tick for this long: the view's work is over
SETTLE_MAX_S = 10.0
COMMAND = "uv run python -m bench.servercpu"


def settled_cpu(pid: int) -> float:
    """The tree's CPU seconds once it has stopped using CPU (or after SETTLE_MAX_S)."""
    deadline = time.monotonic() + SETTLE_MAX_S
    last, since = cpu_seconds(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = cpu_seconds(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= SETTLE_S:
            break
    return last


@dataclass
class Results:
    pages: dict[str, PageSpec] = field(default_factory=dict)
    boot: dict[str, float] = field(default_factory=dict)  # side -> CPU s to health
    cold: dict[str, dict[str, float]] = field(default_factory=dict)  # key -> side -> CPU s
    warm: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # key -> side -> CPU s
    wall: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # key -> side -> s


def measure(
    browser, db: Path, logs: Path, keys: list[str], views: int, base: Baseline, res: Results
) -> None:
    with (
        serve("app", "dashboard.py", {"ALLIANCE_DB": str(db)}, logs) as app,
        serve(base.name, base.script, base.env, logs, cwd=base.cwd, python=base.python) as bare,
    ):
        pids = {"app": app.proc.pid, "bare": bare.proc.pid}
        for side in SIDES:
            res.boot[side] = settled_cpu(pids[side])
        contexts = {side: browser.new_context(viewport=VIEWPORT) for side in SIDES}
        try:
            tabs = {side: Tab(ctx) for side, ctx in contexts.items()}
            urls = {k: f"{app.url}/{nav.BY_KEY[k].route}" for k in keys}

            def url(side: str, key: str) -> str:
                if side == "app":
                    return urls[key]
                return f"{bare.url}/{base.route(key, res.pages.get(key))}"

            def charts(side: str, key: str) -> int:
                spec = res.pages[key]
                return spec.charts if side == "app" else base.charts(spec)

            for key in keys:  # cold: the first view of each page, app first (the bare needs it)
                before = settled_cpu(pids["app"])
                seconds, specs, widths = first_visit(tabs["app"], urls[key])
                spec = PageSpec(key, seconds, specs, widths)
                res.pages[key] = spec
                app_cpu = settled_cpu(pids["app"]) - before
                before = settled_cpu(pids["bare"])
                if base.app:
                    found = first_visit(tabs["bare"], url("bare", key))
                    spec.first_bare, spec.base_specs = found[0], found[1]
                else:
                    spec.first_bare = tabs["bare"].goto(url("bare", key), spec.charts)[0]
                res.cold[key] = {"app": app_cpu, "bare": settled_cpu(pids["bare"]) - before}
                log(
                    f"cold {key}: {spec.charts} charts; CPU s app {app_cpu:.2f}, "
                    f"{base.label} {res.cold[key]['bare']:.2f}"
                )

            res.warm = {k: {s: [] for s in SIDES} for k in keys}
            res.wall = {k: {s: [] for s in SIDES} for k in keys}
            for i in range(views):
                for key in keys[i % len(keys) :] + keys[: i % len(keys)]:
                    for side in rotated(SIDES, i):
                        before = settled_cpu(pids[side])
                        seconds, _ = tabs[side].goto(url(side, key), charts(side, key))
                        res.warm[key][side].append(settled_cpu(pids[side]) - before)
                        res.wall[key][side].append(seconds)
                log(f"warm views, round {i + 1} of {views} done")
        finally:
            for ctx in contexts.values():
                ctx.close()


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def report(res: Results, base: Baseline) -> Section:
    ours, other = ("new", f"base {base.label}") if base.app else ("app", "bare")
    goal = 1.0 if base.app else GOAL
    rows, ratios = [], {}
    for key, spec in res.pages.items():
        warm = res.warm[key]
        a, b = mean(warm["app"]), mean(warm["bare"])
        ratios[key] = a / b
        cold = res.cold[key]
        rows.append(
            [
                nav.BY_KEY[key].title,
                spec.charts
                if base.charts(spec) == spec.charts
                else f"{spec.charts} / {base.charts(spec)}",
                cold["app"],
                cold["bare"],
                cold["app"] / cold["bare"] if cold["bare"] else float("nan"),
                a,
                b,
                statistics.median(warm["app"]),
                statistics.median(warm["bare"]),
                a / b,
                "yes" if a / b <= goal else "**no**",
                statistics.median(res.wall[key]["app"]),
                statistics.median(res.wall[key]["bare"]),
            ]
        )
    worst = max(ratios, key=ratios.__getitem__)
    met = sum(r <= goal for r in ratios.values())
    views = len(next(iter(res.warm.values()))["app"]) if res.warm else 0
    table = Table(
        "Server CPU seconds per page view",
        [
            "page",
            "charts",
            f"cold {ours} CPU s",
            f"cold {other} CPU s",
            "cold ratio",
            f"warm {ours} CPU s (mean)",
            f"warm {other} CPU s (mean)",
            f"warm {ours} (median)",
            f"warm {other} (median)",
            f"warm {ours} / {other}",
            f"<= {goal}",
            f"{ours} view s",
            f"{other} view s",
        ],
        rows,
        note=f"{views} warm views of each page and side, alternating (the order turning every "
        "round), each a new session; cold: the first view of each page after the servers "
        "started. CPU: utime + stime of the server's process tree, read before the navigation "
        f"and once the tree has used no CPU tick for {SETTLE_S} s after every chart was drawn. "
        f"Server start to /_stcore/health: {ours} {res.boot['app']:.2f} CPU s, "
        f"{other} {res.boot['bare']:.2f} CPU s. 'view s': median wall time of a view "
        "(navigation to every chart drawn, on a 2-core machine shared with the browser).",
    )
    return Section(
        name="servercpu_against" if base.app else "servercpu",
        title=f"6. Server CPU per page view{' against ' + base.label if base.app else ''}",
        intro=" ".join(" ".join(__doc__.split("\n\n")[1:4]).split()),
        command=f"{COMMAND} --against {base.label}" if base.app else COMMAND,
        ratio=f"Server CPU per warm page view, {ours} / {other}: up to x{ratios[worst]:.2f} "
        f"({nav.BY_KEY[worst].title}), {met} of {len(ratios)} within {goal}",
        tables=[table],
    )


def section(
    quick: bool = False,
    db: Path | None = None,
    views: int | None = None,
    only: Sequence[str] = (),
    against: str | None = None,
) -> Section:
    views = views or (4 if quick else 8)
    keys = pages_measured(only)
    res = Results()
    with tempfile.TemporaryDirectory(prefix="bench-servercpu-") as tmp:
        logs = Path(tmp)
        db, base = sides(db, against, logs)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                measure(browser, db, logs, keys, views, base, res)
            finally:
                browser.close()
    return report(res, base)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="a built warehouse (else built)")
    parser.add_argument("--views", type=int, default=None, help="warm views per page (default 8)")
    parser.add_argument("--quick", action="store_true", help="4 warm views per page")
    parser.add_argument("--only", nargs="+", default=(), metavar="PAGE", help=str(list(nav.BY_KEY)))
    parser.add_argument("--against", default=None, metavar="REV_OR_DIR")
    parser.add_argument("--doc", type=Path, default=None, help="also write the section here")
    args = parser.parse_args(argv)
    result = section(args.quick, args.db, args.views, args.only, args.against)
    from bench import run  # its markers and format, so bench.run can take the file over

    run.report(result, args.doc, args.quick)


if __name__ == "__main__":
    main()
