"""C1: NATO has 32 members (a fact check); the 'strategic asset' half is the UK's view."""

from __future__ import annotations

import polars as pl

from ledger.claims.base import (
    DOCUMENTARY,
    FACT_CHECK,
    NOT_SUPPORTED,
    NOT_TESTABLE,
    SUPPORTED,
    Chart,
    Claim,
    Context,
    Finding,
    Part,
    Stat,
    Threshold,
)
from ledger.claims.common import members_on

ARTICLE_COUNT = Threshold(32, "the member count the article states (paragraph 2)")


def judge(ctx: Context) -> Finding:
    members = members_on(ctx, "NATO", ctx.as_of)
    n = members.height
    verdict = SUPPORTED if n == ARTICLE_COUNT.value else NOT_SUPPORTED
    timeline = ctx.upto(ctx.query("membership_timeline"))
    day = f"{ctx.as_of:%-d %B %Y}"
    sentence = f"NATO had {n} members on {day}" + (
        ", the number the article gives." if verdict == SUPPORTED else ", not the article's 32."
    )
    return Finding(
        verdict=verdict,
        sentence=sentence,
        year=ctx.as_of.year,
        stats=[Stat("NATO members", n, exact="a count from the membership table")],
        figures={"nato_members": n, "as_of": ctx.as_of.isoformat()},
        parts={"a": verdict, "b": NOT_TESTABLE},
        chart=Chart(
            "line",
            "year",
            "n_nato_members",
            "NATO members by year",
            "countries",
            data=timeline.filter(pl.col("year") >= 1949).select("year", "n_nato_members"),
        ),
        source="data/memberships.csv",
    )


CLAIM = Claim(
    id="C1",
    paragraphs=(1, 2),
    statement="NATO counts 32 members, and the UK sees the alliance as a central strategic asset.",
    kind=FACT_CHECK,
    parts=(
        Part("a", "NATO has 32 members.", FACT_CHECK),
        Part("b", "NATO is a key strategic advantage for the UK (the UK's view).", DOCUMENTARY),
    ),
    queries=("member_history", "membership_timeline"),
    thresholds={"ARTICLE_COUNT": ARTICLE_COUNT},
    rule="Supported when NATO has exactly 32 members on the evaluation date; otherwise Not "
    "supported. The 'strategic asset' half is a policy view: not testable.",
    judge=judge,
    dated_fact=True,
    explore="alliances",
    changed=(
        "Same count test, now with the 'strategic asset' half labelled documentary and "
        "the history showing when 32 became true (2024)."
    ),
)
