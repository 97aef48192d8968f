"""What a chart needs to be cited: one line of provenance, a citation, and downloads a reader can
publish (rounded to the source's precision, with ISO3 codes, a descriptive file name and a
Frictionless data package describing them). Plain functions of Polars frames, tested alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import polars as pl

from core.catalogue import sources as catalogue

PROJECT = "Alliance Ledger"
# Decimals of a figure whose source publishes no precision of its own (the catalogue's
# `decimals`: NATO's shares to two decimals and whole million US$, SIPRI's to one).
DEFAULT_DECIMALS = {"pct": 2, "usd_m": 1, "usd_bn": 3, "usd": 1}
STAT_DECIMALS = 3  # correlations, slopes, ratios, z: three decimals
P_DECIMALS = 4


def edition_text(edition: str) -> str:
    """'2024-06-17' -> 'June 2024 edition'; '2025 release (data 1949-2024)' -> '2025 release'."""
    text = (edition or "").strip()
    try:
        return f"{date.fromisoformat(text[:10]):%B %Y} edition"
    except ValueError:
        return text.split(" (")[0] or "edition not recorded"


def sources(files: pl.DataFrame, names: Sequence[str]) -> list[dict[str, str]]:
    """One record per source: short name, publisher, edition(s), URL and licence."""
    out = []
    for s in dict.fromkeys(names):
        found = catalogue.get(s.lower())
        prefix, short = (found.prefix, found.short) if found else (s, s)
        hit = (
            files.filter(pl.col("name").str.starts_with(prefix))
            if not files.is_empty() and "name" in files.columns
            else pl.DataFrame()
        )
        if hit.is_empty():
            out.append(
                {"short": short, "publisher": short, "edition": "", "url": "", "licence": ""}
            )
            continue
        editions = sorted(set(hit["edition"].to_list()), reverse=True)
        out.append(
            {
                "short": short,
                "publisher": hit["publisher"][0],
                "edition": "; ".join(editions),
                "newest": editions[0],
                "url": hit["url"][0] if "url" in hit.columns else "",
                "licence": hit["licence"][0] if "licence" in hit.columns else "",
            }
        )
    return out


def provenance(records: Sequence[Mapping[str, str]]) -> str:
    """'Source: NATO (June 2024 edition); SIPRI (2025 release)': one line per chart."""
    parts = [
        f"{r['short']} ({edition_text(r.get('newest') or r['edition'])})"
        if r.get("edition")
        else r["short"]
        for r in records
    ]
    return "Source: " + "; ".join(parts) if parts else ""


def details(records: Sequence[Mapping[str, str]]) -> str:
    """Markdown: each source's publisher, edition, licence and link (behind the expander)."""
    lines = []
    for r in records:
        link = f" [{r['url']}]({r['url']})" if str(r.get("url", "")).startswith("http") else ""
        licence = f" Licence: {r['licence']}." if r.get("licence") else ""
        edition = f", {r['edition']}" if r.get("edition") else ""
        lines.append(f"- **{r['short']}**: {r['publisher']}{edition}.{licence}{link}")
    return "\n".join(lines)


def citation(title: str, records: Sequence[Mapping[str, str]], url: str, built: str) -> str:
    """A plain-text citation of one chart."""
    year = built[:4] if built else str(date.today().year)
    used = "; ".join(
        f"{r['publisher']} ({edition_text(r.get('newest') or r['edition'])})"
        if r.get("edition")
        else r["publisher"]
        for r in records
    )
    text = f'{PROJECT} ({year}). "{title}". Chart'
    text += f", data from {used}" if used else ""
    text += f". Database built {built}." if built else "."
    if url:
        text += f" {url} (accessed {date.today().isoformat()})."
    return text


def _decimals(column: str, source: str | None) -> int | None:
    """How many decimals a column is published with (None: leave it as it is)."""
    found = catalogue.get(source or "")
    table = (found.decimals if found else None) or DEFAULT_DECIMALS
    name = column.lower()
    if name == "p" or name.endswith("_p") or name.startswith("p_"):
        return P_DECIMALS
    if name.endswith("_usd_m") or name.endswith("_m"):
        return table["usd_m"]
    if name.endswith("_bn"):
        return table["usd_bn"]
    if name.endswith("_usd"):  # per head
        return table["usd"]
    if name.endswith("_pct") or name.endswith("_pp") or name.endswith("_pct_gdp"):
        return table["pct"]
    return STAT_DECIMALS


