"""Burden sharing: the heatmap, burden against benefit, the fair-share gap, NATO's guidelines,
equipment's share and spending per head, each with its finding title.
"""

from __future__ import annotations

import polars as pl

from app import charts
from app.charts import Chart
from app.views import common
from core.catalogue import guidelines, sources
from ledger import words


def burden_heatmap(frame: pl.DataFrame) -> Chart:
    """burden: ally × year, coloured by published ME / GDP."""
    data = frame.filter(pl.col("country").is_not_null()) if "country" in frame.columns else frame
    latest = (
        data.drop_nulls("burden_pct")
        .sort("year")
        .group_by("country", maintain_order=True)
        .agg(pl.col("burden_pct").last())
        .sort("burden_pct", descending=True)
    )
    order = latest["country"].to_list() + sorted(
        set(data["country"].to_list()) - set(latest["country"].to_list())
    )
    return charts.heatmap(
        data,
        x="year",
        y="country",
        z="burden_pct",
        title=(
            _heat_finding(data),
            f"Defence spending, % of GDP, {common.group(frame)}{common.figures(frame)}; "
            "highest in the latest year first; * estimate",
        ),
        x_label="year",
        y_label="",
        z_label="% of GDP",
        estimate="is_estimate",
        row_order=order,
        zmax=charts.nice_max(data["burden_pct"].to_list()) if data.height else None,
    )


def _heat_finding(data: pl.DataFrame) -> str:
    latest = (
        common.latest_year(data.drop_nulls("burden_pct")) if "burden_pct" in data.columns else data
    )
    if latest.is_empty():
        return "Defence burden by member and year"
    top = latest.sort("burden_pct", descending=True).row(0, named=True)
    return (
        f"{top['country']} spent the most in {top['year']}: "
        + words.pct(top["burden_pct"], 2)
        + " of GDP"
    )


def burden_vs_benefit(frame: pl.DataFrame) -> Chart:
    """burden_sharing (one year): share of the group's ME against share of its GDP."""
    return charts.scatter(
        frame,
        x="gdp_share_pct",
        y="burden_share_pct",
        label="country",
        title=(
            _benefit_finding(frame),
            f"Share of the grouping's defence spending vs share of its GDP, {common.group(frame)}, "
            f"{common.years(frame)}{common.figures(frame)}; log scales",
        ),
        x_label="share of GDP (%)",
        y_label="share of spending (%)",
        log_x=True,
        log_y=True,
        diagonal=True,
        estimate="is_estimate",
        extra=["year", "burden_to_benefit_ratio"],
    )


def _benefit_finding(frame: pl.DataFrame) -> str:
    if "burden_to_benefit_ratio" not in frame.columns or frame.is_empty():
        return "Spending share against GDP share"
    n = frame["burden_to_benefit_ratio"].drop_nulls().len()
    above = common.count(frame, pl.col("burden_to_benefit_ratio") > 1)
    return f"{above} of {n} members pay a larger share than their share of GDP"


def fair_share_gap(frame: pl.DataFrame) -> Chart:
    """burden_sharing (one year): ME − fair share, US$ bn."""
    data = frame
    if "gap_usd_m" in frame.columns:
        data = frame.with_columns((pl.col("gap_usd_m") / 1000).alias("gap_usd_bn"))
    return charts.bars(
        data,
        category="country",
        value="gap_usd_bn",
        title=(
            _gap_finding(data),
            f"Spending above (+) or below (−) the fair share, {common.group(frame)}, "
            f"{common.years(frame)}{common.figures(frame)}; US$ bn, current prices",
        ),
        value_label="US$ bn",
        signed=True,
        estimate="is_estimate",
        extra=["year", "me_current_usd_m", "fair_share_usd_m"],
    )


