"""How a table shows its columns to a reader: a short header for every column (the CSV keeps
the column's own name), the query sidecar's description of it as the header's help, the first
column pinned while the others scroll, and long text kept narrow so a phone shows more than one
column.

A header is written here for the columns the pages show most; any other name is read word by
word (`me_current_usd_m` → 'defence spending, current (US$ m)'), with the sources' and
groupings' names from the catalogue, so no table ever shows a raw snake_case name.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import streamlit as st

from core.catalogue import groupings, guidelines, sources

# The columns the pages' tables show most, as a reader would head them.
HEADERS = {
    "iso3": "ISO3",
    "alliance": "grouping",
    "alliance_name": "grouping",
    "burden_pct": "% of GDP",
    "share_gdp_pct": "% of GDP",
    "burden_computed_pct": "% of GDP (computed)",
    "is_estimate": "estimate",
    "any_estimate": "any estimate",
    "is_uncertain": "highly uncertain",
    "me_current_usd_m": "spending, US$ m (current)",
    "me_constant_usd_m": "spending, US$ m (constant)",
    "current_usd_m": "spending, US$ m (current)",
    "constant_usd_m": "spending, US$ m (constant)",
    "gdp_current_usd_m": "GDP, US$ m (current)",
    "gdp_constant_usd_m": "GDP, US$ m (constant)",
    "gdp_source": "GDP from",
    "me_per_capita_current_usd": "per head, US$ (current)",
    "me_per_capita_constant_usd": "per head, US$ (constant)",
    "per_capita_source": "per head from",
    "price_base_year": "constant prices of",
    "equipment_share_pct": "% on major equipment",
    "gdp_share_pct": "share of GDP (%)",
    "burden_share_pct": "share of spending (%)",
    "burden_to_benefit_ratio": "R (spending / GDP share)",
    "fair_share_usd_m": "fair share, US$ m",
    "gap_usd_m": "above fair share, US$ m",
    "gap_usd_bn": "above fair share, US$ bn",
    "meets_2pct": f"meets {guidelines.TWO_PERCENT.line}",
    "meets_20pct_equipment": f"meets {guidelines.EQUIPMENT.line}",
    "meets_3_5pct": f"meets {guidelines.HAGUE_CORE.line}",
    "short_of_2pct_pp": f"points short of {guidelines.TWO_PERCENT.value:g} %",
    "shortfall_2pct_usd_m": f"US$ m short of {guidelines.TWO_PERCENT.value:g} %",
    "below_2pct": f"below {guidelines.TWO_PERCENT.value:g} %",
    "n": "members",
}

# Words a column name is made of, as a reader says them.
WORDS = {
    "me": "defence spending",
    "gdp": "GDP",
    "iso3": "ISO3",
    "n": "number of",
    "cinc": "CINC",
    "milex": "military spending",
    "milper": "military personnel",
    "rho": "ρ",
    "pct": "%",
    "pp": "pp",
    "usd": "US$",
    "kusd": "thousand US$",
    "eur": "EUR",
    "km": "km",
    "k": "thousand",
    "us": "US",
    "wb": sources.short("worldbank"),  # cross_source's wb_pct
}
UNITS = ("usd", "kusd", "eur", "m", "bn", "pct", "pp", "km")  # trailing words read as the unit
# The statistics ledger.stats adds beside a column (rho -> rho_p, rho_lo, rho_hi).
STATISTICS = {"p": "p-value", "lo": "95 % interval from", "hi": "95 % interval to"}
SNAKE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


def _word(token: str) -> str:
    if token in WORDS:
        return WORDS[token]
    if threshold := re.fullmatch(r"([\d.]+)pct", token):  # meets_2pct, n_at_or_above_3_5pct
        return f"{threshold[1]} %"
    if token in sources.SOURCES:
        return sources.short(token)
    found = groupings.by_column(token)
    return found.short if found else token


def header(name: str) -> str:
    """A reader's header for a column: written for the common ones, else read word by word
    with the unit last in brackets. A name that is not snake_case is already a header."""
    if name in HEADERS:
        return HEADERS[name]
    if not SNAKE.fullmatch(name):
        return name
    if found := groupings.by_column(name):  # overlap_matrix's one column per grouping
        return found.short
    base, _, last = name.rpartition("_")
    if base and last in STATISTICS:
        return f"{header(base)}, {STATISTICS[last]}"
    tokens = re.sub(r"(\d)_(\d)", r"\1.\2", name.removeprefix("is_")).split("_")
    unit: list[str] = []
    while len(tokens) > 1 and tokens[-1] in UNITS:
        unit.insert(0, tokens.pop())
    words = " ".join(_word(t) for t in tokens)
    return f"{words} ({' '.join(_word(t) for t in unit)})" if unit else words


def describe(meta: dict[str, Any], name: str) -> str | None:
    """The sidecar's description of a column (one line), if it has one."""
    text = (meta.get("columns") or {}).get(name)
    return " ".join(str(text).split()) if text else None


LONG_TEXT = 24  # characters: a text column with longer values is kept narrow (tap to read)


def config(
    frame: pl.DataFrame, meta: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """st.dataframe's column_config for `frame`: each column headed for a reader, with its
    sidecar description as help (`names` maps a renamed column back to the query's), the first
    column pinned, long text narrow; dates as dates and links as links."""
    meta, back = meta or {}, {v: k for k, v in (names or {}).items()}
    out: dict[str, Any] = {}
    for i, (name, dtype) in enumerate(frame.schema.items()):
        options: dict[str, Any] = {
            "help": describe(meta, back.get(name, name)),
            "pinned": True if i == 0 else None,
        }
        values = frame[name].drop_nulls() if frame.height else pl.Series([], dtype=dtype)
        if dtype == pl.String and values.len() and values.str.len_chars().max() > LONG_TEXT:
            options["width"] = "medium"
        label = header(name)
        if dtype == pl.Date:
            out[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD", **options)
        elif dtype == pl.Datetime:
            out[name] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm", **options)
        elif dtype == pl.String and values.len() and values.str.starts_with("http").all():
            out[name] = st.column_config.LinkColumn(label, **options)
        else:
            out[name] = st.column_config.Column(label, **options)
    return out
