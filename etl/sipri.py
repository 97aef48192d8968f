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

import colorsys
import os
import re
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import fastexcel
import polars as pl

from core.errors import EtlError, first_line
from etl import readers
from etl.countries import lookup, to_iso3
from etl.rawfiles import Parsed, side_by_side
from etl.readers import column_letters
from etl.sources import provenance
from etl.sources.base import edition_frame
from etl.sources.sipri import SOURCE as source


# Each release spells its sheets its own way: 'Constant (2015) USD' and 'Current USD' (2017-2021
# releases), 'Constant (2023) US$' and 'Current US$' (2022 on). Sheets are found by these
# patterns (case and spacing ignored), never by position; the constant-prices sheet names its
# base year, which is data (price_base_year), never assumed. Each measure also names the unit its
# sheet's title must state, so a sheet that changed unit is refused rather than misread.
@dataclass(frozen=True)
class Measure:
    sheet: str  # regex over the normalised sheet name
    column: str  # sipri_milex column
    multiplier: float  # to the published unit of the column
    divisor: float
    unit: str  # regex the title rows above the header must match (normalised, lower case)
    label: str  # the sheet's usual name, for messages
    scale: str | None = None  # the only key of SCALES its title may state (None: units)


MEASURES = (
    Measure(
        r"constant \((\d{4})\) us(?:\$|d)",
        "constant_usd_m",
        1,
        1,
        r"constant.*us ?\$ ?m",
        "Constant (YYYY) US$",
        "millions",
    ),
    Measure(
        r"current us(?:\$|d)",
        "current_usd_m",
        1,
        1,
        r"millions of us\$.*current prices",
        "Current US$",
        "millions",
    ),
    # printed as a fraction: 0.0228 = 2.28 %
    Measure(
        r"share of gdp",
        "share_gdp_pct",
        100,
        1,
        r"percentage of gross domestic product",
        "Share of GDP",
    ),
    Measure(r"per capita", "per_capita_current_usd", 1, 1, r"current us\$", "Per capita"),
    Measure(
        r"share of govt\.? spending",
        "share_govt_pct",
        100,
        1,
        r"percentage of government",
        "Share of Govt. spending",
    ),
    # NOTE: this sheet is in currency units, not millions, in every release (US 2015:
    # 633829639000 here, 633,829.639 in the current-US$ sheet), so it is divided by a million to
    # fit local_currency_m. Kept as published: Belarus is ~10x what 'Current US$' implies at
    # market rates (2024: 48,813.7 m roubles against US$ 1,491 m), and its 'Current US$' 1992-94
    # are 0.
    Measure(
        r"local currency calendar years",
        "local_currency_m",
        1,
        1_000_000,
        r"in local currency",
        "Local currency calendar years",
    ),
)
CONSTANT = MEASURES[0]
# NOTE: the scales a title may state. Every scale a sheet's title rows state must be the sheet's
# own: a title changed to 'US$ bn.' above a subtitle still saying 'US $m.' matched the unit
# pattern, as did a per-capita sheet 'in thousands of current US$' or regional totals in 'US$ m.'
# above a line still naming 'US$ b.' (tests/test_sipri_variations.py, a unit changed in a title).
SCALES = {
    "thousands": r"\bthousands?\b|'000|\bus ?\$ ?(?:k|th)\b",
    "millions": r"\bmillions?\b|\bus ?\$ ?mn?\b",
    "billions": r"\bbillions?\b|\bus ?\$ ?bn?\b",
}
COLUMNS = tuple(m.column for m in MEASURES)
REGIONAL = "Regional totals"
# Why a cell holds no figure. SIPRI prints 'no data' as '...', '. .', '..', '. . ' or the single
# character '…' depending on the release (2017-2021: '. .'; 2022-2025: '...'; 2026 adds '…'),
# 'state did not exist' as 'xxx'; some cells are empty or hold spaces.
NO_DATA = re.compile(r"(?:\.\s*){2,}|…+")
MARKERS = {"no data": NO_DATA.pattern, "state did not exist": r"(?i:xxx)", "blank": r"\s*"}
# (and 'spreadsheet error': an Excel error cell, told by its type, not its text: ERROR below)
MARKER = re.compile("|".join(f"(?:{pattern})" for pattern in MARKERS.values()))
# SIPRI's regions and subregions as the country sheets print them, under one spelling each
# (older releases write 'Sub-Saharan' and 'South-East Asia'). A row naming one of them with no
# figure is a heading; every other named row is a state, which must map to ISO3.
REGIONS = frozenset({"Africa", "Americas", "Asia & Oceania", "Europe", "Middle East"})
SUBREGIONS = {
    "north africa": "North Africa",
    "sub-saharan africa": "sub-Saharan Africa",
    "sub-saharan": "sub-Saharan Africa",
    "central america and the caribbean": "Central America and the Caribbean",
    "central america & the caribbean": "Central America and the Caribbean",
    "north america": "North America",
    "south america": "South America",
    "oceania": "Oceania",
    "south asia": "South Asia",
    "east asia": "East Asia",
    "south east asia": "South East Asia",
    "south-east asia": "South East Asia",
    "central asia": "Central Asia",
    "central & south asia": "Central and South Asia",
    "western europe": "Western Europe",
    "central europe": "Central Europe",
    "central and western europe": "Central and Western Europe",
    "eastern europe": "Eastern Europe",
}
# The legend some releases (2017-2021) print below the countries: the table ends above it.
FOOTER = re.compile(r"[§†‡¶‖]|numbered footnotes|the symbols", re.IGNORECASE)
# Every country sheet states the colour legend above its header; if SIPRI changes it the colour
# flags below mean something else, so a missing legend fails the build.
LEGEND = "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."
FOOTNOTE_MARKS = re.compile(r"[§‡¶‖†\d\s,]*")
YEAR = re.compile(r"\d{4}")
# Header columns a country sheet may carry besides Country, Notes and the years: read elsewhere
# or not at all, and said so. A blank header above text ('Base year is 1985' beside four
# countries in the 2017-2021 constant-price sheets) is kept in sipri_country_note.sheet_notes;
# 'YYYY Current' (2017-2021) repeats the last year at current prices, which the current-US$ sheet
# holds. Any other header is refused: a column nobody understands is not guessed at.
OTHER_HEADERS = re.compile(r"|currency|fiscal year.*|reporting year|\d{4} current", re.IGNORECASE)
# NOTE: the 2017 release prints one 'USSR/Russia' row in its per-capita and share-of-government
# sheets (its other sheets have 'USSR' and 'Russian Federation' apart): the years to 1991 are the
# Soviet Union's, from 1992 Russia's, so the row is split there.
SPLIT_SERIES = {"USSR/Russia": (("SUN", 1991), ("RUS", None))}

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
    **dict.fromkeys(COLUMNS, pl.Float64),
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
    "notes_placeholder": pl.Boolean,
    "sheet_notes": pl.Utf8,
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
    "label": pl.Utf8,
    "coverage": pl.Utf8,
}


