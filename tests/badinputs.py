"""A corpus of broken inputs, generated into a scratch folder from copies of the real raw files.

Nothing here is committed data: `prepare(case, raw_dir, dest)` copies the real raw files (and the
project's own facts, data/memberships.csv and friends) into `dest`, then breaks the copy the way
the case says. Every case names what a good error message must contain: the file, and the
sheet, row and column where they apply. Expectations are templates filled from the real file
names (`{sipri}`, `{nato}`, ...) and from what the breaker returns (e.g. the Excel row it hit).

xlsx files are edited at the XML level inside the zip (`Xlsx`), which takes a fraction of a
second even for the 870 KB SIPRI workbook; no workbook is re-saved by a spreadsheet library, so
only the cells a case names change.

    uv run python -m tests.badinputs OUT_DIR     # write every case to OUT_DIR/<case>/ to look at
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from etl.sources import cow, kiel, nato, restcountries, sipri, worldbank

ROOT = Path(__file__).resolve().parent.parent
FACTS = ("alliances.csv", "memberships.csv", "state_succession.csv")  # what build reads from data/

# Globs of the files the cases break, relative to the raw dir (the parsers' own patterns).
# Placeholder -> the glob of its file, from the source registry (etl/sources/).
GLOBS = {
    "sipri": sipri.SOURCE.patterns[0],
    "nato": nato.SOURCE.patterns[0],
    "wb_milex": f"worldbank/{worldbank.data_glob('MS.MIL.XPND.GD.ZS')}",
    "wb_gdp": f"worldbank/{worldbank.data_glob('NY.GDP.MKTP.CD')}",
    "wb_pop": f"worldbank/{worldbank.data_glob('SP.POP.TOTL')}",
    "wb_meta_gdp": f"worldbank/{worldbank.metadata_glob('NY.GDP.MKTP.CD')}",
    "wb_meta_pop": f"worldbank/{worldbank.metadata_glob('SP.POP.TOTL')}",
    "nmc": f"cow/{cow.NMC_GLOB}",
    "cow_codes": f"cow/{cow.CODES_GLOB}",
    "geo": restcountries.SOURCE.patterns[0],
    "kiel": kiel.glob("monthly"),
    "kiel_weapons": kiel.glob("weapons"),
    "kiel_release": kiel.glob("release"),
}

# The constant-price sheet of the newest SIPRI release, the one the cases break (newest_sipri).
CONSTANT_SHEET = "Constant (2024) US$"

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body>"
    b"</html>\n"
)


def names(raw: Path) -> dict[str, str]:
    """{placeholder: the real file name relative to the raw dir} for every glob."""
    found = {}
    for key, glob in GLOBS.items():
        hits = sorted(raw.glob(glob))
        if len(hits) != 1:
            raise LookupError(f"{glob}: expected one file in {raw}, found {len(hits)}")
        found[key] = hits[0].relative_to(raw).as_posix()
    return found


# --- xlsx at the XML level ------------------------------------------------------------------

_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_SI = re.compile(r"<si>(.*?)</si>", re.S)
_TEXT = re.compile(r"<t[^>]*>(.*?)</t>", re.S)


class Xlsx:
    """An xlsx file opened as a zip of XML parts: find cells by their text, change them, save."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.infos = z.infolist()
            self.parts = {i.filename: z.read(i) for i in self.infos}
        shared = self.parts.get("xl/sharedStrings.xml", b"").decode("utf-8")
        self.strings = [html.unescape("".join(_TEXT.findall(si))) for si in _SI.findall(shared)]
        rels_xml = self.text("xl/_rels/workbook.xml.rels")
        rels = {
            re.search(r'\bId="([^"]+)"', rel)[1]: re.search(r'\bTarget="([^"]+)"', rel)[1]
            for rel in re.findall(r"<Relationship\b[^>]*>", rels_xml)
        }
        self.sheets = {
            html.unescape(name): "xl/" + rels[rid].removeprefix("/xl/")
            for name, rid in (
                (re.search(r'\bname="([^"]+)"', sheet)[1], re.search(r'\br:id="([^"]+)"', sheet)[1])
                for sheet in re.findall(r"<sheet\b[^>]*>", self.text("xl/workbook.xml"))
            )
        }

    def text(self, part: str) -> str:
        return self.parts[part].decode("utf-8")

    def put(self, part: str, text: str) -> None:
        self.parts[part] = text.encode("utf-8")

    def cells(self, sheet: str):
        """(column letters, row, attributes, shown text) of every cell of a sheet."""
        for m in _CELL.finditer(self.text(self.sheets[sheet])):
            col, row, attrs, body = m.groups()
            value = re.search(r"<v>(.*?)</v>", body or "")
            if 't="s"' in attrs and value:
                shown = self.strings[int(value[1])]
            elif 't="inlineStr"' in attrs:
                shown = html.unescape("".join(_TEXT.findall(body or "")))
            else:
                shown = html.unescape(value[1]) if value else ""
            yield col, int(row), attrs, shown

    def find(self, sheet: str, text: str) -> tuple[str, int]:
        """(column, row) of the first cell showing exactly `text` (numbers as stored: '2024')."""
        for col, row, _, shown in self.cells(sheet):
            if shown.strip() == text:
                return col, row
        raise LookupError(f"{self.path.name}, sheet {sheet}: no cell shows {text!r}")

    def year_column(self, sheet: str, year: str, header_text: str | None = None) -> str:
        """The column whose header row (the row holding `header_text`, or any) shows `year`."""
        header_row = self.find(sheet, header_text)[1] if header_text else None
        for col, row, _, shown in self.cells(sheet):
            if shown.strip() == year and header_row in (None, row):
                return col
        raise LookupError(f"{self.path.name}, sheet {sheet}: no year {year}")

    def set(self, sheet: str, ref: str, value: float | str) -> None:
        """Overwrite one existing cell with a number or an inline string, keeping its style."""
        part = self.sheets[sheet]
        xml = self.text(part)
        m = re.search(rf'<c r="{ref}"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S)
        if m is None:
            raise LookupError(f"{self.path.name}, sheet {sheet}: no cell {ref}")
        style = re.search(r'\ss="\d+"', m[1])
        attrs = f' r="{ref}"{style[0] if style else ""}'
        if isinstance(value, str):
            cell = f'<c{attrs} t="inlineStr"><is><t>{html.escape(value)}</t></is></c>'
        else:
            cell = f"<c{attrs}><v>{value!r}</v></c>"
        self.put(part, xml[: m.start()] + cell + xml[m.end() :])

    def shift_row(self, sheet: str, row: int) -> None:
        """Move every cell of one row one column to the right."""
        part = self.sheets[sheet]
        xml = self.text(part)
        m = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', xml, re.S)
        if m is None:
            raise LookupError(f"{self.path.name}, sheet {sheet}: no row {row}")

        def right(cell: re.Match[str]) -> str:
            return f'<c r="{_letters(_index(cell[1]) + 1)}{row}"'

        body = re.sub(rf'<c r="([A-Z]+){row}"', right, m[1])
        self.put(part, xml[: m.start(1)] + body + xml[m.end(1) :])

    def rename_string(self, old: str, new: str) -> None:
        """Change one shared string everywhere it is used (every sheet that shows it)."""
        part = "xl/sharedStrings.xml"
        xml, hits = re.subn(
            rf"(<t(?: [^>]*)?>){re.escape(html.escape(old, quote=False))}(</t>)",
            lambda m: m[1] + html.escape(new, quote=False) + m[2],
            self.text(part),
            count=1,
        )
        if not hits:
            raise LookupError(f"{self.path.name}: no shared string {old!r}")
        self.put(part, xml)

    def rename_sheet(self, old: str, new: str) -> None:
        xml = self.text("xl/workbook.xml")
        if f'name="{html.escape(old)}"' not in xml:
            raise LookupError(f"{self.path.name}: no sheet {old!r}")
        self.put("xl/workbook.xml", xml.replace(f'name="{html.escape(old)}"', f'name="{new}"', 1))

    def drop_sheet(self, name: str) -> None:
        xml = self.text("xl/workbook.xml")
        xml, hits = re.subn(rf'<sheet name="{re.escape(html.escape(name))}"[^>]*/>', "", xml)
        if not hits:
            raise LookupError(f"{self.path.name}: no sheet {name!r}")
        self.put("xl/workbook.xml", xml)

    def save(self) -> None:
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as z:
            for info in self.infos:
                z.writestr(info, self.parts[info.filename], zipfile.ZIP_DEFLATED)


def _index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


# --- text files -----------------------------------------------------------------------------


def replace_once(path: Path, old: bytes, new: bytes) -> int:
    """Replace the first `old` in a file; returns the 1-based line it was on."""
    data = path.read_bytes()
    at = data.find(old)
    if at < 0:
        raise LookupError(f"{path.name}: {old!r} not found")
    path.write_bytes(data[:at] + new + data[at + len(old) :])
    return data[:at].count(b"\n") + 1


def line_of(path: Path, start: bytes) -> tuple[int, bytes]:
    """(1-based line number, line with its newline) of the first line starting with `start`."""
    for number, line in enumerate(path.read_bytes().splitlines(keepends=True), 1):
        if line.startswith(start):
            return number, line
    raise LookupError(f"{path.name}: no line starting {start!r}")


def set_csv_field(path: Path, start: bytes, column: str, value: str) -> int:
    """Set one field of the first line starting with `start`, the column found by its header
    (the first line holding `column` as a field); returns that line's number."""
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    header = next(next(csv.reader([x])) for x in lines if column in next(csv.reader([x]), []))
    number = next(i for i, x in enumerate(lines) if x.encode().startswith(start))
    line = lines[number]
    fields = next(csv.reader([line]))
    fields[header.index(column)] = value
    out = io.StringIO()
    ending = line[len(line.rstrip("\r\n")) :]
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=ending).writerow(fields)
    lines[number] = out.getvalue()
    bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""
    path.write_bytes((bom + "".join(lines)).encode("utf-8"))
    return number + 1


