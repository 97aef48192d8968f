"""C12: the UK's 2025 Strategic Defence Review puts NATO first (paragraph 1). Judged
documentarily from the review itself, as C9 is from its founding statement: a cited fact row,
true from the day the review was published. The UK's burden against NATO's lines and its share
of NATO Europe and Canada's spending are context (NATO's tables), shown when an edition was
published by the evaluation date."""

from __future__ import annotations

import polars as pl

from ledger.claims import base
from ledger.words import pct

REVIEW = "uk_sdr_principle"  # data/facts/policy_documents.csv
PRINCIPLE = "NATO first"
# Context lines for the UK's burden: none of them decides the verdict.
LINES = {
    "WALES": base.Threshold(2.0, "NATO's 2 % of GDP guideline (2006; Wales pledge 2014): context"),
    "UK_2027": base.Threshold(
        2.5, "the UK's own 2.5 % commitment for 2027, restated in the review"
    ),
    "HAGUE_CORE": base.Threshold(3.5, "the Hague 2025 core defence line for 2035: context"),
}
BASE_YEAR = 2014


def _context(ctx: base.Context) -> dict | None:
    """The UK's burden each year since 2014 and its share of NATO Europe and Canada's spending
    in the latest year, NATO's tables as of the evaluation date; None when no NATO edition was
    published by then."""
    if not ctx.has("nato"):
        return None
    burden = ctx.upto(
        ctx.query("burden", source="nato", alliance="NATO").filter(
            (pl.col("iso3") == "GBR") & pl.col("burden_pct").is_not_null()
        )
    )
    if burden.is_empty():
        return None
    year = int(burden["year"].max())
    share = ctx.query(
        "burden_sharing", alliance="NATO_EUROPE_CANADA", source="nato", year=year
    ).filter(pl.col("iso3") == "GBR")["burden_share_pct"]
    return {
        "year": year,
        "now": float(burden.filter(pl.col("year") == year)["burden_pct"][0]),
        "share": float(share[0]) if share.len() else None,
        "above": {k: int((burden["burden_pct"] >= t.value).sum()) for k, t in LINES.items()},
        "years": burden.height,
        "chart": burden.select("year", "burden_pct", "is_estimate").sort("year"),
    }


def _count(n: int) -> str:
    return "none" if n == 0 else str(n)


def judge(ctx: base.Context) -> base.Finding:
    row = ctx.facts("policy_documents").filter(pl.col("key") == REVIEW).row(0, named=True)
    if row["day"] > ctx.as_of:
        raise base.NoEvidence(f"the Strategic Defence Review was published on {row['day']}")
    first = row["value"] == PRINCIPLE
    sentence = (
        f"The Strategic Defence Review published on {row['day']} states "
        + (f"'{PRINCIPLE}' as the principle of UK defence policy." if first else "")
        + (f"'{row['value']}', not '{PRINCIPLE}', as its principle." if not first else "")
    )
    c = _context(ctx)
    notes = []
    if c:
        sentence += (
            f" Context: the UK spent {pct(c['now'], 2)} of GDP on defence in {c['year']} "
            f"(NATO), at or above 2 % in {_count(c['above']['WALES'])} of {c['years']} years "
            f"since {BASE_YEAR}, 2.5 % in {_count(c['above']['UK_2027'])} and the Hague 3.5 % "
            f"core line in {_count(c['above']['HAGUE_CORE'])}; it paid {pct(c['share'])} of "
            "NATO Europe and Canada's defence spending."
        )
    else:
        notes.append("the UK's burden (NATO): no NATO edition published by this date")
    return base.Finding.fact_check(
        ctx,
        first,
        sentence,
        stats=[
            base.Stat(
                f"Context: UK defence spending as a share of GDP, {c['year']}",
                c["now"],
                unit="%",
                technical="burden_pct, NATO definition; not used for the verdict",
                exact="a published figure: exact",
            ),
            base.Stat.total_share(
                f"Context: UK share of NATO Europe and Canada's spending, {c['year']}",
                c["share"],
                "burden_share_pct, NATO_EUROPE_CANADA; not used for the verdict",
            ),
        ]
        if c
        else [],
        figures={
            "document": row["document"],
            "published": str(row["day"]),
            "principle": row["value"],
            "uk_burden_pct": c["now"] if c else None,
            "years_at_or_above": c["above"] if c else None,
        },
        chart=base.Chart(
            "line",
            "year",
            "burden_pct",
            "UK defence burden since 2014 (context; NATO definition; 2.5 % is the UK's 2027 "
            "commitment)",
            "% of GDP",
            data=c["chart"],
        )
        if c
        else None,
        source=f"Strategic Defence Review 2025 ({row['source_url']})"
        + ("; context: NATO" if c else ""),
        method="the review's stated principle",
        context_notes=notes,
    )


CLAIM = base.Claim(
    id="C12",
    paragraphs=(1,),
    statement="The UK's 2025 Strategic Defence Review makes NATO the first priority of British "
    "defence.",
    kind=base.DOCUMENTARY,
    queries=("burden", "burden_sharing"),
    facts=("policy_documents",),
    thresholds=LINES,
    rule="A documentary fact check of a published review, as C9 is of a founding statement: "
    "Supported when the Strategic Defence Review (published 2 June 2025, a cited fact row) "
    "states 'NATO first' as the principle of UK defence policy; Not supported when it states "
    "another. Before its publication: not judged (a dated fact, true since the day it was "
    "published). Context, not verdict, when a NATO edition was published by the evaluation "
    "date: the UK's burden each year since 2014 against 2 %, its 2.5 % commitment and the "
    "Hague 3.5 % core line, and its share of NATO Europe and Canada's spending.",
    judge=judge,
    dated_fact=True,
    explore="country",
    changed=(
        "Was: not testable by design, with the UK's burden shown. Now: judged from the review "
        "itself, which names 'NATO first' as its principle (the GOV.UK publication, a cited "
        "fact row), true from 2 June 2025 and not judged before; the burden lines and the "
        "UK's share of NATO Europe and Canada's spending stay as context."
    ),
)
