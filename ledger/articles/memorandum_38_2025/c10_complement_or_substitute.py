"""C10: minilaterals complement NATO rather than replace it (paragraphs 12 and 13). What the
figures can show is an association, not a cause: since the JEF and the B9 were founded, did
their members' NATO burden rise at least as much as other allies' (the same allies at both ends)?
A rise that keeps pace is consistent with the groupings sitting beside NATO; it does not show
that they add to it."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from core.catalogue import sources, verdicts
from ledger import stats
from ledger.claims import base
from ledger.claims.common import STABLE_YEARS, direction, members_on
from ledger.words import num

BEFORE = 2014  # the year before the B9 and the year the JEF was founded (September)
GROUPINGS = ("JEF", "B9")
STABLE = base.Threshold(
    STABLE_YEARS,
    "years in a row the gap must keep its sign: one year's difference (or p-value) is not enough",
)


def _gap(burden: pl.DataFrame, members: set[str], year: int) -> tuple[float, list, list]:
    start = burden.filter(pl.col("year") == BEFORE).select("iso3", b0="burden_pct")
    end = burden.filter(pl.col("year") == year).select("iso3", b1="burden_pct")
    both = start.join(end, on="iso3").drop_nulls().filter(pl.col("iso3") != "USA")
    both = both.with_columns((pl.col("b1") - pl.col("b0")).alias("d"))
    inside = both.filter(pl.col("iso3").is_in(members))["d"].to_list()
    outside = both.filter(~pl.col("iso3").is_in(members))["d"].to_list()
    if len(inside) < 2 or len(outside) < 2:
        raise base.NoEvidence("too few allies on one side")
    return float(np.mean(inside) - np.mean(outside)), inside, outside


def judge(ctx: base.Context) -> base.Finding:
    source = ctx.opt("source", "nato")
    ctx.require(source)
    burden = ctx.query("burden", source=source, alliance="NATO").filter(
        pl.col("burden_pct").is_not_null()
    )
    year = ctx.latest_year(burden)
    if year <= BEFORE:
        raise base.NoEvidence("no year after the groupings were founded")
    members = set()
    for g in ctx.opt("groupings", GROUPINGS):
        members |= set(members_on(ctx, g, date(year, 12, 31))["iso3"])
    gaps = []
    for y in range(max(BEFORE + 1, year - STABLE_YEARS + 1), year + 1):
        gaps.append(_gap(burden, members, y)[0])
    gap, inside, outside = _gap(burden, members, year)
    lo, hi = stats.bootstrap_difference(inside, outside, np.mean)
    trend = direction(gaps)
    if gap >= 0 and trend == "positive" and len(gaps) == STABLE_YEARS:
        verdict = verdicts.SUPPORTED
    elif gap < 0 and trend == "negative" and len(gaps) == STABLE_YEARS:
        verdict = verdicts.NOT_SUPPORTED
    else:
        verdict = verdicts.PARTLY
    sentence = (
        f"From {BEFORE} to {year}, allies in the JEF or the B9 raised their defence burden by "
        f"{num(float(np.mean(inside)), 2)} points of GDP on average, other allies by "
        f"{num(float(np.mean(outside)), 2)}: "
        + (
            "their burden rose more, consistent with the groupings sitting beside NATO rather "
            "than in its place."
            if verdict == verdicts.SUPPORTED
            else "their burden rose less, consistent with the groupings taking some of NATO's "
            "place."
            if verdict == verdicts.NOT_SUPPORTED
            else "no stable difference either way."
        )
        + " An association, not a cause: members are mostly frontline states, so exposure, not "
        "the grouping, may drive it."
    )
    rows = []
    for y in range(BEFORE + 1, year + 1):
        try:
            g, _, _ = _gap(burden, members, y)
        except base.NoEvidence:
            continue
        rows.append({"year": y, "gap_pp": g})
    shown = [
        base.Stat(
            f"Extra rise in burden of JEF and B9 members over other allies, {BEFORE}–{year}",
            gap,
            lo,
            hi,
            unit="points of GDP",
            technical="difference in differences of ME/GDP (NATO), members minus other "
            "allies but the US, same allies at both ends; fixed-seed bootstrap",
        )
    ]
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=year,
        stats=shown,
        figures={
            "year": year,
            "gap_last_years_pp": gaps,
            "members_compared": len(inside),
            "others_compared": len(outside),
        },
        chart=base.Chart(
            "line",
            "year",
            "gap_pp",
            f"Rise in burden since {BEFORE}: JEF and B9 members minus other allies",
            "points of GDP",
            data=pl.DataFrame(rows),
            guides=[(0.0, "no difference")],
        ),
        source=f"{sources.short(source)}; members: data/memberships.csv",
        edges=[base.Edge("extra rise in burden of the groupings' members", gap, 0.0, 0.10, "pp")],
        method=f"{source.upper()} burden",
    )


CLAIM = base.Claim(
    id="C10",
    paragraphs=(12, 13),
    statement="Small groupings work alongside NATO and add to it rather than take its place.",
    # the article's claim is causal ("complementary"); the rule reads an association
    kind=base.EMPIRICAL,
    queries=("burden", "member_history"),
    thresholds={"STABLE": STABLE},
    rule="An association, NATO figures: the change in defence burden from 2014 to each year for "
    "allies in the JEF or the B9 minus the change for other allies (the US left out; the same "
    "allies at both ends). Supported (consistent with groupings beside NATO) when the gap is "
    "positive in the latest year and the two before; Not supported (consistent with groupings "
    "in its place) when negative in all three; Partly supported otherwise. A gap in national "
    "spending shows association, not that the groupings add to NATO. Membership overlap is not "
    "tested: the B9 is all-NATO by construction, and the article names cooperation with "
    "non-allies as a purpose.",
    judge=judge,
    specs=(
        base.Spec("sipri", "SIPRI's figures instead of NATO's", {"source": "sipri"}),
        base.Spec("jef", "JEF members only", {"groupings": ("JEF",)}),
        base.Spec("b9", "Bucharest Nine members only", {"groupings": ("B9",)}),
    ),
    first_year=2015,
    explore="alliances",
    changed=(
        "Was: share of each grouping's members in NATO (the B9 is all-NATO by "
        "construction; cooperation with non-allies was penalised). Now: complement or "
        "substitute, a before/after comparison of members' NATO burden against other "
        "allies'."
    ),
)