def reencode(path: Path, encoding: str) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(text.encode(encoding, errors="replace"))


# --- the cases ------------------------------------------------------------------------------

Breaker = Callable[[Path, Path, dict[str, str]], dict | None]  # (raw, facts, names) -> fields


@dataclass(frozen=True)
class Case:
    id: str
    damage: str  # what was done, in words (for the docs)
    breaks: Breaker
    expect: tuple[str, ...]  # substrings of the one-line message; {placeholders} filled in
    stage: str = "parse"  # who refuses it: "parse" (a parser), "load" (a key), "check" (a check)
    # A known gap: what the message should also name but does not yet, and why.
    ideal: tuple[str, ...] = ()
    gap: str | None = None


CASES: list[Case] = []


def case(id: str, damage: str, *expect: str, stage: str = "parse", ideal=(), gap=None):  # noqa: A002
    def register(breaks: Breaker) -> Breaker:
        CASES.append(Case(id, damage, breaks, expect, stage, tuple(ideal), gap))
        return breaks

    return register


def _path(raw: Path, n: dict[str, str], key: str) -> Path:
    return raw / n[key]


# SIPRI: the 870 KB workbook, edited inside the zip.


@case("sipri-truncated", "SIPRI xlsx cut to half its bytes", "{sipri}")
def _(raw, facts, n):
    p = _path(raw, n, "sipri")
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


