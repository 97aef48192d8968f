"""One function per indicator view: which columns of a query's frame a figure plots, with what
title and units. Plain functions of Polars frames (tested without Streamlit); the generic
drawing lives in app.charts.

`FOR_QUERY` maps a query name to its default view, so a claim that names its chart by query
(etl.claims) gets the same figure as the page that explores it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from app import charts, intervals
from app.charts import Chart

SOURCE_NAMES = {"nato": "NATO", "sipri": "SIPRI", "wb": "World Bank"}
GROUPING_NAMES = {
    "NATO": "NATO",
    "NATO_EUROPE_CANADA": "NATO Europe and Canada",
    "JEF": "JEF",
    "B9": "Bucharest Nine",
    "NORDEFCO": "NORDEFCO",
    "WEIMAR": "Weimar Triangle",
    "UK-PL-UA": "UK–Poland–Ukraine",
    "WARSAW": "Warsaw Pact",
    "EU": "EU",
}
GUIDE_2 = (2.0, "2 % guideline")
GUIDE_35 = (3.5, "Hague 2025: 3.5 % core")
GUIDE_25 = (2.5, "2.5 %")


def _first(frame: pl.DataFrame, column: str, default=None):
    if column in frame.columns and frame.height:
        values = frame[column].drop_nulls()
        if values.len():
            return values[0]
    return default


def _source(frame: pl.DataFrame) -> str:
    return SOURCE_NAMES.get(_first(frame, "source", ""), "")


def _figures(frame: pl.DataFrame) -> str:
    s = _source(frame)
    return f" ({s} figures)" if s else ""


def _group(frame: pl.DataFrame) -> str:
    code = _first(frame, "alliance", "")
    return GROUPING_NAMES.get(code, code)


def _years(frame: pl.DataFrame) -> str:
    if "year" not in frame.columns or frame["year"].drop_nulls().is_empty():
        return ""
    lo, hi = frame["year"].min(), frame["year"].max()
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def _pct(value: float | None, digits: int = 1) -> str:
    """'65.6 %' (numbers for reading)."""
    return "—" if value is None else f"{value:,.{digits}f} %"


def _count(frame: pl.DataFrame, flag: pl.Expr) -> int:
    return int(frame.select(flag.fill_null(False).sum()).item()) if frame.height else 0


def _latest_year(frame: pl.DataFrame) -> pl.DataFrame:
    if "year" not in frame.columns or frame.is_empty():
        return frame
    return frame.filter(pl.col("year") == frame["year"].max())


def _latest_row(frame: pl.DataFrame, *columns: str) -> dict | None:
    """The first row of the latest year in which every column has a value (None if none)."""
    cols = ["year", *columns]
    if not set(cols) <= set(frame.columns):
        return None
    known = frame.drop_nulls(cols)
    return None if known.is_empty() else _latest_year(known).row(0, named=True)


def _top_latest(frame: pl.DataFrame, column: str, by: str = "country") -> dict | None:
    """The row with the largest `column` in the latest year that has one (None if none)."""
    if not {column, by} <= set(frame.columns):
        return None
    rows = _latest_year(frame.drop_nulls(column))
    return rows.sort(column, descending=True).row(0, named=True) if rows.height else None


def _change(frame: pl.DataFrame, column: str, by: str = "country") -> pl.DataFrame:
    """Per `by`: the first and latest year with a `column` value, the values and their ratio."""
    if not {column, by, "year"} <= set(frame.columns):
        return pl.DataFrame()
    return (
        frame.drop_nulls(column)
        .sort("year")
        .group_by(by, maintain_order=True)
        .agg(
            pl.col("year").first().alias("from_year"),
            pl.col("year").last().alias("to_year"),
            pl.col(column).first().alias("first"),
            pl.col(column).last().alias("last"),
        )
        .filter((pl.col("to_year") > pl.col("from_year")) & (pl.col("first") > 0))
        .with_columns((pl.col("last") / pl.col("first")).alias("ratio"))
        .sort("ratio", descending=True)
    )


def _times(ratio: float) -> str:
    """2.4 -> '2.4 times', 0.8 -> 'down 20 %'."""
    if ratio >= 1.5:
        return f"{ratio:,.1f} times"
    change = 100 * (ratio - 1)
    return f"{'up' if change >= 0 else 'down'} {abs(change):.0f} %"


def _long(frame: pl.DataFrame, index: list[str], values: dict[str, str]) -> pl.DataFrame:
    """Wide → long with readable series names ({column: series label})."""
    cols = [c for c in values if c in frame.columns]
    idx = [c for c in index if c in frame.columns]
    if not cols:
        return pl.DataFrame()
    return (
        frame.select([*idx, *cols])
        .unpivot(index=idx, on=cols, variable_name="measure", value_name="value")
        .with_columns(pl.col("measure").replace_strict(values, return_dtype=pl.String))
    )


# --------------------------------------------------------------------------- burden sharing


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
            f"Defence spending, % of GDP, {_group(frame)}{_figures(frame)}; "
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
    latest = _latest_year(data.drop_nulls("burden_pct")) if "burden_pct" in data.columns else data
    if latest.is_empty():
        return "Defence burden by member and year"
    top = latest.sort("burden_pct", descending=True).row(0, named=True)
    return f"{top['country']} spent the most in {top['year']}: {_pct(top['burden_pct'], 2)} of GDP"


def burden_vs_benefit(frame: pl.DataFrame) -> Chart:
    """burden_sharing (one year): share of the group's ME against share of its GDP."""
    return charts.scatter(
        frame,
        x="gdp_share_pct",
        y="burden_share_pct",
        label="country",
        title=(
            _benefit_finding(frame),
            f"Share of the grouping's defence spending vs share of its GDP, {_group(frame)}, "
            f"{_years(frame)}{_figures(frame)}; log scales",
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
    above = _count(frame, pl.col("burden_to_benefit_ratio") > 1)
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
            f"Spending above (+) or below (−) the fair share, {_group(frame)}, "
            f"{_years(frame)}{_figures(frame)}; US$ bn, current prices",
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
    data = _long(frame, ["year", "any_estimate"], GUIDELINE_SERIES).drop_nulls("value")
    return charts.lines(
        data,
        x="year",
        y="value",
        series="measure",
        title=(
            _guideline_finding(frame),
            f"NATO allies meeting each spending guideline, {_years(frame)}{_figures(frame)}",
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
    row = _latest_year(frame).row(0, named=True)
    return (
        f"{row['n_at_or_above_2pct']} of {row['n_allies_with_data']} allies spent 2 % of GDP "
        f"or more in {row['year']}"
    )


def guideline_shortfall(frame: pl.DataFrame) -> Chart:
    """guideline_shortfall (one year): each ally's burden against 2 % and 3.5 %."""
    return charts.bars(
        frame,
        category="country",
        value="burden_pct",
        title=(
            _below_finding(frame),
            f"Defence expenditure, % of GDP, {_years(frame)}{_figures(frame)}",
        ),
        value_label="% of GDP",
        estimate="is_estimate",
        guides=[GUIDE_2, GUIDE_35],
        extra=["year", "equipment_share_pct", "meets_2pct", "meets_20pct_equipment"],
    )


def _below_finding(frame: pl.DataFrame) -> str:
    if "burden_pct" not in frame.columns or frame["burden_pct"].drop_nulls().is_empty():
        return "Defence burden of each ally"
    n = frame["burden_pct"].drop_nulls().len()
    below = _count(frame, pl.col("burden_pct") < 2.0)
    return f"{below} of {n} allies spent less than 2 % of GDP"


def equipment_share(frame: pl.DataFrame) -> Chart:
    """guideline_shortfall (one year, NATO): equipment share against the 20 % guideline."""
    return charts.bars(
        frame,
        category="country",
        value="equipment_share_pct",
        title=(
            _equipment_finding(frame),
            f"Major equipment, % of defence expenditure, {_years(frame)}{_figures(frame)}",
        ),
        value_label="% of defence spending",
        estimate="is_estimate",
        guides=[(20.0, "20 % guideline")],
        extra=["year"],
    )


def _equipment_finding(frame: pl.DataFrame) -> str:
    col = "equipment_share_pct"
    if col not in frame.columns or frame[col].drop_nulls().is_empty():
        return "Share of defence spending on major equipment"
    n = frame[col].drop_nulls().len()
    return f"{_count(frame, pl.col(col) >= 20.0)} of {n} allies spend 20 % or more on equipment"


PER_HEAD = "me_per_capita_current_usd"


def _population_words(frame: pl.DataFrame) -> str:
    """Whose figures the per-head values are, from the frame's source."""
    return {
        "nato": "population implied by NATO's tables",
        "sipri": "SIPRI's own per-capita figures",
    }.get(_first(frame, "source", ""), "each source's own population")


def per_head(frame: pl.DataFrame) -> Chart:
    """burden (one year): defence spending per inhabitant of each member, US$ at current prices
    and exchange rates, on one source's own figures (defence_panel: never another's
    population)."""
    return charts.bars(
        frame,
        category="country",
        value=PER_HEAD,
        title=(
            _per_head_finding(frame),
            f"Defence spending per head, US$ at current prices and exchange rates, "
            f"{_group(frame)}, {_years(frame)}{_figures(frame)}; {_population_words(frame)}",
        ),
        value_label="US$ per head, current prices",
        estimate="is_estimate",
        extra=["year", "me_per_capita_constant_usd", "price_base_year", "burden_pct"],
    )


def _per_head_finding(frame: pl.DataFrame) -> str:
    if PER_HEAD not in frame.columns or frame[PER_HEAD].drop_nulls().is_empty():
        return "Defence spending per head"
    rows = frame.drop_nulls(PER_HEAD).sort(PER_HEAD, descending=True)
    top, low = rows.row(0, named=True), rows.row(-1, named=True)
    if rows.height == 1:
        return f"{top['country']} spends US$ {top[PER_HEAD]:,.0f} a head on defence"
    times = top[PER_HEAD] / low[PER_HEAD] if low[PER_HEAD] else None
    ratio = f", {times:,.0f} times {low['country']}'s" if times and times >= 2 else ""
    return f"{top['country']} spends the most per head: US$ {top[PER_HEAD]:,.0f}{ratio}"


# --------------------------------------------------------------------------- free riding


def association(rho: float | None, lo: float | None, hi: float | None) -> str:
    """Plain words for a rank correlation of economic size and burden, from its interval (the
    runner's rho_lo, rho_hi)."""
    if rho is None:
        return "No test for this selection"
    if intervals.spans_zero(lo, hi):
        return "No clear link between economic size and defence burden"
    if rho > 0:
        return "Larger economies carry heavier defence burdens"
    return "Smaller economies carry heavier defence burdens"


def partial_association(rho: float | None, lo: float | None, hi: float | None) -> str:
    """The same words for the partial correlation, income per head held constant."""
    if rho is None:
        return "With income per head held constant: no test for this selection"
    if intervals.spans_zero(lo, hi):
        return "With income per head held constant, no clear link remains"
    side = "larger" if rho > 0 else "smaller"
    return f"With income per head held constant, {side} economies still carry heavier burdens"


def rank_text(rho: float | None, lo: float | None, hi: float | None, p: float | None = None) -> str:
    """'rank correlation 0.12 (95 % interval −0.24 to 0.45, spans zero; p = 0.513)'."""
    if rho is None:
        return ""
    span = intervals.interval_text(lo, hi)
    if span and intervals.spans_zero(lo, hi):
        span += ", spans zero"
    inside = "; ".join(t for t in (span, intervals.p_text(p)) if t)
    return f"rank correlation {rho:.2f}".replace("-", "−") + (f" ({inside})" if inside else "")


def statistic_line(words: str, rho, lo, hi, p=None) -> str:
    """One markdown line: the finding in bold, or in grey when its interval spans zero."""
    stat = rank_text(rho, lo, hi, p)
    tail = f" ({stat})" if stat else ""
    if rho is None or intervals.spans_zero(lo, hi):
        return f":gray[{words}{tail}.]"
    return f"**{words}**{tail}."


def test_row(frame: pl.DataFrame, year: int | None) -> dict:
    """The row of a yearly test frame for `year` ({} when there is none)."""
    if frame.is_empty() or "year" not in frame.columns:
        return {}
    rows = frame.filter(pl.col("year") == year)
    return rows.row(0, named=True) if rows.height else {}


def olson_zeckhauser(frame: pl.DataFrame, test: dict | None = None) -> Chart:
    """burden (one year): GDP (log) against ME / GDP; the finding and ρ with its interval (the
    exploitation_test row of that year, as the runner finished it) in the title."""
    test = test or {}
    data = frame
    if "gdp_current_usd_m" in frame.columns:
        data = frame.with_columns((pl.col("gdp_current_usd_m") / 1000).alias("gdp_current_usd_bn"))
    rho, lo, hi = test.get("rho"), test.get("rho_lo"), test.get("rho_hi")
    stat = rank_text(rho, lo, hi, test.get("rho_p"))
    return charts.scatter(
        data,
        x="gdp_current_usd_bn",
        y="burden_pct",
        label="country",
        title=(
            association(rho, lo, hi),
            f"GDP (log scale) and defence spending as % of GDP, {_group(frame)}, "
            f"{_years(frame)}" + (f"; {stat}" if stat else ""),
        ),
        x_label="GDP (US$ bn)",
        y_label="% of GDP",
        log_x=True,
        estimate="is_estimate",
        extra=["year"],
    )


def _with_bounds(frame: pl.DataFrame, index: list[str], values: dict[str, str]) -> pl.DataFrame:
    """Statistics wide → long, each row with its own interval: {column: series label}, the
    interval read from the runner's `{column}_lo`, `{column}_hi` (columns lo, hi)."""
    idx = [c for c in index if c in frame.columns]
    parts = [
        frame.select(
            *idx,
            pl.lit(label).alias("measure"),
            pl.col(column).alias("value"),
            *(
                (pl.col(f"{column}_{end}") if f"{column}_{end}" in frame.columns else pl.lit(None))
                .cast(pl.Float64)
                .alias(end)
                for end in ("lo", "hi")
            ),
        )
        for column, label in values.items()
        if column in frame.columns
    ]
    return pl.concat(parts) if parts else pl.DataFrame()


def rho_over_time(frame: pl.DataFrame) -> Chart:
    """exploitation_test: ρ(GDP, burden) and the partial ρ controlling for GDP per capita, each
    with its 95 % interval; a year whose interval holds zero is drawn grey."""
    data = frame
    if "n_estimates" in frame.columns:
        data = frame.with_columns((pl.col("n_estimates") > 0).alias("any_estimate"))
    long = _with_bounds(
        data, ["year", "any_estimate", "n"], {"rho": RHO_NAME, "partial_rho": PARTIAL_NAME}
    )
    long = long.drop_nulls("value") if long.height else long
    return charts.lines(
        long,
        x="year",
        y="value",
        series="measure",
        title=(
            _years_clear(data),
            f"Rank correlation of GDP and defence burden by year, {_group(frame)}"
            f"{_figures(frame)}; bands: 95 % intervals (Olson–Zeckhauser test, Spearman's ρ)",
        ),
        x_label="year",
        y_label="rank correlation",
        estimate="any_estimate",
        guides=[(0.0, "no link")],
        dashed=[PARTIAL_NAME],
        y_range=(-1, 1),
        extra=["n"],
        band=("lo", "hi"),
    )


RHO_NAME = "size and burden"
PARTIAL_NAME = "same, income per head held constant"


def clear_count(frame: pl.DataFrame, column: str) -> tuple[int, int]:
    """(rows whose interval of `column` excludes zero, rows with a `column` value)."""
    lo, hi = f"{column}_lo", f"{column}_hi"
    if not {column, lo, hi} <= set(frame.columns) or frame.is_empty():
        return 0, 0
    rows = frame.drop_nulls(column)
    flags = [not intervals.spans_zero(a, b) for a, b in rows.select(lo, hi).iter_rows()]
    return sum(flags), len(flags)


def _years_clear(data: pl.DataFrame) -> str:
    """'A clear link in 2 of 11 years' from the runner's intervals."""
    clear, years = clear_count(data, "rho")
    if not years:
        return "Economic size and defence burden over time"
    if not clear:
        return f"No clear link between size and burden in any of {years} years"
    return f"A clear link between size and burden in {clear} of {years} years"


CONCORDANCE_VARIANTS = {
    "gdp": "b − y (GDP)",
    "gdp_population": "b − (y + n)/2 (GDP and population)",
}


def concordance(frame: pl.DataFrame) -> Chart:
    """concordance_test: by year and benefit measure, the typical difference d between a
    member's share of the spending and its benefit share (the Hodges–Lehmann estimate of the
    shift the Wilcoxon test is about) with its 95 % interval as a band; a year whose interval
    holds 0 (or has none: 5 members or fewer) is drawn grey."""
    data = frame
    if "variant" in frame.columns:
        data = frame.with_columns(
            pl.col("variant").replace_strict(
                CONCORDANCE_VARIANTS, default=pl.col("variant"), return_dtype=pl.String
            )
        )
    return charts.lines(
        data,
        x="year",
        y="hl",
        series="variant",
        title=(
            _concordance_finding(frame),
            f"Do members' spending shares match their benefit shares? {_group(frame)}"
            f"{_figures(frame)}; typical difference (Hodges–Lehmann), band: 95 % interval, "
            "grey: interval holds 0 (Wilcoxon signed-rank)",
        ),
        x_label="year",
        y_label="typical d (percentage points)",
        guides=[(0.0, "shares match")],
        extra=["n", "n_positive", "n_negative", "w_plus", "z_ties", "p"],
        band=("hl_lo", "hl_hi"),  # charts.lines greys the years whose interval holds 0
    )


def _concordance_finding(frame: pl.DataFrame) -> str:
    if not {"hl", "hl_hi"} <= set(frame.columns) or frame.is_empty():
        return "Spending shares against benefit shares"
    gdp = frame.filter(pl.col("variant") == "gdp") if "variant" in frame.columns else frame
    years = gdp.drop_nulls("hl")
    if years.drop_nulls("hl_hi").is_empty():
        return "Too few members for an interval (5 or fewer): no clear finding"
    less = _count(years, pl.col("hl_hi") < 0)
    return (
        f"The typical member paid clearly less than its GDP share in {less} of {years.height} years"
    )


US_SERIES = {
    "us_share_me_pct": "US share of NATO defence spending",
    "us_share_gdp_pct": "US share of NATO GDP",
}


def us_share(frame: pl.DataFrame) -> Chart:
    """us_share: the US share of NATO's spending against its share of NATO's GDP."""
    data = _long(frame, ["year", "us_is_estimate"], US_SERIES).drop_nulls("value")
    return charts.lines(
        data,
        x="year",
        y="value",
        series="measure",
        title=(
            _us_finding(frame),
            f"The United States' share of NATO's defence spending and of its GDP{_figures(frame)}",
        ),
        x_label="year",
        y_label="% of the NATO total",
        estimate="us_is_estimate",
        guides=[(50.0, "50 %")],
        dashed=["US share of NATO GDP"],
    )


def _us_finding(frame: pl.DataFrame) -> str:
    row = _latest_row(frame, "us_share_me_pct", "us_share_gdp_pct")
    if row is None:
        return "The United States in NATO"
    return (
        f"In {row['year']} the US paid {_pct(row['us_share_me_pct'], 0)} of NATO's defence "
        f"spending with {_pct(row['us_share_gdp_pct'], 0)} of its GDP"
    )


def _sources_gap(frame: pl.DataFrame) -> str:
    """How far NATO's and SIPRI's US shares lie apart over the years both give."""
    if not {"source", "year", "us_share_me_pct"} <= set(frame.columns):
        return "The US share on NATO's and SIPRI's figures"
    wide = frame.drop_nulls("us_share_me_pct").pivot(
        on="source", index="year", values="us_share_me_pct", aggregate_function="first"
    )
    if not {"nato", "sipri"} <= set(wide.columns):
        return "The US share on NATO's and SIPRI's figures"
    gaps = wide.drop_nulls(["nato", "sipri"]).with_columns(
        (pl.col("nato") - pl.col("sipri")).abs().alias("gap")
    )
    if gaps.is_empty():
        return "The US share on NATO's and SIPRI's figures"
    return (
        f"NATO's and SIPRI's US shares differ by at most {gaps['gap'].max():.1f} points, "
        f"{_years(gaps)}"
    )


def us_share_both_sources(frame: pl.DataFrame) -> Chart:
    """us_share, both sources: the US share of NATO spending."""
    data = frame
    if "source" in frame.columns:
        data = frame.with_columns(
            pl.col("source").replace_strict(SOURCE_NAMES, default=pl.col("source"))
        )
    return charts.lines(
        data,
        x="year",
        y="us_share_me_pct",
        series="source",
        title=(
            _sources_gap(frame),
            "US share of the allies' defence spending, NATO and SIPRI figures",
        ),
        x_label="year",
        y_label="% of the allies' total",
        estimate="us_is_estimate",
        guides=[(50.0, "50 %")],
    )


def response_slopes(frame: pl.DataFrame) -> Chart:
    """free_riding_response: each ally's slope on US spending changes (an approximation)."""
    years = ""
    if {"first_year", "last_year"} <= set(frame.columns) and frame.height:
        years = f", changes {frame['first_year'].min()}–{frame['last_year'].max()}"
    data = frame
    clear, fitted = clear_count(frame, "slope")
    finding = (
        f"Only {clear} of {fitted} allies respond clearly to US spending"
        if clear
        else f"No ally's response to US spending is clear ({fitted} allies)"
    )
    return charts.bars(
        data,
        category="country",
        value="slope",
        title=(
            finding,
            f"How each ally's real spending moved with the US's{years}{_figures(frame)}; "
            "bars: slope, lines: 95 % interval; grey: interval spans zero",
        ),
        value_label="slope (0: no response)",
        signed=True,
        interval=("slope_lo", "slope_hi"),
        sign_names=("rose with US spending", "fell as US spending rose"),
        extra=["n", "r2", "slope_se", "slope_p"],
    )


# --------------------------------------------------------------------------- threat proximity


def threat_proximity(frame: pl.DataFrame) -> Chart:
    """threat_proximity (one year): distance of the capital to Moscow against burden."""
    return charts.scatter(
        frame,
        x="distance_to_moscow_km",
        y="burden_pct",
        label="country",
        title=f"Distance to Moscow and defence burden, {_years(frame)}{_figures(frame)}",
        x_label="great-circle distance, capital to Moscow (km)",
        y_label="defence expenditure (% of GDP)",
        estimate="is_estimate",
        extra=["year", "borders_russia_or_belarus"],
    )


def median_burden(frame: pl.DataFrame) -> Chart:
    """threat_proximity_test: the median European burden by year."""
    return charts.lines(
        frame,
        x="year",
        y="median_burden_pct",
        series=None,
        title=f"Median defence burden of the European allies{_figures(frame)}",
        x_label="year",
        y_label="median defence expenditure (% of GDP)",
        guides=[GUIDE_2],
        extra=["n_allies_with_burden", "rho"],
    )


# --------------------------------------------------------------------------- alliances


GROUPING_COLUMNS = {
    "nato": "NATO",
    "eu": "EU",
    "jef": "JEF",
    "b9": "B9",
    "nordefco": "NORDEFCO",
    "weimar": "Weimar",
    "uk_pl_ua": "UK–PL–UA",
    "warsaw": "Warsaw Pact",
}


def memberships_long(matrix: pl.DataFrame) -> pl.DataFrame:
    """overlap_matrix → one row per (country, grouping) the country belongs to."""
    cols = [c for c in GROUPING_COLUMNS if c in matrix.columns]
    if matrix.is_empty() or not cols:
        return pl.DataFrame(schema={"country": pl.String, "grouping": pl.String})
    return (
        matrix.select(["country", *cols])
        .unpivot(index="country", on=cols, variable_name="grouping", value_name="member")
        .filter(pl.col("member"))
        .with_columns(pl.col("grouping").replace_strict(GROUPING_COLUMNS))
        .select("country", "grouping")
    )


def membership_matrix(matrix: pl.DataFrame) -> Chart:
    as_of = _first(matrix, "as_of")
    return charts.membership_matrix(
        memberships_long(matrix),
        country="country",
        grouping="grouping",
        title=(_most_memberships(matrix), f"Who belongs to what, {as_of}"),
        groupings_order=list(GROUPING_COLUMNS.values()),
    )


def _names(names: list[str], most: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 2 more'."""
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _most_memberships(matrix: pl.DataFrame) -> str:
    long = memberships_long(matrix)
    if long.is_empty():
        return "Who belongs to what"
    counts = long.group_by("country").len().sort(["len", "country"], descending=[True, False])
    most = counts["len"][0]
    names = counts.filter(pl.col("len") == most)["country"].to_list()
    if len(names) == 1:
        return f"{names[0]} belongs to the most groupings: {most}"
    return f"{_names(names)} belong to the most groupings: {most} each"


def _top_combination(matrix: pl.DataFrame) -> str:
    combos = intersections(matrix)
    if combos.is_empty():
        return "Membership combinations"
    top = combos.row(0, named=True)
    return f"The most common combination is {top['combination']}: {top['countries']} countries"


def intersections(matrix: pl.DataFrame) -> pl.DataFrame:
    """overlap_matrix → exact combinations of groupings with their size and members."""
    long = memberships_long(matrix)
    if long.is_empty():
        return pl.DataFrame(
            schema={"combination": pl.String, "countries": pl.UInt32, "members": pl.String}
        )
    order = list(GROUPING_COLUMNS.values())
    return (
        long.with_columns(
            pl.col("grouping")
            .replace_strict({g: i for i, g in enumerate(order)}, return_dtype=pl.Int32)
            .alias("rank")
        )
        .sort("rank")
        .group_by("country", maintain_order=True)
        .agg(pl.col("grouping").str.join(" + ").alias("combination"))
        .group_by("combination")
        .agg(pl.len().alias("countries"), pl.col("country").sort().str.join(", ").alias("members"))
        .sort(["countries", "combination"], descending=[True, False])
    )


def upset(matrix: pl.DataFrame) -> Chart:
    as_of = _first(matrix, "as_of")
    return charts.upset(
        intersections(matrix),
        combination="combination",
        size="countries",
        members="members",
        title=(_top_combination(matrix), f"Membership combinations, {as_of}"),
    )


def membership_gantt(spells: pl.DataFrame, today: date | None = None) -> Chart:
    """membership spells: one bar per country and grouping over time."""
    data = spells
    if "alliance" in spells.columns:
        data = spells.with_columns(
            pl.col("alliance")
            .replace_strict(GROUPING_NAMES, default=pl.col("alliance"))
            .alias("grouping")
        )
    return charts.timeline(
        data,
        start="joined",
        end="departed",
        row="country",
        colour="grouping",
        title=(
            _spells_finding(data),
            "Membership of each grouping over time, one panel per grouping; open bars run to today",
        ),
        today=today or date.today(),
        extra=["date_precision"],
    )


def _spells_finding(data: pl.DataFrame) -> str:
    if not {"grouping", "country"} <= set(data.columns) or data.is_empty():
        return "Membership over time"
    sizes = data.group_by("grouping").agg(pl.col("country").n_unique().alias("n"))
    top = sizes.sort("n", descending=True).row(0, named=True)
    return f"{top['grouping']} has the most members over time: {top['n']} countries"


def _named(frame: pl.DataFrame) -> pl.DataFrame:
    """A short grouping name in alliance_name (the query's derived names are long)."""
    if "alliance" not in frame.columns:
        return frame
    return frame.with_columns(
        pl.col("alliance")
        .replace_strict(GROUPING_NAMES, default=pl.col("alliance"), return_dtype=pl.String)
        .alias("alliance_name")
    )


def group_totals(frame: pl.DataFrame, constant: bool = True) -> Chart:
    """group_totals: total spending of each grouping, constant prices when the source has them."""
    col = "total_me_current_usd_m"
    unit = "US$ bn, current prices"
    if constant:
        c = "total_me_constant_usd_m"
        if c in frame.columns and frame[c].drop_nulls().len():
            bases = frame["price_base_year"].drop_nulls().unique().to_list()
            col, unit = c, f"US$ bn, constant {'/'.join(map(str, sorted(bases)))} prices"
    data = _named(frame)
    if col in frame.columns:
        data = data.with_columns((pl.col(col) / 1000).alias("total_me_usd_bn"))
    return charts.lines(
        data,
        x="year",
        y="total_me_usd_bn",
        series="alliance_name",
        title=(
            _total_finding(data, unit),
            f"Total defence spending of each grouping{_figures(frame)}, {unit}",
        ),
        x_label="year",
        y_label=f"defence expenditure ({unit})",
        estimate="any_estimate",
        extra=["n_members", "n_members_with_data"],
    )


def _total_finding(data: pl.DataFrame, unit: str) -> str:
    top = _top_latest(data, "total_me_usd_bn", by="alliance_name")
    if top is None:
        return "Total defence spending of each grouping"
    return (
        f"{top['alliance_name']} spends the most of the groupings shown: US$ "
        f"{top['total_me_usd_bn']:,.0f} bn in {top['year']}"
    )


def _real_growth_finding(data: pl.DataFrame) -> str:
    top = _top_latest(data, "real_growth_since_2014_pct", by="alliance_name")
    if top is None:
        return "Real growth of defence spending since 2014"
    change = top["real_growth_since_2014_pct"]
    verb = "grew most" if change >= 0 else "fell least"
    return (
        f"{top['alliance_name']} {verb} in real terms: {change:+,.0f} % from 2014 to {top['year']}"
    )


def group_growth(frame: pl.DataFrame) -> Chart:
    """group_totals: like-for-like real growth since 2014."""
    data = _named(frame)
    if "year" in data.columns:
        data = data.filter(pl.col("year") >= 2014)
    return charts.lines(
        data,
        x="year",
        y="real_growth_since_2014_pct",
        series="alliance_name",
        title=(
            _real_growth_finding(data),
            f"Real growth of defence spending since 2014{_figures(frame)}, like for like",
        ),
        x_label="year",
        y_label="change since 2014 at constant prices (%)",
        estimate="any_estimate",
        guides=[(0.0, "2014 level")],
        extra=["n_members_like_for_like"],
    )


def minilateral_reach(frame: pl.DataFrame) -> Chart:
    """membership_timeline: NATO members that also sit in a minilateral, by year."""
    data = _long(
        frame,
        ["year"],
        {
            "n_nato_members": "NATO members",
            "n_nato_in_minilateral": "of which in at least one minilateral",
            "n_minilateral_outside_nato": "minilateral members outside NATO",
        },
    )
    if "year" in data.columns:
        data = data.filter(pl.col("year") >= 1990)
    return charts.lines(
        data,
        x="year",
        y="value",
        series="measure",
        title=(_reach_finding(frame), "NATO members in minilateral formats, by year"),
        x_label="year",
        y_label="countries (number)",
        dashed=["NATO members"],
    )


def _reach_finding(frame: pl.DataFrame) -> str:
    row = _latest_row(frame, "n_nato_members", "n_nato_in_minilateral")
    if row is None:
        return "NATO members in minilateral formats"
    return (
        f"In {row['year']}, {row['n_nato_in_minilateral']} of {row['n_nato_members']} NATO "
        "members sat in at least one minilateral"
    )


def _nato_share_finding(data: pl.DataFrame) -> str:
    cols = {"year", "alliance", "pct_nato_members"}
    if not cols <= set(data.columns) or data.drop_nulls(list(cols)).is_empty():
        return "NATO allies in the minilaterals"
    latest = _latest_year(data.drop_nulls(list(cols)))
    whole = latest.filter(pl.col("pct_nato_members") >= 100)["alliance"].to_list()
    low = latest.sort("pct_nato_members").row(0, named=True)
    if low["pct_nato_members"] >= 100:
        return f"In {low['year']} every member of each minilateral is a NATO ally"
    head = f"{len(whole)} of {latest.height} minilaterals are all NATO allies in {low['year']}"
    return f"{head}; {low['alliance']} has the fewest: {_pct(low['pct_nato_members'], 0)}"


def minilateral_nato_share(frame: pl.DataFrame) -> Chart:
    """overlap_minilateral_nato_share: share of each minilateral's members in NATO."""
    data = frame
    if "alliance" in frame.columns:
        data = frame.with_columns(
            pl.col("alliance").replace_strict(GROUPING_NAMES, default=pl.col("alliance"))
        )
    return charts.lines(
        data,
        x="year",
        y="pct_nato_members",
        series="alliance",
        title=(
            _nato_share_finding(data),
            "Share of each minilateral's members that are NATO allies",
        ),
        x_label="year",
        y_label="members in NATO (% of the grouping's members)",
        y_range=(0, 105),
        extra=["n_members", "n_nato_members", "non_nato_members"],
    )


# --------------------------------------------------------------------------- capability


def _percent(value) -> str:
    """0.1 -> '10 %' (a rate given as a fraction)."""
    return "" if value is None else f"{100 * float(value):g} %"


def _stock_rule(frame: pl.DataFrame) -> str:
    d = _first(frame, "depreciation")
    start = {"steady_state": "steady-state start", "zero": "start from zero"}.get(
        _first(frame, "initial_stock", ""), ""
    )
    parts = [f"depreciation {_percent(d)} a year" if d is not None else "", start]
    return "; ".join(p for p in parts if p)


def price_base(frame: pl.DataFrame, column: str | None = None) -> str:
    """The price words of a constant-price label, read from the frame's price_base_year (the
    edition's base is data, not a constant of the app): "constant 2015 prices", or "constant
    prices (mixed bases)" when its rows hold several.
    With `column`, only the rows where that column has a figure count."""
    if "price_base_year" not in frame.columns:
        return "constant prices"
    rows = frame.drop_nulls(column) if column and column in frame.columns else frame
    bases = rows["price_base_year"].drop_nulls().unique().to_list()
    if len(bases) == 1:
        return f"constant {bases[0]} prices"
    return "constant prices (mixed bases)" if bases else "constant prices"


def _in_bn(frame: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    if column not in frame.columns:
        return frame
    return frame.with_columns((pl.col(column) / 1000).alias(alias))


def equipment_spending(frame: pl.DataFrame) -> Chart:
    """equipment_investment: major equipment spending of the chosen allies, by year."""
    return charts.lines(
        _in_bn(frame, "equipment_constant_usd_m", "equipment_usd_bn"),
        x="year",
        y="equipment_usd_bn",
        series="country",
        title=(
            _growth_finding(frame, "equipment_constant_usd_m", "spending on major equipment"),
            f"Spending on major equipment, {_group(frame)}, {_years(frame)} (NATO figures)",
        ),
        x_label="year",
        y_label=f"US$ bn, {price_base(frame, 'equipment_constant_usd_m')}",
        estimate="is_estimate",
        extra=["iso3", "equipment_share_pct", "me_constant_usd_m"],
    )


def equipment_stock(frame: pl.DataFrame) -> Chart:
    """equipment_investment: the perpetual-inventory equipment stock of the chosen allies."""
    return charts.lines(
        _in_bn(frame, "equipment_stock_constant_usd_m", "equipment_stock_usd_bn"),
        x="year",
        y="equipment_stock_usd_bn",
        series="country",
        title=(
            _largest_finding(
                frame,
                "equipment_stock_constant_usd_m",
                "holds the largest equipment stock",
                1000,
                "US$ {:,.0f} bn",
            ),
            f"Equipment stock by perpetual inventory ({_stock_rule(frame)}), {_group(frame)}",
        ),
        x_label="year",
        y_label=f"US$ bn, {price_base(frame, 'equipment_stock_constant_usd_m')}",
        estimate="is_estimate",
        extra=["iso3", "stock_first_year", "depreciation", "initial_stock"],
    )


def equipment_shares(frame: pl.DataFrame) -> Chart:
    """equipment_investment (one year): each ally's share of the grouping's equipment stock
    against its share of the grouping's GDP."""
    data = frame
    if "stock_to_gdp_share_ratio" in frame.columns:
        data = frame.with_columns(
            (pl.col("stock_to_gdp_share_ratio") >= 1).alias("stock_share_at_least_gdp_share")
        )
    return charts.dumbbell(
        data,
        category="country",
        start="gdp_share_pct",
        end="stock_share_pct",
        labels=("share of the grouping's GDP", "share of its equipment stock"),
        title=(
            _stock_share_finding(data),
            f"Share of the equipment stock vs share of GDP, {_group(frame)}, {_years(frame)} "
            f"({_stock_rule(frame)})",
        ),
        value_label="share of the grouping's total "
        f"(%, log scale; GDP at {price_base(frame, 'stock_share_pct')})",
        flag="stock_share_at_least_gdp_share",
        flag_labels=("more equipment than economic weight", "less equipment than economic weight"),
        estimate="is_estimate",
        log_x=True,
        sort_by="stock_share_pct",
        extra=["year", "stock_to_gdp_share_ratio", "n_allies_in_total", "depreciation"],
    )


def _switch_year(frame: pl.DataFrame, source: str = "nato") -> int | None:
    """The first year of `source`'s rows (where a spliced series changes publisher)."""
    if not {"source", "year"} <= set(frame.columns):
        return None
    years = frame.filter(pl.col("source") == source)["year"]
    earlier = frame.filter(pl.col("source") != source)["year"]
    if years.is_empty() or earlier.is_empty():
        return None
    return int(years.min())


def _switch_mark(frame: pl.DataFrame) -> list[tuple[float, str]]:
    year = _switch_year(frame)
    return [(year - 0.5, "COW | NATO")] if year else []


def personnel_density(frame: pl.DataFrame) -> Chart:
    """personnel: military personnel per 1,000 inhabitants of the chosen allies."""
    return charts.lines(
        frame,
        x="year",
        y="personnel_per_1000",
        series="country",
        title=(
            _largest_finding(
                frame,
                "personnel_per_1000",
                "has the most personnel per 1,000 inhabitants",
                1,
                "{:,.1f}",
            ),
            f"Military personnel per 1,000 inhabitants, {_group(frame)}, {_years(frame)}",
        ),
        x_label="year",
        y_label="personnel per 1,000 inhabitants",
        estimate="is_estimate",
        marks=_switch_mark(frame),
        extra=["iso3", "source", "personnel_k", "population"],
    )


SOLDIER_PRICES = {
    "constant": "constant US$ (NATO years)",
    "current": "current US$ (all years)",
}


def spending_per_soldier(frame: pl.DataFrame, prices: str = "constant") -> Chart:
    """personnel: defence spending per member of the armed forces of the chosen allies."""
    if prices == "current":
        column, unit, log = "me_per_soldier_current_kusd", "current prices, log scale", True
    else:
        column, log = "me_per_soldier_constant_kusd", False
        unit = price_base(frame, column)
    return charts.lines(
        frame,
        x="year",
        y=column,
        series="country",
        title=(
            _largest_finding(
                frame,
                column,
                "spends the most per member of its forces",
                1,
                "US$ {:,.0f} thousand",
            ),
            f"Defence spending per member of the armed forces, {_group(frame)}, "
            f"{_years(frame.drop_nulls(column) if column in frame.columns else frame)}",
        ),
        x_label="year",
        y_label=f"thousand US$, {unit}",
        estimate="is_estimate",
        marks=_switch_mark(frame) if prices == "current" else (),
        log_y=log,
        extra=["iso3", "source", "personnel_k", "me_current_usd_m"],
    )


BALANCE_MEASURES = {
    "cinc": ("cinc_world_share_pct", "CINC (composite index)"),
    "milex": ("milex_world_share_pct", "military expenditure"),
    "milper": ("milper_world_share_pct", "military personnel"),
}


def capability_balance(frame: pl.DataFrame, measure: str = "cinc") -> Chart:
    """capability_balance: each grouping's share of the world's capabilities, by year."""
    column, name = BALANCE_MEASURES.get(measure, BALANCE_MEASURES["cinc"])
    membership = {"historical": "members in each year", "current": "today's members"}.get(
        _first(frame, "membership", ""), ""
    )
    return charts.lines(
        _named(frame),
        x="year",
        y=column,
        series="alliance_name",
        title=(
            _balance_finding(frame, column, name),
            f"Share of the world's {name}, by grouping, {_years(frame)}"
            + (f" ({membership})" if membership else ""),
        ),
        x_label="year",
        y_label="share of the world total (%)",
        extra=["alliance", "n_members", "n_members_in_cow", "members_not_in_cow"],
    )


def _growth_finding(frame: pl.DataFrame, column: str, what: str) -> str:
    """'Poland's spending on major equipment grew most: 4.2 times, 2014–2024'."""
    change = _change(frame, column)
    if change.is_empty():
        return what[0].upper() + what[1:]
    top = change.row(0, named=True)
    verb = "grew most of those shown" if change.height > 1 else "changed"
    return (
        f"{top['country']}'s {what} {verb}: {_times(top['ratio'])}, "
        f"{top['from_year']}–{top['to_year']}"
    )


def _largest_finding(frame: pl.DataFrame, column: str, what: str, scale: float, fmt: str) -> str:
    """'Germany holds the largest equipment stock in 2024: US$ 120 bn'."""
    top = _top_latest(frame, column)
    if top is None:
        return "No figures for this selection"
    among = " of those shown" if frame["country"].n_unique() > 1 else ""
    return f"{top['country']} {what}{among} in {top['year']}: {fmt.format(top[column] / scale)}"


def _stock_share_finding(data: pl.DataFrame) -> str:
    col = "stock_to_gdp_share_ratio"
    if col not in data.columns or data[col].drop_nulls().is_empty():
        return "Equipment stock against economic weight"
    n = data[col].drop_nulls().len()
    more = _count(data, pl.col(col) >= 1)
    return f"{more} of {n} allies hold more of the equipment than their share of GDP"


def _balance_finding(frame: pl.DataFrame, column: str, name: str) -> str:
    named = _named(frame)
    top = _top_latest(named, column, by="alliance_name")
    if top is None:
        return f"Share of the world's {name}"
    return (
        f"{top['alliance_name']} held the largest share of the world's {name} in {top['year']}: "
        f"{_pct(top[column], 1)}"
    )


def _hague_finding(frame: pl.DataFrame, target, by) -> str:
    count = on_course(frame)
    goal = f"{target:g} % of GDP by {by}" if target is not None and by is not None else "target"
    below = count["on_course"] + count["not_on_course"]
    if not count["allies"]:
        return f"The path to {goal}"
    if not below:
        return f"All {count['allies']} allies are already at {goal.split(' by ')[0]}"
    return f"{count['on_course']} of {below} allies below {goal.split(' by ')[0]} are on course"


def _aid_finding(data: pl.DataFrame) -> str:
    """Who adds the most aid to its defence burden, and how many pass 2 % only with it."""
    cols = {"country", "aid_pct_gdp", "defence_pct_gdp", "broader_burden_pct"}
    if not cols <= set(data.columns) or data.drop_nulls(list(cols)).is_empty():
        return "Defence and aid to Ukraine"
    rows = data.drop_nulls(list(cols))
    top = rows.sort("aid_pct_gdp", descending=True).row(0, named=True)
    lifted = _count(rows, (pl.col("defence_pct_gdp") < 2) & (pl.col("broader_burden_pct") >= 2))
    tail = f"; {lifted} reach 2 % only with aid" if lifted else ""
    return f"{top['country']} adds the most aid: {_pct(top['aid_pct_gdp'], 2)} of GDP{tail}"


def hague_path(frame: pl.DataFrame) -> Chart:
    """hague_path: the real spending growth each ally needs to reach the target against what it
    achieved since the base year (allies already at the target are left out)."""
    target = _first(frame, "target_pct")
    by = _first(frame, "target_year")
    base = _first(frame, "base_year")
    data = frame
    if "at_target_now" in frame.columns:
        data = frame.filter(~pl.col("at_target_now").fill_null(False))
    measure = "Real growth in defence spending needed to reach the target"
    if target is not None and by is not None:
        measure = f"Real growth in defence spending needed to reach {target:g} % of GDP by {by}"
    growth = _first(frame, "gdp_growth_pct")
    if growth is not None:
        measure += f" (GDP growing {growth:g} % a year)"
    title = (_hague_finding(frame, target, by), measure)
    return charts.dumbbell(
        data,
        category="country",
        start="required_real_growth_pct",
        end="avg_real_growth_pct",
        labels=(
            "needed each year from the latest figure",
            f"achieved each year since {base}" if base else "achieved each year",
        ),
        title=title,
        value_label=f"real growth of defence spending (% a year, {price_base(frame)})",
        flag="on_course",
        flag_labels=("on course", "not on course"),
        estimate="latest_is_estimate",
        sort_by="required_real_growth_pct",
        guides=[(0.0, "no growth")],
        extra=[
            "latest_year",
            "latest_share_gdp_pct",
            "target_pct",
            "target_year",
            "gdp_growth_pct",
            "growth_gap_pp",
            "projected_share_gdp_pct",
        ],
    )


def on_course(frame: pl.DataFrame) -> dict[str, int]:
    """hague_path: how many allies are at the target, on course to it, or not."""
    if frame.is_empty() or not {"at_target_now", "on_course"} <= set(frame.columns):
        return {"allies": 0, "at_target": 0, "on_course": 0, "not_on_course": 0}
    at = frame["at_target_now"].fill_null(False)
    rest = frame.filter(~at)
    return {
        "allies": frame.height,
        "at_target": int(at.sum()),
        "on_course": int(rest["on_course"].fill_null(False).sum()),
        "not_on_course": int((~rest["on_course"].fill_null(False)).sum()),
    }


AID_TYPES = {"total": "all aid", "military": "military aid"}


def broader_burden(frame: pl.DataFrame) -> Chart:
    """security_burden (one year): defence and aid to Ukraine, % of GDP, stacked per ally
    (allies whose aid the tracker does not follow are left out: unknown is not zero)."""
    data = frame
    if "broader_burden_pct" in frame.columns:
        data = frame.filter(pl.col("broader_burden_pct").is_not_null())
    aid = AID_TYPES.get(_first(frame, "aid_type", ""), "aid")
    return charts.stacked_bars(
        data,
        category="country",
        values={
            "defence_pct_gdp": "defence (NATO, % of GDP)",
            "aid_pct_gdp": f"{aid} to Ukraine (Kiel tracker, % of GDP)",
        },
        title=(
            _aid_finding(data),
            f"Defence plus {aid} to Ukraine, {_group(frame)}, {_years(frame)}",
        ),
        value_label="percent of GDP",
        sort_by="broader_burden_pct",
        estimate="is_estimate",
        guides=[GUIDE_2, GUIDE_35],
        extra=["year", "broader_burden_pct", "aid_eur_bn", "aid_rule", "aid_type"],
    )


BROADER_SERIES = {
    "rho_plain": "ρ (GDP, defence burden)",
    "rho_broader": "ρ (GDP, defence + aid to Ukraine)",
}


def broader_rho(frame: pl.DataFrame) -> Chart:
    """security_burden_test: Olson–Zeckhauser's rho on the plain and on the broader burden, each
    with its 95 % interval; a year whose interval holds zero is drawn grey."""
    data = frame
    if "n_estimates" in frame.columns:
        data = frame.with_columns((pl.col("n_estimates") > 0).alias("any_estimate"))
    long = _with_bounds(data, ["year", "any_estimate", "n"], BROADER_SERIES)
    long = long.drop_nulls("value") if long.height else long
    return charts.lines(
        long,
        x="year",
        y="value",
        series="measure",
        title=(
            _broader_finding(frame),
            f"Olson–Zeckhauser test on the plain and the broader burden, {_group(frame)}; "
            "Spearman's ρ with GDP; bands: 95 % intervals",
        ),
        x_label="year",
        y_label="rank correlation with GDP (−1 to 1)",
        estimate="any_estimate",
        guides=[(0.0, "no association")],
        dashed=[BROADER_SERIES["rho_broader"]],
        y_range=(-1, 1),
        extra=["n"],
        band=("lo", "hi"),
    )


def _broader_finding(frame: pl.DataFrame) -> str:
    """Whether counting aid moves the correlation, in the latest year with both."""
    row = _latest_row(frame, "rho_plain", "rho_broader")
    if row is None:
        return "Counting aid to Ukraine and the Olson–Zeckhauser test"
    plain, broader = row["rho_plain"], row["rho_broader"]
    clear = [
        not intervals.spans_zero(row.get(f"{c}_lo"), row.get(f"{c}_hi"))
        for c in ("rho_plain", "rho_broader")
    ]
    move = "raises" if broader > plain else "lowers"
    tail = {
        (False, False): "; neither interval excludes zero",
        (True, True): "; both intervals exclude zero",
        (True, False): "; only the plain one's interval excludes zero",
        (False, True): "; only the broader one's interval excludes zero",
    }[tuple(clear)]
    return (
        f"Counting aid {move} ρ from {plain:.2f} to {broader:.2f} in {row['year']}".replace(
            "-", "−"
        )
        + tail
    )


# --------------------------------------------------------------------------- country profile


def country_series(frame: pl.DataFrame, country: str) -> Chart:
    """series_of: one country's burden on each source's definition."""
    return charts.lines(
        frame,
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
        guides=[GUIDE_2],
        dashed=["World Bank"],
    )


def _series_finding(frame: pl.DataFrame) -> str:
    """'4.12 % of GDP in 2024 on NATO's figures, up from 1.85 % in 2014' (NATO's figures first,
    else SIPRI's, else the World Bank's; the change since 2014 when the source has that year)."""
    if not {"source", "year", "share_gdp_pct"} <= set(frame.columns):
        return "defence spending as a share of GDP"
    for source in ("NATO", "SIPRI", "World Bank"):
        rows = frame.filter(pl.col("source") == source).drop_nulls("share_gdp_pct").sort("year")
        if rows.height:
            last = rows.row(-1, named=True)
            text = f"{_pct(last['share_gdp_pct'], 2)} of GDP in {last['year']} ({source})"
            base = rows.filter(pl.col("year") == 2014)
            if base.height and last["year"] > 2014:
                then = base["share_gdp_pct"][0]
                side = "up" if last["share_gdp_pct"] >= then else "down"
                text += f", {side} from {_pct(then, 2)} in 2014"
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
            f"Defence spending, % of GDP, members of {_group(frame)}, {_years(frame)}"
            f"{_figures(frame)}",
        ),
        value_label="defence expenditure (% of GDP)",
        highlight=iso3,
        highlight_column="iso3",
        estimate="is_estimate",
        guides=[GUIDE_2],
        extra=["year"],
    )


def _rank_finding(frame: pl.DataFrame, iso3: str) -> str:
    """'Poland ranks 1st of 32 members of NATO in 2024'."""
    if not {"iso3", "burden_pct", "country"} <= set(frame.columns):
        return "Rank among the grouping's members"
    rows = frame.drop_nulls("burden_pct").sort("burden_pct", descending=True)
    codes = rows["iso3"].to_list()
    if iso3 not in codes:
        return f"Rank among the members of {_group(frame)}"
    k = codes.index(iso3) + 1
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    name = rows.row(k - 1, named=True)["country"]
    return f"{name} ranks {k}{suffix} of {len(codes)} members of {_group(frame)} in {_years(rows)}"


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


# --------------------------------------------------------------------------- claims


def claim_chart(spec: dict, frame: pl.DataFrame | None = None) -> Chart:
    """Draw etl.claims' Chart (kind, x, y, title, unit, color, data) with our conventions.

    A list of y columns becomes one line per column; a date on the value axis becomes a dot
    plot (a date is not a length, so no bars); a boolean colour splits points into two series.
    """
    data = spec.get("data") if frame is None else frame
    if data is None or not isinstance(data, pl.DataFrame):
        data = pl.DataFrame()
    kind = spec.get("kind", "line")
    x, y, colour = spec.get("x"), spec.get("y"), spec.get("color")
    title = str(spec.get("title", ""))
    unit = str(spec.get("unit", ""))
    estimate = "is_estimate" if "is_estimate" in data.columns else None
    if isinstance(y, list | tuple):
        labels = {c: SERIES_LABELS.get(c, c.replace("_", " ")) for c in y}
        data = _long(data, [x, *([estimate] if estimate else [])], labels).drop_nulls("value")
        y, colour = "value", "measure"
    y_label = unit if unit else str(y)
    if kind == "bar" and y in data.columns and data.schema[y] in (pl.Date, pl.Datetime):
        return _date_dots(data, category=x, when=y, title=title)
    if kind == "bar":
        numeric = data
        if y in data.columns and data.schema[y] == pl.Boolean:
            numeric = data.with_columns(pl.col(y).cast(pl.Int8))
        return charts.bars(
            numeric,
            category=x,
            value=y,
            title=title,
            value_label=y_label,
            extra=[c for c in data.columns if c not in (x, y)],
        )
    if kind == "scatter":
        label = "country" if "country" in data.columns else x
        return charts.scatter(
            data,
            x=x,
            y=y,
            label=label,
            title=title,
            x_label=_axis(x),
            y_label=y_label,
            estimate=estimate,
            highlight_column=colour,
            extra=[c for c in data.columns if c not in (x, y, label)],
        )
    if colour and colour in data.columns and colour != "measure":
        data = data.with_columns(
            pl.col(colour).cast(pl.String).replace(SOURCE_NAMES).replace(GROUPING_NAMES)
        )
    guides = [GUIDE_2, GUIDE_35] if "burden" in str(y) else []
    return charts.lines(
        data,
        x=x,
        y=y,
        series=colour,
        title=title,
        x_label=_axis(x),
        y_label=y_label,
        estimate=estimate,
        guides=guides,
    )


SERIES_LABELS = {
    **GUIDELINE_SERIES,
    **US_SERIES,
    "n_nato_members": "NATO members",
    "n_nato_in_minilateral": "of which in at least one minilateral",
    "n_minilateral_outside_nato": "minilateral members outside NATO",
}


def _axis(column: str | None) -> str:
    names = {
        "year": "year",
        "distance_to_moscow_km": "great-circle distance, capital to Moscow (km)",
        "country": "",
    }
    return names.get(column or "", (column or "").replace("_", " "))


def _date_dots(data: pl.DataFrame, *, category: str, when: str, title: str) -> Chart:
    """One dot per row on a date axis (e.g. the day each member joined NATO)."""
    return charts.date_dots(data, category=category, when=when, title=title)


# --------------------------------------------------------------------------- claims registry


def _one_year(view: Callable[[pl.DataFrame], Chart]) -> Callable[[pl.DataFrame], Chart]:
    return lambda frame: view(_latest_year(frame))


FOR_QUERY: dict[str, Callable[[pl.DataFrame], Chart]] = {
    "burden": burden_heatmap,
    "burden_sharing": _one_year(burden_vs_benefit),
    "guideline_counts": guideline_compliance,
    "guideline_shortfall": _one_year(guideline_shortfall),
    "us_share": us_share_both_sources,
    "exploitation_test": rho_over_time,
    "concordance_test": concordance,
    "free_riding_response": response_slopes,
    "threat_proximity": _one_year(threat_proximity),
    "threat_proximity_test": median_burden,
    "group_totals": group_totals,
    "membership_timeline": minilateral_reach,
    "overlap_minilateral_nato_share": minilateral_nato_share,
    "overlap_matrix": membership_matrix,
    "equipment_investment": _one_year(equipment_shares),
    "personnel": personnel_density,
    "capability_balance": capability_balance,
    "hague_path": hague_path,
    "security_burden": _one_year(broader_burden),
    "security_burden_test": broader_rho,
}


def for_query(name: str | None) -> Callable[[pl.DataFrame], Chart] | None:
    return FOR_QUERY.get(name or "")


# --------------------------------------------------------------------------- key figures


def key_figures(
    series: pl.DataFrame, allies: pl.DataFrame, iso3: str
) -> list[tuple[str, str, str]]:
    """A country's key figures, (label, value, help), readable first: its burden on NATO's and
    SIPRI's figures, spending in US$ and per head (from the same source's row: never one
    source's money over another's population), its rank among the allies and the change since
    2014. `series` is series_of (source names as published), `allies` is burden on NATO's
    figures for every ally."""
    out: list[tuple[str, str, str]] = []

    def latest(source: str) -> dict | None:
        if not {"source", "share_gdp_pct"} <= set(series.columns):
            return None
        rows = series.filter(pl.col("source") == source).drop_nulls("share_gdp_pct")
        return rows.sort("year").row(-1, named=True) if rows.height else None

    nato, sipri = latest("NATO"), latest("SIPRI")
    for name, row in (("NATO", nato), ("SIPRI", sipri)):
        if row:
            star = " (estimate)" if row.get("is_estimate") else ""
            out.append(
                (
                    f"Share of GDP, {name} {row['year']}",
                    _pct(row["share_gdp_pct"], 2),
                    f"Defence expenditure as a share of GDP on {name}'s definition{star}.",
                )
            )
    money = next((r for r in (nato, sipri) if r and r.get("current_usd_m") is not None), None)
    if money:
        bn = money["current_usd_m"] / 1000
        out.append(
            (
                f"Defence spending, {money['year']}",
                f"US$ {bn:,.1f} bn",
                f"Current prices, {money['source']} figures.",
            )
        )
        head = money.get(PER_HEAD)
        if head is not None:
            out.append(
                (
                    f"Per head, {money['year']}",
                    f"US$ {head:,.0f}",
                    f"Defence spending per inhabitant, US$ at current prices, "
                    f"{money['source']} figures ({money.get('per_capita_source') or ''}).",
                )
            )
    if {"iso3", "year", "burden_pct"} <= set(allies.columns) and allies.height:
        year_rows = _latest_year(allies.drop_nulls("burden_pct")).sort(
            "burden_pct", descending=True
        )
        codes = year_rows["iso3"].to_list()
        if iso3 in codes:
            out.append(
                (
                    f"Rank among allies, {year_rows['year'][0]}",
                    f"{codes.index(iso3) + 1} of {len(codes)}",
                    "By defence spending as a share of GDP, NATO figures (1 = highest).",
                )
            )
    if nato and {"year"} <= set(series.columns):
        first = series.filter((pl.col("source") == "NATO") & (pl.col("year") == 2014))
        first = first.drop_nulls("share_gdp_pct")
        if first.height and nato["year"] > 2014:
            change = nato["share_gdp_pct"] - first["share_gdp_pct"][0]
            out.append(
                (
                    f"Change since 2014, to {nato['year']}",
                    f"{change:+.2f} points".replace("-", "−"),
                    "Percentage points of GDP, NATO figures.",
                )
            )
    return out


# --------------------------------------------------------------------------- map

MAP_MEASURES = {
    "burden": "Share of GDP",
    "per_head": "Per head",
    "change": "Change since 2014",
    "guidelines": "NATO guidelines",
}
MAP_REGIONS = {"atlantic": "Europe and North America", "world": "The world (SIPRI)"}
GUIDELINE_BANDS = ("below 2 %", "2 % to 3.5 %", "3.5 % or more")


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
    where = "the world" if region == "world" else _group(frame) or "the grouping"
    src = _figures(frame)
    if measure == "change":
        rows = data.drop_nulls("change_since_base_pp") if data.height else data
        up = _count(rows, pl.col("change_since_base_pp") > 0)
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
        rows = data.drop_nulls(PER_HEAD) if PER_HEAD in data.columns else data.clear()
        return charts.choropleth(
            rows,
            location="iso3",
            value=PER_HEAD,
            label="country",
            title=(
                _per_head_finding(rows),
                f"Defence spending per head, US$ at current prices, {year}, {where}{src}; "
                f"{_population_words(frame)}",
            ),
            colour_label="US$ per head",
            region=region,
            extra=["year", "burden_pct", "me_per_capita_constant_usd", "price_base_year"],
        )
    if measure == "guidelines":
        bands = data.with_columns(
            pl.when(pl.col("burden_pct") >= 3.5)
            .then(2)
            .when(pl.col("burden_pct") >= 2.0)
            .then(1)
            .otherwise(0)
            .alias("guideline_band")
        )
        reach = _count(bands, pl.col("guideline_band") >= 1)
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
            f"{top['country']} spends the largest share: {_pct(top['burden_pct'], 1)} of GDP"
            if top
            else "Defence burden",
            f"Defence spending as % of GDP, {year}, {where}{src}",
        ),
        colour_label="% of GDP",
        region=region,
        extra=["year", "is_estimate"],
    )
