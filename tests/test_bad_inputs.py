"""The bad-input corpus (tests/badinputs.toml, run by tests/badinputs.py): every broken input is
refused in one line.

For each case a scratch copy of the real raw files (and of data/'s facts) is broken, then built
over a served database. The build must raise EtlError (never another exception) with a one-line
message naming the file, and the sheet, row and column where they apply; the served database
must keep its bytes and its mtime; no temporary file may be left; the failed run is logged with
the sha256 of what it read. Most cases run etl.build.build in-process (fast); a handful run the
real `etl build` command to check the exit code, the absence of a traceback without --debug and
its presence with it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from core.errors import EtlError
from core.runlog import run_log
from etl.build import build
from tests.badinputs import ACTIONS, CASES, Case, Prepared, load, prepare
from tests.helpers import digest, etl, open_page

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


def build_from(broken: Prepared, db: Path, *flags: str) -> subprocess.CompletedProcess:
    """`etl build` of a broken copy's raw files and facts into `db`."""
    env = {"ALLIANCE_DATA_DIR": str(broken.facts)}
    return etl("build", "--raw-dir", str(broken.raw), "--db", str(db), *flags, env=env)


def last_run(db: Path) -> dict:
    return json.loads(run_log(db).read_text(encoding="utf-8").splitlines()[-1])


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    targets = {c.id.split("-")[0] for c in CASES}
    assert targets >= {"sipri", "nato", "wb", "cow", "geo", "kiel", "membership"}
    assert sum(c.stage == "check" for c in CASES) >= 5  # caught after loading, not by a parser


def test_every_action_breaks_some_input():
    """The vocabulary holds no action the table does not use."""
    assert sorted(ACTIONS) == sorted({c.action for c in CASES})


@pytest.mark.parametrize(
    ("row", "named"),
    [
        ('action = "shred"', "case x: no action 'shred'"),
        ('action = "truncate"\nargs = { bytes = 10 }', "case x: truncate"),  # not its argument
        ('action = "truncate"', "case x: truncate"),  # its argument missing
        ('action = "delete"\nstage = "later"', "case x: stage 'later'"),
        ('action = "delete"\nexpected = ["x"]', "case x:"),  # a key the table does not have
    ],
)
def test_a_row_the_runner_cannot_apply_is_refused_when_the_table_is_read(row, named):
    table = f'[[case]]\nid = "x"\ndamage = "d"\nfile = "{{sipri}}"\nexpect = []\n{row}\n'
    with pytest.raises(ValueError, match="^" + re.escape(named)):
        load(table)


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


@pytest.mark.parametrize("case_id", CLI_CASES)
def test_the_command_exits_1_with_one_line_and_no_traceback(case_id, raw_dir, served, tmp_path):
    broken = prepare(BY_ID[case_id], raw_dir, tmp_path)
    before = state(served)

    result = build_from(broken, served)

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
    result = build_from(broken, served, "--debug")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "EtlError" in result.stderr
    assert "ends before it starts" in result.stderr
    assert state(served) == before


# --------------------------------------------------------------------------- --db (issue 11)


def bad_db(kind: str, folder: Path) -> Path:
    """A database path that is not a readable database of this project, of the given kind."""
    path = folder / f"{kind}.duckdb"
    if kind == "corrupt":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "folder":
        path.mkdir()
    elif kind == "csv":
        path = folder / "some.csv"
        path.write_text("a,b\n1,2\n", encoding="utf-8")
    elif kind == "foreign":  # a DuckDB database, but not one this project built
        con = duckdb.connect(str(path))
        con.execute("create table t as select 1 as x")
        con.close()
    elif kind == "dangling-link":
        path.symlink_to(folder / "gone.duckdb")
    return path


BAD_DBS = ["corrupt", "empty", "folder", "csv", "foreign", "dangling-link"]
READERS = {
    "sql": ["sql", "select 1"],
    "status": ["status"],
    "claims": ["claims"],
    "query": ["query", "burden"],
}


