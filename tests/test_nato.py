"""NATO defence-expenditure tables: workbooks built with the real file's quirks, then the real one.

The fixture copies the real layout: title and unit rows above one year-header row (floats, a
string '2019', estimates '2023e'/'2024e'), two labelled blocks per sheet, allies with '*'
footnotes and TABLE1's '(Currency)' suffix, aggregates and labels one column left, notes, page
numbers ('-7-'), blank rows above the table (TABLE4, TABLE7 start at row 16; TABLE7 sits one
column right), the hidden row of zeros in TABLE8b and TABLE4's own header. Beyond the real file:
figures stored as (padded) text and a block with its own year-header row (TABLE6). Every figure
is distinct, so one read from the wrong cell shows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from core.errors import EtlError
from etl import nato

ROOT = Path(__file__).resolve().parent.parent
# Not the genuine file's name: a file of that name must carry its bytes (etl/sources/nato.py).
NAME = "240617-def-exp-2024-TABLES-fixture-en.xlsx"
EDITION = date(2024, 6, 17)

YEARS = [2014.0, 2015.0, "2019", "2023e", "2024e"]  # as NATO types them
# Figures written as text here. NATO's cells are numbers, but a guessed-type read shows these
# columns as text (their header is), and a number stored as text must parse too.
TEXT_YEARS = {"2019", "2023e", "2024e"}
ALLIES = ["Albania", "Iceland", "Poland*", "United States", "NATO Europe and Canada", "NATO Total"]
ISO3 = ["ALB", "ISL", "POL", "USA"]
CURRENCY = {"Albania": "Leks", "Poland*": "Zlotys", "United States": "US dollars"}
SHEETS = [*[f"TABLE{n}" for n in range(1, 8)], "TABLE8a", "TABLE8b"]
# sheet -> (title, unit, block labels, prints the aggregates); TABLE7 has one unlabelled block.
LAYOUT = {
    "TABLE1": ("Table 1 : Defence expenditure", "Million national currency units",
               ["Current prices", "Constant 2015 prices "], False),
    "TABLE2": ("Table 2 : Defence expenditure", "Million US dollars",
               ["Current prices and exchange rates", "Constant 2015 prices and exchange rates"],
               True),
    "TABLE3": ("Table 3 : Defence expenditure as a share of GDP and annual real change",
               "Based on 2015 prices", ["Share of real GDP (%)", "Annual real change (%)"], True),
    "TABLE5": ("Table 5 : GDP", "Million US dollars",
               ["Current prices and exchange rates", "Constant 2015 prices and exchange rates"],
               True),
    "TABLE6": ("Table 6 : GDP per capita and defence expenditure per capita",
               "2015 prices and exchange rates",
               ["GDP per capita (thousand US dollars)",
                "Defence expenditure per capita (US dollars)"], True),
    "TABLE7": ("Table 7 : Military personnel", "Thousands", [None], True),
    "TABLE8a": ("Table 8a : Distribution of defence expenditure by main category",
                "Percentage of total defence expenditure", ["Equipment (a)", "Personnel (b)"],
                False),
    "TABLE8b": ("Table 8b : Distribution of defence expenditure by main category",
                "Percentage of total defence expenditure", ["Infrastructure (c)", "Other (d)"],
                False),
}  # fmt: skip


def figure(sheet: str, block: int, ally: int, year: int) -> float:
    """The fixture's figure for a cell: figure('TABLE2', 1, 2, 4) = 2124.5 (Poland, 2024e)."""
    return SHEETS.index(sheet) * 1000 + 1000 + block * 100 + ally * 10 + year + 0.5


