"""The provenance record beside every downloaded raw file, and its check at build time.

`etl refresh` writes `.<file name>.provenance.json` next to each file it moves into the raw dir:
where it came from (address), when (UTC), its sha256 and size, the release it names and the
source's publisher and licence. The leading dot keeps it out of the parsers' globs and of the
run log's digests. At build, a raw file whose bytes no longer match its record is refused.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from etl.errors import EtlError
from etl.rawfiles import sha256
from etl.sources.base import Download, Source


def path_of(raw_file: Path) -> Path:
    """Where the record of a raw file sits: beside it, hidden."""
    return raw_file.with_name(f".{raw_file.name}.provenance.json")


def record(
    raw_file: Path, *, name: str, url: str, download: Download, source: Source | None
) -> dict:
    """The record of a file just downloaded (its bytes as they are on disk now)."""
    release = re.search(download.release, raw_file.name) if download.release else None
    return {
        "file": name,
        "url": url,
        "accessed": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": sha256(raw_file),
        "bytes": raw_file.stat().st_size,
        "edition": release[1] if release else None,
        "source": source.key if source else download.key,
        "publisher": source.publisher if source else download.publisher,
        "licence": source.licence if source else None,
    }


def write(raw_file: Path, entry: dict) -> None:
    """Write the record atomically (a kill leaves the old record or the new one, never half)."""
    target = path_of(raw_file)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(entry, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def sha256_of(raw_file: Path) -> str | None:
    """The sha256 a file's record holds (None: no record, or one that cannot be read)."""
    try:
        return str(json.loads(path_of(raw_file).read_text(encoding="utf-8"))["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def published(raw_file: Path) -> date | None:
    """The publication date a file's record kept from the publisher's server (its Last-Modified
    header at download), if any: a release date for a workbook that states none itself."""
    try:
        stated = json.loads(path_of(raw_file).read_text(encoding="utf-8"))["published"]
        return date.fromisoformat(str(stated)[:10])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verify(raw_file: Path, name: str) -> None:
    """Refuse a file whose bytes differ from its provenance record (one line); no record: ok."""
    sidecar = path_of(raw_file)
    if not sidecar.is_file():
        return
    try:
        entry = json.loads(sidecar.read_text(encoding="utf-8"))
        expected, size = str(entry["sha256"]), int(entry["bytes"])
    except (ValueError, KeyError, TypeError) as e:
        raise EtlError(f"unreadable provenance record {sidecar.name} ({e})", file=name) from None
    actual = raw_file.stat().st_size
    if actual != size or sha256(raw_file) != expected:
        raise EtlError(
            f"bytes differ from its provenance record ({size:,} bytes, sha256 {expected[:12]}, "
            f"downloaded from {entry.get('url')} at {entry.get('accessed')}; now {actual:,} "
            "bytes): changed after download",
            file=name,
        )
