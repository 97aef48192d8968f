"""C4: concerns about free or easy riding on the US have grown (paragraph 7). The discourse is
not testable here; its factual basis is judged on change over the decade, like for like."""

from __future__ import annotations

import polars as pl

from core.catalogue import sources, verdicts
from ledger import stats
from ledger.claims import base
from ledger.claims.common import rho_stat
from ledger.words import num

DECADE = 10  # "in the last decade"
SMOOTH = 3  # each end of the decade is the mean of three years, so no single year decides
RATIO_SHIFT = base.Threshold(
    0.05,
    "change in the US burden-to-benefit ratio that counts as growth or decline: the ratio's "
    "year-to-year moves are about 0.01 to 0.05, so a smaller change is noise",
)
RHO_SHIFT = base.Threshold(
    0.10,
    "change in the Olson-Zeckhauser rank correlation that counts: with about 30 allies one "
    "year's rho has a 95 % interval of about ±0.35, so only a sustained shift of a tenth "
    "across three-year means is read as a move",
)


def _year_stats(
    frame: pl.DataFrame, year: int, allies: set[str]
) -> tuple[float, float | None, int]:
    r = frame.filter((pl.col("year") == year) & pl.col("iso3").is_in(allies))
    us = r.filter(pl.col("iso3") == "USA")
    ratio = (us["me_current_usd_m"].sum() / r["me_current_usd_m"].sum()) / (
        us["gdp_current_usd_m"].sum() / r["gdp_current_usd_m"].sum()
    )
    r = r.with_columns((pl.col("me_current_usd_m") / pl.col("gdp_current_usd_m")).alias("b"))
    rho, n = stats.spearman_rho(r, "gdp_current_usd_m", "b")
    return float(ratio), rho, n


def _move(change: float, shift: float) -> int:
    return 1 if change > shift else -1 if change < -shift else 0


def _pairs(frame: pl.DataFrame, years: list[int], allies: list[str]) -> list[tuple]:
    """Per year, (GDP, burden) of the same allies in the same order (the paired bootstrap)."""
    out = []
    for y in years:
        r = frame.filter(pl.col("year") == y).select(
            "iso3", "gdp_current_usd_m", (pl.col("me_current_usd_m") / pl.col("gdp_current_usd_m"))
        )
        by = {row[0]: row[1:] for row in r.iter_rows()}
        out.append(([by[a][0] for a in allies], [by[a][1] for a in allies]))
    return out