def _yearly(ws, sheet: str) -> None:
    title, unit, labels, totals = LAYOUT[sheet]
    col, r = (2, 16) if sheet == "TABLE7" else (1, 4)  # calamine trims what lies above/left
    ws.cell(r, col, title)
    ws.cell(r + 2, col, unit)
    header = r + 4
    for j, year in enumerate(YEARS):
        ws.cell(header, col + 2 + j, year)
    r += 6
    for b, label in enumerate(labels):
        ws.cell(r, col, label)
        r += 1
        if sheet == "TABLE6" and b == 1:  # a block with its own year-header row parses too
            for j, year in enumerate(YEARS):
                ws.cell(r, col + 2 + j, year)
            r += 1
        for i, ally in enumerate(ALLIES):
            # Iceland has no armed forces: NATO prints only its GDP (TABLE5, first block of 6).
            if ally == "Iceland" and not (sheet == "TABLE5" or (sheet, b) == ("TABLE6", 0)):
                continue
            if ally.startswith("NATO") and not totals:
                continue
            name = f"{ally}   ({CURRENCY[ally]})" if sheet == "TABLE1" else ally
            ws.cell(r, col if ally.startswith("NATO") else col + 1, name)
            for j, year in enumerate(YEARS):
                value = figure(sheet, b, i, j)
                text = f" {value} " if sheet == "TABLE6" else str(value)  # padded: not a float
                ws.cell(r, col + 2 + j, text if year in TEXT_YEARS else value)
            r += 1
        if sheet == "TABLE8b" and b == 0:  # NATO's hidden, unlabelled row of zeros
            for j in range(len(YEARS)):
                ws.cell(r, col + 2 + j, 0.0)
            ws.row_dimensions[r].hidden = True
            r += 1
        r += 1
    ws.cell(r + 2, col + 1, "Notes: Figures for 2023 and 2024 are estimates. ")
    ws.cell(r + 3, col + 1, "*  These Allies have national laws which call for 2% of GDP ...")
    ws.cell(r + 5, col, f"-{SHEETS.index(sheet) + 7}-")


def _table4(ws) -> None:
    """Shifted layout: change 2014 -> 2024e in 2015 US$, from TABLE2's constant block."""
    ws.cell(16, 2, "Table 4 : Defence expenditure real change 2014-2024e")
    ws.cell(18, 2, "Million US dollars (2015 prices and exchange rates)")
    header = [2014.0, "2024e", "Real change 2014-2024e (%)", "Share of real GDP 2014 (%)",
              "Share of real GDP 2024e (%)"]  # fmt: skip
    for j, text in enumerate(header):
        ws.cell(20, 4 + j, text)
    for r, (name, i) in enumerate([("Albania", 0), ("Poland", 2), ("United States", 3)], 23):
        ws.cell(r, 3, name)  # TABLE4 prints no '*'
        ws.cell(r, 4, figure("TABLE2", 1, i, 0))
        ws.cell(r, 5, str(figure("TABLE2", 1, i, 4)))
        ws.cell(r, 6, str(10.25 + i))
        ws.cell(r, 7, str(figure("TABLE3", 0, i, 0)))
        ws.cell(r, 8, str(figure("TABLE3", 0, i, 4)))
    ws.cell(26, 2, "NATO Total")
    for j, value in enumerate([900.5, 1100.5, "22.2", "2.5", "2.7"]):
        ws.cell(26, 4 + j, value)
    ws.cell(29, 3, "Note: Figures for 2024 are estimates.")
    ws.cell(32, 2, "-10-")


def workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        _table4(ws) if sheet == "TABLE4" else _yearly(ws, sheet)
    return wb


def save(wb: openpyxl.Workbook, raw_dir: Path, name: str = NAME) -> Path:
    (raw_dir / "nato").mkdir(parents=True, exist_ok=True)
    wb.save(raw_dir / "nato" / name)
    return raw_dir


def cell_of(ws, text: str, nth: int = 0):
    """The nth cell holding exactly this text: tests find rows the way the parser must not."""
    return [c for row in ws.iter_rows() for c in row if c.value == text][nth]


def schema(table: str) -> dict[str, pl.DataType]:
    """Column -> polars type, read from the warehouse contract (core/schema.sql)."""
    sql = (ROOT / "core" / "schema.sql").read_text()
    body = re.search(rf"create table {table} \((.*?)\n\);", sql, re.S)[1]
    types = {"varchar": pl.String, "integer": pl.Int32, "double": pl.Float64,
             "date": pl.Date, "boolean": pl.Boolean}  # fmt: skip
    lines = [ln.split() for ln in body.splitlines() if ln.strip()]
    return {ln[0]: types[ln[1].rstrip(",")] for ln in lines if ln[0] not in ("--", "primary")}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory) -> nato.Parsed:
    return nato.parse(save(workbook(), tmp_path_factory.mktemp("raw")))


