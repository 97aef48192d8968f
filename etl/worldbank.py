"""World Bank WDI bulk CSVs → `wb_macro` (GDP, population, military share of GDP), `wb_country`.

Each indicator is an `API_<code>_DS2_*.csv` with a `Metadata_Country_API_<code>_DS2_*.csv` beside
it, exactly as unzipped from the World Bank download. Their quirks, all handled here: a UTF-8 BOM;
a preamble ("Data Source", blank, "Last Updated Date", blank) before the header; a trailing comma
on every line, i.e. an unnamed empty last column; one column per year (1960-2025 in the 2026
milex file); empty cells for missing values; CRLF line endings (LF and CR-only are read too);
quoted multi-line notes in the metadata.

Rows that are not countries are dropped: aggregates (World, regions, income groups; 48 in every
metadata file of this release) have an empty Region in the metadata, and INX "Not classified"
has a data row but no metadata row at all.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from datetime import date
from functools import reduce
from operator import itemgetter
from pathlib import Path

import polars as pl

from etl.countries import is_known_code
from etl.errors import EtlError
from etl.rawfiles import Parsed, SourceFile, describe, find

INDICATORS = {  # WDI indicator code -> wb_macro column
    "NY.GDP.MKTP.CD": "gdp_current_usd",
    "SP.POP.TOTL": "population",
    "MS.MIL.XPND.GD.ZS": "milex_share_gdp_pct",
}
PUBLISHER = "World Bank, World Development Indicators"
URL = "https://api.worldbank.org/v2/en/indicator/{code}?downloadformat=csv"
LICENCE = "CC BY 4.0"

ID_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
META_COLUMNS = ("Country Code", "Region", "IncomeGroup", "TableName")
YEAR = re.compile(r"\d{4}")


def records(path: Path, name: str):
    """(first line number, fields) per CSV record; any line ending; BOM dropped; UTF-8 or fail."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
        raise EtlError(f"not UTF-8 (byte {raw[e.start]:#04x})", file=name, row=line) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as e:
        raise EtlError(f"malformed CSV: {e}", file=name, row=start) from None


