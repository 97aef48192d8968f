"""Plotly figure builders. Each returns a Chart: the figure and exactly the data it plots.

Conventions: the Okabe–Ito palette (safe for the common colour-vision deficiencies) or the
cividis scale; every figure has a title and units in its axis labels; a figure the source marks
as an estimate is drawn with a hollow marker (and said so in the legend). Builders take Polars
frames and column names, decide nothing about what to show, and never touch Streamlit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.subplots import make_subplots

from ledger.stats import spans_zero

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]
GREY = "#999999"
SEQUENTIAL = "cividis"
FONT = "Inter, Source Sans Pro, Helvetica, Arial, sans-serif"
ESTIMATE_NOTE = "hollow marker = estimate"
UNCLEAR_BAR = "interval spans zero: no clear sign"
UNCLEAR_POINT = "grey: interval spans zero"

# plotly_white as the default template, set once: a template named per figure is rebuilt and
# validated every time (~25 ms a figure, most of a page's script run); the default is only
# merged in when the figure is serialised (~1 ms). Measured in docs/PERFORMANCE.md.
pio.templates.default = "plotly_white"


@dataclass(frozen=True)
class Chart:
    figure: go.Figure
    data: pl.DataFrame  # exactly the plotted rows and columns (the CSV download)
    title: Title

    @property
    def empty(self) -> bool:
        return self.data.is_empty()


TITLE_WIDTH = 40  # characters a title line may hold: fits a 390 px phone at 16 px
SUBTITLE_WIDTH = 52  # the measure line, at 12 px
# A chart's title: its finding, or (finding, measure) with the measure as a subtitle.
Title = str | tuple[str, str]


def wrap(text: str, width: int = TITLE_WIDTH) -> str:
    """Break a long title into lines (Plotly does not wrap titles)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def split_title(title: Title) -> tuple[str, str]:
    """(finding, measure) of a title given either way."""
    if isinstance(title, tuple):
        return str(title[0]), str(title[1] or "")
    return str(title), ""


def title_text(title: Title) -> str:
    """The title as one line of plain text (the finding, then the measure)."""
    finding, measure = split_title(title)
    return f"{finding} — {measure}" if measure else finding


def _merge(into: dict, update: dict) -> dict:
    """Deep-merge `update` into `into`: nested dicts merge (copied, never shared), anything else
    replaces."""
    for k, v in update.items():
        if isinstance(v, dict):
            if not isinstance(into.get(k), dict):
                into[k] = {}
            _merge(into[k], v)
        else:
            into[k] = v
    return into


class Draft:
    """A figure being built: traces and a layout as plain dicts, made into a go.Figure once.

    Plotly validates a whole figure given to its constructor in ~2 ms, while every
    update_layout, update_xaxes or add_vline on a built figure goes through its relayout
    machinery at 3-15 ms a call; a chart made 5-8 such calls, most of a page's script run.
    """

    def __init__(self, *traces: go.BaseTraceType) -> None:
        self.data: list[go.BaseTraceType] = list(traces)
        self.layout: dict = {}
        self.top = 0  # guide labels stacked above the plot

    def add_trace(self, trace: go.BaseTraceType) -> None:
        self.data.append(trace)

    def update(self, **layout) -> None:
        _merge(self.layout, layout)

    def xaxis(self, axis: str = "xaxis", **props) -> None:
        _merge(self.layout.setdefault(axis, {}), props)

    def yaxis(self, axis: str = "yaxis", **props) -> None:
        _merge(self.layout.setdefault(axis, {}), props)

    def _guide(self, shape: dict, note: dict) -> None:
        self.layout.setdefault("shapes", []).append({"type": "line", "line": GUIDE} | shape)
        self.layout.setdefault("annotations", []).append({"showarrow": False} | note)

    def hline(self, y: float, label: str) -> None:
        """A dotted horizontal guide labelled at its top left (as add_hline would place it)."""
        where = {"xref": "x domain", "yref": "y"}
        self._guide(
            {"x0": 0, "x1": 1, "y0": y, "y1": y, **where},
            {"text": label, "x": 0, "y": y, "xanchor": "left", "yanchor": "bottom", **where},
        )

    def vline(self, x: float, label: str, position: str = "top") -> None:
        """A dotted vertical guide labelled at its 'top' or 'bottom right'."""
        where = {"xref": "x", "yref": "y domain"}
        # each label above the plot on a row of its own, so close guides never run together
        note = {"x": x, "y": 1, "xanchor": "center", "yanchor": "bottom", "yshift": 15 * self.top}
        if position == "bottom right":
            note = {"x": x, "y": 0, "xanchor": "left", "yanchor": "bottom"}
        else:
            self.top += 1
        self._guide({"x0": x, "x1": x, "y0": 0, "y1": 1, **where}, {"text": label, **note, **where})

    def figure(self) -> go.Figure:
        """The figure, held still under a reader's thumb: no drag mode (Plotly's drag handler
        then leaves touch events to the browser, so a swipe over a chart scrolls the page and a
        tap still shows the value) and every axis fixed (no zoom by any gesture)."""
        axes = {k for k in self.layout if re.fullmatch(r"[xy]axis\d*", k)} | {"xaxis", "yaxis"}
        for name in axes:
            self.layout.setdefault(name, {})["fixedrange"] = True
        self.layout["dragmode"] = False
        _preset_margins(self.layout, [t.to_plotly_json() for t in self.data])
        return go.Figure(data=self.data, layout=self.layout)


