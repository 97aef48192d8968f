"""`etl refresh` as cron runs it, against a local publisher on 127.0.0.1 serving the real files.

The real command runs in a subprocess; $ALLIANCE_BASE_URLS points every publisher at a
threaded http.server in this process (loopback only) that serves the real raw files at the
registry's paths (etl.download.SOURCES): SIPRI's and NATO's pages with a link to the workbook,
the World Bank and COW zips, the plain CSV and JSON files. Every loop here is bounded in count
and time.

What is checked: a second refresh with nothing new publishes nothing (the database keeps its
bytes and its mtime) and is logged as 'unchanged'; a new release is published; raw files that
were downloaded but never published (a refresh killed in between) are published by the next
refresh; a download that fails halfway, returns an HTML page or an HTTP error, or cannot
connect leaves the raw files and the database byte for byte as they were; a second refresh or
build while one runs exits 3; every run is logged with its start, end, sources' sha256 and
outcome, and lands in etl_run at the next publish.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from core.db import connect_readonly
from core.runlog import run_log
from etl import rawfiles
from etl.build import stale_sources
from etl.download import DEFAULT_BASE_URLS, SOURCES, refresh_raw
from etl.sources import REGISTRY
from tests.badinputs import copy_inputs
from tests.helpers import (
    QuietHandler,
    Served,
    digest,
    etl,
    etl_command,
    link_page,
    local_server,
    started,
    zip_of,
)

SOURCE = {s.key: s for s in SOURCES}
SIPRI_FILES = "/sites/default/files/"
NATO_FILES = "/nato_static_fl2014/assets/pdf/2024/6/pdf/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GATE_S = 120  # the longest a gated route holds its answer

pytestmark = pytest.mark.raw


# --- the local publisher --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    claimed: int | None = None  # Content-Length to announce (more than the body: cut halfway)
    delay: float = 0.0  # seconds before answering
    gated: bool = False  # answer only once the publisher's gate opens (at most GATE_S seconds)


class Publisher(Served):
    """Routes by exact path, a count of requests per path, a base URL on 127.0.0.1."""

    routes: dict[str, Route]

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.gate = threading.Event()

    def env(self) -> dict[str, str]:
        return {"ALLIANCE_BASE_URLS": json.dumps(dict.fromkeys(DEFAULT_BASE_URLS, self.url))}

    def wait_for(self, path: str, seconds: float = 60) -> None:
        """Until `path` has been requested (bounded in time)."""
        deadline = time.monotonic() + seconds
        while self.hits[path] == 0:
            assert time.monotonic() < deadline, f"{path} never requested"
            time.sleep(0.02)


class _Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        pub = self.server.state
        with pub.lock:
            pub.hits[self.path] += 1
        route = pub.routes.get(self.path) or Route(b"<html>not found</html>", "text/html", 404)
        if route.delay:
            pub.stopping.wait(route.delay)
        if route.gated:
            pub.gate.wait(GATE_S)
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(route.claimed or len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (killed, or gave up)


def _release(pub: Publisher) -> None:
    pub.stopping.set()
    pub.gate.set()


def publisher():
    """The publishers' hosts served from 127.0.0.1 (a free port) while the block runs."""
    return local_server(_Handler, Publisher, _release)


def page(*links: str) -> Route:
    return Route(link_page(*links), "text/html")