def row(df: pl.DataFrame, **key) -> dict:
    (hit,) = df.filter(**key).to_dicts()
    return hit


# --- the fixture workbook -------------------------------------------------------------------


def test_tables_match_the_warehouse_contract(fixture):
    for table, df in fixture.tables.items():
        assert list(df.schema.items()) == list(schema(table).items()), table
    assert fixture.tables["nato_defence"].height == 4 * 5
    assert fixture.tables["nato_aggregate"].height == 2 * 5
    assert fixture.tables["nato_real_change"].height == 4


def test_each_figure_lands_in_its_column(fixture):
    defence = fixture.tables["nato_defence"]
    assert row(defence, iso3="ALB", year=2014)["current_ncu_m"] == 1000.5
    assert row(defence, iso3="POL", year=2024)["constant_usd_m"] == 2124.5  # text, 2024e
    assert row(defence, iso3="USA", year=2019)["personnel_k"] == 7032.5  # TABLE7, shifted
    for table, blocks in nato.SHEETS.items():
        sheet = f"TABLE{table}"
        for b, column in enumerate(blocks.values()):
            for i, iso3 in enumerate(ISO3):  # ISO3[i] is ALLIES[i]
                got = defence.filter(iso3=iso3).sort("year")[column].to_list()
                want = [figure(sheet, b, i, j) for j in range(len(YEARS))]
                if iso3 == "ISL" and not (sheet == "TABLE5" or (sheet, b) == ("TABLE6", 0)):
                    want = [None] * len(YEARS)  # no armed forces: only GDP figures
                assert got == want, (sheet, column, iso3)


def test_years_estimates_currency_and_edition(fixture):
    defence = fixture.tables["nato_defence"]
    assert sorted(set(defence["year"])) == [2014, 2015, 2019, 2023, 2024]
    estimates = defence.group_by("year").agg(pl.col("is_estimate").all()).sort("year")
    assert estimates["is_estimate"].to_list() == [False, False, False, True, True]
    currency = dict(defence.select("iso3", "currency").unique().iter_rows())
    assert currency == {"ALB": "Leks", "ISL": None, "POL": "Zlotys", "USA": "US dollars"}
    for df in fixture.tables.values():
        assert df["edition"].unique().to_list() == [EDITION]


def test_aggregates_go_to_their_own_table(fixture):
    totals = fixture.tables["nato_aggregate"]
    assert sorted(set(totals["aggregate"])) == ["NATO Europe and Canada", "NATO Total"]
    nato_total = row(totals, aggregate="NATO Total", year=2024)
    assert nato_total["current_usd_m"] == figure("TABLE2", 0, 5, 4) == 2054.5
    assert nato_total["personnel_k"] == figure("TABLE7", 0, 5, 4)
    assert nato_total["is_estimate"] and nato_total["equipment_share_pct"] is None


def test_table4_shifted_layout(fixture):
    change = fixture.tables["nato_real_change"]
    poland = row(change, entity="Poland")
    assert poland == {
        "iso3": "POL",
        "entity": "Poland",
        "edition": EDITION,
        "from_year": 2014,
        "to_year": 2024,
        "to_is_estimate": True,
        "price_base_year": 2015,
        "from_constant_usd_m": 2120.5,
        "to_constant_usd_m": 2124.5,
        "real_change_pct": 12.25,
        "from_share_gdp_pct": 3020.5,
        "to_share_gdp_pct": 3024.5,
    }
    assert row(change, entity="NATO Total")["iso3"] is None
    # The same 2024e figure as TABLE2's constant-price block.
    tables2 = row(fixture.tables["nato_defence"], iso3="POL", year=2024)["constant_usd_m"]
    assert poland["to_constant_usd_m"] == tables2


