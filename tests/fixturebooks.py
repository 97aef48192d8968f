"""Helpers for the workbooks tests build: publishers' files are stamped with their own dates."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path


def stamp_modified(path: Path, when: date) -> Path:
    """Set docProps/core.xml's modified date (openpyxl stamps 'now' on save), as the publisher's
    own save would have: the parsers read a release's date from it when the name has none."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    core = parts["docProps/core.xml"].decode()
    stamp = rf"\g<1>{when.isoformat()}T10:00:00Z"
    parts["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", stamp, core).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path
