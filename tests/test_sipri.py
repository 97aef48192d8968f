"""SIPRI Military Expenditure Database: workbooks built with the real file's quirks, then the real.

The fixture copies the real layout: title and legend rows above a header row starting 'Country'
(then 'Currency' / '' / 'Notes' / 'Reporting year' as each sheet has them), a blank row under
the header (not in 'Per capita'), region and subregion heading rows (Middle East has no
subregion), footnote marks, '...' and 'xxx', shares as fractions, local currency in units, per
capita and government share starting later than the rest, figures in blue and red font and a
blue '...'. Beyond the real file: a number stored as text and a blank value cell. Every figure
is distinct, so one read from the wrong cell shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from openpyxl.styles import Font

from core.errors import EtlError
from etl import sipri
from etl.countries import is_known_code
from etl.rawfiles import Parsed
from etl.warehouse import create_schema, insert
from tests.fixturebooks import stamp_modified

NAME = "SIPRI-Milex-data-1990-1993_2.xlsx"
FILE = f"sipri/{NAME}"
YEARS = [1990, 1991, 1992, 1993]
LATE = [1991, 1992, 1993]  # 'Per capita' and 'Share of Govt. spending' start later (1988 for real)
LEGEND = "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."
# sheet -> (header cells before the years, years); the order is the real workbook's.
LAYOUT = {
    "Local currency calendar years": (["Country", "Currency", "Notes"], YEARS),
    "Constant (2023) US$": (["Country", "", "Notes"], YEARS),
    "Current US$": (["Country", "Notes"], YEARS),
    "Share of GDP": (["Country", "Notes"], YEARS),
    "Per capita": (["Country", "Notes"], LATE),
    "Share of Govt. spending": (["Country", "Notes", "Reporting year"], LATE),
}
MEASURES, _ = sipri.measures(list(LAYOUT), "fixture")
SHARES = {"Share of GDP", "Share of Govt. spending"}
# Each sheet's title and subtitle as SIPRI prints them: they state the unit the parser checks.
TITLES = {
    "Local currency calendar years": (
        "Military expenditure by country, in local currency, 1990-1993      © SIPRI 2024",
        "Figures are in local currency at current prices and are for calendar years.",
    ),
    "Constant (2023) US$": (
        "Military expenditure by country, in constant (2023) US$ m., 1990-1993      © SIPRI 2024",
        "Figures are in US $m., at constant 2023 prices and exchange rates",
    ),
    "Current US$": (
        "Military expenditure by country, in millions of US$ at current prices and exchange "
        "rates, 1990-1993      © SIPRI 2024",
        "Figures are in US $m., in current prices, converted at the exchange rate for the year.",
    ),
    "Share of GDP": (
        "Military expenditure by country as percentage of gross domestic product, 1990-1993",
        "Countries are grouped by region and subregion.",
    ),
    "Per capita": (
        "Military expenditure per capita  by country, 1990-1993     © SIPRI 2024",
        "Figures are in current US$",
    ),
    "Share of Govt. spending": (
        "Military expenditure by country as percentage of government spending, 1990-1993",
        "Countries are grouped by region and subregion.",
    ),
}
# Printed rows: headings (notes None) and countries with their footnote marks.
ROWS = [
    ("Africa", None),
    ("North Africa", None),
    ("Algeria", "§4"),
    ("Europe", None),
    ("Western Europe", None),
    ("United Kingdom", "91"),
    ("European Union", "†¶103"),
    ("Eastern Europe", None),
    ("Russia", "83"),
    ("USSR", ""),
    ("Middle East", None),
    ("Kuwait", "95"),
]
COUNTRIES = [name for name, notes in ROWS if notes is not None]
# (sheet, country, year) -> what the cell holds instead of its figure.
SPECIAL: dict[tuple[str, str, int], object] = {
    **{(s, "Algeria", 1990): "..." for s in LAYOUT},
    **{(s, "Russia", y): "xxx" for s in LAYOUT for y in (1990, 1991)},
    **{(s, "USSR", y): "xxx" for s in LAYOUT for y in (1992, 1993)},
    ("Share of GDP", "Kuwait", 1991): 1.171875,  # the real file's outlier: more than 100 %
    ("Constant (2023) US$", "United Kingdom", 1992): "2012.5",  # a number stored as text
    ("Per capita", "Kuwait", 1993): None,  # blank
}
BLUE, RED, GREEN = (Font(color=c) for c in ("FF0000FF", "FFFF0000", "FF00A000"))
FONTS = {
    ("Constant (2023) US$", "United Kingdom", 1993): BLUE,
    ("Share of Govt. spending", "Algeria", 1992): RED,
    ("Current US$", "Algeria", 1990): BLUE,  # on '...': flags nothing
}


def figure(sheet: str, country: str, year: int) -> float:
    """Distinct per cell: figure('Current US$', 'Kuwait', 1993) = 3053.5."""
    return (
        list(LAYOUT).index(sheet) * 1000 + 1000 + COUNTRIES.index(country) * 10 + year - 1990 + 0.5
    )


def printed(sheet: str, country: str, year: int) -> object:
    """What the fixture writes: shares as fractions, local currency in units, not millions."""
    if (sheet, country, year) in SPECIAL:
        return SPECIAL[(sheet, country, year)]
    value = figure(sheet, country, year)
    if sheet in SHARES:
        return value / 65536  # a dyadic fraction, so x 100 is exact
    return value * 1_000_000 if sheet == "Local currency calendar years" else value


def position(ws, country: str, year: int) -> tuple[int, int]:
    """(Excel row, column) of a country's figure for a year."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Country")
    row = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value == country)
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(header, c).value == year)
    return row, col