def table(path: Path, name: str, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """(line, {column: text}) per record of a plain CSV whose first line is the header."""
    rows = records(path, name)
    line, header = next(rows, (1, []))
    _columns(header, required, file=name, row=line)
    out = []
    for line, fields in rows:
        if not fields:
            continue  # blank line
        if len(fields) != len(header):
            raise EtlError(f"{len(fields)} fields, header has {len(header)}", file=name, row=line)
        out.append((line, dict(zip(header, fields, strict=True))))
    return out


# Numbers that float() and polars read alike: the only text numbers() converts in bulk.
PLAIN_NUMBER = r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def plain_frame(path: Path, required: Iterable[str]) -> pl.DataFrame | None:
    """A plain CSV as an all-text frame read by polars, or None when `table` must read it.

    Plain means: UTF-8, no quote and no NUL character, a header naming every required column
    once, no blank line but at the end, and as many fields on every line as in the header. Then
    polars reads exactly what `table` would, several times faster; anything else (a damaged or
    unusual file) returns None and the caller reads it with `table`, whose errors name the line.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if '"' in text or "\x00" in text:
        return None
    if text.count("\r") != text.count("\r\n"):  # CR-only line ends: polars needs LF
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.rstrip("\r\n")
    if "\n" not in text:  # a header and nothing else
        return None
    header = text[: text.find("\n")].rstrip("\r").split(",")
    named = [h for h in header if h]
    if len(set(named)) != len(named) or not set(required) <= set(header):
        return None
    try:  # polars fails on a line with too many fields, and reads a short one as padded
        frame = pl.read_csv(text.encode(), infer_schema=False, empty_string_is_null=False)
    except pl.exceptions.ComputeError:
        return None
    # Every line has at most len(header) fields, so as many commas as that many on every line
    # means no line is short and none is blank (a blank line would be read as a row of '').
    lines = text.count("\n") + 1
    return frame if text.count(",") == lines * (len(header) - 1) else None


def numbers(texts: pl.Series) -> pl.Series | None:
    """Float64 of text cells ('' -> null) as number() reads them, or None when any cell is not
    a plain number (then the caller calls number() per cell, which accepts or names it)."""
    if not (texts.str.contains(PLAIN_NUMBER) | (texts == "")).all():
        return None
    values = texts.cast(pl.Float64, strict=False)  # only '' fails: it becomes null
    return values if values.is_finite().all() else None  # '1e999' is inf: number() says so


def number(text: str, *, file: str, row: int, column: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise EtlError(f"{text!r} is not a number", file=file, row=row, column=column)
    return value


def _columns(header: list[str], required: Iterable[str], *, file: str, row: int) -> dict:
    """Column name -> index; fails on a missing or duplicated name (unnamed columns are ignored)."""
    named = [h for h in header if h]
    if dupes := sorted({h for h in named if named.count(h) > 1}):
        raise EtlError(f"duplicated column(s) {dupes}", file=file, row=row)
    if missing := [c for c in required if c not in header]:
        raise EtlError(f"missing column(s) {missing}", file=file, row=row)
    return {h: i for i, h in enumerate(header) if h}


def _read_series(path: Path, name: str, code: str) -> tuple[str, dict[str, int], pl.DataFrame]:
    """Edition ("Last Updated Date"), {country code: line} and the values in long form
    (iso3, year, value; one row per country and year column, in file order, blanks NULL)."""
    rows = records(path, name)
    edition = None
    for line, fields in rows:
        if fields[:1] == ["Last Updated Date"] and len(fields) > 1:
            edition = fields[1]
        if fields[:1] == ["Country Name"]:
            header, header_line = fields, line
            break
    else:
        raise EtlError("no header row starting with 'Country Name'", file=name)
    try:
        date.fromisoformat(edition or "")
    except ValueError:
        raise EtlError(
            f"preamble has no 'Last Updated Date' (found {edition!r})", file=name, row=header_line
        ) from None
    cols = _columns(header, ID_COLUMNS, file=name, row=header_line)
    if extra := [h for h in cols if h not in ID_COLUMNS and not YEAR.fullmatch(h)]:
        raise EtlError(f"unexpected column(s) {extra}", file=name, row=header_line)
    years = [(int(h), i) for h, i in cols.items() if YEAR.fullmatch(h)]
    unnamed = [i for i, h in enumerate(header) if not h]  # the trailing-comma column
    body = list(rows)
    # Every year cell at once: if all are plain numbers or blank, number() cannot fail on any
    # and is not called; otherwise it is, cell by cell, and names the first bad one.
    pick = itemgetter(*(i for _, i in years), 0)  # the 0 makes it a tuple even for one year
    cells = [cell for _, f in body if len(f) == len(header) for cell in pick(f)[:-1]]
    values = numbers(pl.Series(cells, dtype=pl.Utf8))
    checked: list[float | None] = []

    lines: dict[str, int] = {}
    for line, fields in body:
        if not fields:
            continue  # blank line (end of file)
        if len(fields) != len(header):
            raise EtlError(f"{len(fields)} fields, header has {len(header)}", file=name, row=line)
        if fields[cols["Indicator Code"]] != code:
            got = fields[cols["Indicator Code"]]
            raise EtlError(
                f"expected {code}, found {got!r}", file=name, row=line, column="Indicator Code"
            )
        if any(fields[i] for i in unnamed):
            raise EtlError("value in an unnamed column", file=name, row=line)
        iso = fields[cols["Country Code"]]
        if iso in lines:
            raise EtlError(
                f"{iso} repeats line {lines[iso]}", file=name, row=line, column="Country Code"
            )
        lines[iso] = line
        if values is None:
            checked += [number(fields[i], file=name, row=line, column=str(y)) for y, i in years]
    long = pl.DataFrame(
        {
            "iso3": [iso for iso in lines for _ in years],
            "year": [y for y, _ in years] * len(lines),
            "value": values if values is not None else checked,
        },
        schema={"iso3": pl.Utf8, "year": pl.Int32, "value": pl.Float64},
    )
    return edition, lines, long


def _read_metadata(path: Path, name: str) -> tuple[dict[str, tuple], set[str]]:
    """({iso3: (name, region, income group)} for countries, {aggregate codes})."""
    countries: dict[str, tuple] = {}
    aggregates: set[str] = set()
    for line, r in table(path, name, META_COLUMNS):
        code, region, income, table_name = (r[c] for c in META_COLUMNS)
        if code in countries or code in aggregates:
            raise EtlError(f"{code} listed twice", file=name, row=line, column="Country Code")
        if not region:  # how WDI marks an aggregate (World, Euro area, High income, ...)
            aggregates.add(code)
            continue
        if not is_known_code(code):
            raise EtlError(
                f"unknown country code {code!r}: add it to data/country_overrides.csv",
                file=name,
                row=line,
                column="Country Code",
            )
        if not table_name:
            raise EtlError(f"{code} has no name", file=name, row=line, column="TableName")
        countries[code] = (table_name, region, income or None)
    return countries, aggregates


def parse(raw_dir: Path) -> Parsed:
    frames: list[pl.DataFrame] = []
    files: list[SourceFile] = []
    metadata: list[tuple[str, dict]] = []
    for code, column in INDICATORS.items():
        data_path = find(raw_dir, f"worldbank/API_{code}_DS2_*.csv")
        meta_path = find(raw_dir, f"worldbank/Metadata_Country_API_{code}_DS2_*.csv")
        data_name = data_path.relative_to(raw_dir).as_posix()
        meta_name = meta_path.relative_to(raw_dir).as_posix()
        edition, lines, long = _read_series(data_path, data_name, code)
        countries, aggregates = _read_metadata(meta_path, meta_name)

        for iso, line in lines.items():
            if iso not in countries and iso not in aggregates and is_known_code(iso):
                # A real country with no metadata row would otherwise vanish without a word.
                raise EtlError(
                    f"{iso} is not in {meta_name}", file=data_name, row=line, column="Country Code"
                )
            # else: a country, an aggregate, or INX "Not classified" (no metadata row)
        tidy = long.filter(
            pl.col("iso3").is_in(list(countries)) & pl.col("value").is_not_null()
        ).rename({"value": column})
        frames.append(tidy)
        metadata.append((edition, countries))
        source = {"publisher": PUBLISHER, "edition": edition, "url": URL.format(code=code)}
        files += [
            describe(data_path, raw_dir, **source, licence=LICENCE, rows=tidy.height),
            describe(meta_path, raw_dir, **source, licence=LICENCE, rows=len(countries)),
        ]

    macro = reduce(
        lambda a, b: a.join(b, on=["iso3", "year"], how="full", coalesce=True), frames
    ).select("iso3", "year", *INDICATORS.values())

    # The three metadata files agree in this release; should a later one reclassify a country
    # (income groups move every July), the most recently updated file wins.
    latest: dict[str, tuple] = {}
    for _, countries in sorted(metadata, key=lambda m: m[0]):
        latest.update(countries)
    country = pl.DataFrame(
        [(iso, *fields) for iso, fields in latest.items()],
        schema={"iso3": pl.Utf8, "name": pl.Utf8, "region": pl.Utf8, "income_group": pl.Utf8},
        orient="row",
    )
    return Parsed(
        tables={"wb_macro": macro.sort("iso3", "year"), "wb_country": country.sort("iso3")},
        files=files,
    )
