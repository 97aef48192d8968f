"""T2: Norway's defence burden is above Denmark's (SIPRI, the latest year)."""

from __future__ import annotations

import polars as pl

from core.catalogue import verdicts
from ledger.claims import base


def judge(ctx: base.Context) -> base.Finding:
    source = ctx.opt("source", "sipri")
    ctx.require(source)
    rows = ctx.query("burden", source=source, alliance="NATO").filter(
        pl.col("iso3").is_in(["NOR", "DNK"]) & pl.col("burden_pct").is_not_null()
    )
    year = ctx.latest_year(rows)
    by = dict(rows.filter(pl.col("year") == year).select("iso3", "burden_pct").iter_rows())
    gap = by.get("NOR", 0.0) - by.get("DNK", 0.0)
    verdict = verdicts.SUPPORTED if gap > 0 else verdicts.NOT_SUPPORTED
    return base.Finding(
        verdict,
        f"In {year} Norway's defence burden was {gap:+.2f} points of GDP against Denmark's.",
        year,
        stats=[
            base.Stat(f"Norway minus Denmark, {year}", gap, unit="pp", exact="two figures: exact")
        ],
        edges=[base.Edge("Norway minus Denmark", gap, 0.0, 0.1, "pp")],
        method=f"{source} burden",
    )


CLAIM = base.Claim(
    id="T2",
    paragraphs=(2,),
    statement="Norway carries a heavier defence burden than Denmark.",
    kind=base.EMPIRICAL,
    queries=("burden",),
    rule="Supported when Norway's share of GDP on defence is above Denmark's in the latest year.",
    judge=judge,
    specs=(base.Spec("nato", "NATO's figures instead of SIPRI's", {"source": "nato"}),),
    first_year=2020,
    changed="New (the test article's second claim).",
)
