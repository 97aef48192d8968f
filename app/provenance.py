"""Which publishers stand behind a figure, for the source line under a chart: from a query's
`source` parameter or the tables its sidecar lists, mapped to the sources of the catalogue
(core/catalogue/: the tables each source fills); and a claim's source in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from app import cite, data
from core.catalogue import sources as catalogue

MEMBERSHIPS = catalogue.MEMBERSHIPS.key  # the project's own membership file, not a publisher's
# The views over the membership table (queries/views/) name the memberships too.
_MEMBERSHIP_VIEWS = ("membership_spell", "member_year")


def table_sources() -> dict[str, str]:
    """Table -> source key, from the catalogue; a table every source fills (`edition`) names
    none, so it adds no publisher."""
    filled = {t: s.key for s in catalogue.SOURCES.values() for t in s.tables}
    own = dict.fromkeys(("membership", *_MEMBERSHIP_VIEWS), MEMBERSHIPS)
    return filled | own


def sources_for(source: str | None) -> list[str]:
    """The publishers behind a figure on `source`'s numbers: that one and the source of the GDP
    its shares are over (its own: SIPRI rows take the GDP and population SIPRI's own figures
    imply, not the World Bank's: defence_panel)."""
    if not source:
        return []
    found = catalogue.get(source)
    return list(dict.fromkeys([source, (found and found.gdp) or source]))


def sources_of(name: str, params: dict[str, Any] | None = None) -> list[str]:
    """The sources behind a query's figure, from its `source` parameter or its sidecar."""
    params = params or {}
    chosen = params.get("source") or (
        data.default(name, "source") if "source" in data.parameters(name) else None
    )
    tables = [str(t) for t in data.meta(name).get("sources") or []]
    filled = table_sources()
    found = [filled[t] for t in tables if t in filled]
    if chosen:  # the figure is on the chosen source's numbers, not on its rivals'
        found = [s for s in found if s not in catalogue.offered()]
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
