"""C11: members leave an alliance they are captive in as soon as they can (paragraph 10): time
from each Warsaw Pact member's first free election to its exit, against zero exits from NATO."""

from __future__ import annotations

import polars as pl

from ledger.claims import base
from ledger.claims.common import members_on
from ledger.words import months

SOON = base.Threshold(
    36,
    "months from a member's first free election to leaving the pact: within one parliamentary "
    "term of the first government that could choose",
)


def judge(ctx: base.Context) -> base.Finding:
    exits = ctx.facts("warsaw_pact_exits").with_columns(
        ((pl.col("left_pact") - pl.col("first_free_election")).dt.total_days() / 30.4375).alias(
            "months_to_exit"
        )
    )
    history = ctx.query("member_history", alliance="NATO", as_of=ctx.as_of).filter(
        pl.col("relation") == "member"
    )
    left_nato = history.filter(pl.col("departed").is_not_null() & (pl.col("departed") <= ctx.as_of))
    nato = members_on(ctx, "NATO", ctx.as_of)  # members on the day, not every ally there ever was
    slowest = exits.sort("months_to_exit").row(-1, named=True)
    ok = bool((exits["months_to_exit"] <= SOON.value).all()) and left_nato.is_empty()
    sentence = (
        f"Every non-Soviet member with a freely elected government left the Warsaw Pact within "
        f"{months(slowest['months_to_exit'] * 30.4375)} of its first free election (slowest: "
        f"{slowest['state']}), the East German territory through unification into NATO on "
        f"1990-10-03; no NATO member has left NATO ({nato.height} members on {ctx.as_of})."
    )
    if not ok:
        sentence = (
            f"Not every member left soon, or NATO has lost a member: slowest exit "
            f"{slowest['state']} after {slowest['months_to_exit']:.0f} months; "
            f"{left_nato.height} NATO exits."
        )
    return base.Finding.fact_check(
        ctx,
        ok,
        sentence,
        stats=[
            base.Stat(
                "Longest time from first free election to leaving the pact",
                float(slowest["months_to_exit"]),
                unit="months",
                exact="dates from the fact table: exact",
            ),
            base.Stat("Members that ever left NATO", left_nato.height, exact="a count: exact"),
        ],
        figures={
            "states": exits["state"].to_list(),
            "months_to_exit": [round(m, 1) for m in exits["months_to_exit"]],
            "nato_exits": left_nato["iso3"].to_list(),
        },
        chart=base.Chart(
            "bar",
            "state",
            "months_to_exit",
            "Months from first free election to leaving the Warsaw Pact",
            "months",
            data=exits.select("state", "months_to_exit", "how").sort("months_to_exit"),
            guides=[(SOON.value, "36 months: soon")],
        ),
        source="data/facts/warsaw_pact_exits.csv; data/memberships.csv",
    )


CLAIM = base.Claim(
    id="C11",
    paragraphs=(10,),
    statement="No state stays loyal to an alliance it is held in by force: once free to choose, "
    "the Warsaw Pact's members wound it up.",
    kind=base.FACT_CHECK,
    queries=("member_history",),
    facts=("warsaw_pact_exits",),
    thresholds={"SOON": SOON},
    rule="Supported when every non-Soviet member that held a free election (1989-90) left the "
    "pact within 36 months of it (the pact was dissolved on 1991-07-01; the GDR left on "
    "1990-09-24 and its territory joined NATO through unification on 1990-10-03) and no "
    "member has ever left NATO; otherwise Not supported. Albania, which left in 1968 as a "
    "communist state, is not counted. A fact check: history cannot change it.",
    judge=judge,
    dated_fact=True,
    explore="alliances",
    changed=(
        "Was: NATO accessions 8–13 years later, counting Albania and Germany, with a "
        "chart showing Germany joining NATO in 1955 as a former Warsaw Pact state. Now: "
        "time from first free election to leaving the pact; the GDR's territory joined "
        "NATO through unification on 1990-10-03; Albania (left 1968) is not counted."
    ),
)
