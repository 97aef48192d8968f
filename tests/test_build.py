"""The build end to end: atomic publish, bad inputs leave the served database untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from core.db import connect_readonly
from etl import snapshot
from etl.build import build, clean_leftovers
from tests.helpers import digest, etl

ROOT = Path(__file__).resolve().parent.parent
NATO_GLOB = "nato/*TABLES*.xlsx"


@pytest.fixture(scope="module")
def published(raw_dir, tmp_path_factory) -> Path:
    """A database published from the real files, served from its own folder."""
    return build(raw_dir, tmp_path_factory.mktemp("served") / "alliance.duckdb").db


@pytest.fixture
def raw_copy(raw_dir, tmp_path) -> Path:
    """A scratch copy of the raw files that a test may break (never committed)."""
    copy = tmp_path / "raw"
    shutil.copytree(raw_dir, copy, ignore=shutil.ignore_patterns("*.pdf"))
    for f in copy.rglob("*"):
        f.chmod(0o644 if f.is_file() else 0o755)
    return copy


pytestmark = pytest.mark.raw


def test_real_build_fills_every_table(published):
    con = connect_readonly(published)
    try:
        counts = dict(
            con.execute("select table_name, estimated_size from duckdb_tables()").fetchall()
        )
        for table in [
            "country",
            "alliance",
            "membership",
            "sipri_milex",
            "nato_defence",
            "wb_macro",
            "cow_nmc",
            "kiel_aid_monthly",
            "source_file",
            "etl_run",
        ]:
            assert counts[table] > 0, table
        files = con.execute("select count(*), count(distinct sha256) from source_file").fetchall()
        assert files[0][0] >= 15
        assert con.execute(
            "select outcome from etl_run order by started_at desc limit 1"
        ).fetchall() == [("published",)]
    finally:
        con.close()


def _break_nato(raw: Path, change) -> None:
    path = next(raw.glob(NATO_GLOB))
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


def _cell(sheet, text: str):
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == text:
                return cell
    raise LookupError(text)


def _poland_2024(book):
    sheet = book["TABLE3"]
    name = _cell(sheet, "Poland*")  # first block: share of real GDP; last figure is 2024e
    return [c for c in sheet[name.row] if isinstance(c.value, float)][-1]


BAD = {
    "corrupt xlsx": (
        lambda raw: next(raw.glob("sipri/*.xlsx")).write_bytes(
            next(raw.glob("sipri/*.xlsx")).read_bytes()[:5000]
        ),
        "SIPRI",
    ),
    "html saved as xlsx": (
        lambda raw: next(raw.glob(NATO_GLOB)).write_text(
            "<html><body>502 Bad Gateway</body></html>"
        ),
        "TABLES",
    ),
    "renamed sheet": (
        lambda raw: _break_nato(raw, lambda b: setattr(b["TABLE3"], "title", "Table three")),
        "TABLE3",
    ),
    "unknown country": (
        lambda raw: _break_nato(
            raw, lambda b: setattr(_cell(b["TABLE3"], "Poland*"), "value", "Narnia")
        ),
        "Narnia",
    ),
    "share of 250 %": (
        lambda raw: _break_nato(raw, lambda b: setattr(_poland_2024(b), "value", 250)),
        "250",
    ),
    "missing file": (lambda raw: shutil.rmtree(raw / "kiel"), "kiel"),
}


@pytest.mark.parametrize("case", BAD, ids=BAD)
def test_bad_input_fails_clearly_and_keeps_the_database(case, published, raw_copy):
    breaker, expected = BAD[case]
    breaker(raw_copy)
    before = digest(published)
    result = etl("build", "--raw-dir", str(raw_copy), "--db", str(published))
    assert result.returncode == 1, result.stderr
    message = result.stderr.strip()
    assert expected in message and "Traceback" not in message
    assert message.startswith("error:") and "file" in message
    assert digest(published) == before
    assert not list(published.parent.glob(f".{published.name}.*.tmp*"))


def test_the_failed_run_is_logged_and_kept_for_the_next_publish(published, raw_copy):
    shutil.rmtree(raw_copy / "kiel")
    etl("build", "--raw-dir", str(raw_copy), "--db", str(published))
    log = (published.parent / (published.name + ".runs.jsonl")).read_text()
    assert '"outcome": "failed"' in log


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path):
    db = tmp_path / "alliance.duckdb"
    dead = tmp_path / f".{db.name}.999999999.tmp"
    dead.write_bytes(b"half a database")
    assert clean_leftovers(db) == [dead] and not dead.exists()


def test_snapshot_is_honestly_derived_from_the_raw_files(published, tmp_path):
    """Rebuilding the snapshot from the raw files gives exactly the committed one."""
    fresh = tmp_path / "snapshot"
    snapshot.write(published, fresh)
    for table in snapshot.TABLES:
        committed = pl.read_parquet(snapshot.SNAPSHOT / f"{table}.parquet")
        rebuilt = pl.read_parquet(fresh / f"{table}.parquet")
        assert committed.equals(rebuilt), f"{table}: run `etl snapshot` after a rebuild"


def test_build_from_the_snapshot_needs_no_raw_files(tmp_path):
    db = build(None, tmp_path / "from-snapshot.duckdb").db
    con = connect_readonly(db)
    try:
        share = con.execute(
            "select share_gdp_pct from sipri_milex where iso3 = 'POL' and year = 2024"
        ).fetchall()
        assert round(share[0][0], 3) == 4.154
        editions = [r[0] for r in con.execute("select edition from source_file").fetchall()]
        assert any("snapshot" in e for e in editions)
    finally:
        con.close()


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path):
    import fcntl

    db = tmp_path / "alliance.duckdb"
    with open(tmp_path / "alliance.duckdb.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = etl("build", "--db", str(db))
    assert result.returncode == 3 and "another build or refresh" in result.stderr
    assert not db.exists()


def test_cli_status_sql_and_query(published):
    assert "sipri/SIPRI" in etl("status", "--db", str(published)).stdout
    out = etl(
        "sql", "select count(*) as n from alliance", "--db", str(published), "--format", "csv"
    )
    assert out.returncode == 0 and out.stdout.splitlines() == ["n", "8"]
    refused = etl("sql", "select * from read_csv('/etc/passwd')", "--db", str(published))
    assert refused.returncode == 4 and "switched off" in refused.stderr
    query = etl("query", "guideline_counts", "--db", str(published), "--format", "csv")
    assert query.returncode == 0 and "n_at_or_above_2pct" in query.stdout
    bad = etl("query", "guideline_counts", "--param", "year=x", "--db", str(published))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_status_says_whether_the_database_matches_this_codes_warehouse(published, tmp_path):
    from core.db import warehouse_version as version

    assert f"warehouse version {version()}: the database matches this code" in (
        etl("status", "--db", str(published)).stdout
    )
    older = tmp_path / "older.duckdb"
    shutil.copyfile(published, older)
    con = duckdb.connect(str(older))
    con.execute("update etl_run set warehouse_version = 'older'")
    con.close()
    out = etl("status", "--db", str(older)).stdout
    assert f"older in the database, {version()} in this code: rebuild it" in " ".join(out.split())
