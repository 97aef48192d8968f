"""Genuine workbooks changed the way a publisher's next release might change them, at the XML level.

`Xlsx` opens a workbook as a zip of XML parts, finds cells by their text and overwrites them,
renames or drops a sheet or a shared string (the bad-input corpus, tests/badinputs.py, breaks
workbooks with it). `Book` extends it with what a new release does to a layout: a column or a
row inserted or deleted, a cell written where there was none, the sheets reordered, the docProps
modified date gone. Only the parts a change names are rewritten, and within a sheet only the
cells it moves (their references) or writes; every other part keeps its bytes. Nothing is
re-saved by a spreadsheet library.

`Layout` says where things are in a pristine sheet (header row, Country, Notes and year columns,
the row of each label), so a test can name a change in the publisher's terms ('a blank column
before Notes', 'drop Norway') and work out what the parser should then give.
"""

from __future__ import annotations

import copy
import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, get_column_letter

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
            return f'<c r="{column_letters(column_index(cell[1]) + 1)}{row}"'

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


def column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27: 0-based, as the tests count columns."""
    return column_index_from_string(letters) - 1


def column_letters(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    return get_column_letter(index + 1)


# --- what a new release does to a workbook ----------------------------------------------

_ROW = re.compile(r'<row r="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', re.S)
_CELL_AT = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
# Every reference a sheet's XML holds that moves with its cells: a cell's and a row's own, the
# range attributes (dimension, merged cells, hyperlinks, selections), column widths, row spans.
_REFS = re.compile(
    r'(?P<cell><c r=")(?P<cl>[A-Z]+)(?P<cr>\d+)"'
    r'|(?P<row><row r=")(?P<rr>\d+)"'
    r'|(?P<range>\b(?:ref|sqref)=")(?P<rv>[^"]*)"'
    r'|(?P<col><col min=")(?P<min>\d+)" max="(?P<max>\d+)"'
    r'|(?P<spans> spans=")(?P<s0>\d+):(?P<s1>\d+)"'
)
_A1 = re.compile(r"([A-Z]{1,3})(\d+)")
ERRORS = ("#VALUE!", "#DIV/0!", "#N/A", "#REF!", "#NAME?", "#NUM!", "#NULL!")  # t="e" cells
_YEAR = re.compile(r"\d{4}(?:\.0)?")


def _cell_xml(ref: str, value: float | str | None, style: str = "") -> str:
    """One cell: a number, an inline string, an Excel error ('#DIV/0!': ERRORS), or (None) an
    empty styled cell."""
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if value in ERRORS:
        return f'<c r="{ref}"{style} t="e"><v>{html.escape(value, quote=False)}</v></c>'
    if isinstance(value, str):
        text = html.escape(value, quote=False)
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}"{style}><v>{value!r}</v></c>'


class Book(Xlsx):
    """A workbook in memory, as XML parts; `copy_to` gives an independent copy to change."""

    def copy_to(self, path: Path) -> Book:
        twin = copy.copy(self)
        twin.path, twin.parts, twin.sheets = path, dict(self.parts), dict(self.sheets)
        twin.infos = list(self.infos)
        return twin

    def save(self) -> None:
        # compresslevel 1: the parts are rewritten in a fraction of the default level's time
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for info in self.infos:
                z.writestr(info, self.parts[info.filename], zipfile.ZIP_DEFLATED, 1)

    # --- moving cells ---------------------------------------------------------------------

    def _shift(self, sheet: str, *, col_from: int = 10**9, rows_from: int = 10**9, by: int = 1):
        """Move every reference at or beyond column `col_from` (0-based) or row `rows_from`
        by `by` (1 or -1)."""

        def col(i: int) -> int:
            return i + by if i >= col_from else i

        def row(n: int) -> int:
            return n + by if n >= rows_from else n

        def a1(m: re.Match[str]) -> str:
            return f"{column_letters(col(column_index(m[1])))}{row(int(m[2]))}"

        def move(m: re.Match[str]) -> str:
            if m["cell"]:
                return (
                    f'{m["cell"]}{column_letters(col(column_index(m["cl"])))}{row(int(m["cr"]))}"'
                )
            if m["row"]:
                return f'{m["row"]}{row(int(m["rr"]))}"'
            if m["range"]:
                return f'{m["range"]}{_A1.sub(a1, m["rv"])}"'
            if m["col"]:  # 1-based, and the last <col> often runs to 16384: keep it in range
                lo, hi = int(m["min"]) - 1, int(m["max"]) - 1
                return f'{m["col"]}{col(lo) + 1}" max="{min(col(hi) + 1, 16384)}"'
            lo, hi = int(m["s0"]) - 1, int(m["s1"]) - 1
            return f'{m["spans"]}{col(lo) + 1}:{col(hi) + 1}"'

        part = self.sheets[sheet]
        self.put(part, _REFS.sub(move, self.text(part)))

    def insert_column(self, sheet: str, at: int, fill: str | None = None) -> None:
        """A new column at 0-based index `at`; the columns from there move right. `fill`: None
        leaves it without cells, '' puts an empty cell in every row that has cells (the way a
        spreadsheet program keeps a styled blank column), any other text an inline string."""
        self._shift(sheet, col_from=at)
        if fill is None:
            return
        letters = column_letters(at)

        def add(m: re.Match[str]) -> str:
            if m[2] is None:  # <row .../>: no cells
                return m[0]
            cell = _cell_xml(f"{letters}{m[1]}", fill or None)
            return m[0].replace(m[2], _in_order(m[2], at, cell), 1)

        part = self.sheets[sheet]
        self.put(part, _ROW.sub(add, self.text(part)))

    def delete_column(self, sheet: str, at: int) -> None:
        """Remove the column at 0-based index `at`; the columns after it move left."""
        letters = column_letters(at)
        part = self.sheets[sheet]
        xml = re.sub(rf'<c r="{letters}\d+"[^>]*?(?:/>|>.*?</c>)', "", self.text(part), flags=re.S)
        self.put(part, xml)
        self._shift(sheet, col_from=at + 1, by=-1)

    def row_xml(self, sheet: str, row: int) -> str:
        xml = self.text(self.sheets[sheet])
        m = re.search(rf'<row r="{row}"[^>]*?(?:/>|>.*?</row>)', xml, re.S)
        if m is None:
            raise LookupError(f"{self.path.name}, sheet {sheet}: no row {row}")
        return m[0]

    def delete_row(self, sheet: str, row: int) -> None:
        """Remove one row; the rows below move up."""
        part = self.sheets[sheet]
        self.put(part, self.text(part).replace(self.row_xml(sheet, row), "", 1))
        self._shift(sheet, rows_from=row + 1, by=-1)

    def copy_row(self, sheet: str, source: int, at: int, cells: dict[int, str]) -> None:
        """Insert at row `at` a copy of row `source` (styles and values), with the cells named
        in `cells` (0-based column -> text) overwritten; the rows from `at` move down."""
        body = self.row_xml(sheet, source)
        self._shift(sheet, rows_from=at)
        new = re.sub(rf'(<c r="[A-Z]+){source}"', rf'\g<1>{at}"', body)
        new = re.sub(r'<row r="\d+"', f'<row r="{at}"', new, count=1)
        for col, text in cells.items():
            new = _put(new, f"{column_letters(col)}{at}", text)
        part = self.sheets[sheet]
        xml = self.text(part)
        below = (m.start() for m in re.finditer(r'<row r="(\d+)"', xml) if int(m[1]) > at)
        pos = next(below, xml.index("</sheetData>"))
        self.put(part, xml[:pos] + new + xml[pos:])

    def put_cell(self, sheet: str, ref: str, value: float | str | None) -> None:
        """Write one cell, keeping its style if it exists, adding it (in column order) if not.
        A value in ERRORS is written as the error cell a formula that failed leaves."""
        row = int(_A1.fullmatch(ref)[2])
        old = self.row_xml(sheet, row)
        part = self.sheets[sheet]
        self.put(part, self.text(part).replace(old, _put(old, ref, value), 1))

    # --- the workbook as a whole ----------------------------------------------------------

    def reorder_sheets(self, order: list[str]) -> None:
        xml = self.text("xl/workbook.xml")
        tags = {
            html.unescape(re.search(r'\bname="([^"]+)"', tag)[1]): tag
            for tag in re.findall(r"<sheet\b[^>]*/>", xml)
        }
        assert sorted(order) == sorted(tags), (order, list(tags))
        start = xml.index(tags[next(iter(tags))])
        end = xml.index(tags[next(reversed(tags))]) + len(tags[next(reversed(tags))])
        self.put("xl/workbook.xml", xml[:start] + "".join(tags[n] for n in order) + xml[end:])
        self.sheets = {name: self.sheets[name] for name in order}

    def drop_modified_date(self) -> None:
        """docProps/core.xml without <dcterms:modified>, as SIPRI's Apache POI exports write it."""
        xml, hits = re.subn(
            r"<dcterms:modified\b[^>]*>[^<]*</dcterms:modified>", "", self.text("docProps/core.xml")
        )
        assert hits == 1, "no modified date to drop"
        self.put("docProps/core.xml", xml)

    def drop_core_properties(self) -> None:
        """No docProps/core.xml at all (nor its relationship and content type)."""
        self.infos = [i for i in self.infos if i.filename != "docProps/core.xml"]
        del self.parts["docProps/core.xml"]
        for part in ("_rels/.rels", "[Content_Types].xml"):
            xml = re.sub(r"<[^<>]*docProps/core\.xml[^<>]*/>", "", self.text(part))
            self.put(part, xml)