# 'Regional totals' as SIPRI prints it: notes, a 'Region' header with the years at constant
# prices and one last year at current prices, then World, regions and subregions.
REGIONAL = [
    ("World", [1000.5, "...", 1002.5, 1003.5], 1100.5, ""),
    ("Africa", [20.5, 21.5, 22.5, 23.5], 25.5, "Djibouti, Eritrea"),
    ("North Africa", [3.5, 3.75, 4.5, 4.75], 5.5, ""),
    ("Europe", [600.5, 601.5, 602.5, 603.5], 650.5, None),
]


def _regional(ws, years: list[int]) -> None:
    ws.append(["Military expenditure by region in constant US dollars     © SIPRI 2024"])
    ws.append(["Figures are in US$ b., at constant 2023 prices and exchange rates, except ..."])
    ws.append([])
    ws.append(
        ["Region", *map(str, years), f"{years[-1]} (current prices)", "", "Omitted countries"]
    )
    for name, values, current, omitted in REGIONAL:
        ws.append([name, *values, current, None, omitted])
    ws.append([])
    ws.append(["Note: a row after the table is not a region"])


def write_workbook(
    raw_dir: Path,
    edit: Callable[[openpyxl.Workbook], None] | None = None,
    file_name: str = NAME,
    published: date = date(1994, 4, 25),
) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Front page"
    _regional(wb.create_sheet("Regional totals"), YEARS)
    for sheet, (labels, years) in LAYOUT.items():
        ws = wb.create_sheet(sheet)
        for line in (
            *TITLES[sheet],
            LEGEND,
            '". ." = data unavailable. "xxx" = country did not exist or was not independent.',
            "",
        ):
            ws.append([line])
        ws.append([*labels, *years])
        if sheet != "Per capita":
            ws.append([])
        notes_col = labels.index("Notes")
        for name, notes in ROWS:
            if notes is None:
                ws.append([name])
                continue
            row = [name, *[None] * (len(labels) - 1)]
            row[notes_col] = notes
            ws.append(row + [None] * len(years))
            for j, year in enumerate(years):
                cell = ws.cell(ws.max_row, len(labels) + 1 + j, printed(sheet, name, year))
                if font := FONTS.get((sheet, name, year)):
                    cell.font = font
    wb.create_sheet("Footnotes")
    if edit:
        edit(wb)
    path = raw_dir / "sipri" / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return stamp_modified(path, published)  # not a known file: its docProps date is its edition


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    raw_dir = tmp_path_factory.mktemp("raw")
    write_workbook(raw_dir)
    return sipri.parse(raw_dir)


