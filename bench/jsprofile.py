"""Where the browser spends a page load: Chromium's JS sampling profile, app against bare page.

A diagnostic behind docs/PERFORMANCE.md (not a benchmark, so not in bench.MODULES): serves the
app and the bare page as bench.dashboard does, loads one page of each several times with the
DevTools Profiler on, and prints the sampled milliseconds per load by script file (the
Streamlit frontend's chunks: StreamlitMarkdown, PlotlyChart, react-dom, ...) and the main
thread's task, script, layout and style times (Performance.getMetrics).

    uv run python -m bench.jsprofile burden [--loads 3] [--db BUILT.duckdb] [--against REV_OR_DIR]

With `--against` the other side is the app at that commit (bench.dashboard's baseline: its own
worktree, venv and database) instead of the bare page.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

from app import nav
from bench import dashboard as d
from tests.browser.chromium import ARGS, CHROMIUM, VIEWPORT, serve

METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def profile(tab: d.Tab, url: str, charts: int, loads: int) -> tuple[Counter, dict[str, float]]:
    """Sampled ms per script file and mean main-thread seconds per metric, over `loads`."""
    cdp = tab.page.context.new_cdp_session(tab.page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})  # microseconds
    cdp.send("Performance.enable")
    by_file: Counter = Counter()
    metrics: Counter = Counter()
    for _ in range(loads):
        cdp.send("Profiler.start")
        tab.goto(url, charts)
        samples = cdp.send("Profiler.stop")["profile"]
        # the metrics restart with each document, so after a load they are that load's
        got = cdp.send("Performance.getMetrics")["metrics"]
        metrics.update({m["name"]: m["value"] / loads for m in got if m["name"] in METRICS})
        files = {n["id"]: _where(n["callFrame"]) for n in samples["nodes"]}
        for node, micros in zip(samples["samples"], samples["timeDeltas"], strict=True):
            by_file[files[node]] += micros / 1000 / loads
    del by_file["(idle)"]  # waiting for the server or the next frame: not the browser's work
    return by_file, dict(metrics)


def _where(frame: dict) -> str:
    """A sample's script file, or what V8 calls the time outside scripts."""
    if frame["url"]:
        return frame["url"].rsplit("/", 1)[-1]
    if frame["functionName"] == "(idle)":
        return "(idle)"
    return "(native: layout, style, paint, GC, DOM calls)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", choices=list(nav.BY_KEY))
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None, help="a built warehouse (else built)")
    parser.add_argument("--against", default=None, metavar="REV_OR_DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-jsprofile-") as tmp, sync_playwright() as pw:
        logs = Path(tmp)
        db = args.db
        if db is None:
            from etl.build import build

            db = build(d.RAW_DIR, logs / "bench.duckdb").db
        base = d.prepare_baseline(args.against, logs) if args.against else d.Baseline()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        where = {"cwd": base.cwd, "python": base.python}
        with (
            serve("app", "dashboard.py", {"ALLIANCE_DB": str(db)}, logs) as app,
            serve(base.name, base.script, base.env, logs, **where) as bare,
        ):
            tab = d.Tab(browser.new_context(viewport=VIEWPORT))
            url = f"{app.url}/{nav.BY_KEY[args.page].route}"
            _, specs, widths = d.first_visit(tab, url)
            spec = d.PageSpec(args.page, 0.0, specs, widths)
            charts = {"app": len(specs)}
            if base.app:
                _, spec.base_specs, _ = d.first_visit(
                    tab, f"{bare.url}/{base.route(args.page, spec)}"
                )
            charts[base.name] = base.charts(spec)
            sides = (("app", url), (base.name, f"{bare.url}/{base.route(args.page, spec)}"))
            for side, side_url in sides:
                tab.goto(side_url, charts[side])  # warm: the page's chunks are loaded
                by_file, metrics = profile(tab, side_url, charts[side], args.loads)
                busy = sum(by_file.values())
                print(f"{args.page}, {side}: {busy:.0f} ms busy per load (idle left out)")
                print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in metrics.items()))
                for name, ms in by_file.most_common(8):
                    print(f"  {ms:7.0f} ms  {name}")
        browser.close()


if __name__ == "__main__":
    main()