@dataclass
class Row:
    """One state's row in a country sheet, as printed."""

    row: int  # Excel row
    region: str
    subregion: str | None
    marks: str | None  # the Notes cell, as printed
    side_note: str | None  # text under a blank header (a base-year note)


@dataclass
class Sheet:
    """One country sheet, still keyed by the name SIPRI prints."""

    years: list[int]
    countries: dict[str, Row]
    # one row per value cell: name, year, value (as printed), reason (why NULL), colour
    cells: pl.DataFrame


def normalised(text: str) -> str:
    """Lower case, single spaces, no surrounding blanks: how sheet names and titles compare."""
    return " ".join(text.split()).casefold()


def measures(sheet_names: list[str], file: str) -> tuple[dict[str, Measure], int]:
    """{sheet name: measure} for this workbook, and its constant-price base year (read from the
    constant-prices sheet's name). Every measure must match exactly one sheet, in any order."""
    found: dict[str, Measure] = {}
    base = 0
    for measure in MEASURES:
        hits = [n for n in sheet_names if re.fullmatch(measure.sheet, normalised(n))]
        if len(hits) != 1:
            wanted = "one sheet" if not hits else f"one sheet, not {len(hits)},"
            raise EtlError(
                f"expected {wanted} named like {measure.sheet!r} (the {measure.column} sheet); "
                f"the file has {sheet_names}",
                file=file,
                sheet=measure.label,
            )
        found[hits[0]] = measure
        if measure is CONSTANT:
            base = int(re.fullmatch(measure.sheet, normalised(hits[0]))[1])
    return found, base


# Releases parsed at once. calamine and polars do most of a parse outside the GIL, so a second
# thread uses a second core when one is free (eight releases 0.75 x the time; no gain on a busy
# machine, docs/PERFORMANCE.md); each holds one release's sheets (a build's peak RSS 340 -> 350
# MB with two), so at most two.
THREADS = max(1, min(2, os.cpu_count() or 1))


