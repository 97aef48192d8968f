"""C3: security inside the alliance breeds complacency (paragraph 5). Tested where the claim
bites: an ally's defence burden before and after it joined NATO, against European states that
stayed out over the same years (a difference in differences per accession cohort). The old test
(each ally's response to US spending) is kept as context, labelled low-power."""

from __future__ import annotations

import numpy as np
import polars as pl

from core.catalogue import sources, verdicts
from ledger import stats
from ledger.claims import base
from ledger.words import names, num

BEFORE = base.Threshold(
    3,
    "years before the accession year: long enough to average out one budget's noise, short "
    "enough that the run-up to membership (when candidates were told to spend) is the baseline",
)
AFTER = base.Threshold(
    5,
    "years after the accession year: complacency takes more than one budget cycle to show, and "
    "five years keep the 1999 and 2004 windows clear of the next enlargement",
)
EDGE = base.Threshold(
    0.25,
    "a pooled change within a quarter of the way to its interval's nearer end from the point "
    "where that end touches zero is a knife edge: one more ally or state would move it",
)
SLOPE_WINDOW = 10  # years of the low-power context test (the rule this one replaced)
# Accession years grouped as NATO enlarged; the accession year itself is in neither window
# (members join in March or April, on budgets set before).
COHORTS = {1999: "1999", 2004: "2004", 2009: "2009", 2017: "2017/2020", 2020: "2017/2020"}
COHORTS |= {2023: "2023/2024", 2024: "2023/2024"}
EARLY = ("1999", "2004")
NON_ALIGNED = ("FIN", "SWE")


def _change(panel: pl.DataFrame, before: range, after: range) -> dict[str, float]:
    """Each state's mean burden over `after` less its mean over `before`, where it has every
    year of both."""
    both = panel.filter(pl.col("year").is_in([*before, *after]))
    full = both.group_by("iso3").agg(
        pl.len().alias("n"),
        pl.col("burden_pct").filter(pl.col("year") >= after.start).mean().alias("after"),
        pl.col("burden_pct").filter(pl.col("year") < after.start).mean().alias("before"),
    )
    full = full.filter(pl.col("n") == len(before) + len(after))
    return {r["iso3"]: r["after"] - r["before"] for r in full.iter_rows(named=True)}


def _design(ctx: base.Context) -> dict:
    """Allies' and neutrals' changes around each accession year, as the specification reads
    them: who enters, with which window, and the cohorts left out for want of years."""
    pre, post = ctx.opt("before", int(BEFORE.value)), ctx.opt("after", int(AFTER.value))
    cohorts = ctx.opt("cohorts", None)
    neutrals = ctx.facts("european_neutrals")
    if not ctx.opt("with_finland_sweden", True):
        neutrals = neutrals.filter(~pl.col("iso3").is_in(NON_ALIGNED))
    panel = ctx.upto(ctx.query("accession_burden"))
    if panel.is_empty():
        raise base.NoEvidence("no SIPRI share of GDP for the European states")
    last = int(panel["year"].max())
    joined = (
        panel.filter(pl.col("nato_joined").is_not_null())
        .group_by("iso3", "country")
        .agg(pl.col("nato_joined").first().dt.year().alias("year"))
    )
    allies, windows, left_out = [], [], {}
    for year in sorted(set(joined["year"])):
        cohort = COHORTS.get(year)
        if cohort is None or (cohorts and cohort not in cohorts):
            continue
        before, after = range(year - pre, year), range(year + 1, year + 1 + post)
        members = joined.filter(pl.col("year") == year).sort("iso3")
        if after.stop - 1 > last:
            who = names(members["country"].to_list())
            left_out[f"{who} ({year})"] = f"its years run to {after.stop - 1}, data to {last}"
            continue
        changes = _change(panel, before, after)
        serving = neutrals.filter(
            pl.col("until").is_null() | (pl.col("until").dt.year() > after.stop - 1)
        )["iso3"]
        control = {n: changes[n] for n in serving if n in changes}
        windows.append({"year": year, "before": before, "after": after, "control": control})
        for r in members.iter_rows(named=True):
            if r["iso3"] in changes:
                allies.append(
                    {
                        **r,
                        "cohort": cohort,
                        "window": len(windows) - 1,
                        "change": changes[r["iso3"]],
                    }
                )
    if not allies:
        raise base.NoEvidence("no accession cohort with its whole window in the data")
    used = sorted({n for w in windows for n in w["control"]})
    return {
        "pre": pre,
        "post": post,
        "last": last,
        "allies": allies,
        "windows": windows,
        "left_out": left_out,
        "neutrals": used,
        "neutral_names": neutrals.filter(pl.col("iso3").is_in(used))["country"].to_list(),
    }


