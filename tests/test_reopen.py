"""app/data.py follows a refreshed database file while other sessions of the same process are
still reading the old one: their queries finish on the old file, the next ones read the new
file, and nobody gets DuckDB's "connection is busy" or "connection already closed" (a replica
serves many sessions from one connection; docs/deploy/README.md)."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest

from core.errors import EtlError
from tests.tinydb import make_db

NATO = {
    "code": "NATO",
    "name": "North Atlantic Treaty Organization",
    "kind": "treaty alliance",
    "founded": date(1949, 4, 4),
    "source_url": "https://www.nato.int",
}


def alliances(n: int) -> list[dict]:
    return [NATO, *({**NATO, "code": f"X{i}", "name": f"X{i}"} for i in range(1, n))]


@pytest.fixture
def served(tmp_path, monkeypatch) -> Path:
    from app import data

    path = tmp_path / "alliance.duckdb"
    make_db(path, {"alliance": alliances(1)})
    monkeypatch.setenv("ALLIANCE_DB", str(path))
    data._reader().close()
    yield path
    data._reader().close()


def publish(path: Path, n: int) -> None:
    """What `etl build` does: write a complete file beside the served one, rename it over."""
    staged = path.with_name(f".next-{n}.duckdb")
    make_db(staged, {"alliance": alliances(n)})
    os.replace(staged, path)


def count(cur) -> int:
    return cur.execute("select count(*) from alliance").fetchall()[0][0]


def test_a_session_reading_during_a_refresh_finishes_and_the_next_reads_the_new_file(served):
    from app import data

    held, go = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def reading_session() -> None:  # borrowed before the refresh, queries after it
        try:
            with data.cursor() as cur:
                held.set()
                go.wait()
                seen["old"] = count(cur)
        except Exception as e:  # noqa: BLE001 - the assertion below names it
            seen["old"] = f"{type(e).__name__}: {e}"

    def next_session() -> None:  # its rerun comes after the refresh
        try:
            with data.cursor() as cur:
                seen["new"] = count(cur)
        except Exception as e:  # noqa: BLE001
            seen["new"] = f"{type(e).__name__}: {e}"

    first = threading.Thread(target=reading_session)
    first.start()
    held.wait()
    publish(served, 2)
    second = threading.Thread(target=next_session)
    second.start()
    second.join(timeout=1)  # not an assertion: lets a reader that does not wait reopen first
    go.set()
    first.join()
    second.join()
    assert seen == {"old": 1, "new": 2}


def test_a_query_running_during_a_refresh_is_not_refused(served):
    """A cursor busy with a query: DuckDB refuses to close its connection ("busy")."""
    from app import data

    started, done = threading.Event(), {}

    def long_query() -> None:
        with data.cursor() as cur:
            started.set()
            done["rows"] = cur.execute(
                "select sum(hash(range)) from range(200000000)"  # a second or so
            ).fetchall()

    runner = threading.Thread(target=long_query)
    runner.start()
    started.wait()
    publish(served, 3)
    with data.cursor() as cur:  # waits for the query above, then reads the new file
        assert count(cur) == 3
    runner.join()
    assert done["rows"]


def test_the_wait_for_old_queries_is_bounded(served, monkeypatch):
    from app import data

    monkeypatch.setenv("ALLIANCE_REOPEN_WAIT_SECONDS", "0.05")
    release = threading.Event()
    held = threading.Event()

    def stuck_session() -> None:
        with data.cursor() as cur:
            assert count(cur) == 1
            held.set()
            release.wait()

    stuck = threading.Thread(target=stuck_session)
    stuck.start()
    held.wait()
    publish(served, 2)
    with pytest.raises(EtlError) as refused, data.cursor():
        pass
    message = str(refused.value)
    assert "ALLIANCE_REOPEN_WAIT_SECONDS" in message and "\n" not in message
    release.set()
    stuck.join()
    with data.cursor() as cur:  # the next rerun reads the new file
        assert count(cur) == 2


def test_a_bad_wait_limit_is_one_line(served, monkeypatch):
    from app import data

    monkeypatch.setenv("ALLIANCE_REOPEN_WAIT_SECONDS", "soon")
    with data.cursor() as cur:  # read only when a replaced file has to wait: none here
        assert count(cur) == 1
    held, release = threading.Event(), threading.Event()

    def session() -> None:
        with data.cursor():
            held.set()
            release.wait()

    t = threading.Thread(target=session)
    t.start()
    held.wait()
    publish(served, 2)
    try:
        bad = "ALLIANCE_REOPEN_WAIT_SECONDS must be a number"
        with pytest.raises(EtlError, match=bad), data.cursor():
            pass
    finally:
        release.set()
        t.join()
