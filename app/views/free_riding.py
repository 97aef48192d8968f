"""Free riding: the Olson–Zeckhauser test (size against burden, year by year, with and without
income per head), its concordance across variants, the US share and the response slopes.
"""

from __future__ import annotations

import polars as pl

from app import charts
from app.charts import Chart
from app.views import common
from ledger import stats, words


def association(rho: float | None, lo: float | None, hi: float | None) -> str:
    """Plain words for a rank correlation of economic size and burden, from its interval (the
    runner's rho_lo, rho_hi)."""
    if rho is None:
        return "No test for this selection"
    if stats.spans_zero(lo, hi):
        return "No clear link between economic size and defence burden"
    if rho > 0:
        return "Larger economies carry heavier defence burdens"
    return "Smaller economies carry heavier defence burdens"


def partial_association(rho: float | None, lo: float | None, hi: float | None) -> str:
    """The same words for the partial correlation, income per head held constant."""
    if rho is None:
        return "With income per head held constant: no test for this selection"
    if stats.spans_zero(lo, hi):
        return "With income per head held constant, no clear link remains"
    side = "larger" if rho > 0 else "smaller"
    return f"With income per head held constant, {side} economies still carry heavier burdens"


def rank_text(rho: float | None, lo: float | None, hi: float | None, p: float | None = None) -> str:
    """'rank correlation 0.12 (95 % interval −0.24 to 0.45, spans zero; p = 0.513)'."""
    if rho is None:
        return ""
    span = words.interval(lo, hi)
    if span and stats.spans_zero(lo, hi):
        span += ", spans zero"
    inside = "; ".join(t for t in (span, words.p_value(p)) if t)
    return f"rank correlation {words.num(rho)}" + (f" ({inside})" if inside else "")


def statistic_line(words: str, rho, lo, hi, p=None) -> str:
    """One markdown line: the finding in bold, or in grey when its interval spans zero."""
    stat = rank_text(rho, lo, hi, p)
    tail = f" ({stat})" if stat else ""
    if rho is None or stats.spans_zero(lo, hi):
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
            f"GDP (log scale) and defence spending as % of GDP, {common.group(frame)}, "
            f"{common.years(frame)}" + (f"; {stat}" if stat else ""),
        ),
        x_label="GDP (US$ bn)",
        y_label="% of GDP",
        log_x=True,
        estimate="is_estimate",
        extra=["year"],
    )


def with_bounds(frame: pl.DataFrame, index: list[str], values: dict[str, str]) -> pl.DataFrame:
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
    long = with_bounds(
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
            f"Rank correlation of GDP and defence burden by year, {common.group(frame)}"
            f"{common.figures(frame)}; bands: 95 % intervals (Olson–Zeckhauser test, Spearman's ρ)",
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
    flags = [not stats.spans_zero(a, b) for a, b in rows.select(lo, hi).iter_rows()]
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
            f"Do members' spending shares match their benefit shares? {common.group(frame)}"
            f"{common.figures(frame)}; typical difference (Hodges–Lehmann), band: 95 % interval, "
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
    less = common.count(years, pl.col("hl_hi") < 0)
    return (
        f"The typical member paid clearly less than its GDP share in {less} of {years.height} years"
    )


US_SERIES = {
    "us_share_me_pct": "US share of NATO defence spending",
    "us_share_gdp_pct": "US share of NATO GDP",
}


def us_share(frame: pl.DataFrame) -> Chart:
    """us_share: the US share of NATO's spending against its share of NATO's GDP."""
    data = common.long(frame, ["year", "us_is_estimate"], US_SERIES).drop_nulls("value")
    return charts.lines(
        data,
        x="year",
        y="value",
        series="measure",
        title=(
            _us_finding(frame),
            "The United States' share of NATO's defence spending and of its GDP"
            f"{common.figures(frame)}",
        ),
        x_label="year",
        y_label="% of the NATO total",
        estimate="us_is_estimate",
        guides=[(50.0, "50 %")],
        dashed=["US share of NATO GDP"],
    )


def _us_finding(frame: pl.DataFrame) -> str:
    row = common.latest_row(frame, "us_share_me_pct", "us_share_gdp_pct")
    if row is None:
        return "The United States in NATO"
    return (
        f"In {row['year']} the US paid {words.pct(row['us_share_me_pct'], 0)} of NATO's defence "
        f"spending with {words.pct(row['us_share_gdp_pct'], 0)} of its GDP"
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
        f"{common.years(gaps)}"
    )


def us_share_both_sources(frame: pl.DataFrame) -> Chart:
    """us_share, both sources: the US share of NATO spending."""
    data = frame
    if "source" in frame.columns:
        data = frame.with_columns(common.source_names())
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
            f"How each ally's real spending moved with the US's{years}{common.figures(frame)}; "
            "bars: slope, lines: 95 % interval; grey: interval spans zero",
        ),
        value_label="slope (0: no response)",
        signed=True,
        interval=("slope_lo", "slope_hi"),
        sign_names=("rose with US spending", "fell as US spending rose"),
        extra=["n", "r2", "slope_se", "slope_p"],
    )