def test_source_file(fixture):
    (source,) = fixture.files
    assert source.name == f"nato/{NAME}"
    assert (source.publisher, source.edition) == ("NATO Public Diplomacy Division", "2024-06-17")
    assert source.url == nato.source.page
    assert source.licence == "NATO public release; attribution to NATO required"
    assert source.rows == sum(df.height for df in fixture.tables.values())
    (edition,) = fixture.tables["edition"].to_dicts()
    assert edition == {
        "source": "nato",
        "edition": EDITION,
        "published": EDITION,  # NATO's files carry their own date: the edition's
        "definition": "defence expenditure",
        "price_base_year": 2015,  # read from 'Constant 2015 prices'
        "file": f"nato/{NAME}",
        "first_year": 2014,
        "last_year": 2024,
    }
    assert len(source.sha256) == 64 and source.bytes > 0


def test_moved_rows_and_columns_still_parse(tmp_path, fixture):
    """Headers and blocks are found by their text: shift a sheet down and right, same result."""
    wb = workbook()
    wb["TABLE2"].insert_rows(1, 5)
    wb["TABLE2"].insert_cols(1, 2)
    wb["TABLE4"].delete_rows(1, 10)
    moved = nato.parse(save(wb, tmp_path))
    for table, df in fixture.tables.items():
        assert moved.tables[table].equals(df), table


def test_edition_falls_back_to_docprops(tmp_path):
    """Without the '240617-' prefix the workbook's own modified date names the edition."""
    name = "def-exp-2024-TABLES-en.xlsx"
    path = save(workbook(), tmp_path, name) / "nato" / name
    with zipfile.ZipFile(path) as z:  # openpyxl stamps 'now' on save: put NATO's date back
        parts = {n: z.read(n) for n in z.namelist()}
    core = parts["docProps/core.xml"].decode()
    stamp = r"\g<1>2024-06-17T10:26:31Z"
    parts["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", stamp, core).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert nato.parse(tmp_path).files[0].edition == "2024-06-17"


# --- bad input: one EtlError naming where ---------------------------------------------------


def broken(tmp_path: Path, edit: Callable[[openpyxl.Workbook], object]) -> EtlError:
    wb = workbook()
    edit(wb)
    with pytest.raises(EtlError) as caught:
        nato.parse(save(wb, tmp_path))
    assert caught.value.file == f"nato/{NAME}"
    return caught.value


def test_renamed_sheet(tmp_path):
    def rename(wb):
        wb["TABLE5"].title = "Table 5"

    err = broken(tmp_path, rename)
    assert err.sheet == "TABLE5" and "missing" in err.problem and "Table 5" in err.problem


def test_text_in_a_value_cell(tmp_path):
    where = {}

    def scribble(wb):
        ws = wb["TABLE3"]
        poland = cell_of(ws, "Poland*", 1)  # second block: annual real change
        ws.cell(poland.row, poland.column + 2, "n/a")  # the name, then 2014, then 2015
        where["row"] = poland.row

    err = broken(tmp_path, scribble)
    assert (err.sheet, err.row, err.column) == ("TABLE3", where["row"], "D (2015)")
    assert "'n/a'" in err.problem


def test_unknown_country(tmp_path):
    where = {}

    def invent(wb):
        cell = cell_of(wb["TABLE2"], "Albania", 1)
        cell.value = "Atlantis"
        where["row"] = cell.row

    err = broken(tmp_path, invent)
    assert (err.sheet, err.row) == ("TABLE2", where["row"]) and "'Atlantis'" in err.problem


def test_duplicate_ally_in_a_block(tmp_path):
    def twice(wb):
        cell_of(wb["TABLE7"], "United States").value = "Poland"  # 'Poland*' is there already

    err = broken(tmp_path, twice)
    assert err.sheet == "TABLE7" and "POL 2014 appears twice" in err.problem


def test_renamed_block_label(tmp_path):
    def relabel(wb):
        cell_of(wb["TABLE8a"], "Personnel (b)").value = "Staff costs"

    err = broken(tmp_path, relabel)  # its rows would otherwise join the equipment block
    assert err.sheet == "TABLE8a" and "personnel_share_pct" in err.problem


