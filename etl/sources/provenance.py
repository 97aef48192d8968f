"""The provenance record beside every downloaded raw file, and its check at build time.

`etl refresh` writes `.<file name>.provenance.json` next to each file it moves into the raw dir:
where it came from (address), when (UTC), its sha256 and size, the release it names and the
source's publisher and licence. The leading dot keeps it out of the parsers' globs and of the
run log's digests. At build, a raw file whose bytes no longer match its record is refused.

Records are read and written through core.sidefiles: a regular file of at most
ALLIANCE_PROVENANCE_KB (a record is about 500 bytes), never a link's target or a FIFO.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from core import sidefiles
from core.errors import EtlError
from core.files import sha256
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


RECORD = {"limit": "provenance_kb", "what": "provenance record"}  # core.sidefiles


def write(raw_file: Path, entry: dict) -> None:
    """Write the record atomically (a kill leaves the old record or the new one, never half)."""
    data = (json.dumps(entry, indent=1) + "\n").encode("utf-8")
    sidefiles.write(path_of(raw_file), data, **RECORD)


def _read(raw_file: Path) -> dict | None:
    """The record of a raw file (None: there is none); EtlError, one line, if it is not a
    readable record."""
    sidecar = path_of(raw_file)
    data = sidefiles.read(sidecar, **RECORD)
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
        str(entry["sha256"]), int(entry["bytes"])
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        problem = f"{type(e).__name__}: {e}".splitlines()[0][:200]
        raise EtlError(f"unreadable provenance record {sidecar.name} ({problem})") from None
    return entry


def sha256_of(raw_file: Path) -> str | None:
    """The sha256 a file's record holds (None: no record, or one that cannot be read)."""
    try:
        entry = _read(raw_file)
    except EtlError:
        return None
    return None if entry is None else str(entry["sha256"])


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
    try:
        entry = _read(raw_file)
    except sidefiles.SideFileError as e:  # name the record: `file` names the raw file
        raise EtlError(f"{e.problem} ({path_of(raw_file).name})", file=name) from None
    except EtlError as e:
        raise EtlError(e.problem, file=name) from None
    if entry is None:
        return
    expected, size = str(entry["sha256"]), int(entry["bytes"])
    actual = raw_file.stat().st_size
    if actual != size or sha256(raw_file) != expected:
        raise EtlError(
            f"bytes differ from its provenance record ({size:,} bytes, sha256 {expected[:12]}, "
            f"downloaded from {entry.get('url')} at {entry.get('accessed')}; now {actual:,} "
            "bytes): changed after download",
            file=name,
        )
