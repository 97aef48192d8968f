"""What a page run no longer repeats (docs/PERFORMANCE.md, readers at scale): each test fails
when the work comes back on every run, or when what is kept outlives what it was made from."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from app import chartcache, ui
from app import data as d
from ledger import queries


def test_a_query_is_looked_up_without_listing_the_folder(monkeypatch):
    def listed() -> list[str]:
        raise AssertionError("queries/ listed on a page run")

    monkeypatch.setattr(queries, "names", listed)
    assert d.available("source_file")
    assert not d.available("no_such_query")
    assert not d.available("../queries/source_file")  # a name, never a path
    assert not d.available("")


def test_the_freshness_line_is_made_once_per_database_file_and_day(monkeypatch):
    made = []

    def ages(today: date) -> d.Data:
        made.append(today)
        return d.Data("source_ages", pl.DataFrame(), {}, {}, f"ages of {today}")

    monkeypatch.setattr(ui.ages, "source_ages", ages)
    monkeypatch.setattr(ui, "built_at", lambda: "")
    ui._freshness.clear()
    day, later = date(2026, 12, 7), date(2026, 12, 8)
    file, refreshed = (1, 2, 3), (4, 2, 3)
    assert ui._freshness(file, day) == "ages of 2026-12-07"
    assert ui._freshness(file, day) == "ages of 2026-12-07"
    assert made == [day]  # the second view of the day reads nothing
    ui._freshness(refreshed, day)  # a new database file
    ui._freshness(file, later)  # a new day
    assert made == [day, day, later]
    ui._freshness.clear()


def test_a_tables_shown_frame_is_kept_per_content(monkeypatch):
    calls = []
    config = ui.columns_config

    def counted(frame: pl.DataFrame, meta: dict, names: dict | None) -> dict:
        calls.append(frame.height)
        return config(frame, meta, names)

    monkeypatch.setattr(ui, "columns_config", counted)
    make = ui._table_view  # what show_table keeps
    frame = pl.DataFrame({"iso3": ["GBR", None], "year": [2024, 2025]})
    meta = {"columns": {"iso3": "the country's code"}}
    first = chartcache.view(make, frame, meta, {"iso3": "country"})
    assert chartcache.view(make, frame.clone(), meta, {"iso3": "country"}) is first
    assert calls == [2]
    chartcache.view(make, frame.head(1), meta, {"iso3": "country"})  # other rows
    chartcache.view(make, frame, {"columns": {}}, {"iso3": "country"})  # another sidecar
    chartcache.view(make, frame, meta, {"year": "year"})  # other columns
    assert calls == [2, 1, 2, 2]
    shown, config = first
    assert shown["iso3"].to_list() == ["GBR", "—"]  # what show_table drew before
    assert set(config) == {"iso3", "year"}


@pytest.mark.parametrize("part", [object(), {"key": object()}])
def test_a_table_that_cannot_be_keyed_is_made_every_time(part):
    calls = []
    frame = pl.DataFrame({"x": [1]})
    chartcache.view(lambda f, p: calls.append(1), frame, part)
    chartcache.view(lambda f, p: calls.append(1), frame, part)
    assert calls == [1, 1]


def test_query_results_are_kept_without_pickling_and_each_caller_gets_its_own(monkeypatch):
    ran = []

    def query(name: str, bound: tuple) -> pl.DataFrame:
        ran.append((name, bound))
        return pl.DataFrame({"year": [dict(bound)["year"]]})

    def pickled(*args, **kwargs):
        raise AssertionError("a kept frame was pickled")

    monkeypatch.setattr(d, "_query", query)
    monkeypatch.setattr("pickle.loads", pickled)
    kept = d._Results(2)
    first = kept("burden", (("year", 2024),), "a.duckdb", (1, 2, 3))
    again = kept("burden", (("year", 2024),), "a.duckdb", (1, 2, 3))
    assert ran == [("burden", (("year", 2024),))]  # the second call ran nothing
    assert again is not first and again.equals(first)
    again.insert_column(1, pl.Series("x", [1]))  # a caller's change stays its own
    assert kept("burden", (("year", 2024),), "a.duckdb", (1, 2, 3)).columns == ["year"]
    kept("burden", (("year", 2024),), "a.duckdb", (9, 2, 3))  # a new file: run again
    kept("burden", (("year", 2024.0),), "a.duckdb", (1, 2, 3))  # another type: run again
    assert len(ran) == 3
    kept("burden", (("year", 2023),), "a.duckdb", (1, 2, 3))  # past the size: oldest dropped
    kept("burden", (("year", 2024),), "a.duckdb", (1, 2, 3))
    assert len(ran) == 5
    kept.clear()
    kept("burden", (("year", 2023),), "a.duckdb", (1, 2, 3))
    assert len(ran) == 6


def test_margins_are_set_for_the_labels_so_plotly_lays_a_chart_out_once():
    """A horizontal bar chart of country names: the left margin holds the longest name, the
    bottom the x title and a legend row; a heatmap and a chart with names along x are left to
    Plotly's automargin (which stays on for whatever the estimate misses)."""
    import plotly.graph_objects as go

    from app import charts

    names = ["North Macedonia", "Poland"]
    fig = charts.Draft(go.Bar(x=[1.5, 4.1], y=names, orientation="h", name="burden"))
    fig.update(height=400, margin={"l": 10, "b": 10, "t": 80}, legend={"y": -0.2})
    fig.xaxis(title={"text": "% of GDP"}, automargin=True)
    layout = fig.figure().layout
    assert layout.margin.l >= len("North Macedonia") * charts.CHAR_EM * 13
    assert layout.margin.b >= charts.legend_offset(True) + charts.LEGEND_ROW_PX  # + a legend row
    assert layout.xaxis.automargin  # still on: a phone's narrower legend may need more
    plot = 400 - 80 - layout.margin.b
    assert layout.legend.y == pytest.approx(-charts.legend_offset(True) / plot)  # as placed

    heat = charts.Draft(go.Heatmap(z=[[1, 2]], y=names[:1]))
    heat.update(margin={"l": 10, "b": 10})
    assert heat.figure().layout.margin.l == 10
    along_x = charts.Draft(go.Bar(x=names, y=[1.5, 4.1]))
    along_x.update(margin={"l": 10, "b": 10})
    laid = along_x.figure().layout
    assert laid.margin.b == 10 and laid.margin.l > 10  # slanted names' height: Plotly's
