"""C2: some allies under-invest in capability (the premise under paragraph 4's conditional),
judged by the economic weight of the allies that miss a NATO guideline, and its trend."""

from __future__ import annotations

import polars as pl

from core.catalogue import sources, verdicts
from ledger.claims import base
from ledger.words import pct

BROAD = base.Threshold(
    50,
    "allies missing a guideline hold at least half of allied GDP outside the US: the shortfall "
    "describes the alliance, not a few stragglers",
)
MATERIAL = base.Threshold(
    10,
    "at least a tenth of that GDP: below it the shortfall is a handful of small economies, "
    "which cannot cost the alliance its credibility",
)
BASE_YEAR = 2014  # the Wales pledge and the first year of NATO's tables
THIN_STOCK = 0.5  # context: equipment-stock share under half the GDP share (Europe and Canada)


NEAR_TWO = 0.15  # points of GDP: a burden this close to 2 % decides the ally's side by a hair
NEAR_WEIGHT = 2.5  # points of the GDP share: the weight this close to a threshold is a knife edge


def _misses(guidelines: tuple[str, ...]) -> pl.Expr:
    tests = {
        "2%": pl.col("burden_pct") < 2,
        "20%": pl.col("equipment_share_pct") < 20,
    }
    out = tests[guidelines[0]]
    for g in guidelines[1:]:
        out = out | tests[g]
    return out


def _outturns(rows: pl.DataFrame, year: int) -> pl.DataFrame:
    """The year's rows with each estimated figure replaced by the ally's latest outturn (its
    GDP kept): what the verdict reads when estimates are not trusted."""
    final = rows.filter(~pl.col("is_estimate").fill_null(False)).sort("year")
    latest = final.group_by("iso3").agg(
        pl.col("burden_pct").last().alias("outturn_pct"),
        pl.col("equipment_share_pct").last().alias("outturn_equipment_pct"),
    )
    return (
        rows.join(latest, on="iso3", how="left")
        .with_columns(
            pl.when(pl.col("is_estimate").fill_null(False) & (pl.col("year") == year))
            .then(pl.col("outturn_pct"))
            .otherwise(pl.col("burden_pct"))
            .alias("burden_pct"),
            pl.when(pl.col("is_estimate").fill_null(False) & (pl.col("year") == year))
            .then(pl.col("outturn_equipment_pct"))
            .otherwise(pl.col("equipment_share_pct"))
            .alias("equipment_share_pct"),
        )
        .drop("outturn_pct", "outturn_equipment_pct")
    )


def _verdict(weight: float) -> str:
    if weight >= BROAD.value:
        return verdicts.SUPPORTED
    return verdicts.PARTLY if weight >= MATERIAL.value else verdicts.NOT_SUPPORTED


def _tipping(end: pl.DataFrame, w: float, verdict: str, year: int) -> list[base.Edge]:
    """The allies just above 2 % (within NEAR_TWO) whose figures decide the verdict: the fewest,
    largest first, that would flip it were they counted as missing the guideline."""
    others = end.filter(pl.col("iso3") != "USA")
    total = others["gdp_current_usd_m"].sum()
    near = others.filter((pl.col("burden_pct") >= 2) & (pl.col("burden_pct") < 2 + NEAR_TWO)).sort(
        "gdp_current_usd_m", descending=True
    )
    tipped, weight = [], w
    for r in near.iter_rows(named=True):
        tipped.append(r)
        weight += 100 * r["gdp_current_usd_m"] / total if total else 0
        if _verdict(weight) != verdict:
            names = " and ".join(t["country"] for t in tipped)
            return [
                base.Edge(
                    f"{t['country']}'s defence burden, {year}"
                    + (" (an estimate)" if t["is_estimate"] else "")
                    + f": with {names} below 2 % the share would be {weight:.1f} % and the "
                    f"verdict {_verdict(weight)}",
                    t["burden_pct"],
                    2.0,
                    NEAR_TWO,
                    "%",
                )
                for t in tipped
            ]
    return []