@case("sipri-empty", "SIPRI xlsx replaced by an empty file", "{sipri}")
def _(raw, facts, n):
    _path(raw, n, "sipri").write_bytes(b"")


@case("sipri-html", "an HTML error page saved as the SIPRI xlsx", "{sipri}")
def _(raw, facts, n):
    _path(raw, n, "sipri").write_bytes(HTML_PAGE)


@case("sipri-corrupt-part", "one sheet's XML inside the SIPRI zip is garbage", "{sipri}")
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    book.put(book.sheets["Share of GDP"], "<worksheet><sheetData><row r='1'><c r=")
    book.save()


@case(
    "sipri-renamed-sheet",
    "SIPRI sheet 'Share of GDP' renamed",
    "{sipri}",
    "sheet Share of GDP",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    book.rename_sheet("Share of GDP", "Share of GDP (%)")
    book.save()


@case("sipri-missing-sheet", "SIPRI sheet 'Per capita' removed", "{sipri}", "sheet Per capita")
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    book.drop_sheet("Per capita")
    book.save()


@case(
    "sipri-unknown-country",
    "SIPRI's 'Poland' renamed to an unknown country",
    "{sipri}",
    f"sheet {CONSTANT_SHEET}",
    "row {row}",
    "Narnia",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    row = book.find(CONSTANT_SHEET, "Poland")[1]
    book.rename_string("Poland", "Narnia")
    book.save()
    return {"row": row}


@case(
    "sipri-duplicate-country",
    "SIPRI's 'Poland' renamed 'Germany': two rows for one country",
    "{sipri}",
    f"sheet {CONSTANT_SHEET}",
    "rows {row} and",
    "Germany",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    row = book.find(CONSTANT_SHEET, "Poland")[1]
    book.rename_string("Poland", "Germany")
    book.save()
    return {"row": row}


def _sipri_set(raw: Path, n: dict[str, str], sheet: str, value: float | str) -> dict:
    book = Xlsx(_path(raw, n, "sipri"))
    row = book.find(sheet, "Poland")[1]
    col = book.year_column(sheet, "2024", "Country")
    book.set(sheet, f"{col}{row}", value)
    book.save()
    return {"row": row, "col": col}


@case(
    "sipri-text-in-number",
    "text 'n/a' in SIPRI's Poland 2024 share of GDP",
    "{sipri}",
    "sheet Share of GDP",
    "row {row}",
    "column {col} (2024)",
    "'n/a'",
)
def _(raw, facts, n):
    return _sipri_set(raw, n, "Share of GDP", "n/a")


@case(
    "sipri-share-250",
    "SIPRI's Poland 2024 share of GDP set to 250 %",
    "{sipri}",
    "sheet Share of GDP",
    "row POL 2024",
    "column share_gdp_pct",
    "250",
    stage="check",
)
def _(raw, facts, n):
    return _sipri_set(raw, n, "Share of GDP", 2.5)  # SIPRI prints fractions: 2.5 = 250 %


@case(
    "sipri-negative",
    "SIPRI's Poland 2024 spending in current US$ set to -5",
    "{sipri}",
    "sheet Current US$",
    "row POL 2024",
    "column current_usd_m",
    "negative",
    stage="check",
)
def _(raw, facts, n):
    return _sipri_set(raw, n, "Current US$", -5.0)


@case(
    "sipri-year-gap",
    "SIPRI header year 2024 changed to 2099 (a year in the future, a gap)",
    "{sipri}",
    f"sheet {CONSTANT_SHEET}",
    "row {row}",
    "2099",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    sheet = CONSTANT_SHEET
    col = book.year_column(sheet, "2024", "Country")
    row = book.find(sheet, "Country")[1]
    book.set(sheet, f"{col}{row}", 2099.0)
    book.save()
    return {"row": row}


@case(
    "sipri-no-legend",
    "SIPRI colour legend text changed",
    "{sipri}",
    f"sheet {CONSTANT_SHEET}",
    "legend",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "sipri"))
    legend = next(s for s in book.strings if s.startswith("Figures in blue are SIPRI"))
    book.rename_string(legend, "Figures are SIPRI's.")
    book.save()


# NATO: the 200 KB TABLES workbook.


@case("nato-truncated", "NATO xlsx cut to 10,000 bytes", "{nato}", "cannot read the workbook")
def _(raw, facts, n):
    p = _path(raw, n, "nato")
    p.write_bytes(p.read_bytes()[:10_000])


@case(
    "nato-html", "an HTML error page saved as the NATO xlsx", "{nato}", "cannot read the workbook"
)
def _(raw, facts, n):
    _path(raw, n, "nato").write_bytes(HTML_PAGE)


@case("nato-renamed-sheet", "NATO sheet TABLE3 renamed", "{nato}", "sheet TABLE3")
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "nato"))
    book.rename_sheet("TABLE3", "Table three")
    book.save()


@case("nato-missing-sheet", "NATO sheet TABLE5 removed", "{nato}", "sheet TABLE5")
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "nato"))
    book.drop_sheet("TABLE5")
    book.save()