def serve(pub: Publisher, raw: Path, *, sipri_name: str | None = None) -> None:
    """Serve the files of `raw` as the publishers ship them (SIPRI under `sipri_name` if given:
    a new release is a new file name)."""
    r = pub.routes
    sipri = rawfiles.find(raw, SOURCE["sipri"].pattern)
    name = sipri_name or sipri.name
    r[SOURCE["sipri"].path] = page(SIPRI_FILES + name)
    r[SIPRI_FILES + name] = Route(sipri.read_bytes(), XLSX)
    nato = rawfiles.find(raw, SOURCE["nato"].pattern)
    r[SOURCE["nato"].path] = page(NATO_FILES + nato.name)
    r[NATO_FILES + nato.name] = Route(nato.read_bytes(), XLSX)
    for source in SOURCES:
        if source.key.startswith("worldbank-"):
            code = source.path.split("/")[-1].split("?")[0]
            members = {p.name: p.read_bytes() for p in (raw / "worldbank").glob(f"*API_{code}_*")}
            r[source.path] = Route(zip_of(members), "application/zip")
        elif source.key == "cow-nmc":
            nmc = {"NMC-60-abridged.csv": (raw / "cow/NMC-60-abridged.csv").read_bytes()}
            r[source.path] = Route(zip_of({"NMC-60-abridged.zip": zip_of(nmc)}))
        elif source.link is None and not source.unzip:
            body = (raw / source.folder / source.globs[0]).read_bytes()
            r[source.path] = Route(body, "text/plain; charset=utf-8")


# --- helpers --------------------------------------------------------------------------------


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under root (hidden ones too), with each file's sha256."""
    return {
        p.relative_to(root).as_posix(): digest(p) if p.is_file() else "dir"
        for p in sorted(root.rglob("*"))
    }


def served_state(db: Path) -> tuple[str, int]:
    return digest(db), db.stat().st_mtime_ns


def runs(db: Path) -> list[dict]:
    """One entry per run, as it ended (each run logs a 'started' line first), in order."""
    final: dict[str, dict] = {}
    for line in run_log(db).read_text().splitlines():
        if line.strip():
            run = json.loads(line)
            final.pop(run["run_id"], None)
            final[run["run_id"]] = run
    return list(final.values())


def refresh(raw: Path, db: Path, pub: Publisher, *extra: str):
    return etl("refresh", "--raw-dir", str(raw), "--db", str(db), *extra, env=pub.env())


