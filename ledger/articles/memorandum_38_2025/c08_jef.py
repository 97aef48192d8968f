"""C8: the UK led the founding of the JEF, a Nordic and Baltic grouping (paragraph 14)."""

from __future__ import annotations

import polars as pl

from ledger.claims.base import (
    DOCUMENTARY,
    FACT_CHECK,
    NOT_SUPPORTED,
    PARTLY,
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
from ledger.claims.words import names, pct

BALTIC = ("EST", "LTU", "LVA")  # "Nordic" is NORDEFCO membership on the date
LEAD_SHARE = Threshold(
    50,
    "the UK pays more than all other JEF members together: a framework nation that carries "
    "the grouping, not one among equals",
)


def judge(ctx: Context) -> Finding:
    jef = members_on(ctx, "JEF", ctx.as_of)
    others = jef.filter(
        ~pl.col("in_nordefco_on_date") & ~pl.col("iso3").is_in(BALTIC) & (pl.col("iso3") != "GBR")
    )["country"].to_list()
    ctx.require("sipri")
    shares = ctx.query("burden_sharing", alliance="JEF", source="sipri").filter(
        pl.col("burden_share_pct").is_not_null()
    )
    year = ctx.latest_year(shares)
    shares = shares.filter(pl.col("year") == year)
    uk = shares.filter(pl.col("iso3") == "GBR")["burden_share_pct"]
    uk_share = float(uk[0]) if uk.len() else None
    leads = uk_share is not None and uk_share > LEAD_SHARE.value
    region = not others
    verdict = SUPPORTED if leads and region else PARTLY if leads or region else NOT_SUPPORTED
    sentence = (
        f"The UK, the JEF's framework nation, paid {pct(uk_share)} of its members' defence "
        f"spending in {year}; {jef.height - 1 - len(others)} of the other {jef.height - 1} "
        f"members are Nordic or Baltic"
        + (f", the exception being {names(others)}." if others else ".")
    )
    return Finding(
        verdict=verdict,
        sentence=sentence,
        year=year,
        stats=[
            Stat(
                f"UK share of JEF defence spending, {year}",
                uk_share,
                unit="%",
                technical="burden_share_pct, SIPRI, current US$",
                exact="a total over all members: exact",
            )
        ],
        figures={"n_jef": jef.height, "neither_nordic_nor_baltic": others, "year": year},
        parts={"a": SUPPORTED if leads else NOT_SUPPORTED, "b": SUPPORTED if region else PARTLY},
        chart=Chart(
            "bar",
            "country",
            "burden_share_pct",
            f"Shares of JEF defence spending, {year}",
            "percent",
            data=shares.select("country", "burden_share_pct", "gdp_share_pct").sort(
                "burden_share_pct"
            ),
        ),
        source="SIPRI; members: data/memberships.csv",
    )


CLAIM = Claim(
    id="C8",
    paragraphs=(14,),
    statement="Britain led the creation of the Joint Expeditionary Force, a Nordic and Baltic "
    "group focused on the security of Northern Europe.",
    kind=FACT_CHECK,
    parts=(
        Part(
            "a",
            "The UK took the lead: framework nation (gov.uk) paying most of the grouping's costs.",
            DOCUMENTARY,
        ),
        Part("b", "Its members are Nordic and Baltic states.", FACT_CHECK),
    ),
    queries=("member_history", "burden_sharing"),
    thresholds={"LEAD_SHARE": LEAD_SHARE},
    rule="Supported when the UK pays more than half of JEF members' defence spending (SIPRI, "
    "latest year) and every other member is Nordic (NORDEFCO) or Baltic; Partly supported when "
    "one of the two holds; Not supported when neither. The Netherlands has been a member from "
    "the start, so the region half never fully holds: labelled a fact check.",
    judge=judge,
    explore="alliances",
    changed=(
        "Was: region only. Now: the UK's lead is tested (share of JEF members' spending, "
        "SIPRI so Finland and Sweden count before 2023) beside the region, with the "
        "Netherlands named; a fact check."
    ),
)
