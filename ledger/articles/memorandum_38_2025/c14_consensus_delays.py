"""C14: consensus can make NATO's decisions slow (paragraph 9), measured on the one decision the
data date to the day, admitting members, in matched cohorts: states invited together, one held
up by an ally and the others not (Bucharest 2008, Madrid 2022). Two cohorts are all history
offers, so each pair is shown with its dates and no interval pretends to more."""

from __future__ import annotations

from datetime import date

import polars as pl

from core.catalogue import verdicts
from ledger.claims import base
from ledger.words import names, num

DAYS_PER_MONTH = 30.4375


def _timed(ctx: base.Context) -> pl.DataFrame:
    """Each accession's start (the cohort's summit, or the specification's reading), end (its
    accession, or the evaluation date while pending) and months between, as of the date."""
    steps = ctx.facts("accession_steps")
    held = pl.col("held_up_by").is_not_null() | pl.col("iso3").is_in(ctx.opt("also_held_up", ()))
    start = pl.col("cohort_start")
    if ctx.opt("from_own_invitation", False):
        start = pl.col("invited")
    if ctx.opt("from_application", ()):
        start = (
            pl.when(pl.col("cohort").is_in(ctx.opt("from_application", ())))
            .then(pl.col("first_considered"))
            .otherwise(start)
        )
    day = pl.lit(ctx.as_of)
    return (
        steps.with_columns(start.alias("start"), held.alias("held_up"))
        .filter(pl.col("start") <= day)
        .with_columns((pl.col("joined") > day).alias("pending"))
        .with_columns(
            pl.when(pl.col("pending")).then(day).otherwise(pl.col("joined")).alias("end"),
        )
        .with_columns(
            ((pl.col("end") - pl.col("start")).dt.total_days() / DAYS_PER_MONTH).alias("months")
        )
    )


def _pairs(timed: pl.DataFrame) -> list[dict]:
    """Matched cohorts: at least one held-up member and one partner that joined without a
    hold. A pending held-up member counts with the time elapsed (it is at least that slow); a
    cohort whose partners are still pending is not comparable yet."""
    out = []
    for (cohort,), rows in timed.group_by("cohort", maintain_order=True):
        held, free = rows.filter(pl.col("held_up")), rows.filter(~pl.col("held_up"))
        if held.is_empty() or free.is_empty() or free["pending"].any():
            continue
        out.append(
            {
                "cohort": cohort,
                "held": held.sort("months"),
                "free": free.sort("months"),
                "slower": float(held["months"].min()) > float(free["months"].max()),
                "extra": float(held["months"].min()) - float(free["months"].max()),
            }
        )
    return out


def _dates(rows: pl.DataFrame) -> str:
    return "; ".join(
        f"{r['country']} {r['start']} to "
        + (f"{r['end']} (pending)" if r["pending"] else f"{r['end']}")
        + f", {num(r['months'], 1)} months"
        for r in rows.iter_rows(named=True)
    )


