"""A country's key figures (label, value, help) for the country page."""

from __future__ import annotations

import polars as pl

from app.views import burden, common
from ledger import words


def key_figures(
    series: pl.DataFrame, allies: pl.DataFrame, iso3: str
) -> list[tuple[str, str, str]]:
    """A country's key figures, (label, value, help), readable first: its burden on NATO's and
    SIPRI's figures, spending in US$ and per head (from the same source's row: never one
    source's money over another's population), its rank among the allies and the change since
    2014. `series` is series_of (source names as published), `allies` is burden on NATO's
    figures for every ally."""
    out: list[tuple[str, str, str]] = []

    def latest(source: str) -> dict | None:
        if not {"source", "share_gdp_pct"} <= set(series.columns):
            return None
        rows = series.filter(pl.col("source") == source).drop_nulls("share_gdp_pct")
        return rows.sort("year").row(-1, named=True) if rows.height else None

    nato, sipri = latest("NATO"), latest("SIPRI")
    for name, row in (("NATO", nato), ("SIPRI", sipri)):
        if row:
            star = " (estimate)" if row.get("is_estimate") else ""
            out.append(
                (
                    f"Share of GDP, {name} {row['year']}",
                    words.pct(row["share_gdp_pct"], 2),
                    f"Defence expenditure as a share of GDP on {name}'s definition{star}.",
                )
            )
    money = next((r for r in (nato, sipri) if r and r.get("current_usd_m") is not None), None)
    if money:
        bn = money["current_usd_m"] / 1000
        out.append(
            (
                f"Defence spending, {money['year']}",
                f"US$ {bn:,.1f} bn",
                f"Current prices, {money['source']} figures.",
            )
        )
        head = money.get(burden.PER_HEAD)
        if head is not None:
            out.append(
                (
                    f"Per head, {money['year']}",
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
                    f"Rank among allies, {year_rows['year'][0]}",
                    f"{codes.index(iso3) + 1} of {len(codes)}",
                    "By defence spending as a share of GDP, NATO figures (1 = highest).",
                )
            )
    if nato and {"year"} <= set(series.columns):
        first = series.filter((pl.col("source") == "NATO") & (pl.col("year") == 2014))
        first = first.drop_nulls("share_gdp_pct")
        if first.height and nato["year"] > 2014:
            change = nato["share_gdp_pct"] - first["share_gdp_pct"][0]
            out.append(
                (
                    f"Change since 2014, to {nato['year']}",
                    f"{change:+.2f} points".replace("-", "−"),
                    "Percentage points of GDP, NATO figures.",
                )
            )
    return out
