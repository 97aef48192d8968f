"""A country's key figures (label, value, help) for the country page."""

from __future__ import annotations

import polars as pl

from app.views import burden, common
from core.catalogue import groupings, sources
from ledger import words


def key_figures(
    series: pl.DataFrame, allies: pl.DataFrame, iso3: str
) -> list[tuple[str, str, str]]:
    """A country's key figures, (label, value, help), readable first: its burden on NATO's and
    SIPRI's figures, spending in US$ and per head (from the same source's row: never one
    source's money over another's population), its rank among the allies and the change since
    2014. `series` is series_of (source names as published), `allies` is burden on NATO's
    figures for every ally. Each label says whose figures and which year it gives (the page's
    Source, Grouping and Year controls do not change these)."""
    out: list[tuple[str, str, str]] = []

    def latest(source: str) -> dict | None:
        if not {"source", "share_gdp_pct"} <= set(series.columns):
            return None
        rows = series.filter(pl.col("source") == source).drop_nulls("share_gdp_pct")
        return rows.sort("year").row(-1, named=True) if rows.height else None

    nato_name, sipri_name = sources.short("nato"), sources.short("sipri")
    nato, sipri = latest(nato_name), latest(sipri_name)
    for name, row in ((nato_name, nato), (sipri_name, sipri)):
        if row:
            star = " (estimate)" if row.get("is_estimate") else ""
            out.append(
                (
                    f"Share of GDP, {row['year']} ({name} figures)",
                    words.pct(row["share_gdp_pct"], 2),
                    f"Defence expenditure as a share of GDP on {name}'s definition{star}.",
                )
            )
    money = next((r for r in (nato, sipri) if r and r.get("current_usd_m") is not None), None)
    if money:
        bn = money["current_usd_m"] / 1000
        out.append(
            (
                f"Defence spending, {money['year']} ({money['source']} figures)",
                f"US$ {bn:,.1f} bn",
                f"Current prices, {money['source']} figures.",
            )
        )
        head = money.get(burden.PER_HEAD)
        if head is not None:
            out.append(
                (
                    f"Per head, {money['year']} ({money['source']} figures)",
                    f"US$ {head:,.0f}",
                    f"Defence spending per inhabitant, US$ at current prices, "
                    f"{money['source']} figures ({money.get('per_capita_source') or ''}).",
                )
            )
    if {"iso3", "year", "burden_pct"} <= set(allies.columns) and allies.height:
        year_rows = common.latest_year(allies.drop_nulls("burden_pct")).sort(
            "burden_pct", descending=True
        )
        codes = year_rows["iso3"].to_list()
        if iso3 in codes:
            out.append(
                (
                    f"Rank among {groupings.label('NATO')} allies, {year_rows['year'][0]} "
                    f"({nato_name} figures)",
                    f"{codes.index(iso3) + 1} of {len(codes)}",
                    "By defence spending as a share of GDP, NATO figures (1 = highest).",
                )
            )
    if nato and {"year"} <= set(series.columns):
        first = series.filter((pl.col("source") == nato_name) & (pl.col("year") == 2014))
        first = first.drop_nulls("share_gdp_pct")
        if first.height and nato["year"] > 2014:
            change = nato["share_gdp_pct"] - first["share_gdp_pct"][0]
            out.append(
                (
                    f"Change since 2014, to {nato['year']} ({nato_name} figures)",
                    f"{change:+.2f} points".replace("-", "−"),
                    "Percentage points of GDP, NATO figures.",
                )
            )
    return out
