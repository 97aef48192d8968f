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


def _read_series(path: Path, name: str, code: str) -> tuple[str, dict[str, tuple[int, list]]]:
    """Edition ("Last Updated Date") and {country code: (line, [(year, value), ...])}."""
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

    series: dict[str, tuple[int, list]] = {}
    for line, fields in rows:
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
        if iso in series:
            raise EtlError(
                f"{iso} repeats line {series[iso][0]}", file=name, row=line, column="Country Code"
            )
        values = [(y, number(fields[i], file=name, row=line, column=str(y))) for y, i in years]
        series[iso] = (line, values)
    return edition, series


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
        edition, series = _read_series(data_path, data_name, code)
        countries, aggregates = _read_metadata(meta_path, meta_name)

        tidy = []
        for iso, (line, values) in series.items():
            if iso in countries:
                tidy += [(iso, year, v) for year, v in values if v is not None]
            elif iso not in aggregates and is_known_code(iso):
                # A real country with no metadata row would otherwise vanish without a word.
                raise EtlError(
                    f"{iso} is not in {meta_name}", file=data_name, row=line, column="Country Code"
                )
            # else: an aggregate, or INX "Not classified" (no metadata row): not a country
        frames.append(
            pl.DataFrame(
                tidy,
                schema={"iso3": pl.Utf8, "year": pl.Int32, column: pl.Float64},
                orient="row",
            )
        )
        metadata.append((edition, countries))
        source = {"publisher": PUBLISHER, "edition": edition, "url": URL.format(code=code)}
        files += [
            describe(data_path, raw_dir, **source, licence=LICENCE, rows=len(tidy)),
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
