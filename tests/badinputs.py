"""A corpus of broken inputs, generated into a scratch folder from copies of the real raw files.

The cases are rows of data in tests/badinputs.toml: each names the file it breaks, the action
that breaks it (one of ACTIONS below, with its arguments) and what a good error message must
contain: the file, and the sheet, row and column where they apply. Expectations are templates
filled from the real file names (`{sipri}`, `{nato}`, ...) and from what the action returns
(e.g. the Excel row it hit).

Nothing here is committed data: `prepare(case, raw_dir, dest)` copies the real raw files (and
the project's own facts, data/memberships.csv and friends) into `dest`, then applies the case's
action to the copy. xlsx files are edited at the XML level inside the zip (tests/xlsxedit.py),
which takes a fraction of a second even for the 870 KB SIPRI workbook; no workbook is re-saved
by a spreadsheet library, so only the cells a case names change.

    uv run python -m tests.badinputs OUT_DIR     # write every case to OUT_DIR/<case>/ to look at
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import os
import re
import shutil
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from etl.sources import cow, kiel, nato, restcountries, sipri, worldbank
from tests.xlsxedit import Xlsx

ROOT = Path(__file__).resolve().parent.parent
TABLE = Path(__file__).with_suffix(".toml")  # the cases
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


# --- the actions: each breaks the file `p` and may return fields for the expectations -------
# Text arguments come from the table as str and are written as UTF-8 bytes.


def truncate(p: Path, keep: int | str) -> None:
    """Keep the first `keep` bytes ('half': half of them)."""
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2 if keep == "half" else keep])


def grow_sparse(p: Path, mib: int) -> None:
    """Grow the file to `mib` MiB: sparse, so no disk is used, but its size is what a reader
    would read."""
    with p.open("r+b") as f:
        f.truncate(mib << 20)


def write(p: Path, text: str) -> None:
    """Replace the whole file by `text`."""
    p.write_bytes(text.encode())


def write_html_page(p: Path) -> None:
    """Replace the whole file by a proxy's error page, as a download that went wrong saves it."""
    p.write_bytes(HTML_PAGE)


def prepend(p: Path, text: str) -> None:
    p.write_bytes(text.encode() + p.read_bytes())


def append(p: Path, text: str) -> None:
    p.write_bytes(p.read_bytes() + text.encode())


def delete(p: Path) -> None:
    """Delete the file, or the folder with all it holds."""
    if p.is_dir():
        shutil.rmtree(p)
    else:
        p.unlink()


def reencode(p: Path, encoding: str) -> dict:
    """Write the text again in another encoding. `row`: the line of its first character from
    U+0080 to U+00FF, where a UTF-8 reader stumbles on a latin-1 file."""
    text = p.read_bytes().decode("utf-8-sig")
    p.write_bytes(text.encode(encoding, errors="replace"))
    first = next((i for i, ch in enumerate(text) if 127 < ord(ch) < 256), None)
    return {} if first is None else {"row": text[:first].count("\n") + 1}


def replace_once(p: Path, old: str, new: str, line: str | None = None) -> dict:
    """Replace the first `old` by `new`: in the file, or (`line`) in the first line starting
    with that text. `row`: the line it was on."""
    if line is None:
        return {"row": _replace(p, old.encode(), new.encode())}
    row, text = line_of(p, line.encode())
    _replace(p, text, _edited(text, old, new))
    return {"row": row}


def duplicate_line(p: Path, line: str, old: str | None = None, new: str | None = None) -> dict:
    """Repeat the first line starting with `line` below it, the copy with `old` replaced by
    `new` if they are given. `row`: the copy's line."""
    row, text = line_of(p, line.encode())
    _replace(p, text, text + (text if old is None else _edited(text, old, new)))
    return {"row": row + 1}


