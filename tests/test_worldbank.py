"""World Bank parser: fixtures built here reproduce the real files' quirks, then the real files."""

from __future__ import annotations

import tempfile
from datetime import date
from functools import partial
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import worldbank
from tests.helpers import refused

YEARS = range(1960, 2026)
NAMES = {
    "NY.GDP.MKTP.CD": "GDP (current US$)",
    "SP.POP.TOTL": "Population, total",
    "MS.MIL.XPND.GD.ZS": "Military expenditure (% of GDP)",
}
SUFFIX = {"NY.GDP.MKTP.CD": "273193", "SP.POP.TOTL": "246068", "MS.MIL.XPND.GD.ZS": "211"}
UPDATED = {
    "NY.GDP.MKTP.CD": "2025-10-07",
    "SP.POP.TOTL": "2025-10-07",
    "MS.MIL.XPND.GD.ZS": "2026-02-24",
}
# country name, code, {year: cell as printed}; WLD is an aggregate, INX has no metadata row.
VALUES = {
    "NY.GDP.MKTP.CD": [
        ("Poland", "POL", {2023: "812451128978.58", 2024: "914696430325.391"}),
        ("World", "WLD", {2024: "111252997846886"}),
        ("Not classified", "INX", {}),
        ("Kosovo", "XKX", {2024: "11148602232.663"}),
    ],
    "SP.POP.TOTL": [
        ("Poland", "POL", {1960: "29637450", 2024: "36554707"}),
        ("World", "WLD", {2024: "8142056446"}),
        ("Not classified", "INX", {}),
        ("Kosovo", "XKX", {}),
    ],
    "MS.MIL.XPND.GD.ZS": [
        ("Poland", "POL", {2024: "4.15439387975356"}),
        ("World", "WLD", {2024: "2.46923121177986"}),
        ("Not classified", "INX", {}),
        ("Kosovo", "XKX", {2024: "1.47659639574127"}),
    ],
}
NOTE = (
    '"The reporting period ...\r\n\r\nIn addition, the World Bank ... (\u201calternative\u201d)."'
)
METADATA = [
    '"Country Code","Region","IncomeGroup","SpecialNotes","TableName",',
    '"POL","Europe & Central Asia","High income","","Poland",',
    '"WLD","","","World aggregate (https://example.org)","World",',
    f'"XKX","Europe & Central Asia","Upper middle income",{NOTE},"Kosovo",',
    '"EUU","","","","European Union",',
]


def _line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' for c in cells) + ","  # the trailing comma WDI writes


def write_indicator(raw: Path, code: str, rows: list, metadata: list[str], eol: str) -> Path:
    """API_<code> data file and its Metadata_Country file, as the World Bank zip holds them."""
    folder = raw / "worldbank"
    folder.mkdir(parents=True, exist_ok=True)
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *map(str, YEARS)]
    lines = [
        _line(["Data Source", "World Development Indicators"]),
        "",
        _line(["Last Updated Date", UPDATED[code]]),
        "",
        _line(header),
        *(_line([n, iso, NAMES[code], code, *(v.get(y, "") for y in YEARS)]) for n, iso, v in rows),
    ]
    stem = f"API_{code}_DS2_en_csv_v2_{SUFFIX[code]}.csv"
    data = folder / stem
    data.write_bytes(b"\xef\xbb\xbf" + (eol.join(lines) + eol).encode("utf-8"))
    meta_text = eol.join(metadata).replace("\r\n", eol) + eol
    (folder / f"Metadata_Country_{stem}").write_bytes(b"\xef\xbb\xbf" + meta_text.encode("utf-8"))
    return data


def write_raw(raw: Path) -> None:
    """The `raw` fixture's files (tests/conftest.py)."""
    for code, rows in VALUES.items():
        write_indicator(raw, code, rows, METADATA, "\r\n")


EXPECTED_MACRO = pl.DataFrame(
    [
        ("POL", 1960, None, 29637450.0, None),
        ("POL", 2023, 812451128978.58, None, None),
        ("POL", 2024, 914696430325.391, 36554707.0, 4.15439387975356),
        ("XKX", 2024, 11148602232.663, None, 1.47659639574127),
    ],
    schema={
        "iso3": pl.Utf8,
        "year": pl.Int32,
        "gdp_current_usd": pl.Float64,
        "population": pl.Float64,
        "milex_share_gdp_pct": pl.Float64,
    },
    orient="row",
)


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR-only"])
def test_fixture_parses_exactly_with_any_line_ending(tmp_path: Path, eol: str) -> None:
    for code, rows in VALUES.items():
        write_indicator(tmp_path, code, rows, METADATA, eol)
    parsed = worldbank.parse(tmp_path)
    assert parsed.tables["wb_macro"].equals(EXPECTED_MACRO)
    assert parsed.tables["wb_country"].rows() == [
        ("POL", "Poland", "Europe & Central Asia", "High income"),
        ("XKX", "Kosovo", "Europe & Central Asia", "Upper middle income"),
    ]


