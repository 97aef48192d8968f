"""The pool of query workers behind ledger.sandbox (ledger/sqlpool.py): ready ahead, reused only
after a clean answer, replaced otherwise, retired when the database file is replaced or when
idle, never more than the `workers` limit, and no state carried from one query to the next."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from core import limits
from ledger import sandbox, sqlpool
from ledger.sandbox import SqlRefused, run
from tests.tinydb import make_db

NATO = {
    "code": "NATO",
    "name": "North Atlantic Treaty Organization",
    "kind": "treaty alliance",
    "founded": "1949-08-24",
    "source_url": "https://www.nato.int",
}
RUNAWAY = "select count(*) from range(10000000000) a, range(10) b"


@pytest.fixture
def db(tmp_path) -> Path:
    return make_db(tmp_path / "tiny.duckdb", {"alliance": [NATO]})


@pytest.fixture
def pool(monkeypatch):
    """sandbox.run on a pool of this test's own, closed after it."""
    fresh = sqlpool.new_pool(
        size=lambda: int(limits.get("workers")),
        keep_mb=lambda: limits.get("worker_keep_mb"),
        idle_seconds=lambda: limits.get("worker_idle_seconds"),
        startup=sandbox.STARTUP,
    )
    monkeypatch.setattr(sandbox, "_pool", fresh)
    yield fresh
    fresh.close()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie is dead


def _until(check, timeout: float = 60.0) -> bool:
    """Poll `check` until it holds (a wait for background starts, not a timed assertion)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


def _warm(pool: sqlpool.Pool, db: Path) -> None:
    sandbox.warm(db)
    assert _until(lambda: len(pool.pids()["idle"]) == int(limits.get("workers")))


def test_a_small_query_answers_from_a_ready_worker(pool, db):
    _warm(pool, db)
    starts = pool.starts
    first = run(db, "select count(*) as n from alliance")
    second = run(db, "select code from alliance")
    assert first.frame["n"][0] == 1 and second.frame["code"][0] == "NATO"
    assert not first.cold_start and not second.cold_start
    assert pool.starts == starts  # no process started for either query
    assert second.reused and second.worker_pid == first.worker_pid


def test_without_warming_the_first_query_starts_a_worker_and_the_next_reuses_it(pool, db):
    first = run(db, "select 1 as n")
    second = run(db, "select 2 as n")
    assert first.cold_start and not second.cold_start
    assert second.worker_pid == first.worker_pid and pool.starts == 1


def test_a_refusal_the_worker_answered_keeps_the_worker(pool, db):
    pid = run(db, "select 1 as n").worker_pid
    with pytest.raises(SqlRefused, match="boom"):
        run(db, "select error('boom')")
    with pytest.raises(SqlRefused, match="switched off"):
        run(db, "select * from read_text('/etc/hostname')")
    assert run(db, "select 1 as n").worker_pid == pid


@pytest.mark.parametrize(
    "hog",
    ["select length(list_resize([1], 300000000)) as n", "select length(range(0, 400000000)) as n"],
    ids=["deadline", "memory"],
)
def test_a_killed_worker_is_replaced_not_reused(pool, db, hog):
    _warm(pool, db)
    before = set(pool.pids()["idle"])
    with pytest.raises(SqlRefused, match="longer than|more than"):
        run(db, hog, seconds=1.0)
    killed = before - set(pool.pids()["idle"])
    assert len(killed) == 1 and not _alive(next(iter(killed)))
    # its replacement is started in the background: the next query starts no process
    assert _until(lambda: len(pool.pids()["idle"]) == int(limits.get("workers")))
    result = run(db, "select 1 as n")
    assert not result.cold_start and result.worker_pid not in killed


def test_a_worker_on_a_replaced_database_is_retired(pool, db, tmp_path):
    old = run(db, "select count(*) as n from alliance")
    assert old.frame["n"][0] == 1
    staged = make_db(tmp_path / "staged.duckdb", {"alliance": [NATO, {**NATO, "code": "JEF"}]})
    os.replace(staged, db)  # as a refresh publishes
    new = run(db, "select count(*) as n from alliance")
    assert new.frame["n"][0] == 2
    assert new.worker_pid != old.worker_pid and not _alive(old.worker_pid)


def test_a_changed_setting_retires_the_worker(pool, db, monkeypatch):
    old = run(db, "select current_setting('threads') as t")
    monkeypatch.setenv("ALLIANCE_THREADS", "1")
    new = run(db, "select current_setting('threads') as t")
    assert new.frame["t"][0] == 1 and new.worker_pid != old.worker_pid


def test_no_state_carries_from_one_query_to_the_next(pool, db):
    """Each query gets a new cursor: a seed, a variable, a prepared statement or a temporary
    object cannot reach the next reader's query on the same worker."""
    seeded = []
    for _ in range(2):
        run(db, "select setseed(0.5) as s")
        seeded.append(run(db, "select random() as r"))
    assert seeded[0].worker_pid == seeded[1].worker_pid  # one worker throughout
    assert seeded[0].frame["r"][0] != seeded[1].frame["r"][0]  # the seed did not carry over
    for statement in (
        "set variable x = 1",
        "prepare p as select 1",
        "execute p",
        "create temp table t as select 1",
        "create temp macro m() as 1",
        "use memory",
    ):
        with pytest.raises(SqlRefused):
            run(db, statement)
    with pytest.raises(SqlRefused, match="single SELECT"):
        run(db, "select * from query('set variable x = 2')")
    frame = run(
        db,
        "select getvariable('x') as v, "
        "(select count(*) from duckdb_prepared_statements()) as prepared, "
        "(select count(*) from duckdb_tables() where temporary) as temp_tables, "
        "(select count(*) from duckdb_functions() where database_name = 'temp') as macros, "
        "current_setting('lock_configuration') as locked",
    ).frame
    assert frame.row(0) == (None, 0, 0, 0, True)