def csv_set_field(p: Path, line: str, column: str, value: str) -> dict:
    """Set one field of the first line starting with `line`, the column found by its header
    (the first line holding `column` as a field), every field then quoted. `row`: its line."""
    data = p.read_bytes()
    lines = data.decode("utf-8-sig").splitlines(keepends=True)
    header = next(next(csv.reader([x])) for x in lines if column in next(csv.reader([x]), []))
    number = next(i for i, x in enumerate(lines) if x.startswith(line))
    fields = next(csv.reader([lines[number]]))
    fields[header.index(column)] = value
    out = io.StringIO()
    ending = lines[number][len(lines[number].rstrip("\r\n")) :]
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=ending).writerow(fields)
    lines[number] = out.getvalue()
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    p.write_bytes((bom + "".join(lines)).encode())
    return {"row": number + 1}


def csv_set_last_row(p: Path, field: int, value: str) -> None:
    """Set the 0-based `field` of the last line (a plain comma-separated line, no quotes)."""
    head, _, last = p.read_bytes().rstrip(b"\r\n").rpartition(b"\n")
    fields = last.split(b",")
    fields[field] = value.encode()
    p.write_bytes(head + b"\n" + b",".join(fields) + b"\n")


def json_set_field(p: Path, item: int, key: str, value: str) -> None:
    """In a JSON array of objects, set one key of the item at index `item`."""
    entries = json.loads(p.read_bytes())
    entries[item][key] = value
    p.write_text(json.dumps(entries), encoding="utf-8")


def json_repeat_item(p: Path, item: int) -> None:
    """Append to a JSON array a copy of its item at index `item`."""
    entries = json.loads(p.read_bytes())
    p.write_text(json.dumps([*entries, entries[item]]), encoding="utf-8")


def replace_with_fifo(p: Path) -> None:
    p.unlink()
    os.mkfifo(p)


def replace_with_link(p: Path, to: str) -> None:
    """A symbolic link to `to`: an absolute path, or a name beside the file."""
    p.unlink()
    p.symlink_to(p.parent / to)


def replace_with_folder(p: Path) -> None:
    p.unlink()
    p.mkdir()


def xlsx_replace_part(p: Path, sheet: str, xml: str) -> None:
    """Replace the whole XML part of one sheet."""
    with _workbook(p) as book:
        book.put(book.sheets[sheet], xml)


def xlsx_rename_sheet(p: Path, old: str, new: str) -> None:
    with _workbook(p) as book:
        book.rename_sheet(old, new)


def xlsx_drop_sheet(p: Path, sheet: str) -> None:
    with _workbook(p) as book:
        book.drop_sheet(sheet)


def xlsx_rename_string(
    p: Path, new: str, old: str | None = None, starting: str | None = None, sheet: str | None = None
) -> dict:
    """Change a shared string everywhere it shows: the one that is `old`, or the first that
    begins with `starting`. `row` (with `sheet`): the row of that sheet where it shows."""
    with _workbook(p) as book:
        if starting is not None:
            old = next(s for s in book.strings if s.startswith(starting))
        found = {"row": book.find(sheet, old)[1]} if sheet else {}
        book.rename_string(old, new)
    return found


def xlsx_set_cell(
    p: Path,
    sheet: str,
    value: float | str,
    cell: str | None = None,
    row: str | None = None,
    column: str | None = None,
    header: str | None = None,
) -> dict:
    """Overwrite one cell with a number or a text. The cell is the first showing `cell`, or the
    one in the row of the first cell showing `row` and in the column of the first cell showing
    `column` (in the row of the first cell showing `header`, if given). `row`, `col`: where."""
    with _workbook(p) as book:
        if cell is not None:
            col, at = book.find(sheet, cell)
        else:
            col, at = book.year_column(sheet, column, header), book.find(sheet, row)[1]
        book.set(sheet, f"{col}{at}", value)
    return {"row": at, "col": col}


def xlsx_shift_row(p: Path, sheet: str, row: str) -> None:
    """Move the row of the first cell showing `row` one column to the right."""
    with _workbook(p) as book:
        book.shift_row(sheet, book.find(sheet, row)[1])


def zip_add_zeros(p: Path, member: str, mib: int) -> None:
    """Add a member of `mib` MiB of zeros, streamed in (never all of it in memory)."""
    with (
        zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as book,
        book.open(member, "w", force_zip64=True) as f,
    ):
        chunk = bytes(1 << 20)
        for _ in range(mib):
            f.write(chunk)