def judge(ctx: base.Context) -> base.Finding:
    source = ctx.opt("source", "sipri")
    ctx.require(source)
    rows = ctx.query("burden_sharing", source=source, alliance="NATO").filter(
        pl.col("me_current_usd_m").is_not_null()
        & pl.col("gdp_current_usd_m").is_not_null()
        & (pl.col("gdp_current_usd_m") > 0)
        & ~pl.col("iso3").is_in(ctx.opt("leave_out", []))
    )
    year = ctx.latest_year(rows)
    smooth = ctx.opt("smooth", SMOOTH)
    start = max(year - DECADE, int(rows["year"].min()))
    early = list(range(start, start + smooth))
    late = list(range(year - smooth + 1, year + 1))
    # Like for like: allies with figures in every one of the six years compared.
    allies = None
    for y in early + late:
        present = set(rows.filter(pl.col("year") == y)["iso3"])
        allies = present if allies is None else allies & present
    allies = allies or set()
    if "USA" not in allies or len(allies) < 5:
        from ledger.claims.base import NoEvidence

        raise NoEvidence(f"too few allies with figures for {start}–{year}")
    e = [_year_stats(rows, y, allies) for y in early]
    la = [_year_stats(rows, y, allies) for y in late]
    ratio0, ratio1 = sum(s[0] for s in e) / smooth, sum(s[0] for s in la) / smooth
    rho0 = sum(s[1] or 0 for s in e) / smooth
    rho1 = sum(s[1] or 0 for s in la) / smooth
    same = sorted(allies)
    rho_lo, rho_hi = stats.rho_change_interval(_pairs(rows, early, same), _pairs(rows, late, same))
    moves = (_move(ratio1 - ratio0, RATIO_SHIFT.value), _move(rho1 - rho0, RHO_SHIFT.value))
    if max(moves) == 1 and min(moves) >= 0:
        verdict = verdicts.SUPPORTED
    elif min(moves) == -1 and max(moves) <= 0 or moves == (0, 0):
        verdict = verdicts.NOT_SUPPORTED
    else:
        verdict = verdicts.PARTLY
    basis = {
        verdicts.SUPPORTED: "grew",
        verdicts.PARTLY: "moved two ways",
        verdicts.NOT_SUPPORTED: "did not grow",
    }
    sentence = (
        f"Between {start}–{start + SMOOTH - 1} and {year - SMOOTH + 1}–{year}, the measured "
        f"basis for the worry {basis[verdict]}: the US paid "
        f"{num(ratio1)} times its economic weight (from {num(ratio0)}) and the link between an "
        f"ally's size and its burden went from {num(rho0)} to {num(rho1)} "
        f"(same {len(allies)} allies at both ends, {sources.short(source)})."
    )
    rho_end, n_end = la[-1][1], la[-1][2]
    rho_start, n_start = e[0][1], e[0][2]
    chart = pl.DataFrame(
        [
            {
                "year": y,
                **dict(
                    zip(
                        ("us_burden_to_benefit_ratio", "rho", "n"),
                        _year_stats(rows, y, allies),
                        strict=True,
                    )
                ),
            }
            for y in range(start, year + 1)
            if rows.filter(pl.col("year") == y).height
        ]
    )
    # The two changes the rule reads come first, the US ratio's (the figure the worry is about)
    # before the rank correlation's; the single years are context.
    shown = [
        base.Stat(
            f"Change in what the US pays over its economic weight, {early[0]}–{early[-1]} to "
            f"{late[0]}–{year}",
            ratio1 - ratio0,
            technical=f"US burden-to-benefit ratio b_US / y_US, three-year means: {num(ratio0)} "
            f"then, {num(ratio1)} now; counts as a move beyond ±{RATIO_SHIFT.value:g}",
            exact=f"from {num(ratio0)} to {num(ratio1)}, a ratio of totals over the same "
            "allies: exact",
        ),
        base.Stat(
            f"Change in how far larger allies carry heavier burdens, {early[0]}–{early[-1]} "
            f"to {late[0]}–{year}",
            rho1 - rho0,
            rho_lo,
            rho_hi,
            technical="mean Olson-Zeckhauser Spearman rho(GDP, ME/GDP) over the late years "
            "minus over the early years, same allies; paired bootstrap over allies "
            f"({stats.DRAWS} draws); counts as a move beyond ±{RHO_SHIFT.value:g}",
        ),
        rho_stat(
            f"Context: how far larger allies carry heavier burdens, {year} alone",
            rho_end,
            n_end,
            "Olson-Zeckhauser Spearman rho(GDP, ME/GDP)",
        ),
        rho_stat(
            f"Context: the same, {start} alone",
            rho_start,
            n_start,
            "Olson-Zeckhauser Spearman rho(GDP, ME/GDP)",
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
            "allies_like_for_like": len(allies),
            "us_ratio_start_mean": ratio0,
            "us_ratio_end_mean": ratio1,
            "rho_start_mean": rho0,
            "rho_end_mean": rho1,
            "moves_ratio_rho": moves,
        },
        chart=base.Chart(
            "line",
            "year",
            ["us_burden_to_benefit_ratio", "rho"],
            f"What the US pays over its economic weight, and how far larger allies carry "
            f"heavier burdens ({len(allies)} allies, {sources.short(source)})",
            "ratio (1: pays its weight) · rank correlation",
            data=chart.select("year", "us_burden_to_benefit_ratio", "rho")
            if chart.height
            else chart,
        ),
        source=sources.short(source),
        edges=[
            base.Edge(
                "change in the US burden-to-benefit ratio", ratio1 - ratio0, RATIO_SHIFT.value, 0.02
            ),
            base.Edge(
                "change in the US burden-to-benefit ratio",
                ratio1 - ratio0,
                -RATIO_SHIFT.value,
                0.02,
            ),
            base.Edge("change in the Olson-Zeckhauser rho", rho1 - rho0, RHO_SHIFT.value, 0.03),
            base.Edge("change in the Olson-Zeckhauser rho", rho1 - rho0, -RHO_SHIFT.value, 0.03),
        ],
        method=f"{sources.short(source)} spending and GDP",
    )


CLAIM = base.Claim(
    id="C4",
    paragraphs=(7,),
    statement="Over the past decade, US security debate has worried more and more that allies "
    "ride free or easily on American power.",
    kind=base.EMPIRICAL,
    parts=(
        base.Part("a", "The worry grew in US national-security discourse.", base.UNTESTABLE),
        base.Part(
            "b",
            "Its factual basis grew: the US paid ever more than its economic weight, and larger "
            "allies carried ever heavier burdens (Olson-Zeckhauser).",
            base.EMPIRICAL,
        ),
    ),
    queries=("burden_sharing",),
    thresholds={"RATIO_SHIFT": RATIO_SHIFT, "RHO_SHIFT": RHO_SHIFT},
    rule="Part (b) on change over the decade to the latest year, SIPRI, the same allies at "
    "both ends, each end a three-year mean: the US burden-to-benefit ratio moves when it "
    "changes by more than 0.05, the Olson-Zeckhauser rho when it changes by more than 0.10. "
    "Supported when one grew and neither fell; Not supported when one fell and neither grew, "
    "or neither moved; Partly supported when they moved apart. Part (a) is not testable.",
    judge=judge,
    specs=(
        base.Spec("nato", "NATO's figures instead of SIPRI's", {"source": "nato"}),
        base.Spec("no-iceland", "Iceland (no armed forces) left out", {"leave_out": ["ISL"]}),
        base.Spec("single-years", "single years at each end, not three-year means", {"smooth": 1}),
    ),
    first_year=2000,
    explore="free_riding",
    changed=(
        "Was: US ratio > 1 (true in all 76 source-years) plus one year's Olson-Zeckhauser "
        "p-value. Now: the discourse is labelled not testable and its factual basis is "
        "judged on change over the decade, same allies at both ends, three-year means at "
        "each end."
    ),
)
