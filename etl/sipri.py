"""SIPRI Military Expenditure Database, every release in the raw dir -> sipri_milex, sipri_missing,
sipri_country_note, sipri_region_total (all keyed by edition, the release's publication date).

Each country sheet is a wide grid: a few title and legend rows, a header row starting 'Country',
then region and subregion heading rows (a name and nothing else) above the countries they group.
Values are read with calamine (fastexcel). Calamine cannot see font colours, which is how SIPRI
marks estimates (blue) and highly uncertain figures (red), so those come from the sheet XML.

sipri_milex holds one row per state and year of the header (the full grid), so every NULL cell
has its reason in sipri_missing. Years a sheet does not cover at all (per capita and share of
government spending start in 1988) are NULL without a sipri_missing row: there is no cell.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import fastexcel
import polars as pl

from etl import rawfiles, readers
from etl.countries import lookup, to_iso3
from etl.errors import EtlError, first_line
from etl.rawfiles import Parsed, side_by_side
from etl.sources.base import edition_frame
from etl.sources.sipri import SOURCE as source

# The constant-prices sheet names its base year: 'Constant (2023) US$' (April 2025),
# 'Constant (2024) US$' (April 2026). The year is data (price_base_year), never assumed.
CONSTANT = re.compile(r"Constant \((\d{4})\) US\$")
REGIONAL = "Regional totals"
# Country sheet -> (sipri_milex column, multiplier, divisor) to the published unit; CONSTANT
# stands for the constant-prices sheet, whatever its year (see measures()).
MEASURES = {
    CONSTANT.pattern: ("constant_usd_m", 1, 1),
    "Current US$": ("current_usd_m", 1, 1),
    "Share of GDP": ("share_gdp_pct", 100, 1),  # printed as a fraction: 0.0228 = 2.28 %
    "Per capita": ("per_capita_current_usd", 1, 1),
    "Share of Govt. spending": ("share_govt_pct", 100, 1),  # a fraction too
    # NOTE: this sheet is in currency units, not millions (US 2024: 997309000000 here,
    # 997309 in 'Current US$'), so it is divided by a million to fit local_currency_m.
    # Kept as published: Belarus is ~10x what 'Current US$' implies at market rates
    # (2024: 48,813.7 m roubles against US$ 1,491 m), and its 'Current US$' 1992-94 are 0.
    "Local currency calendar years": ("local_currency_m", 1, 1_000_000),
}
MARKERS = {"...": "no data", "xxx": "state did not exist", "": "blank"}
# SIPRI's regions. A region without subregions (Middle East) looks like a subregion heading,
# so the five are named; any other heading is a subregion of the region above it.
REGIONS = frozenset({"Africa", "Americas", "Asia & Oceania", "Europe", "Middle East"})
# Every country sheet states the colour legend above its header; if SIPRI changes it the colour
# flags below mean something else, so a missing legend fails the build.
LEGEND = "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."
FOOTNOTE_MARKS = re.compile(r"[§‡¶‖†\d\s,]*")
YEAR = re.compile(r"\d{4}")

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Excel's default palette for <color indexed="n"/> (n = 0-63; 64 and 65 mean system text/back).
_DEFAULT_PALETTE = """
000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00
FF00FF 00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF
660066 FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF
CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696
003366 339966 003300 333300 993300 993366 333399 333333
"""
_PALETTE = _DEFAULT_PALETTE.split()

# SIPRI's note markers next to a country (Notes column), kept as flags (see schema.sql).
MARK_FLAGS = {
    "§": "budget_not_actual",
    "†": "excludes_pensions",
    "‡": "current_spending_only",
    "¶": "excludes_paramilitary",
    "‖": "currency_redenominated",
}

MILEX_SCHEMA = {
    "iso3": pl.Utf8,
    "year": pl.Int32,
    "edition": pl.Date,
    "price_base_year": pl.Int32,
    **{column: pl.Float64 for column, _, _ in MEASURES.values()},
    "is_estimate": pl.Boolean,
    "is_uncertain": pl.Boolean,
}
MISSING_SCHEMA = {
    "iso3": pl.Utf8,
    "year": pl.Int32,
    "edition": pl.Date,
    "measure": pl.Utf8,
    "reason": pl.Utf8,
}
NOTE_SCHEMA = {
    "iso3": pl.Utf8,
    "edition": pl.Date,
    "sipri_name": pl.Utf8,
    "region": pl.Utf8,
    "subregion": pl.Utf8,
    "footnote_marks": pl.Utf8,
    **dict.fromkeys(MARK_FLAGS.values(), pl.Boolean),
    "footnotes": pl.Utf8,
}
REGION_SCHEMA = {
    "region": pl.Utf8,
    "parent": pl.Utf8,
    "year": pl.Int32,
    "edition": pl.Date,
    "price_base_year": pl.Int32,
    "constant_usd_bn": pl.Float64,
    "current_usd_bn": pl.Float64,
    "omitted_countries": pl.Utf8,
}


@dataclass
class Sheet:
    """One country sheet, still keyed by the name SIPRI prints."""

    years: list[int]
    # name -> (Excel row, region, subregion, footnote marks)
    countries: dict[str, tuple[int, str, str | None, str | None]]
    # one row per value cell: name, year, value (as printed), reason (why NULL), colour
    cells: pl.DataFrame


def measures(sheet_names: list[str], file: str) -> tuple[dict[str, tuple], int]:
    """{sheet: (column, multiplier, divisor)} for this workbook, and its constant-price base year
    (read from the constant-prices sheet's name)."""
    constant = [(n, int(m[1])) for n in sheet_names if (m := CONSTANT.fullmatch(n))]
    if len(constant) != 1:
        raise EtlError(
            f"expected one sheet named 'Constant (YYYY) US$'; the file has {sheet_names}",
            file=file,
            sheet="Constant (YYYY) US$",
        )
    ((name, base),) = constant
    found = {name if key == CONSTANT.pattern else key: v for key, v in MEASURES.items()}
    return found, base


def parse(raw_dir: Path) -> Parsed:
    """Every SIPRI release in raw_dir, side by side (keyed by edition)."""
    paths = source.files(raw_dir, workbooks=True)  # unzipped sizes and rows checked
    return side_by_side(paths, raw_dir, parse_file, source.patterns, "release")


def parse_file(path: Path, raw_dir: Path) -> Parsed:
    """sipri_milex, sipri_missing, sipri_country_note, sipri_region_total from one workbook."""
    file = path.relative_to(raw_dir).as_posix()
    known = source.genuine(path)  # the registry's release date for a known file
    edition = known.published if known else readers.modified_date(path, file)
    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as err:
        raise EtlError(f"cannot read the workbook: {first_line(err)}", file=file) from None
    sheet_measures, base = measures(reader.sheet_names, file)
    for name in [*sheet_measures, REGIONAL]:
        if name not in reader.sheet_names:
            raise EtlError(
                f"sheet missing (renamed?); the file has {reader.sheet_names}",
                file=file,
                sheet=name,
            )
    try:
        colours = font_colours(path, list(sheet_measures))
    except (zipfile.BadZipFile, zlib.error, KeyError, ET.ParseError, EOFError) as err:
        problem = f"cannot read the font colours (xlsx XML): {first_line(err)}"
        raise EtlError(problem, file=file) from None
    frames: list[pl.DataFrame] = []
    notes: dict[str, dict] = {}
    years: dict[str, list[int]] = {}
    for sheet_name, (measure, multiplier, divisor) in sheet_measures.items():
        sheet = read_sheet(reader, sheet_name, colours[sheet_name], file)
        years[sheet_name] = sheet.years
        try:
            iso3 = to_iso3(sheet.countries, file=file, sheet=sheet_name)
        except EtlError as err:  # the same message, plus the rows to look at
            rows = ", ".join(
                str(row) for n, (row, *_) in sheet.countries.items() if lookup(n) is None
            )
            raise EtlError(err.problem, file=file, sheet=sheet_name, row=rows) from err
        _check_unique(sheet, iso3, file, sheet_name)
        for name, (_, region, subregion, marks) in sheet.countries.items():
            if iso3[name] and iso3[name] not in notes:
                notes[iso3[name]] = dict(
                    iso3=iso3[name],
                    sipri_name=name,
                    region=region,
                    subregion=subregion,
                    footnote_marks=marks,
                ) | _mark_flags(marks)
        frames.append(
            sheet.cells.with_columns(
                iso3=pl.col("name").replace_strict(iso3, return_dtype=pl.Utf8),
                measure=pl.lit(measure),
                # Divide by a whole column: polars computes `/ scalar` as `* (1 / scalar)`,
                # one ulp off (492600000 / 1e6 would give 492.59999999999997).
                value=pl.col("value") * multiplier / pl.Series([divisor] * sheet.cells.height),
            )
        )
    if len({y[-1] for y in years.values()}) > 1:
        newest = {sheet: y[-1] for sheet, y in years.items()}
        raise EtlError(f"sheets end in different years: {newest}", file=file)

    # Names mapped to None (the European Union row) are documented non-states: left out.
    cells = pl.concat(frames).filter(pl.col("iso3").is_not_null())
    milex = cells.group_by("iso3", "year").agg(
        *(  # at most one value per measure, so max() just picks it
            pl.when(pl.col("measure") == column).then("value").max().alias(column)
            for column, _, _ in MEASURES.values()
        ),
        is_estimate=(pl.col("colour") == "blue").any(),
        is_uncertain=(pl.col("colour") == "red").any(),
    )
    if not milex.get_column("is_estimate").any():
        raise EtlError(
            "no figure is printed blue, yet SIPRI marks its estimates in blue: has the colour "
            "legend or the xlsx layout changed? (see font_colours)",
            file=file,
        )
    missing = cells.filter(pl.col("reason").is_not_null())
    keyed = {"edition": pl.lit(edition), "price_base_year": pl.lit(base, pl.Int32)}
    tables = {
        "sipri_milex": _typed(milex.with_columns(**keyed), MILEX_SCHEMA).sort("iso3", "year"),
        "sipri_missing": _typed(missing.with_columns(**keyed), MISSING_SCHEMA).sort(
            "iso3", "year", "measure"
        ),
        "sipri_country_note": pl.DataFrame(
            [n | {"edition": edition} for n in notes.values()], schema=NOTE_SCHEMA
        ).sort("iso3"),
        "sipri_region_total": regional_totals(reader, file, edition, base),
    }
    first, last = min(y[0] for y in years.values()), max(y[-1] for y in years.values())
    tables["edition"] = edition_frame(
        source=source.key,
        edition=edition,
        definition="military expenditure (SIPRI definition)",
        price_base_year=base,
        file=file,
        first_year=first,
        last_year=last,
    )
    release = last + 1  # SIPRI publishes each April the data through the previous year
    described = rawfiles.describe(
        path,
        raw_dir,
        publisher=source.publisher,
        edition=f"{release} release (data {first}-{last})",
        url=source.page,
        licence=source.licence.replace(
            "'SIPRI Military Expenditure Database'",
            f"'SIPRI Military Expenditure Database, {release}'",
        ),
        rows=sum(t.height for t in tables.values()),
    )
    return Parsed(tables=tables, files=[described])


def _mark_flags(marks: str | None) -> dict[str, object]:
    """'‡§¶16' -> current_spending_only, budget_not_actual, excludes_paramilitary, '16'."""
    flags: dict[str, object] = {flag: mark in (marks or "") for mark, flag in MARK_FLAGS.items()}
    numbers = re.findall(r"\d+", marks or "")
    return flags | {"footnotes": ",".join(numbers) or None}


def regional_totals(
    reader: fastexcel.ExcelReader, file: str, edition: object, base: int
) -> pl.DataFrame:
    """'Regional totals': world, regions and subregions, US$ bn at constant prices (the base of
    the constant-prices sheet) plus one last column at current prices ('2024 (current prices)')."""
    try:
        rows = reader.load_sheet(REGIONAL, header_row=None, skip_rows=0, dtypes="string")
        rows = rows.to_polars().rows()
        numbers = reader.load_sheet(REGIONAL, header_row=None, skip_rows=0, dtypes="float")
        numbers = numbers.to_polars().rows()
    except fastexcel.FastExcelError as err:
        problem = f"cannot read the sheet: {first_line(err)}"
        raise EtlError(problem, file=file, sheet=REGIONAL) from None
    top = next((i for i, r in enumerate(rows) if (r[0] or "").strip() == "Region"), None)
    if top is None:
        raise EtlError("no header row starting 'Region'", file=file, sheet=REGIONAL)
    header = [(h or "").strip() for h in rows[top]]
    constant = {j: int(h) for j, h in enumerate(header) if YEAR.fullmatch(h)}
    current = {
        j: int(m[1])
        for j, h in enumerate(header)
        if (m := re.fullmatch(r"(\d{4}) \(current prices\)", h))
    }
    omitted = next((j for j, h in enumerate(header) if h == "Omitted countries"), None)
    if not constant or len(current) != 1:
        raise EtlError(
            "expected year columns and one 'YYYY (current prices)' column",
            file=file,
            sheet=REGIONAL,
            row=top + 1,
        )
    out, parent, region = [], None, None
    for i in range(top + 1, len(rows)):
        name = (rows[i][0] or "").strip()
        if not name:
            break  # the table ends at the first blank row
        if name == "World":
            parent, region = None, "World"
        elif name in REGIONS:
            parent, region = "World", name
        else:
            parent = region
        note = (rows[i][omitted] or "").strip() or None if omitted is not None else None
        for j, year in constant.items():
            out.append((name, parent, year, numbers[i][j], None, note))
        for j, year in current.items():
            hit = next((r for r in out if r[0] == name and r[2] == year), None)
            if hit is None:
                out.append((name, parent, year, None, numbers[i][j], note))
            else:
                out[out.index(hit)] = (*hit[:4], numbers[i][j], note)
    frame = pl.DataFrame(
        out,
        schema=[
            "region",
            "parent",
            "year",
            "constant_usd_bn",
            "current_usd_bn",
            "omitted_countries",
        ],
        orient="row",
    )
    frame = frame.with_columns(edition=pl.lit(edition), price_base_year=pl.lit(base))
    return _typed(frame, REGION_SCHEMA)


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Exactly the schema.sql columns, in order, with their types."""
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def _check_unique(sheet: Sheet, iso3: dict[str, str | None], file: str, sheet_name: str) -> None:
    """Two printed names for one state would give duplicate (iso3, year) rows."""
    seen: dict[str, str] = {}
    for name, (row, *_) in sheet.countries.items():
        if not (code := iso3[name]):
            continue
        if code in seen:
            first = seen[code]
            raise EtlError(
                f"{first!r} (row {sheet.countries[first][0]}) and {name!r} (row {row}) are both "
                f"{code}: duplicate (iso3, year) rows",
                file=file,
                sheet=sheet_name,
                row=row,
            )
        seen[code] = name


def read_sheet(
    reader: fastexcel.ExcelReader, name: str, colours: dict[tuple[int, int], str], file: str
) -> Sheet:
    """One country sheet as printed: its years, its countries and every value cell.

    Read twice: as text, for labels and markers, and as float, for exact values (calamine's text
    rendering of a float keeps about 9 decimals; the float read also accepts numbers stored as
    text). skip_rows=0 keeps leading empty rows, so frame row i is Excel row i + 1.
    """
    try:
        text_sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        text = text_sheet.to_polars()
        numbers = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="float")
        numbers = numbers.to_polars()
    except fastexcel.FastExcelError as err:  # a damaged sheet (CalamineError)
        problem = f"cannot read the sheet: {first_line(err)}"
        raise EtlError(problem, file=file, sheet=name) from None
    rows = text.rows()
    excel_col = [c.absolute_index for c in text_sheet.available_columns()]

    def cell(i: int, j: int) -> str:
        return (rows[i][j] or "").strip()

    labels = [cell(i, 0) for i in range(len(rows))]
    top = next((i for i, label in enumerate(labels) if label == "Country"), None)
    if top is None:
        raise EtlError("no header row starting 'Country'", file=file, sheet=name)
    if LEGEND not in " ".join(labels[:top]):
        raise EtlError(
            f"colour legend {LEGEND!r} not found above the header", file=file, sheet=name
        )
    header = [cell(top, j) for j in range(len(excel_col))]
    if "Notes" not in header:
        raise EtlError("no 'Notes' column in the header", file=file, sheet=name, row=top + 1)
    notes_j = header.index("Notes")
    year_j = {j: int(h) for j, h in enumerate(header) if YEAR.fullmatch(h)}
    years = sorted(year_j.values())
    if not years or years != list(range(years[0], years[-1] + 1)):
        raise EtlError(
            f"year columns are not one run of years: {years}", file=file, sheet=name, row=top + 1
        )

    # Headings (a name and nothing else) set the region and subregion of the countries below.
    countries: dict[str, tuple[int, str, str | None, str | None]] = {}
    region: str | None = None
    subregion: str | None = None
    heading_above: tuple[int, str] | None = None  # (Excel row, label) of the row above
    for i in range(top + 1, len(rows)):
        label, marks = labels[i], cell(i, notes_j) or None
        if not marks and not any(cell(i, j) for j in year_j):
            if label in REGIONS:
                region, subregion = label, None
            elif label:
                if heading_above and heading_above[1] not in REGIONS:
                    raise EtlError(
                        f"heading {heading_above[1]!r} has subregions but is not one of "
                        f"SIPRI's regions {sorted(REGIONS)}",
                        file=file,
                        sheet=name,
                        row=heading_above[0],
                    )
                subregion = label
            heading_above = (i + 1, label) if label else None
            continue
        heading_above = None
        if not label or region is None:
            problem = "figures without a country name" if not label else "country before a region"
            raise EtlError(problem, file=file, sheet=name, row=i + 1)
        if label in countries:
            raise EtlError(
                f"{label!r} printed twice (rows {countries[label][0]} and {i + 1}): "
                "duplicate (iso3, year) rows",
                file=file,
                sheet=name,
                row=i + 1,
            )
        if marks and not FOOTNOTE_MARKS.fullmatch(marks):
            raise EtlError(
                f"unexpected text {marks!r} in the Notes column", file=file, sheet=name, row=i + 1
            )
        countries[label] = (i + 1, region, subregion, marks)

    # Long form: one row per (country, year) cell, with its Excel position for messages.
    at = [row - 1 for row, *_ in countries.values()]
    year_cols = {text.columns[j]: str(excel_col[j]) for j in year_j}

    def long(frame: pl.DataFrame, value: str) -> pl.DataFrame:
        return (
            frame[at]
            .select(list(year_cols))
            .rename(year_cols)
            .with_columns(name=pl.Series(list(countries)), row=pl.Series(at) + 1)
            .unpivot(index=["name", "row"], variable_name="col", value_name=value)
        )

    painted = pl.DataFrame(
        [(r, c, colour) for (r, c), colour in colours.items()],
        schema={"row": pl.Int64, "col": pl.Int64, "colour": pl.Utf8},
        orient="row",
    )
    cells = (
        long(text, "text")
        .with_columns(long(numbers, "value").get_column("value"), col=pl.col("col").cast(pl.Int64))
        .join(painted, on=["row", "col"], how="left")
        .with_columns(
            year=pl.col("col").replace_strict({excel_col[j]: y for j, y in year_j.items()}),
            reason=pl.when(pl.col("value").is_null()).then(
                pl.col("text").str.strip_chars().fill_null("").replace_strict(MARKERS, default=None)
            ),
            # A colour on a marker ('...' is sometimes blue or red) flags no figure.
            colour=pl.when(pl.col("value").is_not_null()).then("colour"),
        )
    )
    bad = cells.filter(pl.col("value").is_null() & pl.col("reason").is_null())
    odd = cells.filter(pl.col("colour").is_not_null() & ~pl.col("colour").is_in(["blue", "red"]))
    for problem, frame in (
        (
            "unexpected text {text!r} in a value cell (expected a number, '...', 'xxx' or blank)",
            bad,
        ),
        ("figure printed in an unexpected font colour {colour} (legend: " + LEGEND + ")", odd),
    ):
        if frame.height:
            cell = frame.sort("row", "col").row(0, named=True)
            raise EtlError(
                problem.format(**cell),
                file=file,
                sheet=name,
                row=cell["row"],
                column=f"{column_letters(cell['col'])} ({cell['year']})",
            )
    return Sheet(years, countries, cells.select("name", "year", "value", "reason", "colour"))


def column_letters(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@cache
def _column_index(letters: bytes) -> int:
    """b'A' -> 0, b'AA' -> 26 (cached: a sheet has a few dozen columns and 10^4 coloured cells)."""
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def font_colours(path: Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet, {(Excel row, 0-based column): colour} for every cell in a non-black font.

    Reads only xl/styles.xml and the sheets' XML (the `s` attribute of each cell), which is far
    cheaper than loading the workbook with openpyxl. The 2025 release uses legacy indexed colours:
    font 1 = indexed 10 (FF0000, red) and font 2 = indexed 12 (0000FF, blue); all other fonts are
    indexed 8 (black) or unset. About 2,000 cells per measure sheet are blue and 150-200 red, and
    both colours also fall on some '...' cells, where there is no figure to flag.
    """
    with zipfile.ZipFile(path) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
        custom = styles.find(f"{_MAIN}colors/{_MAIN}indexedColors")
        palette = _PALETTE if custom is None else [c.get("rgb", "")[-6:] for c in custom]
        fonts = [
            _classify(font.find(f"{_MAIN}color"), palette) for font in styles.find(f"{_MAIN}fonts")
        ]
        by_style = {
            str(i): fonts[int(xf.get("fontId", "0"))]
            for i, xf in enumerate(styles.find(f"{_MAIN}cellXfs"))
        }
        coloured = {style: colour for style, colour in by_style.items() if colour}
        parts = _sheet_parts(z)
        # One regex over each sheet's XML finds the cells in a coloured style. It expects s right
        # after r, the schema's attribute order (r, s, t, ...) that Excel, LibreOffice and
        # openpyxl write; parse() fails if no figure at all comes out blue. iterparse took 0.16 s
        # for the six sheets, a regex for any attribute order 0.06 s, one allowing other
        # attributes between r and s 0.036 s (it scans every cell to its '>') and this 0.014 s.
        in_style = b"|".join(re.escape(style.encode()) for style in coloured)
        cell = re.compile(rb'<c r="([A-Z]+)(\d+)" s="(' + in_style + rb')"')
        by_bytes = {style.encode(): colour for style, colour in coloured.items()}
        out: dict[str, dict[tuple[int, int], str]] = {}
        for sheet in sheets:
            out[sheet] = {
                (int(row), _column_index(letters)): by_bytes[style]
                for letters, row, style in (cell.findall(z.read(parts[sheet])) if coloured else ())
            }
    return out


def _classify(color: ET.Element | None, palette: list[str]) -> str | None:
    """'blue', 'red', None for black/grey/automatic text, or a description of any other colour."""
    if color is None or color.get("auto") == "1":
        return None
    if (rgb := color.get("rgb")) is not None:
        hexa = rgb[-6:]
    elif (indexed := color.get("indexed")) is not None:
        if int(indexed) >= len(palette):
            return None  # 64, 65: system foreground and background
        hexa = palette[int(indexed)]
    else:  # theme colours: 0 and 1 are the default text and background
        theme = color.get("theme")
        return None if theme in (None, "0", "1") else f"theme colour {theme}"
    r, g, b = (int(hexa[k : k + 2], 16) for k in (0, 2, 4))
    if max(r, g, b) - min(r, g, b) < 0x20:
        return None
    if b >= 0x80 and max(r, g) < 0x80:
        return "blue"
    if r >= 0x80 and max(g, b) < 0x80:
        return "red"
    return f"#{hexa}"


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML inside the zip, via the workbook's relationships."""
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        t = target[sheet.get(_REL)]
        parts[sheet.get("name")] = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
    return parts