@case(
    "nato-unknown-country",
    "NATO's 'Canada' renamed to an unknown country",
    "{nato}",
    "sheet TABLE1",
    "row {row}",
    "Narnia",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "nato"))
    col, row = book.find("TABLE1", "Canada   (Canadian dollars)")
    book.set("TABLE1", f"{col}{row}", "Narnia   (Narnian dollars)")
    book.save()
    return {"row": row}


@case(
    "nato-duplicate-country",
    "NATO TABLE3 prints 'Belgium' twice (Bulgaria's row renamed)",
    "{nato}",
    "sheet TABLE3",
    "row {row}",
    "BEL",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "nato"))
    col, row = book.find("TABLE3", "Bulgaria")
    book.set("TABLE3", f"{col}{row}", "Belgium")
    book.save()
    return {"row": row}


def _nato_set(raw: Path, n: dict[str, str], sheet: str, ally: str, value: float | str) -> dict:
    book = Xlsx(_path(raw, n, "nato"))
    row = book.find(sheet, ally)[1]
    col = book.year_column(sheet, "2024e")
    book.set(sheet, f"{col}{row}", value)
    book.save()
    return {"row": row, "col": col}


@case(
    "nato-text-in-number",
    "text 'n/a' in NATO TABLE3's Canada 2024e",
    "{nato}",
    "sheet TABLE3",
    "row {row}",
    "column {col} (2024e)",
    "'n/a'",
)
def _(raw, facts, n):
    return _nato_set(raw, n, "TABLE3", "Canada", "n/a")


@case(
    "nato-share-250",
    "NATO TABLE3's Canada 2024e share of GDP set to 250 %",
    "{nato}",
    "sheet TABLE3",
    "row CAN 2024",
    "column share_gdp_pct",
    "250",
    stage="check",
)
def _(raw, facts, n):
    return _nato_set(raw, n, "TABLE3", "Canada", 250.0)


@case(
    "nato-negative",
    "NATO TABLE2's Canada 2024e spending set to -5 million US$",
    "{nato}",
    "sheet TABLE2",
    "row CAN 2024",
    "column current_usd_m",
    "negative",
    stage="check",
)
def _(raw, facts, n):
    return _nato_set(raw, n, "TABLE2", "Canada", -5.0)


@case(
    "nato-future-year",
    "NATO TABLE7's year header 2024e changed to 2099e",
    "{nato}",
    "column year",
    "2099",
    stage="check",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "nato"))
    col = book.year_column("TABLE7", "2024e")
    row = book.find("TABLE7", "2024e")[1]
    book.set("TABLE7", f"{col}{row}", "2099e")
    book.save()


@case(
    "nato-shifted-header",
    "NATO TABLE3's year header row moved one column right (figures no longer under years)",
    "{nato}",
    "sheet TABLE3",
    "no year header above it",
)
def _(raw, facts, n):
    book = Xlsx(_path(raw, n, "nato"))
    book.shift_row("TABLE3", book.find("TABLE3", "2024e")[1])
    book.save()


