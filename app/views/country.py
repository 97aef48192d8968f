"""Country profile: one country's series across sources, its rank among the allies, and the
gaps between sources.
"""

from __future__ import annotations

import polars as pl

from app import charts
from app.charts import Chart
from app.views import common
from core.catalogue import sources
from ledger import words


def names(countries: pl.DataFrame) -> dict[str, str]:
    """{iso3: name} from the `countries` look-up: every country in any tracked grouping."""
    if countries.is_empty():
        return {}
    return dict(zip(countries["iso3"].to_list(), countries["name"].to_list(), strict=True))


def groupings(memberships: pl.DataFrame, known: list[str]) -> list[str]:
    """The grouping codes a country has ever belonged to (`memberships_of`), NATO first, kept
    to those the burden indicator can rank (`known`, its alliance choices)."""
    codes = [] if memberships.is_empty() else list(dict.fromkeys(memberships["alliance"]))
    if "NATO" in codes:
        codes = ["NATO", *(c for c in codes if c != "NATO")]
    allowed = set(known) or set(codes)
    return [c for c in codes if c in allowed]


def country_series(frame: pl.DataFrame, country: str, iso3: str | None = None) -> Chart:
    """series_of: one country's burden on each source's definition; the plotted data (the
    download) name the country and its ISO3 code on every row."""
    named = frame.with_columns(iso3=pl.lit(iso3, pl.String), country=pl.lit(country, pl.String))
    return charts.lines(
        named,
        x="year",
        y="share_gdp_pct",
        series="source",
        title=(
            f"{country}: {_series_finding(frame)}",
            "Defence expenditure as a share of GDP, SIPRI, NATO and World Bank (definitions "
            "differ)",
        ),
        x_label="year",
        y_label="% of GDP",  # the subtitle says the definitions differ
        estimate="is_estimate",
        guides=[common.TWO_PERCENT],
        dashed=[sources.short("worldbank")],
        extra=["iso3", "country"],
    )


def _series_finding(frame: pl.DataFrame) -> str:
    """'4.12 % of GDP in 2024 on NATO's figures, up from 1.85 % in 2014' (NATO's figures first,
    else SIPRI's, else the World Bank's; the change since 2014 when the source has that year)."""
    if not {"source", "year", "share_gdp_pct"} <= set(frame.columns):
        return "defence spending as a share of GDP"
    for source in map(sources.short, ("nato", "sipri", "worldbank")):  # as series_of names them
        rows = frame.filter(pl.col("source") == source).drop_nulls("share_gdp_pct").sort("year")
        if rows.height:
            last = rows.row(-1, named=True)
            text = f"{words.pct(last['share_gdp_pct'], 2)} of GDP in {last['year']} ({source})"
            base = rows.filter(pl.col("year") == 2014)
            if base.height and last["year"] > 2014:
                then = base["share_gdp_pct"][0]
                side = "up" if last["share_gdp_pct"] >= then else "down"
                text += f", {side} from {words.pct(then, 2)} in 2014"
            return text
    return "no source publishes a defence share of GDP"


def country_rank(frame: pl.DataFrame, iso3: str) -> Chart:
    """burden (one year): all allies' burden, the chosen country highlighted."""
    return charts.bars(
        frame,
        category="country",
        value="burden_pct",
        title=(
            _rank_finding(frame, iso3),
            f"Defence spending, % of GDP, members of {common.group(frame)}, {common.years(frame)}"
            f"{common.figures(frame)}",
        ),
        value_label="defence expenditure (% of GDP)",
        highlight=iso3,
        highlight_column="iso3",
        estimate="is_estimate",
        guides=[common.TWO_PERCENT],
        extra=["year"],
    )


def _rank_finding(frame: pl.DataFrame, iso3: str) -> str:
    """'Poland ranks 1st of 32 members of NATO in 2024'."""
    if not {"iso3", "burden_pct", "country"} <= set(frame.columns):
        return "Rank among the grouping's members"
    rows = frame.drop_nulls("burden_pct").sort("burden_pct", descending=True)
    codes = rows["iso3"].to_list()
    if iso3 not in codes:
        return f"Rank among the members of {common.group(frame)}"
    k = codes.index(iso3) + 1
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    name = rows.row(k - 1, named=True)["country"]
    return (
        f"{name} ranks {k}{suffix} of {len(codes)} members of {common.group(frame)} "
        f"in {common.years(rows)}"
    )


def us_forces_here(forces: pl.DataFrame, iso3: str, country: str) -> tuple[str, str] | None:
    """The "US forces stationed here" figure from `us_forces`: the active-duty count assigned
    to the country, and a line with everyone DMDC counts there and the report's date. None when
    DMDC lists no US personnel there (the United States itself, most non-hosts)."""
    if not {"iso3", "active_duty", "total", "as_of"} <= set(forces.columns):
        return None
    rows = forces.filter(pl.col("iso3") == iso3)
    if rows.is_empty():
        return None
    r = rows.row(0, named=True)
    when = f"{r['as_of'].day} {r['as_of']:%B %Y}"
    return (
        f"{r['active_duty']:,}",
        f"Active-duty US military personnel assigned to {country} on {when} (DMDC); "
        f"{r['total']:,} with National Guard and reserve personnel and DoD civilians.",
    )


def cross_source_gaps(frame: pl.DataFrame) -> Chart:
    """cross_source: per ally, the mean gap between SIPRI's and NATO's burden over the years
    both publish (the World Bank republishes SIPRI's share, so it adds no third view)."""
    data = frame
    if {"country", "sipri_pct", "nato_pct"} <= set(frame.columns):
        data = (
            frame.drop_nulls(["sipri_pct", "nato_pct"])
            .with_columns((pl.col("sipri_pct") - pl.col("nato_pct")).alias("diff"))
            .group_by("country")
            .agg(
                pl.col("diff").abs().mean().alias("mean_abs_gap_pp"),
                pl.col("diff").mean().alias("mean_sipri_minus_nato_pp"),
                pl.col("year").min().alias("from_year"),
                pl.col("year").max().alias("to_year"),
                pl.len().alias("years"),
            )
        )
    return charts.bars(
        data,
        category="country",
        value="mean_abs_gap_pp",
        title="How far SIPRI's and NATO's figures for each ally's burden differ",
        value_label="mean absolute gap, SIPRI vs NATO (percentage points of GDP)",
        extra=["mean_sipri_minus_nato_pp", "from_year", "to_year", "years"],
    )