def parse(raw_dir: Path) -> Parsed:
    """Every SIPRI release in raw_dir, side by side (keyed by edition). Parsed THREADS at a time;
    a failure is the first in file order, as one after the other would give."""
    paths = source.files(raw_dir, workbooks=True)  # unzipped sizes and rows checked
    pool = ThreadPoolExecutor(THREADS, thread_name_prefix="sipri")
    try:
        futures = {path: pool.submit(parse_file, path, raw_dir) for path in paths}
        done = {path: future.result() for path, future in futures.items()}
    finally:  # an error or Ctrl-C: releases not started are dropped, running ones finish
        pool.shutdown(wait=True, cancel_futures=True)
    return side_by_side(paths, raw_dir, lambda path, _: done[path], source.patterns, "release")


def release_dates(path: Path, file: str) -> tuple[date, date]:
    """(release day, the day these bytes were public) of one workbook.

    A file the registry knows carries the dates SIPRI states for it (etl/sources/sipri.py).
    Another takes the workbook's own docProps modified date, else the publication date its
    provenance record kept from the publisher's server (Last-Modified at download), never the
    file's mtime: SIPRI's Apache POI export writes no modified date (the 2022 and 2023 releases).
    """
    if known := source.genuine(path):
        return known.published, known.available_from
    try:
        day = readers.modified_date(path, file)
    except EtlError:
        stated = provenance.published(path)
        if stated is None:
            raise EtlError(
                "no release date: the workbook's docProps has no modified date, the registry "
                "does not know the file and no provenance record names its publication date",
                file=file,
            ) from None
        day = stated
    return day, day


def parse_file(path: Path, raw_dir: Path) -> Parsed:
    """sipri_milex, sipri_missing, sipri_country_note, sipri_region_total from one workbook."""
    file = path.relative_to(raw_dir).as_posix()
    edition, published = release_dates(path, file)
    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as err:
        raise EtlError(f"cannot read the workbook: {first_line(err)}", file=file) from None
    sheet_measures, base = measures(reader.sheet_names, file)
    regional = [n for n in reader.sheet_names if normalised(n) == normalised(REGIONAL)]
    if len(regional) != 1:
        problem = f"expected one sheet named {REGIONAL!r}; the file has {reader.sheet_names}"
        raise EtlError(problem, file=file)
    try:
        colours, formulas = font_colours(path, list(sheet_measures))
    except (zipfile.BadZipFile, zlib.error, KeyError, ET.ParseError, EOFError) as err:
        problem = f"cannot read the font colours (xlsx XML): {first_line(err)}"
        raise EtlError(problem, file=file) from None
    for sheet_name, cells in formulas.items():
        if cells:
            (row, col), n = min(cells), len(cells)
            raise EtlError(
                f"{n:,} cell(s) hold a formula without a stored value, which would load as no "
                "figure: not SIPRI's file as published (save it in a spreadsheet program, or "
                "download it again)",
                file=file,
                sheet=sheet_name,
                row=row,
                column=column_letters(col),
            )
    frames: list[pl.DataFrame] = []
    notes: dict[str, dict] = {}
    years: dict[str, list[int]] = {}
    for sheet_name, measure in sheet_measures.items():
        sheet = read_sheet(reader, sheet_name, measure, colours[sheet_name], file)
        if measure is CONSTANT:
            _check_base_year(reader, sheet_name, base, file)
        years[sheet_name] = sheet.years
        iso3 = _iso3(sheet, file, sheet_name)
        _check_unique(sheet, iso3, file, sheet_name)
        for name, row in sheet.countries.items():
            for code in _codes(name, iso3):
                _note(notes, code, name, row, sheet_name)
        frames.append(
            sheet.cells.with_columns(
                iso3=_iso3_expr(iso3),
                measure=pl.lit(measure.column),
                # Divide by a whole column: polars computes `/ scalar` as `* (1 / scalar)`,
                # one ulp off (492600000 / 1e6 would give 492.59999999999997).
                value=pl.col("value")
                * measure.multiplier
                / pl.Series([float(measure.divisor)] * sheet.cells.height),
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
            for column in COLUMNS
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
        "sipri_region_total": regional_totals(reader, regional[0], file, edition, base),
    }
    first, last = min(y[0] for y in years.values()), max(y[-1] for y in years.values())
    tables["edition"] = edition_frame(
        source=source.key,
        edition=edition,
        published=published,
        definition="military expenditure (SIPRI definition)",
        price_base_year=base,
        file=file,
        first_year=first,
        last_year=last,
    )
    release = last + 1  # SIPRI publishes each April the data through the previous year
    described = source.describe(
        path,
        raw_dir,
        edition=f"{release} release (data {first}-{last})",
        licence=source.licence.replace(
            "'SIPRI Military Expenditure Database'",
            f"'SIPRI Military Expenditure Database, {release}'",
        ),
        rows=sum(t.height for t in tables.values()),
    )
    return Parsed(tables=tables, files=[described])


def _check_base_year(reader: fastexcel.ExcelReader, sheet: str, base: int, file: str) -> None:
    """The constant-prices sheet's title and subtitle name the base year its name gives."""
    rows = reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=4, dtypes="string")
    title = normalised(" ".join((r[0] or "") for r in rows.to_polars().rows()))
    stated = {int(y) for y in re.findall(r"constant \(?(\d{4})\)? (?:us|prices)", title)}
    if stated != {base}:
        raise EtlError(
            f"the sheet's name says constant {base} prices but its title says {sorted(stated)}",
            file=file,
            sheet=sheet,
            row=1,
        )


