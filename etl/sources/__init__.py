"""One module per source: how a publisher's data are fetched and read lives in its module here
(discovery and download, raw-file patterns, parser, checksums of known-genuine files), beside
its catalogue entry (core/catalogue/sources.py: names, publisher, licence, cadence, tables),
which each module's SOURCE refers to. The build, refresh, checks and snapshot read REGISTRY;
no other module spells a source's file names or addresses. Adding a source: docs/SOURCES.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from core.catalogue import sources as catalogue
from etl.sources import provenance
from etl.sources.base import Download, Source

# Every module here named for a catalogued source defines its SOURCE: found by the catalogue's
# keys, so a new source is its catalogue entry and its module, no list to extend. The build
# parses in this order (any order loads the same tables): SIPRI's eight workbooks first, the
# largest files, so a bad one fails the build before the rest is read; then the catalogue's.
PARSE_FIRST = ("sipri",)
REGISTRY: dict[str, Source] = {
    key: importlib.import_module(f"{__name__}.{key}").SOURCE
    for key in sorted(catalogue.SOURCES, key=lambda k: k not in PARSE_FIRST)
    if (Path(__file__).parent / f"{key}.py").is_file()
}


def by_folder(folder: str) -> Source | None:
    """The source whose raw files sit in this raw-dir folder ('nato', 'worldbank', 'geo')."""
    return next((s for s in REGISTRY.values() if s.folder == folder), None)


def parsers() -> dict[str, Callable]:
    """Build step name -> parser: 'SIPRI', 'NATO', ..., 'Kiel tracker (parse_weapons)'."""
    out: dict[str, Callable] = {}
    for source in REGISTRY.values():
        for i, ref in enumerate(source.parsers):
            module, function = ref.split(":")
            step = source.name if i == 0 else f"{source.name} ({function})"
            out[step] = getattr(importlib.import_module(module), function)
    return out


def step_source(step: str) -> Source | None:
    """The source a build step (a key of parsers()) reads."""
    return next((s for s in REGISTRY.values() if step.split(" (")[0] == s.name), None)


def downloads() -> tuple[Download, ...]:
    """Everything `etl refresh` fetches, source by source."""
    return tuple(d for s in REGISTRY.values() for d in s.downloads)


def base_urls() -> dict[str, str]:
    """Base-URL key -> publisher host, the defaults $ALLIANCE_BASE_URLS may override."""
    return {k: v for s in REGISTRY.values() for k, v in s.base_urls.items()}


def verify_all(raw_dir: Path) -> None:
    """Refuse (one EtlError) any raw file whose bytes differ from its provenance record (written
    at download), or whose name claims a known release but whose bytes are not that release's
    (a re-saved or fake copy: etl/sources/base.py, Source.verify)."""
    for source in REGISTRY.values():
        for path in source.files(raw_dir):  # the parser checks what it unzips
            name = path.relative_to(raw_dir).as_posix()
            provenance.verify(path, name)
            source.verify(path, name)
