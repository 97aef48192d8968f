"""C12: the UK's 2025 Strategic Defence Review puts NATO first (paragraph 1): documentary."""

from __future__ import annotations

import polars as pl

from ledger.claims.base import (
    DOCUMENTARY,
    NOT_TESTABLE,
    Chart,
    Claim,
    Context,
    Finding,
    Stat,
    Threshold,
)
from ledger.claims.words import pct

LINES = {
    "WALES": Threshold(2.0, "NATO's 2 % of GDP guideline (2006; Wales pledge 2014)"),
    "UK_2027": Threshold(2.5, "the UK's own 2.5 % commitment for 2027"),
    "HAGUE_CORE": Threshold(3.5, "the Hague 2025 core defence line for 2035"),
}
BASE_YEAR = 2014


def judge(ctx: Context) -> Finding:
    ctx.require("nato")
    burden = ctx.query("burden", source="nato", alliance="NATO").filter(
        (pl.col("iso3") == "GBR") & pl.col("burden_pct").is_not_null()
    )
    year = ctx.latest_year(burden)
    upto = ctx.upto(burden)
    now = float(upto.filter(pl.col("year") == year)["burden_pct"][0])
    base = upto.filter(pl.col("year") == BASE_YEAR)["burden_pct"]
    then = float(base[0]) if base.len() else None
    europe = ctx.query(
        "burden_sharing", alliance="NATO_EUROPE_CANADA", source="nato", year=year
    ).filter(pl.col("iso3") == "GBR")["burden_share_pct"]
    share = float(europe[0]) if europe.len() else None
    above = {k: int((upto["burden_pct"] >= t.value).sum()) for k, t in LINES.items()}
    sentence = (
        f"The UK spent {pct(now, 2)} of GDP on defence in {year}"
        + (f" ({pct(then, 2)} in {BASE_YEAR})" if then is not None and year > BASE_YEAR else "")
        + f": above 2 % in {above['WALES']} of {upto.height} years, not yet at 2.5 % or the "
        f"Hague 3.5 % core line; it paid {pct(share)} of NATO Europe and Canada's spending. "
        "Whether that puts NATO first is a policy reading the figures can only illustrate."
    )
    return Finding(
        verdict=NOT_TESTABLE,
        sentence=sentence,
        year=year,
        stats=[
            Stat(
                f"UK defence spending as a share of GDP, {year}",
                now,
                unit="%",
                technical="burden_pct, NATO definition",
                exact="a published figure: exact",
            ),
            Stat(
                f"UK share of NATO Europe and Canada's spending, {year}",
                share,
                unit="%",
                technical="burden_share_pct, NATO_EUROPE_CANADA",
                exact="a total over all allies: exact",
            ),
        ],
        figures={"year": year, "uk_burden_pct": now, "years_at_or_above": above},
        chart=Chart(
            "line",
            "year",
            "burden_pct",
            "UK defence burden (NATO definition)",
            "% of GDP",
            data=upto.select("year", "burden_pct", "is_estimate"),
        ),
        source="NATO",
    )


CLAIM = Claim(
    id="C12",
    paragraphs=(1,),
    statement="The UK's 2025 Strategic Defence Review makes NATO the first priority of British "
    "defence.",
    kind=DOCUMENTARY,
    queries=("burden", "burden_sharing"),
    thresholds=LINES,
    rule="A statement of policy: Not testable with these data, by design. Shown: the UK's burden "
    "each year since 2014 against 2 %, its 2.5 % commitment and the Hague 3.5 % core line, and "
    "its share of NATO Europe and Canada's spending.",
    judge=judge,
    explore="country",
    changed=(
        "Same verdict (not testable, by design); now labelled documentary, with the 2 %, "
        "2.5 % and 3.5 % lines as named thresholds."
    ),
)
