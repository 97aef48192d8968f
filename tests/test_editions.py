"""Several editions side by side: NATO 2024 beside the 2025 and 2026 layouts, SIPRI's 2026 release.

The 2025/2026 NATO workbooks and the April 2026 SIPRI workbook are built here from the layouts
documented in ../shared/facts/editions.md (tests/newreleases.py), not from the publishers' files,
which cannot be fetched here. The first tests use only hand-made workbooks; those marked `raw`
derive the new editions from the real 2024/2025 files and run a full build over them.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from core.db import connect_readonly
from core.errors import EtlError
from etl import nato
from etl.build import build
from etl.sources import REGISTRY, verify_all
from etl.warehouse import create_schema, create_views, insert
from ledger import queries
from tests import newreleases, test_nato
from tests.fixturebooks import stamp_modified

E2024, E2025, E2026 = date(2024, 6, 17), date(2025, 8, 27), date(2026, 7, 10)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """The hand-made 2024 workbook (test_nato) and the 2025 and 2026 editions derived from it."""
    raw = tmp_path_factory.mktemp("raw")
    test_nato.save(test_nato.workbook(), raw)
    newreleases.nato_editions(raw, nato.parse(raw).tables)
    return raw


@pytest.fixture(scope="module")
def parsed(raw) -> nato.Parsed:
    return nato.parse(raw)


def test_every_edition_is_loaded_keyed_by_edition(parsed):
    editions = parsed.tables["edition"].sort("edition").to_dicts()
    assert [(e["edition"], e["definition"], e["price_base_year"]) for e in editions] == [
        (E2024, "defence expenditure", 2015),  # 'Constant 2015 prices'
        (E2025, "defence expenditure", 2021),  # 'constant 2021 prices'
        (E2026, "core defence expenditure", 2021),  # 'Table 1: Core defence expenditure'
    ]
    assert [e["last_year"] for e in editions] == [2024, 2025, 2026]
    assert [e["file"] for e in editions] == [
        f"nato/{test_nato.NAME}",
        "nato/def-exp-2025-en.xlsx",
        "nato/def-exp-2026-en.xlsx",
    ]
    defence = parsed.tables["nato_defence"]
    assert defence.select("iso3", "year", "edition").is_unique().all()
    assert sorted(defence["edition"].unique()) == [E2024, E2025, E2026]


def test_new_layout_figures_estimates_and_price_base(parsed):
    defence = parsed.tables["nato_defence"]
    usa = {(r["edition"], r["year"]): r for r in defence.filter(iso3="USA").iter_rows(named=True)}
    old = usa[(E2024, 2014)]
    # Constant prices move to the 2021 base; the year and its edition say which base.
    assert usa[(E2025, 2014)]["constant_usd_m"] == pytest.approx(old["constant_usd_m"] * 1.25)
    assert usa[(E2025, 2014)]["price_base_year"] == 2021 and old["price_base_year"] == 2015
    assert usa[(E2025, 2014)]["current_usd_m"] == old["current_usd_m"]  # restated unchanged
    # 2024e in 2024 is revised in 2025 and still an estimate there ('2024e', '2025e').
    assert usa[(E2025, 2024)]["current_usd_m"] == pytest.approx(
        usa[(E2024, 2024)]["current_usd_m"] * 1.01
    )
    flags = defence.filter(edition=E2025).group_by("year").agg(pl.col("is_estimate").all())
    assert dict(flags.iter_rows()) == {2014: False, 2015: False, 2019: False, 2023: False,
                                       2024: True, 2025: True}  # fmt: skip
    assert usa[(E2026, 2026)]["is_estimate"] and not usa[(E2026, 2024)]["is_estimate"]


def test_footnote_marks_and_iceland(parsed):
    defence = parsed.tables["nato_defence"]
    marks = dict(
        defence.filter(iso3="POL").group_by("edition").agg(pl.col("footnote").all()).iter_rows()
    )
    assert marks == {E2024: True, E2025: True, E2026: False}  # 'Poland*' until 2025
    iceland = defence.filter(iso3="ISL")
    assert sorted(iceland["edition"].unique()) == [E2024, E2025]  # no row in 2026
    assert iceland.filter(edition=E2025)["current_usd_m"].is_null().all()


def test_layout_comes_from_the_workbook_not_the_name(tmp_path, raw):
    """A 2025-layout workbook under an old-style name still parses as the 2025 layout."""
    (tmp_path / "nato").mkdir()
    shutil.copy(
        raw / "nato" / "def-exp-2025-en.xlsx", tmp_path / "nato" / "def-exp-2025-TABLES-en.xlsx"
    )
    got = nato.parse(tmp_path)
    assert got.tables["edition"]["price_base_year"].to_list() == [2021]
    assert got.tables["nato_defence"].height > 0


def test_unknown_layout_is_refused_in_one_line(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Defence 2027"
    (tmp_path / "nato").mkdir()
    wb.save(tmp_path / "nato" / "def-exp-2027-en.xlsx")
    with pytest.raises(EtlError) as caught:
        nato.parse(tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.file == "nato/def-exp-2027-en.xlsx"
    assert caught.value.sheet == "Defence 2027"
    assert "'TABLE1'" in message and "'Table 1'" in message  # what was expected


def test_two_price_bases_in_one_workbook_are_refused(tmp_path, raw):
    wb = openpyxl.load_workbook(raw / "nato" / "def-exp-2025-en.xlsx")
    ws = wb["Table 5"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "constant 2021 prices")
    cell.value = "constant 2015 prices"
    (tmp_path / "nato").mkdir()
    wb.save(tmp_path / "nato" / "def-exp-2025-en.xlsx")
    with pytest.raises(EtlError, match=r"one constant-price base year.*\[2015, 2021\]"):
        nato.parse(tmp_path)


@pytest.fixture(scope="module")
def con(parsed):
    con = duckdb.connect()
    create_schema(con)
    for table in ("edition", "nato_defence", "nato_aggregate", "nato_real_change"):
        insert(con, table, parsed.tables[table])
    create_views(con)
    yield con
    con.close()


def test_nato_at_picks_the_newest_edition_on_or_before_a_date(con):
    sql = "select year, edition, price_base_year from nato_at(as_of := ?) where iso3 = 'USA'"
    by_year = {r[0]: r[1:] for r in con.execute(sql, [date(2025, 12, 31)]).fetchall()}
    assert by_year[2024] == (E2025, 2021) and 2026 not in by_year
    by_year = {r[0]: r[1:] for r in con.execute(sql, [date(2024, 12, 31)]).fetchall()}
    assert set(by_year.values()) == {(E2024, 2015)}
    newest = con.execute("select distinct edition from nato_at() where iso3 = 'USA'").fetchall()
    assert newest == [(E2026,)]
    # Iceland's last figures come from 2025, the newest edition that printed them.
    iceland = con.execute("select distinct edition from nato_at() where iso3 = 'ISL'").fetchall()
    assert iceland == [(E2025,)]


def test_revisions_say_what_each_edition_changed(con):
    got = queries.run(con, "revisions", source="nato")
    usa = {(r["edition"], r["year"]): r for r in got.filter(iso3="USA").iter_rows(named=True)}
    # 2025 replaced 2023e by an outturn (revised by 1 %), revised 2024e, added 2025e.
    assert usa[(E2025, 2023)]["change"] == "estimate replaced by outturn"
    assert usa[(E2025, 2023)]["current_usd_change_pct"] == pytest.approx(1.0)
    assert usa[(E2025, 2024)]["change"] == "estimate revised"
    assert usa[(E2025, 2025)]["change"] == "new year"
    assert (E2025, 2014) not in usa  # unchanged at current prices: not a revision
    assert usa[(E2026, 2024)]["change"] == "estimate replaced by outturn"
    # Iceland has no row at all in the 2026 tables: a dropped country, not dropped years
    dropped = got.filter(pl.col("change").str.starts_with("dropped"))
    assert set(dropped["iso3"]) == {"ISL"} and set(dropped["edition"]) == {E2026}
    assert set(dropped["change"]) == {"dropped country"}
    assert set(got["previous_edition"]) == {E2024, E2025}


# --- SIPRI ------------------------------------------------------------------------------------


def test_sipri_version_suffixes_and_the_fake_copy(tmp_path):
    source = REGISTRY["sipri"]
    (tmp_path / "sipri").mkdir()
    for name in ("SIPRI-Milex-data-1949-2025.xlsx", "SIPRI-Milex-data-1949-2025_v1.2.xlsx"):
        path = tmp_path / "sipri" / name
        path.write_bytes(b"PK\x03\x04 not SIPRI's bytes")
        with pytest.raises(EtlError) as caught:
            verify_all(tmp_path)
        assert caught.value.file == f"sipri/{name}" and "\n" not in str(caught.value)
        assert "claims to be SIPRI April 2026" in str(caught.value)
        path.unlink()
    # A later in-year revision (_v1.3) is not a known file: accepted, by its own provenance.
    (tmp_path / "sipri" / newreleases.SIPRI_2026).write_bytes(b"PK")
    verify_all(tmp_path)
    assert source.files(tmp_path)[0].name == newreleases.SIPRI_2026


@pytest.mark.raw
def test_real_files_are_the_known_genuine_ones(raw_dir):
    """data/known_files.csv names every file of the sources it covers, with its bytes."""
    covered = [s for s in REGISTRY.values() if s.known]
    assert {s.key for s in covered} >= {"nato", "sipri", "dmdc", "cow", "restcountries"}
    for source in covered:
        names = {k.name for k in source.known}
        for path in source.files(raw_dir):
            if path.name in names:  # COW's codes file shares the folder and is not listed
                assert source.genuine(path) is not None, path.name
        assert names <= {p.name for p in source.files(raw_dir)}, source.key
    assert len(REGISTRY["sipri"].files(raw_dir)) == 8  # 2017, 2020-2026
    verify_all(raw_dir)


@pytest.mark.raw
def test_a_resaved_copy_of_a_known_release_is_refused(raw_dir, tmp_path):
    (tmp_path / "nato").mkdir()
    copy = tmp_path / "nato" / "240617-def-exp-2024-TABLES-en.xlsx"
    shutil.copy(raw_dir / "nato" / copy.name, copy)
    stamp_modified(copy, date(2025, 5, 18))  # what a user's re-save does to the file
    with pytest.raises(EtlError, match="claims to be NATO 2024.*bytes differ"):
        verify_all(tmp_path)


# --- end to end: raw files -> warehouse -> indicators, with the real files beside --------------


@pytest.fixture(scope="module")
def full(raw_dir, tmp_path_factory) -> Path:
    """The real raw files (eight SIPRI releases) plus NATO 2025/2026 derived from NATO's 2024
    tables as documented (no genuine copy of either is held: ../shared/facts/editions.md)."""
    raw = tmp_path_factory.mktemp("full") / "raw"
    shutil.copytree(raw_dir, raw, ignore=shutil.ignore_patterns("*.pdf", "*.md"))
    newreleases.nato_editions(raw, nato.parse(raw).tables)
    return build(raw, raw.parent / "alliance.duckdb").db


SIPRI_2025, SIPRI_2026 = date(2025, 4, 28), date(2026, 4, 27)


@pytest.fixture(scope="module")
def full_con(full):
    """The full build, read-only."""
    con = connect_readonly(full)
    yield con
    con.close()


@pytest.mark.raw
def test_full_build_holds_every_edition_and_indicators_use_the_newest(full_con):
    editions = full_con.execute(
        "select source, edition, price_base_year from edition where source = 'nato' "
        "or (edition >= $e and source in ('sipri', 'dmdc')) order by 1, 2",
        {"e": SIPRI_2025},
    )
    assert editions.fetchall() == [
        # (the one-file sources' rows: tests/queries/test_editions.py)
        ("dmdc", date(2026, 2, 16), None),  # head counts: no prices
        ("nato", E2024, 2015),
        ("nato", E2025, 2021),
        ("nato", E2026, 2021),
        ("sipri", SIPRI_2025, 2023),
        ("sipri", SIPRI_2026, 2024),
    ]
    panel = full_con.execute(
        "select source, max(year), min(edition), max(edition), min(price_base_year) "
        "from defence_panel where iso3 = 'POL' group by source order by source"
    ).fetchall()
    assert panel == [
        ("nato", 2026, E2026, E2026, 2021),
        ("sipri", 2025, SIPRI_2026, SIPRI_2026, 2024),
    ]
    burden = queries.run(full_con, "burden", source="nato")
    assert burden["year"].max() == 2026
    revisions = queries.run(full_con, "revisions")
    assert set(revisions["source"]) == {"nato", "sipri"}
    sipri_new = revisions.filter(source="sipri", edition=SIPRI_2026, change="new year", iso3="USA")
    assert set(sipri_new["year"]) == {2025}
    world = full_con.execute(
        "select year, edition from sipri_region_total where region = 'World' "
        "and current_usd_bn is not null and edition >= $e order by edition",
        {"e": SIPRI_2025},
    ).fetchall()
    assert world == [(2024, SIPRI_2025), (2025, SIPRI_2026)]


@pytest.mark.raw
def test_sipri_sheet_names_give_each_release_its_price_base(full_con):
    bases = full_con.execute(
        "select distinct edition, price_base_year from sipri_milex order by 1"
    ).fetchall()
    # 'Constant (2015) USD' (2017) ... 'Constant (2024) US$' (2026): the year before the release's
    assert [(e.year, b) for e, b in bases] == [
        (2017, 2015), (2020, 2018), (2021, 2019), (2022, 2020), (2023, 2021), (2024, 2022),
        (2025, 2023), (2026, 2024),
    ]  # fmt: skip


@pytest.mark.raw
def test_full_build_pages_show_claims_coverage_and_revisions(full, monkeypatch):
    """Raw files -> warehouse -> indicators -> claims -> pages, on the newest editions."""
    from streamlit.testing.v1 import AppTest

    from tests.test_app import DASHBOARD, TIMEOUT, open_page

    monkeypatch.setenv("ALLIANCE_DB", str(full))
    claims = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not claims.exception
    page = open_page("methods")
    assert not page.exception
    captions = "\n".join(str(c.value) for c in page.caption)
    assert "edition of 2026-07-10 (newest: used by default)" in captions
    assert "core defence expenditure, constant 2021 prices" in captions
    page = open_page("methods", {"section": "Revisions"})
    revisions = next(df.value for df in page.dataframe if "previous edition" in df.value.columns)
    assert "estimate replaced by outturn" in set(revisions["change"])


def test_editions_stack_side_by_side_and_one_edition_twice_is_refused(tmp_path):
    """etl.rawfiles.side_by_side, which the NATO and SIPRI parsers share: editions stack; two
    files naming one edition, or no file at all, are one line naming the raw folder."""
    import polars as pl

    from core.errors import EtlError
    from etl.rawfiles import Parsed, SourceFile, side_by_side

    def fake(edition_of: dict[str, str]):
        def parse_file(path, raw_dir):
            edition = edition_of[path.name]
            f = SourceFile(path.name, "P", edition, "u", "l", "0" * 64, 1, 1)
            frame = pl.DataFrame({"edition": [edition], "value": [1.0]})
            return Parsed(tables={"edition": frame, "x": frame}, files=[f])

        return parse_file

    paths = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    both = side_by_side(paths, tmp_path, fake({"a.xlsx": "2024", "b.xlsx": "2025"}), "p", "edition")
    assert both.tables["x"]["edition"].to_list() == ["2024", "2025"]
    assert [f.name for f in both.files] == ["a.xlsx", "b.xlsx"]
    twice = fake({"a.xlsx": "2025", "b.xlsx": "2025"})
    with pytest.raises(EtlError, match="two files claim one release: a.xlsx, b.xlsx; keep one"):
        side_by_side(paths, tmp_path, twice, "p", "release")
    with pytest.raises(EtlError, match="no file matching"):
        side_by_side([], tmp_path, twice, ("nato/*.xlsx",), "edition")
