"""SIGKILL at random points: the served database is never damaged, and the next run recovers.

`etl build --raw-dir <copy> --db <db>` runs as a real process and is killed with SIGKILL (no
handler can run) after a delay drawn from a fixed seed, stratified over the duration of a
complete build measured first, so the kills spread over start-up, parsing, loading, checking and
publishing. After every kill the served database must open read-only and either be byte for
byte what it was (sha256) with the previous data (its last published run), or, when the kill
came after the atomic rename, be the new complete database. Every fifth kill, and at the end, a
complete build must succeed and leave no temporary file. The same is then done to
`etl refresh` against a local publisher on 127.0.0.1 (tests/test_refresh.py) with a new
release to download: after each kill the raw files are each either the old or the new release's
bytes (never a partial file) and the database is intact; the next refresh publishes.

The whole file takes about a minute on two cores; every wait is bounded.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from core.db import connect_readonly
from core.runlog import run_log
from etl.build import stale_sources
from tests.badinputs import copy_inputs
from tests.helpers import digest, started
from tests.helpers import etl_command as command
from tests.test_refresh import BASE_SIPRI, publisher, serve

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261125
BUILD_KILLS = 20
REFRESH_KILLS = 5

pytestmark = pytest.mark.raw


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=180,
    )


def kill_after(
    args: list[str],
    delay: float,
    env: dict[str, str] | None = None,
    once: Callable[[], bool] | None = None,
) -> tuple[int | None, float]:
    """Start the command, SIGKILL it `delay` seconds after it starts (or, with `once`, after
    `once()` first holds): (its pid, or None if it finished first; the seconds it ran)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Waiting for a phase (e.g. the temporary file exists) makes the kill land in it however
        # loaded the machine is; bounded by the process ending.
        while once is not None and not once() and proc.poll() is None:
            time.sleep(0.002)
        proc.wait(timeout=delay)
        return None, time.monotonic() - started
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return proc.pid, time.monotonic() - started


def timed(args: list[str], env: dict[str, str] | None = None) -> float:
    """Run the command to the end (it must succeed); the seconds it took."""
    started = time.monotonic()
    result = run(args, env)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def fractions(n: int, rng: random.Random) -> list[float]:
    """n points in [0, 1), one in each n-th, in a shuffled order: where in a run to kill it.
    They are scaled by the shortest run seen so far, so a machine that gets faster (or slower)
    during the test still has its runs killed all along their length."""
    out = [(i + rng.random()) / n for i in range(n)]
    rng.shuffle(out)
    return out


def published(db: Path) -> tuple[str, dict[str, int]]:
    """Open read-only; the last published run and the row count of the main tables."""
    con = connect_readonly(db)
    try:
        last = con.execute(
            "select run_id from etl_run where outcome = 'published' "
            "order by finished_at desc limit 1"
        ).fetchone()[0]
        counts = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
            for table in ("sipri_milex", "nato_defence", "wb_macro", "cow_nmc", "membership")
        }
        files = con.execute("select count(*) from source_file").fetchone()[0]
    finally:
        con.close()
    return last, {**counts, "source_file": files}


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f".{db.name}.*"))


def test_sigkill_during_build_never_damages_the_served_database(raw_dir, tmp_path):
    raw, _ = copy_inputs(raw_dir, tmp_path / "inputs")
    db = tmp_path / "served" / "alliance.duckdb"
    build = command("build", "--raw-dir", str(raw), "--db", str(db))

    duration = timed(build)  # the served database, and how long a build takes
    sha, (run_id, counts) = digest(db), published(db)

    landed: Counter[str] = Counter()
    rng = random.Random(SEED)
    queue = fractions(BUILD_KILLS, rng)
    kills = attempts = 0
    while queue and kills < BUILD_KILLS and attempts < BUILD_KILLS + 10:
        attempts += 1
        point = queue.pop()
        # Every fourth kill waits for the temporary database to exist, so kills land while it
        # is being written even when a loaded machine stretches the parsing phase.
        writing = (lambda: bool(leftovers(db))) if kills % 4 == 1 else None
        pid, ran = kill_after(build, point * duration * (0.2 if writing else 1.0), once=writing)
        if pid is None:  # it finished first: the runs are faster now; one more kill
            duration = min(duration, ran)
            queue.insert(0, rng.uniform(0.1, 0.9))
        kills += pid is not None
        now = digest(db)
        last, now_counts = published(db)  # opens read-only: the file is a whole database
        assert now_counts == counts  # the same data, old or new
        if pid is None:
            landed["finished before the kill"] += 1
            sha, run_id = now, last
        elif now == sha:
            assert last == run_id
            mine = [n for n in leftovers(db) if n.startswith(f".{db.name}.{pid}.")]
            landed["while writing the temporary file" if mine else "before it"] += 1
        else:  # killed after the rename: the new database is complete and published
            assert last != run_id
            sha, run_id = now, last
            landed["after the publish"] += 1
        if pid is not None and kills % 5 == 0:  # the next build cleans up and succeeds
            duration = min(duration, timed(build))
            assert leftovers(db) == []
            sha, (run_id, _) = digest(db), published(db)

    log = [json.loads(line) for line in run_log(db).read_text().splitlines() if line.strip()]
    ended = {r["run_id"] for r in log if r["outcome"] != "started"}
    killed = {r["run_id"] for r in log if r["outcome"] == "started"} - ended
    con = connect_readonly(db)
    try:
        outcomes = Counter(r[0] for r in con.execute("select outcome from etl_run").fetchall())
    finally:
        con.close()
    assert outcomes["killed"] == len(killed)  # killed runs show in etl_run as 'killed'
    assert kills == BUILD_KILLS == sum(n for k, n in landed.items() if not k.startswith("fin"))
    assert landed["while writing the temporary file"] >= 2, landed
    print(f"\n{kills} kills in {attempts} runs over a {duration:.1f} s build: {dict(landed)}")


