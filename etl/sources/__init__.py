"""One module per source: everything about a publisher's files lives in its module here.

REGISTRY lists the sources whose raw files carry editions; the build, the checks and the
dashboard read publisher, licence, file patterns and known checksums from it.
"""

from __future__ import annotations

from pathlib import Path

from etl.sources import nato, sipri
from etl.sources.base import Source

REGISTRY: dict[str, Source] = {s.key: s for s in (nato.SOURCE, sipri.SOURCE)}


def verify_all(raw_dir: Path) -> None:
    """Refuse (one EtlError) any raw file whose name claims a known release but whose bytes are
    not that release's: a re-saved or fake copy (etl/sources/base.py, Source.verify)."""
    for source in REGISTRY.values():
        for path in source.files(raw_dir):
            source.verify(path, path.relative_to(raw_dir).as_posix())