def test_tables_load_into_the_warehouse_schema(parsed):
    con = duckdb.connect()
    create_schema(con)
    for table, frame in parsed.tables.items():
        insert(con, table, frame)  # exact columns; the primary keys reject duplicates
    assert con.execute("select count(*) from sipri_milex").fetchone()[0] == 5 * 4


def test_dtypes(parsed):
    milex = parsed.tables["sipri_milex"]
    assert milex.schema["year"] == pl.Int32
    assert milex.schema["share_gdp_pct"] == pl.Float64
    assert milex.schema["is_estimate"] == pl.Boolean
    assert parsed.tables["sipri_missing"].schema["year"] == pl.Int32


def test_values(parsed):
    rows = {(r["iso3"], r["year"]): r for r in parsed.tables["sipri_milex"].iter_rows(named=True)}
    assert rows[("GBR", 1993)] == {
        "iso3": "GBR",
        "year": 1993,
        "edition": date(1994, 4, 25),
        "price_base_year": 2023,  # from the sheet name 'Constant (2023) US$'
        "constant_usd_m": 2013.5,
        "current_usd_m": 3013.5,
        "share_gdp_pct": 4013.5 / 65536 * 100,  # 6.1241149... %, stored as a fraction
        "per_capita_current_usd": 5013.5,
        "share_govt_pct": 6013.5 / 65536 * 100,
        "local_currency_m": 1013.5,  # 1013500000 in the file
        "is_estimate": True,  # blue in 'Constant (2023) US$' only
        "is_uncertain": False,
    }
    assert rows[("GBR", 1992)]["constant_usd_m"] == 2012.5  # stored as text
    assert rows[("KWT", 1991)]["share_gdp_pct"] == 117.1875
    assert rows[("SUN", 1991)]["current_usd_m"] == 3041.5
    assert rows[("SUN", 1992)]["current_usd_m"] is None
    assert rows[("DZA", 1990)]["constant_usd_m"] is None
    assert rows[("DZA", 1990)]["per_capita_current_usd"] is None  # no cell: the sheet starts 1991
    # Every other figure came from its own cell, scaled to the published unit.
    for sheet, (_, years) in LAYOUT.items():
        m = MEASURES[sheet]
        column, multiplier, divisor = m.column, m.multiplier, m.divisor
        for country, iso3 in zip(COUNTRIES, ["DZA", "GBR", None, "RUS", "SUN", "KWT"], strict=True):
            for year in years:
                value = printed(sheet, country, year)
                if iso3 and isinstance(value, float):
                    assert rows[(iso3, year)][column] == value * multiplier / divisor


def test_european_union_is_left_out(parsed):
    states = {"DZA", "GBR", "RUS", "SUN", "KWT"}
    assert set(parsed.tables["sipri_milex"].get_column("iso3")) == states
    assert set(parsed.tables["sipri_country_note"].get_column("iso3")) == states
    assert set(parsed.tables["sipri_missing"].get_column("iso3")) <= states


def test_estimate_and_uncertain_flags(parsed):
    milex = parsed.tables["sipri_milex"]
    flagged = milex.filter(pl.col("is_estimate") | pl.col("is_uncertain"))
    assert flagged.select("iso3", "year", "is_estimate", "is_uncertain").rows() == [
        ("DZA", 1992, False, True),  # red in 'Share of Govt. spending'
        ("GBR", 1993, True, False),  # blue in 'Constant (2023) US$'
    ]  # not DZA 1990, whose blue cell holds '...'


def test_missing_reasons(parsed):
    measure = {sheet: m.column for sheet, m in MEASURES.items()}
    full = [measure[s] for s, (_, years) in LAYOUT.items() if 1990 in years]
    every = list(measure.values())
    expected = (
        {("DZA", 1990, m, "no data") for m in full}
        | {("RUS", 1990, m, "state did not exist") for m in full}
        | {("RUS", 1991, m, "state did not exist") for m in every}
        | {("SUN", y, m, "state did not exist") for y in (1992, 1993) for m in every}
        | {("KWT", 1993, "per_capita_current_usd", "blank")}
    )
    missing = parsed.tables["sipri_missing"].drop("edition")
    assert set(missing.rows()) == expected
    assert parsed.tables["sipri_missing"].height == len(expected)


