"""C8: the UK led the founding of the JEF, a Nordic and Baltic grouping (paragraph 14). Judged
documentarily: the founding letter of intent makes the UK the framework nation (a cited fact
row), and the members on the day are Nordic, Baltic, the UK and one named exception. The UK's
share of the members' spending is context, never the verdict."""

from __future__ import annotations

import polars as pl

from core.catalogue import verdicts
from ledger.claims import base
from ledger.claims.common import members_on
from ledger.words import names, pct

FOUNDING = "jef_framework_nation"  # data/facts/policy_documents.csv
BALTIC = ("EST", "LTU", "LVA")  # "Nordic" is NORDEFCO membership on the date
# Not Nordic or Baltic, but a founder: the one exception the card names rather than hides.
EXCEPTION = ("NLD",)
REGIONS = ("framework nation", "Nordic", "Baltic", "named exception", "other")


REGION = (
    pl.when(pl.col("iso3") == "GBR")
    .then(pl.lit("framework nation"))
    .when(pl.col("in_nordefco_on_date"))
    .then(pl.lit("Nordic"))
    .when(pl.col("iso3").is_in(BALTIC))
    .then(pl.lit("Baltic"))
    .when(pl.col("iso3").is_in(EXCEPTION))
    .then(pl.lit("named exception"))
    .otherwise(pl.lit("other"))
)


def _uk_share(ctx: base.Context) -> tuple[int | None, float | None]:
    """Context: the UK's share of JEF members' defence spending, SIPRI, latest year."""
    if not ctx.has("sipri"):
        return None, None
    shares = ctx.query("burden_sharing", alliance="JEF", source="sipri").filter(
        pl.col("burden_share_pct").is_not_null()
    )
    if ctx.upto(shares).is_empty():
        return None, None
    year = ctx.latest_year(shares)
    uk = shares.filter((pl.col("year") == year) & (pl.col("iso3") == "GBR"))["burden_share_pct"]
    return year, float(uk[0]) if uk.len() else None


def judge(ctx: base.Context) -> base.Finding:
    row = ctx.facts("policy_documents").filter(pl.col("key") == FOUNDING).row(0, named=True)
    if row["day"] > ctx.as_of:
        raise base.NoEvidence(f"the JEF was founded on {row['day']}")
    framework = row["value"] == "GBR"
    jef = members_on(ctx, "JEF", ctx.as_of)
    regions = jef.with_columns(REGION.alias("region"))
    others = regions.filter(pl.col("region") == "other")["country"].to_list()
    named = regions.filter(pl.col("region") == "named exception")["country"].to_list()
    northern = regions.filter(pl.col("region").is_in(["Nordic", "Baltic"])).height
    region_ok = not others
    verdict = (
        verdicts.SUPPORTED
        if framework and region_ok
        else verdicts.PARTLY
        if framework
        else verdicts.NOT_SUPPORTED
    )
    year, share = _uk_share(ctx)
    sentence = (
        (
            f"The UK is the JEF's framework nation under the letter of intent that founded it "
            f"on {row['day']}"
            if framework
            else f"The founding letter of intent of {row['day']} does not make the UK the "
            "JEF's framework nation"
        )
        + f"; on {ctx.as_of}, {northern} of its other {jef.height - 1} members are Nordic or "
        f"Baltic"
        + (f", the exception being {names(named)}" if named else "")
        + (f", and {names(others)} are neither" if others else "")
        + "."
        + (
            f" Context: the UK paid {pct(share)} of the members' defence spending in {year} "
            "(SIPRI)."
            if share is not None
            else ""
        )
    )
    counts = (
        regions.group_by("region")
        .agg(pl.len().alias("members"), pl.col("country").sort().str.join(", ").alias("who"))
        .with_columns(pl.col("region").replace_strict(REGIONS, range(len(REGIONS))).alias("o"))
        .sort("o")
        .drop("o")
    )
    shown = [
        base.Stat(
            f"JEF members other than the UK that are Nordic or Baltic, {ctx.as_of:%-d %B %Y}",
            northern,
            exact=f"of {jef.height - 1}"
            + (f"; the exception named: {names(named)}" if named else "")
            + (f"; neither: {names(others)}" if others else "")
            + "; a count from the membership table, exact",
        ),
        base.Stat.total_share(
            f"Context: UK share of JEF members' defence spending, {year}",
            share,
            "burden_share_pct, SIPRI, current US$; not used for the verdict",
            over="members",
        ),
    ]
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=ctx.as_of.year,
        stats=shown,
        figures={
            "framework_nation": row["value"],
            "founded": str(row["day"]),
            "n_jef": jef.height,
            "neither_nordic_nor_baltic": named + others,
            "uk_share_pct": share,
            "uk_share_year": year,
        },
        parts={
            "a": verdicts.SUPPORTED if framework else verdicts.NOT_SUPPORTED,
            "b": verdicts.SUPPORTED if region_ok else verdicts.PARTLY,
        },
        chart=base.Chart(
            "bar",
            "region",
            "members",
            f"JEF members by region, {ctx.as_of:%-d %B %Y}",
            "members",
            data=counts,
        ),
        source=f"letter of intent ({row['source_url']}); members: data/memberships.csv"
        + ("; context: SIPRI" if share is not None else ""),
        method="founding document and members by region",
    )


CLAIM = base.Claim(
    id="C8",
    paragraphs=(14,),
    statement="Britain led the creation of the Joint Expeditionary Force, a Nordic and Baltic "
    "group focused on the security of Northern Europe.",
    kind=base.DOCUMENTARY,
    parts=(
        base.Part(
            "a",
            "The UK took the lead in setting it up: the framework nation of the founding letter "
            "of intent (2014).",
            base.DOCUMENTARY,
        ),
        base.Part(
            "b",
            "Its members are Nordic and Baltic states (the Netherlands, a founder, named as the "
            "exception).",
            base.FACT_CHECK,
        ),
    ),
    queries=("member_history", "burden_sharing"),
    facts=("policy_documents",),
    rule="A documentary fact check of a founding. Supported when the founding letter of intent "
    "(Wales summit, 4 September 2014; memorandum of understanding, November 2015) makes the UK "
    "the framework nation, and every member on the evaluation date is the UK, Nordic "
    "(NORDEFCO on that date), Baltic, or the Netherlands, the one founder that is neither and "
    "is named rather than counted against the claim; Partly supported when the UK led the "
    "founding but another member is neither; Not supported when the founding document does "
    "not make the UK the framework nation. Before the founding: not judged. Context, not "
    "verdict: the UK's share of the members' defence spending (SIPRI).",
    judge=judge,
    dated_fact=True,
    explore="alliances",
    changed=(
        "Was: the UK's share of JEF members' spending above 50 % (SIPRI, latest year) beside "
        "the region, so 'took the lead in setting up' was read from today's budgets and the "
        "Netherlands made the region half fail in every year. Now: the founding is judged "
        "from its document (the UK as framework nation in the 2014 letter of intent, a cited "
        "fact row), the region with the Netherlands named as the exception; the spending "
        "share is context."
    ),
)
