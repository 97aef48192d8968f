"""The bad-input corpus (tests/badinputs.py): every broken input is refused in one line.

For each case a scratch copy of the real raw files (and of data/'s facts) is broken, then built
over a served database. The build must raise EtlError (never another exception) with a one-line
message naming the file, and the sheet, row and column where they apply; the served database
must keep its bytes and its mtime; no temporary file may be left; the failed run is logged with
the sha256 of what it read. Most cases run etl.build.build in-process (fast); a handful run the
real `etl build` command to check the exit code, the absence of a traceback without --debug and
its presence with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.build import build, run_log
from etl.errors import EtlError
from tests.badinputs import CASES, Case, prepare

ROOT = Path(__file__).resolve().parent.parent
BY_ID = {c.id: c for c in CASES}
# Through the real command: a reader error, an HTML page, a fact (ALLIANCE_DATA_DIR), a data check.
CLI_CASES = [
    "sipri-truncated",
    "nato-html",
    "membership-ends-before-start",
    "sipri-share-250",
]

pytestmark = pytest.mark.raw


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(real_db_path, tmp_path_factory) -> Path:
    """A copy of the database built from the real files, served from its own folder."""
    db = tmp_path_factory.mktemp("served") / "alliance.duckdb"
    shutil.copyfile(real_db_path, db)
    return db


def state(db: Path) -> tuple[str, int, list[str]]:
    """What must not change: the bytes, the mtime, and no leftover files beside it."""
    others = sorted(p.name for p in db.parent.iterdir() if p.name.startswith("."))
    return digest(db), db.stat().st_mtime_ns, others


def last_run(db: Path) -> dict:
    return json.loads(run_log(db).read_text(encoding="utf-8").splitlines()[-1])


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    targets = {c.id.split("-")[0] for c in CASES}
    assert targets >= {"sipri", "nato", "wb", "cow", "geo", "kiel", "membership"}
    assert sum(c.stage == "check" for c in CASES) >= 5  # caught after loading, not by a parser


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_in_one_line(case: Case, raw_dir, served, tmp_path):
    broken = prepare(case, raw_dir, tmp_path)
    before = state(served)

    with pytest.raises(EtlError) as raised:  # any other exception is a bug: the test errors
        build(broken.raw, served, facts=broken.facts)

    message = str(raised.value)
    line = message.splitlines()[0]  # what the command prints
    assert case.gap or "\n" not in message  # a known gap may still be multi-line
    for part in broken.expect:
        assert part in line, f"{part!r} not in {line!r}"
    assert state(served) == before
    run = last_run(served)
    assert run["outcome"] == "failed" and run["message"] == message
    started = json.loads(run_log(served).read_text(encoding="utf-8").splitlines()[-2])
    assert started["run_id"] == run["run_id"] and started["outcome"] == "started"
    assert run["started_at"] <= run["finished_at"]
    assert json.loads(run["sources_sha256"]), "the failed run records what it read"


def test_no_known_gap_is_left_open():
    """A case may carry `gap=` (what its message should name but does not yet); none does now,
    and a new one must come with a strict xfail test of the message it should give."""
    assert [c.id for c in CASES if c.gap] == []


def etl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize("case_id", CLI_CASES)
def test_the_command_exits_1_with_one_line_and_no_traceback(case_id, raw_dir, served, tmp_path):
    broken = prepare(BY_ID[case_id], raw_dir, tmp_path)
    before = state(served)

    result = etl(
        "build",
        "--raw-dir",
        str(broken.raw),
        "--db",
        str(served),
        env={"ALLIANCE_DATA_DIR": str(broken.facts)},
    )

    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for part in broken.expect:
        assert part in lines[0]
    assert "the published database was not changed" in lines[0]
    assert result.stdout == ""
    assert state(served) == before


def test_debug_shows_the_traceback(raw_dir, served, tmp_path):
    broken = prepare(BY_ID["membership-ends-before-start"], raw_dir, tmp_path)
    before = state(served)
    result = etl(
        "build",
        "--raw-dir",
        str(broken.raw),
        "--db",
        str(served),
        "--debug",
        env={"ALLIANCE_DATA_DIR": str(broken.facts)},
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "EtlError" in result.stderr
    assert "ends before it starts" in result.stderr
    assert state(served) == before
