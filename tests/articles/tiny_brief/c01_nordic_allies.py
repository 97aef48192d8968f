"""T1: every Nordic state is a NATO ally (a dated fact: true since Sweden joined)."""

from __future__ import annotations

from ledger.claims.base import FACT_CHECK, Claim, Context, Finding, Stat
from ledger.claims.common import members_on

NORDIC = ("DNK", "FIN", "ISL", "NOR", "SWE")


def judge(ctx: Context) -> Finding:
    allies = set(members_on(ctx, "NATO", ctx.as_of)["iso3"])
    outside = [c for c in NORDIC if c not in allies]
    sentence = (
        "Every Nordic state was a NATO ally on " + ctx.as_of.isoformat()
        if not outside
        else f"On {ctx.as_of.isoformat()} {', '.join(outside)} stood outside NATO"
    )
    return Finding.fact_check(
        ctx,
        not outside,
        sentence + ".",
        stats=[Stat("Nordic states outside NATO", len(outside), exact="a count: exact")],
    )


CLAIM = Claim(
    id="T1",
    paragraphs=(1,),
    statement="All five Nordic states are NATO allies.",
    kind=FACT_CHECK,
    queries=("member_history",),
    rule="Supported when Denmark, Finland, Iceland, Norway and Sweden are all NATO members on "
    "the evaluation date.",
    judge=judge,
    dated_fact=True,
    first_year=2020,
    changed="New (the test article's first claim).",
)