def _codes(name: str, iso3: dict[str, str | None]) -> list[str]:
    if name in SPLIT_SERIES:
        return [code for code, _ in SPLIT_SERIES[name]]
    return [iso3[name]] if iso3[name] else []


def _note(notes: dict[str, dict], code: str, name: str, row: Row, sheet: str) -> None:
    """One sipri_country_note row per state, merged over the sheets: the first real note marks,
    whether any sheet printed a placeholder ('...') in the Notes column, and the side notes."""
    placeholder = bool(row.marks) and not FOOTNOTE_MARKS.fullmatch(row.marks)
    marks = None if placeholder else row.marks
    side = f"{sheet}: {row.side_note}" if row.side_note else None
    if code not in notes:
        notes[code] = dict(
            iso3=code,
            sipri_name=name,
            region=row.region,
            subregion=row.subregion,
            footnote_marks=marks,
            notes_placeholder=placeholder,
            sheet_notes=side,
        ) | _mark_flags(marks)
        return
    note = notes[code]
    if marks and not note["footnote_marks"]:
        note.update(footnote_marks=marks, **_mark_flags(marks))
    note["notes_placeholder"] = note["notes_placeholder"] or placeholder
    if side:
        note["sheet_notes"] = "; ".join(filter(None, (note["sheet_notes"], side)))


def _iso3(sheet: Sheet, file: str, sheet_name: str) -> dict[str, str | None]:
    names = [n for n in sheet.countries if n not in SPLIT_SERIES]
    try:
        return to_iso3(names, file=file, sheet=sheet_name)
    except EtlError as err:  # the same message, plus the rows to look at
        rows = ", ".join(str(sheet.countries[n].row) for n in names if lookup(n) is None)
        hint = " (or a SIPRI subregion this parser does not know: etl/sipri.py SUBREGIONS)"
        raise EtlError(err.problem + hint, file=file, sheet=sheet_name, row=rows) from err


def _iso3_expr(iso3: dict[str, str | None]) -> pl.Expr:
    """The ISO3 of each cell: by name, and for a split series by year."""
    by_name = pl.col("name").replace_strict(iso3, default=None, return_dtype=pl.Utf8)
    for name, parts in SPLIT_SERIES.items():
        split = pl.lit(None, pl.Utf8)
        for code, last in reversed(parts):
            split = (
                pl.when(pl.lit(last is None) | (pl.col("year") <= (last or 0)))
                .then(pl.lit(code))
                .otherwise(split)
            )
        by_name = pl.when(pl.col("name") == name).then(split).otherwise(by_name)
    return by_name


def _mark_flags(marks: str | None) -> dict[str, object]:
    """'‡§¶16' -> current_spending_only, budget_not_actual, excludes_paramilitary, '16'."""
    flags: dict[str, object] = {flag: mark in (marks or "") for mark, flag in MARK_FLAGS.items()}
    numbers = re.findall(r"\d+", marks or "")
    return flags | {"footnotes": ",".join(numbers) or None}


# Regional totals: one spelling per region (older releases print 'Asia and Oceania', and the 2017
# release 'Europea' for Europe), and the coverage a total states ('World total (excluding Iraq)').
REGION_ALIASES = {
    "world": "World",
    "africa": "Africa",
    "americas": "Americas",
    "asia & oceania": "Asia & Oceania",
    "asia and oceania": "Asia & Oceania",
    "europe": "Europe",
    "europea": "Europe",  # NOTE: SIPRI's typo in the 2017 release
    "western europea": "Western Europe",  # NOTE: likewise
    "middle east": "Middle East",
    **SUBREGIONS,
}
REGION_LABEL = re.compile(r"(?P<name>.+?)(?: total)?(?: \((?P<coverage>(?:ex|in)cluding [^)]+)\))?")