def rounded(frame: pl.DataFrame, source: str | None = None) -> pl.DataFrame:
    """Float columns rounded to the source's published precision (statistics to three
    decimals, p-values to four); other columns unchanged."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype.is_float():
            digits = _decimals(name, source)
            if digits is not None:
                exprs.append(pl.col(name).round(digits))
    return frame.with_columns(exprs) if exprs else frame


def with_iso3(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    """The frame with an iso3 column first when it names countries and `lookup` maps them
    (a frame that has one already gets it, and the country's name, first)."""
    if "iso3" in frame.columns:
        first = [c for c in ("iso3", "country") if c in frame.columns]
        return frame.select(*first, *(c for c in frame.columns if c not in first))
    if "country" not in frame.columns:
        return frame
    if not {"iso3", "country"} <= set(lookup.columns):
        return frame
    codes = lookup.select("country", "iso3").drop_nulls().unique("country")
    out = frame.join(codes, on="country", how="left", maintain_order="left")
    return out.select("iso3", *frame.columns)


def readable_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Datetimes at midnight as dates (no '00:00:00' in a download)."""
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            col = frame[name].drop_nulls()
            if col.is_empty() or (col.dt.hour() == 0).all() and (col.dt.minute() == 0).all():
                exprs.append(pl.col(name).dt.date())
    return frame.with_columns(exprs) if exprs else frame


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as text, so the frame can be written as CSV."""
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if not nested:
        return frame
    return frame.with_columns(
        [
            pl.col(c).list.eval(pl.element().cast(pl.String)).list.join(", ")
            if isinstance(frame.schema[c], pl.List)
            else pl.col(c).cast(pl.String)
            for c in nested
        ]
    )


def file_stem(key: str, params: Mapping[str, Any]) -> str:
    """'alliance-ledger_burden-heatmap_nato_nato_historical_2024': what, from where, which view."""
    parts = [PROJECT, key]
    for name in ("source", "alliance", "membership", "year", "from_year", "to_year", "iso3"):
        value = params.get(name)
        if value not in (None, ""):
            parts.append(str(value))
    slugs = [re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts]
    return "_".join(s for s in slugs if s)


POLARS_TYPES = {
    pl.String: "string",
    pl.Boolean: "boolean",
    pl.Date: "date",
}


def _field_type(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "number"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return POLARS_TYPES.get(dtype, "string")


def unit_of(column: str) -> str:
    name = column.lower()
    if name.endswith("_pct_gdp") or name in ("burden_pct", "share_gdp_pct"):
        return "percent of GDP"
    if name.endswith("_pct"):
        return "percent"
    if name.endswith("_pp"):
        return "percentage points"
    if name.endswith("_usd_m"):
        return "million US$"
    if name.endswith("_usd_bn"):
        return "billion US$"
    return ""


def datapackage(
    *,
    stem: str,
    title: str,
    frame: pl.DataFrame,
    records: Sequence[Mapping[str, str]],
    url: str,
    built: str,
    source: str | None = None,
) -> dict[str, Any]:
    """A Frictionless (tabular) data package describing the CSV download."""
    fields = []
    for name, dtype in frame.schema.items():
        entry: dict[str, Any] = {"name": name, "type": _field_type(dtype)}
        unit = unit_of(name)
        if unit:
            entry["unit"] = unit
        if dtype.is_float():
            entry["decimals"] = _decimals(name, source)
        fields.append(entry)
    return {
        "profile": "tabular-data-package",
        "name": stem,
        "title": title,
        "homepage": url,
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database_built": built,
        "licenses": [
            {"title": r["licence"], "source": r["short"]} for r in records if r.get("licence")
        ],
        "sources": [
            {
                "title": r["publisher"],
                "version": r.get("edition", ""),
                "path": r.get("url", ""),
                # the day the edition was public (a claim's records carry it)
                **({"published": r["published"]} if r.get("published") else {}),
            }
            for r in records
        ],
        "resources": [
            {
                "name": stem,
                "path": f"{stem}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields},
            }
        ],
    }


def datapackage_json(package: Mapping[str, Any]) -> bytes:
    return json.dumps(package, indent=2, ensure_ascii=False, default=str).encode("utf-8")