def _estimate(design: dict) -> stats.DifferenceInDifferences:
    units = design["neutrals"]
    control = np.full((len(units), len(design["windows"])), np.nan)
    for j, w in enumerate(design["windows"]):
        for i, n in enumerate(units):
            control[i, j] = w["control"].get(n, np.nan)
    a = design["allies"]
    return stats.difference_in_differences(
        [r["change"] for r in a],
        [r["window"] for r in a],
        [r["cohort"] for r in a],
        control,
        draws=stats.DRAWS,
        seed=stats.SEED,
    )


def _edge(did: stats.DifferenceInDifferences) -> base.Edge | None:
    """The pooled change over its distance to the interval's end nearer zero: above 1 the
    interval excludes zero (a sign), below 1 it spans zero."""
    if did.lo is None or did.hi is None or did.estimate == 0:
        return None
    near = did.hi if did.estimate < 0 else did.lo
    gap = abs(did.estimate - near)
    if gap == 0:
        return None
    return base.Edge(
        "pooled change over its distance to the interval's nearer end",
        abs(did.estimate) / gap,
        1.0,
        EDGE.value,
    )


def _slopes(ctx: base.Context, to_year: int) -> tuple[base.Stat, dict]:
    """The rule this claim used before, kept as low-power context: each ally's slope of yearly
    changes in log spending on US spending over ten years (SIPRI), the median over allies."""
    r = ctx.query(
        "free_riding_response",
        source="sipri",
        from_year=to_year - SLOPE_WINDOW + 1,
        to_year=to_year,
    ).filter((pl.col("iso3") != "USA") & pl.col("slope").is_not_null())
    median = float(r["slope"].median()) if r.height else None
    lo, hi = stats.bootstrap(r["slope"].to_list(), np.median)
    significant = int((r["slope_p"] < 0.05).sum()) if r.height else 0
    se = float(r["slope_se"].median()) if r.height else None
    stat = base.Stat(
        f"Context, low power: typical ally's response to US spending, "
        f"{to_year - SLOPE_WINDOW + 1}–{to_year}",
        median,
        lo,
        hi,
        technical=f"median over allies of the OLS slope of Δln ME_i on Δln ME_US (SIPRI); "
        f"median standard error {num(se)}, {significant} of {r.height} slopes significant at "
        "5 %: too little power to read a sign, so not used for the verdict; fixed-seed "
        "bootstrap over allies",
    )
    return stat, {"median": median, "median_se": se, "significant": significant, "n": r.height}


def judge(ctx: base.Context) -> base.Finding:
    ctx.require("sipri")
    design = _design(ctx)
    did = _estimate(design)
    if did.lo is not None and did.hi is not None and did.estimate < 0 and did.hi < 0:
        verdict = verdicts.SUPPORTED
    elif did.lo is not None and did.hi is not None and did.estimate > 0 and did.lo > 0:
        verdict = verdicts.NOT_SUPPORTED
    else:
        verdict = verdicts.NO_CLEAR_SIGN
    pre, post = design["pre"], design["post"]
    allies, cohorts = design["allies"], did.strata
    by_cohort = "; ".join(f"{c} {num(v[0], 2)}" for c, v in cohorts.items())
    lo_hi = (
        f"95 % interval {num(did.lo, 2)} to {num(did.hi, 2)}"
        if did.lo is not None
        else "no interval"
    )
    reading = {
        verdicts.SUPPORTED: "allies' burdens fell against the neutrals' once they joined, as the "
        "complacency argument expects.",
        verdicts.NOT_SUPPORTED: "allies' burdens rose against the neutrals' once they joined: the "
        "opposite of complacency.",
        verdicts.NO_CLEAR_SIGN: "the interval spans zero, so joining shows no clear sign either "
        "way.",
    }[verdict]
    sentence = (
        f"From the {pre} years before joining NATO to the {post} after, the defence burden of "
        f"{len(allies)} allies changed by {num(did.estimate, 2)} points of GDP on average "
        f"against the European states that stayed out over the same years, "
        f"{names(design['neutral_names'])} ({lo_hi}; by cohort: {by_cohort}): " + reading
    )
    if design["left_out"]:
        sentence += (
            " Not yet measurable: "
            + "; ".join(f"{who}: {why}" for who, why in design["left_out"].items())
            + "."
        )
    slope_stat, slope_figures = _slopes(ctx, design["last"])
    edge = _edge(did)
    chart_rows = [
        {
            "cohort": c,
            "change_pp": v[0],
            "lo": v[1],
            "hi": v[2],
            "allies": sum(1 for a in allies if a["cohort"] == c),
        }
        for c, v in cohorts.items()
    ] + [
        {
            "cohort": "pooled",
            "change_pp": did.estimate,
            "lo": did.lo,
            "hi": did.hi,
            "allies": len(allies),
        }
    ]
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=design["last"],
        stats=[
            base.Stat(
                f"Change in allies' burden after joining, against neutrals ({pre} years before, "
                f"{post} after)",
                did.estimate,
                did.lo,
                did.hi,
                unit="points of GDP",
                technical="difference in differences: each ally's mean SIPRI share of GDP over "
                f"the {post} years after its accession year less the {pre} before, minus the "
                "same change averaged over the neutral and non-aligned states; pooled over "
                "allies; fixed-seed bootstrap resampling allies within cohorts and neutrals "
                "(ledger.stats.difference_in_differences)",
            ),
            slope_stat,
        ],
        figures={
            "year": design["last"],
            "window": [pre, post],
            "pooled_pp": did.estimate,
            "interval_pp": [did.lo, did.hi],
            "by_cohort_pp": {c: v[0] for c, v in cohorts.items()},
            "allies": {a["iso3"]: a["cohort"] for a in allies},
            "neutrals": design["neutrals"],
            "cohorts_left_out": design["left_out"],
            "low_power_slopes": slope_figures,
        },
        chart=base.Chart(
            "bar",
            "cohort",
            "change_pp",
            "Change in allies' defence burden after joining NATO, against neutral states",
            "points of GDP",
            data=pl.DataFrame(chart_rows),
        ),
        source=(
            f"{sources.short('sipri')} (share of GDP); "
            "neutral states: data/facts/european_neutrals.csv"
        ),
        edges=[edge] if edge else [],
        method=f"difference in differences against neutrals, {pre}/{post} years (SIPRI)",
    )


