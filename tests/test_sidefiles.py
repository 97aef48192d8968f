"""The project's own side files (core/sidefiles.py): provenance records, the run log and the lock
are regular files of bounded size, never a link's target, a FIFO, a device or a folder; a
damaged run-log line is skipped and counted; a failed run hashes only the sources' files.

Each trap is placed where a side file goes, and the command must stop in one line (exit 1, no
traceback, nothing done) without touching what the trap points at. Commands run as real
processes with a generous timeout, so a trap that hangs one (a FIFO did) fails the test instead
of hanging the suite.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from core import limits, sidefiles
from core.errors import EtlError
from core.runlog import past_runs, run_log
from etl.build import build, file_digests
from etl.sources import provenance
from etl.sources.base import Download
from tests.helpers import etl

ROOT = Path(__file__).resolve().parent.parent
HANG = 120  # seconds: far beyond any of these commands, short of the suite's timeout


def one_line(result: subprocess.CompletedProcess, *parts: str) -> str:
    """The command failed with exit 1 and one line on stderr holding `parts`, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


# --- traps: what may stand where a side file goes -------------------------------------------

VICTIM = b"someone else's file: must keep these bytes\n"


def _fifo(path: Path, cap: int) -> str:
    os.mkfifo(path)
    return "FIFO"


def _link(path: Path, cap: int) -> str:
    victim = path.with_name("victim.txt")
    victim.write_bytes(VICTIM)
    path.symlink_to(victim)
    return "symbolic link"


def _dangling(path: Path, cap: int) -> str:
    path.symlink_to(path.with_name("nowhere"))
    return "symbolic link"


def _device(path: Path, cap: int) -> str:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    except PermissionError:
        pytest.skip("no permission to make a device node here")
    return "character device"


def _folder(path: Path, cap: int) -> str:
    path.mkdir()
    return "folder"


def _huge(path: Path, cap: int) -> str:
    with path.open("wb") as f:
        f.truncate(cap + 1)  # sparse: no disk used
    return "over its cap"


TRAPS: dict[str, Callable[[Path, int], str]] = {
    "fifo": _fifo,
    "link": _link,
    "dangling-link": _dangling,
    "device": _device,
    "folder": _folder,
    "huge": _huge,
}


def untouched(path: Path) -> None:
    """The trap's target keeps its bytes (a link to it was not followed)."""
    victim = path.with_name("victim.txt")
    if victim.exists():
        assert victim.read_bytes() == VICTIM


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """A database built from the committed snapshot."""
    return build(None, tmp_path_factory.mktemp("served") / "alliance.duckdb").db


@pytest.fixture
def db(served, tmp_path) -> Path:
    """A copy of the served database in a folder of its own, with no run log or lock yet."""
    copy = tmp_path / "alliance.duckdb"
    copy.write_bytes(served.read_bytes())
    return copy


# --- the reader and writer ------------------------------------------------------------------


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_the_reader_and_writers_refuse_every_trap_in_one_line(trap, tmp_path):
    path = tmp_path / "side.json"
    cap = limits.side_bytes("provenance_kb")
    kind = TRAPS[trap](path, cap)
    calls = {
        "read": lambda: sidefiles.read(path, limit="provenance_kb", what="record"),
        "write": lambda: sidefiles.write(path, b"{}", limit="provenance_kb", what="record"),
        "append": lambda: sidefiles.append(path, b"{}\n", limit="provenance_kb", what="record"),
        "check": lambda: sidefiles.check(path, limit="provenance_kb", what="record"),
    }
    if trap != "huge":
        calls["lock"] = lambda: os.close(sidefiles.open_lock(path))
    for name, call in calls.items():
        with pytest.raises(sidefiles.SideFileError) as refused:
            call()
        message = str(refused.value)
        assert "\n" not in message and str(path) in message, (name, message)
        assert kind in message, (name, message)
        untouched(path)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temp left


def test_a_dangling_link_is_refused_not_created_through(tmp_path):
    path = tmp_path / "run.jsonl"
    path.symlink_to(tmp_path / "elsewhere.jsonl")
    with pytest.raises(sidefiles.SideFileError, match="symbolic link"):
        sidefiles.append(path, b"{}\n", limit="run_log_mb", what="run log")
    assert not (tmp_path / "elsewhere.jsonl").exists()


def test_reads_and_writes_of_regular_files_round_trip(tmp_path):
    path = tmp_path / "side.json"
    assert sidefiles.read(path, limit="provenance_kb", what="record") is None  # none yet
    sidefiles.write(path, b"one", limit="provenance_kb", what="record")
    assert sidefiles.read(path, limit="provenance_kb", what="record") == b"one"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    sidefiles.append(path, b"two\n", limit="provenance_kb", what="record")  # unended line first
    assert path.read_bytes() == b"one\ntwo\n"
    cap = limits.side_bytes("provenance_kb")
    with pytest.raises(sidefiles.SideFileError, match="over its cap"):
        sidefiles.write(path, b"x" * (cap + 1), limit="provenance_kb", what="record")
    with pytest.raises(sidefiles.SideFileError, match="over its cap"):
        sidefiles.append(path, b"x" * cap, limit="provenance_kb", what="record")
    assert path.read_bytes() == b"one\ntwo\n"