# World Bank: UTF-8 CSVs with a BOM and a preamble.


@case("wb-empty", "World Bank GDP CSV replaced by an empty file", "{wb_gdp}", "Country Name")
def _(raw, facts, n):
    _path(raw, n, "wb_gdp").write_bytes(b"")


@case("wb-missing-file", "World Bank population metadata file deleted", "worldbank", "no file")
def _(raw, facts, n):
    _path(raw, n, "wb_meta_pop").unlink()


@case(
    "wb-latin1",
    "World Bank GDP metadata re-encoded as latin-1",
    "{wb_meta_gdp}",
    "row {row}",
    "UTF-8",
)
def _(raw, facts, n):
    p = _path(raw, n, "wb_meta_gdp")
    text = p.read_bytes().decode("utf-8-sig")
    first = next(i for i, ch in enumerate(text) if ord(ch) > 127 and ord(ch) < 256)
    reencode(p, "latin-1")
    return {"row": text[:first].count("\n") + 1}


@case("wb-utf16", "World Bank military-share CSV re-encoded as UTF-16", "{wb_milex}", "UTF-8")
def _(raw, facts, n):
    reencode(_path(raw, n, "wb_milex"), "utf-16")


@case(
    "wb-malformed-csv",
    "a stray quote in the World Bank GDP CSV's Poland row",
    "{wb_gdp}",
    "row {row}",
    "CSV",
)
def _(raw, facts, n):
    return {"row": replace_once(_path(raw, n, "wb_gdp"), b'"Poland","POL"', b'"Pol"and","POL"')}


@case(
    "wb-shifted-header",
    "World Bank GDP header row moved one column right",
    "{wb_gdp}",
    "Country Name",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "wb_gdp"), b'"Country Name"', b'"","Country Name"')


@case(
    "wb-text-in-number",
    "text 'four' in World Bank's Poland military share 2022",
    "{wb_milex}",
    "row {row}",
    "column 2022",
    "'four'",
)
def _(raw, facts, n):
    return {"row": set_csv_field(_path(raw, n, "wb_milex"), b'"Poland","POL"', "2022", "four")}


@case(
    "wb-duplicate-country",
    "World Bank population CSV lists Poland twice",
    "{wb_pop}",
    "row {row}",
    "POL",
)
def _(raw, facts, n):
    p = _path(raw, n, "wb_pop")
    row, line = line_of(p, b'"Poland","POL"')
    replace_once(p, line, line + line)
    return {"row": row + 1}


@case(
    "wb-unknown-country",
    "a new country code 'XNA' in the World Bank GDP metadata",
    "{wb_meta_gdp}",
    "row {row}",
    "column Country Code",
    "XNA",
)
def _(raw, facts, n):
    p = _path(raw, n, "wb_meta_gdp")
    row, line = line_of(p, b'"POL"')
    replace_once(p, line, line + line.replace(b'"POL"', b'"XNA"', 1))
    return {"row": row + 1}


def _wb_value(raw: Path, n: dict[str, str], key: str, year: str, value: str) -> None:
    set_csv_field(_path(raw, n, key), b'"Poland","POL"', year, value)


@case(
    "wb-share-250",
    "World Bank's Poland 2022 military share set to 250 %",
    "{wb_milex}",
    "row POL 2022",
    "column milex_share_gdp_pct",
    "250",
    stage="check",
)
def _(raw, facts, n):
    _wb_value(raw, n, "wb_milex", "2022", "250")


@case(
    "wb-negative",
    "World Bank's Poland 2022 population set to -5",
    "{wb_pop}",
    "row POL 2022",
    "column population",
    "negative",
    stage="check",
)
def _(raw, facts, n):
    _wb_value(raw, n, "wb_pop", "2022", "-5")


# Correlates of War: CSVs (the codes file with CR line ends).


@case(
    "cow-text-in-number",
    "text 'abc' in COW NMC's first milex cell",
    "{nmc}",
    "row 2",
    "column milex",
    "'abc'",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "nmc"), b"USA,2,1816,3823,", b"USA,2,1816,abc,")


@case(
    "cow-duplicate-row",
    "COW NMC's first data row repeated",
    "{nmc}",
    "row 3",
    "also at line 2",
)
def _(raw, facts, n):
    p = _path(raw, n, "nmc")
    _, line = line_of(p, b"USA,2,1816,")
    replace_once(p, line, line + line)


@case(
    "cow-unknown-code",
    "COW NMC row with a country code the codes file does not have",
    "{nmc}",
    "row 2",
    "999",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "nmc"), b"USA,2,1816,", b"USA,999,1816,")


@case(
    "cow-future-year",
    "COW NMC's last row moved to the year 2099",
    "{nmc}",
    "column year",
    "2099",
    stage="check",
)
def _(raw, facts, n):
    p = _path(raw, n, "nmc")
    data = p.read_bytes().rstrip(b"\r\n")
    head, _, last = data.rpartition(b"\n")
    fields = last.split(b",")
    fields[2] = b"2099"
    p.write_bytes(head + b"\n" + b",".join(fields) + b"\n")