def judge(ctx: base.Context) -> base.Finding:
    ctx.require("nato")
    rows = ctx.query("guideline_shortfall", source="nato").filter(
        pl.col("burden_pct").is_not_null()
    )
    year = ctx.latest_year(rows)
    start = max(BASE_YEAR, int(rows["year"].min()))
    if ctx.opt("outturns", False):
        rows = _outturns(rows, year)
    guidelines = ctx.opt("guidelines", ("2%", "20%"))
    misses = _misses(guidelines)

    def weight(y: int) -> float:
        r = rows.filter((pl.col("year") == y) & (pl.col("iso3") != "USA"))
        total = r["gdp_current_usd_m"].sum()
        missed = r.filter(misses)["gdp_current_usd_m"].sum()
        return 100 * missed / total if total else 0.0

    w, w0 = weight(year), weight(start)
    # Like for like: the allies with figures at both ends, so enlargement cannot move the count.
    both = set(rows.filter(pl.col("year") == start)["iso3"]) & set(
        rows.filter(pl.col("year") == year)["iso3"]
    )

    def meeting(y: int, column: str, level: float) -> int:
        r = rows.filter((pl.col("year") == y) & pl.col("iso3").is_in(both))
        return int((r[column] >= level).sum())

    end = rows.filter(pl.col("year") == year)
    missing = end.filter(misses).sort("gdp_current_usd_m", descending=True)["country"]
    edges = [
        base.Edge(
            f"share of allied GDP outside the US held by allies missing a guideline, {year}",
            w,
            t.value,
            NEAR_WEIGHT,
            "%",
        )
        for t in (BROAD, MATERIAL)
    ] + (_tipping(end, w, _verdict(w), year) if "2%" in guidelines else [])
    verdict = _verdict(w)
    n2 = (meeting(start, "burden_pct", 2), meeting(year, "burden_pct", 2))
    n20 = (meeting(start, "equipment_share_pct", 20), meeting(year, "equipment_share_pct", 20))
    sentence = (
        f"In {year}, allies missing NATO's 2 % or 20 % guideline held {pct(w)} of allied GDP "
        f"outside the US"
        + (f", down from {pct(w0)} in {start}" if year > start and w < w0 else "")
        + (f", up from {pct(w0)} in {start}" if year > start and w > w0 else "")
        + "."
    )
    # Context, within Europe and Canada so the US stock does not push everyone below 1: allies
    # whose share of the equipment stock (perpetual inventory, dollars not capability) is under
    # half their share of GDP.
    stock = ctx.query("equipment_investment", alliance="NATO_EUROPE_CANADA").filter(
        (pl.col("year") == year) & pl.col("stock_to_gdp_share_ratio").is_not_null()
    )
    thin = stock.filter(pl.col("stock_to_gdp_share_ratio") < THIN_STOCK).sort(
        "stock_to_gdp_share_ratio"
    )
    # The chart is the share the verdict reads, year by year, against the rule's two lines.
    years = sorted(y for y in set(rows["year"]) if start <= y <= year)
    by_year = pl.DataFrame(
        {"year": years, "share_missing_pct": [weight(y) for y in years]},
        schema={"year": pl.Int64, "share_missing_pct": pl.Float64},
    )
    shown = [
        base.Stat.total_share(
            f"Share of allied GDP outside the US held by allies missing a guideline, {year}",
            w,
            "sum of GDP of allies with ME/GDP < 2 % or equipment share < 20 %, over the sum of "
            "GDP of all allies but the US (NATO, current US$)",
        ),
        base.Stat.total_share(f"The same share in {start}", w0),
        base.Stat(
            f"Context: allies meeting 2 % of GDP in {year}, of the {len(both)} with figures in "
            f"both {start} and {year}",
            n2[1],
            technical=f"like for like; {n2[0]} met it in {start}; 20 % on major equipment: "
            f"{n20[1]}, against {n20[0]} in {start}",
            exact="a count over the same allies: exact",
        ),
        base.Stat(
            f"Context: allies in Europe and Canada with under half their economic weight in "
            f"equipment stock, {year}",
            thin.height,
            technical="stock_to_gdp_share_ratio < 0.5, equipment_investment over "
            "NATO_EUROPE_CANADA (perpetual inventory since 2014, depreciation 10 %)",
            exact="a count over all allies: exact",
        ),
    ]
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=year,
        stats=shown,
        figures={
            "year": year,
            "start_year": start,
            "weight_missing_pct": w,
            "weight_missing_pct_start": w0,
            "allies_like_for_like": len(both),
            "at_or_above_2pct_start_end": n2,
            "at_or_above_20pct_equipment_start_end": n20,
            "allies_missing_a_guideline": missing.to_list(),
            "thin_equipment_stock_europe_canada": thin["country"].to_list(),
        },
        chart=base.Chart(
            "line",
            "year",
            "share_missing_pct",
            "Share of allied GDP (outside the US) held by allies missing NATO's 2 % or 20 % "
            "guideline",
            "% of allied GDP outside the US",
            data=by_year,
            guides=[
                (BROAD.value, "50 %: Supported"),
                (MATERIAL.value, "10 %: Partly supported"),
            ],
        ),
        source=sources.short("nato"),
        edges=edges,
        method="NATO spending, equipment share and GDP",
    )


CLAIM = base.Claim(
    id="C2",
    paragraphs=(4,),
    statement="An alliance is worth what its members bring; if allies neglect the capabilities "
    "operations need, its credibility suffers.",
    kind=base.EMPIRICAL,
    parts=(
        base.Part(
            "a",
            "If allies fail to build capability, the alliance loses credibility (a conditional "
            "about deterrence).",
            base.UNTESTABLE,
        ),
        base.Part("b", "Some allies under-invest in capability (the premise).", base.EMPIRICAL),
    ),
    queries=("guideline_shortfall", "equipment_investment"),
    thresholds={"BROAD": BROAD, "MATERIAL": MATERIAL},
    rule="Premise (b), NATO figures, latest year: the share of allied GDP outside the US held "
    "by allies below 2 % of GDP or below 20 % of spending on major equipment. Supported at 50 % "
    "or more, Partly supported from 10 %, Not supported below. Counts of allies meeting each "
    "guideline are compared like for like (allies with figures at both ends). Context, not "
    "verdict: allies of Europe and Canada whose share of the equipment stock is under half "
    "their share of GDP. The conditional (a) is not testable.",
    judge=judge,
    specs=(
        base.Spec(
            "outturns",
            "estimates replaced by each ally's latest outturn",
            {"outturns": True},
        ),
        base.Spec("two-percent", "the 2 % guideline only", {"guidelines": ("2%",)}),
        base.Spec("twenty-percent", "the 20 % equipment guideline only", {"guidelines": ("20%",)}),
    ),
    explore="capability",
    changed=(
        "Was: Supported if any ally missed 2 % or 20 % in the latest year, true in every "
        "year 2014–2024. Now: the premise is weighed by the GDP share of the allies that "
        "miss a guideline, counts are compared like for like, and the conditional is "
        "labelled not testable."
    ),
)
