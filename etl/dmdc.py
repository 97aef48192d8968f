"""DMDC's quarterly location report, every report in the raw dir -> `us_forces` (US military and
DoD civilian personnel by assigned duty location) and one `edition` row per report.

The sheet prints a title block whose last line dates the counts ('As of December 31, 2025'),
then a two-row header: component groups merged across their columns (ACTIVE DUTY, NATIONAL
GUARD / RESERVE, APF DOD CIVILIAN, GRAND TOTAL) over the services (ARMY, NAVY, ..., TOTAL).
Column A names the block (UNITED STATES, OVERSEAS), merged down its rows; column B the state or
country. Each block ends with its total row (UNITED STATES TOTAL, OVERSEAS TOTAL), then GRAND
TOTAL, then notes. The sheet, the header row, the columns and the blocks are all found by their
text, never by position; the as-of date is read from the title, never assumed.

Quirks of the real file (31 December 2025), kept as data rather than dropped:
- merged cells: calamine gives a merged header or block label in its first cell only, so a
  group runs right to the next group, a block down to its total row;
- US territories sit in both blocks (GUAM, PUERTO RICO, NORTHERN MARIANA (ISLANDS), VIRGIN
  ISLANDS (, U.S.), AMERICAN SAMOA, WAKE ISLAND): kind 'us_territory', the block in `section`;
- 'ARMED FORCES EUROPE' and 'ARMED FORCES PACIFIC' in the US block are the Postal Service's
  military-mail "states" (AE, AP), not places: kind 'us_military_mail';
- 'ZZ-UNKNOWN' closes both blocks: personnel DMDC cannot place, kind 'unknown';
- country names in DMDC's spelling ('KOREA, SOUTH', 'CONGO (KINSHASA)', 'BURMA', 'COTE DIVOIRE',
  'NETHERLANDS ANTILLES'): data/country_overrides.csv, each with a note;
- the total rows are kept too (kind 'total'), so a sum over places never needs them but a
  reader can see them.

Checks (one EtlError naming file, sheet, row and column): each row's component totals equal the
sum of their services and its grand total the sum of the component totals; each block's total
row equals the sum of its rows, column by column; GRAND TOTAL equals the blocks' totals; a known
report's grand total equals DMDC's published figure (etl/sources/dmdc.py). Every figure must be
a whole number of persons: a blank, 'N/A' or '*' (older reports print them) is refused, as is an
unknown country, a place listed twice or a figure under no header.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import fastexcel
import polars as pl
import pycountry

from core.errors import EtlError, first_line
from etl import readers
from etl.countries import lookup, to_iso3
from etl.rawfiles import Parsed, side_by_side
from etl.sources.base import EDITION_SCHEMA, edition_frame
from etl.sources.dmdc import KNOWN_GAPS, PUBLISHED_GRAND_TOTAL, Gap
from etl.sources.dmdc import SOURCE as source

DEFINITION = "assigned US military and DoD civilian personnel"
BLOCK_LABEL, NAME_LABEL = "location", "duty state / country"  # the header row's own words
SECTIONS = {"united states": "united_states", "overseas": "overseas"}
COMPONENTS = {
    "active duty": "active_duty",
    "national guard / reserve": "guard_reserve",
    "apf dod civilian": "civilian",  # appropriated-fund DoD civilians
    "grand total": "all",
}
# Rows that name no place: the Postal Service's military "states" (mail to units abroad, no
# country given) and DMDC's own 'unknown' location.
NOT_PLACES = {
    "armed forces americas": "us_military_mail",
    "armed forces europe": "us_military_mail",
    "armed forces pacific": "us_military_mail",
    "zz-unknown": "unknown",
    "unknown": "unknown",
}
_AS_OF = re.compile(r"\bas of\s+([a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[a-z]+\s+\d{4})", re.I)
_WHOLE = re.compile(r"\d+|\d{1,3}(,\d{3})+")  # 36436 or 36,436 (a number stored as text)

US_FORCES = {
    "edition": pl.Date,
    "as_of": pl.Date,
    "section": pl.String,
    "location": pl.String,
    "kind": pl.String,
    "iso3": pl.String,
    "component": pl.String,
    "service": pl.String,
    "personnel": pl.Int32,
    "file": pl.String,
    "sheet_row": pl.Int32,
}
Column = tuple[str, str]  # (component, service), e.g. ('active_duty', 'army')


def _norm(text: object) -> str:
    """A label as compared: blanks collapsed, ' / ' around slashes, case folded."""
    return " ".join(re.sub(r"\s*/\s*", " / ", str(text or "")).split()).casefold()


def _key(label: str) -> str:
    """'MARINE CORPS RESERVE' -> 'marine_corps_reserve'; '4TH ESTATE (DOD)' -> '4th_estate_dod'."""
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")


@cache
def us_states() -> frozenset[str]:
    """The 50 states and the District of Columbia, by folded name (pycountry's ISO 3166-2)."""
    subdivisions = pycountry.subdivisions.get(country_code="US")
    return frozenset(s.name.casefold() for s in subdivisions if s.type in ("State", "District"))


@cache
def us_territories() -> frozenset[str]:
    """ISO3 of the US outlying areas (ISO 3166-2 'US-GU', ...): ASM GUM MNP PRI UMI VIR."""
    subdivisions = pycountry.subdivisions.get(country_code="US")
    codes = (s.code.split("-")[1] for s in subdivisions if s.type == "Outlying area")
    return frozenset(pycountry.countries.get(alpha_2=c).alpha_3 for c in codes)


@dataclass
class _Place:
    row: int  # Excel row
    location: str  # as printed
    figures: dict[Column, int]
    section: str | None = None  # set when its block's total row is reached
    kind: str = ""
    iso3: str | None = None


@dataclass
class _Sheet:
    """The report's sheet as calamine reads it (every cell as text), with its header read."""

    file: str
    name: str
    rows: list[tuple]
    letters: list[str]
    header_row: int = 0  # list index of the group-header row
    block_col: int = 0
    name_col: int = 0
    columns: dict[int, Column] = field(default_factory=dict)  # cell index -> column

    def error(self, problem: str, row: int | None = None, col: int | None = None) -> EtlError:
        where = None if col is None else self.where(col)
        return EtlError(problem, file=self.file, sheet=self.name, row=row, column=where)

    def where(self, col: int) -> str:
        """'I (active_duty total)': the cell's column letter and what it holds."""
        found = self.columns.get(col)
        return f"{self.letters[col]} ({found[0]} {found[1]})" if found else self.letters[col]


def parse(raw_dir: Path) -> Parsed:
    """Every DMDC report in raw_dir, side by side (keyed by edition). None at all is not an
    error: `etl refresh` cannot download a report (etl/sources/dmdc.py), so a raw dir it filled
    from scratch has none until one is saved there, and the warehouse then has no US forces."""
    paths = source.files(raw_dir, workbooks=True)  # unzipped sizes and rows checked
    if not paths:
        empty = {"us_forces": US_FORCES, "edition": EDITION_SCHEMA}
        return Parsed(tables={t: pl.DataFrame(schema=s) for t, s in empty.items()}, files=[])
    return side_by_side(paths, raw_dir, parse_file, source.patterns, "report")


def parse_file(path: Path, raw_dir: Path) -> Parsed:
    """One report: its sheet, header, as-of date, places and totals, checked."""
    file = path.relative_to(raw_dir).as_posix()
    sheet = _find_sheet(path, file)
    _read_header(sheet)
    as_of = _as_of(sheet)
    known = source.genuine(path)
    edition = known.published if known else readers.modified_date(path, file)
    if edition < as_of:
        raise EtlError(
            f"saved on {edition} (docProps), before the {as_of} it reports on: not DMDC's file?",
            file=file,
        )
    places, totals = _read_rows(sheet)
    _classify(sheet, places)
    found = [g for p in places for g in _row_gaps(sheet, p.row, p.location, p.figures)]
    found += [g for row, label, fig in totals.values() for g in _row_gaps(sheet, row, label, fig)]
    found += _block_gaps(sheet, places, totals)
    _check_gaps(sheet, found, as_of)
    grand = totals["all"][2][("all", "total")]
    published = PUBLISHED_GRAND_TOTAL.get(as_of)
    if published is not None and grand != published:
        col = next(c for c, k in sheet.columns.items() if k == ("all", "total"))
        raise sheet.error(
            f"grand total {grand:,} is not the {published:,} DMDC published for {as_of}",
            totals["all"][0],
            col,
        )

    records = [(p.row, p.section, p.location, p.kind, p.iso3, p.figures) for p in places] + [
        (row, section, label, "total", None, figures)
        for section, (row, label, figures) in totals.items()
    ]
    frame = pl.DataFrame(
        [
            {
                "edition": edition,
                "as_of": as_of,
                "section": section,
                "location": location,
                "kind": kind,
                "iso3": iso3,
                "component": component,
                "service": service,
                "personnel": personnel,
                "file": file,
                "sheet_row": row,
            }
            for row, section, location, kind, iso3, figures in records
            for (component, service), personnel in figures.items()
        ],
        schema=US_FORCES,
    ).sort("section", "sheet_row", "component", "service")
    tables = {
        "us_forces": frame,
        "edition": edition_frame(
            source=source.key,
            edition=edition,
            definition=DEFINITION,
            price_base_year=None,  # head counts: no prices
            file=file,
            first_year=as_of.year,
            last_year=as_of.year,
        ),
    }
    described = source.describe(
        path,
        raw_dir,
        edition=f"{edition.isoformat()} (as of {as_of.isoformat()})",
        rows=sum(df.height for df in tables.values()),
    )
    return Parsed(tables=tables, files=[described])


def _find_sheet(path: Path, file: str) -> _Sheet:
    """The one sheet holding the report's header row ('LOCATION', 'DUTY STATE / COUNTRY')."""
    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as err:
        raise EtlError(f"cannot read the workbook: {first_line(err)}", file=file) from None
    found = []
    for name in reader.sheet_names:
        try:
            # skip_rows=0 keeps leading blank rows, so list index + 1 is the Excel row.
            ws = reader.load_sheet_by_name(name, header_row=None, skip_rows=0, dtypes="string")
            rows = ws.to_polars().rows()
        except fastexcel.FastExcelError as err:
            raise EtlError(
                f"cannot read the sheet: {first_line(err)}", file=file, sheet=name
            ) from None
        letters = [readers.column_letters(c.absolute_index) for c in ws.available_columns()]
        sheet = _Sheet(file, name, rows, letters)
        if _header_index(sheet) is not None:
            found.append(sheet)
    if len(found) != 1:
        names = ", ".join(repr(s.name) for s in found) if found else "none"
        raise EtlError(
            f"expected one sheet with the header row 'LOCATION', 'DUTY STATE / COUNTRY'; "
            f"found {names} (sheets: {', '.join(reader.sheet_names)})",
            file=file,
        )
    return found[0]


def _header_index(sheet: _Sheet) -> int | None:
    for i, cells in enumerate(sheet.rows):
        labels = [_norm(c) for c in cells]
        if BLOCK_LABEL in labels and NAME_LABEL in labels:
            return i
    return None


def _read_header(sheet: _Sheet) -> None:
    """Block and name columns, and (component, service) of every figure column, by their text:
    a group's label runs right (merged cells) over the columns with a service below it."""
    i = _header_index(sheet)
    groups, services = sheet.rows[i], sheet.rows[i + 1] if i + 1 < len(sheet.rows) else ()
    labels = [_norm(c) for c in groups]
    sheet.header_row, sheet.block_col, sheet.name_col = (
        i,
        labels.index(BLOCK_LABEL),
        labels.index(NAME_LABEL),
    )
    group = None
    for col in range(sheet.name_col + 1, len(groups)):
        label, below = labels[col], _norm(services[col] if col < len(services) else None)
        if label:
            if label not in COMPONENTS:
                expected = ", ".join(c.upper() for c in COMPONENTS)
                raise sheet.error(f"unknown column group {groups[col]!r} (expected {expected})",
                                  i + 1, col)  # fmt: skip
            group = COMPONENTS[label]
        elif not below:
            group = None  # past the table: a column with neither a group nor a service
        if group is None:
            continue
        if not below and group != "all":
            raise sheet.error(f"no service named under {group}", i + 2, col)
        column = (group, _key(below) if below else "total")
        if column in sheet.columns.values():
            raise sheet.error(f"column {column[0]} {column[1]} appears twice", i + 2, col)
        sheet.columns[col] = column
    found = {c for c, _ in sheet.columns.values()}
    if missing := [k.upper() for k, c in COMPONENTS.items() if c not in found]:
        raise sheet.error(f"no column group {', '.join(missing)} in the header", i + 1)
    for component in found - {"all"}:
        if (component, "total") not in sheet.columns.values():
            raise sheet.error(f"no TOTAL column under {component}", i + 2)
    if ("all", "total") not in sheet.columns.values():
        raise sheet.error("no GRAND TOTAL column", i + 1)


def _as_of(sheet: _Sheet) -> date:
    """The date the counts refer to, from the title lines above the header ('As of December
    31, 2025'): never assumed from the file name."""
    for cells in sheet.rows[: sheet.header_row]:
        for cell in cells:
            if cell and (m := _AS_OF.search(cell)):
                text = " ".join(m[1].replace(",", " ").replace(".", " ").split())
                for pattern in ("%B %d %Y", "%b %d %Y", "%d %B %Y"):
                    try:
                        return datetime.strptime(text, pattern).date()
                    except ValueError:
                        continue
                raise sheet.error(f"'As of' date not understood: {cell!r}")
    raise sheet.error("no 'As of <date>' line above the header: the report's date is unknown")


def _figures(sheet: _Sheet, row: int, cells: tuple) -> dict[Column, int]:
    """(component, service) -> persons, every header column; anything not whole is refused."""
    out: dict[Column, int] = {}
    for col, column in sheet.columns.items():
        text = (cells[col] if col < len(cells) else None) or ""
        text = text.strip()
        if not _WHOLE.fullmatch(text):
            problem = "no figure" if not text else f"{text!r} is not a whole number of persons"
            raise sheet.error(problem, row, col)
        out[column] = int(text.replace(",", ""))
    return out


def _read_rows(sheet: _Sheet) -> tuple[list[_Place], dict[str, tuple[int, str, dict]]]:
    """Places (section set from the block's total row) and the total rows by section ('all'
    for GRAND TOTAL), each as (Excel row, label as printed, figures)."""
    places: list[_Place] = []
    totals: dict[str, tuple[int, str, dict]] = {}
    pending: list[_Place] = []  # rows of the block whose total row is still to come
    opened: str | None = None  # the block a label in column A opened, if any
    first = sheet.header_row + 2  # list index of the first row under the header
    headed = set(sheet.columns) | {sheet.block_col, sheet.name_col}
    for index in range(first, len(sheet.rows)):
        cells, row = sheet.rows[index], index + 1
        block = _norm(sheet.rows[index][sheet.block_col])
        name = (cells[sheet.name_col] or "").strip()
        filled = [c for c in sheet.columns if c < len(cells) and (cells[c] or "").strip()]
        stray = [
            c for c in range(sheet.name_col + 1, len(cells))
            if c not in headed and (cells[c] or "").strip()
        ]  # fmt: skip
        if stray and (filled or name):
            raise sheet.error("a figure under no header (is the header row shifted?)", row,
                              stray[0])  # fmt: skip
        if block in SECTIONS:
            if pending:
                raise sheet.error(f"{block.upper()} starts before the block above has its "
                                  "total row", row)  # fmt: skip
            opened = SECTIONS[block]
        elif block == "grand total" or block.removesuffix(" total") in SECTIONS:
            section = "all" if block == "grand total" else SECTIONS[block.removesuffix(" total")]
            if section in totals:
                raise sheet.error(f"{block.upper()} appears twice", row, sheet.block_col)
            if section == "all":
                if pending:
                    raise sheet.error("GRAND TOTAL comes before the last block's total row", row)
            elif opened not in (None, section):
                raise sheet.error(f"{block.upper()} closes the {opened} block", row)
            label = " ".join(str(cells[sheet.block_col]).split())
            totals[section] = (row, label, _figures(sheet, row, cells))
            for place in pending:
                place.section = section
            places += pending
            pending, opened = [], None
            if section == "all":
                break
            continue
        elif block:
            raise sheet.error(
                f"unknown block {cells[sheet.block_col]!r} (expected UNITED STATES, OVERSEAS, "
                "their TOTAL rows or GRAND TOTAL)",
                row,
                sheet.block_col,
            )
        if not name and not filled:
            continue  # a blank row
        if not name:
            raise sheet.error("figures without a location name", row, sheet.name_col)
        pending.append(_Place(row, " ".join(name.split()), _figures(sheet, row, cells)))
    if "all" not in totals:
        raise sheet.error("no GRAND TOTAL row under the table")
    if missing := [s for s in SECTIONS.values() if s not in totals]:
        raise sheet.error(f"no total row for the {', '.join(missing)} block")
    seen: dict[tuple[str, str], int] = {}
    for place in places:
        key = (place.section, place.location.casefold())
        if key in seen:
            raise sheet.error(f"{place.location!r} appears twice in the {place.section} block "
                              f"(rows {seen[key]} and {place.row})", place.row)  # fmt: skip
        seen[key] = place.row
    return places, totals


def _classify(sheet: _Sheet, places: list[_Place]) -> None:
    """kind and iso3 of every place: a state, a territory, a foreign country or no place.
    The block decides what a name can be: GEORGIA is a state at home, a country overseas."""
    named: dict[str, int] = {}  # names that need a country look-up -> first row
    for place in places:
        key = place.location.casefold()
        if key in NOT_PLACES:
            place.kind = NOT_PLACES[key]
        elif place.section == "united_states" and key in us_states():
            place.kind = "us_state"
        else:
            named.setdefault(place.location, place.row)
    try:
        codes = to_iso3(named, file=sheet.file, sheet=sheet.name)
    except EtlError as err:
        row = next(r for n, r in named.items() if lookup(n) is None)
        raise sheet.error(err.problem, row, sheet.name_col) from None
    for place in places:
        if place.kind:
            continue
        place.iso3 = codes[place.location]
        if place.iso3 in us_territories():
            place.kind = "us_territory"
        elif place.section == "overseas" and place.iso3:
            place.kind = "foreign"
        else:
            where = "a US state or territory" if place.section == "united_states" else "a country"
            raise sheet.error(
                f"{place.location!r} ({place.iso3 or 'no ISO3'}) is not {where}, yet listed in "
                f"the {place.section} block",
                place.row,
                sheet.name_col,
            )


Found = tuple[Gap, int, int]  # a gap, its Excel row and cell index


def _row_gaps(sheet: _Sheet, row: int, label: str, figures: dict[Column, int]) -> list[Found]:
    """Each component's TOTAL against the sum of its services; the grand total against the
    components' totals."""
    parts: dict[str, int] = defaultdict(int)
    for (component, service), value in figures.items():
        if service != "total" and component != "all":
            parts[component] += value
    parts["all"] = sum(v for (c, s), v in figures.items() if s == "total" and c != "all")
    column_of = {k: c for c, k in sheet.columns.items()}
    return [
        (Gap(label, component, "total", figures[(component, "total")], added), row,
         column_of[(component, "total")])
        for component, added in parts.items()
        if figures[(component, "total")] != added
    ]  # fmt: skip


def _block_gaps(
    sheet: _Sheet, places: list[_Place], totals: dict[str, tuple[int, str, dict]]
) -> list[Found]:
    """Each block's total row against the sum of its rows; GRAND TOTAL against the blocks'."""
    sums: dict[str, dict[Column, int]] = {s: defaultdict(int) for s in totals}
    for place in places:
        for column, value in place.figures.items():
            sums[place.section][column] += value
    for section, (_, _, figures) in totals.items():
        if section != "all":
            for column, value in figures.items():
                sums["all"][column] += value
    return [
        (Gap(label, *column, figures[column], sums[section][column]), row, col)
        for section, (row, label, figures) in totals.items()
        for col, column in sheet.columns.items()
        if figures[column] != sums[section][column]
    ]


def _check_gaps(sheet: _Sheet, found: list[Found], as_of: date) -> None:
    """Refuse any figure that is not the sum of its parts, unless it is one of the gaps the
    registry documents for this report; refuse too a documented gap the file does not have."""
    documented = set(KNOWN_GAPS.get(as_of, ()))
    for gap, row, col in found:
        if gap not in documented:
            parts = "its rows" if gap.location.casefold().endswith("total") else "its parts"
            raise sheet.error(
                f"{gap.location} {gap.component} {gap.service}: {gap.printed:,} printed, "
                f"{gap.parts:,} the sum of {parts} (not a gap documented in etl/sources/dmdc.py)",
                row,
                col,
            )
    if missing := documented - {gap for gap, _, _ in found}:
        gap = sorted(missing)[0]
        raise sheet.error(
            f"{gap.location} {gap.component} {gap.service}: DMDC printed {gap.printed:,} "
            f"against {gap.parts:,} (etl/sources/dmdc.py), but this file does not: not the "
            "report as published"
        )
