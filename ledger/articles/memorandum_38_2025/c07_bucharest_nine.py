"""C7: the Bucharest Nine joined NATO after the Cold War (paragraph 14): a fact check."""

from __future__ import annotations

from datetime import date

import polars as pl

from ledger.claims import base
from ledger.claims.common import members_on
from ledger.words import names

END_OF_COLD_WAR = date(1991, 12, 26)  # the Soviet Union's dissolution


def judge(ctx: base.Context) -> base.Finding:
    b9 = members_on(ctx, "B9", ctx.as_of)
    if b9.is_empty():
        raise base.NoEvidence("the B9 did not exist yet")
    early = b9.filter(pl.col("nato_joined").is_null() | (pl.col("nato_joined") <= END_OF_COLD_WAR))
    bloc = int(b9["soviet_bloc_or_successor"].sum())
    ok = early.is_empty() and bloc == b9.height
    first = b9["nato_joined"].min()
    sentence = (
        f"All {b9.height} Bucharest Nine members joined NATO after the Cold War, the first on "
        f"{first}, and all {bloc} were Warsaw Pact or Soviet states or their successors."
        if ok
        else f"Not all B9 members joined after the Cold War: {names(early['country'].to_list())}."
    )
    return base.Finding.fact_check(
        ctx,
        ok,
        sentence,
        stats=[
            base.Stat(
                "Bucharest Nine members that joined NATO after the Cold War",
                b9.height - early.height,
                exact=f"of {b9.height} members, {bloc} of them former Warsaw Pact or Soviet "
                "states: a count from the membership table, exact",
            )
        ],
        figures={
            "n_b9": b9.height,
            "joined_by_1991": early["iso3"].to_list(),
            "former_bloc": bloc,
            "first_nato_accession": str(first),
        },
        chart=base.Chart(
            "bar",
            "country",
            "nato_joined",
            "When each Bucharest Nine member joined NATO",
            "date",
            data=b9.select("country", "nato_joined").sort("nato_joined"),
            guides=[(END_OF_COLD_WAR, "Cold War ends")],
        ),
        source="data/memberships.csv",
    )


CLAIM = base.Claim(
    id="C7",
    paragraphs=(14,),
    statement="The Bucharest Nine is made up of states that entered NATO once the Cold War "
    "was over.",
    kind=base.FACT_CHECK,
    queries=("member_history",),
    rule="Supported when every B9 member on the evaluation date joined NATO after 1991-12-26 "
    "and every one is a former Warsaw Pact or Soviet state (or a successor); otherwise Not "
    "supported. A fact check: the article does not say the B9 are all such allies (seven "
    "later allies are not in it).",
    judge=judge,
    dated_fact=True,
    first_year=2015,
    explore="alliances",
    changed=(
        "Was stated as 'the B9 are the allies that joined after the Cold War'. Now: every "
        "B9 member joined after the Cold War and all nine are former Warsaw Pact or "
        "Soviet states; a fact check."
    ),
)