@case("cow-missing-codes", "COW country codes file deleted", "cow/COW-country-codes", "no file")
def _(raw, facts, n):
    _path(raw, n, "cow_codes").unlink()


# REST Countries: one JSON array.


@case("geo-truncated", "REST Countries JSON cut in half", "{geo}", "row", "JSON")
def _(raw, facts, n):
    p = _path(raw, n, "geo")
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


@case("geo-not-array", "REST Countries JSON is an object, not an array", "{geo}", "array")
def _(raw, facts, n):
    _path(raw, n, "geo").write_text(json.dumps({"message": "rate limited"}))


@case("geo-utf16", "REST Countries JSON re-encoded as UTF-16", "{geo}", "UTF-8")
def _(raw, facts, n):
    reencode(_path(raw, n, "geo"), "utf-16")


@case(
    "geo-unknown-country",
    "REST Countries entry with an unknown code 'NAR'",
    "{geo}",
    "column cca3",
    "NAR",
)
def _(raw, facts, n):
    p = _path(raw, n, "geo")
    entries = json.loads(p.read_bytes())
    entries[0]["cca3"] = "NAR"
    p.write_text(json.dumps(entries), encoding="utf-8")


@case(
    "geo-duplicate-country",
    "REST Countries lists its first country twice",
    "{geo}",
    "column iso3",
    "twice",
)
def _(raw, facts, n):
    p = _path(raw, n, "geo")
    entries = json.loads(p.read_bytes())
    p.write_text(json.dumps([*entries, entries[0]]), encoding="utf-8")


# Kiel Ukraine Support Tracker: plain CSVs.


@case(
    "kiel-shifted-header",
    "a title line above the Kiel data_explorer header",
    "{kiel}",
    "row 1",
    "missing column",
)
def _(raw, facts, n):
    p = _path(raw, n, "kiel")
    p.write_bytes(b'"Ukraine Support Tracker, monthly flows"\n' + p.read_bytes())


@case(
    "kiel-duplicate-row",
    "Kiel data_explorer's first data row repeated",
    "{kiel}",
    "row 3",
    "also at line 2",
)
def _(raw, facts, n):
    p = _path(raw, n, "kiel")
    _, line = line_of(p, b'"Australia","AUS",2022,2,')
    replace_once(p, line, line + line)


@case(
    "kiel-month-13",
    "month 13 in Kiel data_explorer",
    "{kiel}",
    "row 2",
    "column month",
    "'13'",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "kiel"), b'"Australia","AUS",2022,2,', b'"Australia","AUS",2022,13,')


@case(
    "kiel-future-year",
    "Kiel data_explorer's first row in the year 2099",
    "{kiel}",
    "column year",
    "2099",
    stage="check",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "kiel"), b'"Australia","AUS",2022,2,', b'"Australia","AUS",2099,2,')


@case(
    "kiel-text-in-number",
    "text 'lots' in Kiel weapons' first number_of_weapons",
    "{kiel_weapons}",
    "row 2",
    "column number_of_weapons",
)
def _(raw, facts, n):
    p = _path(raw, n, "kiel_weapons")
    lines = p.read_bytes().splitlines(keepends=True)
    header = [h.strip(b'"') for h in lines[0].rstrip(b"\r\n").split(b",")]
    fields = next(csv.reader(io.StringIO(lines[1].decode())))
    fields[header.index(b"number_of_weapons")] = "lots"
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerow(fields)
    p.write_bytes(lines[0] + out.getvalue().encode() + b"".join(lines[2:]))


@case(
    "kiel-duplicate-eu-share",
    "Kiel eu_aid_shares.csv lists Poland twice",
    "kiel/eu_aid_shares.csv",
    "row {row}",
    "column country",
    "'Poland' repeated",
)
def _(raw, facts, n):
    p = raw / "kiel" / "eu_aid_shares.csv"
    row, line = line_of(p, b'"Poland"')
    replace_once(p, line, line + line)
    return {"row": row + 1}  # the second of the two


@case("kiel-utf16", "Kiel release_info.csv re-encoded as UTF-16", "{kiel_release}", "UTF-8")
def _(raw, facts, n):
    reencode(_path(raw, n, "kiel_release"), "utf-16")


@case("kiel-missing", "the whole kiel/ folder missing", "kiel/release_info", "no file")
def _(raw, facts, n):
    shutil.rmtree(raw / "kiel")


# The project's own facts: data/memberships.csv, data/alliances.csv.


def _membership(facts: Path, start: bytes) -> tuple[Path, int, bytes]:
    p = facts / "memberships.csv"
    row, line = line_of(p, start)
    return p, row, line


