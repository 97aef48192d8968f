"""Claims: claim_chart draws a claim's own chart spec (ledger.claims) with our conventions.

The claim module picks what its chart shows (the quantity its verdict rests on) and the lines
its rule compares with (`guides`); this view only draws it, with plain names on the axes and in
the legend (the technical names stay in the card's details).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from app import charts
from app.charts import Chart
from app.views import burden, common, free_riding
from core.catalogue import groupings, sources


def claim_chart(spec: dict, frame: pl.DataFrame | None = None) -> Chart:
    """Draw a claim's Chart (kind, x, y, title, unit, color, guides, data) with our conventions.

    A list of y columns becomes one line per column; a date on the value axis becomes a dot
    plot (a date is not a length, so no bars); bars with `lo` and `hi` columns get their
    interval and turn grey where it holds zero; a boolean colour marks its true bars or points.
    """
    data = spec.get("data") if frame is None else frame
    if data is None or not isinstance(data, pl.DataFrame):
        data = pl.DataFrame()
    kind = spec.get("kind", "line")
    x, y, colour = spec.get("x"), spec.get("y"), spec.get("color")
    title = str(spec.get("title", ""))
    unit = str(spec.get("unit", ""))
    guides = [(value, str(label)) for value, label in spec.get("guides") or []]
    numbers = [(v, label) for v, label in guides if isinstance(v, int | float)]
    estimate = "is_estimate" if "is_estimate" in data.columns else None
    if isinstance(y, list | tuple):
        labels = {c: SERIES_LABELS.get(c, c.replace("_", " ")) for c in y}
        data = common.long(data, [x, *([estimate] if estimate else [])], labels).drop_nulls("value")
        y, colour = "value", "measure"
    y_label = unit if unit else _axis(y)
    if kind == "bar" and y in data.columns and data.schema[y] in (pl.Date, pl.Datetime):
        return _date_dots(data, category=x, when=y, title=title, guides=guides)
    flag = colour if colour in data.columns and data.schema[colour] == pl.Boolean else None
    if kind == "bar":
        numeric = data
        if y in data.columns and data.schema[y] == pl.Boolean:
            numeric = data.with_columns(pl.col(y).cast(pl.Int8))
        interval = ("lo", "hi") if {"lo", "hi"} <= set(data.columns) else None
        return charts.bars(
            numeric,
            category=x,
            value=y,
            title=title,
            value_label=y_label,
            extra=[c for c in data.columns if c not in (x, y, "lo", "hi")],
            guides=numbers,
            interval=interval,
            signed=interval is not None,
            highlight_column=flag,
            highlight=True if flag else None,
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
            highlight_column=flag,
            extra=[c for c in data.columns if c not in (x, y, label)],
        )
    if colour and colour in data.columns and colour != "measure":
        data = data.with_columns(
            pl.col(colour).cast(pl.String).replace(sources.shorts()).replace(groupings.labels())
        )
    lines = common.BURDEN_GUIDES if "burden" in str(y) else []
    return charts.lines(
        data,
        x=x,
        y=y,
        series=colour,
        title=title,
        x_label=_axis(x),
        y_label=y_label,
        estimate=estimate,
        guides=[*lines, *numbers],
    )


SERIES_LABELS = {
    **burden.GUIDELINE_SERIES,
    **free_riding.US_SERIES,
    "n_nato_members": "NATO members",
    "n_nato_in_minilateral": "of which in at least one minilateral",
    "n_minilateral_outside_nato": "minilateral members outside NATO",
    # short enough for a legend on a 390 px phone (tests/browser/test_claims_page.py)
    "us_burden_to_benefit_ratio": "US pays over its economic weight",
    "rho": "size-burden link (rank correlation)",
}


def _axis(column: str | None) -> str:
    names = {
        "year": "year",
        "distance_to_moscow_km": "great-circle distance, capital to Moscow (km)",
        "country": "",
    }
    return names.get(column or "", (column or "").replace("_", " "))


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _date_dots(data: pl.DataFrame, *, category: str, when: str, title: str, guides: list) -> Chart:
    """One dot per row on a date axis (e.g. the day each member joined NATO), its date written
    beside its name rather than beside the dot (a label right of a dot ran off a phone's
    screen), and a dotted line at each date the rule compares with."""
    rows = data.drop_nulls([category, when])
    if rows.is_empty():
        return Chart(
            charts.date_dots(rows, category=category, when=when, title=title).figure, rows, title
        )
    if rows.schema[when] == pl.Datetime:
        rows = rows.with_columns(pl.col(when).dt.date())
    named = rows.with_columns(
        pl.struct(category, when)
        .map_elements(lambda r: f"{r[category]}, {_day(r[when])}", return_dtype=pl.String)
        .alias("_label")
    )
    drawn = charts.date_dots(named, category="_label", when=when, title=title)
    figure = drawn.figure
    figure.update_traces(mode="markers", text=None)
    days = [*rows[when].to_list(), *(v for v, _ in guides if isinstance(v, date))]
    lo, hi = min(days), max(days)
    pad = timedelta(days=max((hi - lo).days * 0.08, 200))
    figure.update_xaxes(range=[(lo - pad).isoformat(), (hi + pad).isoformat()])
    for value, label in guides:
        if isinstance(value, date):
            figure.add_shape(
                type="line",
                x0=value.isoformat(),
                x1=value.isoformat(),
                y0=0,
                y1=1,
                xref="x",
                yref="y domain",
                line=charts.GUIDE,
            )
            figure.add_annotation(
                x=value.isoformat(),
                y=1,
                xref="x",
                yref="y domain",
                text=label,
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
            )
    return Chart(
        figure,
        rows.select(category, when, *[c for c in rows.columns if c not in (category, when)]),
        title,
    )