def refreshing(raw: Path, db: Path, pub: Publisher):
    """`etl refresh` started in the background (output captured as text) while the block runs."""
    return started(
        etl_command("refresh", "--raw-dir", raw, "--db", db),
        env={**os.environ, **pub.env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_logged(run: dict, outcome: str) -> None:
    """A run-log entry with everything cron needs to tell what happened."""
    assert run["outcome"] == outcome, run
    assert run["command"] == "refresh" and run["run_id"]
    assert run["started_at"] <= run["finished_at"]
    assert json.loads(run["sources_sha256"]), "the files' sha256 are recorded"
    assert run["message"]


# The SIPRI release the refresh scenarios start from: its '_3' revision is "a new file of the
# same release" (it replaces the '_2'), another year's file a new release kept beside it.
BASE_SIPRI = "SIPRI-Milex-data-1949-2024_2.xlsx"


@pytest.fixture(scope="module")
def base(raw_dir, tmp_path_factory) -> Path:
    """Raw files (SIPRI's April 2025 release only) and the database published from them (the
    state before a refresh)."""
    from etl.build import build

    root = tmp_path_factory.mktemp("base")
    copy_inputs(raw_dir, root, sipri=BASE_SIPRI)
    build(root / "raw", root / "alliance.duckdb")
    return root


@pytest.fixture
def state(base, tmp_path) -> tuple[Path, Path]:
    """A private copy of the base state: (raw dir, database)."""
    shutil.copytree(base / "raw", tmp_path / "raw")
    shutil.copyfile(base / "alliance.duckdb", tmp_path / "alliance.duckdb")
    return tmp_path / "raw", tmp_path / "alliance.duckdb"


# --- the tests ------------------------------------------------------------------------------


def test_first_refresh_publishes_the_next_is_unchanged_then_a_release_publishes(base, tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "alliance.duckdb"
    with publisher() as pub:
        serve(pub, base / "raw")

        first = refresh(raw, db, pub)
        assert first.returncode == 0, first.stderr
        assert "published" in first.stdout
        assert runs(db)[-1]["outcome"] == "published"
        before = served_state(db)
        time.sleep(0.05)  # an mtime change would show

        second = refresh(raw, db, pub)
        assert second.returncode == 0, second.stderr
        assert "no source changed" in second.stdout
        assert served_state(db) == before  # byte-identical, mtime unchanged
        unchanged = runs(db)[-1]
        assert_logged(unchanged, "unchanged")
        recorded = json.loads(unchanged["sources_sha256"])
        assert recorded == {name: digest(raw / name) for name in recorded}
        assert len(recorded) >= 15

        serve(pub, base / "raw", sipri_name="SIPRI-Milex-data-1949-2024_3.xlsx")  # a new release
        third = refresh(raw, db, pub)
        assert third.returncode == 0, third.stderr
        assert "published" in third.stdout and served_state(db) != before

    assert [p.name for p in (raw / "sipri").glob("*.xlsx")] == ["SIPRI-Milex-data-1949-2024_3.xlsx"]
    con = connect_readonly(db)
    try:
        names = {r[0] for r in con.execute("select name from source_file").fetchall()}
        logged = dict(con.execute("select run_id, outcome from etl_run").fetchall())
    finally:
        con.close()
    assert "sipri/SIPRI-Milex-data-1949-2024_3.xlsx" in names
    assert "sipri/SIPRI-Milex-data-1949-2024_2.xlsx" not in names
    # Every run so far, the unchanged one included, is in the published etl_run table.
    assert {r["run_id"]: r["outcome"] for r in runs(db)}.items() <= logged.items()
    assert list(logged.values()).count("unchanged") == 1
    assert stale_sources(raw, db) == []


def test_files_downloaded_but_never_published_are_published_next_time(state):
    """A refresh killed between the download and the publish: the raw files are new, the
    database is old. The next refresh must see that, although nothing new is downloaded."""
    raw, db = state
    with publisher() as pub:
        serve(pub, raw, sipri_name="SIPRI-Milex-data-1949-2024_3.xlsx")
        refresh_raw(raw, base_urls=dict.fromkeys(DEFAULT_BASE_URLS, pub.url), timeout=10)
        assert stale_sources(raw, db) == [  # the loaded file is gone, a new one not loaded
            "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
            "sipri/SIPRI-Milex-data-1949-2024_3.xlsx",
        ]
        before = served_state(db)

        result = refresh(raw, db, pub)

    assert result.returncode == 0, result.stderr
    assert "published" in result.stdout and served_state(db) != before
    assert stale_sources(raw, db) == []


def _html_page(pub: Publisher) -> str:
    path = SIPRI_FILES + "SIPRI-Milex-data-1949-2024_3.xlsx"
    pub.routes[path] = Route(b"<!DOCTYPE html><html><body>Access denied</body></html>", "text/html")
    return path


def _cut_halfway(pub: Publisher) -> str:
    path = SOURCE["cow-nmc"].path
    body = pub.routes[path].body
    pub.routes[path] = Route(body[: len(body) // 2], claimed=len(body))
    return path


def _server_error(pub: Publisher) -> str:
    path = SOURCE["kiel-weapons"].path
    pub.routes[path] = Route(b"<html>busy</html>", "text/html", 503)
    return path


def _not_found(pub: Publisher) -> str:
    path = SOURCE["restcountries"].path
    del pub.routes[path]
    return path


@pytest.mark.parametrize(
    ("breaks", "problem"),
    [
        (_html_page, "got an HTML page, not an xlsx"),
        (_cut_halfway, "truncated"),
        (_server_error, "HTTP 503"),
        (_not_found, "HTTP 404"),
    ],
    ids=["html-page", "cut-halfway", "http-503", "http-404"],
)
def test_a_failed_download_leaves_raw_files_and_database_as_they_were(state, breaks, problem):
    raw, db = state
    raw_before, db_before = tree(raw), served_state(db)
    with publisher() as pub:
        serve(pub, raw, sipri_name="SIPRI-Milex-data-1949-2024_3.xlsx")  # new bytes elsewhere
        path = breaks(pub)

        result = refresh(raw, db, pub)

    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert problem in lines[0] and pub.url + path in lines[0]
    assert "raw files and database left as they were" in lines[0]
    assert tree(raw) == raw_before  # no new file, no staging folder left behind
    assert served_state(db) == db_before
    failed = runs(db)[-1]
    assert_logged(failed, "failed")
    assert problem in failed["message"]
    patterns = [p for s in REGISTRY.values() for p in s.patterns]  # only the sources' files
    assert json.loads(failed["sources_sha256"]) == {
        name: sha
        for name, sha in raw_before.items()
        if sha != "dir" and any(fnmatch.fnmatchcase(name, p) for p in patterns)
    }


def test_a_publisher_that_cannot_be_reached_changes_nothing(state):
    raw, db = state
    raw_before, db_before = tree(raw), served_state(db)
    with socket.socket() as s:  # a port on 127.0.0.1 that nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    env = {"ALLIANCE_BASE_URLS": json.dumps(dict.fromkeys(DEFAULT_BASE_URLS, dead))}
    result = etl("refresh", "--raw-dir", str(raw), "--db", str(db), env=env)
    assert result.returncode == 1
    assert "network error" in result.stderr and "(after 3 tries)" in result.stderr
    assert tree(raw) == raw_before and served_state(db) == db_before
    assert_logged(runs(db)[-1], "failed")


def test_a_second_run_while_one_holds_the_lock_exits_3(state):
    """Real processes: the first refresh is held up by a publisher page that answers only once
    the others have been turned away."""
    raw, db = state
    with publisher() as pub:
        serve(pub, raw)
        slow = SOURCE["sipri"].path
        pub.routes[slow] = replace(pub.routes[slow], gated=True)
        with refreshing(raw, db, pub) as first:
            pub.wait_for(slow)  # the first holds the lock while it downloads
            second = refresh(raw, db, pub)
            build = etl("build", "--raw-dir", str(raw), "--db", str(db))
            pub.gate.set()
            out, err = first.communicate(timeout=180)

    for other in (second, build):
        assert other.returncode == 3
        assert f"another build or refresh of {db} is running" in other.stderr
        assert "nothing was done" in other.stderr
    assert first.returncode == 0, err
    assert "no source changed" in out
    outcomes = [r["outcome"] for r in runs(db)]
    assert outcomes == ["locked", "locked", "unchanged"]


def test_sigterm_during_a_download_is_logged_and_changes_nothing(state):
    raw, db = state
    raw_before, db_before = tree(raw), served_state(db)
    with publisher() as pub:
        serve(pub, raw, sipri_name="SIPRI-Milex-data-1949-2024_3.xlsx")
        slow = SOURCE["restcountries"].path  # after the SIPRI and NATO files are staged
        pub.routes[slow] = replace(pub.routes[slow], delay=20)
        with refreshing(raw, db, pub) as proc:
            pub.wait_for(slow)
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert tree(raw) == raw_before  # the staged files are gone with their folder
    assert served_state(db) == db_before
    interrupted = runs(db)[-1]
    assert_logged(interrupted, "interrupted")
    assert "signal 15" in interrupted["message"]


@pytest.mark.parametrize("value", ["not json", '{"nope": "http://127.0.0.1:1"}'])
def test_a_bad_base_url_override_is_a_usage_error(value, tmp_path):
    result = etl(
        "refresh", "--raw-dir", str(tmp_path / "raw"), "--db", str(tmp_path / "a.duckdb"),
        env={"ALLIANCE_BASE_URLS": value},
    )  # fmt: skip
    assert result.returncode == 2 and "ALLIANCE_BASE_URLS" in result.stderr
    assert not (tmp_path / "raw").exists() and not (tmp_path / "a.duckdb").exists()