def test_country_notes(parsed):
    notes = parsed.tables["sipri_country_note"]
    assert notes.select("iso3", "sipri_name", "region", "subregion", "footnote_marks").rows() == [
        ("DZA", "Algeria", "Africa", "North Africa", "§4"),
        ("GBR", "United Kingdom", "Europe", "Western Europe", "91"),
        ("KWT", "Kuwait", "Middle East", None, "95"),  # a region without subregions
        ("RUS", "Russia", "Europe", "Eastern Europe", "83"),
        ("SUN", "USSR", "Europe", "Eastern Europe", None),
    ]
    # The markers as flags: Algeria's '§4' is an adopted budget with footnote 4.
    algeria = notes.row(0, named=True)
    assert algeria["budget_not_actual"] and algeria["footnotes"] == "4"
    assert not (algeria["excludes_pensions"] or algeria["excludes_paramilitary"])
    assert notes["footnotes"].to_list() == ["4", "91", "95", "83", None]


def test_mark_flags():
    assert sipri._mark_flags("‡§¶16") == {
        "budget_not_actual": True,
        "excludes_pensions": False,
        "current_spending_only": True,
        "excludes_paramilitary": True,
        "currency_redenominated": False,
        "footnotes": "16",
    }
    assert sipri._mark_flags("§‖1, 3")["currency_redenominated"]
    assert sipri._mark_flags("§‖1, 3")["footnotes"] == "1,3"


def test_regional_totals(parsed):
    totals = parsed.tables["sipri_region_total"]
    rows = {(r["region"], r["year"]): r for r in totals.iter_rows(named=True)}
    assert rows[("World", 1990)]["constant_usd_bn"] == 1000.5
    assert rows[("World", 1991)]["constant_usd_bn"] is None  # '...'
    assert rows[("World", 1993)]["current_usd_bn"] == 1100.5
    assert rows[("World", 1992)]["current_usd_bn"] is None
    assert rows[("North Africa", 1993)]["parent"] == "Africa"
    assert rows[("Africa", 1993)]["parent"] == "World" and rows[("World", 1993)]["parent"] is None
    assert rows[("Africa", 1990)]["omitted_countries"] == "Djibouti, Eritrea"
    assert set(totals["price_base_year"]) == {2023}
    assert totals.height == 4 * 4


def test_source_file(parsed):
    [source] = parsed.files
    assert source.name == FILE
    assert source.publisher == "Stockholm International Peace Research Institute (SIPRI)"
    assert source.edition == "1994 release (data 1990-1993)"  # from the year headers
    assert source.url == "https://www.sipri.org/databases/milex"
    assert "SIPRI Military Expenditure Database, 1994" in source.licence
    assert source.rows == sum(frame.height for frame in parsed.tables.values())
    assert len(source.sha256) == 64


def _set(sheet: str, country: str, year: int, value: object, font: Font | None = None):
    def edit(wb: openpyxl.Workbook) -> None:
        cell = wb[sheet].cell(*position(wb[sheet], country, year))
        cell.value = value
        if font:
            cell.font = font

    return edit


def _rename(sheet: str, old: str, new: str):
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == old)
        ws.cell(row, 1).value = new

    return edit


def _retitle(sheet: str, new: str):
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].title = new

    return edit


def excel_row(label: str) -> int:
    """In 'Constant (2023) US$' and 'Current US$': header on row 6, a blank row, then ROWS."""
    return 8 + [name for name, _ in ROWS].index(label)


