"""C1: NATO has 32 members (a fact check); the 'strategic asset' half is the UK's view."""

from __future__ import annotations

import polars as pl

from core.catalogue import verdicts
from ledger.claims import base
from ledger.claims.common import members_on

ARTICLE_COUNT = base.Threshold(32, "the member count the article states (paragraph 2)")


def judge(ctx: base.Context) -> base.Finding:
    members = members_on(ctx, "NATO", ctx.as_of)
    n = members.height
    holds = n == ARTICLE_COUNT.value
    timeline = ctx.upto(ctx.query("membership_timeline"))
    day = f"{ctx.as_of:%-d %B %Y}"
    sentence = f"NATO had {n} members on {day}" + (
        ", the number the article gives." if holds else ", not the article's 32."
    )
    return base.Finding.fact_check(
        ctx,
        holds,
        sentence,
        stats=[
            base.Stat(f"NATO members on {day}", n, exact="a count from the membership table: exact")
        ],
        figures={"nato_members": n, "as_of": ctx.as_of.isoformat()},
        # The UK's view is documentary in kind, but no document of it is read here.
        parts={"b": verdicts.NOT_TESTABLE},
        chart=base.Chart(
            "line",
            "year",
            "n_nato_members",
            "NATO members by year",
            "members",
            data=timeline.filter(pl.col("year") >= 1949).select("year", "n_nato_members"),
            guides=[(ARTICLE_COUNT.value, "the article's 32")],
        ),
        source="data/memberships.csv",
    )


CLAIM = base.Claim(
    id="C1",
    paragraphs=(1, 2),
    statement="NATO counts 32 members, and the UK sees the alliance as a central strategic asset.",
    kind=base.FACT_CHECK,
    parts=(
        base.Part("a", "NATO has 32 members.", base.FACT_CHECK),
        base.Part(
            "b", "NATO is a key strategic advantage for the UK (the UK's view).", base.DOCUMENTARY
        ),
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