# --- the run log and the lock, through `etl build` --------------------------------------------


@pytest.mark.parametrize("side", ["run log", "lock"])
@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_a_trap_at_the_run_log_or_lock_stops_a_build_in_one_line(side, trap, db):
    path = run_log(db) if side == "run log" else db.with_name(db.name + ".lock")
    kind = TRAPS[trap](path, limits.side_bytes("run_log_mb"))
    before = db.read_bytes()
    done = etl("build", "--db", str(db), env={"ALLIANCE_RUN_LOG_MB": "1"} if trap == "huge" else {})
    if side == "lock" and trap == "huge":  # a lock's bytes are never read or truncated
        assert done.returncode == 0, done.stderr
        assert path.stat().st_size == limits.side_bytes("run_log_mb") + 1
        return
    line = one_line(done, str(path), "nothing was done")
    if trap != "huge":
        assert kind in line or trap == "dangling-link"
    else:
        assert "over its cap" in line and "ALLIANCE_RUN_LOG_MB" in line
    assert db.read_bytes() == before
    untouched(path)
    assert not path.with_name("nowhere").exists()  # a dangling link was not created through


def test_a_full_run_log_stops_the_next_run_before_it_starts(db):
    log = run_log(db)
    log.write_bytes(b"x" * (limits.MB - 100) + b"\n")
    done = etl("build", "--db", str(db), env={"ALLIANCE_RUN_LOG_MB": "1"})
    one_line(done, "run log", "ALLIANCE_RUN_LOG_MB", "nothing was done")
    assert log.stat().st_size == limits.MB - 99


def test_a_locked_run_is_refused_with_exit_3_even_when_it_cannot_log(db):
    import fcntl

    lock = db.with_name(db.name + ".lock")
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        os.mkfifo(run_log(db))  # the second run cannot log: it still says why it stopped
        done = etl("build", "--db", str(db))
    assert done.returncode == 3 and "another build or refresh" in done.stderr
    assert "Traceback" not in done.stderr


# --- a damaged run log ------------------------------------------------------------------------

DAMAGED = [
    b"{not json",
    b"[1, 2, 3]",
    b'"a string"',
    b"{}",
    b'{"run_id": "x1", "command": "build", "started_at": "yesterday", "outcome": "failed"}',
    b'{"run_id": "x2", "command": "build", "started_at": 20261201, "outcome": "failed"}',
    b'{"run_id": {"a": 1}, "command": "build", "started_at": "2026-12-01", "outcome": "failed"}',
    b'{"run_id": "x3", "command": "build", "started_at": "2026-12-01", "outcome": "failed", '
    b'"finished_at": "2026-13-45"}',
    b'{"run_id": "x4", "command": ["b"], "started_at": "2026-12-01", "outcome": "failed"}',
    b'{"run_id": "x5", "command": "b", "started_at": "2026-12-01", "outcome": "failed", '
    b'"message": {"nested": true}}',
    b"[" * 100_000 + b"]" * 100_000,  # past Python's recursion limit
    b'{"run_id": 1' + b"0" * 5000 + b"}",  # past Python's int digit limit
    b"\xff\xfe not utf-8 \x00",
]


def test_damaged_run_log_lines_are_skipped_and_counted_and_the_build_publishes(db):
    log = run_log(db)
    good = {
        "run_id": "aaaaaaaaaaaa",
        "command": "build",
        "started_at": "2026-12-01 10:00:00",
        "finished_at": "2026-12-01T10:00:05+01:00",
        "outcome": "failed",
        "message": "kept",
    }
    log.write_bytes(b"\n".join([json.dumps(good).encode(), *DAMAGED]) + b"\n")
    assert past_runs(db).skipped == len(DAMAGED)
    first = etl("build", "--db", str(db))
    assert first.returncode == 0, first.stderr  # the damaged lines had failed every build
    second = etl("build", "--db", str(db))
    assert second.returncode == 0, second.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = dict(con.execute("select run_id, outcome from etl_run").fetchall())
        kept = con.execute(
            "select finished_at from etl_run where run_id = 'aaaaaaaaaaaa'"
        ).fetchall()
    finally:
        con.close()
    assert runs["aaaaaaaaaaaa"] == "failed" and list(runs.values()).count("published") == 2
    assert str(kept[0][0]) == "2026-12-01 09:00:05"  # an offset is read as UTC
    assert not {"x1", "x2", "x3", "x4", "x5"} & set(runs)
    status = etl("status", "--db", str(db))
    assert status.returncode == 0, status.stderr
    assert f"{len(DAMAGED)} line(s) skipped" in status.stdout