def _gap_finding(data: pl.DataFrame) -> str:
    if "gap_usd_bn" not in data.columns or data["gap_usd_bn"].drop_nulls().is_empty():
        return "Spending against the fair share"
    top = data.drop_nulls("gap_usd_bn").sort("gap_usd_bn", descending=True).row(0, named=True)
    return f"{top['country']} spends US$ {top['gap_usd_bn']:,.0f} bn more than its fair share"


GUIDELINE_SERIES = {
    "n_at_or_above_2pct": "at or above 2 % of GDP",
    "n_at_or_above_20pct_equipment": "at or above 20 % on major equipment",
    "n_at_or_above_3_5pct": "at or above 3.5 % of GDP (Hague 2025 core)",
    "n_meeting_2pct_and_20pct": "meeting both 2 % and 20 %",
    "n_allies_with_data": "allies with a figure",
}


def guideline_compliance(frame: pl.DataFrame) -> Chart:
    """guideline_counts: allies meeting each NATO guideline, per year."""
    data = common.long(frame, ["year", "any_estimate"], GUIDELINE_SERIES).drop_nulls("value")
    return charts.lines(
        data,
        x="year",
        y="value",
        series="measure",
        title=(
            _guideline_finding(frame),
            f"NATO allies meeting each spending guideline, "
            f"{common.years(frame)}{common.figures(frame)}",
        ),
        x_label="year",
        y_label="allies",
        estimate="any_estimate",
        dashed=["allies with a figure"],
    )


def _guideline_finding(frame: pl.DataFrame) -> str:
    cols = {"year", "n_at_or_above_2pct", "n_allies_with_data"}
    if not cols <= set(frame.columns) or frame.is_empty():
        return "Allies meeting NATO's spending guidelines"
    row = common.latest_year(frame).row(0, named=True)
    return (
        f"{row['n_at_or_above_2pct']} of {row['n_allies_with_data']} allies spent 2 % of GDP "
        f"or more in {row['year']}"
    )


BELOW = "below_2pct"  # the flag guideline_shortfall's chart colours by
LINE = guidelines.TWO_PERCENT.value


def _flag_below(frame: pl.DataFrame) -> pl.DataFrame:
    if "burden_pct" not in frame.columns:
        return frame
    return frame.with_columns((pl.col("burden_pct") < LINE).alias(BELOW))


def guideline_shortfall(frame: pl.DataFrame) -> Chart:
    """guideline_shortfall (one year): each ally's burden against 2 % and 3.5 %, the allies
    below 2 % in a colour of their own."""
    return charts.bars(
        _flag_below(frame),
        category="country",
        value="burden_pct",
        title=(
            _below_finding(frame),
            f"Defence expenditure, % of GDP, {common.years(frame)}{common.figures(frame)}",
        ),
        value_label="% of GDP",
        estimate="is_estimate",
        guides=common.BURDEN_GUIDES,
        flag=BELOW,
        flag_names=(f"below {LINE:g} %", f"{LINE:g} % or more"),
        extra=["year", "equipment_share_pct", "meets_2pct", "meets_20pct_equipment"],
    )


LAGGARD_COLUMNS = ["country", "burden_pct", "short_of_2pct_pp", "shortfall_2pct_usd_m"]


def laggards(frame: pl.DataFrame) -> pl.DataFrame:
    """guideline_shortfall (one year): the allies below 2 % of GDP, lowest first, with how many
    points and US$ m they fall short by, and whether the figure is an estimate."""
    if not {"country", "burden_pct"} <= set(frame.columns):
        return pl.DataFrame()
    below = frame.drop_nulls("burden_pct").filter(pl.col("burden_pct") < LINE)
    below = below.with_columns((LINE - pl.col("burden_pct")).alias("short_of_2pct_pp"))
    keep = [c for c in [*LAGGARD_COLUMNS, "is_estimate"] if c in below.columns]
    return below.sort("burden_pct").select(keep)