CLAIM = base.Claim(
    id="C3",
    paragraphs=(5,),
    statement="Allies that feel shielded by the alliance may grow complacent and see little "
    "point in paying for their own defence.",
    kind=base.EMPIRICAL,
    parts=(
        base.Part(
            "a",
            "Joining the alliance lowers what a state spends on defence, against states that "
            "stayed out (judged).",
            base.EMPIRICAL,
        ),
        base.Part(
            "b", "Allies feel shielded and grow complacent (a state of mind).", base.UNTESTABLE
        ),
    ),
    queries=("accession_burden", "free_riding_response"),
    facts=("european_neutrals",),
    thresholds={"BEFORE": BEFORE, "AFTER": AFTER, "EDGE": EDGE},
    specs=(
        base.Spec("window_5_5", "five years before joining and five after", {"before": 5}),
        base.Spec(
            "window_2_2", "two years before joining and two after", {"before": 2, "after": 2}
        ),
        base.Spec("early_cohorts", "the 1999 and 2004 cohorts only", {"cohorts": EARLY}),
        base.Spec(
            "no_finland_sweden",
            "neutrals without Finland and Sweden (never neutral in law, only non-aligned)",
            {"with_finland_sweden": False},
        ),
    ),
    rule="Part (a) decides, on SIPRI's share of GDP. For each state that joined NATO after the "
    "Cold War: its mean burden over the five years after its accession year less its mean over "
    "the three years before, minus the same change, over the same years, averaged over the "
    "European states that stayed out (Austria, Ireland, Malta, Switzerland; Finland and Sweden "
    "for windows that end before they joined). Allies are grouped in accession cohorts (1999, "
    "2004, 2009, 2017/2020, 2023/2024); a cohort enters once its whole window is in the data. "
    "The pooled change averages over allies, with a fixed-seed bootstrap interval resampling "
    "allies within cohorts and the neutral states. Supported when the pooled change is "
    "negative and its interval excludes zero; Not supported when it is positive and its "
    "interval excludes zero; No clear sign when the interval spans zero. Context, not "
    "verdict: the old test, each ally's response to US spending over ten years, which has too "
    "little power to read a sign. Part (b) is a state of mind: not testable.",
    judge=judge,
    first_year=2014,
    explore="free_riding",
    changed=(
        "Was: the median over allies of each ally's slope of yearly spending changes on US "
        "spending changes (ten-year windows), with Not supported or Partly whenever the median "
        "was not negative in three windows running. Those slopes have no power (median "
        "standard error 1.12; 4 of 28 significant), so the verdict read noise as a refutation. "
        "Now: what joining the alliance did to a state's burden, against neutral states over "
        "the same years (a difference in differences by accession cohort), with No clear sign "
        "when its interval spans zero. The slope test stays as low-power context; the exposure "
        "gap (a land border with Russia or Belarus) is on the Free riding page."
    ),
)
