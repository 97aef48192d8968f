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

Each indicator file is one `edition` row, dated by its own "Last Updated Date" (the World Bank's
statement, never the file's mtime), with the years its countries have values for.
"""

from __future__ import annotations

import re
from datetime import date
from functools import reduce
from operator import itemgetter
from pathlib import Path

import polars as pl

from core.errors import EtlError
from etl.countries import is_known_code
from etl.rawfiles import Parsed, SourceFile, find
from etl.readers import _columns, number, numbers, records, table
from etl.sources import worldbank as source
from etl.sources.base import edition_frame

INDICATORS = source.INDICATORS  # WDI indicator code -> wb_macro column

ID_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
META_COLUMNS = ("Country Code", "Region", "IncomeGroup", "TableName")
YEAR = re.compile(r"\d{4}")


def _read_series(path: Path, name: str, code: str) -> tuple[date, dict[str, int], pl.DataFrame]:
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
        updated = date.fromisoformat(edition or "")
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
    return updated, lines, long


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
    editions: list[pl.DataFrame] = []
    files: list[SourceFile] = []
    metadata: list[tuple[date, dict]] = []
    for code, column in INDICATORS.items():
        data_path = find(raw_dir, f"worldbank/{source.data_glob(code)}")
        meta_path = find(raw_dir, f"worldbank/{source.metadata_glob(code)}")
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
        editions.append(
            edition_frame(
                source=source.SOURCE.key,
                edition=edition,
                definition=source.DEFINITIONS[code],
                price_base_year=None,  # current US$, persons, percent: no constant prices
                file=data_name,
                first_year=tidy["year"].min(),
                last_year=tidy["year"].max(),
            )
        )
        metadata.append((edition, countries))
        about = {"edition": edition.isoformat(), "url": source.URL.format(code=code)}
        files += [
            source.SOURCE.describe(data_path, raw_dir, **about, rows=tidy.height),
            source.SOURCE.describe(meta_path, raw_dir, **about, rows=len(countries)),
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
        tables={
            "wb_macro": macro.sort("iso3", "year"),
            "wb_country": country.sort("iso3"),
            "edition": pl.concat(editions),
        },
        files=files,
    )
