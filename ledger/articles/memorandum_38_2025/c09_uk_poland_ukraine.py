"""C9: the UK set up a trilateral with Poland and Ukraine (paragraph 14): documentary."""

from __future__ import annotations

from ledger.claims import base
from ledger.claims.common import members_on
from ledger.words import names

FOUNDERS = {"GBR", "POL", "UKR"}
FOUNDING_STATEMENT = (
    "https://www.gov.uk/government/news/"
    "united-kingdom-poland-and-ukraine-foreign-ministers-joint-statement-february-2022"
)


def judge(ctx: base.Context) -> base.Finding:
    members = members_on(ctx, "UK-PL-UA", ctx.as_of)
    present = set(members["iso3"])
    ok = present >= FOUNDERS
    joined = members["joined"].min() if members.height else None
    sentence = (
        f"The UK-Poland-Ukraine grouping exists with {names(sorted(members['country'].to_list()))}"
        f" since {joined} (joint statement of the three foreign ministers)."
        if ok
        else f"On {ctx.as_of} no UK-Poland-Ukraine grouping of the three states existed yet."
    )
    return base.Finding.fact_check(
        ctx,
        ok,
        sentence,
        stats=[
            base.Stat(
                f"The three founders in the grouping on {ctx.as_of:%-d %B %Y}",
                len(present & FOUNDERS),
                exact="of the three: the UK, Poland and Ukraine; a count from the membership "
                "table, exact",
            )
        ],
        figures={"members": sorted(present), "founded": str(joined) if joined else None},
        chart=base.Chart(
            "bar",
            "country",
            "joined",
            "When each member joined the UK-Poland-Ukraine grouping",
            "date",
            data=members.select("country", "joined").sort("country"),
        ),
        source="data/memberships.csv (" + FOUNDING_STATEMENT + ")",
    )


CLAIM = base.Claim(
    id="C9",
    paragraphs=(14,),
    statement="Britain also set up a three-way initiative with Poland and Ukraine.",
    kind=base.DOCUMENTARY,
    queries=("member_history",),
    rule="A documentary fact check: Supported when the grouping holds the UK, Poland and "
    "Ukraine on the evaluation date (founding joint statement, 17 February 2022); otherwise "
    "Not supported. The old rule's extra condition (a member outside NATO) is not in the "
    "article and is dropped.",
    judge=judge,
    dated_fact=True,
    explore="alliances",
    changed=(
        "Was: also required a member outside NATO, which the article does not say. Now: a "
        "documentary fact check of the grouping and its founding statement."
    ),
)
