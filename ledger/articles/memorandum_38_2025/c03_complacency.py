"""C3: security inside the alliance breeds complacency (paragraph 5). Tested as each ally's
spending response to US spending over ten-year windows (after Plumper & Neumayer 2015), with
exposure (a land border with Russia or Belarus) as labelled context."""

from __future__ import annotations

import numpy as np
import polars as pl

from ledger.claims import intervals
from ledger.claims.base import (
    EMPIRICAL,
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
from ledger.claims.common import STABLE_YEARS, direction
from ledger.claims.words import num, pct

WINDOW = Threshold(
    10,
    "years per window: ten yearly changes are the fewest that give one ally's slope any "
    "precision, and the article speaks of a decade",
)
STABLE = Threshold(
    STABLE_YEARS,
    "consecutive windows with the same sign: one window's sign (or p-value) is not enough",
)


def _responses(ctx: Context, end: int) -> pl.DataFrame:
    frame = ctx.query(
        "free_riding_response",
        source="sipri",
        from_year=end - int(WINDOW.value) + 1,
        to_year=end,
    )
    return frame.filter((pl.col("iso3") != "USA") & pl.col("slope").is_not_null())


def _exposure(ctx: Context) -> tuple[int | None, list[float | None], float | None, tuple]:
    if not (ctx.has("nato") and ctx.has("geo")):  # context only: left out, the card says why
        return None, [], None, (None, None)
    prox = ctx.query("threat_proximity", source="nato").filter(pl.col("burden_pct").is_not_null())
    prox = ctx.upto(prox)
    if prox.is_empty():
        return None, [], None, (None, None)
    year = int(prox["year"].max())
    diffs = []
    for y in range(year - STABLE_YEARS + 1, year + 1):
        p = prox.filter(pl.col("year") == y)
        if p.is_empty():
            continue
        near = p.filter(pl.col("borders_russia_or_belarus"))["burden_pct"]
        far = p.filter(~pl.col("borders_russia_or_belarus"))["burden_pct"]
        diffs.append(near.median() - far.median() if near.len() and far.len() else None)
    p = prox.filter(pl.col("year") == year)
    near = p.filter(pl.col("borders_russia_or_belarus"))["burden_pct"].to_list()
    far = p.filter(~pl.col("borders_russia_or_belarus"))["burden_pct"].to_list()
    ci = intervals.bootstrap_difference(near, far, np.median)
    return year, diffs, diffs[-1] if diffs else None, ci


def judge(ctx: Context) -> Finding:
    ctx.require("sipri")
    coverage = ctx.query("threat_proximity_test", source="sipri")
    year = ctx.latest_year(coverage)
    medians, shares = [], []
    for end in range(year - STABLE_YEARS + 1, year + 1):
        r = _responses(ctx, end)
        medians.append(float(r["slope"].median()) if r.height else None)
        shares.append(float((r["slope"] < 0).mean()) if r.height else None)
    latest = _responses(ctx, year)
    lo, hi = intervals.bootstrap(latest["slope"].to_list(), np.median)
    trend = direction(medians)
    m = medians[-1]
    if m is not None and m < 0 and trend == "negative":
        verdict = SUPPORTED
    elif m is not None and m < 0:
        verdict = PARTLY
    else:
        verdict = NOT_SUPPORTED
    e_year, e_diffs, e_diff, e_ci = _exposure(ctx)
    e_dir = direction(e_diffs)
    exposure_verdict = (
        SUPPORTED if e_dir == "positive" else PARTLY if e_diff and e_diff > 0 else NOT_SUPPORTED
    )
    first = year - int(WINDOW.value) + 1
    sentence = (
        f"Over {first}–{year}, the typical ally's defence spending "
        + ("fell" if m is not None and m < 0 else "rose")
        + f" when US spending rose (median response {num(m)}; "
        f"{pct(100 * shares[-1], 0)} of allies moved against the US)"
        + (
            ": allies leaned on US spending, as the complacency argument expects."
            if verdict == SUPPORTED
            else ": no stable sign that allies cut back while the US spent more."
            if verdict == NOT_SUPPORTED
            else ": a sign of leaning on the US, not yet stable over three windows."
        )
    )
    if e_year is not None and e_diff is not None:
        sentence += (
            f" In {e_year}, allies bordering Russia or Belarus spent a median "
            f"{num(e_diff, 1)} points of GDP "
            + ("more" if e_diff >= 0 else "less")
            + " than the rest."
        )
    chart_rows = []
    for end in range(max(first - STABLE_YEARS, 1995), year + 1):
        r = _responses(ctx, end)
        if r.height:
            chart_rows.append({"year": end, "median_response": float(r["slope"].median())})
    return Finding(
        verdict=verdict,
        sentence=sentence,
        year=year,
        stats=[
            Stat(
                f"Typical ally's response to US spending, {first}–{year}",
                m,
                lo,
                hi,
                technical="median over allies of the OLS slope of Δln ME_i on Δln ME_US "
                "(SIPRI, constant prices); fixed-seed bootstrap over allies",
            ),
            Stat(
                f"Border with Russia or Belarus: extra burden, {e_year}",
                e_diff,
                e_ci[0],
                e_ci[1],
                unit="pp",
                technical="median ME/GDP of bordering minus non-bordering European allies "
                "(NATO); fixed-seed bootstrap",
            ),
        ],
        figures={
            "year": year,
            "median_response_last_windows": medians,
            "share_of_allies_moving_against_us": shares,
            "exposure_year": e_year,
            "border_burden_gap_last_years_pp": e_diffs,
        },
        parts={"a": verdict, "b": exposure_verdict},
        chart=Chart(
            "line",
            "year",
            "median_response",
            "Typical ally's response to US spending, ten-year windows ending each year",
            "slope",
            data=pl.DataFrame(chart_rows),
        ),
        source="SIPRI; exposure: NATO",
    )


CLAIM = Claim(
    id="C3",
    paragraphs=(5,),
    statement="Allies that feel shielded by the alliance may grow complacent and see little "
    "point in paying for their own defence.",
    kind=EMPIRICAL,
    parts=(
        Part(
            "a",
            "Complacency: allies spend less when the US spends more (judged).",
            EMPIRICAL,
        ),
        Part(
            "b",
            "Exposure (context): allies bordering Russia or Belarus carry heavier burdens.",
            EMPIRICAL,
        ),
    ),
    queries=("free_riding_response", "threat_proximity", "threat_proximity_test"),
    thresholds={"WINDOW": WINDOW, "STABLE": STABLE},
    rule="Part (a) decides. For each ten-year window, each ally's slope of yearly changes in "
    "log spending on yearly changes in log US spending (SIPRI); the verdict reads the median "
    "slope over allies. Supported when it is negative in the latest window and in the two "
    "before; Partly supported when negative in the latest only; Not supported when not "
    "negative. Part (b), context: the median burden gap between allies bordering Russia or "
    "Belarus and the rest, every year (NATO).",
    judge=judge,
    first_year=2005,
    explore="free_riding",
    changed=(
        "Was: rho(distance to Moscow, burden) with p < 0.05 in the latest year, which "
        "measured exposure and flipped with the year chosen. Now: complacency proper "
        "(allies' response to US spending, ten-year windows, sign stable over three "
        "windows); exposure kept as context, measured by a land border with Russia or "
        "Belarus."
    ),
)