def test_figures_without_a_name(tmp_path):
    where = {}

    def unname(wb):
        cell = cell_of(wb["TABLE1"], "Albania   (Leks)")
        cell.value = None
        where["row"] = cell.row

    err = broken(tmp_path, unname)
    assert (err.sheet, err.row) == ("TABLE1", where["row"]) and "name" in err.problem


# --- the real file (../shared/data/raw) -------------------------------------------------------


@pytest.fixture(scope="module")
def real(raw_dir) -> nato.Parsed:
    return nato.parse(raw_dir)


@pytest.mark.raw
@pytest.mark.parametrize(
    ("iso3", "year", "pct"),
    [
        ("USA", 2014, 3.71),
        ("POL", 2024, 4.12),
        ("GBR", 2024, 2.33),
        ("DEU", 2024, 2.12),
    ],  # fmt: skip
)
def test_real_share_of_gdp(real, iso3, year, pct):
    assert round(row(real.tables["nato_defence"], iso3=iso3, year=year)["share_gdp_pct"], 2) == pct


@pytest.mark.raw
def test_real_coverage(real):
    defence = real.tables["nato_defence"]
    assert list(defence.schema.items()) == list(schema("nato_defence").items())
    in_2024 = defence.filter(year=2024)
    assert in_2024.height == 32  # with Iceland
    assert in_2024.filter(pl.col("current_usd_m").is_not_null()).height == 31
    iceland = row(in_2024, iso3="ISL")
    assert iceland["gdp_current_usd_m"] > 0 and iceland["current_usd_m"] is None
    assert defence.height == 32 * 11 and real.tables["nato_aggregate"].height == 2 * 11
    assert real.tables["nato_real_change"].height == 31


@pytest.mark.raw
def test_real_three_allies_at_two_percent_in_2014(real):
    at_two = real.tables["nato_defence"].filter(year=2014).filter(pl.col("share_gdp_pct") >= 2)
    assert sorted(at_two["iso3"]) == ["GBR", "GRC", "USA"]


@pytest.mark.raw
def test_real_edition_and_estimates(real):
    for df in real.tables.values():
        assert df["edition"].unique().to_list() == [EDITION]
    assert real.files[0].edition == "2024-06-17"
    assert real.files[0].sha256.startswith("1897e2ead4be252c")  # PROVENANCE.md
    for table in ("nato_defence", "nato_aggregate"):
        flags = real.tables[table].group_by("year").agg(pl.col("is_estimate").unique())
        flags = dict(flags.iter_rows())
        assert flags[2022] == [False] and flags[2023] == [True] and flags[2024] == [True]


@pytest.mark.raw
def test_real_table4_agrees_with_tables_2_and_3(real):
    defence = real.tables["nato_defence"]
    for iso3 in ("ALB", "DEU", "POL", "USA"):
        change = row(real.tables["nato_real_change"], iso3=iso3)
        then, now = row(defence, iso3=iso3, year=2014), row(defence, iso3=iso3, year=2024)
        assert change["from_constant_usd_m"] == pytest.approx(then["constant_usd_m"])
        assert change["to_constant_usd_m"] == pytest.approx(now["constant_usd_m"])
        assert change["to_share_gdp_pct"] == pytest.approx(now["share_gdp_pct"])
        growth = 100 * (now["constant_usd_m"] / then["constant_usd_m"] - 1)
        assert change["real_change_pct"] == pytest.approx(growth)


@pytest.mark.raw
def test_real_spending_categories_add_to_100(real):
    shares = ["equipment_share_pct", "personnel_share_pct", "infrastructure_share_pct",
              "other_share_pct"]  # fmt: skip
    allies = real.tables["nato_defence"].filter(pl.col("iso3") != "ISL")
    assert allies.select(pl.col(shares).null_count()).sum_horizontal().item() == 0
    total = allies.select(pl.sum_horizontal(shares) - 100)
    assert total.to_series().abs().max() < 0.01