UK_ROW, USSR_ROW, KUWAIT_ROW = (excel_row(c) for c in ("United Kingdom", "USSR", "Kuwait"))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _retitle("Share of GDP", "Share of GDP (%)"),
            f"file {FILE}, sheet Share of GDP: expected one sheet named like 'share of gdp'",
        ),
        (
            _set("Current US$", "United Kingdom", 1991, "n/a"),
            f"file {FILE}, sheet Current US$, row {UK_ROW}, column D (1991): unexpected text 'n/a'",
        ),
        (
            _rename("Constant (2023) US$", "Kuwait", "Kuwayt"),
            f"file {FILE}, sheet Constant (2023) US$, row {KUWAIT_ROW}: unknown country "
            "name(s) 'Kuwayt'",
        ),
        (
            _rename("Constant (2023) US$", "USSR", "Russian Federation"),
            f"row {USSR_ROW}: 'Russia' (row {USSR_ROW - 1}) and 'Russian Federation' "
            f"(row {USSR_ROW}) are both RUS",
        ),
        (
            _rename("Per capita", "Country", "Land"),
            f"file {FILE}, sheet Per capita: no header row with a 'Country' column",
        ),
        (
            _rename("Share of GDP", LEGEND, "Figures in bold are estimates."),
            f"file {FILE}, sheet Share of GDP: colour legend",
        ),
        (
            _set("Current US$", "Kuwait", 1991, 1.5, GREEN),
            f"sheet Current US$, row {KUWAIT_ROW}, column D (1991): figure printed in an "
            "unexpected font colour #00A000",
        ),
        (
            _set("Constant (2023) US$", "United Kingdom", 1993, 2013.5, Font(color="FF000000")),
            f"file {FILE}: no figure is printed blue",
        ),
        (  # openpyxl writes a formula with no stored value, as a re-save that lost them would
            _set("Current US$", "Kuwait", 1991, "=1+1"),
            f"sheet Current US$, row {KUWAIT_ROW}, column D: 1 cell(s) hold a formula without a "
            "stored value",
        ),
        (
            _rename("Current US$", "Europe", "Europa"),
            f"sheet Current US$, row {excel_row('Europe')}: unknown country name(s) 'Europa'",
        ),
    ],
    ids=[
        "renamed sheet",
        "text in a figure cell",
        "unknown country",
        "two names for one state",
        "no header row",
        "legend changed",
        "unexpected colour",
        "no blue at all",
        "formula without a value",
        "unknown region",
    ],
)
def test_bad_input_fails_naming_where(tmp_path, edit, expected):
    write_workbook(tmp_path, edit)
    with pytest.raises(EtlError) as err:
        sipri.parse(tmp_path)
    assert expected in str(err.value)


# --- the real releases ---------------------------------------------------------------------

# Each release's world total for its last year, US$ bn at current prices, as SIPRI published it
# (its fact sheets round to the billion; PROVENANCE.md) and the USA's figure, US$ m current.
# The 2017-2021 releases print a world total excluding and one including Iraq: SIPRI's headline
# is the one including Iraq.
RELEASES = {
    date(2017, 4, 24): (2016, 2015, "including Iraq", 1685.9, 611186.443),
    date(2020, 4, 27): (2019, 2018, "including Iraq", 1917.0, 731751.4),
    date(2021, 4, 26): (2020, 2019, "including Iraq", None, 778232.2),  # no current-price column
    date(2022, 4, 25): (2021, 2020, "as printed", 2113.3, 800672.2),
    date(2023, 4, 24): (2022, 2021, "as printed", 2239.9, 876943.2),
    date(2024, 4, 22): (2023, 2022, "as printed", 2443.4, 916014.7),
    date(2025, 4, 28): (2024, 2023, "as printed", 2718.2, 997309.0),
    date(2026, 4, 27): (2025, 2024, "as printed", 2886.6, 954387.0),
}


@pytest.fixture(scope="module")
def real(raw_dir: Path) -> Parsed:
    return sipri.parse(raw_dir)


def release(real: Parsed, table: str, edition: date) -> pl.DataFrame:
    return real.tables[table].filter(pl.col("edition") == edition)


@pytest.mark.raw
def test_every_release_in_the_raw_dir_is_read(real, raw_dir):
    files = sorted(p.name for p in (raw_dir / "sipri").glob("SIPRI-Milex-data-*.xlsx"))
    assert len(files) >= 8 and len(real.files) == len(files)
    editions = real.tables["edition"].sort("edition")
    assert set(RELEASES) <= set(editions.get_column("edition"))
    for row in editions.filter(pl.col("edition").is_in(list(RELEASES))).iter_rows(named=True):
        last, base, *_ = RELEASES[row["edition"]]
        assert (row["last_year"], row["price_base_year"]) == (last, base), row["file"]
        assert row["published"] >= row["edition"]
    # the copies SIPRI re-saved or regenerated after the release carry that later date
    published = dict(editions.select("edition", "published").iter_rows())
    assert published[date(2017, 4, 24)] == date(2017, 9, 20)
    assert published[date(2022, 4, 25)] == date(2022, 8, 11)
    assert published[date(2026, 4, 27)] == date(2026, 4, 27)