def laggards_sentence(frame: pl.DataFrame) -> str:
    """'In 2024, 8 of 31 allies spent less than 2 % of GDP on defence (NATO figures): Spain,
    ... and Croatia.' (lowest first); '' without figures."""
    if "burden_pct" not in frame.columns or frame["burden_pct"].drop_nulls().is_empty():
        return ""
    n = frame["burden_pct"].drop_nulls().len()
    below = laggards(frame)
    year, figures = common.years(frame), common.figures(frame)
    if below.is_empty():
        return f"In {year}, all {n} allies with a figure spent {LINE:g} % of GDP or more{figures}."
    who = words.names(below["country"].to_list())
    return (
        f"In {year}, {below.height} of {n} allies spent less than {LINE:g} % of GDP on "
        f"defence{figures}: {who} (lowest first)."
    )


def _below_finding(frame: pl.DataFrame) -> str:
    if "burden_pct" not in frame.columns or frame["burden_pct"].drop_nulls().is_empty():
        return "Defence burden of each ally"
    n = frame["burden_pct"].drop_nulls().len()
    below = common.count(frame, pl.col("burden_pct") < 2.0)
    return f"{below} of {n} allies spent less than 2 % of GDP"


def equipment_share(frame: pl.DataFrame) -> Chart:
    """guideline_shortfall (one year, NATO): equipment share against the 20 % guideline."""
    return charts.bars(
        frame,
        category="country",
        value="equipment_share_pct",
        title=(
            _equipment_finding(frame),
            f"Major equipment, % of defence expenditure, "
            f"{common.years(frame)}{common.figures(frame)}",
        ),
        value_label="% of defence spending",
        estimate="is_estimate",
        guides=[guidelines.line(guidelines.EQUIPMENT)],
        extra=["year"],
    )


def _equipment_finding(frame: pl.DataFrame) -> str:
    col = "equipment_share_pct"
    if col not in frame.columns or frame[col].drop_nulls().is_empty():
        return "Share of defence spending on major equipment"
    n = frame[col].drop_nulls().len()
    line = guidelines.EQUIPMENT.value
    meet = common.count(frame, pl.col(col) >= line)
    return f"{meet} of {n} allies spend {line:g} % or more on equipment"


PER_HEAD = "me_per_capita_current_usd"


def population_words(frame: pl.DataFrame) -> str:
    """Whose figures the per-head values are, from the frame's source."""
    found = sources.get(common.first(frame, "source", ""))
    return (found and found.per_head) or "each source's own population"


def per_head(frame: pl.DataFrame) -> Chart:
    """burden (one year): defence spending per inhabitant of each member, US$ at current prices
    and exchange rates, on one source's own figures (defence_panel: never another's
    population)."""
    return charts.bars(
        frame,
        category="country",
        value=PER_HEAD,
        title=(
            per_head_finding(frame),
            f"Defence spending per head, US$ at current prices and exchange rates, "
            f"{common.group(frame)}, {common.years(frame)}{common.figures(frame)}; "
            f"{population_words(frame)}",
        ),
        value_label="US$ per head, current prices",
        estimate="is_estimate",
        extra=["year", "me_per_capita_constant_usd", "price_base_year", "burden_pct"],
    )


def per_head_finding(frame: pl.DataFrame) -> str:
    if PER_HEAD not in frame.columns or frame[PER_HEAD].drop_nulls().is_empty():
        return "Defence spending per head"
    rows = frame.drop_nulls(PER_HEAD).sort(PER_HEAD, descending=True)
    top, low = rows.row(0, named=True), rows.row(-1, named=True)
    if rows.height == 1:
        return f"{top['country']} spends US$ {top[PER_HEAD]:,.0f} a head on defence"
    times = top[PER_HEAD] / low[PER_HEAD] if low[PER_HEAD] else None
    ratio = f", {times:,.0f} times {low['country']}'s" if times and times >= 2 else ""
    return f"{top['country']} spends the most per head: US$ {top[PER_HEAD]:,.0f}{ratio}"
