"""bench.dashboard's pure parts: what the baseline serves and waits for, and how the report
names it (bare page, or the app at an older commit). No timing is asserted."""

from __future__ import annotations

import json
from pathlib import Path

from app import nav
from bench import dashboard as bd


def spec(key: str, charts: int, base_charts: int | None = None) -> bd.PageSpec:
    specs = [json.dumps({"layout": {"height": 300}, "data": []})] * charts
    base = None if base_charts is None else ["{}"] * base_charts
    return bd.PageSpec(key, 1.0, specs, [0.5] * charts, 1.0, base)


def test_the_bare_page_stands_in_for_every_page_with_the_apps_chart_count():
    bare = bd.Baseline()
    s = spec("burden", 3)
    assert not bare.app and bare.script == bd.BARE and bare.env == {}
    assert bare.route("burden", s).startswith("?charts=")
    assert bare.charts(s) == 3
    assert bare.control(bd.CONTROLS["alliances"]) == bd.BARE_CONTROLS["radio"]


def test_an_older_checkout_serves_its_own_pages_and_waits_for_its_own_charts(tmp_path: Path):
    base = bd.Baseline(tmp_path, "python", tmp_path / "base.duckdb", "7595905")
    s = spec("burden", 3, base_charts=2)
    assert base.app and base.name == "base" and base.script == "dashboard.py"
    assert base.cwd == tmp_path and base.env == {"ALLIANCE_DB": str(tmp_path / "base.duckdb")}
    assert base.route("burden", s) == nav.BY_KEY["burden"].route
    assert base.charts(s) == 2  # its own first visit's count, not the new app's 3
    assert base.control(bd.CONTROLS["country"]) == bd.CONTROLS["country"]


def test_the_checkout_of_a_commit_lives_outside_the_worktree():
    folder = bd.base_folder("759590573bce1e7c36ef6c353cee69440a26b93a")
    assert folder.name == "alliance-ledger-base-759590573bce"
    assert bd.ROOT not in folder.parents


def results(base_charts: int | None) -> bd.Results:
    res = bd.Results()
    landing = nav.PAGES[0].key
    res.pages[landing] = spec(landing, 2, base_charts)
    res.loads[landing] = {"app": [(2.0, 0.5), (3.0, 0.6)], "bare": [(1.0, 0.4), (2.0, 0.5)]}
    res.cold = {
        side: {"health": [1.0], "first": [t], "all": [t + 1]}
        for side, t in (("app", 4.0), ("bare", 5.0))
    }
    mem = {"VmRSS": 100.0, "VmHWM": 110.0}
    res.memory = {side: {"1": mem, "2": mem, "warm": mem} for side in ("app", "bare")}
    return res


def test_report_against_an_older_commit_names_it_and_judges_by_no_slower():
    base = bd.Baseline(Path("x"), "python", Path("x.duckdb"), "7595905")
    section = bd.report(results(base_charts=3), 2, [], base=base)
    assert section.name == "dashboard_against"
    loads = section.tables[0]
    assert "new / base 7595905" in loads.columns and "<= 1.0" in loads.columns
    row = loads.rows[0]
    assert row[1] == "2 / 3"  # each server's own chart count
    ratio = row[loads.columns.index("new / base 7595905")]
    assert ratio == 2.5 / 1.5  # medians' ratio
    assert row[loads.columns.index("paired median")] == 1.75  # median of 2.0 and 1.5
    assert row[loads.columns.index("<= 1.0")] == "**no**"
    cold = next(t for t in section.tables if t.title == "Cold start")
    assert cold.rows[1][-1] == "yes"  # 4 s against 5 s
    assert not any(t.title.startswith("Plotly") for t in section.tables)
    assert "--against 7595905" in section.command


def test_report_against_the_bare_page_is_as_before():
    section = bd.report(results(base_charts=None), 2, [])
    assert section.name == "dashboard"
    loads = section.tables[0]
    assert "app / bare" in loads.columns and f"<= {bd.GOAL}" in loads.columns
    assert loads.rows[0][1] == 2
    assert any(t.title.startswith("Plotly") for t in section.tables)
