"""Which publishers stand behind a figure, for the source line under a chart: from a query's
`source` parameter or the tables its sidecar lists, mapped to the sources of the registry
(etl/sources/, which names the tables each source fills); and a claim's source in words."""

from __future__ import annotations

from typing import Any

import polars as pl

from app import data
from etl.sources import REGISTRY

MEMBERSHIPS = "memberships"  # the project's own membership file, not a publisher's
_MEMBERSHIP_TABLES = ("membership", "membership_spell", "member_year")
# The publishers whose figures a `source` parameter chooses between (one of them per figure).
_CHOSEN = ("nato", "sipri", "worldbank")


def _table_sources() -> dict[str, str]:
    """Table -> source key, from the registry; a table two sources fill (`edition`) names
    neither, so it adds no publisher."""
    filled = [(t, s.key) for s in REGISTRY.values() for t in s.tables]
    shared = {t for t, _ in filled if sum(t == u for u, _ in filled) > 1}
    own = dict.fromkeys(_MEMBERSHIP_TABLES, MEMBERSHIPS)
    return {t: key for t, key in filled if t not in shared} | own


TABLE_SOURCES = _table_sources()


def sources_for(source: str | None) -> list[str]:
    """The publishers behind a figure on `source`'s numbers (SIPRI rows take World Bank GDP)."""
    if source == "sipri":
        return ["sipri", "worldbank"]
    return [source] if source else []


def sources_of(name: str, params: dict[str, Any] | None = None) -> list[str]:
    """The sources behind a query's figure, from its `source` parameter or its sidecar."""
    params = params or {}
    chosen = params.get("source") or (
        data.default(name, "source") if "source" in data.parameters(name) else None
    )
    tables = [str(t) for t in data.meta(name).get("sources") or []]
    found = [TABLE_SOURCES[t] for t in tables if t in TABLE_SOURCES]
    if chosen:
        found = [s for s in found if s not in _CHOSEN]
        found = [*sources_for(chosen), *found]
    found = [s for s in found if s != "restcountries" or "threat" in name]
    return list(dict.fromkeys(found)) or [MEMBERSHIPS]


def describe_source(text: str) -> str:
    """A claim's source string, with a raw file name replaced by its publisher and edition."""
    files = data.table("source_file").frame
    if files.is_empty() or not text:
        return text
    hit = files.filter(pl.col("name") == text)
    if hit.is_empty():
        return text
    return f"{hit['publisher'][0]}, {hit['edition'][0]} ({text})"