def test_at_most_the_worker_cap_run_and_the_rest_wait(pool, db, monkeypatch):
    monkeypatch.setenv("ALLIANCE_WORKERS", "2")
    seen, stop = [], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            pids = pool.pids()
            seen.append(len(pids["idle"]) + len(pids["busy"]))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    results: list = []

    def one(i: int) -> None:
        results.append(run(db, f"select {i} as n, count(*) from range(3000000)", seconds=20))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    watcher.join()
    assert len(results) == 6 and max(seen) <= 2 and pool.starts <= 2


def test_a_query_with_no_free_worker_is_turned_away_and_transient(pool, db, monkeypatch):
    monkeypatch.setenv("ALLIANCE_WORKERS", "1")
    run(db, "select 1")  # the one worker is started
    blocker = threading.Thread(target=lambda: pytest.raises(SqlRefused, run, db, RUNAWAY))
    blocker.start()
    assert _until(lambda: pool.pids()["busy"])
    with pytest.raises(SqlRefused, match="busy") as refused:
        run(db, "select 1", seconds=0.2)
    assert refused.value.transient
    blocker.join()


def test_idle_workers_are_retired(pool, db, monkeypatch):
    monkeypatch.setenv("ALLIANCE_WORKER_IDLE_SECONDS", "1")
    sandbox.warm(db)
    seen: set[int] = set()

    def seen_idle_then_retired() -> bool:
        # Not "every worker started": on a loaded machine a start can time out (the pool then
        # stops warming), and that is the pool's start limit at work, not a retirement failure.
        idle = pool.pids()["idle"]
        seen.update(idle)
        return bool(seen) and not idle

    assert _until(seen_idle_then_retired)
    assert _until(lambda: not any(_alive(p) for p in seen))  # killed just after leaving the list


def test_a_worker_grown_past_the_keep_size_is_not_kept(pool, db, monkeypatch):
    monkeypatch.setenv("ALLIANCE_WORKER_KEEP_MB", "50")  # below any worker's size
    big = run(db, "select repeat('x', 600) || i as s from range(100000) t(i)", row_cap=100_000)
    assert big.frame.height == 100_000
    assert not _alive(big.worker_pid) and pool.pids()["idle"] == []


def test_a_worker_killed_while_idle_is_not_lent(pool, db):
    pid = run(db, "select 1 as n").worker_pid
    os.kill(pid, signal.SIGKILL)
    assert _until(lambda: not _alive(pid))
    result = run(db, "select 2 as n")  # not "killed from outside": that worker ran no query
    assert result.frame["n"][0] == 2 and result.worker_pid != pid
