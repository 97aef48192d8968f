"""C16: some members are negligent in pulling their weight (paragraph 16). Money is one
measure; aid to Ukraine (Kiel) and personnel are set beside it: do the allies that spend
little on defence make up for it in the other two?"""

from __future__ import annotations

import polars as pl

from core.catalogue import sources, verdicts
from ledger import stats
from ledger.claims import base
from ledger.claims.common import rho_stat
from ledger.words import names

MOST = base.Threshold(
    1 / 2,
    "of the allies under 2 % also below the allied median on every other measure: when at "
    "least half the low spenders lag everywhere, money picks out the laggards at least as "
    "often as it misjudges them",
)
SOME = base.Threshold(
    1 / 3,
    "one in three: below it most low spenders make up for it in aid or soldiers, and "
    "'not pulling their weight' rests on money alone",
)


NEAR_MEDIAN = 0.01  # points of GDP: aid this close to the allied median decides a side by a hair


NATO, KIEL = sources.short("nato"), sources.SOURCES["kiel"].attribution


def _aid(ctx: base.Context, year: int) -> pl.DataFrame:
    """Aid to Ukraine as a share of GDP per ally: the year's, or (a specification) the mean over
    every tracker year up to it."""
    aid = ctx.query("security_burden")
    if ctx.opt("aid_period_mean", False):
        aid = ctx.upto(aid).filter(pl.col("year") <= year)
        return aid.group_by("iso3").agg(pl.col("aid_pct_gdp").mean())
    return aid.filter(pl.col("year") == year).select("iso3", "aid_pct_gdp")