@pytest.mark.raw
@pytest.mark.parametrize("edition", list(RELEASES), ids=str)
def test_real_release_headline_figures(real, edition):
    last, base, coverage, world, usa = RELEASES[edition]
    totals = release(real, "sipri_region_total", edition).filter(
        pl.col("region") == "World", pl.col("year") == last, pl.col("coverage") == coverage
    )
    [current] = totals.get_column("current_usd_bn")
    assert (round(current, 1) if current is not None else None) == world
    milex = release(real, "sipri_milex", edition)
    [us] = milex.filter(pl.col("iso3") == "USA", pl.col("year") == last)["current_usd_m"]
    assert us == pytest.approx(usa, abs=0.05)
    assert set(milex.get_column("price_base_year")) == {base}
    # every state of every release, every year of its header: the full grid, keyed once
    notes = release(real, "sipri_country_note", edition)
    assert notes.height == 173  # 174 rows less the European Union in every release
    assert milex.select("iso3", "year").is_unique().all()
    assert all(is_known_code(code) for code in notes.get_column("iso3"))


@pytest.mark.raw
@pytest.mark.parametrize(
    ("iso3", "april_2025", "april_2026"),
    [
        ("GBR", 2.279, 2.437),
        ("POL", 4.154, None),
        ("USA", 3.419, None),
        ("DEU", 1.892, None),
        ("RUS", 7.052, None),
    ],
)
def test_real_share_of_gdp_2024_and_its_revision(real, iso3, april_2025, april_2026):
    """SIPRI's 2024 shares as first published (April 2025), and the UK's as revised a year on."""
    for edition, pct in ((date(2025, 4, 28), april_2025), (date(2026, 4, 27), april_2026)):
        milex = release(real, "sipri_milex", edition)
        [value] = milex.filter(pl.col("iso3") == iso3, pl.col("year") == 2024)["share_gdp_pct"]
        if pct is not None:
            assert round(value, 3) == pct


@pytest.mark.raw
def test_real_shape_of_the_april_2025_release(real):
    edition = date(2025, 4, 28)
    milex = release(real, "sipri_milex", edition)
    assert milex.height == 173 * (2024 - 1949 + 1)
    assert milex.get_column("iso3").null_count() == 0
    assert "2025 release (data 1949-2024)" in [f.edition for f in real.files]
    assert 20_000 < release(real, "sipri_missing", edition).height < 22_000
    con = duckdb.connect()
    create_schema(con)
    for table, frame in real.tables.items():
        insert(con, table, frame)  # every release side by side: the keys hold


@pytest.mark.raw
def test_real_quirks_of_older_releases(real):
    notes = real.tables["sipri_country_note"]
    # 2017-2021: a base-year note under a blank header beside four states, kept
    old = notes.filter(pl.col("edition") == date(2017, 4, 24), pl.col("iso3") == "SOM")
    assert old["sheet_notes"].item() == "Constant (2015) USD: Base year is 1985"
    # 2026: '...' in the Notes column, a placeholder, not a note
    new = notes.filter(pl.col("edition") == date(2026, 4, 27), pl.col("iso3") == "BRA")
    assert new["notes_placeholder"].item() is True
    # 2017: one 'USSR/Russia' per-capita row, split at 1992
    milex = release(real, "sipri_milex", date(2017, 4, 24))
    per_head = dict(
        milex.filter(pl.col("year").is_in([1990, 2000]), pl.col("iso3").is_in(["SUN", "RUS"]))
        .select(pl.concat_str("iso3", pl.col("year").cast(pl.Utf8)), "per_capita_current_usd")
        .iter_rows()
    )
    assert per_head["SUN1990"] is not None and per_head["RUS2000"] is not None
    assert per_head["SUN2000"] is None and per_head["RUS1990"] is None
    # '. .' (2017-2021) and '…' (2026) are 'no data' as '...' is
    reasons = set(real.tables["sipri_missing"].get_column("reason"))
    assert reasons == {"no data", "state did not exist", "blank", "spreadsheet error"}
    errors = real.tables["sipri_missing"].filter(pl.col("reason") == "spreadsheet error")
    assert errors.select("iso3", "year", "measure").unique().rows() == [
        ("MMR", 1997, "share_govt_pct")  # '#VALUE!' in the 2020 and 2021 releases
    ]


