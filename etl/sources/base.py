"""What every source module declares (`Source`), and the checks that use it: which raw files are
the source's, which bytes are known to be genuine, and the `edition` table row of a release."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

from core.catalogue import sources as catalogue
from core.errors import EtlError
from etl.rawfiles import SourceFile, check, describe


@dataclass(frozen=True)
class Known:
    """A file known to be the publisher's own: its name, bytes and digest(s), and its release.

    `claims` is a regex over file names: any file it matches claims to be this edition, so it
    must carry these bytes (a re-saved copy under the same or the unversioned name is refused).
    None where the name does not name the edition (REST Countries keeps one name through every
    change of its file): other bytes under that name are simply not this edition.
    """

    name: str
    edition: str  # e.g. '2024' (NATO), 'April 2025' (SIPRI)
    published: date  # the release day the publisher announced: the edition's key
    bytes: int
    claims: str | None = None
    sha256: str | None = None
    md5: str | None = None  # some publishers' pages give only an md5
    # When these bytes were public, if later than the release day: a copy the publisher re-saved
    # or regenerated after the release (SIPRI's 2017 and 2022 files). A judgment as of a date
    # before it must not use them (ledger: editions as of a date).
    available: date | None = None
    note: str = ""  # where the dates come from, in a few words

    @property
    def available_from(self) -> date:
        return self.available or self.published


KNOWN_FILES = Path(__file__).resolve().parents[2] / "data" / "known_files.csv"


@cache
def _known_rows() -> tuple[dict[str, str], ...]:
    with KNOWN_FILES.open(encoding="utf-8", newline="") as f:
        rows = tuple(csv.DictReader(f))
    for row in rows:
        if not row["source_url"].startswith("https://"):
            raise ValueError(f"data/known_files.csv: {row['name']} needs a source_url")
    return rows


def known_files(source: str) -> tuple[Known, ...]:
    """The publisher's own files of one source, from data/known_files.csv (one row a file, each
    with where its bytes and dates were checked)."""
    day = date.fromisoformat
    return tuple(
        Known(
            name=row["name"],
            edition=row["edition"],
            published=day(row["published"]),
            available=day(row["available"]) if row["available"] else None,
            bytes=int(row["bytes"]),
            sha256=row["sha256"] or None,
            md5=row["md5"] or None,
            claims=row["claims"] or None,
            note=row["note"],
        )
        for row in _known_rows()
        if row["source"] == source
    )


@dataclass(frozen=True)
class Download:
    """One thing `etl refresh` downloads, and where its file(s) go under the raw dir.

    `path` is appended to the base URL named `base`. With `link` set, `path` is a page and the
    file is the newest link on it whose path matches the regex `link` (groups compared as
    integers, newest first); `former` lists (page, link) pairs tried in turn when the current
    page or pattern finds nothing (a publisher's old address). With `unzip`, the download is a
    zip and `globs` name the members kept. `release` is a regex whose group names the release a
    file belongs to: a new file replaces only the older files of its own release (SIPRI's `_2`
    -> `_v1.3` of one year's data), so earlier editions stay beside it. Without it, a new file
    replaces every file its glob matches.
    """

    key: str
    publisher: str
    folder: str  # raw-dir subfolder
    globs: tuple[str, ...]  # files this download owns in `folder`; globs[0] is what parsers find
    base: str  # key into the base URLs
    path: str
    link: str | None = None
    unzip: bool = False
    former: tuple[tuple[str, str], ...] = ()
    release: str | None = None

    @property
    def pattern(self) -> str:
        """The glob, relative to the raw dir, of this download's file."""
        return f"{self.folder}/{self.globs[0]}"


@dataclass(frozen=True)
class Source:
    """How one source's data are fetched and read: where the files are found and downloaded,
    which raw files the parser reads, which bytes are known to be genuine. Who publishes it,
    under which terms, how often and which tables it fills is its catalogue entry (`about`,
    core/catalogue/sources.py), which the properties below read."""

    about: catalogue.Source
    page: str  # where the publisher lists the files (today)
    patterns: tuple[str, ...]  # raw-dir globs of the files the parser reads
    parsers: tuple[str, ...]  # 'module:function' (imported when a build runs)
    base_urls: dict[str, str] = field(default_factory=dict)  # base key -> publisher's host
    # The publisher's own hosts: `etl refresh` requests nothing anywhere else (redirects and
    # page links included; etl/fetch.py), apart from the operator's $ALLIANCE_BASE_URLS.
    hosts: tuple[str, ...] = ()
    downloads: tuple[Download, ...] = ()
    former_pages: tuple[str, ...] = ()
    known: tuple[Known, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return self.about.key

    @property
    def name(self) -> str:
        """As the build's steps and the pages name it ('SIPRI', 'Kiel tracker')."""
        return self.about.short

    @property
    def publisher(self) -> str:
        return self.about.publisher

    @property
    def licence(self) -> str:
        return self.about.licence

    @property
    def folder(self) -> str:
        return self.about.folder

    @property
    def tables(self) -> tuple[str, ...]:
        return self.about.tables

    def describe(
        self,
        path: Path,
        raw_dir: Path,
        *,
        edition: str,
        rows: int,
        url: str | None = None,
        licence: str | None = None,
    ) -> SourceFile:
        """The `source_file` row of one of this source's files, under its publisher's name and
        licence (`licence`: the terms as one release words them), found at `url` (by default
        the page that lists the files)."""
        return describe(
            path,
            raw_dir,
            publisher=self.publisher,
            edition=edition,
            url=url or self.page,
            licence=licence or self.licence,
            rows=rows,
        )

    def files(self, raw_dir: Path, *, workbooks: bool = False) -> list[Path]:
        """Every file of this source under raw_dir (several editions may sit side by side).

        Each is checked before any parser opens it (etl.rawfiles.check): a FIFO, a link to a
        device, a folder or a dangling link matching a pattern is refused in one line naming
        it, as is a file over the source's size cap; with `workbooks` (what a parser about to
        unzip asks for) a workbook bomb or a sheet of too many rows too."""
        hits = sorted({p for pattern in self.patterns for p in raw_dir.glob(pattern)})
        for path in hits:
            check(path, self.folder, path.relative_to(raw_dir).as_posix(), workbook=workbooks)
        return hits

    def genuine(self, path: Path) -> Known | None:
        """The known release this file is, by its bytes (None when not a known file)."""
        size = path.stat().st_size
        candidates = [k for k in self.known if k.bytes == size]
        if not candidates:
            return None
        sha, md5 = _digests(path)
        return next((k for k in candidates if sha == k.sha256 or md5 == k.md5), None)

    def verify(self, path: Path, file: str) -> Known | None:
        """Refuse a file whose name claims a known release but whose bytes are not that
        release's (a re-saved or fake copy); return the known release it is, if any."""
        if found := self.genuine(path):
            return found
        for known in self.known:
            if known.claims and re.fullmatch(known.claims, path.name):
                raise EtlError(
                    f"claims to be {self.name} {known.edition} ({known.name}, {known.bytes:,} "
                    f"bytes) but its bytes differ ({path.stat().st_size:,} bytes): not the "
                    "publisher's file",
                    file=file,
                )
        return None


def _digests(path: Path) -> tuple[str, str]:
    sha, md5 = hashlib.sha256(), hashlib.md5()  # noqa: S324 (md5: the publisher's own checksum)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
            md5.update(chunk)
    return sha.hexdigest(), md5.hexdigest()


EDITION_SCHEMA = {
    "source": pl.String,
    "edition": pl.Date,
    "published": pl.Date,
    "definition": pl.String,
    "price_base_year": pl.Int32,
    "file": pl.String,
    "first_year": pl.Int32,
    "last_year": pl.Int32,
}


def edition_frame(**row: object) -> pl.DataFrame:
    """One row of the `edition` table (core/schema.sql); `published` (when the file's bytes were
    public) defaults to the edition's own date."""
    row.setdefault("published", row["edition"])
    return pl.DataFrame([row], schema=EDITION_SCHEMA)