def regional_totals(
    reader: fastexcel.ExcelReader, sheet: str, file: str, edition: object, base: int
) -> pl.DataFrame:
    """'Regional totals': world, regions and subregions, US$ bn at constant prices (the base of
    the constant-prices sheet) plus, in most releases, one last column at current prices
    ('2024 (current prices)'; the April 2021 release has none). Older releases print two world
    and Middle East series, excluding and including Iraq: both are kept, told apart by
    `coverage`."""
    try:
        rows = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string")
        rows = rows.to_polars().rows()
        numbers = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="float")
        numbers = numbers.to_polars().rows()
    except fastexcel.FastExcelError as err:
        problem = f"cannot read the sheet: {first_line(err)}"
        raise EtlError(problem, file=file, sheet=sheet) from None
    top = next((i for i, r in enumerate(rows) if (r[0] or "").strip() == "Region"), None)
    if top is None:
        raise EtlError("no header row starting 'Region'", file=file, sheet=sheet)
    title_rows = [normalised(r[0] or "") for r in rows[:top]]
    title = normalised(" ".join(title_rows))
    if "us$ b" not in title or f"constant {base} prices" not in title:
        raise EtlError(
            f"the title does not state US$ b. at constant {base} prices (the base year of the "
            "constant-prices sheet)",
            file=file,
            sheet=sheet,
            row=1,
        )
    header = [(h or "").strip() for h in rows[top]]
    constant = {j: int(h) for j, h in enumerate(header) if YEAR.fullmatch(h)}
    current = {
        j: int(m[1])
        for j, h in enumerate(header)
        if (m := re.fullmatch(r"(\d{4}) \(current prices\)", h))
    }
    omitted = next((j for j, h in enumerate(header) if h == "Omitted countries"), None)
    unknown = [(j, h) for j, h in enumerate(header[1:], 1) if h and j not in constant | current]
    unknown = [(j, h) for j, h in unknown if j != omitted]
    if not constant or len(current) > 1 or unknown:
        what = f"unexpected column {unknown[0][1]!r}" if unknown else "no year columns"
        raise EtlError(
            f"{what} (expected years, at most one 'YYYY (current prices)', 'Omitted countries')",
            file=file,
            sheet=sheet,
            row=top + 1,
            column=column_letters(unknown[0][0]) if unknown else None,
        )
    # NOTE: like the country sheets' years, these must run without a gap: a release missing a
    # year column was read as one year fewer (tests/test_sipri_variations.py, a year missing).
    years = sorted(constant.values())
    if years != list(range(years[0], years[-1] + 1)) or len(set(years)) != len(years):
        raise EtlError(
            f"year columns are not one run of distinct years: {years}",
            file=file,
            sheet=sheet,
            row=top + 1,
        )
    _check_scale(title_rows, "billions", file, sheet)
    out, region = [], None
    for i in range(top + 1, len(rows)):
        label = (rows[i][0] or "").strip()
        if not label:
            break  # the table ends at the first blank row
        m = REGION_LABEL.fullmatch(" ".join(label.split()))
        name = REGION_ALIASES.get(m["name"].casefold()) if m else None
        if name is None:
            raise EtlError(
                f"unknown region {label!r} (etl/sipri.py REGION_ALIASES)",
                file=file,
                sheet=sheet,
                row=i + 1,
            )
        if name == "World":
            parent = None
        elif name in REGIONS:
            parent, region = "World", name
        elif region is None:
            raise EtlError(f"subregion {label!r} before any region", file=file, sheet=sheet)
        else:
            parent = region
        note = (rows[i][omitted] or "").strip() or None if omitted is not None else None
        coverage = m["coverage"] or "as printed"
        values: dict[int, list] = {}
        for kind, columns in (("constant", constant), ("current", current)):
            for j, year in columns.items():
                value = numbers[i][j]
                text = (rows[i][j] or "").strip()
                if value is None and text and not NO_DATA.fullmatch(text):
                    raise EtlError(
                        f"unexpected text {text!r} in a total (expected a number or '...')",
                        file=file,
                        sheet=sheet,
                        row=i + 1,
                        column=f"{column_letters(j)} ({year})",
                    )
                values.setdefault(year, [None, None])[kind == "current"] = value
        for year, (at_constant, at_current) in values.items():
            out.append((name, parent, year, at_constant, at_current, note, label, coverage))
    frame = pl.DataFrame(
        out,
        schema={
            "region": pl.Utf8,
            "parent": pl.Utf8,
            "year": pl.Int32,
            "constant_usd_bn": pl.Float64,
            "current_usd_bn": pl.Float64,
            "omitted_countries": pl.Utf8,
            "label": pl.Utf8,
            "coverage": pl.Utf8,
        },
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
    for name, row in sheet.countries.items():
        for code in _codes(name, iso3):
            if code in seen:
                first = seen[code]
                raise EtlError(
                    f"{first!r} (row {sheet.countries[first].row}) and {name!r} (row {row.row}) "
                    f"are both {code}: duplicate (iso3, year) rows",
                    file=file,
                    sheet=sheet_name,
                    row=row.row,
                )
            seen[code] = name


def _reason(text: pl.Expr) -> pl.Expr:
    """Why a cell holds no figure ('no data', 'state did not exist', 'blank'), from its text;
    NULL for any other text, which read_sheet refuses."""
    text = text.fill_null("").str.strip_chars()
    out = pl.lit(None, pl.Utf8)
    for reason, pattern in reversed(MARKERS.items()):
        out = pl.when(text.str.contains(f"^(?:{pattern})$")).then(pl.lit(reason)).otherwise(out)
    return out


# NOTE: a footnote glued to a name ('Germany 3', 'Germany(3)', 'Libya ‡ ¶ 2'). Every release
# held prints footnotes in the Notes column, but etl.countries.clean_name strips them from
# names, so a glued one mapped to the right state and was lost, its name kept as 'Germany 3'
# (tests/test_sipri_variations.py): it is split off and read as if printed in the Notes column.
GLUED = re.compile(r"(?P<name>.*?[^\d\s(§†‡¶‖])(?P<marks>(?:\s*(?:[§†‡¶‖]+|\d+|\(\d+\)))+)\s*")


def _unglued(label: str) -> tuple[str, str | None]:
    """('Germany', '3') from 'Germany(3)'; (label, None) when nothing is glued to it."""
    if m := GLUED.fullmatch(label):
        return m["name"], " ".join(m["marks"].replace("(", " ").replace(")", " ").split())
    return label, None


def _is_marker(text: str) -> bool:
    return MARKER.fullmatch(text.strip()) is not None


def read_sheet(
    reader: fastexcel.ExcelReader,
    name: str,
    measure: Measure,
    colours: dict[tuple[int, int], str],
    file: str,
) -> Sheet:
    """One country sheet as printed: its years, its countries and every value cell.

    Read twice: as text, for labels and markers, and as float, for exact values (calamine's text
    rendering of a float keeps about 9 decimals; the float read also accepts numbers stored as
    text). skip_rows=0 keeps leading empty rows, so frame row i is Excel row i + 1. Columns are
    found by their headers: Country, Notes and the years wherever they stand.
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

    top = next(
        (i for i, r in enumerate(rows[:40]) if any((v or "").strip() == "Country" for v in r)),
        None,
    )
    if top is None:
        raise EtlError("no header row with a 'Country' column", file=file, sheet=name)
    header = [cell(top, j) for j in range(len(excel_col))]
    name_j = header.index("Country")
    above = normalised(" ".join(cell(i, j) for i in range(top) for j in range(len(excel_col))))
    if normalised(LEGEND) not in above:
        raise EtlError(
            f"colour legend {LEGEND!r} not found above the header", file=file, sheet=name
        )
    _check_scale(
        [normalised(" ".join(cell(i, j) for j in range(len(excel_col)))) for i in range(top)],
        measure.scale,
        file,
        name,
    )
    if not re.search(measure.unit, above):
        raise EtlError(
            f"the title does not state the unit this parser reads ({measure.unit!r}): has the "
            "sheet changed unit?",
            file=file,
            sheet=name,
            row=1,
        )
    if "Notes" not in header:
        raise EtlError("no 'Notes' column in the header", file=file, sheet=name, row=top + 1)
    notes_j = header.index("Notes")
    year_j = {j: int(h) for j, h in enumerate(header) if YEAR.fullmatch(h)}
    years = sorted(year_j.values())
    if not years or years != list(range(years[0], years[-1] + 1)) or len(years) != len(year_j):
        raise EtlError(
            f"year columns are not one run of distinct years: {years}",
            file=file,
            sheet=name,
            row=top + 1,
        )
    side_j = []  # blank headers: empty, or a base-year note beside a few countries
    for j, h in enumerate(header):
        if j in year_j or j in (name_j, notes_j):
            continue
        if not OTHER_HEADERS.fullmatch(h):
            raise EtlError(
                f"unexpected column {h!r}: not Country, Notes, a year or a column SIPRI is known "
                "to print (etl/sipri.py OTHER_HEADERS)",
                file=file,
                sheet=name,
                row=top + 1,
                column=column_letters(excel_col[j]),
            )
        if not h:
            side_j.append(j)

    def figures(i: int) -> bool:
        """Whether row i holds a number in a year column (markers are not figures). One
        compiled pattern per cell: three looked up by re per cell took a quarter of the parse."""
        row = rows[i]
        return any((t := (row[j] or "").strip()) and not MARKER.fullmatch(t) for j in year_j)

    # Headings (a region or subregion name and no figure) set the region and subregion of the
    # countries below; the legend some releases print under the table ends it.
    countries: dict[str, Row] = {}
    region: str | None = None
    subregion: str | None = None
    footer: int | None = None
    for i in range(top + 1, len(rows)):
        label, marks = cell(i, name_j), cell(i, notes_j) or None
        filled = figures(i)
        if not label and not marks and not any(cell(i, j) for j in year_j):
            continue
        if footer is not None:
            if filled:
                raise EtlError(
                    f"figures below the legend that ends the table (row {footer})",
                    file=file,
                    sheet=name,
                    row=i + 1,
                )
            continue
        # NOTE: 2026 prints '...' across some subregions' year cells; one in a heading's Notes
        # cell (where 2026 puts placeholders for countries) leaves it a heading too, not an
        # unknown country (tests/test_sipri_variations.py, a marker in a subregion's Notes).
        if label and not filled and (not marks or NO_DATA.fullmatch(marks)):
            if label in REGIONS:
                region, subregion = label, None
                continue
            if label.casefold() in SUBREGIONS:
                subregion = SUBREGIONS[label.casefold()]
                continue
            if FOOTER.match(label):
                footer = i + 1
                continue
        if not label or region is None:
            problem = "figures without a country name" if not label else "country before a region"
            raise EtlError(problem, file=file, sheet=name, row=i + 1)
        label, glued = _unglued(label)
        if glued:
            marks = " ".join(filter(None, (marks, glued)))
        if label in countries:
            raise EtlError(
                f"{label!r} printed twice (rows {countries[label].row} and {i + 1}): "
                "duplicate (iso3, year) rows",
                file=file,
                sheet=name,
                row=i + 1,
            )
        if marks and not (FOOTNOTE_MARKS.fullmatch(marks) or NO_DATA.fullmatch(marks)):
            raise EtlError(
                f"unexpected text {marks!r} in the Notes column",
                file=file,
                sheet=name,
                row=i + 1,
                column=column_letters(excel_col[notes_j]),
            )
        side = "; ".join(t for j in side_j if (t := cell(i, j))) or None
        countries[label] = Row(i + 1, region, subregion, marks, side)

    # Long form: one row per (country, year) cell, with its Excel position for messages.
    at = [row.row - 1 for row in countries.values()]
    year_cols = {text.columns[j]: str(excel_col[j]) for j in year_j}

    def long(frame: pl.DataFrame, value: str) -> pl.DataFrame:
        return (
            frame.select(list(year_cols))[at]  # the year columns only, then the rows
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
                pl.when(pl.col("colour") == ERROR)
                .then(pl.lit(ERROR))
                .otherwise(_reason(pl.col("text")))
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
            found = frame.sort("row", "col").row(0, named=True)
            raise EtlError(
                problem.format(**found),
                file=file,
                sheet=name,
                row=found["row"],
                column=f"{column_letters(found['col'])} ({found['year']})",
            )
    return Sheet(years, countries, cells.select("name", "year", "value", "reason", "colour"))


def _check_scale(titles: list[str], scale: str | None, file: str, sheet: str) -> None:
    """Refuse title rows (normalised) that state a scale other than the sheet's (SCALES)."""
    for i, text in enumerate(titles):
        stated = [s for s, pattern in SCALES.items() if s != scale and re.search(pattern, text)]
        if stated:
            own = f"the {scale} this parser reads" if scale else "units, as this parser reads"
            raise EtlError(
                f"the title states {stated[0]}, not {own}: has the sheet changed unit?",
                file=file,
                sheet=sheet,
                row=i + 1,
            )


@cache
def _column_index(letters: bytes) -> int:
    """b'A' -> 0, b'AA' -> 26 (cached: a sheet has a few dozen columns and 10^4 coloured cells)."""
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def font_colours(
    path: Path, sheets: list[str]
) -> tuple[dict[str, dict[tuple[int, int], str]], dict[str, list[tuple[int, int]]]]:
    """Per sheet, {(Excel row, 0-based column): colour} for every cell in a non-black font, and
    the cells that hold a formula but no stored value (calamine would read them as empty).

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
        theme = _theme_colours(z)
        fonts = [
            _classify(font.find(f"{_MAIN}color"), palette, theme)
            for font in styles.find(f"{_MAIN}fonts")
        ]
        by_style = {
            str(i): fonts[int(xf.get("fontId", "0"))]
            for i, xf in enumerate(styles.find(f"{_MAIN}cellXfs"))
        }
        coloured = {style: colour for style, colour in by_style.items() if colour}
        parts = _sheet_parts(z)
        # One regex over each sheet's XML finds the cells in a coloured style. It expects s right
        # after r, the schema's attribute order (r, s, t, ...) that Excel, LibreOffice and
        # openpyxl write, or after r and t, the order SIPRI's Apache POI export writes (2022,
        # 2023 releases); parse() fails if no figure at all comes out blue. iterparse took 0.16 s
        # for the six sheets, a regex for any attribute order 0.06 s, one allowing other
        # attributes between r and s 0.036 s (it scans every cell to its '>') and this 0.014 s.
        in_style = b"|".join(re.escape(style.encode()) for style in coloured)
        cell = re.compile(rb'<c r="([A-Z]+)(\d+)"(?: t="\w+")? s="(' + in_style + rb')"')
        by_bytes = {style.encode(): colour for style, colour in coloured.items()}
        out: dict[str, dict[tuple[int, int], str]] = {}
        formulas: dict[str, list[tuple[int, int]]] = {}
        for sheet in sheets:
            xml = z.read(parts[sheet])
            out[sheet] = {
                (int(row), _column_index(letters)): by_bytes[style]
                for letters, row, style in (cell.findall(xml) if coloured else ())
            }
            formulas[sheet] = [
                (int(row), _column_index(letters)) for letters, row in _NO_VALUE.findall(xml)
            ]
            # An error cell (t="e": '#VALUE!'), which calamine reads as empty, is painted
            # 'error' so read_sheet can say why the figure is missing (the 2020 and 2021
            # releases hold one: Myanmar 1997, share of government spending).
            for letters, row in _ERROR_CELL.findall(xml):
                out[sheet][(int(row), _column_index(letters))] = ERROR
    return out, formulas


ERROR = "spreadsheet error"  # a pseudo-colour: the cell holds an Excel error, not a figure
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bt="e"')

# A cell holding a formula and no cached value: <c r="B7" ...><f>SUM(...)</f></c>, or with an
# empty <v/> as openpyxl writes one.
_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)'
    rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


def _classify(color: ET.Element | None, palette: list[str], theme: list[str]) -> str | None:
    """'blue', 'red', None for black/grey/automatic text, or a description of any other colour.

    By hue, not by exact value: the releases paint estimates in 0000FF (indexed 12 or rgb), one
    2017 cell in 2738E1, and one cell of the 2017-2021 releases in the theme's 'Text 2' dark blue
    (1F497D, Share of Govt. spending, 2010): all read as SIPRI's estimate blue. Reds are FF0000
    and the theme's C0504D."""
    if color is None or color.get("auto") == "1":
        return None
    if (rgb := color.get("rgb")) is not None:
        hexa = rgb[-6:]
    elif (indexed := color.get("indexed")) is not None:
        if int(indexed) >= len(palette):
            return None  # 64, 65: system foreground and background
        hexa = palette[int(indexed)]
    elif (index := color.get("theme")) is not None:
        # Excel numbers theme colours Background 1, Text 1, Background 2, Text 2, accents...:
        # the first two pairs are swapped against the theme part's order (dk1, lt1, dk2, lt2).
        at = {0: 1, 1: 0, 2: 3, 3: 2}.get(int(index), int(index))
        if at in (0, 1):
            return None  # the default text and background
        if at >= len(theme):
            return f"theme colour {index} (the workbook has no such theme colour)"
        hexa = _tinted(theme[at], float(color.get("tint", "0")))
    else:
        return None
    r, g, b = (int(hexa[k : k + 2], 16) / 255 for k in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
    if saturation < 0.3 or value < 0.25:
        return None  # black, grey, white and near them
    if 200 <= hue * 360 <= 260:
        return "blue"
    if hue * 360 >= 340 or hue * 360 <= 20:
        return "red"
    return f"#{hexa}"


def _tinted(hexa: str, tint: float) -> str:
    """A theme colour with Excel's tint applied to its lightness."""
    r, g, b = (int(hexa[k : k + 2], 16) / 255 for k in (0, 2, 4))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(h, light, s))


def _theme_colours(z: zipfile.ZipFile) -> list[str]:
    """The workbook theme's colour scheme in file order (dk1, lt1, dk2, lt2, accent1-6, ...);
    empty when the workbook has no theme part (SIPRI's Apache POI exports of 2022 and 2023)."""
    try:
        theme = ET.fromstring(z.read("xl/theme/theme1.xml"))
    except KeyError:
        return []
    scheme = theme.find(f"{_DRAWING}themeElements/{_DRAWING}clrScheme")
    out = []
    for slot in scheme if scheme is not None else ():
        colour = slot[0] if len(slot) else None
        value = colour.get("val") if colour is not None else None
        if colour is not None and colour.tag == f"{_DRAWING}sysClr":
            value = colour.get("lastClr")
        out.append((value or "000000")[-6:])
    return out


_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


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
