"""The published warehouse in a DuckDB 1.x client: it opens, every table and view answers, the
macros are there, and every query in queries/ gives what the project's own runs give."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import duckdb
import pytest

from core.db import STORAGE_VERSION
from etl import warehouse
from etl.build import build, stale_sources
from ledger import queries
from tests import duckdb1x, duckdb1x_client

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "queries" / "checks"


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory) -> Path:
    """A warehouse freshly built from the committed snapshot by the project's build."""
    return build(None, tmp_path_factory.mktemp("compat") / "alliance.duckdb").db


def _plain(rows: list) -> list:
    """Rows as the 1.x client sends them (JSON, dates and the like as strings)."""
    return json.loads(json.dumps([list(r) for r in rows], default=str))


def _key(row: list) -> str:
    return json.dumps([f"{v:.6g}" if isinstance(v, float) else v for v in row], default=str)


def _same_rows(got: list, want: list) -> bool:
    if len(got) != len(want):
        return False
    for g, w in zip(sorted(got, key=_key), sorted(want, key=_key), strict=True):
        if not all(_same_value(a, b) for a, b in zip(g, w, strict=True)):
            return False
    return True


def _same_value(a, b) -> bool:
    """Equal, floats to 1e-9 (also inside lists: concordance_test's differences)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _all_queries() -> dict[str, tuple[str, dict]]:
    """Every indicator with its sidecar's defaults bound (as ledger.queries binds them), and every
    data check in queries/checks/ (no parameters)."""
    jobs = {
        name: (queries.load(name).sql, queries.coerce(queries.load(name), {}))
        for name in queries.names()
    }
    for path in sorted(CHECKS.glob("*.sql")):
        jobs[f"checks/{path.stem}"] = (path.read_text(encoding="utf-8"), {})
    return jobs


def test_published_file_is_in_the_1x_storage_format(warehouse_db):
    con = duckdb.connect(str(warehouse_db), read_only=True)
    try:
        (tags,) = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchall()[0]
    finally:
        con.close()
    assert dict(tags)["storage_version"] == f"{STORAGE_VERSION}+"


def test_a_1x_client_opens_the_warehouse_and_runs_every_query(warehouse_db):
    jobs = _all_queries()
    got = duckdb1x.run_client(warehouse_db, jobs)
    assert got["version"].startswith("1."), got["version"]

    con = duckdb.connect(str(warehouse_db), read_only=True)
    try:
        objects, macros = duckdb1x_client.inventory(con)  # the client's own, in this DuckDB
        own = {}
        for name, (sql, _params) in jobs.items():
            if name.startswith("checks/"):
                own[name] = ([], _plain(con.execute(sql).fetchall()))
            else:  # the project's own runner, as the app and `etl query` use it, plus the
                # list columns the runner consumes and drops (concordance_test's differences)
                frame = queries.run(con, name)
                raw = con.sql(sql, params=_params).pl()
                dropped = [c for c in raw.columns if c not in frame.columns]
                frame = frame.with_columns(raw.select(dropped))
                own[name] = (frame.columns, frame)
    finally:
        con.close()

    assert set(got["objects"]) == set(objects), "tables and views seen by DuckDB 1.x"
    broken = {n: o["error"] for n, o in got["objects"].items() if "error" in o}
    assert not broken, broken
    assert got["objects"] == objects  # each one's type and row count
    assert got["macros"] == macros

    failed = {n: r["error"] for n, r in got["queries"].items() if "error" in r}
    assert not failed, failed
    differ = []
    for name, (columns, frame) in own.items():
        result = got["queries"][name]
        if name.startswith("checks/"):
            assert result["rows"] == [], f"data check {name} fails in DuckDB 1.x"
            continue
        # The runner may add columns from the sidecar (p-values, intervals); the SQL's own
        # columns must match, row for row.
        assert set(result["columns"]) <= set(columns), name
        want = _plain(frame.select(result["columns"]).rows())
        if not _same_rows(result["rows"], want):
            differ.append(name)
    assert not differ, f"DuckDB 1.x gives other rows than the project's run for {differ}"
    assert len(own) >= 3 and any(got["queries"][n]["rows"] for n in own)


def test_views_and_macros_the_build_adds_work_in_1x(tmp_path, monkeypatch):
    """Whatever queries/views/ defines is written in the 1.x format: here the real views plus a
    scalar macro with a default parameter and a table macro, as shared SQL may add."""
    views = tmp_path / "views"
    shutil.copytree(warehouse.VIEWS, views)
    (views / "99_macros.sql").write_text(
        "create or replace macro pct(part, whole, digits := 1) as "
        "round(100 * part / nullif(whole, 0), digits);\n"
        "create or replace macro allies_in(code, yr) as table "
        "select iso3 from member_year where alliance = code and year = yr;\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(warehouse, "VIEWS", views)
    db = build(None, tmp_path / "alliance.duckdb").db
    sql = "select pct(1, 3) as p, (select count(*) from allies_in('NATO', 2024)) as n"
    got = duckdb1x.run_client(db, {"macros": (sql, {})})
    assert ["allies_in", "table_macro", ["code", "yr"]] in got["macros"]
    assert "error" not in got["queries"]["macros"], got["queries"]["macros"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        own = _plain(con.execute(sql).fetchall())
    finally:
        con.close()
    assert got["queries"]["macros"]["rows"] == own
    assert own[0][0] == 33.3 and own[0][1] > 0


@pytest.mark.raw
def test_a_file_in_another_storage_format_is_stale_so_a_refresh_rewrites_it(
    raw_dir, real_db_path, tmp_path
):
    """A warehouse published before the format was pinned (DuckDB 2's own format) is rebuilt
    by the next `etl refresh` even when no source changed."""
    assert stale_sources(raw_dir, real_db_path) == []
    newer = tmp_path / "alliance.duckdb"
    con = duckdb.connect()
    try:  # ATTACH takes no bound parameters; both paths are this test's own
        con.execute(f"attach '{newer}' as newer (storage_version 'latest')")
        con.execute(f"attach '{real_db_path}' as served (read_only)")
        con.execute("copy from database served to newer")
    finally:
        con.close()
    (reason,) = stale_sources(raw_dir, newer)
    assert reason.startswith(f"{newer} (storage version v2.") and STORAGE_VERSION not in reason


def test_a_feature_1x_cannot_read_fails_the_build_and_leaves_the_served_file(
    warehouse_db, tmp_path, monkeypatch
):
    """Typed macro parameters need storage v1.4.0: the build says so and publishes nothing."""
    served = tmp_path / "alliance.duckdb"
    served.write_bytes(warehouse_db.read_bytes())
    before = served.read_bytes()
    views = tmp_path / "views"
    shutil.copytree(warehouse.VIEWS, views)
    (views / "99_typed.sql").write_text(
        "create or replace macro twice(a integer) as 2 * a;\n", encoding="utf-8"
    )
    monkeypatch.setattr(warehouse, "VIEWS", views)
    with pytest.raises(duckdb.Error, match=r"storage versions? v1\.4\.0"):
        build(None, served)
    assert served.read_bytes() == before