def zip_add_empty_rows(p: Path, member: str, rows: int) -> None:
    """Add a worksheet part of `rows` empty rows (not listed in the workbook's sheets)."""
    body = "".join(f'<row r="{i}"/>' for i in range(1, rows + 1)).encode()
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr(member, head + b"<sheetData>" + body + b"</sheetData></worksheet>")


ACTIONS: dict[str, Callable[..., dict | None]] = {
    f.__name__.replace("_", "-"): f
    for f in (
        truncate,
        grow_sparse,
        write,
        write_html_page,
        prepend,
        append,
        delete,
        reencode,
        replace_once,
        duplicate_line,
        csv_set_field,
        csv_set_last_row,
        json_set_field,
        json_repeat_item,
        replace_with_fifo,
        replace_with_link,
        replace_with_folder,
        xlsx_replace_part,
        xlsx_rename_sheet,
        xlsx_drop_sheet,
        xlsx_rename_string,
        xlsx_set_cell,
        xlsx_shift_row,
        zip_add_zeros,
        zip_add_empty_rows,
    )
}


@contextmanager
def _workbook(p: Path) -> Iterator[Xlsx]:
    """The workbook to change; saved when the block ends without an error."""
    book = Xlsx(p)
    yield book
    book.save()


def line_of(path: Path, start: bytes) -> tuple[int, bytes]:
    """(1-based line number, line with its newline) of the first line starting with `start`."""
    for number, line in enumerate(path.read_bytes().splitlines(keepends=True), 1):
        if line.startswith(start):
            return number, line
    raise LookupError(f"{path.name}: no line starting {start!r}")


def _replace(path: Path, old: bytes, new: bytes) -> int:
    """Replace the first `old` in a file; returns the 1-based line it was on."""
    data = path.read_bytes()
    at = data.find(old)
    if at < 0:
        raise LookupError(f"{path.name}: {old!r} not found")
    path.write_bytes(data[:at] + new + data[at + len(old) :])
    return data[:at].count(b"\n") + 1


def _edited(line: bytes, old: str, new: str) -> bytes:
    if old.encode() not in line:
        raise LookupError(f"{old!r} not in {line!r}")
    return line.replace(old.encode(), new.encode(), 1)


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    damage: str  # what was done, in words (for the docs)
    file: str  # the file it breaks: a {placeholder}, a path under the raw dir, or data/...
    action: str  # a key of ACTIONS
    expect: tuple[str, ...]  # substrings of the one-line message; {placeholders} filled in
    args: dict = field(default_factory=dict, hash=False)  # the action's arguments
    stage: str = "parse"  # who refuses it: "parse" (a parser), "load" (a key), "check" (a check)
    # A known gap: what the message should also name but does not yet, and why.
    ideal: tuple[str, ...] = ()
    gap: str | None = None


STAGES = ("parse", "load", "check")


def load(text: str) -> list[Case]:
    """The cases of a table (tests/badinputs.toml); a row whose action, arguments, keys or
    stage are not known is refused here, naming it, not when its case runs."""
    cases = []
    for row in tomllib.loads(text)["case"]:
        name = row.get("id", row)
        try:
            c = Case(**row)
        except TypeError as e:  # a key missing or not known
            raise ValueError(f"case {name}: {e}") from None
        c = replace(c, expect=tuple(c.expect), ideal=tuple(c.ideal))
        if c.action not in ACTIONS:
            raise ValueError(f"case {name}: no action {c.action!r}")
        try:
            inspect.signature(ACTIONS[c.action]).bind(Path(), **c.args)
        except TypeError as e:
            raise ValueError(f"case {name}: {c.action} {e}") from None
        if c.stage not in STAGES:
            raise ValueError(f"case {name}: stage {c.stage!r} is not one of {STAGES}")
        cases.append(c)
    return cases


CASES: list[Case] = load(TABLE.read_text(encoding="utf-8"))


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
    """Copy the inputs into dest, apply the case's action to its file, fill in the expectations."""
    raw, facts = copy_inputs(raw_dir, dest)
    fields = names(raw)
    file = c.file.format(**fields)
    target = dest / file if file.startswith("data/") else raw / file
    fill = {**fields, **(ACTIONS[c.action](target, **c.args) or {})}
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
