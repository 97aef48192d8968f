"""The SQL explorer's side of a reader's query (app/explorer.py, app/pages/sql.py): its cache is
bounded by bytes, refusals that may not hold next time are not cached, and every result type
reaches the grid and the CSV download."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from app import cite, explorer, nav
from core import limits
from ledger import sandbox
from tests.dashboard_db import dashboard_db
from tests.tinydb import make_db

ROOT = Path(__file__).resolve().parent.parent
MB = limits.MB


@pytest.fixture(autouse=True)
def _empty_cache():
    explorer.CACHE.clear()
    yield
    explorer.CACHE.clear()


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    nato = {"code": "NATO", "name": "NATO", "kind": "treaty alliance", "founded": "1949-08-24"}
    db = make_db(
        tmp_path / "tiny.duckdb", {"alliance": [{**nato, "source_url": "https://nato.int"}]}
    )
    monkeypatch.setenv("ALLIANCE_DB", str(db))
    return db


def _answer(megabytes: float) -> explorer.Explored:
    rows = 1_000
    frame = pl.DataFrame({"s": ["x" * int(megabytes * MB / rows)] * rows})
    return explorer.Explored(frame)


# ------------------------------------------------------------------ the cache counts bytes
def test_the_cache_holds_at_most_its_byte_budget():
    """30 distinct 4.5 MB results had raised the server by 235 MB: the cache counted entries."""
    cache = explorer.ByteCache(lambda: 64 * MB)
    for i in range(30):
        cache.put(("q", i), _answer(4.5))
        assert cache.nbytes <= 64 * MB
    assert 10 <= len(cache) <= 14
    assert cache.get(("q", 29)) is not None and cache.get(("q", 0)) is None


def test_the_cache_drops_the_least_recently_used_first():
    cache = explorer.ByteCache(lambda: 10 * MB)
    for i in range(3):
        cache.put(i, _answer(3))
    cache.get(0)  # used again: now the most recent
    cache.put(3, _answer(3))
    assert cache.get(0) is not None and cache.get(1) is None


def test_an_answer_larger_than_the_budget_is_not_kept():
    cache = explorer.ByteCache(lambda: 2 * MB)
    cache.put("big", _answer(3))
    assert cache.get("big") is None and cache.nbytes == 0


def test_answers_expire(monkeypatch):
    now = [1_000.0]
    monkeypatch.setattr(explorer.time, "monotonic", lambda: now[0])
    cache = explorer.ByteCache(lambda: 10 * MB, ttl=600)
    cache.put("q", _answer(1))
    now[0] += 601
    assert cache.get("q") is None and cache.nbytes == 0


def test_the_budget_comes_from_the_limits(monkeypatch):
    monkeypatch.setenv("ALLIANCE_EXPLORE_CACHE_MB", "8")
    for i in range(5):
        explorer.CACHE.put(i, _answer(3))
    assert explorer.CACHE.nbytes <= 8 * MB and len(explorer.CACHE) == 2


def test_real_results_stay_within_the_budget(tiny, monkeypatch):
    monkeypatch.setenv("ALLIANCE_EXPLORE_CACHE_MB", "24")
    for i in range(12):
        answer = explorer.explore(f"select repeat('x', 4500) || {i} as s from range(1000)", 1000, 5)
        assert answer.refusal is None and answer.frame.height == 1000
    assert explorer.CACHE.nbytes <= 24 * MB and len(explorer.CACHE) <= 5


# ------------------------------------------------------------------ what is cached
def _counting_run(monkeypatch, outcome):
    calls = []

    def fake(db, sql, *, row_cap, seconds):
        calls.append(sql)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(sandbox, "run", fake)
    return calls


@pytest.mark.parametrize(
    "message",
    [
        "The explorer is busy with other queries; try again in a moment.",
        "The query's worker was killed from outside (signal 9, SIGKILL); try again.",
        "The query took longer than 5 s and was stopped (the server was busy; try again).",
    ],
)
def test_a_transient_refusal_is_not_cached(tiny, monkeypatch, message):
    calls = _counting_run(monkeypatch, sandbox.SqlRefused(message, transient=True))
    for _ in range(2):
        assert explorer.explore("select 1", 10, 5).refusal == message
    assert len(calls) == 2 and len(explorer.CACHE) == 0


def test_a_lasting_refusal_and_an_answer_are_cached(tiny, monkeypatch):
    calls = _counting_run(monkeypatch, sandbox.SqlRefused("The query failed: no such table"))
    for _ in range(2):
        explorer.explore("select * from nothing", 10, 5)
    assert len(calls) == 1
    frame = pl.DataFrame({"n": [1]})
    calls = _counting_run(monkeypatch, sandbox.Result(frame, False))
    for _ in range(2):
        assert explorer.explore("select 1 as n", 10, 5).frame.equals(frame)
    assert len(calls) == 1


def test_the_real_transient_refusal_is_not_cached(tiny, monkeypatch):
    monkeypatch.setenv("ALLIANCE_WORKERS", "1")
    pool = sandbox.pool()
    real_checkout = pool.checkout

    def busy(key, wait):
        raise sandbox.sqlpool.Stopped("busy")

    monkeypatch.setattr(pool, "checkout", busy)
    assert "busy" in explorer.explore("select 1 as n", 10, 5).refusal
    monkeypatch.setattr(pool, "checkout", real_checkout)
    assert explorer.explore("select 1 as n", 10, 5).frame["n"][0] == 1


# ------------------------------------------------------------------ every result reaches the page
def test_sql_that_is_not_utf8_is_one_line_on_the_page(tiny):
    answer = explorer.explore("select '\udcff' as x", 10, 5)
    assert answer.frame is None and "not valid UTF-8" in answer.refusal
    assert "\n" not in answer.refusal


EXTREME_SQL = (
    "select 'infinity'::date as d, '-infinity'::timestamp as t, '24:00:00'::time as h, "
    "'5877642-06-25 (BC)'::date as bc, 'infinity'::timestamptz as tz, 'nan'::double as x, "
    "'0001-01-01'::date as first_day, interval 3 day as i"
)


def test_the_csv_download_holds_every_value(tiny):
    for sql in (EXTREME_SQL, "select * from test_all_types()"):
        answer = explorer.explore(sql, 100, 5)
        assert answer.refusal is None, answer.refusal
        csv = cite.csv_ready(answer.frame).write_csv()  # what ui.download writes
        assert "infinity" in csv and "5877642-06-25 (BC)" in csv


@pytest.fixture(scope="module")
def app_db(request, tmp_path_factory) -> Path:
    return dashboard_db(request, tmp_path_factory)


def test_the_page_shows_every_result_type(app_db, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DB", str(app_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(nav.BY_KEY["sql"].path).run()
    for sql in (EXTREME_SQL, "select * from test_all_types()", "select * from defence_panel"):
        at.text_area(key="sql").set_value(sql).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        assert any(len(df.value) >= 1 and df.value.shape[1] >= 8 for df in at.dataframe)
