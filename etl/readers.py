"""Readers the parsers share: the xlsx package's own metadata (and, later, CSV helpers)."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

from etl.errors import EtlError


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