def judge(ctx: base.Context) -> base.Finding:
    ctx.require("nato")
    defence = ctx.query("burden", source="nato", alliance="NATO").filter(
        pl.col("burden_pct").is_not_null()
    )
    year = ctx.latest_year(defence)
    frame = defence.filter((pl.col("year") == year) & (pl.col("iso3") != "USA")).select(
        "iso3", "country", defence_pct_gdp="burden_pct"
    )
    # Kiel's tracker starts in 2022, and a judgment as of a day before its release held here
    # was published cannot read it: then personnel is the only measure beside money, a change
    # of method the history draws as a break.
    notes = []
    if ctx.has("kiel"):
        aid = _aid(ctx, year)
    else:
        aid = pl.DataFrame(schema={"iso3": pl.Utf8, "aid_pct_gdp": pl.Float64})
        notes.append(
            "aid to Ukraine: no release of the Kiel tracker held here was published by "
            f"{ctx.as_of.isoformat()}"
        )
    has_aid = aid["aid_pct_gdp"].is_not_null().any()
    frame = frame.join(aid, on="iso3", how="left")
    people = ctx.query("personnel").filter((pl.col("year") == year) & (pl.col("source") == "nato"))
    frame = frame.join(people.select("iso3", "personnel_per_1000"), on="iso3", how="left")
    aid_median = frame["aid_pct_gdp"].median() if has_aid else None
    staff_median = frame["personnel_per_1000"].median()
    low = frame.filter(pl.col("defence_pct_gdp") < 2)
    lags = pl.col("personnel_per_1000") < staff_median
    if has_aid:
        given = pl.col("aid_pct_gdp").fill_null(0)
        at_or_below = ctx.opt("at_median_lags", False)
        lags = lags & (given <= aid_median if at_or_below else given < aid_median)
    lag = low.filter(lags)
    share = lag.height / low.height if low.height else 0.0
    verdict = (
        verdicts.SUPPORTED
        if share >= MOST.value
        else verdicts.PARTLY
        if share >= SOME.value
        else verdicts.NOT_SUPPORTED
    )
    measures = "aid to Ukraine and soldiers per head" if has_aid else "soldiers per head"
    rho_aid, n_aid = stats.spearman_rho(frame, "defence_pct_gdp", "aid_pct_gdp")
    rho_staff, n_staff = stats.spearman_rho(frame, "defence_pct_gdp", "personnel_per_1000")
    sentence = (
        f"In {year}, {lag.height} of the {low.height} allies below 2 % of GDP "
        f"({names(lag['country'].to_list())}) were also below the allied median on {measures}"
        + ("; the rest made up for it on at least one." if has_aid else ".")
    )
    # The chart: each ally below 2 %, on how many of the other measures it is also below the
    # allied median; those below on every one (the count the verdict reads) stand out.
    other = (pl.col("personnel_per_1000") < staff_median).cast(pl.Int8)
    if has_aid:
        given = pl.col("aid_pct_gdp").fill_null(0)
        at_or_below = ctx.opt("at_median_lags", False)
        other = other + (given <= aid_median if at_or_below else given < aid_median).cast(pl.Int8)
    shown_low = low.select(
        "country",
        other.fill_null(0).alias("measures_below_median"),
        lags.fill_null(False).alias("lags_on_every_measure"),
        "defence_pct_gdp",
        "aid_pct_gdp",
        "personnel_per_1000",
    )
    shown = [
        base.Stat(
            f"Allies below 2 % of GDP that also lag on {measures}, {year}",
            100 * share,
            unit="%",
            exact=f"{lag.height} of {low.height}: a count over all allies, exact",
        ),
        rho_stat(
            f"Context: do big defence spenders also give more aid? {year}",
            rho_aid,
            n_aid,
            "Spearman rho(ME/GDP, Kiel aid/GDP), allies but the US",
        ),
        rho_stat(
            f"Context: do big defence spenders also field more soldiers per head? {year}",
            rho_staff,
            n_staff,
            "Spearman rho(ME/GDP, personnel per 1,000), allies but the US",
        ),
    ]
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=year,
        stats=shown,
        figures={
            "year": year,
            "below_2pct": low["iso3"].to_list(),
            "lag_on_every_measure": lag["iso3"].to_list(),
        },
        chart=base.Chart(
            "bar",
            "country",
            "measures_below_median",
            f"{lag.height} of the {low.height} allies below 2 % of GDP in {year} also lag on "
            f"{measures}",
            f"measures below median, of {2 if has_aid else 1}",
            color="lags_on_every_measure",
            data=shown_low,
        ),
        source=f"{NATO}; {KIEL}" if has_aid else NATO,
        edges=[
            base.Edge(
                f"{r['country']}'s aid to Ukraine, {year} (% of GDP), against the allied median",
                r["aid_pct_gdp"] or 0.0,
                aid_median,
                NEAR_MEDIAN,
                "%",
            )
            for r in low.iter_rows(named=True)
            if has_aid and aid_median is not None
        ],
        method="spending, personnel" + (", aid to Ukraine" if has_aid else ""),
        context_notes=notes,
    )


CLAIM = base.Claim(
    id="C16",
    paragraphs=(16,),
    statement="Alliances suffer when some members fail to carry their share of the load.",
    kind=base.EMPIRICAL,
    queries=("burden", "security_burden", "personnel"),
    thresholds={"MOST": MOST, "SOME": SOME},
    rule="NATO figures, latest year: of the allies below 2 % of GDP on defence, the share that "
    "are also below the allied median on personnel per 1,000 people and, from 2022 when Kiel's "
    "tracker starts, on aid to Ukraine (% of GDP). Supported at one in two or more, Partly "
    "supported from one in three, Not supported below.",
    judge=judge,
    specs=(
        base.Spec(
            "at-median",
            "an ally exactly at the aid median counted as lagging (at or below, not below)",
            {"at_median_lags": True},
        ),
        base.Spec(
            "period-mean",
            "aid averaged over every tracker year to the latest, not the latest year alone",
            {"aid_period_mean": True},
        ),
    ),
    explore="burden",
    changed=("New (skipped before): aid to Ukraine (Kiel) and personnel beside spending."),
)