def test_status_names_a_run_log_it_cannot_read_and_goes_on(db):
    os.mkfifo(run_log(db))
    status = etl("status", "--db", str(db))
    assert status.returncode == 0, status.stderr
    assert "run log" in status.stdout and "FIFO" in status.stdout


# --- provenance records ---------------------------------------------------------------------


def _raw_file(tmp_path: Path) -> Path:
    raw = tmp_path / "sipri" / "SIPRI-Milex-data-1949-2024_2.xlsx"
    raw.parent.mkdir(parents=True)
    raw.write_bytes(b"a raw file")
    return raw


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_a_trap_at_a_provenance_record_is_refused_in_one_line(trap, tmp_path):
    raw = _raw_file(tmp_path)
    record = provenance.path_of(raw)
    kind = TRAPS[trap](record, limits.side_bytes("provenance_kb"))
    name = "sipri/" + raw.name
    if trap == "dangling-link":
        kind = "symbolic link"
    with pytest.raises(EtlError) as refused:
        provenance.verify(raw, name)
    line = str(refused.value)
    assert "\n" not in line and line.startswith(f"file {name}:") and kind in line, line
    assert record.name in line
    assert provenance.sha256_of(raw) is None  # download then rewrites it...
    download = Download("sipri", "SIPRI", "sipri", ("*.xlsx",), "sipri", "/x")
    entry = provenance.record(raw, name=name, url="https://x", download=download, source=None)
    with pytest.raises(EtlError, match=kind):  # ...which refuses in one line, too
        provenance.write(raw, entry)
    untouched(record)
    assert raw.read_bytes() == b"a raw file"


def test_a_provenance_record_round_trips_and_catches_changed_bytes(tmp_path):
    raw = _raw_file(tmp_path)
    download = Download("sipri", "SIPRI", "sipri", ("*.xlsx",), "sipri", "/x")
    entry = provenance.record(raw, name="sipri/x", url="https://x", download=download, source=None)
    provenance.write(raw, entry)
    assert provenance.sha256_of(raw) == entry["sha256"]
    provenance.verify(raw, "sipri/x")
    raw.write_bytes(b"other bytes")
    with pytest.raises(EtlError, match="changed after download"):
        provenance.verify(raw, "sipri/x")
    provenance.path_of(raw).write_text("[" * 20_000)  # damaged: one line, no RecursionError
    with pytest.raises(EtlError, match="unreadable provenance record"):
        provenance.verify(raw, "sipri/x")


# --- a failed run's digests -----------------------------------------------------------------


def test_a_failed_run_hashes_only_the_sources_files_within_their_caps(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "sipri").mkdir(parents=True)
    (raw / "elsewhere").mkdir()
    (raw / "elsewhere" / "big.bin").write_bytes(b"not a source's file")
    with (raw / "elsewhere" / "sparse.bin").open("wb") as f:
        f.truncate(20 << 30)  # 20 GB, no disk used: 67 s to hash before
    with (raw / "sipri" / "SIPRI-Milex-data-huge.xlsx").open("wb") as f:
        f.truncate(20 << 30)
    os.mkfifo(raw / "sipri" / "SIPRI-Milex-data-fifo.xlsx")
    (raw / "sipri" / "SIPRI-Milex-data-1949-2024_2.xlsx").write_bytes(b"small")
    digests = json.loads(file_digests(raw))
    assert set(digests) == {
        "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
        "sipri/SIPRI-Milex-data-huge.xlsx",
        "sipri/SIPRI-Milex-data-fifo.xlsx",
    }
    assert len(digests["sipri/SIPRI-Milex-data-1949-2024_2.xlsx"]) == 64
    assert digests["sipri/SIPRI-Milex-data-huge.xlsx"].startswith("not hashed: ")
    assert "cap" in digests["sipri/SIPRI-Milex-data-huge.xlsx"]
    assert "FIFO" in digests["sipri/SIPRI-Milex-data-fifo.xlsx"]
    (raw / "worldbank").mkdir()
    for i in range(80):
        (raw / "worldbank" / f"API_{i:03}.csv").write_bytes(b"x")
    monkeypatch.setenv("ALLIANCE_DIGEST_FILES", "10")
    capped = json.loads(file_digests(raw))
    assert len(capped) == 11 and "ALLIANCE_DIGEST_FILES" in capped["..."]


@pytest.mark.parametrize("folder", ["/usr", "/proc", "/"])
def test_a_failed_run_never_walks_a_whole_tree(folder):
    assert json.loads(file_digests(Path(folder))) == {}  # no source folder there


def test_refresh_into_a_folder_that_takes_no_file_is_one_line(tmp_path):
    db = tmp_path / "alliance.duckdb"
    done = etl("refresh", "--raw-dir", "/proc", "--db", str(db))
    one_line(done, "--raw-dir /proc", "cannot write in /proc")
    assert not db.exists() and not run_log(db).exists()
