"""Locating raw files and recording what was loaded (sha256, size), never changing them; and
whether the process behind a temporary file still runs."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.errors import EtlError


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
    return hits[0]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def process_alive(pid: int) -> bool:
    """Whether the process that named a temporary file or folder (its pid) still runs: a build's
    `.db.PID.tmp` and a refresh's `.refresh-PID-*` are left alone while it does."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True