def test_sigkill_during_refresh_never_damages_raw_files_or_database(raw_dir, tmp_path):
    # SIPRI's April 2025 release, whose '_3', '_4', ... revisions the publisher then serves
    raw, _ = copy_inputs(raw_dir, tmp_path / "inputs", sipri=BASE_SIPRI)
    served, _ = copy_inputs(raw_dir, tmp_path / "served-files", sipri=BASE_SIPRI)
    db = tmp_path / "served" / "alliance.duckdb"
    assert run(command("build", "--raw-dir", str(raw), "--db", str(db))).returncode == 0
    old = {p.relative_to(raw).as_posix(): digest(p) for p in raw.rglob("*") if p.is_file()}
    sipri_bytes = digest(next(raw.glob("sipri/*.xlsx")))
    refresh = command("refresh", "--raw-dir", str(raw), "--db", str(db))
    rng = random.Random(SEED + 1)
    landed: Counter[str] = Counter()

    with publisher() as pub:
        env = pub.env()
        release = 3
        serve(pub, served, sipri_name=f"SIPRI-Milex-data-1949-2024_{release}.xlsx")
        duration = timed(refresh, env)
        sha = digest(db)

        queue = fractions(REFRESH_KILLS, rng)
        kills = attempts = 0
        while queue and kills < REFRESH_KILLS and attempts < REFRESH_KILLS + 6:
            attempts += 1
            release += 1  # each refresh has a new release to download and publish
            serve(pub, served, sipri_name=f"SIPRI-Milex-data-1949-2024_{release}.xlsx")
            pid, ran = kill_after(refresh, queue.pop() * duration, env)
            finished = pid is None
            if finished:  # it finished first: one more kill
                duration = min(duration, ran)
                queue.insert(0, rng.uniform(0.1, 0.9))
            kills += not finished
            published(db)  # opens read-only
            new_name = f"sipri/SIPRI-Milex-data-1949-2024_{release}.xlsx"
            if finished:
                landed["finished before the kill"] += 1
            elif digest(db) != sha:
                landed["after the publish"] += 1
            elif (raw / new_name).exists():
                landed["after the download was moved in, before the publish"] += 1
            else:
                landed["before the download was moved in"] += 1
            sha = digest(db)
            for path in raw.rglob("*"):  # every file whole: old bytes, or the new release's
                name = path.relative_to(raw).as_posix()
                if path.is_file() and not any(p.startswith(".") for p in name.split("/")):
                    expected = sipri_bytes if name.startswith("sipri/") else old[name]
                    assert digest(path) == expected, name

        again = run(refresh, env)
        assert again.returncode == 0, again.stderr
    assert stale_sources(raw, db) == []  # what is served is what the raw files hold
    assert [p.name for p in (raw / "sipri").glob("*.xlsx")] == [
        f"SIPRI-Milex-data-1949-2024_{release}.xlsx"
    ]
    assert not list(raw.glob(".refresh-*")) and leftovers(db) == []
    assert kills == REFRESH_KILLS
    print(f"\n{kills} kills over a {duration:.1f} s refresh: {dict(landed)}")


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_sigterm_during_build_is_logged_and_cleans_up(raw_dir, tmp_path, delay):
    """systemd stops a service with SIGTERM: the run ends as 'interrupted', no leftovers.

    The delays put the signal at different points of the load: inside a DuckDB statement
    DuckDB turns the interrupt into its own error, once logged as a failed run (exit 1)."""
    raw, _ = copy_inputs(raw_dir, tmp_path / "inputs")
    db = tmp_path / "served" / "alliance.duckdb"
    build = command("build", "--raw-dir", str(raw), "--db", str(db))
    assert run(build).returncode == 0
    sha = digest(db)
    with started(build, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        deadline = time.monotonic() + 60
        while not leftovers(db):  # wait until it writes its temporary database
            assert proc.poll() is None and time.monotonic() < deadline, "no temporary file seen"
            time.sleep(0.01)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    last = json.loads(run_log(db).read_text().splitlines()[-1])
    if last["outcome"] == "published":  # the build finished before the signal
        pytest.skip(f"the build published within {delay} s of writing its temporary file")
    assert proc.returncode == 130, proc.stderr.read().decode()[-500:]
    assert digest(db) == sha and leftovers(db) == []
    assert last["outcome"] == "interrupted" and last["message"] == "terminated by signal 15"