# Plotly lays a chart out, measures what its axes' labels and the legend push into the margins
# and, when that is more than the layout's margins, lays the whole chart out again (automargin):
# 2x a chart's drawing time in the browser, 20-40 ms a chart, most of why a page of them loaded
# 1.3-1.8x slower than a bare page (docs/PERFORMANCE.md). So the margins are set beforehand to
# about what Plotly would push them to at a half-width chart's ~470 px; automargin stays on, so a
# label or legend that needs more (a phone's narrower width) still gets it, drawn twice as before.
CHAR_EM = 0.7  # a label character's mean width in ems (generous: DejaVu Sans, the wide fallback)
LEGEND_ROW_PX, LEGEND_PAD_PX, FIGURE_WIDTH_PX = 19, 21, 470
LEFT_MAX_PX = 170  # country names (~150 px); longer labels are measured by Plotly itself
DAY = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # dates along x are level, as numbers are


def legend_offset(x_title: bool) -> int:
    """Px from the plot's bottom edge to the legend: the tick labels, then the x title."""
    return 34 + (22 if x_title else 0)


def _label_chars(values: list, axis: dict) -> int | None:
    """Characters of the widest tick label an axis will show, or None when unknown."""
    if axis.get("ticktext"):
        return max(len(str(t)) for t in axis["ticktext"])
    if any(isinstance(v, str) for v in values):
        return max(len(v) for v in values if isinstance(v, str))
    numbers = [abs(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    if not numbers:
        return None
    biggest = max(numbers)
    chars = len(f"{biggest:,.0f}") + (0 if biggest >= 100 else 2) + 1  # decimals, a sign
    return chars + len(axis.get("ticksuffix") or "") + len(axis.get("tickprefix") or "")


def _legend_rows(traces: list[dict], size: float, width_px: float) -> int:
    """Rows of a horizontal legend wrapped within `width_px`."""
    names = [str(t["name"]) for t in traces if t.get("name") and t.get("showlegend") is not False]
    rows, used = (1, 0.0) if names else (0, 0.0)
    for name in names:
        width = len(name) * CHAR_EM * size + 40  # the symbol and the gaps beside it
        if used and used + width > width_px:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def _preset_margins(layout: dict, traces: list[dict]) -> None:
    """Left and bottom margins wide enough for the tick labels, axis titles and legend, on
    charts of bars, lines and points or heatmaps without a colour bar, subplots stacked or not
    (others are left to Plotly)."""
    if any(
        t.get("type", "scatter") not in ("scatter", "bar", "heatmap")
        or (t.get("type") == "heatmap" and t.get("showscale") is not False)  # a colour bar
        for t in traces
    ):
        return
    axes = {k: v or {} for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}
    x_axes = [v for k, v in axes.items() if k[0] == "x" and v.get("showticklabels") is not False]
    y_axes = [v for k, v in axes.items() if k[0] == "y"] or [{}]
    if any(a.get("side") == "top" or a.get("tickangle") not in (None, 0) for a in x_axes):
        return  # slanted or top labels push margins this estimate does not model
    font = (layout.get("font") or {}).get("size", 13)
    margin = layout.setdefault("margin", {})
    x_axis = x_axes[0] if x_axes else {}
    ys = [v for t in traces for v in (t.get("y") if isinstance(t.get("y"), list | tuple) else ())]
    widest = [c for a in y_axes if (c := _label_chars(ys, a)) is not None]
    if widest:
        tick = max(((a.get("tickfont") or {}).get("size")) or font for a in y_axes)
        titled = any((a.get("title") or {}).get("text") for a in y_axes)
        left = max(widest) * CHAR_EM * tick + 20 + (font + 12 if titled else 0)
        if left > LEFT_MAX_PX:  # long labels: an overestimate would squeeze a phone's plot
            return
        margin["l"] = max(margin.get("l", 0), math.ceil(left))
    xs = [v for t in traces for v in (t.get("x") if isinstance(t.get("x"), list | tuple) else ())]
    if any(isinstance(v, str) and not DAY.fullmatch(v) for v in xs) or x_axis.get("ticktext"):
        return  # category labels along x may be slanted: their height is Plotly's to find
    titled = bool((x_axis.get("title") or {}).get("text"))
    below = legend_offset(titled)
    if any(a.get("type") == "date" for a in x_axes):
        below += LEGEND_ROW_PX  # a date axis may add the year on a second line
    size = ((layout.get("legend") or {}).get("font") or {}).get("size", 12)
    plot_width = FIGURE_WIDTH_PX - margin.get("l", 0) - margin.get("r", 0)  # the legend's room
    rows = _legend_rows(traces, size, plot_width)
    legend = layout.get("showlegend", True) and rows
    bottom = below + LEGEND_PAD_PX + LEGEND_ROW_PX * rows if legend else below + 4
    margin["b"] = max(margin.get("b", 0), bottom)
    # the legend `below` px under the plot, as _layout meant, on the plot's height as it now is
    plot = (layout.get("height") or 0) - margin.get("t", 0) - margin["b"]
    place = layout.get("legend") or {}
    if legend and plot > 0 and (place.get("y") or 0) < 0:
        place["y"] = -below / plot


GUIDE = {"color": GREY, "dash": "dot", "width": 1.5}


def _layout(fig: Draft, title: Title, x: str, y: str, *, height: int = 440, legend=True) -> None:
    """Title (finding) and subtitle (measure) wrapped to a phone's width; the legend below the
    x axis at a fixed distance in pixels, so it never runs into the axis title; the x title
    'year' left out (the ticks say it)."""
    finding, measure = split_title(title)
    head = wrap(finding)
    sub = wrap(measure, SUBTITLE_WIDTH) if measure else ""
    lines = head.count("<br>") + 1
    sub_lines = sub.count("<br>") + 1 if sub else 0
    top = 18 + 21 * lines + 16 * sub_lines + 15 * fig.top
    height += max(0, top - 60)  # room for long titles comes on top of the plot's own
    x = "" if x == "year" else x
    below = legend_offset(bool(x))
    plot_height = max(120, height - top - 60)
    title_spec: dict = {
        "text": head,
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 1 - 16 / height,
        "yanchor": "top",
        "yref": "container",
        "pad": {"l": 4},
        "font": {"size": 16},
    }
    if sub:
        title_spec["subtitle"] = {"text": sub, "font": {"size": 12, "color": "#4A5560"}}
    fig.update(
        title=title_spec,
        colorway=OKABE_ITO,
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": top + 14, "b": 10},
        showlegend=legend,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -below / plot_height,
            "x": 0,
            "title": None,
            "font": {"size": 12},
        },
        hoverlabel={"font": {"family": FONT}},
    )
    fig.xaxis(title={"text": x}, automargin=True, exponentformat="none")
    fig.yaxis(title={"text": y}, automargin=True, exponentformat="none")


def _keep(frame: pl.DataFrame, columns: Sequence[str], required: Sequence[str]) -> pl.DataFrame:
    cols = [c for c in dict.fromkeys(columns) if c and c in frame.columns]
    need = [c for c in required if c in frame.columns]
    out = frame.select(cols)
    return out.drop_nulls(need) if need else out


def _symbols(frame: pl.DataFrame, estimate: str | None, filled: str = "circle") -> list[str]:
    if not estimate or estimate not in frame.columns:
        return [filled] * frame.height
    return [f"{filled}-open" if e else filled for e in frame[estimate].fill_null(False)]


def _hatch(frame: pl.DataFrame, estimate: str | None) -> dict | None:
    """Bar pattern that hatches the estimate rows (None when the frame marks none)."""
    if not estimate or estimate not in frame.columns:
        return None
    shapes = ["/" if e else "" for e in frame[estimate].fill_null(False)]
    return {"shape": shapes, "fgcolor": "white", "solidity": 0.25} if shapes else None


def _hatch_legend(fig: Draft, hatch: dict | None) -> None:
    """A legend entry for the hatching, when some bar is hatched."""
    if hatch and any(hatch["shape"]):
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                name="hatched = estimate",
                marker={"color": GREY, "pattern": {**hatch, "shape": "/"}},
            )
        )


