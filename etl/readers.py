"""Readers the parsers share: CSV records with line numbers (any line ending, BOM dropped, UTF-8
or a one-line error), a fast path through polars for plain CSVs, numbers that name their cell
when they are not numbers, an xlsx package's own modified date, and the letters of a sheet's
column (the workbooks' parsers name a cell as Excel does)."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import polars as pl

from core.errors import EtlError


def modified_date(path: Path, file: str) -> date:
    """The workbook's docProps/core.xml modified date: the publisher's save of the release when
    the file name carries no date (NATO since 2025, SIPRI files not in the registry)."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode()
    except (KeyError, zipfile.BadZipFile) as err:
        raise EtlError(f"no release date: no docProps ({err})", file=file) from None
    if m := re.search(r"<dcterms:modified[^>]*>(\d{4}-\d\d-\d\d)", core):
        return date.fromisoformat(m[1])
    raise EtlError("no release date: docProps has no modified date", file=file)


def column_letters(index: int) -> str:
    """Excel column letters for a 0-based column index: 0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
