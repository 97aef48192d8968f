"""Alliances and membership spells: the project's own compiled facts, checked before they load.

data/alliances.csv names each grouping (NATO, JEF, B9, ...) and data/memberships.csv holds one
row per membership spell, each with its own source URL. They are not raw downloads, so they
are read as they stand and checked hard: a wrong date here would move a country in or out of
an alliance in every indicator built on it.

Dates are inclusive at both ends: `joined` is the first day of membership and `departed` the
last (the day of withdrawal or dissolution: the UK left the EU at 23:00 GMT on 2020-01-31). An
alliance's `dissolved` is likewise its last day. An empty `departed` means still a member.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from core.catalogue.sources import MEMBERSHIPS
from core.errors import EtlError
from core.files import sha256
from etl.countries import clean_name, is_known_code, lookup
from etl.rawfiles import Parsed, SourceFile

ALLIANCES_FILE = "alliances.csv"
MEMBERSHIPS_FILE = "memberships.csv"
SUCCESSION_FILE = "state_succession.csv"

ALLIANCE_COLUMNS = ["code", "name", "kind", "founded", "dissolved", "source_url", "note"]
MEMBERSHIP_COLUMNS = [
    "alliance",
    "iso3",
    "country",
    "joined",
    "departed",
    "date_precision",
    "source_url",
    "note",
]
KINDS = frozenset({"treaty alliance", "minilateral", "union"})
PRECISIONS = frozenset({"day", "year"})

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://\S+")

ALLIANCE_SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "kind": pl.String,
    "founded": pl.Date,
    "dissolved": pl.Date,
    "source_url": pl.String,
}
MEMBERSHIP_SCHEMA = {
    "alliance": pl.String,
    "iso3": pl.String,
    "joined": pl.Date,
    "departed": pl.Date,
    "date_precision": pl.String,
    "source_url": pl.String,
    "note": pl.String,
}


@dataclass(frozen=True)
class _Alliance:
    code: str
    founded: date
    dissolved: date | None
    line: int


def _not_utf8(path: Path) -> tuple[str, int]:
    """What is wrong with a file that is not UTF-8, and the row of its first bad byte."""
    body = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        row = body[: e.start].count(b"\n") + 1
        return f"not UTF-8 (byte 0x{body[e.start]:02x}); save the file as UTF-8", row
    return "not UTF-8; save the file as UTF-8", 1


class _Rows:
    """One CSV file read as text, each row with the line it starts on; errors name both."""

    def __init__(self, path: Path, display: str, columns: list[str]) -> None:
        self.display = display
        self.rows: list[tuple[int, dict[str, str]]] = []
        try:
            f = path.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise EtlError("file not found", file=display) from None
        with f:
            reader = csv.reader(f, strict=True)
            header: list[str] | None = None
            line = 1  # where the next record starts
            try:
                for fields in reader:
                    start, line = line, reader.line_num + 1
                    if not fields:
                        continue  # blank line
                    if header is None:
                        header = [c.strip() for c in fields]
                        if header != columns:
                            raise EtlError(
                                f"expected columns {','.join(columns)}; found {','.join(header)}",
                                file=display,
                                row=start,
                            )
                        continue
                    if len(fields) != len(columns):
                        raise EtlError(
                            f"expected {len(columns)} fields, found {len(fields)}",
                            file=display,
                            row=start,
                        )
                    self.rows.append(
                        (start, dict(zip(columns, (v.strip() for v in fields), strict=True)))
                    )
            except csv.Error as exc:
                raise EtlError(f"unreadable CSV: {exc}", file=display, row=line) from None
            except UnicodeDecodeError:  # decoded in chunks, so the reader's row is not it
                message, row = _not_utf8(path)
                raise EtlError(message, file=display, row=row) from None
        if header is None:
            raise EtlError("empty file (no header)", file=display)

    def fail(self, problem: str, line: int, column: str | None = None) -> EtlError:
        return EtlError(problem, file=self.display, row=line, column=column)

    def required(self, record: dict[str, str], line: int, column: str) -> str:
        value = record[column]
        if not value:
            raise self.fail("is empty", line, column)
        return value

    def day(self, record: dict[str, str], line: int, column: str) -> date | None:
        """An optional YYYY-MM-DD date: None when the cell is empty."""
        value = record[column]
        if not value:
            return None
        if not _ISO_DATE.fullmatch(value):
            raise self.fail(f"bad date {value!r}: expected YYYY-MM-DD", line, column)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"bad date {value!r}: no such day", line, column) from None

    def required_day(self, record: dict[str, str], line: int, column: str) -> date:
        value = self.day(record, line, column)
        if value is None:
            raise self.fail("is empty (a date YYYY-MM-DD is required)", line, column)
        return value

    def url(self, record: dict[str, str], line: int, column: str = "source_url") -> str:
        value = self.required(record, line, column)
        if not _URL.fullmatch(value):
            raise self.fail(f"not a web address: {value!r}", line, column)
        return value


def _read_alliances(rows: _Rows) -> tuple[pl.DataFrame, dict[str, _Alliance]]:
    out: list[dict] = []
    known: dict[str, _Alliance] = {}
    for line, r in rows.rows:
        code = rows.required(r, line, "code")
        if code in known:
            raise rows.fail(
                f"duplicate alliance code {code!r} (first on row {known[code].line})", line, "code"
            )
        name = rows.required(r, line, "name")
        kind = rows.required(r, line, "kind")
        if kind not in KINDS:
            raise rows.fail(f"unknown kind {kind!r}; expected one of {sorted(KINDS)}", line, "kind")
        founded = rows.required_day(r, line, "founded")
        dissolved = rows.day(r, line, "dissolved")
        if dissolved is not None and dissolved < founded:
            raise rows.fail(
                f"{code} is dissolved ({dissolved}) before it was founded ({founded})",
                line,
                "dissolved",
            )
        url = rows.url(r, line)
        known[code] = _Alliance(code, founded, dissolved, line)
        out.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "founded": founded,
                "dissolved": dissolved,
                "source_url": url,
            }
        )
    if not out:
        raise EtlError("no alliances", file=rows.display)
    return pl.DataFrame(out, schema=ALLIANCE_SCHEMA), known


def _read_memberships(rows: _Rows, alliances: dict[str, _Alliance]) -> pl.DataFrame:
    out: list[dict] = []
    spells: dict[tuple[str, str], list[tuple[date, date | None, int]]] = {}
    for line, r in rows.rows:
        code = rows.required(r, line, "alliance")
        alliance = alliances.get(code)
        if alliance is None:
            raise rows.fail(
                f"unknown alliance code {code!r}; not in {ALLIANCES_FILE}", line, "alliance"
            )
        iso3 = rows.required(r, line, "iso3")
        if not is_known_code(iso3):
            raise rows.fail(
                f"unknown ISO3 code {iso3!r} (not ISO 3166, data/historical_states.csv "
                "or data/country_overrides.csv)",
                line,
                "iso3",
            )
        country = rows.required(r, line, "country")
        named = lookup(country)
        if named is None:
            raise rows.fail(
                f"unknown country name {clean_name(country)!r}: add it to "
                "data/country_overrides.csv",
                line,
                "country",
            )
        if named != iso3:
            raise rows.fail(
                f"country {country!r} is {named}, but the row says iso3 {iso3}", line, "country"
            )
        joined = rows.required_day(r, line, "joined")
        departed = rows.day(r, line, "departed")
        precision = rows.required(r, line, "date_precision")
        if precision not in PRECISIONS:
            raise rows.fail(
                f"unknown precision {precision!r}; expected 'day' or 'year'",
                line,
                "date_precision",
            )
        url = rows.url(r, line)

        who = f"{iso3} in {code}"
        if departed is not None and departed < joined:
            raise rows.fail(
                f"{who} ends before it starts: departed {departed} is before joined {joined}",
                line,
                "departed",
            )
        if joined < alliance.founded:
            raise rows.fail(
                f"{who} joined {joined}, before {code} was founded ({alliance.founded})",
                line,
                "joined",
            )
        if alliance.dissolved is not None:
            if joined > alliance.dissolved:
                raise rows.fail(
                    f"{who} joined {joined}, after {code} was dissolved ({alliance.dissolved})",
                    line,
                    "joined",
                )
            if departed is None:
                raise rows.fail(
                    f"{who} has no departure, but {code} was dissolved on {alliance.dissolved}",
                    line,
                    "departed",
                )
            if departed > alliance.dissolved:
                raise rows.fail(
                    f"{who} departed {departed}, after {code} was dissolved ({alliance.dissolved})",
                    line,
                    "departed",
                )

        for other_joined, other_departed, other_line in spells.get((code, iso3), []):
            starts_first = joined <= other_joined
            first_end = departed if starts_first else other_departed
            second_start = other_joined if starts_first else joined
            if first_end is None or second_start <= first_end:
                raise rows.fail(
                    f"{who}: spell from {joined} overlaps the spell from {other_joined} "
                    f"on row {other_line}",
                    line,
                    "joined",
                )
        spells.setdefault((code, iso3), []).append((joined, departed, line))

        out.append(
            {
                "alliance": code,
                "iso3": iso3,
                "joined": joined,
                "departed": departed,
                "date_precision": precision,
                "source_url": url,
                "note": r["note"] or None,
            }
        )
    if not out:
        raise EtlError("no memberships", file=rows.display)
    return pl.DataFrame(out, schema=MEMBERSHIP_SCHEMA)


def _describe(path: Path, display: str, rows: int, edition: str) -> SourceFile:
    return SourceFile(
        name=display,
        publisher=MEMBERSHIPS.publisher,
        edition=edition,
        url=f"{display} (each row names its own source_url)",
        licence=MEMBERSHIPS.licence,
        sha256=sha256(path),
        bytes=path.stat().st_size,
        rows=rows,
    )


def parse(data_dir: Path) -> Parsed:
    """Read and check data/alliances.csv and data/memberships.csv into `alliance`, `membership`."""
    a_path, m_path = data_dir / ALLIANCES_FILE, data_dir / MEMBERSHIPS_FILE
    a_name, m_name = f"{data_dir.name}/{ALLIANCES_FILE}", f"{data_dir.name}/{MEMBERSHIPS_FILE}"
    alliance, known = _read_alliances(_Rows(a_path, a_name, ALLIANCE_COLUMNS))
    membership = _read_memberships(_Rows(m_path, m_name, MEMBERSHIP_COLUMNS), known)

    latest = max(
        d
        for d in [
            *membership["joined"].to_list(),
            *membership["departed"].drop_nulls().to_list(),
        ]
    )
    edition = f"facts to {latest.isoformat()}"
    files = [
        _describe(a_path, a_name, alliance.height, edition),
        _describe(m_path, m_name, membership.height, edition),
    ]
    succession = _read_succession(data_dir)
    files.append(
        _describe(
            data_dir / SUCCESSION_FILE,
            f"{data_dir.name}/{SUCCESSION_FILE}",
            succession.height,
            edition,
        )
    )
    return Parsed(
        tables={"alliance": alliance, "membership": membership, "state_succession": succession},
        files=files,
    )


SUCCESSION_COLUMNS = ["predecessor", "successor", "relation", "source_url", "note"]


def _read_succession(data_dir: Path) -> pl.DataFrame:
    """data/state_succession.csv: both codes must be known, relations from a fixed list."""
    display = f"{data_dir.name}/{SUCCESSION_FILE}"
    relations = {"continuator", "successor", "former republic", "absorbed into"}
    # The memberships' reader: header, field counts, quoting and UTF-8 checked, rows named.
    rows = _Rows(data_dir / SUCCESSION_FILE, display, SUCCESSION_COLUMNS).rows
    for line, row in rows:
        for column in ("predecessor", "successor"):
            if not is_known_code(row[column]):
                raise EtlError(
                    f"unknown code {row[column]!r}", file=display, row=line, column=column
                )
        if row["relation"] not in relations:
            raise EtlError(
                f"relation must be one of {sorted(relations)}",
                file=display,
                row=line,
                column="relation",
            )
        if not _URL.fullmatch(row["source_url"]):
            raise EtlError(
                "source_url is not a web address", file=display, row=line, column="source_url"
            )
    return pl.DataFrame(
        [{c: row[c] or None for c in SUCCESSION_COLUMNS} for _, row in rows],
        schema=dict.fromkeys(SUCCESSION_COLUMNS, pl.String),
    )


def members_as_of(membership: pl.DataFrame, alliance: str, day: date) -> list[str]:
    """ISO3 codes (sorted) of the members of `alliance` on `day`; both spell ends inclusive."""
    return sorted(
        membership.filter(
            (pl.col("alliance") == alliance)
            & (pl.col("joined") <= day)
            & (pl.col("departed").is_null() | (pl.col("departed") >= day))
        )["iso3"].to_list()
    )