@case(
    "membership-ends-before-start",
    "a membership row that ends (1989-06-04) before it starts (1999-03-12)",
    "data/memberships.csv",
    "row {row}",
    "column departed",
    "ends before it starts",
)
def _(raw, facts, n):
    p, row, line = _membership(facts, b"NATO,POL,Poland,1999-03-12,")
    replace_once(p, line, line.replace(b"1999-03-12,,", b"1999-03-12,1989-06-04,", 1))
    return {"row": row}


@case(
    "membership-unknown-alliance",
    "a membership row for an alliance not in alliances.csv",
    "data/memberships.csv",
    "row {row}",
    "column alliance",
    "'NATTO'",
)
def _(raw, facts, n):
    p, row, line = _membership(facts, b"NATO,POL,")
    replace_once(p, line, b"NATTO" + line[4:])
    return {"row": row}


@case(
    "membership-bad-date",
    "a membership joined on 1999-02-30",
    "data/memberships.csv",
    "row {row}",
    "column joined",
    "1999-02-30",
)
def _(raw, facts, n):
    p, row, line = _membership(facts, b"NATO,POL,Poland,1999-03-12,")
    replace_once(p, line, line.replace(b"1999-03-12", b"1999-02-30", 1))
    return {"row": row}


@case(
    "membership-extra-field",
    "a membership row with one field too many",
    "data/memberships.csv",
    "row {row}",
    "fields",
)
def _(raw, facts, n):
    p, row, line = _membership(facts, b"NATO,POL,")
    replace_once(p, line, line.rstrip(b"\r\n") + b",surplus\n")
    return {"row": row}


@case(
    "membership-latin1",
    "data/memberships.csv re-encoded as latin-1 ('Türkiye')",
    "data/memberships.csv",
    "row {row}",
    "not UTF-8",
)
def _(raw, facts, n):
    p = facts / "memberships.csv"
    row = line_of(p, b"NATO,TUR,")[0]
    reencode(p, "latin-1")
    return {"row": row}


@case(
    "membership-unknown-country",
    "a membership for an unknown ISO3 code",
    "data/memberships.csv",
    "row {row}",
    "column iso3",
    "XXY",
)
def _(raw, facts, n):
    p, row, line = _membership(facts, b"NATO,POL,")
    replace_once(p, line, line.replace(b"NATO,POL,", b"NATO,XXY,", 1))
    return {"row": row}


@case("alliances-missing", "data/alliances.csv deleted", "data/alliances.csv", "not found")
def _(raw, facts, n):
    (facts / "alliances.csv").unlink()


@case(
    "succession-malformed",
    "data/state_succession.csv with an unclosed quote",
    "data/state_succession.csv",
    "unreadable CSV",
)
def _(raw, facts, n):
    p = facts / "state_succession.csv"
    p.write_bytes(p.read_bytes() + b'SUN,"RUS,continuator\n')


# --- special files, size caps, bombs and control characters (issue 11) --------------------
# Each of these once blocked the build forever (a FIFO), grew it to 6-13 GB (a link to
# /dev/zero, a zip bomb, a million-row sheet) or published a NUL in a country name.


def _replace_with_fifo(p: Path) -> None:
    p.unlink()
    os.mkfifo(p)


@case("sipri-fifo", "SIPRI xlsx replaced by a FIFO (named pipe)", "{sipri}", "FIFO")
def _(raw, facts, n):
    _replace_with_fifo(_path(raw, n, "sipri"))


@case("wb-gdp-fifo", "World Bank GDP csv replaced by a FIFO", "{wb_gdp}", "FIFO")
def _(raw, facts, n):
    _replace_with_fifo(_path(raw, n, "wb_gdp"))


@case("nato-dev-zero", "NATO xlsx replaced by a link to /dev/zero", "{nato}", "character device")
def _(raw, facts, n):
    p = _path(raw, n, "nato")
    p.unlink()
    p.symlink_to("/dev/zero")


@case("kiel-dev-urandom", "Kiel csv replaced by a link to /dev/urandom", "{kiel}", "device")
def _(raw, facts, n):
    p = _path(raw, n, "kiel")
    p.unlink()
    p.symlink_to("/dev/urandom")


@case("geo-folder", "the REST Countries json replaced by a folder", "{geo}", "folder")
def _(raw, facts, n):
    p = _path(raw, n, "geo")
    p.unlink()
    p.mkdir()


@case("cow-dangling-link", "the COW NMC csv replaced by a dangling link", "{nmc}", "cannot be read")
def _(raw, facts, n):
    p = _path(raw, n, "nmc")
    p.unlink()
    p.symlink_to(p.with_name("gone.csv"))


@case("nmc-oversize", "the COW NMC csv grown (sparse) to 40 MB, over its cap", "{nmc}", "cap")
def _(raw, facts, n):
    with _path(raw, n, "nmc").open("r+b") as f:
        f.truncate(40 << 20)  # sparse: no disk used, but its size is what a reader would read