def _estimate_legend(fig: Draft, frame: pl.DataFrame, estimate: str | None) -> None:
    if estimate and estimate in frame.columns and frame[estimate].fill_null(False).any():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "circle-open", "color": GREY, "size": 9},
                name=ESTIMATE_NOTE,
                hoverinfo="skip",
            )
        )


# --------------------------------------------------------------------------- generic builders


def lines(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None,
    title: Title,
    x_label: str,
    y_label: str,
    estimate: str | None = None,
    guides: Sequence[tuple[float, str]] = (),
    dashed: Sequence[str] = (),
    height: int = 440,
    y_range: tuple[float, float] | None = None,
    extra: Sequence[str] = (),
    marks: Sequence[tuple[float, str]] = (),
    log_y: bool = False,
    band: tuple[str, str] | None = None,
) -> Chart:
    """One line per series; estimates hollow; horizontal guide lines (value, label) and
    vertical marks (x, label), e.g. where the data switch from one source to another. `band`
    (lo, hi columns: a 95 % interval) shades the interval around the series that carry it and
    draws grey the points whose interval holds zero (no clear sign), said so in the legend."""
    bounds = list(band) if band else []
    data = _keep(frame, [series, x, y, *bounds, estimate, *extra], [x, y]).sort(
        [c for c in (series, x) if c]
    )
    if log_y:
        data = data.filter(pl.col(y) > 0)
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    fig = Draft()
    groups = data.partition_by(series, maintain_order=True) if series else [data]
    any_unclear = False
    for i, part in enumerate(groups):
        name = str(part[series][0]) if series else y_label
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        colours: str | list[str] = colour
        banded = bool(bounds) and set(bounds) <= set(part.columns)
        if banded:
            ranged = part.drop_nulls(bounds)
            if ranged.height:
                xs = ranged[x].to_list()
                fig.add_trace(
                    go.Scatter(
                        x=xs + xs[::-1],
                        y=ranged[bounds[1]].to_list() + ranged[bounds[0]].to_list()[::-1],
                        fill="toself",
                        fillcolor=_tint(colour),
                        line={"width": 0},
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
            unclear = [
                spans_zero(lo, hi)
                for lo, hi in zip(part[bounds[0]].to_list(), part[bounds[1]].to_list(), strict=True)
            ]
            any_unclear = any_unclear or any(unclear)
            colours = [GREY if u else colour for u in unclear]
        fig.add_trace(
            go.Scatter(
                x=part[x].to_list(),
                y=part[y].to_list(),
                name=name,
                mode="lines" if name in dashed and not banded else "lines+markers",
                line={"color": colour, "dash": "dash" if name in dashed else "solid", "width": 2},
                marker={"symbol": _symbols(part, estimate), "size": 7, "color": colours},
                hovertemplate=f"{name}<br>%{{x}}: %{{y:,.2f}}<extra></extra>",
            )
        )
    if any_unclear:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"color": GREY, "size": 9},
                name=UNCLEAR_POINT,
                hoverinfo="skip",
            )
        )
    for value, label in guides:
        fig.hline(value, label)
    for value, label in marks:  # short labels: Plotly widens the axis to fit the text
        fig.vline(value, label)
    _estimate_legend(fig, data, estimate)
    _layout(fig, title, x_label, y_label, height=height)
    _year_ticks(fig, data[x])
    if y_range:
        fig.yaxis(range=list(y_range))
    if log_y:
        fig.yaxis(type="log")
    return Chart(fig.figure(), data, title)