def test_aggregates_and_unclassified_rows_are_not_countries(raw: Path) -> None:
    parsed = worldbank.parse(raw)
    codes = set(parsed.tables["wb_macro"]["iso3"]) | set(parsed.tables["wb_country"]["iso3"])
    assert codes == {"POL", "XKX"}  # WLD, EUU (empty Region) and INX (no metadata row) left out


def test_source_files_carry_the_preamble_edition_and_tidy_row_counts(raw: Path) -> None:
    files = {f.name: f for f in worldbank.parse(raw).files}
    gdp = files["worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv"]
    milex = files["worldbank/Metadata_Country_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv"]
    assert len(files) == 6
    assert (gdp.edition, gdp.rows, gdp.licence) == ("2025-10-07", 3, "CC BY 4.0")
    assert (milex.edition, milex.rows) == ("2026-02-24", 2)
    assert gdp.url == "https://api.worldbank.org/v2/en/indicator/NY.GDP.MKTP.CD?downloadformat=csv"
    assert len(gdp.sha256) == 64 and gdp.bytes > 0


def test_newest_metadata_wins_when_files_disagree(raw: Path) -> None:
    reclassified = [m.replace("Upper middle income", "High income") for m in METADATA]
    write_indicator(raw, "MS.MIL.XPND.GD.ZS", VALUES["MS.MIL.XPND.GD.ZS"], reclassified, "\r\n")
    country = worldbank.parse(raw).tables["wb_country"]
    assert country.filter(pl.col("iso3") == "XKX")["income_group"].item() == "High income"


_fails = partial(refused, parse=worldbank.parse)


def test_unknown_country_code_names_file_row_and_code(raw: Path) -> None:
    bad = [*METADATA, '"XYZ","Europe & Central Asia","High income","","Nowhere",']
    write_indicator(raw, "NY.GDP.MKTP.CD", VALUES["NY.GDP.MKTP.CD"], bad, "\r\n")
    # the multi-line note spans 3 lines, so XYZ is on line 8
    _fails(raw, "Metadata_Country_API_NY.GDP", "row 8", "column Country Code", "'XYZ'")


def test_text_in_a_number_cell(raw: Path) -> None:
    rows = [("Poland", "POL", {2024: "n/a"})]
    write_indicator(raw, "SP.POP.TOTL", rows, METADATA, "\r\n")
    _fails(raw, "API_SP.POP.TOTL", "row 6", "column 2024", "'n/a' is not a number")


def test_missing_column(raw: Path) -> None:
    path = raw / "worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv"
    path.write_bytes(path.read_bytes().replace(b'"Indicator Code",', b""))
    _fails(raw, "row 5", "missing column(s) ['Indicator Code']")


def test_preamble_without_last_updated_date(raw: Path) -> None:
    path = raw / "worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv"
    path.write_bytes(path.read_bytes().replace(b"Last Updated Date", b"Updated"))
    _fails(raw, "API_NY.GDP", "no 'Last Updated Date'")


def test_wrong_encoding_names_the_line(raw: Path) -> None:
    path = raw / "worldbank/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv"
    path.write_bytes(path.read_bytes().replace(b'"Poland"', '"Pologne é"'.encode("latin-1")))
    _fails(raw, "API_SP.POP.TOTL", "row 6", "not UTF-8")


def test_short_row_and_unclosed_quote(raw: Path) -> None:
    path = raw / "worldbank/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv"
    text = path.read_bytes()
    path.write_bytes(text + b'"Chad","TCD","Population, total"\r\n')
    _fails(raw, "row 10", "3 fields, header has 71")
    path.write_bytes(text + b'"Chad,"TCD\r\n')
    _fails(raw, "row 10", "malformed CSV")


def test_duplicated_country_row(raw: Path) -> None:
    rows = [*VALUES["NY.GDP.MKTP.CD"], ("Poland", "POL", {})]
    write_indicator(raw, "NY.GDP.MKTP.CD", rows, METADATA, "\r\n")
    _fails(raw, "row 10", "POL repeats line 6")


def test_country_missing_from_metadata_is_not_dropped_silently(raw: Path) -> None:
    rows = [*VALUES["NY.GDP.MKTP.CD"], ("Germany", "DEU", {2024: "1"})]
    write_indicator(raw, "NY.GDP.MKTP.CD", rows, METADATA, "\r\n")
    _fails(raw, "API_NY.GDP", "row 10", "DEU is not in worldbank/Metadata_Country_API_NY.GDP")


