"""Reader features of issue 15 on the pages: intervals read from the query runner on every
statistic (grey where they span zero), per-capita spending, finding titles computed from the data
shown, and empty states that say what to change."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from app import charts
from app.views import alliances as alliances_views
from app.views import burden as burden_views
from app.views import capability as capability_views
from app.views import country as country_views
from app.views import free_riding as free_riding_views
from ledger import words
from tests.test_app import (  # noqa: F401 (app_db, db_env: fixtures)
    app_db,
    db_env,
    open_page,
    specs,
    texts,
    title_of,
)

# --------------------------------------------------------------------------- intervals


def _tests_frame() -> pl.DataFrame:
    """An exploitation_test frame as the runner finishes it (rho, partial_rho with _lo, _hi)."""
    return pl.DataFrame(
        {
            "alliance": ["NATO"] * 3,
            "source": ["nato"] * 3,
            "year": [2022, 2023, 2024],
            "n": [29, 30, 31],
            "n_estimates": [0, 0, 3],
            "rho": [0.45, 0.10, -0.05],
            "rho_lo": [0.10, -0.27, -0.39],
            "rho_hi": [0.70, 0.44, 0.31],
            "partial_rho": [0.50, 0.40, 0.02],
            "partial_rho_lo": [0.16, 0.03, -0.34],
            "partial_rho_hi": [0.74, 0.67, 0.37],
        }
    )


def _markers(chart: charts.Chart, name: str) -> list:
    trace = next(t for t in chart.figure.data if t.name == name)
    colours = trace.marker.color
    return list(colours) if isinstance(colours, tuple | list) else [colours] * len(trace.x)


def test_rho_over_time_bands_both_correlations_and_greys_what_spans_zero():
    chart = free_riding_views.rho_over_time(_tests_frame())
    bands = [t for t in chart.figure.data if t.fill == "toself"]
    assert len(bands) == 2  # the plain and the partial correlation each have their interval
    plain = _markers(chart, free_riding_views.RHO_NAME)
    partial = _markers(chart, free_riding_views.PARTIAL_NAME)
    assert plain[0] != charts.GREY and plain[1:] == [charts.GREY, charts.GREY]
    assert partial[:2] != [charts.GREY] * 2 and partial[2] == charts.GREY
    assert charts.UNCLEAR_POINT in {t.name for t in chart.figure.data}
    # the plotted data carry the runner's bounds, not bounds derived here
    lo = chart.data.filter(pl.col("measure") == free_riding_views.PARTIAL_NAME)["lo"].to_list()
    assert lo == [0.16, 0.03, -0.34]
    assert charts.title_text(chart.title).startswith(
        "A clear link between size and burden in 1 of 3"
    )


def test_a_frame_without_the_runners_intervals_claims_no_clear_sign():
    """The views derive no interval: without _lo/_hi a result is not called clear."""
    bare = _tests_frame().drop(["rho_lo", "rho_hi", "partial_rho_lo", "partial_rho_hi"])
    chart = free_riding_views.rho_over_time(bare)
    assert not [t for t in chart.figure.data if t.fill == "toself"]
    assert set(_markers(chart, free_riding_views.RHO_NAME)) == {charts.GREY}
    assert free_riding_views.association(0.45, None, None).startswith("No clear link")


def test_statistic_lines_are_grey_and_say_so_when_the_interval_spans_zero():
    clear = free_riding_views.statistic_line(
        "Larger economies carry heavier defence burdens", 0.45, 0.1, 0.7
    )
    assert clear.startswith("**Larger") and "spans zero" not in clear
    unclear = free_riding_views.statistic_line("No clear link", 0.1, -0.27, 0.44, 0.6)
    assert unclear.startswith(":gray[") and "spans zero" in unclear and "p = 0.600" in unclear
    assert free_riding_views.partial_association(0.02, -0.34, 0.37).endswith(
        "no clear link remains"
    )
    assert "still carry heavier" in free_riding_views.partial_association(0.5, 0.16, 0.74)


def test_broader_rho_has_bands_and_a_finding_from_the_data():
    frame = pl.DataFrame(
        {
            "alliance": ["NATO"] * 2,
            "year": [2023, 2024],
            "n": [28, 28],
            "n_estimates": [0, 0],
            "rho_plain": [0.1, 0.5],
            "rho_plain_lo": [-0.3, 0.15],
            "rho_plain_hi": [0.45, 0.74],
            "rho_broader": [0.05, 0.2],
            "rho_broader_lo": [-0.33, -0.18],
            "rho_broader_hi": [0.42, 0.53],
        }
    )
    chart = capability_views.broader_rho(frame)
    assert len([t for t in chart.figure.data if t.fill == "toself"]) == 2
    title = charts.title_text(chart.title)
    assert title.startswith("Counting aid lowers ρ from 0.50 to 0.20 in 2024")
    assert "only the plain one's interval excludes zero" in title
    flipped = frame.with_columns(rho_broader=pl.Series([0.05, 0.9]))
    assert "raises" in charts.title_text(capability_views.broader_rho(flipped).title)


@pytest.mark.usefixtures("db_env")
def test_free_riding_shows_both_correlations_with_the_runners_intervals():
    from app import data

    at = open_page("free_riding", {"year": "2024"})
    assert not at.exception, [e.value for e in at.exception]
    test = free_riding_views.test_row(
        data.get(
            "exploitation_test", source="nato", alliance="NATO", membership="historical"
        ).frame,
        2024,
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["95 % interval"] == words.span(test["rho_lo"], test["rho_hi"])
    partial = metrics["95 % interval, income per head held constant"]
    assert partial == words.span(test["partial_rho_lo"], test["partial_rho_hi"])
    assert partial != "—"
    # 2024 on NATO's figures: neither interval excludes zero, so both lines are grey and say so
    lines = texts(at.markdown)
    assert ":gray[No clear link" in lines and "no clear link remains" in lines
    assert lines.count("spans zero") >= 2
    rho_chart = next(s for s in specs(at) if "Rank correlation of GDP" in title_of(s))
    assert sum(1 for t in rho_chart["data"] if t.get("fill") == "toself") == 2
    assert any(t.get("name") == charts.UNCLEAR_POINT for t in rho_chart["data"])


@pytest.mark.parametrize("column", ["rho", "slope"])
def test_clear_count_reads_the_interval_columns(column):
    frame = pl.DataFrame(
        {
            column: [1.0, -1.0, 0.1, None],
            f"{column}_lo": [0.5, -2.0, -0.2, None],
            f"{column}_hi": [1.5, -0.1, 0.4, None],
        }
    )
    assert free_riding_views.clear_count(frame, column) == (2, 3)


# --------------------------------------------------------------------------- per head


def _bars(spec: dict) -> dict[str, float]:
    trace = spec["data"][0]
    return dict(zip(trace["y"], trace["x"], strict=True))


@pytest.mark.usefixtures("db_env")
def test_burden_page_shows_spending_per_head_on_the_sources_own_figures():
    from app import data

    at = open_page("burden", {"year": "2024"})
    assert not at.exception, [e.value for e in at.exception]
    spec = next(s for s in specs(at) if "per head" in title_of(s))
    per_head = _bars(spec)
    # Poland 2024e on NATO's June 2024 tables: US$ 34,975 m over the 37.76 m inhabitants its
    # Tables 5 and 6 imply (GDP at 2015 prices / GDP per head); at 2015 prices this is NATO's
    # published per-capita figure, US$ 711.
    with data.cursor() as con:
        me, gdp, gdp_pc, published = con.execute(
            "select current_usd_m, gdp_constant_usd_m, gdp_per_capita_constant_kusd, "
            "per_capita_constant_usd from nato_at() where iso3 = 'POL' and year = 2024"
        ).fetchone()
    population = gdp / gdp_pc * 1000
    assert per_head["Poland"] == pytest.approx(me * 1e6 / population)
    assert per_head["Poland"] == pytest.approx(926.3, abs=0.05)
    assert published == pytest.approx(710.8, abs=0.05)
    title = title_of(spec)
    assert "current prices" in title and "population implied by NATO's tables" in title
    top = max(per_head, key=per_head.get)
    assert title.startswith(f"{top} spends the most per head: US$ {per_head[top]:,.0f}")
    # the same measure on SIPRI's figures is SIPRI's own published per-capita figure
    at.radio(key="source").set_value("sipri").run()
    spec = next(s for s in specs(at) if "per head" in title_of(s))
    assert _bars(spec)["Poland"] == pytest.approx(890.2, abs=0.05)
    assert "SIPRI's own per-capita figures" in title_of(spec)


@pytest.mark.usefixtures("db_env")
def test_the_map_switches_to_spending_per_head():
    at = open_page("burden", {"source": "sipri", "area": "world", "map": "per_head"})
    assert not at.exception, [e.value for e in at.exception]
    spec = next(s for s in specs(at) if s["data"][0].get("type") == "choropleth")
    trace = spec["data"][0]
    assert len(trace["locations"]) > 100  # the world, on SIPRI's per-capita figures
    z = dict(zip(trace["locations"], trace["z"], strict=True))
    # the newest year, 2025, in SIPRI's April 2026 release: Poland's own per-capita figure
    assert z["POL"] == pytest.approx(1218.8, abs=0.05)
    assert "per head" in title_of(spec) and "US$" in title_of(spec)


def test_per_head_finding_follows_the_data():
    frame = pl.DataFrame(
        {
            "country": ["Norway", "Latvia", "Spain"],
            "year": [2024] * 3,
            "source": ["nato"] * 3,
            "alliance": ["NATO"] * 3,
            "me_per_capita_current_usd": [2000.0, 700.0, 400.0],
        }
    )
    title = charts.title_text(burden_views.per_head(frame).title)
    assert title.startswith("Norway spends the most per head: US$ 2,000, 5 times Spain's")
    swapped = frame.with_columns(pl.Series("me_per_capita_current_usd", [300.0, 900.0, 400.0]))
    assert charts.title_text(burden_views.per_head(swapped).title).startswith(
        "Latvia spends the most per head: US$ 900, 3 times Norway's"
    )


@pytest.mark.usefixtures("db_env")
def test_country_per_head_comes_from_the_same_row():
    at = open_page("country", {"country": "POL"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Per head, 2024 (NATO figures)"] == "US$ 926"
    )  # NATO's money over NATO's population


# --------------------------------------------------------------------------- finding titles


def _finding(spec: dict) -> str:
    return spec["layout"]["title"]["text"].replace("<br>", " ")


def _spec(at, measure: str) -> dict:
    return next(s for s in specs(at) if measure in title_of(s))


def _fastest_growth(spec: dict) -> str:
    """The country whose line rises most from its first to its last point (plotted data)."""
    ratios = {
        t["name"]: t["y"][-1] / t["y"][0]
        for t in spec["data"]
        if t.get("y") and t.get("name") and t["y"][0]
    }
    return max(ratios, key=ratios.get)


@pytest.mark.usefixtures("db_env")
def test_capability_titles_state_the_finding_of_the_data_shown():
    at = open_page("capability")
    assert not at.exception, [e.value for e in at.exception]
    equipment = _spec(at, "Spending on major equipment,")
    first = _finding(equipment)
    assert first.startswith(f"{_fastest_growth(equipment)}'s spending on major equipment grew")
    at.multiselect(key="allies").set_value(["GBR", "FRA", "DEU"]).run()
    assert not at.exception
    equipment = _spec(at, "Spending on major equipment,")
    assert _finding(equipment) != first
    assert _finding(equipment).startswith(f"{_fastest_growth(equipment)}'s spending")
    # every chart on the page: a finding in the title, the measure in the subtitle
    for spec in specs(at):
        assert spec["layout"]["title"].get("subtitle", {}).get("text"), _finding(spec)
    hague = _finding(_spec(at, "Real growth in defence spending needed"))
    at.select_slider(key="target").set_value(2.0).run()
    assert _finding(_spec(at, "Real growth in defence spending needed")) != hague
    assert "below 2 % of GDP" in _finding(_spec(at, "Real growth in defence spending needed"))


@pytest.mark.usefixtures("db_env")
def test_alliances_titles_state_the_finding_of_the_data_shown():
    from app import data

    at = open_page("alliances")
    assert not at.exception, [e.value for e in at.exception]
    for spec in specs(at):
        assert spec["layout"]["title"].get("subtitle", {}).get("text"), _finding(spec)
    today = _finding(_spec(at, "Who belongs to what"))
    at.date_input(key="as_of").set_value(date(1995, 1, 1)).run()
    assert not at.exception
    then = _finding(_spec(at, "Who belongs to what"))
    assert then != today
    long = alliances_views.memberships_long(
        data.get("overlap_matrix", as_of=date(1995, 1, 1)).frame
    )
    most = long.group_by("country").len()["len"].max()
    assert then.endswith(f": {most}") or then.endswith(f": {most} each")
    combo = _finding(_spec(at, "Membership combinations"))
    top = alliances_views.intersections(
        data.get("overlap_matrix", as_of=date(1995, 1, 1)).frame
    ).row(0)
    assert combo == f"The most common combination is {top[0]}: {top[1]} countries"


def test_alliance_findings_follow_hand_made_data():
    matrix = pl.DataFrame(
        {
            "country": ["A", "B", "C"],
            "as_of": ["2024-01-01"] * 3,
            "nato": [True, True, True],
            "eu": [True, False, True],
            "jef": [True, False, False],
        }
    )
    assert alliances_views._most_memberships(matrix) == "A belongs to the most groupings: 3"
    both = matrix.with_columns(jef=pl.Series([True, False, True]))
    assert alliances_views._most_memberships(both) == "A and C belong to the most groupings: 3 each"
    shares = pl.DataFrame(
        {
            "year": [2024, 2024],
            "alliance": ["JEF", "UK-PL-UA"],
            "pct_nato_members": [100.0, 66.7],
        }
    )
    finding = charts.title_text(alliances_views.minilateral_nato_share(shares).title)
    assert finding.startswith("1 of 2 minilaterals are all NATO allies in 2024")
    assert "UK–Poland–Ukraine has the fewest: 67 %" in finding


# --------------------------------------------------------------------------- empty states

READER_PAGES = ["burden", "free_riding", "capability", "alliances", "country"]


@pytest.mark.parametrize("page", READER_PAGES)
def test_every_chart_and_table_names_its_own_empty_state(page):
    """Each chart and table on the reader pages says what to change when it has nothing to
    show, rather than the generic fallback."""
    import ast
    from pathlib import Path

    from app import ui

    tree = ast.parse((Path(__file__).parent.parent / "app" / "pages" / f"{page}.py").read_text())
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("show_chart", "show_table")
    ]
    assert calls
    for call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        assert "empty" in keywords, f"{page}.py line {call.lineno}"
        text = ast.unparse(keywords["empty"])
        # an instruction: what to choose, widen, add or rebuild
        assert re.search(r"\b(choose|widen|add|rebuild)\b", text.lower()), (page, call.lineno, text)
    assert "no rows" not in ui.NO_ROWS


@pytest.mark.usefixtures("db_env")
def test_empty_selections_say_what_to_change():
    at = open_page("alliances")
    at.multiselect(key="groups").set_value([]).run()
    assert not at.exception
    assert "Choose at least one grouping above" in texts(at.info)
    at = open_page("burden", {"group": "WARSAW"})  # the Warsaw Pact: no NATO figures
    assert not at.exception, [e.value for e in at.exception]
    infos = texts(at.info)
    assert "choose another grouping" in infos or "choose SIPRI" in infos, infos
    assert "no rows" not in infos.lower() and "hold no" not in infos.lower()


def test_country_titles_state_its_figures_and_rank():
    series = pl.DataFrame(
        {
            "year": [2014, 2024, 2024],
            "source": ["NATO", "NATO", "SIPRI"],
            "share_gdp_pct": [1.85, 4.12, 4.15],
            "is_estimate": [False, True, False],
        }
    )
    title = charts.title_text(country_views.country_series(series, "Poland").title)
    assert title.startswith("Poland: 4.12 % of GDP in 2024 (NATO), up from 1.85 % in 2014")
    sipri_only = series.filter(pl.col("source") == "SIPRI")
    assert charts.title_text(country_views.country_series(sipri_only, "Poland").title).startswith(
        "Poland: 4.15 % of GDP in 2024 (SIPRI)"
    )
    allies = pl.DataFrame(
        {
            "alliance": ["NATO"] * 3,
            "source": ["nato"] * 3,
            "iso3": ["POL", "USA", "FRA"],
            "country": ["Poland", "United States", "France"],
            "year": [2024] * 3,
            "burden_pct": [4.12, 3.38, 2.06],
        }
    )
    assert charts.title_text(country_views.country_rank(allies, "FRA").title).startswith(
        "France ranks 3rd of 3 members of NATO in 2024"
    )
    assert charts.title_text(country_views.country_rank(allies, "POL").title).startswith(
        "Poland ranks 1st of 3"
    )


def test_per_head_downloads_at_the_sources_published_precision():
    from app import cite

    frame = pl.DataFrame({"me_per_capita_current_usd": [926.3007], "burden_pct": [4.1202]})
    assert cite.rounded(frame, "nato")["me_per_capita_current_usd"][0] == 926.0
    assert cite.rounded(frame, "sipri")["me_per_capita_current_usd"][0] == 926.3


def test_concordance_years_whose_interval_holds_zero_are_grey():
    """The Hodges–Lehmann band of the concordance test (the runner's hl_lo, hl_hi) greys like
    every other interval: one rule, in charts.lines."""
    frame = pl.DataFrame(
        {
            "alliance": ["NATO"] * 2,
            "source": ["nato"] * 2,
            "year": [2023, 2024],
            "variant": ["gdp", "gdp"],
            "hl": [-0.8, -0.1],
            "hl_lo": [-1.2, -0.5],
            "hl_hi": [-0.3, 0.2],
        }
    )
    chart = free_riding_views.concordance(frame)
    colours = _markers(chart, free_riding_views.CONCORDANCE_VARIANTS["gdp"])
    assert colours[0] != charts.GREY and colours[1] == charts.GREY
    assert charts.UNCLEAR_POINT in {t.name for t in chart.figure.data}


def test_country_groupings_put_nato_first_and_keep_what_the_burden_page_ranks():
    memberships = pl.DataFrame({"alliance": ["B9", "EU", "NATO", "B9", "WARSAW"]})
    known = ["NATO", "B9", "JEF", "EU"]
    assert country_views.groupings(memberships, known) == ["NATO", "B9", "EU"]
    assert country_views.groupings(pl.DataFrame(), known) == []
    assert country_views.groupings(memberships, []) == ["NATO", "B9", "EU", "WARSAW"]
    names = country_views.names(pl.DataFrame({"iso3": ["POL", "GBR"], "name": ["Poland", "UK"]}))
    assert names == {"POL": "Poland", "GBR": "UK"} and country_views.names(pl.DataFrame()) == {}