@pytest.mark.raw
def test_real_ussr_and_kuwait(real):
    edition = date(2025, 4, 28)
    milex, missing = (release(real, t, edition) for t in ("sipri_milex", "sipri_missing"))
    ussr = milex.filter(pl.col("iso3") == "SUN", pl.col("current_usd_m").is_not_null())
    assert ussr.get_column("year").to_list() == [1987, 1988, 1989, 1990]  # all SIPRI estimates
    gone = missing.filter(pl.col("iso3") == "SUN", pl.col("reason") == "state did not exist")
    assert gone.get_column("year").min() == 1992
    kuwait = real.tables["sipri_milex"].filter(pl.col("iso3") == "KWT", pl.col("year") == 1991)
    assert (kuwait["share_gdp_pct"] > 100).all()  # a known real outlier (data/allowlist.csv)


@pytest.mark.raw
def test_real_local_currency_is_in_millions(real):
    usa = release(real, "sipri_milex", date(2025, 4, 28)).filter(
        pl.col("iso3") == "USA", pl.col("year") == 2024
    )
    assert usa["local_currency_m"].item() == usa["current_usd_m"].item() == 997309.0


# One release of each colour scheme: RGB fonts (2017), Apache POI's attribute order (2023),
# legacy indexed colours (2025).
COLOUR_FILES = [
    "SIPRI-Milex-data-1949-2016.xlsx",
    "SIPRI-Milex-data-1949-2022.xlsx",
    "SIPRI-Milex-data-1949-2024_2.xlsx",
]
BLUE_FONTS = {("rgb", "FF0000FF"), ("rgb", "FF2738E1"), ("indexed", 12), ("theme", 3)}
RED_FONTS = {("rgb", "FFFF0000"), ("indexed", 10), ("theme", 5)}


@pytest.mark.raw
@pytest.mark.parametrize("name", COLOUR_FILES)
def test_real_flags_match_openpyxl(real, raw_dir, name):
    """The regex over the sheet XML finds exactly the figures openpyxl sees in blue and red."""
    path = raw_dir / "sipri" / name
    edition = next(f for f in real.files if f.name == f"sipri/{name}")
    [day] = real.tables["edition"].filter(pl.col("file") == edition.name)["edition"]
    wb = openpyxl.load_workbook(path, read_only=True)
    notes = release(real, "sipri_country_note", day)
    names = dict(notes.select("sipri_name", "iso3").iter_rows())
    seen: dict[str, set] = {"blue": set(), "red": set()}
    for sheet in sipri.measures(wb.sheetnames, path.name)[0]:
        rows = wb[sheet].iter_rows()
        header = next(r for r in rows if any(str(c.value).strip() == "Country" for c in r))
        year = {c.column: c.value for c in header if isinstance(c.value, int | float)}
        year |= {c.column: int(c.value) for c in header if str(c.value).isdigit()}
        for row in rows:
            for c in row:
                colour = c.font.color if isinstance(c.value, int | float) else None
                label = str(row[0].value).strip()
                if colour is None or label not in names or c.column not in year:
                    continue
                key = {(colour.type, getattr(colour, colour.type, None))}
                for kind, fonts in (("blue", BLUE_FONTS), ("red", RED_FONTS)):
                    if key & fonts:
                        seen[kind].add((names[label], int(year[c.column])))
    milex = release(real, "sipri_milex", day)
    estimate = set(milex.filter("is_estimate").select("iso3", "year").iter_rows())
    uncertain = set(milex.filter("is_uncertain").select("iso3", "year").iter_rows())
    assert estimate == seen["blue"]
    assert uncertain == seen["red"]
    assert len(estimate) > 1000 and len(uncertain) > 100
