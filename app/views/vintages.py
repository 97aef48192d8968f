"""Every figure a source published for one country and year, release by release, as a sentence:
"first published 2.28 % (April 2025), revised to 2.44 % (April 2026)"."""

from __future__ import annotations

from datetime import date

import polars as pl

from ledger import words


def release(edition: date) -> str:
    """'April 2026': how SIPRI and NATO name a release."""
    return edition.strftime("%B %Y")


def sentence(rows: pl.DataFrame, name: str, year: int, source: str = "SIPRI") -> str:
    """What each release printed as the country's share of GDP for the year, in one sentence;
    rows are the `vintages` query's, oldest release first."""
    if rows.is_empty():
        return f"No {source} release held here prints a figure for {name} in {year}."
    parts = []
    for row in rows.iter_rows(named=True):
        share = row["share_gdp_pct"]
        figure = "no share of GDP" if share is None else words.pct(share, 2)
        when = release(row["edition"])
        copy = ""
        if row["published"] != row["edition"]:
            copy = f" (this copy public {row['published']:%-d %B %Y})"
        estimate = " (an estimate)" if row["is_estimate"] else ""
        change = row["change"]
        if change == "first published":
            parts.append(f"first published as {figure}{estimate} in the {when} release{copy}")
        elif change == "unchanged":
            parts.append(f"unchanged in {when}{copy}")
        elif change == "revised":
            parts.append(f"revised to {figure}{estimate} in {when}{copy}")
        else:
            parts.append(f"{figure}{estimate} in {when}{copy}")
    revised = rows.filter(pl.col("change") == "revised").height
    tail = (
        f"; {revised} revision{'s' if revised != 1 else ''} in {rows.height} releases"
        if rows.height > 1
        else ""
    )
    head = f"{source}'s share of GDP for {name}, {year}: "
    return head + ", then ".join(parts) + tail + "."
