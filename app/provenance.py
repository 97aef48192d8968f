"""Which publishers stand behind a figure, for the source line under a chart: from a query's
`source` parameter or the tables its sidecar lists, mapped to the sources of the registry
(etl/sources/, which names the tables each source fills); and a claim's source in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from app import cite, data
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
    """The publishers behind a figure on `source`'s numbers: that one alone (SIPRI rows take the
    GDP and population SIPRI's own figures imply, not the World Bank's: defence_panel)."""
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
    found = _publishers(str(data.db_path()), data.current_fingerprint()).get(text) if text else None
    return f"{found[0]}, {found[1]} ({text})" if found else text


def records(names: Sequence[str]) -> list[dict[str, str]]:
    """cite.sources for a chart's source line: publisher, editions, URL and licence per source."""
    return _records(tuple(names), str(data.db_path()), data.current_fingerprint())


# Once per database file (path and fingerprint): a page names its sources under every chart and
# claim card, and filtering the source_file frame each time cost ~30 ms a landing page.
@st.cache_data(show_spinner=False, max_entries=64)
def _publishers(path: str, fp: data.Fingerprint | None) -> dict[str, tuple[str, str]]:
    files = data.table("source_file").frame
    if files.is_empty():
        return {}
    return {n: (p, e) for n, p, e in files.select("name", "publisher", "edition").iter_rows()}


@st.cache_data(show_spinner=False, max_entries=256)
def _records(
    names: tuple[str, ...], path: str, fp: data.Fingerprint | None
) -> list[dict[str, str]]:
    return cite.sources(data.table("source_file").frame, names)