def judge(ctx: base.Context) -> base.Finding:
    timed = _timed(ctx)
    pairs = _pairs(timed)
    if not pairs:
        raise base.NoEvidence("no cohort yet with a held-up member and a partner that had joined")
    slower = sum(p["slower"] for p in pairs)
    verdict = (
        verdicts.SUPPORTED
        if slower == len(pairs)
        else verdicts.PARTLY
        if slower
        else verdicts.NOT_SUPPORTED
    )
    told = []
    for p in pairs:
        h, f = p["held"], p["free"]
        told.append(
            f"{p['cohort']}: {names(h['country'].to_list())} "
            + ("took" if not h["pending"].any() else "had waited")
            + f" {num(float(h['months'].min()), 1)} months against "
            f"{num(float(f['months'].max()), 1)} for {names(f['country'].to_list())}"
        )
    sentence = (
        f"In {slower} of {len(pairs)} matched cohorts the member held up by an ally took longer "
        f"to join than the states invited with it ({'; '.join(told)}). "
        + (
            "Two cohorts are all history offers: the comparison is shown pair by pair, with no "
            "interval."
            if len(pairs) > 1
            else "One matched cohort is all the data offer on this date: no interval."
        )
    )
    rows = pl.concat([pl.concat([p["held"], p["free"]]) for p in pairs])
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=ctx.as_of.year,
        stats=[
            base.Stat(
                "Matched cohorts in which the member held up by an ally took longer to join",
                slower,
                exact=f"of {len(pairs)} cohorts: a count, exact",
            ),
            *(
                base.Stat(
                    f"{p['cohort']}: extra months the held-up member took",
                    p["extra"],
                    unit="months",
                    technical=f"held up: {_dates(p['held'])}; partners: {_dates(p['free'])}; the "
                    "held-up member's time less its slowest partner's",
                    exact="dates from NATO's enlargement pages: exact; one cohort, no interval",
                )
                for p in pairs
            ),
        ],
        figures={
            "cohorts": [p["cohort"] for p in pairs],
            "held_up_slower_in": slower,
            "extra_months": {p["cohort"]: p["extra"] for p in pairs},
            "pending": timed.filter(pl.col("pending"))["iso3"].to_list(),
        },
        chart=base.Chart(
            "bar",
            "label",
            "months",
            "Months to join NATO in the matched cohorts, held up or not",
            "months",
            color="held_up",
            data=rows.select(
                (pl.col("country") + " (" + pl.col("cohort") + ")").alias("label"),
                "months",
                "held_up",
                "start",
                "end",
                "pending",
            ),
        ),
        source="data/facts/accession_steps.csv (NATO enlargement pages)",
        method="matched accession cohorts",
    )


APPLIED = date(2022, 5, 18)  # Finland and Sweden's applications (accession_steps)

CLAIM = base.Claim(
    id="C14",
    paragraphs=(9,),
    statement="Because every decision needs all allies to agree, NATO can be slow to act.",
    # two dated cohorts: history cannot move it (its specifications still run)
    kind=base.FACT_CHECK,
    queries=(),
    facts=("accession_steps",),
    specs=(
        base.Spec(
            "finland_held_up",
            "Finland coded as held up too (its fact row: Türkiye and Hungary held it for "
            "months), which leaves Madrid without an unheld partner",
            {"also_held_up": ("FIN",)},
        ),
        base.Spec(
            "own_invitation",
            "everyone timed from their own invitation (North Macedonia from 2018-07-11)",
            {"from_own_invitation": True},
        ),
        base.Spec(
            "madrid_from_application",
            f"the Madrid cohort timed from the applications ({APPLIED})",
            {"from_application": ("Madrid 2022",)},
        ),
    ),
    rule="Matched cohorts: states NATO took up at the same summit, one held up by a named ally "
    "(North Macedonia by Greece from Bucharest 2008; Sweden by Türkiye and Hungary from Madrid "
    "2022) and the others not (Albania and Croatia; Finland). Each is timed from the cohort's "
    "summit (Bucharest 2008-04-03, where North Macedonia's invitation was withheld; Madrid "
    "2022-06-29) to its accession; a pending held-up member counts with the time elapsed, and "
    "a cohort counts once its partners have joined. Supported when in every matched cohort the "
    "held-up member took longer than each partner; Partly supported when in some; Not "
    "supported when in none. No threshold: any longer wait is a delay, since the partners "
    "passed the same ratifications. Two cohorts are all history offers, so each is shown with "
    "its dates and no interval.",
    judge=judge,
    first_year=2014,
    explore="alliances",
    changed=(
        "Was: the median time of held-up accessions over that of all others (5.10), with an "
        "'interval' that resampled two values; the ratio fell to 1.33 with Finland coded held "
        "up, as its own fact row says, and to 1.26 with everyone timed from the invitation, so "
        "it measured the coding more than the delay. Now: matched cohorts, the held-up member "
        "against the states invited with it, pair by pair with their dates; the codings are "
        "alternative specifications."
    ),
)
