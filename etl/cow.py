"""Correlates of War National Material Capabilities (NMC, abridged CSV) → `cow_nmc`.

COW state abbreviations are not ISO codes (COW 'CZE' is Czechoslovakia, 'AUS' Austria), so
iso3 comes from the state's name in cow/COW-country-codes.csv through etl.countries.to_iso3.
That file has CR-only line endings and 243 rows for 217 codes: 26 rows are exact repeats
(Cuba, Haiti, ...), dropped here; one code with two different names or abbreviations fails.
-9 is COW's missing-value marker and becomes NULL.

Where one COW code spans states that ISO keeps apart, YEAR_RULES below decide; they were checked
against the years NMC 6.0 actually holds, and every resulting (iso3, year) is unique.

The NMC file is one `edition` row: dated by the registry for a known file, else by its own
`version` year, the last day of that year either way (etl/sources/cow.py says why).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from core.errors import EtlError
from etl.countries import to_iso3
from etl.rawfiles import Parsed, find

# Shared CSV reading: table() row by row with line numbers, plain_frame() and numbers() in bulk.
from etl.readers import number, numbers, plain_frame, table
from etl.sources import cow as source
from etl.sources.base import edition_frame

MISSING = "-9"
INTEGER = r"^-?\d+$"

# NMC column -> cow_nmc column; the values are all in COW's own units (see schema.sql).
MEASURES = {
    "milex": "milex_current_kusd",
    "milper": "milper_k",
    "irst": "irst_kt",
    "pec": "pec_kt_coal_eq",
    "tpop": "tpop_k",
    "upop": "upop_k",
    "cinc": "cinc",
}

# (ccode, first year, last year, iso3 or None) overriding the name's ISO3 in those years.
YEAR_RULES = [
    # 365 "Russia" runs 1816-2016 without a break: the Russian Empire and Russia are RUS (by
    # name); the Soviet Union 1922-1991 is SUN, as in data/historical_states.csv. The USSR was
    # founded on 30 Dec 1922; COW does not split that year, so 1922 is SUN. COW's 1991 row is
    # mixed: population and iron/steel are Russia's alone (148 m people, 281 m in 1990) while
    # milex is still USSR-sized; it stays SUN, in line with SIPRI's USSR series to 1991.
    (365, 1922, 1991, "SUN"),
    # 345 "Yugoslavia" holds 1878-1941 and 1944-2016: the Kingdom of Serbia to 1918 and Serbia
    # from 2006 (the year COW's Montenegro, 341, starts) are SRB; 1919-2005 stays YUG by name.
    # That includes Serbia and Montenegro 2003-2006, the renamed FRY, which has no code here.
    (345, 1878, 1918, "SRB"),
    (345, 2006, 9999, "SRB"),
    # 255 "Germany" (1816-1945, 1990-2016) and 260 "German Federal Republic" (1955-1990) are both
    # DEU by name, but both have a 1990 row. 255's 1990 is unified Germany (79.4 m people against
    # the GFR's 63.3 m), which DEU continues, so the GFR's 1990 row keeps iso3 NULL.
    (260, 1990, 1990, None),
]
# Everything else follows the name: 315 Czechoslovakia (1918-1939, 1945-1992) -> CSK,
# 265 GDR (1954-1990) -> DDR, 678 Yemen Arab Republic (from 1926, COW's North Yemen) -> YAR,
# 680 Yemen People's Republic -> YMD; pre-unification German and Italian states, Austria-Hungary,
# Korea to 1905, Zanzibar and South Vietnam have no ISO3 (NULL, see the overrides' notes).

SCHEMA = {
    "ccode": pl.Int32,
    "stateabb": pl.Utf8,
    "iso3": pl.Utf8,
    "year": pl.Int32,
    **dict.fromkeys(MEASURES.values(), pl.Float64),
    "version": pl.Utf8,
}


def _integer(text: str, *, file: str, row: int, column: str) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise EtlError(f"{text!r} is not an integer", file=file, row=row, column=column)
    return int(text)


def _measure(text: str, *, file: str, row: int, column: str) -> float | None:
    if text == MISSING:
        return None
    if text == "":  # COW marks missing values with -9; an empty cell means a damaged file
        raise EtlError("empty cell (COW writes -9 for missing)", file=file, row=row, column=column)
    return number(text, file=file, row=row, column=column)


def _codes(path: Path, name: str) -> dict[int, tuple[str, str, int]]:
    """{ccode: (abbreviation, name, line)}; exact repeats dropped, conflicting repeats fail."""
    codes: dict[int, tuple[str, str, int]] = {}
    for line, r in table(path, name, ["StateAbb", "CCode", "StateNme"]):
        ccode = _integer(r["CCode"], file=name, row=line, column="CCode")
        abb, state = r["StateAbb"], r["StateNme"]
        if ccode in codes and codes[ccode][:2] != (abb, state):
            raise EtlError(
                f"code {ccode} is {abb}/{state!r} here, {codes[ccode][0]}/{codes[ccode][1]!r} "
                f"at line {codes[ccode][2]}",
                file=name,
                row=line,
                column="CCode",
            )
        codes.setdefault(ccode, (abb, state, line))
    return codes


def _iso3(ccode: int, year: int, by_name: str | None) -> str | None:
    for code, first, last, iso3 in YEAR_RULES:
        if code == ccode and first <= year <= last:
            return iso3
    return by_name


def _nmc_bulk(
    path: Path, codes: dict[int, tuple[str, str, int]], iso_by_name: dict[str, str | None]
) -> pl.DataFrame | None:
    """cow_nmc read in bulk with polars, or None when any row breaks a rule _nmc_rows checks.

    The same rules, column at a time: integer codes and years, codes in the code list with its
    abbreviation, a version, -9 or a number in every measure, unique (ccode, year) and (iso3,
    year). It only ever accepts a file _nmc_rows accepts and then gives the same frame; on
    anything else it steps aside and _nmc_rows names the first offending row.
    """
    text = plain_frame(path, ["stateabb", "ccode", "year", *MEASURES, "version"])
    if text is None:
        return None
    well_formed = text.select(
        pl.col("ccode").str.contains(INTEGER).all(),
        pl.col("year").str.contains(INTEGER).all(),
        (pl.col("version") != "").all(),
        *((pl.col(raw) != "").all() for raw in MEASURES),
    ).row(0)
    if not all(well_formed):
        return None
    abbs = {code: abb for code, (abb, _, _) in codes.items()}
    by_name = {code: iso_by_name[state] for code, (_, state, _) in codes.items()}
    keys = text.select(
        pl.col("ccode").cast(pl.Int32, strict=False),
        pl.col("year").cast(pl.Int32, strict=False),
        "stateabb",
    )
    if keys.null_count().sum_horizontal().item() or not keys["ccode"].is_in(list(codes)).all():
        return None
    iso3 = pl.col("ccode").replace_strict(by_name, default=None, return_dtype=pl.Utf8)
    for ccode, first, last, code in reversed(YEAR_RULES):  # the first matching rule wins
        rule = (pl.col("ccode") == ccode) & pl.col("year").is_between(first, last)
        iso3 = pl.when(rule).then(pl.lit(code, dtype=pl.Utf8)).otherwise(iso3)
    keys = keys.with_columns(
        expected=pl.col("ccode").replace_strict(abbs, return_dtype=pl.Utf8), iso3=iso3
    )
    keyed = keys.filter(pl.col("iso3").is_not_null())
    if (
        (keys["stateabb"] != keys["expected"]).any()
        or keys.select("ccode", "year").is_duplicated().any()
        or keyed.select("iso3", "year").is_duplicated().any()
    ):
        return None
    cells = text.select(  # -9 becomes '', which numbers() reads as null
        pl.when(pl.col(raw) == MISSING).then(pl.lit("")).otherwise(pl.col(raw)).alias(column)
        for raw, column in MEASURES.items()
    )
    measures = [numbers(cells.get_column(column)) for column in cells.columns]
    if any(values is None for values in measures):
        return None
    return keys.select("ccode", "stateabb", "iso3", "year").with_columns(
        *measures, version=text.get_column("version")
    )


def _nmc_rows(
    path: Path,
    nmc_name: str,
    codes: dict[int, tuple[str, str, int]],
    codes_name: str,
    iso_by_name: dict[str, str | None],
) -> pl.DataFrame:
    """cow_nmc read row by row, raising on the first row that breaks a rule (with its line)."""
    rows, lines = [], {}  # lines: key -> line, to name both rows of a duplicate
    for line, r in table(path, nmc_name, ["stateabb", "ccode", "year", *MEASURES, "version"]):
        ccode = _integer(r["ccode"], file=nmc_name, row=line, column="ccode")
        year = _integer(r["year"], file=nmc_name, row=line, column="year")
        if ccode not in codes:
            raise EtlError(f"code {ccode} is not in {codes_name}", file=nmc_name, row=line)
        abb, state, _ = codes[ccode]
        if r["stateabb"] != abb:  # a shifted column or a different code list
            raise EtlError(
                f"{r['stateabb']!r} but {codes_name} says {abb!r} for code {ccode}",
                file=nmc_name,
                row=line,
                column="stateabb",
            )
        if not r["version"]:
            raise EtlError("empty version", file=nmc_name, row=line, column="version")
        iso3 = _iso3(ccode, year, iso_by_name[state])
        for key in [("ccode", ccode, year)] + ([("iso3", iso3, year)] if iso3 else []):
            if key in lines:
                raise EtlError(
                    f"{key[0]} {key[1]} year {year} also at line {lines[key]}",
                    file=nmc_name,
                    row=line,
                    column=key[0],
                )
            lines[key] = line
        measures = {
            col: _measure(r[raw], file=nmc_name, row=line, column=raw)
            for raw, col in MEASURES.items()
        }
        rows.append(
            {
                "ccode": ccode,
                "stateabb": abb,
                "iso3": iso3,
                "year": year,
                **measures,
                "version": r["version"],
            }
        )

    return pl.DataFrame(rows, schema=SCHEMA)


def _stated_day(path: Path, name: str, versions: list[str]) -> date:
    """The day the NMC file is dated: the registry's for known bytes, else its `version` year's
    last day (the latest year, where a file mixes versions); a version that is not a year is
    refused, since nothing else in the file says when it was published."""
    if known := source.SOURCE.genuine(path):
        return known.published
    if not versions or not all(re.fullmatch(r"\d{4}", v) for v in versions):
        raise EtlError(
            f"no release date: version {', '.join(versions) or 'missing'} is not a year and "
            "etl/sources/cow.py does not know these bytes",
            file=name,
            column="version",
        )
    return source.stated_day(max(int(v) for v in versions))


def parse(raw_dir: Path) -> Parsed:
    codes_path = find(raw_dir, f"cow/{source.CODES_GLOB}")
    nmc_path = find(raw_dir, f"cow/{source.NMC_GLOB}")
    codes_name = codes_path.relative_to(raw_dir).as_posix()
    nmc_name = nmc_path.relative_to(raw_dir).as_posix()
    codes = _codes(codes_path, codes_name)
    iso_by_name = to_iso3((state for _, state, _ in codes.values()), file=codes_name)
    frame = _nmc_bulk(nmc_path, codes, iso_by_name)
    if frame is None:  # a problem somewhere (or an unusual file): find and name it row by row
        frame = _nmc_rows(nmc_path, nmc_name, codes, codes_name, iso_by_name)
    versions = sorted(set(frame["version"]))
    release = re.search(r"NMC-(\d)(\d+)", nmc_path.name)  # NMC-60 -> 6.0
    edition = f"{release[1]}.{release[2]} " if release else ""
    day = _stated_day(nmc_path, nmc_name, versions)
    row = edition_frame(
        source=source.SOURCE.key,
        edition=day,
        definition=f"National Material Capabilities {edition}(version {', '.join(versions)})",
        price_base_year=None,  # milex in thousand current US$: no constant prices
        file=nmc_name,
        first_year=frame["year"].min(),
        last_year=frame["year"].max(),
    )
    return Parsed(
        tables={"cow_nmc": frame, "edition": row},
        files=[
            source.SOURCE.describe(
                nmc_path,
                raw_dir,
                edition=f"NMC {edition}(version {', '.join(versions)})",
                url=source.NMC_URL,
                rows=frame.height,
            ),
            source.SOURCE.describe(
                codes_path,
                raw_dir,
                edition="unversioned (no release marked in the file)",
                url=source.CODES_URL,
                rows=frame.height,  # every NMC row takes its name and ISO3 from this file
            ),
        ],
    )
