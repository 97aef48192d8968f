"""Claims: claim_chart draws a claim's own chart spec (ledger.claims) with our conventions."""

from __future__ import annotations

import polars as pl

from app import charts
from app.charts import Chart
from app.views import burden, common, free_riding
from core.catalogue import groupings, sources


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
        data = common.long(data, [x, *([estimate] if estimate else [])], labels).drop_nulls("value")
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
            pl.col(colour).cast(pl.String).replace(sources.shorts()).replace(groupings.labels())
        )
    guides = common.BURDEN_GUIDES if "burden" in str(y) else []
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
    **burden.GUIDELINE_SERIES,
    **free_riding.US_SERIES,
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