def _in_order(cells: str, col: int, cell: str) -> str:
    """Insert `cell` into a row's cells before the first cell right of column `col`."""
    for m in _CELL_AT.finditer(cells):
        if column_index(m[1]) > col:
            return cells[: m.start()] + cell + cells[m.start() :]
    return cells + cell


def _put(row_xml: str, ref: str, value: float | str | None) -> str:
    """A row's XML with cell `ref` overwritten (style kept) or added in column order."""
    m = re.search(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)', row_xml, re.S)
    if m is not None:
        style = re.search(r'\ss="\d+"', m[1])
        cell = _cell_xml(ref, value, style[0] if style else "")
        return row_xml[: m.start()] + cell + row_xml[m.end() :]
    if row_xml.endswith("/>"):
        return row_xml[:-2] + ">" + _cell_xml(ref, value) + "</row>"
    head = row_xml.index(">") + 1
    body = row_xml[head : -len("</row>")]
    col = column_index(_A1.fullmatch(ref)[1])
    return row_xml[:head] + _in_order(body, col, _cell_xml(ref, value)) + "</row>"


# --- where things are in a pristine sheet ---------------------------------------------------


@dataclass
class Layout:
    """One sheet as the tests see it: the header row and what each column holds, and the row
    of every label in the first column (regions, subregions, countries and legend lines)."""

    header: int  # Excel row
    columns: dict[int, str]  # 0-based column -> header text ('Country', 'Notes', '1949', '')
    labels: dict[str, int]  # first-column text -> Excel row (the first, if printed twice)
    cells: dict[tuple[int, int], str]  # (Excel row, 0-based column) -> shown text

    @property
    def years(self) -> dict[int, int]:
        """0-based column -> year, for the year columns (Apache POI stores 1949 as 1949.0)."""
        return {j: int(h[:4]) for j, h in self.columns.items() if _YEAR.fullmatch(h)}

    def column(self, text: str) -> int:
        return next(j for j, h in self.columns.items() if h == text)

    def text(self, row: int, col: int) -> str:
        return self.cells.get((row, col), "").strip()


def layout(book: Xlsx, sheet: str) -> Layout:
    cells = {(row, column_index(col)): shown for col, row, _, shown in book.cells(sheet)}
    header = min(
        r for (r, j), shown in cells.items() if j == 0 and shown.strip() in ("Country", "Region")
    )
    width = max(j for (r, j) in cells if r == header) + 1
    columns = {j: cells.get((header, j), "").strip() for j in range(width)}
    labels: dict[str, int] = {}
    for (row, j), shown in sorted(cells.items()):
        if j == 0 and row > header and shown.strip():
            labels.setdefault(shown.strip(), row)
    return Layout(header, columns, labels, cells)
