"""The burden map: share of GDP, per head, change since 2014 or NATO's guideline bands; and
the map of US forces assigned to each host country (DMDC)."""

from __future__ import annotations

import polars as pl

from app import charts
from app.charts import Chart
from app.views import burden, common
from core.catalogue import guidelines
from ledger import words

MAP_MEASURES = {
    "burden": "Share of GDP",
    "per_head": "Per head",
    "change": "Change since 2014",
    "guidelines": "NATO guidelines",
    "us_forces": "US forces stationed",
}
MAP_REGIONS = {"atlantic": "Europe and North America", "world": "The world (SIPRI)"}
_LOW, _HIGH = guidelines.TWO_PERCENT.value, guidelines.HAGUE_CORE.value
GUIDELINE_BANDS = (f"below {_LOW:g} %", f"{_LOW:g} % to {_HIGH:g} %", f"{_HIGH:g} % or more")
# Active-duty head counts run from 1 to 54,288 (Japan): bands of tenfold steps show the
# handful of large garrisons and the many embassy-sized posts alike; hover gives the count.
FORCE_BANDS = ("fewer than 100", "100 to 999", "1,000 to 9,999", "10,000 or more")


def _with_change(frame: pl.DataFrame, base: int = 2014) -> pl.DataFrame:
    """One year's rows with change_since_base_pp, from a frame holding every year."""
    if "change_since_base_pp" in frame.columns or not {"iso3", "year"} <= set(frame.columns):
        return frame
    first = frame.filter(pl.col("year") == base).select(
        "iso3", pl.col("burden_pct").alias("base_pct")
    )
    return frame.join(first, on="iso3", how="left").with_columns(
        (pl.col("burden_pct") - pl.col("base_pct")).alias("change_since_base_pp")
    )


def burden_map(
    frame: pl.DataFrame, year: int | None, measure: str = "burden", region: str = "atlantic"
) -> Chart:
    """burden (every year, one grouping) or world_burden (one year): a map of the burden, its
    change since 2014, or which NATO line it reaches."""
    data = _with_change(frame)
    if year is not None and "year" in data.columns:
        data = data.filter(pl.col("year") == year)
    data = data.drop_nulls("burden_pct") if "burden_pct" in data.columns else data
    where = "the world" if region == "world" else common.group(frame) or "the grouping"
    src = common.figures(frame)
    if measure == "change":
        rows = data.drop_nulls("change_since_base_pp") if data.height else data
        up = common.count(rows, pl.col("change_since_base_pp") > 0)
        return charts.choropleth(
            rows,
            location="iso3",
            value="change_since_base_pp",
            label="country",
            title=(
                f"{up} of {rows.height} spend a larger share of GDP than in 2014",
                f"Change in defence spending as % of GDP, 2014 to {year}, {where}{src}",
            ),
            colour_label="percentage points of GDP",
            region=region,
            midpoint=0.0,
            extra=["year", "burden_pct"],
        )
    if measure == "per_head":
        rows = data.drop_nulls(burden.PER_HEAD) if burden.PER_HEAD in data.columns else data.clear()
        return charts.choropleth(
            rows,
            location="iso3",
            value=burden.PER_HEAD,
            label="country",
            title=(
                burden.per_head_finding(rows),
                f"Defence spending per head, US$ at current prices, {year}, {where}{src}; "
                f"{burden.population_words(frame)}",
            ),
            colour_label="US$ per head",
            region=region,
            extra=["year", "burden_pct", "me_per_capita_constant_usd", "price_base_year"],
        )
    if measure == "guidelines":
        bands = data.with_columns(
            pl.when(pl.col("burden_pct") >= guidelines.HAGUE_CORE.value)
            .then(2)
            .when(pl.col("burden_pct") >= guidelines.TWO_PERCENT.value)
            .then(1)
            .otherwise(0)
            .alias("guideline_band")
        )
        reach = common.count(bands, pl.col("guideline_band") >= 1)
        return charts.choropleth(
            bands,
            location="iso3",
            value="guideline_band",
            label="country",
            title=(
                f"{reach} of {bands.height} reach NATO's 2 % line in {year}",
                f"Defence spending against NATO's 2 % and 3.5 % lines, {where}{src}",
            ),
            colour_label="defence spending, % of GDP",
            region=region,
            categories=GUIDELINE_BANDS,
            extra=["year", "burden_pct"],
        )
    top = data.sort("burden_pct", descending=True).row(0, named=True) if data.height else None
    return charts.choropleth(
        data,
        location="iso3",
        value="burden_pct",
        label="country",
        title=(
            f"{top['country']} spends the largest share: {words.pct(top['burden_pct'], 1)} of GDP"
            if top
            else "Defence burden",
            f"Defence spending as % of GDP, {year}, {where}{src}",
        ),
        colour_label="% of GDP",
        region=region,
        extra=["year", "is_estimate"],
    )


def us_forces_map(frame: pl.DataFrame, region: str = "atlantic") -> Chart:
    """us_forces: active-duty US military personnel assigned to each host country, in bands."""
    data = frame.drop_nulls("active_duty") if "active_duty" in frame.columns else frame
    if data.height:
        data = data.with_columns(
            pl.when(pl.col("active_duty") >= 10_000)
            .then(3)
            .when(pl.col("active_duty") >= 1_000)
            .then(2)
            .when(pl.col("active_duty") >= 100)
            .then(1)
            .otherwise(0)
            .alias("band"),
            pl.Series(
                "assigned",
                [
                    f"{a:,} on active duty ({t:,} with reserve and civilians)"
                    for a, t in zip(data["active_duty"], data["total"], strict=True)
                ],
                pl.String,
            ),
        )
    top = data.sort("active_duty", descending=True).row(0, named=True) if data.height else None
    when = f"{top['as_of'].day} {top['as_of']:%B %Y}" if top else ""
    return charts.choropleth(
        data,
        location="iso3",
        value="band",
        label="country",
        title=(
            f"{top['country']} hosts the most: {top['active_duty']:,} US troops assigned "
            f"on active duty"
            if top
            else "US forces stationed abroad",
            f"Active-duty US military personnel assigned to each host country, {when}; "
            "rotational deployments not included",
        ),
        colour_label="active-duty US personnel assigned",
        region=region,
        categories=FORCE_BANDS,
        extra=["active_duty", "guard_reserve", "civilian", "total", "as_of"],
        hover="assigned",
    )
