"""NATO "Defence Expenditure of NATO Countries", every edition in the raw dir -> tidy frames.

Two layouts, detected from the workbook (sheet names), never from the file name: 2024 (TABLE1 ..
TABLE8b) and 2025/2026 ('Table 1' .. 'Table 8b', the title in A1, a block subtitle above each
year header, '2025e' estimates; 2026 titles say 'Core defence expenditure' and Iceland has no
row). The constant-price base year is read from the subtitles and kept as data (price_base_year).

In the 2024 layout each sheet prints a title and a unit, then a year-header row (2014.0, '2019',
'2023e'), then one or two blocks opened by a label row ("Current prices", "Constant 2015
prices"). Allies sit in column C (D in TABLE7); block labels, NATO's aggregates and page
numbers ('-7-') one column left.
Headers and blocks are found by their text, never by row numbers: a moved row still parses, a
renamed block or sheet fails loudly. TABLE4 has its own header (2014, 2024e, change, two shares).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path

import fastexcel
import polars as pl

from core.errors import EtlError, first_line
from etl import readers
from etl.countries import lookup, to_iso3
from etl.rawfiles import Parsed, side_by_side
from etl.sources.base import edition_frame
from etl.sources.nato import SOURCE as source

# Two layouts, told apart by the workbook's own sheet names (never the file name):
# 2024 edition: 'TABLE1' ... 'TABLE8b'; 2025 and 2026 editions: 'Table 1' ... 'Table 8b' with the
# title ('Table N: ...') in A1 (documented in ../shared/facts/editions.md, not seen in a file).
LAYOUTS = {
    "2024": {n: f"TABLE{n}" for n in ("1", "2", "3", "4", "5", "6", "7", "8a", "8b")},
    "2025": {n: f"Table {n}" for n in ("1", "2", "3", "4", "5", "6", "7", "8a", "8b")},
}

AGGREGATES = {"nato europe and canada": "NATO Europe and Canada", "nato total": "NATO Total"}

# Table -> {start of the block label, lower case: column}. "" is a table with one unlabelled
# block (Table 7). 'constant' matches 'Constant 2015 prices' and 'constant 2021 prices': the
# base year is data (price_base_year), read from the subtitles by _price_base.
# The order is the column order of nato_defence in schema.sql.
SHEETS: dict[str, dict[str, str]] = {
    "1": {"current prices": "current_ncu_m", "constant": "constant_ncu_m"},
    "2": {"current prices": "current_usd_m", "constant": "constant_usd_m"},
    "3": {"share of real gdp": "share_gdp_pct", "annual real change": "real_change_pct"},
    "5": {"current prices": "gdp_current_usd_m", "constant": "gdp_constant_usd_m"},
    "6": {
        "gdp per capita": "gdp_per_capita_constant_kusd",
        "defence expenditure per capita": "per_capita_constant_usd",
    },
    "7": {"": "personnel_k"},
    "8a": {"equipment": "equipment_share_pct", "personnel": "personnel_share_pct"},
    "8b": {"infrastructure": "infrastructure_share_pct", "other": "other_share_pct"},
}
CHANGE_SHEET = "4"
# 2026: 'Table 1: Core defence expenditure' (the Hague 3.5 % measure); before: 'Defence ...'.
DEFINITIONS = ("core defence expenditure", "defence expenditure")
_PRICE_BASE = re.compile(
    r"\b(\d{4}) prices", re.I
)  # 'Constant 2015 prices', 'Based on 2021 prices'

MEASURES = [column for blocks in SHEETS.values() for column in blocks.values()]
KEYS = {"year": pl.Int32, "edition": pl.Date, "is_estimate": pl.Boolean}
DEFENCE = (
    {"iso3": pl.String, **KEYS, "currency": pl.String, "footnote": pl.Boolean}
    | {"price_base_year": pl.Int32}
    | dict.fromkeys(MEASURES, pl.Float64)
)
# NATO sums only US$ figures: there is no aggregate in national currency.
AGGREGATE = {"aggregate": pl.String, **KEYS, "price_base_year": pl.Int32} | {
    m: pl.Float64 for m in MEASURES if not m.endswith("_ncu_m")
}
REAL_CHANGE = {
    "iso3": pl.String,
    "entity": pl.String,
    "edition": pl.Date,
    "from_year": pl.Int32,
    "to_year": pl.Int32,
    "to_is_estimate": pl.Boolean,
    "price_base_year": pl.Int32,
    "from_constant_usd_m": pl.Float64,
    "to_constant_usd_m": pl.Float64,
    "real_change_pct": pl.Float64,
    "from_share_gdp_pct": pl.Float64,
    "to_share_gdp_pct": pl.Float64,
}

_YEAR = re.compile(r"(\d{4})(e?)")  # '2019', '2024e' (e = NATO estimate)
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")  # not 'nan', 'inf', '1_000'
_CURRENCY = re.compile(r"(.*?)\s*\(([^()]+)\)\s*")  # TABLE1: 'Albania   (Leks)'

Year = tuple[int, bool]  # (year, is_estimate)
Header = dict[int, tuple[object, str]]  # column index -> (key, header as printed)


def _year(text: str | None) -> Year | None:
    """'2014' (calamine's text for 2014.0), '2019', '2024e' -> (year, is_estimate)."""
    if text and (m := _YEAR.fullmatch(text.strip())):
        return int(m[1]), m[2] == "e"
    return None


def _label(year: Year) -> str:
    return f"{year[0]}{'e' if year[1] else ''}"


def _number(text: str) -> float | None:
    """A figure stored as text, or None for blank; anything else raises ValueError."""
    if not (text := text.strip()):
        return None
    if _NUMBER.fullmatch(text):
        return float(text)
    raise ValueError(text)


def _year_header(cells: tuple[str | None, ...]) -> Header | None:
    """A row whose filled cells are all years (at least two): key (year, is_estimate)."""
    header: Header = {}
    for i, cell in enumerate(cells):
        if cell is not None:
            if (year := _year(cell)) is None:
                return None  # a name or a figure: most rows stop at their first cell
            header[i] = (year, _label(year))
    return header if len(header) >= 2 else None


def _change_header(cells: tuple[str | None, ...]) -> Header | None:
    """TABLE4: 2014, '2024e', 'Real change 2014-2024e (%)', 'Share of real GDP 2014 (%)' and
    '... 2024e (%)'. Key (output column, (year, is_estimate) of that column or None)."""
    texts = {i: c.strip() for i, c in enumerate(cells) if c}
    if not any(t.casefold().startswith("real change") for t in texts.values()):
        return None
    years = [(i, y) for i, c in enumerate(cells) if (y := _year(c))]
    if len(years) != 2:
        raise ValueError(f"expected two year columns (from, to), found {len(years)}")
    (from_col, from_year), (to_col, to_year) = years
    header: Header = {
        from_col: (("from_constant_usd_m", from_year), _label(from_year)),
        to_col: (("to_constant_usd_m", to_year), _label(to_year)),
    }
    sides = {from_year: "from", to_year: "to"}
    for i, text in texts.items():
        low = text.casefold()
        if low.startswith("real change"):
            header[i] = (("real_change_pct", None), text)
        elif low.startswith("share of real gdp"):
            y = re.search(r"(\d{4})(e?)\b", low)
            side = y and sides.get((int(y[1]), y[2] == "e"))
            if not side:
                raise ValueError(f"{text!r} matches neither year column")
            header[i] = ((f"{side}_share_gdp_pct", (int(y[1]), y[2] == "e")), text)
    if len(header) != 5:
        raise ValueError("expected from, to, real change and two shares of GDP")
    return header


Figure = tuple[object, float, str]  # (header key, value, cell as 'M (2024e)' for errors)


class _Sheet:
    """One sheet as calamine reads it, with enough position to name a cell in an error."""

    def __init__(self, reader: fastexcel.ExcelReader, name: str, file: str) -> None:
        if name not in reader.sheet_names:
            found = ", ".join(reader.sheet_names)
            raise EtlError(f"sheet {name!r} is missing (found {found})", file=file, sheet=name)
        # Two typed reads of the same cells, text (names, headers) and float (figures): one read
        # with guessed types loses either way. A column headed '2023e' comes back as text rounded
        # to 9 decimals; a column guessed float turns a stray 'n/a' into a silent null.
        # skip_rows=0 keeps leading blank rows, so list index + 1 is the Excel row.
        load = partial(reader.load_sheet_by_name, name, header_row=None, skip_rows=0)
        try:
            ws = load(dtypes="string")
            self.rows = ws.to_polars().rows()
            self.numbers = load(dtypes="float").to_polars().rows()  # numbers as text parse
        except fastexcel.FastExcelError as err:  # a damaged sheet (CalamineError)
            problem = f"cannot read the sheet: {first_line(err)}"
            raise EtlError(problem, file=file, sheet=name) from None
        self.letters = [readers.column_letters(c.absolute_index) for c in ws.available_columns()]
        self.name, self.file = name, file
        self.header: Header | None = None

    def error(self, problem: str, row: int | None = None, column: str | None = None) -> EtlError:
        return EtlError(problem, file=self.file, sheet=self.name, row=row, column=column)

    def scan(
        self, blocks: dict[str, str], read_header: Callable[[tuple], Header | None]
    ) -> Iterator[tuple[int, str, str, list[Figure]]]:
        """(Excel row, name as printed, block column, figures) for each row holding figures."""
        column = blocks.get("")
        header: dict[int, tuple[object, str]] = {}  # column index -> (key, 'M (2024e)')
        for row, (cells, numbers) in enumerate(zip(self.rows, self.numbers, strict=True), 1):
            if not any(cells):  # blank rows: a third of the sheet
                continue
            try:
                found = read_header(cells)
            except ValueError as err:
                raise self.error(f"header not understood: {err}", row) from None
            if found is not None:
                self.header = found
                header = {
                    i: (key, f"{self.letters[i]} ({text})") for i, (key, text) in found.items()
                }
                continue
            first = min(header, default=len(cells))
            at = next((i for i, c in enumerate(cells[:first]) if c and c.strip()), -1)
            name = cells[at].strip() if at >= 0 else ""  # the first non-blank cell left of it
            figures = []
            for i, (key, where) in header.items():
                if (value := numbers[i]) is None and cells[i] is not None:
                    try:  # not a float to calamine: blank, padded (' 1.5 ') or real text
                        value = _number(cells[i])
                    except ValueError:
                        raise self.error(f"not a number: {cells[i]!r}", row, where) from None
                if value is not None:
                    figures.append((key, value, where))
            if not figures:  # title, unit, block label, note, page number or blank
                label = name.casefold().removeprefix("core ")  # 2026
                column = next((c for p, c in blocks.items() if p and label.startswith(p)), column)
                continue
            # A figure in a column with no year above it means the header is not where the
            # figures are (shifted): every figure would be misdated.
            stray = [
                i
                for i in range(at + 1, max(header, default=-1) + 1)
                if i not in header and numbers[i] is not None
            ]
            if stray:
                raise self.error(
                    "a figure with no year header above it (is the header row shifted?)",
                    row,
                    self.letters[stray[0]],
                )
            if not name:
                # NOTE: TABLE8b hides an unlabelled row of zeros under the infrastructure block
                # (Excel row 42, hidden); zeros carry nothing, other unnamed figures are an error.
                if any(value for _, value, _ in figures):
                    raise self.error("figures without a country name", row)
                continue
            if column is None:
                raise self.error(f"figures before any block label {list(blocks)}", row)
            yield row, name, column, figures
        if self.header is None:
            raise self.error("no header row found")

    def iso3(self, names: dict[str, int]) -> dict[str, str | None]:
        """ISO3 per printed name; an unknown one fails naming the first row it appears on."""
        try:
            return to_iso3(names, file=self.file, sheet=self.name)
        except EtlError as err:
            row = next(r for n, r in names.items() if lookup(n) is None)
            raise self.error(err.problem, row) from None


def edition_of(path: Path, file: str) -> date:
    """The release date: the registry's for a known file (by sha256), else the date prefix NATO
    gave its files until 2024 ('240617-def-exp-...'), else the workbook's docProps modified date
    (2025 on: 'def-exp-2025-en.xlsx' carries no date). A re-save keeps the name but moves docProps,
    so the name wins over docProps."""
    if known := source.genuine(path):
        return known.published
    if m := re.match(r"(\d\d)(\d\d)(\d\d)-", path.name):
        try:
            return date(2000 + int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass  # not a date after all: try docProps
    return readers.modified_date(path, file)


def layout_of(reader: fastexcel.ExcelReader, file: str) -> dict[str, str]:
    """Table number -> sheet name, from the sheets the workbook has (never its file name)."""
    names = reader.sheet_names
    for sheets in LAYOUTS.values():
        if sheets["1"] in names:
            return sheets
    expected = " or ".join(f"{s['1']!r} ... {s['8b']!r}" for s in LAYOUTS.values())
    first = names[0] if names else None
    raise EtlError(f"unknown NATO layout: expected sheets {expected}", file=file, sheet=first)


def _price_base(sheets: list[_Sheet]) -> int:
    """The constant-price base year printed in the subtitles ('Constant 2015 prices', 'constant
    2021 prices', 'Based on 2015 prices'): one year for the whole workbook, never assumed."""
    found: dict[int, str] = {}
    for sheet in sheets:
        for cells in sheet.rows:
            for cell in cells:
                if cell and (m := _PRICE_BASE.search(cell)):
                    found.setdefault(int(m[1]), sheet.name)
    if len(found) != 1:
        problem = f"subtitles name price bases {sorted(found)}" if found else "none found"
        raise EtlError(
            f"expected one constant-price base year ('NNNN prices'): {problem}",
            file=sheets[0].file,
            sheet=next(iter(found.values()), sheets[0].name),
        )
    return next(iter(found))


def _definition(sheet: _Sheet) -> str:
    """'core defence expenditure' (2026 on) or 'defence expenditure', from Table 1's title."""
    for cells in sheet.rows[:12]:
        for cell in cells:
            low = (cell or "").casefold()
            if low.startswith("table"):
                return next((d for d in DEFINITIONS if d in low), DEFINITIONS[-1])
    raise sheet.error("no title 'Table 1: ...' above the table")


def _new_names(rows: list, known: dict[str, str | None]) -> dict[str, int]:
    """Ally names not yet resolved -> the first Excel row each is on (aggregates have no ISO3)."""
    names: dict[str, int] = {}
    for row, name, *_ in rows:
        if name not in known and name.casefold() not in AGGREGATES:
            names.setdefault(name, row)
    return names


def parse(raw_dir: Path) -> Parsed:
    """Every NATO edition in raw_dir, side by side (keyed by edition)."""
    paths = source.files(raw_dir, workbooks=True)  # unzipped sizes and rows checked
    return side_by_side(paths, raw_dir, parse_file, source.patterns, "edition")


def parse_file(path: Path, raw_dir: Path) -> Parsed:
    """One edition's workbook, either layout."""
    file = path.relative_to(raw_dir).as_posix()
    edition = edition_of(path, file)
    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as err:
        raise EtlError(f"cannot read the workbook: {first_line(err)}", file=file) from None
    sheet_names = layout_of(reader, file)

    defence: dict[tuple[str, int], dict] = {}
    aggregate: dict[tuple[str, int], dict] = {}
    currency: dict[str, str] = {}
    footnoted: set[str] = set()
    codes: dict[str, str | None] = {}  # printed name -> ISO3, shared by the sheets
    read: list[_Sheet] = []
    for table, blocks in SHEETS.items():
        sheet = _Sheet(reader, sheet_names[table], file)
        read.append(sheet)
        rows = []
        for row, printed, column, figures in sheet.scan(blocks, _year_header):
            # Table 1 names the national currency after the ally: 'Albania   (Leks)'.
            m = _CURRENCY.fullmatch(printed) if table == "1" else None
            rows.append((row, m[1] if m else printed, m and m[2], column, figures))
        if missing := set(blocks.values()) - {column for *_, column, _ in rows}:
            raise sheet.error(f"no figures for {sorted(missing)}: a block label changed?")
        codes |= sheet.iso3(_new_names(rows, codes))
        for row, name, unit, column, figures in rows:
            if agg := AGGREGATES.get(name.casefold()):
                if column not in AGGREGATE:
                    raise sheet.error(f"unexpected aggregate {name!r} in {column}", row)
                target, entity = aggregate, agg
            else:
                target, entity = defence, codes[name]
                if unit:
                    currency.setdefault(entity, unit)
                if name.rstrip().endswith("*"):  # NATO's footnote mark, kept as a flag
                    footnoted.add(entity)
            for (year, estimate), value, where in figures:
                record = target.setdefault((entity, year), {"is_estimate": False})
                if column in record:
                    raise sheet.error(f"{entity} {year} appears twice ({column})", row, where)
                record[column] = value
                record["is_estimate"] |= estimate

    change = _Sheet(reader, sheet_names[CHANGE_SHEET], file)
    rows = list(change.scan({"": "change"}, _change_header))
    codes |= change.iso3(_new_names(rows, codes))
    years = dict(key for key, _ in change.header.values())  # field -> (year, is_estimate)
    from_year, _ = years["from_constant_usd_m"]
    to_year, to_estimate = years["to_constant_usd_m"]
    real_change: dict[str, dict] = {}
    for row, name, _, figures in rows:
        entity = codes.get(name) or name  # 'Poland' and 'Poland*' are one ally
        if entity in real_change:
            raise change.error(f"{name!r} appears twice", row)
        real_change[entity] = {
            "iso3": codes.get(name),
            "entity": name,
            "from_year": from_year,
            "to_year": to_year,
            "to_is_estimate": to_estimate,
        } | {field: value for (field, _), value, _ in figures}

    base = _price_base([*read, change])
    definition = _definition(read[0])
    tables = {
        "nato_defence": pl.DataFrame(
            [
                {
                    "iso3": k[0],
                    "year": k[1],
                    "currency": currency.get(k[0]),
                    "footnote": k[0] in footnoted,
                    **v,
                }
                for k, v in sorted(defence.items())
            ],
            schema=DEFENCE,
        ),
        "nato_aggregate": pl.DataFrame(
            [{"aggregate": k[0], "year": k[1], **v} for k, v in sorted(aggregate.items())],
            schema=AGGREGATE,
        ),
        "nato_real_change": pl.DataFrame(list(real_change.values()), schema=REAL_CHANGE),
    }
    # Every row carries the edition (so editions sit side by side) and the price base.
    tables = {
        t: df.with_columns(edition=pl.lit(edition), price_base_year=pl.lit(base, pl.Int32))
        for t, df in tables.items()
    }
    years_seen = tables["nato_defence"]["year"]
    tables["edition"] = edition_frame(
        source=source.key,
        edition=edition,
        definition=definition,
        price_base_year=base,
        file=file,
        first_year=years_seen.min(),
        last_year=years_seen.max(),
    )
    described = source.describe(
        path, raw_dir, edition=edition.isoformat(), rows=sum(df.height for df in tables.values())
    )
    return Parsed(tables=tables, files=[described])