@case("geo-oversize", "the REST Countries json grown (sparse) past its cap", "{geo}", "cap")
def _(raw, facts, n):
    with _path(raw, n, "geo").open("r+b") as f:
        f.truncate(33 << 20)


def _add_member(p: Path, name: str, chunks: int, chunk: bytes) -> None:
    """Stream a member into the zip (never all of it in memory)."""
    with (
        zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as book,
        book.open(name, "w", force_zip64=True) as f,
    ):
        for _ in range(chunks):
            f.write(chunk)


@case(
    "sipri-zip-bomb",
    "a 260 MB member of zeros (about 250 KB zipped) in the SIPRI xlsx",
    "{sipri}",
    "zip bomb",
)
def _(raw, facts, n):
    _add_member(_path(raw, n, "sipri"), "xl/media/zeros.bin", 260, bytes(1 << 20))


@case(
    "nato-million-rows",
    "a sheet of a million empty rows added to the NATO xlsx",
    "{nato}",
    "rows",
    "sheet sheet99.xml",
)
def _(raw, facts, n):
    rows = "".join(f'<row r="{i}"/>' for i in range(1, 1_000_001)).encode()
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    with zipfile.ZipFile(_path(raw, n, "nato"), "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "xl/worksheets/sheet99.xml", head + b"<sheetData>" + rows + b"</sheetData></worksheet>"
        )


@case(
    "geo-nul-in-name",
    "a JSON \\u0000 inside Poland's name in REST Countries",
    "{geo}",
    "name.common",
    "U+0000",
    "row",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "geo"), b'"common": "Poland"', b'"common": "P\\u0000oland"')


@case(
    "geo-escape-in-capital",
    "an ESC character in Warsaw's name in REST Countries",
    "{geo}",
    "capital",
    "U+001B",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "geo"), b'"Warsaw"', b'"War\\u001bsaw"')


@case(
    "kiel-bell-in-weapons",
    "a BEL control character in a weapon's name in Kiel's weapons csv",
    "{kiel_weapons}",
    "row 1",
    "column weapons_list",
    "U+0007",
    stage="load",
)
def _(raw, facts, n):
    replace_once(_path(raw, n, "kiel_weapons"), b'"M777 howitzer (6)"', b'"M777\x07 howitzer (6)"')


# --- making a case --------------------------------------------------------------------------


def newest_sipri(raw_dir: Path) -> Path:
    """The newest SIPRI release in a raw dir: the one whose name runs to the latest year."""
    files = raw_dir.glob(GLOBS["sipri"])
    return max(files, key=lambda p: re.search(r"-\d{4}-(\d{4})", p.name)[1])


def copy_inputs(raw_dir: Path, dest: Path, sipri: str | None = None) -> tuple[Path, Path]:
    """Writable copies of the raw files (no PDFs) and of the facts, under dest/raw, dest/data.

    Of SIPRI's releases only the newest is copied: every case breaks one file, and seven more
    releases would add 2-3 s of parsing to each of the ~80 builds without testing anything more
    (tests/test_sipri.py and the session build read every release). `sipri` names another
    release to copy instead (its file name)."""
    raw, facts = dest / "raw", dest / "data"
    keep = raw_dir / "sipri" / sipri if sipri else newest_sipri(raw_dir)
    sipri_files = set(raw_dir.glob(GLOBS["sipri"])) - {keep}
    for src in sorted(raw_dir.rglob("*")):
        if src in sipri_files:
            continue
        if src.is_file() and src.suffix.lower() in (".xlsx", ".csv", ".json"):
            target = raw / src.relative_to(raw_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)  # contents only: the copy is writable
    facts.mkdir(parents=True)
    for name in FACTS:
        shutil.copyfile(ROOT / "data" / name, facts / name)
    return raw, facts


class Prepared(NamedTuple):
    raw: Path  # the broken copy of the raw dir
    facts: Path  # the copy of data/ (alliances, memberships, state succession)
    expect: tuple[str, ...]  # what the message must contain
    ideal: tuple[str, ...]  # what it should contain too, once the case's gap is closed


def prepare(c: Case, raw_dir: Path, dest: Path) -> Prepared:
    """Copy the inputs into dest, break them as the case says, fill in the expectations."""
    raw, facts = copy_inputs(raw_dir, dest)
    fields = names(raw)
    fill = {**fields, **(c.breaks(raw, facts, fields) or {})}
    return Prepared(
        raw,
        facts,
        tuple(e.format(**fill) for e in c.expect),
        tuple(e.format(**fill) for e in c.ideal),
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.badinputs OUT_DIR", file=sys.stderr)
        return 2
    from tests.conftest import _raw_dir

    out = Path(argv[1])
    for c in CASES:
        expect = prepare(c, _raw_dir(), out / c.id).expect
        print(f"{c.id:<32} {c.damage}  -> expects {list(expect)}")
    print(f"{len(CASES)} cases in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