def test_wrong_indicator_in_a_file(raw: Path) -> None:
    path = raw / "worldbank/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv"
    path.write_bytes(path.read_bytes().replace(b'"SP.POP.TOTL","29637450"', b'"X.Y","29637450"'))
    _fails(raw, "row 6", "column Indicator Code", "expected SP.POP.TOTL")


def test_empty_file(raw: Path) -> None:
    (raw / "worldbank/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv").write_bytes(b"")
    _fails(raw, "API_SP.POP.TOTL", "no header row starting with 'Country Name'")


@settings(max_examples=25, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(list(YEARS)), st.floats(allow_nan=False, allow_infinity=False), max_size=5
    ),
    eol=st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_any_printed_number_reads_back_exactly(values: dict[int, float], eol: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        for code, rows in VALUES.items():
            if code == "MS.MIL.XPND.GD.ZS":
                rows = [("Poland", "POL", {y: repr(v) for y, v in values.items()})]
            write_indicator(raw, code, rows, METADATA, eol)
        macro = worldbank.parse(raw).tables["wb_macro"].drop_nulls("milex_share_gdp_pct")
        assert dict(macro.select("year", "milex_share_gdp_pct").iter_rows()) == values


def test_missing_file(raw: Path) -> None:
    (raw / "worldbank/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv").unlink()
    _fails(raw, "no file matching 'worldbank/API_SP.POP.TOTL_DS2_*.csv'")


@pytest.mark.raw
def test_real_files(raw_dir: Path) -> None:
    parsed = worldbank.parse(raw_dir)
    macro = parsed.tables["wb_macro"].filter(pl.col("year") == 2024)

    def value(iso3: str, column: str) -> float:
        return macro.filter(pl.col("iso3") == iso3)[column].item()

    assert value("USA", "gdp_current_usd") == 29184890000000  # printed "29184890000000"
    assert value("POL", "population") == 36554707
    assert value("GBR", "milex_share_gdp_pct") == pytest.approx(2.2786177901127, abs=1e-12)
    assert value("XKX", "population") == 1527324  # Kosovo, through the XKX override
    country = parsed.tables["wb_country"]
    # Every metadata file has 265 rows: 217 economies and 48 aggregates (Region empty).
    assert country.height == 217
    assert not {"WLD", "EUU", "INX", "HIC", "OED"} & set(country["iso3"])
    assert set(parsed.tables["wb_macro"]["iso3"]) <= set(country["iso3"])
    assert parsed.tables["wb_macro"]["year"].max() == 2024  # the 2025 column is empty
    editions = {f.name.split("_DS2")[0]: f.edition for f in parsed.files}
    assert editions["worldbank/API_NY.GDP.MKTP.CD"] == "2025-10-07"
    assert editions["worldbank/API_MS.MIL.XPND.GD.ZS"] == "2026-02-24"


def test_one_edition_row_per_indicator_file_dated_by_its_own_header(raw: Path) -> None:
    """The date is the file's own 'Last Updated Date', never its mtime: a file touched today
    keeps it, and a file whose header says another day carries that day."""
    gdp = raw / "worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv"
    gdp.write_bytes(gdp.read_bytes().replace(b"2025-10-07", b"2025-12-16"))
    editions = worldbank.parse(raw).tables["edition"].sort("file").to_dicts()
    assert [(e["file"].split("_DS2")[0], e["edition"], e["published"]) for e in editions] == [
        ("worldbank/API_MS.MIL.XPND.GD.ZS", date(2026, 2, 24), date(2026, 2, 24)),
        ("worldbank/API_NY.GDP.MKTP.CD", date(2025, 12, 16), date(2025, 12, 16)),
        ("worldbank/API_SP.POP.TOTL", date(2025, 10, 7), date(2025, 10, 7)),
    ]
    assert {e["source"] for e in editions} == {"worldbank"}
    assert {e["price_base_year"] for e in editions} == {None}
    # Years with a value for a country (aggregates and empty cells do not count).
    assert [(e["first_year"], e["last_year"]) for e in editions] == [
        (2024, 2024),
        (2023, 2024),
        (1960, 2024),
    ]


@pytest.mark.raw
def test_real_edition_rows(raw_dir: Path) -> None:
    editions = worldbank.parse(raw_dir).tables["edition"].sort("definition").to_dicts()
    assert [(e["definition"], e["edition"]) for e in editions] == [
        ("GDP, current US$ (NY.GDP.MKTP.CD)", date(2025, 10, 7)),
        ("Military expenditure, % of GDP (MS.MIL.XPND.GD.ZS)", date(2026, 2, 24)),
        ("Population, total (SP.POP.TOTL)", date(2025, 10, 7)),
    ]
    assert all(e["published"] == e["edition"] for e in editions)
    assert [e["file"] for e in editions] == [
        "worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv",
        "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
        "worldbank/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv",
    ]
    assert [(e["first_year"], e["last_year"]) for e in editions] == [(1960, 2024)] * 3