def cli(*args: str) -> subprocess.CompletedProcess:
    """The `etl` command in this process (typer's runner): the same code, without a Python
    start per case; `etl()` above runs the real process where the exit path matters."""
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, list(args))
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def one_line(result: subprocess.CompletedProcess, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", READERS)
def test_every_reader_command_gives_one_line_for_a_corrupt_database(command, tmp_path):
    db = bad_db("corrupt", tmp_path)
    run = etl if command == "sql" else cli  # one through the real process
    line = one_line(run(*READERS[command], "--db", str(db)), 1)
    assert "not a DuckDB database" in line and str(db) in line


GONE = duckdb.CatalogException("Table with name x does not exist!\nDid you mean y?")


@pytest.mark.parametrize(
    ("command", "target", "error", "said"),
    [
        (
            READERS["query"],
            "ledger.queries.run",
            GONE,
            "the query 'burden' failed on this database",
        ),
        (
            READERS["claims"],
            "ledger.claims.evaluate_all",
            GONE,
            "the claims could not be evaluated",
        ),
        (
            READERS["claims"],
            "ledger.claims.evaluate_all",
            ValueError("a bug"),
            "unexpected ValueError",
        ),
    ],
)
def test_a_reader_commands_failure_on_a_sound_database_is_one_line(
    command, target, error, said, real_db_path, monkeypatch
):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(target, fail)
    line = one_line(cli(*command, "--db", str(real_db_path)), 1)
    assert said in line and "Did you mean" not in line


@pytest.mark.parametrize("kind", BAD_DBS)
def test_status_names_what_is_wrong_with_the_database(kind, tmp_path):
    db = bad_db(kind, tmp_path)
    line = one_line(cli("status", "--db", str(db)), 1)
    expected = {
        "corrupt": "not a DuckDB database",
        "empty": "empty",
        "folder": "folder",
        "csv": "not a DuckDB database",
        "foreign": "not a database built by this project",
        "dangling-link": "no database here",
    }[kind]
    assert expected in line


@pytest.mark.parametrize("kind", ["corrupt", "folder", "csv", "foreign"])
def test_build_refuses_to_replace_what_it_did_not_build(kind, tmp_path):
    db = bad_db(kind, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    content = db.read_bytes() if db.is_file() else None
    line = one_line(cli("build", "--db", str(db)), 1)
    assert str(db) in line and ("refusing" in line or "folder" in line)
    assert (db.read_bytes() if db.is_file() else None) == content
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # not even a lock file


def test_raw_dir_that_is_a_file_is_refused_before_work(tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text("x", encoding="utf-8")
    line = one_line(cli("build", "--raw-dir", str(raw), "--db", str(tmp_path / "a.duckdb")), 1)
    assert "is a file, not a folder" in line
    assert not (tmp_path / "a.duckdb").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused_before_work(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        line = one_line(cli("build", "--db", str(folder / "a.duckdb")), 1)
        assert "not writable" in line
    finally:
        folder.chmod(0o700)


def test_build_through_a_symbolic_link_writes_its_target(tmp_path):
    target = tmp_path / "real" / "alliance.duckdb"
    target.parent.mkdir()
    link = tmp_path / "alliance.duckdb"
    link.symlink_to(target)
    result = cli("build", "--db", str(link))  # from the committed snapshot
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes()[8:12] == b"DUCK"
    from core.db import built_by_us

    assert built_by_us(link)


# --------------------------------------------------------------------------- pages (issue 11)


@pytest.mark.parametrize("kind", ["corrupt", "empty", "folder"])
def test_every_page_says_the_database_cannot_be_read(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DB", str(bad_db(kind, tmp_path)))
    for key in ("claims", "sql", "burden"):
        at = open_page(key)
        assert not at.exception, [e.value for e in at.exception]
        errors = " ".join(str(e.value) for e in at.error)
        assert "cannot be read" in errors and len(errors) < 400


@pytest.fixture
def served_env(real_db_path, monkeypatch) -> Path:
    monkeypatch.setenv("ALLIANCE_DB", str(real_db_path))
    return real_db_path


def test_a_long_url_value_is_cut_wherever_it_is_shown(served_env):
    at = open_page("country", {"country": "X" * 100_000})
    assert not at.exception
    notes = " ".join(str(e.value) for e in at.info)
    assert "100,000 characters" in notes and len(notes) < 2_000


def test_a_repeated_url_value_is_named(served_env):
    at = open_page("burden", {"source": ["nato", "sipri", "nato"]})
    assert not at.exception
    assert "3 times" in " ".join(str(e.value) for e in at.info)


@pytest.mark.parametrize(
    ("sql", "shown"),
    [
        ("select interval 3 day as i", "3 days"),
        ("select union_value(k := 1) as u", "1"),
        ("select {'a': [1, 2]} as s, '\\x00'::blob as b, map([1], [2]) as m", "{'a': [1, 2]}"),
        ("select [1, 2, 3]::integer[3] as f", "[1, 2, 3]"),
    ],
)
def test_the_explorer_shows_every_result_type(served_env, sql, shown):
    at = open_page("sql", {"sql": sql})
    assert not at.exception and not at.error, [e.value for e in at.error]
    frame = next(df.value for df in at.dataframe if "VARCHAR" not in df.value.to_string())
    assert shown in [str(v) for v in frame.iloc[0].tolist()]


def test_the_explorer_stops_a_memory_hog_from_a_link(served_env):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    at = open_page("sql", {"sql": "select length(range(0, 100000000)) as n"})
    assert not at.exception
    assert "more than" in " ".join(str(e.value) for e in at.error)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before < 300
