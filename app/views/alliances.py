"""Alliances: membership matrix, intersections (UpSet), membership spells, and the groupings'
totals, growth and reach.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from app import charts
from app.charts import Chart
from app.views import common
from core.catalogue import groupings
from ledger import words


def grouping_columns(matrix: pl.DataFrame) -> dict[str, str]:
    """overlap_matrix's grouping columns, in its order, with each grouping's abbreviation (a
    matrix has no room for a full label): {'uk_pl_ua': 'UK–PL–UA', ...}."""
    found = {c: groupings.by_column(c) for c in matrix.columns}
    return {c: g.short for c, g in found.items() if g is not None}


def memberships_long(matrix: pl.DataFrame) -> pl.DataFrame:
    """overlap_matrix → one row per (country, grouping) the country belongs to."""
    names = grouping_columns(matrix)
    cols = list(names)
    if matrix.is_empty() or not cols:
        return pl.DataFrame(schema={"country": pl.String, "grouping": pl.String})
    return (
        matrix.select(["country", *cols])
        .unpivot(index="country", on=cols, variable_name="grouping", value_name="member")
        .filter(pl.col("member"))
        .with_columns(pl.col("grouping").replace_strict(names))
        .select("country", "grouping")
    )


def membership_matrix(matrix: pl.DataFrame) -> Chart:
    as_of = common.first(matrix, "as_of")
    return charts.membership_matrix(
        memberships_long(matrix),
        country="country",
        grouping="grouping",
        title=(_most_memberships(matrix), f"Who belongs to what, {as_of}"),
        groupings_order=list(grouping_columns(matrix).values()),
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
    order = list(grouping_columns(matrix).values())
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
    as_of = common.first(matrix, "as_of")
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
        data = spells.with_columns(common.grouping_names().alias("grouping"))
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


def named(frame: pl.DataFrame) -> pl.DataFrame:
    """A short grouping name in alliance_name (the query's derived names are long)."""
    if "alliance" not in frame.columns:
        return frame
    return frame.with_columns(common.grouping_names().alias("alliance_name"))


def group_totals(frame: pl.DataFrame, constant: bool = True) -> Chart:
    """group_totals: total spending of each grouping, constant prices when the source has them."""
    col = "total_me_current_usd_m"
    unit = "US$ bn, current prices"
    if constant:
        c = "total_me_constant_usd_m"
        if c in frame.columns and frame[c].drop_nulls().len():
            bases = frame["price_base_year"].drop_nulls().unique().to_list()
            col, unit = c, f"US$ bn, constant {'/'.join(map(str, sorted(bases)))} prices"
    data = named(frame)
    if col in frame.columns:
        data = data.with_columns((pl.col(col) / 1000).alias("total_me_usd_bn"))
    return charts.lines(
        data,
        x="year",
        y="total_me_usd_bn",
        series="alliance_name",
        title=(
            _total_finding(data, unit),
            f"Total defence spending of each grouping{common.figures(frame)}, {unit}",
        ),
        x_label="year",
        y_label=f"defence expenditure ({unit})",
        estimate="any_estimate",
        extra=["n_members", "n_members_with_data"],
    )


def _total_finding(data: pl.DataFrame, unit: str) -> str:
    top = common.top_latest(data, "total_me_usd_bn", by="alliance_name")
    if top is None:
        return "Total defence spending of each grouping"
    return (
        f"{top['alliance_name']} spends the most of the groupings shown: US$ "
        f"{top['total_me_usd_bn']:,.0f} bn in {top['year']}"
    )


def _real_growth_finding(data: pl.DataFrame) -> str:
    top = common.top_latest(data, "real_growth_since_2014_pct", by="alliance_name")
    if top is None:
        return "Real growth of defence spending since 2014"
    change = top["real_growth_since_2014_pct"]
    verb = "grew most" if change >= 0 else "fell least"
    return (
        f"{top['alliance_name']} {verb} in real terms: {change:+,.0f} % from 2014 to {top['year']}"
    )


def group_growth(frame: pl.DataFrame) -> Chart:
    """group_totals: like-for-like real growth since 2014."""
    data = named(frame)
    if "year" in data.columns:
        data = data.filter(pl.col("year") >= 2014)
    return charts.lines(
        data,
        x="year",
        y="real_growth_since_2014_pct",
        series="alliance_name",
        title=(
            _real_growth_finding(data),
            f"Real growth of defence spending since 2014{common.figures(frame)}, like for like",
        ),
        x_label="year",
        y_label="change since 2014 at constant prices (%)",
        estimate="any_estimate",
        guides=[(0.0, "2014 level")],
        extra=["n_members_like_for_like"],
    )


def minilateral_reach(frame: pl.DataFrame) -> Chart:
    """membership_timeline: NATO members that also sit in a minilateral, by year."""
    data = common.long(
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
    row = common.latest_row(frame, "n_nato_members", "n_nato_in_minilateral")
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
    latest = common.latest_year(data.drop_nulls(list(cols)))
    whole = latest.filter(pl.col("pct_nato_members") >= 100)["alliance"].to_list()
    low = latest.sort("pct_nato_members").row(0, named=True)
    if low["pct_nato_members"] >= 100:
        return f"In {low['year']} every member of each minilateral is a NATO ally"
    head = f"{len(whole)} of {latest.height} minilaterals are all NATO allies in {low['year']}"
    return f"{head}; {low['alliance']} has the fewest: {words.pct(low['pct_nato_members'], 0)}"


def minilateral_nato_share(frame: pl.DataFrame) -> Chart:
    """overlap_minilateral_nato_share: share of each minilateral's members in NATO."""
    data = frame
    if "alliance" in frame.columns:
        data = frame.with_columns(common.grouping_names())
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