def _tint(colour: str, alpha: float = 0.18) -> str:
    """'#0072B2' -> 'rgba(0,114,178,0.18)'."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _year_ticks(fig: Draft, values: pl.Series) -> None:
    """Whole years on an integer axis: no '2,022.5', level labels, one tick a year when few."""
    if not values.dtype.is_integer() or values.is_empty():
        return
    # Level labels (slanted ones ran under the legend below the plot), at most seven of them so
    # they fit a phone's width side by side, set a little lower so the first does not touch the
    # y axis' lowest label in the corner. One tick a year when there are only a few years.
    fig.xaxis(tickformat="d", tickangle=0, nticks=7, ticklabelstandoff=6)
    if values.n_unique() <= 6:
        fig.xaxis(dtick=1)


def bars(
    frame: pl.DataFrame,
    *,
    category: str,
    value: str,
    title: Title,
    value_label: str,
    category_label: str = "",
    highlight: str | None = None,
    highlight_column: str | None = None,
    signed: bool = False,
    estimate: str | None = None,
    guides: Sequence[tuple[float, str]] = (),
    extra: Sequence[str] = (),
    sort_descending: bool = True,
    interval: tuple[str, str] | None = None,
    sign_names: tuple[str, str] = ("above zero", "below zero"),
    flag: str | None = None,
    flag_names: tuple[str, str] = ("", ""),
) -> Chart:
    """Horizontal bars, sorted; one bar highlighted, or coloured by sign, or by a boolean `flag`
    column (true vermillion, false blue: told apart in every common colour-vision deficiency,
    `flag_names` in the legend). With `interval` (lo, hi columns) each bar gets error bars and,
    signed, a bar whose interval spans zero is drawn grey (`sign_names` label the clear
    positive and negative ones in the legend)."""
    bounds = list(interval) if interval else []
    data = _keep(
        frame,
        [category, value, *bounds, highlight_column, flag, estimate, *extra],
        [category, value],
    )
    data = data.sort(value, descending=not sort_descending)  # plotly draws bottom-up
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    key = highlight_column or category
    unclear: list[bool] = [False] * data.height
    error = None
    if interval and set(bounds) <= set(data.columns):
        los, his = data[bounds[0]].to_list(), data[bounds[1]].to_list()
        unclear = [spans_zero(lo, hi) for lo, hi in zip(los, his, strict=True)]
        vals = data[value].to_list()
        error = {
            "type": "data",
            "symmetric": False,
            "array": [None if h is None else h - v for v, h in zip(vals, his, strict=True)],
            "arrayminus": [None if lo is None else v - lo for v, lo in zip(vals, los, strict=True)],
            "color": "#444444",
            "thickness": 1.2,
            "width": 3,
        }
    if signed:
        colours = [
            GREY if u else (OKABE_ITO[0] if v >= 0 else OKABE_ITO[3])
            for v, u in zip(data[value], unclear, strict=True)
        ]
    elif flag and flag in data.columns:
        colours = [OKABE_ITO[3] if f else OKABE_ITO[0] for f in data[flag].fill_null(False)]
    else:
        colours = [
            OKABE_ITO[1] if highlight is not None and k == highlight else OKABE_ITO[0]
            for k in data[key]
        ]
    hatch = _hatch(data, estimate)
    fig = Draft(
        go.Bar(
            x=data[value].to_list(),
            y=data[category].to_list(),
            orientation="h",
            marker={
                "color": colours,
                "pattern": hatch,
            },
            error_x=error,
            hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
            showlegend=False,
        )
    )
    if error and signed:
        for name, colour, shown in (
            (
                sign_names[0],
                OKABE_ITO[0],
                any(not u and v >= 0 for v, u in zip(data[value], unclear, strict=True)),
            ),
            (
                sign_names[1],
                OKABE_ITO[3],
                any(not u and v < 0 for v, u in zip(data[value], unclear, strict=True)),
            ),
            (UNCLEAR_BAR, GREY, any(unclear)),
        ):
            if shown:
                fig.add_trace(go.Bar(x=[None], y=[None], name=name, marker={"color": colour}))
    if flag and flag in data.columns and not signed:
        flags = data[flag].fill_null(False)
        for name, colour, shown in (
            (flag_names[0], OKABE_ITO[3], flags.any()),
            (flag_names[1], OKABE_ITO[0], not flags.all()),
        ):
            if shown and name:
                fig.add_trace(go.Bar(x=[None], y=[None], name=name, marker={"color": colour}))
    for v, label in guides:
        fig.vline(v, label)
    _hatch_legend(fig, hatch)
    _layout(fig, title, value_label, category_label, height=max(320, 22 * data.height + 120))
    fig.yaxis(type="category")
    return Chart(fig.figure(), data, title)


def heatmap(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    title: Title,
    x_label: str,
    y_label: str,
    z_label: str,
    estimate: str | None = None,
    row_order: Sequence[str] | None = None,
    zmax: float | None = None,
) -> Chart:
    """Rows × columns coloured by z (cividis); estimate cells carry a hollow ring."""
    data = _keep(frame, [y, x, z, estimate], [x, y]).sort([y, x])
    if data.is_empty() or data[z].drop_nulls().is_empty():
        return Chart(go.Figure(), data.head(0), title)
    rows = list(row_order) if row_order else sorted(data[y].unique().to_list())
    rows = [r for r in rows if r in set(data[y].to_list())]
    cols = sorted(data[x].unique().to_list())
    cell = {(r[y], r[x]): r[z] for r in data.iter_rows(named=True)}
    grid = [[cell.get((r, c)) for c in cols] for r in rows]
    estimated = set()
    if estimate and estimate in data.columns:
        est = data.filter(pl.col(estimate).fill_null(False) & pl.col(z).is_not_null())
        estimated = {(r[y], r[x]) for r in est.iter_rows(named=True)}
    # values in the cells while they fit (a phone shows about 16 columns of one decimal);
    # an estimate's value carries a star, else (too many columns) a ring marks it
    in_cells = len(cols) <= 16
    text = {}
    if in_cells:
        labels = [
            [
                "" if v is None else f"{v:.1f}{'*' if (r, c) in estimated else ''}"
                for c, v in zip(cols, row, strict=True)
            ]
            for r, row in zip(rows, grid, strict=True)
        ]
        text = {"text": labels, "texttemplate": "%{text}", "textfont": {"size": 9}}
    fig = Draft(
        go.Heatmap(
            x=cols,
            y=rows,
            z=grid,
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=zmax,
            colorbar={"title": {"text": z_label, "side": "right"}, "thickness": 10},
            showscale=not in_cells,  # the values are written in the cells
            hovertemplate=f"%{{y}}, %{{x}}: %{{z:.2f}} ({z_label})<extra></extra>",
            xgap=1,
            ygap=1,
            **text,
        )
    )
    if estimated:
        cells = sorted(estimated)
        fig.add_trace(
            go.Scatter(
                x=[None] if in_cells else [c for _, c in cells],
                y=[None] if in_cells else [r for r, _ in cells],
                mode="markers",
                marker={"symbol": "circle-open", "color": GREY if in_cells else "white", "size": 7},
                name="* = estimate" if in_cells else "ring = estimate",
                hoverinfo="skip",
            )
        )
    _layout(fig, title, x_label, y_label, height=max(360, 22 * len(rows) + 140))
    # every row named (Plotly thins crowded category labels otherwise)
    fig.yaxis(
        autorange="reversed",
        type="category",
        tickmode="array",
        tickvals=rows,
        ticktext=rows,
        tickfont={"size": 11},
    )
    # level year labels, at most seven: SIPRI's 1949- columns would overlap on a phone at 5 a tick
    fig.xaxis(tickformat="d", tickangle=0, nticks=7)
    return Chart(fig.figure(), data, title)


def scatter(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    label: str,
    title: Title,
    x_label: str,
    y_label: str,
    log_x: bool = False,
    log_y: bool = False,
    diagonal: bool = False,
    estimate: str | None = None,
    highlight: str | None = None,
    highlight_column: str | None = None,
    extra: Sequence[str] = (),
) -> Chart:
    """Labelled points; optional y = x line (e.g. burden share against GDP share).
    `highlight_column` (a boolean) colours its true points orange, with a legend entry."""
    data = _keep(frame, [label, x, y, estimate, highlight_column, *extra], [x, y])
    if log_x:
        data = data.filter(pl.col(x) > 0)
    if log_y:
        data = data.filter(pl.col(y) > 0)
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    if highlight_column and highlight_column in data.columns:
        flags = data[highlight_column].fill_null(False).to_list()
        colours = [OKABE_ITO[1] if f else OKABE_ITO[0] for f in flags]
    else:
        colours = [
            OKABE_ITO[1] if highlight is not None and v == highlight else OKABE_ITO[0]
            for v in data[label]
        ]
    shown, positions = _declutter(
        data[x].to_list(),
        data[y].to_list(),
        data[label].to_list(),
        log_x,
        log_y,
        first=[c == OKABE_ITO[1] for c in colours],  # the highlighted points keep their names
    )
    fig = Draft(
        go.Scatter(
            x=data[x].to_list(),
            y=data[y].to_list(),
            text=shown,
            customdata=data[label].to_list(),
            mode="markers+text",
            textposition=positions,
            textfont={"size": 10},
            cliponaxis=False,
            marker={"symbol": _symbols(data, estimate), "size": 9, "color": colours},
            hovertemplate="%{customdata}<br>"
            + x_label
            + ": %{x:,.2f}<br>"
            + y_label
            + ": %{y:,.2f}<extra></extra>",
            showlegend=False,
        )
    )
    if diagonal:
        lo = min(data[x].min(), data[y].min())
        hi = max(data[x].max(), data[y].max())
        fig.add_trace(
            go.Scatter(
                x=[lo, hi],
                y=[lo, hi],
                mode="lines",
                line={"color": GREY, "dash": "dot"},
                name="equal shares (R = 1)",
                hoverinfo="skip",
            )
        )
    if highlight_column and highlight_column in data.columns:
        for flag, colour in ((True, OKABE_ITO[1]), (False, OKABE_ITO[0])):
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"color": colour, "size": 9},
                    name=f"{highlight_column.replace('_', ' ')}: {'yes' if flag else 'no'}",
                )
            )
    _estimate_legend(fig, data, estimate)
    _layout(fig, title, x_label, y_label, height=500)
    if log_x:
        fig.xaxis(type="log")
    if log_y:
        fig.yaxis(type="log")
    return Chart(fig.figure(), data, title)


# Scatter labels: at most this many, and only where they meet no other label or point on the
# narrowest plot the chart gets (a phone's, about 300 px square); the rest are in the hover.
LABELS_AT_MOST = 8
LABEL_PLOT_PX = (300.0, 300.0)
LABEL_CHAR_PX, LABEL_HEIGHT_PX = 6.0, 13.0  # a 10 px label: a character's width, its height
POINT_PX = 5.0  # a marker's half width, with a little room


def _declutter(
    xs: list,
    ys: list,
    names: list,
    log_x: bool,
    log_y: bool,
    first: Sequence[bool] = (),
) -> tuple[list[str], list[str]]:
    """Point labels that do not pile up: the points `first` marks, then the highest (then the
    farthest right), each labelled only when its label's box, on a phone-sized plot, meets no
    label already placed and no other point; at most LABELS_AT_MOST. Labels near the right edge
    are set to the left of their point, near the left edge to its right."""

    def scaled(values: list, log: bool) -> list[float]:
        vals = [math.log10(v) if log and v and v > 0 else float(v or 0) for v in values]
        lo, hi = min(vals), max(vals)
        return [(v - lo) / (hi - lo) if hi > lo else 0.5 for v in vals]

    width, height = LABEL_PLOT_PX
    # where each point sits in pixels (Plotly pads an autoranged axis by about 5 % a side)
    px = [width * (0.05 + 0.9 * v) for v in scaled(xs, log_x)]
    py = [height * (0.95 - 0.9 * v) for v in scaled(ys, log_y)]
    where = [
        "top left" if x > 0.8 * width else "top right" if x < 0.12 * width else "top center"
        for x in px
    ]

    def box(i: int) -> tuple[float, float, float, float]:
        w = LABEL_CHAR_PX * len(str(names[i]))
        left = {"top left": px[i] - w, "top right": px[i]}.get(where[i], px[i] - w / 2)
        bottom = py[i] - POINT_PX
        return left, bottom - LABEL_HEIGHT_PX, left + w, bottom

    def meet(a: tuple, b: tuple) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    marks = [
        (px[i] - POINT_PX, py[i] - POINT_PX, px[i] + POINT_PX, py[i] + POINT_PX)
        for i in range(len(xs))
    ]
    flagged = list(first) + [False] * (len(xs) - len(first))
    order = sorted(range(len(xs)), key=lambda i: (not flagged[i], py[i], -px[i]))
    kept: dict[int, tuple] = {}
    for i in order:
        if len(kept) == LABELS_AT_MOST:
            break
        b = box(i)
        if any(meet(b, other) for other in kept.values()):
            continue
        if not flagged[i] and any(meet(b, marks[j]) for j in range(len(xs)) if j != i):
            continue  # (a highlighted point is named even over its neighbours)
        kept[i] = b
    text = [str(n) if i in kept else "" for i, n in enumerate(names)]
    return text, where


def stacked_bars(
    frame: pl.DataFrame,
    *,
    category: str,
    values: dict[str, str],
    title: Title,
    value_label: str,
    sort_by: str | None = None,
    estimate: str | None = None,
    guides: Sequence[tuple[float, str]] = (),
    extra: Sequence[str] = (),
) -> Chart:
    """Horizontal bars, the measures ({column: legend label}) stacked end to end; sorted by
    `sort_by` (largest at the top); estimate rows hatched."""
    cols = [c for c in values if c in frame.columns]
    data = _keep(frame, [category, *cols, estimate, *extra], [category, *cols])
    if data.is_empty() or not cols:
        return Chart(go.Figure(), data.head(0), title)
    order = sort_by if sort_by in data.columns else cols[0]
    data = data.sort(order)  # plotly draws bottom-up: the largest ends on top
    hatch = _hatch(data, estimate)
    fig = Draft()
    for i, col in enumerate(cols):
        fig.add_trace(
            go.Bar(
                x=data[col].to_list(),
                y=data[category].to_list(),
                orientation="h",
                name=values[col],
                marker={
                    "color": OKABE_ITO[i % len(OKABE_ITO)],
                    "pattern": hatch,
                },
                hovertemplate=f"%{{y}}: %{{x:,.2f}}<extra>{values[col]}</extra>",
            )
        )
    for v, label in guides:
        fig.vline(v, label)
    _hatch_legend(fig, hatch)
    _layout(fig, title, value_label, "", height=max(360, 22 * data.height + 160))
    fig.update(barmode="stack", bargap=0.25, legend={"traceorder": "normal"})
    fig.yaxis(type="category")
    return Chart(fig.figure(), data, title)


def dumbbell(
    frame: pl.DataFrame,
    *,
    category: str,
    start: str,
    end: str,
    labels: tuple[str, str],
    title: Title,
    value_label: str,
    flag: str | None = None,
    flag_labels: tuple[str, str] = ("yes", "no"),
    estimate: str | None = None,
    log_x: bool = False,
    sort_by: str | None = None,
    guides: Sequence[tuple[float, str]] = (),
    extra: Sequence[str] = (),
) -> Chart:
    """Two values per category joined by a line: `start` an orange diamond, `end` a blue
    circle (`labels` names them). A boolean `flag` draws its true connectors solid bluish
    green and its false ones dashed grey (`flag_labels` in the legend); estimates hollow."""
    data = _keep(frame, [category, start, end, flag, estimate, *extra], [category, start, end])
    if log_x:
        data = data.filter((pl.col(start) > 0) & (pl.col(end) > 0))
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    data = data.sort(sort_by if sort_by in data.columns else end)  # largest at the top
    fig = Draft()
    has_flag = bool(flag and flag in data.columns)
    groups = [(True, flag_labels[0]), (False, flag_labels[1])] if has_flag else [(None, "")]
    for value, name in groups:
        part = data.filter(pl.col(flag).fill_null(False) == value) if has_flag else data
        if part.is_empty():
            continue
        xs, ys = [], []
        for row in part.iter_rows(named=True):
            xs += [row[start], row[end], None]
            ys += [row[category], row[category], None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name or "",
                showlegend=bool(name),
                line={
                    "color": OKABE_ITO[2] if value in (True, None) else GREY,
                    "dash": "solid" if value in (True, None) else "dash",
                    "width": 3 if value else 2,
                },
                hoverinfo="skip",
            )
        )
    for col, name, symbol, colour in (
        (start, labels[0], "diamond", OKABE_ITO[1]),
        (end, labels[1], "circle", OKABE_ITO[0]),
    ):
        fig.add_trace(
            go.Scatter(
                x=data[col].to_list(),
                y=data[category].to_list(),
                mode="markers",
                name=name,
                marker={
                    "symbol": _symbols(data, estimate, symbol),
                    "size": 10,
                    "color": colour,
                    "line": {"color": colour, "width": 2},
                },
                hovertemplate=f"%{{y}}: %{{x:,.2f}}<extra>{name}</extra>",
            )
        )
    for v, label in guides:
        fig.vline(v, label, "bottom right")
    _estimate_legend(fig, data, estimate)
    _layout(fig, title, value_label, "", height=max(380, 24 * data.height + 170))
    # the sorted order, not the order the connector traces happen to meet the categories
    fig.yaxis(type="category", categoryorder="array", categoryarray=data[category].to_list())
    if log_x:
        fig.xaxis(type="log")
    return Chart(fig.figure(), data, title)


# --------------------------------------------------------------------------- alliance views


def membership_matrix(
    frame: pl.DataFrame,
    *,
    country: str,
    grouping: str,
    title: Title,
    groupings_order: Sequence[str],
) -> Chart:
    """Countries × groupings, a filled cell where the country is a member."""
    data = _keep(frame, [country, grouping], [country, grouping]).unique().sort([country, grouping])
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    rows = sorted(data[country].unique().to_list())
    cols = [g for g in groupings_order if g in set(data[grouping].to_list())]
    cols += sorted(set(data[grouping].to_list()) - set(cols))
    member = {(r[country], r[grouping]) for r in data.iter_rows(named=True)}
    z = [[1 if (r, c) in member else 0 for c in cols] for r in rows]
    text = [["●" if (r, c) in member else "" for c in cols] for r in rows]
    fig = Draft(
        go.Heatmap(
            x=cols,
            y=rows,
            z=z,
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#f4f4f4"], [1, OKABE_ITO[5]]],
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} in %{x}: %{z}<extra>1 = member</extra>",
        )
    )
    _layout(fig, title, "grouping", "country", height=max(420, 18 * len(rows) + 140), legend=False)
    fig.yaxis(autorange="reversed", type="category")
    fig.xaxis(side="top", title={"text": None}, tickangle=-45)
    # the groupings' names sit above the plot, slanted: room for them under the subtitle
    top_labels = 8 + 6 * max(len(str(c)) for c in cols)
    fig.update(
        margin={"t": fig.layout["margin"]["t"] + top_labels},
        height=fig.layout["height"] + top_labels,
    )
    return Chart(fig.figure(), data, title)


def upset(
    frame: pl.DataFrame, *, combination: str, size: str, title: Title, members: str | None = None
) -> Chart:
    """UpSet-style view: bars of each exact combination of groupings, a dot matrix beneath.

    `combination` holds the groupings joined by ' + '."""
    data = _keep(frame, [combination, size, members], [combination, size]).sort(
        size, descending=True
    )
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    combos = data[combination].to_list()
    sets = sorted({s for c in combos for s in c.split(" + ")})
    xs = list(range(len(combos)))
    fig = Draft()
    fig.update(**_upset_grid())
    hover = data[members].to_list() if members else combos
    fig.add_trace(
        go.Bar(
            x=xs,
            y=data[size].to_list(),
            marker={"color": OKABE_ITO[0]},
            text=data[size].to_list(),
            textposition="outside",
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>%{y} countries</extra>",
            showlegend=False,
        )
    )
    for i, combo in zip(xs, combos, strict=True):
        inside = set(combo.split(" + "))
        ys = [s for s in sets if s in inside]
        fig.add_trace(
            go.Scatter(
                x=[i] * len(sets),
                y=sets,
                mode="markers",
                marker={"color": "#dddddd", "size": 11},
                hoverinfo="skip",
                showlegend=False,
                xaxis="x2",
                yaxis="y2",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[i] * len(ys),
                y=ys,
                mode="markers+lines",
                marker={"color": "#222222", "size": 11},
                line={"color": "#222222", "width": 2},
                hoverinfo="skip",
                showlegend=False,
                xaxis="x2",
                yaxis="y2",
            )
        )
    _layout(fig, title, "", "", height=560, legend=False)
    axis = {"automargin": True, "exponentformat": "none"}
    fig.yaxis(title={"text": "countries (number)"}, **axis)
    fig.yaxis(
        "yaxis2",
        title={"text": "groupings"},
        type="category",
        categoryorder="array",
        categoryarray=sets,
        **axis,
    )
    fig.xaxis(
        "xaxis2", showticklabels=False, title={"text": "exact combination of groupings"}, **axis
    )
    fig.xaxis(showticklabels=False)
    return Chart(fig.figure(), data, title)


@cache
def _upset_grid() -> dict:
    """The axes of a bar chart above a dot matrix sharing its x axis (made once)."""
    grid = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.03
    )
    return {k: v for k, v in grid.layout.to_plotly_json().items() if k != "template"}


def timeline(
    frame: pl.DataFrame,
    *,
    start: str,
    end: str,
    row: str,
    colour: str,
    title: Title,
    today: date,
    extra: Sequence[str] = (),
) -> Chart:
    """Small multiples: one panel per grouping (`colour`), one row per country in it, one bar
    per membership spell, every panel on the same time axis. Open spells run to `today`."""
    data = _keep(frame, [row, colour, start, end, *extra], [row, colour, start]).sort(
        [colour, start, row]
    )
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    parts = data.partition_by(colour, maintain_order=True)
    rows_in = [len(dict.fromkeys(p[row].to_list())) for p in parts]
    row_px, gap_px = 13, 34  # a country's row; the room for a panel's name
    plot_px = sum(rows_in) * row_px + gap_px * len(parts)
    fig = Draft()
    top = 1.0
    for i, (part, n) in enumerate(zip(parts, rows_in, strict=True)):
        name = str(part[colour][0])
        axis = "y" if i == 0 else f"y{i + 1}"
        height = n * row_px / plot_px
        bottom = top - gap_px / plot_px - height
        starts = part[start].to_list()
        ends = [e or today for e in part[end].to_list()]
        colour_i = OKABE_ITO[i % len(OKABE_ITO)]
        fig.add_trace(
            go.Bar(
                base=[s.isoformat() for s in starts],
                x=[_ms(e) - _ms(s) for s, e in zip(starts, ends, strict=True)],
                y=part[row].to_list(),
                orientation="h",
                name=name,
                yaxis=axis,
                showlegend=False,
                marker={"color": colour_i},
                customdata=[
                    [s.isoformat(), e.isoformat() if e else "present"]
                    for s, e in zip(starts, part[end].to_list(), strict=True)
                ],
                hovertemplate=f"{name} · %{{y}}<br>%{{customdata[0]}} → %{{customdata[1]}}"
                "<extra></extra>",
            )
        )
        fig.yaxis(
            "yaxis" if i == 0 else f"yaxis{i + 1}",
            domain=[max(bottom, 0.0), top - gap_px / plot_px],
            type="category",
            categoryorder="array",
            categoryarray=list(dict.fromkeys(part[row].to_list())),
            autorange="reversed",
            tickfont={"size": 10},
            automargin=True,
            anchor="x",
        )
        fig.layout.setdefault("annotations", []).append(
            {
                "text": f"<b>{name}</b> ({n})",
                "x": 0,
                "xref": "paper",
                "y": top - 4 / plot_px,
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 12, "color": colour_i},
            }
        )
        top = bottom
    _layout(fig, title, "", "", height=plot_px + 160, legend=False)
    fig.xaxis(type="date", anchor="y" if len(parts) == 1 else f"y{len(parts)}", side="bottom")
    fig.update(barmode="overlay", bargap=0.2)
    return Chart(fig.figure(), data, title)


def date_dots(frame: pl.DataFrame, *, category: str, when: str, title: Title) -> Chart:
    """A dot per category on a date axis (dates are not lengths, so no bars)."""
    data = _keep(frame, [category, when], [category, when]).sort(when)
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    fig = Draft(
        go.Scatter(
            x=[d.isoformat() for d in data[when].to_list()],
            y=data[category].to_list(),
            mode="markers+text",
            text=[d.isoformat() for d in data[when].to_list()],
            textposition="middle right",
            textfont={"size": 10},
            marker={"color": OKABE_ITO[0], "size": 10},
            hovertemplate="%{y}: %{x}<extra></extra>",
            showlegend=False,
        )
    )
    _layout(fig, title, "date", "", height=max(300, 26 * data.height + 120), legend=False)
    lo, hi = data[when].min(), data[when].max()
    pad = max((hi - lo).days * 0.25, 400)
    start, end = lo - timedelta(days=pad * 0.3), hi + timedelta(days=pad)
    fig.xaxis(type="date", range=[start.isoformat(), end.isoformat()])
    fig.yaxis(type="category", autorange="reversed")
    return Chart(fig.figure(), data, title)


def _ms(d: date) -> float:
    return (d - date(1970, 1, 1)).days * 86_400_000.0


def nice_max(values: Sequence[float | None]) -> float | None:
    """A round upper bound for a colour scale (keeps one outlier from washing it out)."""
    vals = sorted(v for v in values if v is not None and not math.isnan(v))
    if not vals:
        return None
    top = vals[int(0.98 * (len(vals) - 1))]
    return math.ceil(top)


# --------------------------------------------------------------------------- map

GEOJSON_URL = "app/static/countries-110m.geojson"  # relative: fetched once, cached by the browser
REGIONS = {  # lon and lat ranges the map shows
    "atlantic": ((-165.0, 45.0), (22.0, 78.0)),
    "world": ((-180.0, 180.0), (-58.0, 84.0)),
}


def choropleth(
    frame: pl.DataFrame,
    *,
    location: str,
    value: str,
    label: str,
    title: Title,
    colour_label: str,
    region: str = "atlantic",
    midpoint: float | None = None,
    categories: Sequence[str] = (),
    extra: Sequence[str] = (),
    hover: str | None = None,
) -> Chart:
    """Countries coloured by `value` (cividis; a diverging scale around `midpoint`; or, with
    `categories`, one Okabe-Ito colour per category index 0, 1, ...). The shapes come from
    static/countries-110m.geojson by ISO3 code, so the map needs no network. `hover` names a
    column of text shown on hover instead of the value (a count beside its band)."""
    data = _keep(
        frame, [location, label, value, *extra, *([hover] if hover else [])], [location, value]
    )
    if data.is_empty():
        return Chart(go.Figure(), data, title)
    trace: dict = {
        "geojson": GEOJSON_URL,
        "featureidkey": "id",
        "locations": data[location].to_list(),
        "z": data[value].to_list(),
        "text": data[label].to_list(),
        "marker": {"line": {"color": "white", "width": 0.5}},
        "colorbar": {
            "title": {"text": colour_label, "side": "top"},
            "orientation": "h",
            "thickness": 10,
            "len": 0.9,
            "x": 0,
            "xanchor": "left",
            "y": -0.02,
            "yanchor": "top",
        },
        "hovertemplate": "%{text}: %{z:,.2f}<extra></extra>",
    }
    if categories:
        palette = [OKABE_ITO[3], OKABE_ITO[5], OKABE_ITO[0], OKABE_ITO[2]][: len(categories)]
        n = len(categories)
        scale = []
        for i, colour in enumerate(palette):
            scale += [[i / n, colour], [(i + 1) / n, colour]]
        trace.update(
            colorscale=scale,
            zmin=-0.5,
            zmax=n - 0.5,
            hovertemplate="%{text}: %{customdata}<extra></extra>",
            customdata=[categories[int(v)] for v in data[value].to_list()],
        )
        trace["colorbar"].update(tickvals=list(range(n)), ticktext=list(categories))
    if hover:
        trace.update(
            customdata=data[hover].to_list(), hovertemplate="%{text}: %{customdata}<extra></extra>"
        )
    elif (
        midpoint is not None
    ):  # symmetric, so one outlier (a country at war) cannot wash out the rest
        spread = sorted(abs(v - midpoint) for v in data[value].to_list())
        bound = max(spread[int(0.95 * (len(spread) - 1))], 0.1)
        trace.update(colorscale="BrBG", zmin=midpoint - bound, zmax=midpoint + bound)
    else:
        trace.update(colorscale=SEQUENTIAL, zmin=0)
    fig = Draft(go.Choropleth(**trace))
    lon, lat = REGIONS.get(region, REGIONS["atlantic"])
    _layout(fig, title, "", "", height=520, legend=False)
    fig.update(
        geo={
            "visible": False,  # no base map to fetch: only the shapes of the countries shown
            "projection": {"type": "natural earth"},
            "lonaxis": {"range": list(lon)},
            "lataxis": {"range": list(lat)},
            "bgcolor": "rgba(0,0,0,0)",
        },
        margin={"b": 70},
    )
    return Chart(fig.figure(), data, title)
