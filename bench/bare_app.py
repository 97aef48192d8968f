"""The baseline for bench/dashboard.py: a bare Streamlit page that draws Plotly charts from data
already in memory, nothing else (no database, no queries, no captions, no downloads).

    uv run streamlit run bench/bare_app.py -- (served by bench/dashboard.py, not by hand)

The URL says what to draw, so one server stands in for every page of the real app:
`?charts=BYTES:HEIGHT:HALF,...` draws one chart per item, each a line-and-marker trace whose
figure JSON is about BYTES long (what the app's chart of that position sent over the websocket),
HEIGHT px high, and in a half-width column when HALF is 1 (two consecutive half charts share a
row, as in the app). The 'Year' selectbox and the 'Source' radio stand in for the app's controls:
changing either shifts the slice of the in-memory data every chart plots, so every chart is
redrawn. The data (a polars frame of 400,000 points from numpy) is made once per process.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import polars as pl
import streamlit as st

POINTS = 400_000
YEARS = list(range(2024, 1999, -1))


@st.cache_resource
def pool() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    return pl.DataFrame(
        {
            "x": np.arange(POINTS, dtype=np.int64),
            "y": rng.normal(2.0, 0.8, POINTS).round(3),
        }
    )


def figure(frame: pl.DataFrame, height: int, title: str) -> go.Figure:
    fig = go.Figure(
        go.Scatter(x=frame["x"].to_list(), y=frame["y"].to_list(), mode="lines+markers", name="y")
    )
    fig.update_layout(title=title, height=height, margin={"t": 50})  # the default template
    return fig


@st.cache_resource
def bytes_per_point() -> tuple[float, float]:
    """(fixed bytes, bytes per point) of figure()'s JSON, from two sizes (done once)."""
    frame = pool()
    small, large = 100, 2100
    a = len(figure(frame.head(small), 400, "t").to_json())
    b = len(figure(frame.head(large), 400, "t").to_json())
    per = (b - a) / (large - small)
    return a - per * small, per


def points_for(size: int) -> int:
    fixed, per = bytes_per_point()
    return int(min(POINTS // 4, max(2, (size - fixed) / per)))


def parse(spec: str) -> list[tuple[int, int, bool]]:
    charts = []
    for item in filter(None, spec.split(",")):
        size, height, half = (item.split(":") + ["0", "0"])[:3]
        charts.append((int(size), int(height or 440), half == "1"))
    return charts


st.set_page_config(page_title="Bare", layout="wide")
st.title("Bare page")
left, right = st.columns(2)
year = left.selectbox("Year", YEARS, key="year")
source = right.radio("Source", ["NATO", "SIPRI"], horizontal=True, key="source")
offset = (YEARS.index(year) * 2 + (source == "SIPRI")) * 1_000

charts = parse(st.query_params.get("charts", ""))
data = pool()
pending = None  # a half-width chart waiting for its row partner
for i, (size, height, half) in enumerate(charts):
    n = points_for(size)
    fig = figure(data.slice(offset + i * 7, n), height, f"Chart {i + 1}: {n} points, {year}")
    if half:
        if pending is None:
            pending = st.columns(2)
            with pending[0]:
                st.plotly_chart(fig, key=f"c{i}", theme=None)
            continue
        with pending[1]:
            st.plotly_chart(fig, key=f"c{i}", theme=None)
        pending = None
    else:
        pending = None
        st.plotly_chart(fig, key=f"c{i}", theme=None)
st.caption(json.dumps({"charts": len(charts)}))
