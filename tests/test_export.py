"""`etl export`: Parquet files that read back as the warehouse's rows, and a data package that
validates against the Frictionless schema and carries every source's licence and edition."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from frictionless import Package
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from core.db import SCHEMA, connect_readonly
from core.errors import EtlError
from etl.build import build
from ledger.export import (
    ddl_comments,
    export,
    field_type,
    unit,
    view_comments,
    write,
    zip_bytes,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(None, tmp_path_factory.mktemp("export") / "alliance.duckdb").db


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory) -> Path:
    return export(built, tmp_path_factory.mktemp("out") / "alliance-export").out


@pytest.fixture(scope="module")
def package(exported) -> dict:
    return json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))


def test_every_table_and_view_round_trips(built, exported, package):
    con = duckdb.connect(str(built), read_only=True)
    try:
        names = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }
        assert {r["name"] for r in package["resources"]} == names
        assert {p.stem for p in exported.glob("*.parquet")} == names
        for name in sorted(names):
            path = str(exported / f"{name}.parquet")
            table = f'"{name}"'
            # Same columns with the same types, and the same rows (as multisets) both ways.
            assert (
                con.execute(f"select column_name, column_type from (describe {table})").fetchall()
                == con.execute(
                    "select column_name, column_type from (describe select * from read_parquet(?))",
                    [path],
                ).fetchall()
            ), name
            for sql in (
                f"select count(*) from (select * from {table} except all "
                "select * from read_parquet(?))",
                f"select count(*) from (select * from read_parquet(?) except all "
                f"select * from {table})",
            ):
                assert con.execute(sql, [path]).fetchall() == [(0,)], name  # noqa: S608
            rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]  # noqa: S608
            assert rows == next(r["rows"] for r in package["resources"] if r["name"] == name)
    finally:
        con.close()


def test_datapackage_validates_against_the_frictionless_schema(exported, package):
    report = Package.validate_descriptor(package, basepath=str(exported))
    assert report.valid, report.flatten(["type", "note"])
    broken = json.loads(json.dumps(package))
    broken["resources"][0]["schema"]["fields"][0]["type"] = "money"
    assert not Package.validate_descriptor(broken, basepath=str(exported)).valid


def test_schema_carries_types_descriptions_and_units(package):
    fields = {
        (r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]
    }
    _, comments = ddl_comments(SCHEMA.read_text(encoding="utf-8"))
    assert comments, "no column comments parsed from core/schema.sql"
    for (table, column), comment in comments.items():
        assert fields[(table, column)]["description"] == comment, (table, column)
    assert all(f["type"] != "any" for f in fields.values()), "a DuckDB type with no mapping"
    assert fields[("sipri_milex", "constant_usd_m")]["unit"] == "million US$"
    assert fields[("sipri_milex", "share_gdp_pct")]["unit"] == "percent"
    assert fields[("kiel_aid_monthly", "pct_gdp")]["unit"] == "percent of GDP"
    assert fields[("country", "borders")]["type"] == "array"
    assert fields[("membership", "joined")]["type"] == "date"
    views = {r["name"]: r for r in package["resources"] if r["kind"] == "view"}
    assert views and all(v.get("description") for v in views.values())
    assert field_type("DECIMAL(18,3)") == "number" and unit("iso3") is None


def test_every_column_of_every_resource_has_a_description(built, package):
    """Tables and views alike: every exported column says what it holds (schema.sql's trailing
    comments, the views' `-- Columns` blocks), and a view's block names only its own columns."""
    undescribed = [
        f"{r['name']}.{f['name']}"
        for r in package["resources"]
        for f in r["schema"]["fields"]
        if not (f.get("description") or "").strip()
    ]
    assert not undescribed, f"{len(undescribed)} columns without a description: {undescribed}"
    con = duckdb.connect(str(built), read_only=True)
    try:
        actual = set(
            con.execute(
                "select table_name, column_name from duckdb_columns() "
                "where schema_name = 'main' and table_name in "
                "(select view_name from duckdb_views() where not internal)"
            ).fetchall()
        )
    finally:
        con.close()
    _, documented = view_comments()
    assert actual and set(documented) == actual  # no stale or misspelt name in a block
    fields = {
        (r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]
    }
    for key, text in documented.items():
        assert fields[key]["description"] == text, key


def test_view_column_block_parses_continuations_and_ends(tmp_path):
    path = tmp_path / "v.sql"
    path.write_text(
        "-- View v: two columns.\n"
        "--\n"
        "-- Columns:\n"
        "--   a: first, in US$ m\n"
        "--     at current prices\n"
        "--   b: second\n"
        "-- Parameters: none.\n"
        "create or replace view v as select 1 as a, 2 as b\n",
        encoding="utf-8",
    )
    views, columns = view_comments([path])
    assert columns == {("v", "a"): "first, in US$ m at current prices", ("v", "b"): "second"}
    assert views == {"v": "View v: two columns. Parameters: none."}


def test_sources_editions_licences_and_citation_travel_with_the_data(built, package):
    con = duckdb.connect(str(built), read_only=True)
    try:
        files = con.execute("select name, edition, licence from source_file").fetchall()
    finally:
        con.close()
    sources = {s["file"]: s for s in package["sources"]}
    assert set(sources) == {name for name, _, _ in files}
    for name, edition, licence in files:
        assert (sources[name]["edition"], sources[name]["licence"]) == (edition, licence)
    licences = {lic["title"].split(":")[0]: lic for lic in package["licenses"]}
    assert all(lic.get("name") or lic.get("path") for lic in package["licenses"])
    sipri = next(v for k, v in licences.items() if "SIPRI" in k)
    assert sipri["name"] == "other-nc" and "attribution" in sipri["title"]
    assert any(lic["name"] == "CC-BY-4.0" for lic in package["licenses"])  # World Bank
    assert {"ODbL-1.0", "MPL-2.0"} <= {lic["name"] for lic in package["licenses"]}  # REST
    nato = next(v for k, v in licences.items() if "NATO" in k)
    assert "attribution" in nato["title"].lower()
    assert "Alliance Ledger" in package["citation"]


def test_cli_refuses_a_folder_that_is_not_empty(built, tmp_path):
    runner = CliRunner()
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    refused = runner.invoke(app, ["export", str(target), "--db", str(built)])
    assert refused.exit_code == 1
    assert "not empty" in refused.output and len(refused.output.strip().splitlines()) == 1
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    forced = runner.invoke(app, ["export", str(target), "--db", str(built), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (target / "datapackage.json").is_file() and (target / "notes.txt").is_file()
    missing = runner.invoke(app, ["export", str(tmp_path / "new"), "--db", str(tmp_path / "x")])
    assert missing.exit_code == 1 and "no database" in missing.output
    assert not (tmp_path / "new").exists()


def test_zip_holds_the_export_made_through_the_apps_locked_down_connection(built, exported):
    con = connect_readonly(built)  # what the dashboard holds: no file access from SQL
    try:
        archive = zip_bytes(con)
    finally:
        con.close()
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        names = {Path(n).name for n in zf.namelist()}
        assert {n.split("/")[0] for n in zf.namelist()} == {"alliance-export"}
        package = json.loads(zf.read("alliance-export/datapackage.json"))
    assert names == {p.name for p in exported.iterdir()}
    assert {r["path"] for r in package["resources"]} == names - {"datapackage.json"}


def test_methods_page_offers_both_downloads_with_their_sizes(built, monkeypatch):
    from app import downloads, nav

    monkeypatch.setenv("ALLIANCE_DB", str(built))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page(nav.BY_KEY["methods"].path).run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    warehouse = next(label for label in labels if label.startswith("Warehouse"))
    assert downloads.size_text(built.stat().st_size) in warehouse
    assert any(re.match(r"Export: .*\(\d+(\.\d)? (kB|MB), zip\)", label) for label in labels)
    assert downloads.size_text(999) == "999 bytes" and downloads.size_text(11_284_480) == "11.3 MB"


def test_a_comment_on_set_in_the_warehouse_wins_over_the_ddl_comment(built, tmp_path):
    copy = tmp_path / "commented.duckdb"
    copy.write_bytes(built.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        con.execute("comment on table sipri_milex is 'SIPRI, one row per country-year'")
        con.execute("comment on column sipri_milex.year is 'calendar year'")
        done = write(con, tmp_path / "out")
    finally:
        con.close()
    package = json.loads((done.out / "datapackage.json").read_text(encoding="utf-8"))
    sipri = next(r for r in package["resources"] if r["name"] == "sipri_milex")
    assert sipri["description"] == "SIPRI, one row per country-year"
    fields = {f["name"]: f for f in sipri["schema"]["fields"]}
    assert fields["year"]["description"] == "calendar year"
    assert fields["current_usd_m"]["description"] == "SIPRI 'Current US$', US$ m"  # from DDL


# --- hostile databases and outputs (tests/sidecases.py runs the same through the CLI) ----------


def test_a_view_in_someone_elses_file_that_reads_a_file_is_refused(built, tmp_path):
    foreign = tmp_path / "foreign.duckdb"
    foreign.write_bytes(built.read_bytes())
    con = duckdb.connect(str(foreign))
    con.execute("create view leak as select * from read_text('/etc/hostname')")
    con.close()
    with pytest.raises(EtlError) as refused:
        export(foreign, tmp_path / "out")
    assert "disabled" in str(refused.value) and "\n" not in str(refused.value)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _fail_on(calls: int):
    """A Parquet writer whose `calls`-th batch meets a full disk."""
    real = pq.ParquetWriter.write_batch
    seen = [0]

    def write_batch(self, batch, *args, **kwargs):
        seen[0] += 1
        if seen[0] == calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, batch, *args, **kwargs)

    return write_batch


def test_a_full_disk_leaves_no_export_and_keeps_an_earlier_one(built, tmp_path, monkeypatch):
    earlier = export(built, tmp_path / "old").out
    (earlier / "notes.txt").write_text("mine", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}
    monkeypatch.setattr(pq.ParquetWriter, "write_batch", _fail_on(19))  # 19 of 25 written
    with pytest.raises(OSError, match="No space left"):
        export(built, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]  # nothing, no temp folder
    monkeypatch.setattr(pq.ParquetWriter, "write_batch", _fail_on(19))
    refused = CliRunner().invoke(app, ["export", str(earlier), "--db", str(built), "--force"])
    assert refused.exit_code == 1 and "No space left on device" in refused.output
    assert len(refused.output.strip().splitlines()) == 1 and "Traceback" not in refused.output
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before  # byte for byte


def test_a_full_disk_keeps_an_earlier_snapshot(built, tmp_path, monkeypatch):
    from etl import snapshot

    earlier = tmp_path / "snapshot"
    snapshot.write(built, earlier)
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}
    real, seen = pl.DataFrame.write_parquet, [0]

    def write_parquet(self, *args, **kwargs):
        seen[0] += 1
        if seen[0] == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", write_parquet)
    refused = CliRunner().invoke(app, ["snapshot", "--db", str(built), "--out", str(earlier)])
    assert refused.exit_code == 1 and "No space left on device" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before


@pytest.mark.parametrize("where", ["file", "under-file", "proc"])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(built, tmp_path, where):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep", encoding="utf-8")
    target = {"file": blocker, "under-file": blocker / "out", "proc": Path("/proc/out")}[where]
    for argv in (
        ["export", str(target), "--db", str(built)],
        ["snapshot", "--db", str(built), "--out", str(target)],
    ):
        refused = CliRunner().invoke(app, argv)
        assert refused.exit_code == 1, refused.output
        assert len(refused.output.strip().splitlines()) == 1, refused.output
        assert str(target) in refused.output
    assert blocker.read_text(encoding="utf-8") == "keep"
