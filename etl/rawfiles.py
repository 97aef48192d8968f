"""Locating raw files and recording what was loaded (sha256, size), never changing them.

Before any parser reads a raw file, `find` makes sure it is safe to read with bounded memory
and time: a regular file (not a FIFO that blocks forever, a link to /dev/zero, a folder), within
its source's size cap (core.limits), and, for a workbook, within the caps on uncompressed size
and rows, checked by streaming the zip members (a zip bomb or a million-row sheet is refused
before a parser inflates it).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from core import limits
from core.errors import EtlError
from core.files import kind_of, sha256

# C0 controls except tab, newline and carriage return, DEL and C1 controls: never part of a
# name, and a NUL is published as is (the REST Countries file once carried 'P\x00oland').
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


@dataclass(frozen=True)
class SourceFile:
    """One raw file as loaded: the row that goes into the `source_file` table."""

    name: str  # path relative to the raw dir, e.g. "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
    publisher: str
    edition: str
    url: str
    licence: str
    sha256: str
    bytes: int
    rows: int  # tidy rows this file contributed


def find(raw_dir: Path, pattern: str) -> Path:
    """The one file under raw_dir matching a glob; publishers rename files each release."""
    hits = sorted(raw_dir.glob(pattern))
    if not hits:
        raise EtlError(f"no file matching {pattern!r} (is --raw-dir right?)", file=str(raw_dir))
    if len(hits) > 1:
        names = ", ".join(h.name for h in hits)
        raise EtlError(f"several files match {pattern!r}: {names}; keep one", file=str(raw_dir))
    check(hits[0], pattern.split("/")[0], hits[0].relative_to(raw_dir).as_posix())
    return hits[0]


def check(path: Path, source: str, name: str | None = None, *, workbook: bool = True) -> None:
    """Refuse, in one line, a raw file that cannot be read safely (see the module's doc).
    `name` is how messages call the file (the parsers' name, relative to the raw dir)."""
    name = name or str(path)
    try:
        info = path.stat()  # follows a symbolic link: its target is what would be read
    except OSError as e:
        raise EtlError(f"cannot be read: {e.strerror}", file=name) from None
    if not stat.S_ISREG(info.st_mode):
        link = f" (a link to {os.path.realpath(path)})" if path.is_symlink() else ""
        raise EtlError(f"is {kind_of(info.st_mode)}{link}; only regular files are read", file=name)
    try:
        cap = limits.raw_bytes(source)
    except limits.LimitError as e:
        raise EtlError(str(e)) from None
    if info.st_size > cap:
        raise EtlError(
            f"is {info.st_size / limits.MB:,.1f} MB, over the {cap / limits.MB:,.0f} MB cap for "
            f"{source} files (ALLIANCE_RAW_MB_{source.upper()})",
            file=name,
        )
    if workbook and path.suffix.lower() in (".xlsx", ".xlsm"):
        check_workbook(path, name)


def check_workbook(path: Path, name: str | None = None) -> None:
    """Uncompressed size and rows of a workbook, streamed member by member (bounded memory):
    the declared sizes first, then the bytes actually inflated, since a header can lie."""
    name = name or str(path)
    try:
        budget = int(limits.get("xlsx_unzipped_mb") * limits.MB)
        most_rows = int(limits.get("xlsx_rows"))
    except limits.LimitError as e:
        raise EtlError(str(e)) from None
    try:
        with zipfile.ZipFile(path) as book:
            members = book.infolist()
            declared = sum(m.file_size for m in members)
            if declared > budget:
                raise EtlError(
                    f"unzips to {declared / limits.MB:,.0f} MB, over the "
                    f"{budget / limits.MB:,.0f} MB cap for workbooks (a zip bomb?)",
                    file=name,
                )
            inflated = 0
            for member in members:
                is_sheet = member.filename.startswith("xl/worksheets/")
                rows, tail = 0, b""
                with book.open(member) as f:
                    while chunk := f.read(1 << 20):
                        inflated += len(chunk)
                        if inflated > budget:
                            raise EtlError(
                                f"unzips to more than {budget / limits.MB:,.0f} MB (the cap for "
                                "workbooks; a zip bomb?)",
                                file=name,
                            )
                        if is_sheet:
                            rows += len(ROW_TAG.findall(tail + chunk)) - len(ROW_TAG.findall(tail))
                            tail = chunk[-16:]
                if rows > most_rows:
                    sheet = member.filename.rsplit("/", 1)[-1]
                    raise EtlError(
                        f"has {rows:,} rows, over the cap of {most_rows:,} (ALLIANCE_XLSX_ROWS)",
                        file=name,
                        sheet=sheet,
                    )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        zlib.error,  # a member whose compressed bytes are damaged
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method zipfile does not know
    ) as e:
        raise EtlError(f"cannot read the workbook: {e}", file=name) from None


def refuse_control_characters(frame: pl.DataFrame, file: str) -> None:
    """One line naming the file, row (1-based in the frame) and column of the first text value
    that holds a control character; such a value is never published."""
    for column, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        hits = frame.select(pl.col(column).str.contains(CONTROL.pattern).arg_true()).to_series()
        if hits.len():
            row = int(hits[0])
            value = frame[column][row]
            code = f"U+{ord(CONTROL.search(value).group()):04X}"
            raise EtlError(
                f"{value[:40]!r} holds a control character ({code})",
                file=file,
                row=row + 1,
                column=column,
            )


def describe(
    path: Path, raw_dir: Path, *, publisher: str, edition: str, url: str, licence: str, rows: int
) -> SourceFile:
    return SourceFile(
        name=path.relative_to(raw_dir).as_posix(),
        publisher=publisher,
        edition=edition,
        url=url,
        licence=licence,
        sha256=sha256(path),
        bytes=path.stat().st_size,
        rows=rows,
    )


@dataclass
class Parsed:
    """What every parser returns: tidy frames keyed by table name, and the files they came from."""

    tables: dict[str, pl.DataFrame]
    files: list[SourceFile]


def side_by_side(
    paths: list[Path],
    raw_dir: Path,
    parse_file: Callable[[Path, Path], Parsed],
    patterns: object,
    kind: str,
) -> Parsed:
    """Every edition (`kind`: 'edition', 'release') of one source's files parsed and stacked,
    keyed by the edition each file's `edition` table names; two files naming one edition are
    refused, since the loader could not tell which to keep."""
    if not paths:
        raise EtlError(f"no file matching {patterns} (is --raw-dir right?)", file=str(raw_dir))
    parsed = [parse_file(path, raw_dir) for path in paths]
    editions = [p.tables["edition"]["edition"][0] for p in parsed]
    if len(set(editions)) < len(editions):
        names = ", ".join(p.files[0].name for p in parsed)
        raise EtlError(f"two files claim one {kind}: {names}; keep one", file=str(raw_dir))
    tables = {t: pl.concat([p.tables[t] for p in parsed]) for t in parsed[0].tables}
    return Parsed(tables=tables, files=[f for p in parsed for f in p.files])
