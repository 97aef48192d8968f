"""Readers at scale, on a phone: charts that hold still under a thumb, tables headed for a
reader, the "below 2 %" answer, scatter labels that do not pile up, a country's series that
names the country, and the data's age on the page. Plain functions, no browser (the browser
checks at 390 px are in tests/browser/test_browser.py)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from app import charts, cite, columns, ui
from app.views import burden as burden_views
from app.views import country as country_views
from ledger import queries
from tests.test_app import app_db, db_env, open_page  # noqa: F401 (app_db, db_env: fixtures)

# --------------------------------------------------------------------------- charts hold still


def _figures() -> list[charts.Chart]:
    """One chart of each kind of builder: lines, bars, heatmap, scatter, subplots, panels, map."""
    years = pl.DataFrame({"year": [2022, 2023, 2024], "v": [1.0, 2.0, 3.0], "s": ["a"] * 3})
    people = pl.DataFrame({"country": ["A", "B", "C"], "x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0]})
    spells = pl.DataFrame(
        {
            "country": ["A", "B"],
            "grouping": ["G", "H"],
            "start": [date(2000, 1, 1), date(2004, 1, 1)],
            "end": [None, date(2010, 1, 1)],
        }
    )
    return [
        charts.lines(years, x="year", y="v", series="s", title="t", x_label="", y_label=""),
        charts.bars(people, category="country", value="x", title="t", value_label=""),
        charts.heatmap(
            years.with_columns(c=pl.lit("A")),
            x="year",
            y="c",
            z="v",
            title="t",
            x_label="",
            y_label="",
            z_label="",
        ),
        charts.scatter(people, x="x", y="y", label="country", title="t", x_label="", y_label=""),
        charts.upset(
            pl.DataFrame({"combo": ["G", "G + H"], "n": [3, 2]}),
            combination="combo",
            size="n",
            title="t",
        ),
        charts.timeline(
            spells,
            start="start",
            end="end",
            row="country",
            colour="grouping",
            title="t",
            today=date(2025, 1, 1),
        ),
        charts.choropleth(
            pl.DataFrame({"iso3": ["POL"], "v": [4.1], "name": ["Poland"]}),
            location="iso3",
            value="v",
            label="name",
            title="t",
            colour_label="",
        ),
    ]


def test_every_chart_leaves_a_swipe_to_the_page():
    """No drag mode (Plotly then lets a touch scroll the page and a tap still hovers) and every
    axis fixed, on every kind of figure, subplots and panels included."""
    for chart in _figures():
        layout = chart.figure.layout
        assert layout.dragmode is False, chart.figure.data[0].type
        axes = [k for k in layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]
        assert axes, chart.figure.data[0].type
        for axis in axes:
            assert layout[axis].fixedrange is True, (chart.figure.data[0].type, axis)
    # and no gesture zooms, no double-click resets, no tip asks for one
    assert ui.PLOTLY_CONFIG["scrollZoom"] is False
    assert ui.PLOTLY_CONFIG["doubleClick"] is False
    assert ui.PLOTLY_CONFIG["showTips"] is False


# --------------------------------------------------------------------------- tables


def test_every_sidecar_column_gets_a_readers_header():
    names = {c for n in queries.names() for c in (queries.load(n).meta.get("columns") or {})}
    assert len(names) > 200
    for name in sorted(names):
        header = columns.header(name)
        assert header and not columns.SNAKE.fullmatch(header) or "_" not in header, name
        assert "_" not in header, (name, header)
    assert columns.header("burden_pct") == "% of GDP"
    assert columns.header("is_estimate") == "estimate"
    assert columns.header("me_current_usd_m") == "spending, US$ m (current)"
    assert columns.header("rho_plain_lo") == "ρ plain, 95 % interval from"
    assert columns.header("uk_pl_ua") == "UK–PL–UA"  # the catalogue's short name
    assert columns.header("members left out") == "members left out"  # already a header


def test_table_config_heads_pins_and_explains():
    frame = pl.DataFrame(
        {
            "country": ["Spain"],
            "burden_pct": [1.28],
            "note": ["a long note that would take the whole width of a phone"],
        }
    )
    meta = {"columns": {"burden_pct": "defence expenditure / GDP,\n  published (percent)"}}
    config = columns.config(frame, meta)
    assert config["country"]["label"] == "country" and config["country"]["pinned"] is True
    assert config["burden_pct"]["label"] == "% of GDP"
    assert config["burden_pct"]["help"] == "defence expenditure / GDP, published (percent)"
    assert config["burden_pct"].get("pinned") is not True
    assert config["note"]["width"] == "medium"  # long text kept narrow
    # a renamed table (show_table's `columns`) still finds the query's description
    renamed = frame.rename({"burden_pct": "share"})
    config = columns.config(renamed, meta, {"burden_pct": "share"})
    assert config["share"]["label"] == "share" and config["share"]["help"].startswith("defence")


# --------------------------------------------------------------------------- below 2 %


def _shortfall() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": ["nato"] * 5,
            "year": [2024] * 5,
            "iso3": ["POL", "ESP", "BEL", "DEU", "ISL"],
            "country": ["Poland", "Spain", "Belgium", "Germany", "Iceland"],
            "burden_pct": [4.12, 1.28, 1.30, 2.12, None],
            "is_estimate": [True, True, False, True, None],
        }
    )


def test_the_laggards_are_named_lowest_first():
    frame = _shortfall()
    below = burden_views.laggards(frame)
    assert below["country"].to_list() == ["Spain", "Belgium"]
    assert below["short_of_2pct_pp"].round(2).to_list() == [0.72, 0.70]
    assert burden_views.laggards_sentence(frame) == (
        "In 2024, 2 of 4 allies spent less than 2 % of GDP on defence (NATO figures): Spain and "
        "Belgium (lowest first)."
    )
    everyone = frame.filter(pl.col("burden_pct") >= 2)
    assert burden_views.laggards_sentence(everyone) == (
        "In 2024, all 2 allies with a figure spent 2 % of GDP or more (NATO figures)."
    )
    assert burden_views.laggards_sentence(frame.head(0)) == ""


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
DEFICIENCIES = {
    "protanopia": ((0.152, 1.053, -0.205), (0.115, 0.786, 0.099), (-0.004, -0.048, 1.052)),
    "deuteranopia": ((0.367, 0.861, -0.228), (0.280, 0.673, 0.047), (-0.012, 0.043, 0.969)),
    "tritanopia": ((1.256, -0.077, -0.179), (-0.078, 0.931, 0.148), (0.005, 0.691, 0.304)),
}


def _seen(colour: str, matrix) -> tuple[float, ...]:
    rgb = [_linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5)]
    return tuple(sum(m * c for m, c in zip(row, rgb, strict=True)) for row in matrix)


def test_the_laggards_have_a_colour_of_their_own_for_every_reader():
    chart = burden_views.guideline_shortfall(_shortfall())
    bars = chart.figure.data[0]
    colour = dict(zip(bars.y, bars.marker.color, strict=True))
    below, above = colour["Spain"], colour["Poland"]
    assert colour["Belgium"] == below != above and colour["Germany"] == above
    assert {below, above} <= set(charts.OKABE_ITO)
    assert {"below 2 %", "2 % or more"} <= {t.name for t in chart.figure.data}
    for name, matrix in {"trichromat": ((1, 0, 0), (0, 1, 0), (0, 0, 1)), **DEFICIENCIES}.items():
        a, b = _seen(below, matrix), _seen(above, matrix)
        distance = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
        assert distance > 0.25, (name, distance)  # linear RGB: far apart, not a shade apart


# --------------------------------------------------------------------------- scatter labels


def test_scatter_labels_do_not_pile_up():
    # 30 points in a tight cluster and a few apart: a handful of names, none on another
    xs = [1.0 + 0.01 * i for i in range(30)] + [5.0, 9.0]
    ys = [1.0 + 0.01 * (i % 7) for i in range(30)] + [5.0, 9.0]
    names = [f"Country {i}" for i in range(32)]
    text, where = charts._declutter(xs, ys, names, False, False)
    shown = [i for i, t in enumerate(text) if t]
    assert 2 <= len(shown) <= charts.LABELS_AT_MOST
    assert {30, 31} <= set(shown)  # the points apart keep their names
    flagged = [i == 3 for i in range(32)]
    text, _ = charts._declutter(xs, ys, names, False, False, first=flagged)
    assert text[3] == "Country 3"  # a highlighted point is named first


# --------------------------------------------------------------------------- country profile


def test_the_country_series_names_the_country_on_every_row():
    series = pl.DataFrame(
        {"year": [2023, 2024], "source": ["NATO", "NATO"], "share_gdp_pct": [3.9, 4.1]}
    )
    chart = country_views.country_series(series, "Poland", "POL")
    assert chart.data["iso3"].to_list() == ["POL", "POL"]
    assert chart.data["country"].to_list() == ["Poland", "Poland"]
    csv = cite.with_iso3(chart.data, series)  # what the download holds, in this order
    assert csv.columns[:2] == ["iso3", "country"]


# --------------------------------------------------------------------------- pages


@pytest.mark.usefixtures("db_env")
def test_the_data_age_is_on_the_page_and_the_laggards_on_top():
    at = open_page("burden")
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.main.caption]
    assert any(c.startswith("Data built") for c in captions)  # not only in the sidebar
    first = at.main.subheader[0].value
    assert first.startswith("Allies below the 2 % guideline")
    sentence = next(m.value for m in at.main.markdown if m.value.startswith("In "))
    assert "spent less than 2 % of GDP" in sentence
    assert at.dataframe[0].value.columns[0] == "country"


@pytest.mark.usefixtures("db_env")
def test_country_controls_sit_by_the_ranking():
    at = open_page("country", {"country": "POL"})
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert "Rank among NATO allies, 2024 (NATO figures)" in labels
    # the source, grouping and year come after the key figures, above the ranking they change
    order = [getattr(e, "key", None) or getattr(e, "label", None) for e in at.main]
    headline = labels[: labels.index("US forces stationed here") + 1]  # not the expander's
    figures = [order.index(label) for label in headline]
    assert order.index("country") < min(figures)
    for control in ("source", "group", "year"):
        assert order.index(control) > max(figures), control
