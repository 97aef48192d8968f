"""C14: consensus can make NATO's decisions slow (paragraph 9), measured on accessions: time
from application (or the summit that first took up an invitation) to membership, where one
ally's hold delayed it against where none did."""

from __future__ import annotations

import numpy as np
import polars as pl

from ledger.claims.base import (
    FACT_CHECK,
    NOT_SUPPORTED,
    SUPPORTED,
    Chart,
    Claim,
    Context,
    Finding,
    NoEvidence,
    Stat,
    Threshold,
)
from ledger.claims.words import names, num

SLOWER = Threshold(
    1.5,
    "times the typical accession: a hold by one ally that adds half again to the usual "
    "ratification time is a delay a government notices, not calendar noise",
)
DAYS_PER_MONTH = 30.4375


def judge(ctx: Context) -> Finding:
    steps = ctx.facts("accession_steps").filter(pl.col("first_considered") <= ctx.as_of)
    if steps.is_empty():
        raise NoEvidence("no accession considered yet")
    # A pending accession counts with the time elapsed so far (it is at least that slow).
    steps = steps.with_columns(
        pl.when(pl.col("joined") <= ctx.as_of).then(pl.col("joined")).otherwise(None).alias("done"),
    ).with_columns(
        (
            (pl.col("done").fill_null(ctx.as_of) - pl.col("first_considered")).dt.total_days()
            / DAYS_PER_MONTH
        ).alias("months"),
        pl.col("held_up_by").is_not_null().alias("held_up"),
    )
    held = steps.filter(pl.col("held_up"))
    free = steps.filter(~pl.col("held_up"))
    if held.is_empty() or free.is_empty():
        raise NoEvidence("no held-up accession to compare")
    typical = float(free["months"].median())
    slow = float(held["months"].median())
    ratio = slow / typical
    verdict = SUPPORTED if ratio >= SLOWER.value else NOT_SUPPORTED
    fin = steps.filter(pl.col("iso3") == "FIN")["months"]
    swe = steps.filter(pl.col("iso3") == "SWE")["months"]
    sentence = (
        f"Accessions held up by one ally ({names(held['country'].to_list())}) took a median "
        f"{num(slow, 1)} months from application or first invitation, against {num(typical, 1)} "
        f"for the others"
        + (
            f"; Finland and Sweden applied on the same day and joined {num(fin[0], 1)} and "
            f"{num(swe[0], 1)} months later."
            if fin.len() and swe.len()
            else "."
        )
    )
    lo, hi = _bootstrap_ratio(held["months"].to_list(), free["months"].to_list())
    return Finding(
        verdict=verdict,
        sentence=sentence,
        year=ctx.as_of.year,
        stats=[
            Stat(
                "How many times longer held-up accessions took",
                ratio,
                lo,
                hi,
                technical="median months (held up) / median months (not held up); "
                "fixed-seed bootstrap over accessions",
            ),
        ],
        figures={
            "typical_months": typical,
            "held_up_months": slow,
            "pending": steps.filter(pl.col("done").is_null())["iso3"].to_list(),
        },
        chart=Chart(
            "bar",
            "country",
            "months",
            "Months from application or first invitation to NATO membership",
            "months",
            color="held_up",
            data=steps.select("country", "months", "held_up").sort("months"),
        ),
        source="data/facts/accession_steps.csv",
    )


def _bootstrap_ratio(held: list[float], free: list[float]) -> tuple[float | None, float | None]:
    if len(held) < 2 or len(free) < 3:
        return None, None
    from ledger.claims.intervals import DRAWS, SEED

    rng = np.random.default_rng(SEED)
    h = np.median(rng.choice(held, size=(DRAWS, len(held))), axis=1)
    f = np.median(rng.choice(free, size=(DRAWS, len(free))), axis=1)
    r = h / f
    return float(np.quantile(r, 0.025)), float(np.quantile(r, 0.975))


CLAIM = Claim(
    id="C14",
    paragraphs=(9,),
    statement="Because every decision needs all allies to agree, NATO can be slow to act.",
    kind=FACT_CHECK,
    queries=(),
    facts=("accession_steps",),
    thresholds={"SLOWER": SLOWER},
    rule="Measured on the one decision the data date precisely, admitting a member: Supported "
    "when accessions held up by a named ally (North Macedonia by Greece; Sweden by Türkiye and "
    "Hungary) took at least 1.5 times as long, in medians, as the others; otherwise Not "
    "supported. A pending accession counts with the time elapsed. The verdict has not changed "
    "since 2008 (North Macedonia's wait): labelled a fact check.",
    judge=judge,
    first_year=2014,
    explore="alliances",
    changed=(
        "New (the registry skipped it): accession times from application or first "
        "invitation, from a new fact table with one source per row."
    ),
)
