"""The dashboard without a browser: every page under AppTest, widgets changing what is shown,
and the plain functions behind the pages (data access, controls, chart builders, claim cards)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from app import chartcache, charts, claimcards, nav, widgets
from app.views import alliances as alliances_views
from app.views import burden as burden_views
from app.views import capability as capability_views
from app.views import claims as claims_views
from app.views import free_riding as free_riding_views
from app.views import key_figures as figures_views
from app.views import map as map_views
from core.catalogue import groupings, sources
from ledger import queries
from tests import helpers
from tests.dashboard_db import dashboard_db
from tests.helpers import CHART_PAGES, METHODS_SECTIONS, open_page
from tests.tinydb import make_db

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(helpers.DASHBOARD)
TIMEOUT = helpers.APP_TIMEOUT


@pytest.fixture(scope="session")
def app_db(request, tmp_path_factory) -> Path:
    return dashboard_db(request, tmp_path_factory)


@pytest.fixture
def db_env(app_db, monkeypatch) -> Path:
    monkeypatch.setenv("ALLIANCE_DB", str(app_db))
    return app_db


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def titles(at: AppTest) -> list[str]:
    """Each chart's finding and, after ' — ', its measure (the subtitle)."""
    return [title_of(s) for s in specs(at)]


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("key", [p.key for p in nav.PAGES])
def test_every_page_runs_without_exception(db_env, key):
    at = open_page(key)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == nav.BY_KEY[key].title
    if key in CHART_PAGES:
        assert at.get("plotly_chart"), f"{key} drew no chart"
        assert not at.main.warning, texts(at.main.warning)
    # every chart has a title and a CSV download with a unique key
    for spec in specs(at):
        assert spec["layout"]["title"]["text"]
    keys = [b.proto.id for b in at.get("download_button")]
    assert len(keys) == len(set(keys))
    assert len(at.get("download_button")) >= len(at.get("plotly_chart"))


def test_landing_page_shows_every_claim_with_verdicts(db_env):
    """The landing page in full is tested in tests/test_claims.py (issue 14): here, that it
    draws one card per claim with verdict badges, the tally and the editions."""
    from ledger import claims

    n = len(claims.all_claims())
    at = open_page("claims")
    headings = [m.value for m in at.markdown if str(m.value).startswith("##### C")]
    assert [h.split(" ·")[0] for h in headings] == [f"##### C{i}" for i in range(1, n + 1)]
    badges = [b.proto.label for b in at.get("badge")] if at.get("badge") else []
    tally = next(str(m.value) for m in at.markdown if "Today:" in str(m.value))
    counts = claimcards.tally_counts(tally.split("  \n")[1])
    assert set(counts) <= set(claimcards.VERDICTS)
    for label in badges:
        assert label in claimcards.VERDICTS
    assert sum(counts.values()) == n
    assert "Data editions behind the verdicts" in texts(at.markdown)
    assert "NATO Public Diplomacy Division" in texts(at.markdown)


def test_database_missing_is_built_from_the_snapshot(tmp_path, monkeypatch):
    if not (ROOT / "data" / "snapshot" / "source_file.json").is_file():
        pytest.skip("no committed snapshot")
    db = tmp_path / "fresh" / "alliance.duckdb"
    monkeypatch.setenv("ALLIANCE_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert db.is_file()
    assert at.get("plotly_chart")


# --------------------------------------------------------------------------- controls


def test_switching_the_source_changes_the_figures(db_env):
    at = open_page("burden")
    before = specs(at)
    assert at.radio(key="source").value == "nato"
    at.radio(key="source").set_value("sipri").run()
    assert not at.exception
    after = specs(at)
    assert any("SIPRI figures" in t for t in titles(at))
    assert [s["data"] for s in before] != [s["data"] for s in after]


def test_year_grouping_and_membership_change_the_charts(db_env):
    at = open_page("burden")
    years = at.selectbox(key="year").options
    assert "2020" in years
    at.selectbox(key="year").set_value(2020).run()
    assert any("2020" in t for t in titles(at))
    at.selectbox(key="group").set_value("JEF").run()
    assert not at.exception
    assert any("% of GDP, Joint Expeditionary Force" in t for t in titles(at))  # its one label
    at.radio(key="membership").set_value("current").run()
    assert not at.exception


@pytest.mark.parametrize("key", ["burden", "free_riding"])
def test_every_grouping_and_source_renders_without_error(db_env, key):
    at = open_page(key)
    for source in ("nato", "sipri"):
        at.radio(key="source").set_value(source).run()
        for code in at.selectbox(key="group").options:
            value = {v: k for k, v in groupings.labels().items()}.get(code, code)
            at.selectbox(key="group").set_value(value).run()
            assert not at.exception, (source, value, [e.value for e in at.exception])
            assert not at.main.warning, (source, value, texts(at.main.warning))


def test_historical_states_and_non_allies_get_messages(db_env):
    at = open_page("country")
    for iso3 in ("SUN", "DDR", "UKR"):
        at.selectbox(key="country").set_value(iso3).run()
        assert not at.exception, (iso3, [e.value for e in at.exception])
        assert not at.main.warning, (iso3, texts(at.main.warning))
    assert "None of the three sources" in texts(at.info) or at.get("plotly_chart")


def test_country_choice_changes_the_profile(db_env):
    at = open_page("country")
    assert any("United Kingdom" in t for t in titles(at))
    at.selectbox(key="country").set_value("POL").run()
    assert not at.exception
    assert any(t.startswith("Poland:") for t in titles(at))
    # a country outside NATO with few figures still renders, with messages instead of errors
    at.selectbox(key="country").set_value("UKR").run()
    assert not at.exception


def test_url_parameters_restore_the_view(db_env):
    at = open_page(
        "burden",
        {"source": "SIPRI", "year": "2010", "group": groupings.label("NATO_EUROPE_CANADA")},
    )
    assert not at.exception
    assert at.radio(key="source").value == "sipri"
    assert at.selectbox(key="year").value == 2010
    assert at.selectbox(key="group").value == "NATO_EUROPE_CANADA"
    assert any("NATO Europe and Canada" in t and "SIPRI" in t for t in titles(at))
    assert any("2010" in t for t in titles(at))


def test_a_source_and_a_grouping_added_to_the_catalogue_are_offered(db_env, monkeypatch):
    """Offering a new source or grouping on the pages needs no edit outside the catalogue: an
    entry added at run time is a choice of every query of its type and of the pages' controls."""
    eurostat = replace(sources.SOURCES["worldbank"], key="eurostat", short="Eurostat", offered=True)
    aukus = groupings.Grouping("AUKUS", "AUKUS", "minilateral", "AUKUS pact", "AUKUS", "AUKUS")
    monkeypatch.setitem(sources.SOURCES, "eurostat", eurostat)
    monkeypatch.setitem(groupings.GROUPINGS, "AUKUS", aukus)
    assert queries.choices("burden", "source") == ["nato", "sipri", "eurostat"]
    assert queries.choices("burden", "alliance")[-1] == "AUKUS"
    assert queries.coerce(queries.load("burden"), {"alliance": "AUKUS"})["alliance"] == "AUKUS"
    at = open_page("burden")
    assert not at.exception, [e.value for e in at.exception]
    assert "Eurostat" in at.radio(key="source").options
    assert "AUKUS pact" in at.selectbox(key="group").options
    assert "Eurostat" in at.radio(key="source").help


def test_urls_carry_codes_and_old_links_open_the_same_view(db_env):
    # a link made before this change carried labels; it opens the same view...
    old = open_page(
        "burden",
        {
            "source": "SIPRI",
            "group": "Joint Expeditionary Force",
            "membership": "Today's members, every year",
        },
    )
    assert not old.exception and not old.main.warning
    assert old.radio(key="source").value == "sipri"
    assert old.selectbox(key="group").value == "JEF"
    assert old.radio(key="membership").value == "current"
    # ...and the URL now holds the short codes
    assert old.query_params["source"] == ["sipri"] or old.query_params["source"] == "sipri"
    new = open_page("burden", {"source": "sipri", "group": "JEF", "membership": "current"})
    assert [s["data"] for s in specs(new)] == [s["data"] for s in specs(old)]
    new.radio(key="membership").set_value("historical").run()  # the default leaves the URL
    assert "membership" not in new.query_params
    country = open_page("country", {"country": "Poland"})  # old link: the name
    assert country.selectbox(key="country").value == "POL"
    assert any(t.startswith("Poland:") for t in titles(country))


def test_year_outside_the_source_range_gives_a_message(db_env):
    at = open_page("burden", {"year": "1990"})  # NATO's tables start in 2014
    assert not at.exception
    assert "outside the years" in texts(at.info)
    assert at.selectbox(key="year").value == 2014


def test_empty_selection_gives_a_message_not_an_error(db_env):
    at = open_page("alliances")
    at.multiselect(key="groups").set_value([]).run()
    assert not at.exception
    assert "Choose at least one grouping above" in texts(at.info)


def test_free_riding_page_reports_the_test_for_the_year(db_env):
    at = open_page("free_riding")
    rho = next(m for m in at.metric if m.label.startswith("Rank correlation"))
    assert rho.value != "—"
    at.selectbox(key="year").set_value(2016).run()
    assert not at.exception
    assert any("2016" in t for t in titles(at))


# --------------------------------------------------------------------------- capability


def title_of(spec: dict) -> str:
    title = spec["layout"]["title"]
    sub = (title.get("subtitle") or {}).get("text", "")
    return " — ".join(t.replace("<br>", " ") for t in (title["text"], sub) if t)


def chart(at: AppTest, start: str) -> dict:
    """The spec of the chart whose title or subtitle holds `start` (the measure, in the
    subtitle: the title states the finding, which changes with the data)."""
    hits = [s for s in specs(at) if start in title_of(s)]
    assert hits, (start, titles(at))
    return hits[0]


def plotted(spec: dict) -> list:
    """The traces' data without their styling (what changes when the numbers do)."""
    return [{k: t.get(k) for k in ("name", "x", "y") if k in t} for t in spec["data"]]


CAPABILITY_CHARTS = [
    "Spending on major equipment",
    "Equipment stock by perpetual inventory",
    "Share of the equipment stock vs share of GDP",
    "Military personnel per 1,000 inhabitants",
    "Defence spending per member of the armed forces",
    "Share of the world's CINC",
    "Real growth in defence spending needed to reach 3.5 % of GDP by 2035",
    "Defence plus all aid to Ukraine",
    "Counting aid",
]


def test_capability_page_draws_every_view_with_sources(db_env):
    at = open_page("capability")
    assert not at.exception, [e.value for e in at.exception]
    for start in CAPABILITY_CHARTS:
        chart(at, start)
    captions = texts(at.main.caption)
    # one line of provenance per chart, short names and editions (details behind the expander)
    for publisher in ("Source: NATO (June 2024 edition)", "Correlates of War", "Kiel tracker"):
        assert publisher in captions
    assert "Hollow markers" in captions
    assert len(at.get("download_button")) >= len(CAPABILITY_CHARTS)
    assert not at.main.warning, texts(at.main.warning)


def test_depreciation_changes_the_stock_not_the_spending(db_env):
    at = open_page("capability")
    spending = plotted(chart(at, "Spending on major equipment"))
    stock = plotted(chart(at, "Equipment stock by perpetual inventory"))
    shares = plotted(chart(at, "Share of the equipment stock vs share of GDP"))
    assert "10 % a year" in title_of(chart(at, "Equipment stock"))
    at.select_slider(key="depreciation").set_value(0.06).run()
    assert not at.exception
    assert "6 % a year" in title_of(chart(at, "Equipment stock"))
    assert plotted(chart(at, "Spending on major equipment")) == spending
    assert plotted(chart(at, "Equipment stock by perpetual inventory")) != stock
    assert plotted(chart(at, "Share of the equipment stock vs share of GDP")) != shares
    at.radio(key="initial_stock").set_value("zero").run()
    assert not at.exception
    assert "start from zero" in title_of(chart(at, "Equipment stock"))


def test_hague_controls_change_the_required_growth(db_env):
    at = open_page("capability")
    before = plotted(chart(at, "Real growth in defence spending needed"))
    at.select_slider(key="target").set_value(5.0).run()
    assert not at.exception
    spec = chart(at, "Real growth in defence spending needed to reach 5 % of GDP by 2035")
    assert plotted(spec) != before
    at.select_slider(key="target_year").set_value(2030).run()
    at.select_slider(key="gdp_growth").set_value(2.0).run()
    assert not at.exception
    title = title_of(chart(at, "Real growth in defence spending needed"))
    assert "5 % of GDP by 2030" in title and "2 % a year" in title
    on_course = next(m for m in at.metric if m.label.startswith("On course"))
    assert int(on_course.value) >= 0


def test_capability_controls_in_the_url_restore_the_view(db_env):
    at = open_page(
        "capability",
        {
            "depreciation": "15 % a year",
            "target": "5 % of GDP",
            "group": "Joint Expeditionary Force",
        },
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.select_slider(key="depreciation").value == 0.15
    assert at.select_slider(key="target").value == 5.0
    assert at.selectbox(key="group").value == "JEF"
    assert "Spending on major equipment, Joint Expeditionary Force" in " ".join(titles(at))


def test_capability_empty_selections_give_messages(db_env):
    at = open_page("capability")
    at.multiselect(key="allies").set_value([]).run()
    at.multiselect(key="balance").set_value([]).run()
    assert not at.exception
    infos = texts(at.info)
    assert "Choose at least one ally" in infos
    assert "Choose at least one grouping." in infos
    # a grouping without some of the chosen allies keeps the rest, without an error
    at.multiselect(key="allies").set_value(["GBR", "POL", "ITA"]).run()
    at.selectbox(key="group").set_value("B9").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="allies").value == ["POL"]


def test_burden_page_points_to_the_hague_path_on_capability(db_env):
    at = open_page("burden")
    assert not any("Hague commitment" in t for t in titles(at))
    links = [e.proto.label for e in at.get("page_link")]
    assert any("Capability" in label for label in links), links


def test_claim_c2_explores_the_capability_page(db_env):
    at = open_page("claims")
    links = [e.proto for e in at.get("page_link")]
    assert any(link.label == "Explore: Capability" for link in links), [x.label for x in links]


# --------------------------------------------------------------------------- data age


def test_sidebar_says_the_data_age_in_one_line(db_env):
    at = open_page("claims")
    assert not at.exception
    line = texts(at.sidebar.caption)
    assert line.startswith("Data built ") and "published" not in line
    assert len(at.sidebar.caption) == 1 and not at.sidebar.warning  # no warning box
    # on the real (and snapshot) editions: NATO 2024-06-17 and WDI 2025-10 starred, SIPRI's
    # April 2026 release not (a yearly source 7 months old)
    for source in ("NATO", "World Bank"):
        assert re.search(source + r" \d+ months\*", line), line
    assert re.search(r"SIPRI \d+ months(?!\*)", line), line
    assert "a newer edition is probably out" in line and "Kiel tracker 3 months*" not in line


def test_methods_page_draws_only_the_chosen_section(db_env):
    """Four sections drawn at once loaded in twice a bare page's time: the first visit draws
    the sources, a link's `?section=` another one, each with what it holds."""
    at = open_page("methods")
    assert not at.exception
    assert [s.value for s in at.subheader][:1] == ["Sources"]
    assert not at.get("plotly_chart") and not at.latex
    shown = {}
    for section in METHODS_SECTIONS:
        view = open_page("methods", {"section": section})
        assert not view.exception, (section, [e.value for e in view.exception])
        shown[section] = [s.value for s in view.subheader]
        assert "Sources" not in shown[section]
        if section == "Agreement":
            assert len(view.get("plotly_chart")) == 1 and not view.latex
        if section == "Formulas":
            assert len(view.latex) >= 9 and not view.dataframe
    assert shown["Revisions"][0] == "What changed since the last edition"


def test_methods_page_lists_every_source_age(db_env):
    at = open_page("methods")
    assert not at.exception
    ages = next(df.value for df in at.dataframe if "age (days)" in df.value.columns)
    assert {"NATO Public Diplomacy Division", "Correlates of War Project"} <= set(ages["publisher"])
    stale = dict(zip(ages["raw-file folder"], ages["newer edition probably out"], strict=True))
    assert stale["nato"] and not stale["cow"]


def test_methods_page_lists_the_chosen_countrys_revisions_only(db_env):
    """Every country's revisions (13,140 rows over eight SIPRI releases) were most of the page's
    weight in a browser; the page shows the chosen country's, the one it shows vintages of."""
    at = open_page("methods", {"section": "Revisions"})
    assert not at.exception

    def revised() -> set[str]:
        frame = next(df.value for df in at.dataframe if "previous edition" in df.value.columns)
        assert len(frame)
        return set(frame["country"])

    assert revised() == {"GBR"}
    at.selectbox(key="vintage_country").set_value("POL").run()
    assert not at.exception and revised() == {"POL"}


def test_methods_page_describes_the_chosen_indicator(db_env):
    at = open_page("methods", {"section": "Formulas"})
    assert not at.exception
    box = at.selectbox(key="indicator")
    assert len(box.options) > 20 and any(o.endswith("(burden)") for o in box.options)
    described = [m.value for m in at.markdown if "SQL: `queries/" in m.value]
    assert len(described) == 1  # one description drawn, not one per indicator
    box.set_value("burden").run()
    described = [m.value for m in at.markdown if "SQL: `queries/" in m.value]
    assert len(described) == 1 and "queries/burden.sql" in described[0]


def test_age_line_names_each_source_and_marks_stale_ones():
    from app import ui

    ages = pl.DataFrame(
        {
            "source": ["nato", "kiel", "cow"],
            "publisher": ["NATO PDD", "Kiel", "COW"],
            "edition": ["2024-06-17", "R29", "NMC 6.0"],
            "published": [date(2024, 6, 17), date(2026, 8, 4), None],
            "age_days": [891, 113, None],
            "period_days": [365, 122, None],
            "stale": [True, False, False],
            "note": ["29 months old; yearly, so a newer edition is probably out", "x", "y"],
        }
    )
    assert ui.age_line(ages, "2026-12-01 00:00 UTC") == (
        "Data built 2026-12-01 00:00 UTC; sources' age: Kiel tracker 3 months, NATO 29 months*; "
        "* a newer edition is probably out."
    )
    fresh = ages.with_columns(pl.lit(False).alias("stale"))
    assert "*" not in ui.age_line(fresh, "")
    assert ui.age_text(1) == "1 day" and ui.age_text(45) == "45 days" and ui.age_text(None)


# --------------------------------------------------------------------------- SQL explorer


def test_sql_explorer_runs_a_query_and_refuses_files(db_env):
    at = open_page("sql")
    at.text_area(key="sql").set_value("select iso3, name from country order by iso3 limit 5").run()
    assert not at.exception and not at.error
    frame = next(df.value for df in at.dataframe if "iso3" in df.value.columns)
    assert len(frame) == 5
    at.text_area(key="sql").set_value("SELECT * FROM read_csv('/etc/passwd')").run()
    assert not at.exception
    assert "switched off" in texts(at.error)
    at.text_area(key="sql").set_value("drop table country").run()
    assert "Only read-only queries" in texts(at.error)


def test_sql_example_fills_the_box(db_env):
    at = open_page("sql")
    first = next(iter(__import__("app.examples", fromlist=["EXAMPLES"]).EXAMPLES))
    at.selectbox(key="example").set_value(first).run()
    assert not at.exception
    assert at.text_area(key="sql").value.startswith("select")
    assert not at.error


# --------------------------------------------------------------------------- data access


def test_a_refreshed_file_is_reopened_without_a_restart(tmp_path, monkeypatch):
    from app import data

    path = tmp_path / "alliance.duckdb"
    alliance = {
        "code": "NATO",
        "name": "North Atlantic Treaty Organization",
        "kind": "treaty alliance",
        "founded": date(1949, 4, 4),
        "source_url": "https://www.nato.int",
    }
    make_db(path, {"alliance": [alliance]})
    monkeypatch.setenv("ALLIANCE_DB", str(path))
    reader = data._Reader()
    with reader.cursor() as (cur, first):
        assert cur.execute("select count(*) from alliance").fetchall()[0][0] == 1
    staged = tmp_path / "next.duckdb"
    make_db(staged, {"alliance": [alliance, {**alliance, "code": "JEF", "name": "JEF"}]})
    os.replace(staged, path)
    with reader.cursor() as (cur, second):
        assert second != first
        assert cur.execute("select count(*) from alliance").fetchall()[0][0] == 2
    reader.close()


def test_the_running_app_follows_a_refresh(app_db, tmp_path, monkeypatch):
    served = tmp_path / "served.duckdb"
    served.write_bytes(app_db.read_bytes())
    monkeypatch.setenv("ALLIANCE_DB", str(served))
    at = open_page("sql")
    at.text_area(key="sql").set_value("select count(*) as n from alliance").run()
    before = next(df.value for df in at.dataframe if "n" in df.value.columns)["n"][0]
    assert before >= 8
    staged = tmp_path / "staged.duckdb"
    make_db(
        staged,
        {
            "alliance": [
                {
                    "code": "NATO",
                    "name": "North Atlantic Treaty Organization",
                    "kind": "treaty alliance",
                    "founded": date(1949, 4, 4),
                    "source_url": "https://www.nato.int",
                }
            ]
        },
    )
    os.replace(staged, served)  # what `etl refresh` does when it publishes
    at.run()
    assert not at.exception
    after = next(df.value for df in at.dataframe if "n" in df.value.columns)["n"][0]
    assert after == 1


def test_pages_reuse_the_queries_the_claims_ran(db_env):
    from app import data, verdicts

    data._finished.clear()  # earlier tests may have cached the pages' results already
    verdicts.clear()
    at = open_page("claims")  # evaluates the claims: their queries land in the one cache
    assert not at.exception
    before = data.query_runs()
    at.switch_page(nav.BY_KEY["free_riding"].path).run()
    assert not at.exception
    after = data.query_runs()
    # us_share at its defaults: run once, by the claims (C5), then reused by the page
    assert before.get("us_share") and after["us_share"] == before["us_share"], (before, after)


def test_csv_of_nested_columns_is_flat():
    from app import cite

    frame = pl.DataFrame({"members": [["ALB", "BEL"], []], "n": [2, 0]})
    assert cite.csv_ready(frame).write_csv().splitlines()[1] == '"ALB, BEL",2'


# --------------------------------------------------------------------------- plain functions


def test_resolve_picks_the_nearest_year_and_says_so():
    assert widgets.resolve(2016, [2024, 2023, 2016]) == (2016, None)
    assert widgets.resolve("2016", [2024, 2016]) == (2016, None)
    value, note = widgets.resolve(1990, list(range(2014, 2025)))
    assert value == 2014 and "outside" in note
    value, note = widgets.resolve("XX", ["NATO", "JEF"], "NATO")
    assert value == "NATO" and "not available" in note
    assert widgets.resolve(None, [], None) == (None, None)


def test_intersections_count_exact_combinations():
    matrix = pl.DataFrame(
        {
            "as_of": [date(2025, 1, 1)] * 3,
            "country": ["Estonia", "Latvia", "Austria"],
            "nato": [True, True, False],
            "eu": [True, True, True],
            "b9": [True, True, False],
        }
    )
    out = alliances_views.intersections(matrix)
    assert out.to_dicts() == [
        {"combination": "NATO + EU + B9", "countries": 2, "members": "Estonia, Latvia"},
        {"combination": "EU", "countries": 1, "members": "Austria"},
    ]
    assert not alliances_views.upset(matrix).empty


def test_dumbbell_keeps_the_sorted_order_and_marks_the_flag():
    frame = pl.DataFrame(
        {
            "country": ["A", "B", "C"],
            "needed": [5.0, 1.0, 3.0],
            "achieved": [2.0, 4.0, 3.5],
            "on_course": [False, True, True],
            "is_estimate": [True, True, False],
        }
    )
    chart = charts.dumbbell(
        frame,
        category="country",
        start="needed",
        end="achieved",
        labels=("needed", "achieved"),
        title="t",
        value_label="% a year",
        flag="on_course",
        flag_labels=("on course", "not on course"),
        estimate="is_estimate",
        sort_by="needed",
    )
    assert chart.data["country"].to_list() == ["B", "C", "A"]
    assert list(chart.figure.layout.yaxis.categoryarray) == ["B", "C", "A"]
    names = [t.name for t in chart.figure.data]
    assert {"on course", "not on course", "needed", "achieved", charts.ESTIMATE_NOTE} <= set(names)
    needed = next(t for t in chart.figure.data if t.name == "needed")
    assert list(needed.marker.symbol) == ["diamond-open", "diamond", "diamond-open"]


def test_capability_views_plot_exactly_their_data():
    hague = pl.DataFrame(
        {
            "country": ["A", "B", "C"],
            "latest_year": [2024] * 3,
            "latest_is_estimate": [True] * 3,
            "latest_share_gdp_pct": [1.5, 2.0, 4.0],
            "target_pct": [3.5] * 3,
            "target_year": [2035] * 3,
            "gdp_growth_pct": [1.5] * 3,
            "base_year": [2014] * 3,
            "required_real_growth_pct": [9.0, 6.0, None],
            "avg_real_growth_pct": [3.0, 7.0, 5.0],
            "on_course": [False, True, None],
            "at_target_now": [False, False, True],
        }
    )
    chart = capability_views.hague_path(hague)
    assert chart.data["country"].to_list() == ["B", "A"]  # the ally at the target is left out
    assert "3.5 % of GDP by 2035" in charts.title_text(chart.title)
    assert charts.title_text(chart.title).startswith(
        "1 of 2 allies below 3.5 % of GDP are on course"
    )
    assert capability_views.on_course(hague) == {
        "allies": 3,
        "at_target": 1,
        "on_course": 1,
        "not_on_course": 1,
    }
    personnel = pl.DataFrame(
        {
            "country": ["A"] * 4,
            "year": [2012, 2013, 2014, 2015],
            "source": ["cow", "cow", "nato", "nato"],
            "is_estimate": [False] * 4,
            "personnel_per_1000": [5.0, 4.8, 4.0, 4.1],
            "me_per_soldier_constant_kusd": [None, None, 100.0, 110.0],
        }
    )
    density = capability_views.personnel_density(personnel)
    assert density.data.height == 4 and "source" in density.data.columns
    assert density.figure.layout.shapes[0].x0 == 2013.5  # where COW gives way to NATO
    per_soldier = capability_views.spending_per_soldier(personnel, "constant")
    assert per_soldier.data["year"].to_list() == [2014, 2015]
    assert "2014–2015" in charts.title_text(per_soldier.title)


def test_chart_data_is_exactly_what_is_plotted():
    frame = pl.DataFrame(
        {
            "country": ["A", "B", "C"],
            "year": [2024] * 3,
            "burden_pct": [1.5, None, 3.0],
            "is_estimate": [True, False, False],
            "unused": [1, 2, 3],
        }
    )
    chart = burden_views.guideline_shortfall(frame)
    # the colour is plotted too: the allies below 2 % have one of their own
    assert chart.data.columns == ["country", "burden_pct", "below_2pct", "is_estimate", "year"]
    assert chart.data.height == 2  # the row without a figure is not plotted
    assert chart.figure.layout.title.text
    assert "% of GDP" in chart.figure.layout.xaxis.title.text
    symbols = burden_views.burden_heatmap(frame.with_columns(pl.lit("nato").alias("source")))
    assert "NATO figures" in charts.title_text(symbols.title)
    # the finding comes from the data: C has the highest burden in the latest year
    assert charts.title_text(symbols.title).startswith("C spent the most in 2024: 3.00 % of GDP")


def test_a_chart_is_kept_for_the_same_builder_values_and_rows(monkeypatch):
    frame = pl.DataFrame({"country": ["A", "B"], "year": [2024] * 2, "burden_pct": [1.5, 3.0]})
    built = []
    shortfall = burden_views.guideline_shortfall

    def counted(f: pl.DataFrame, year: int) -> charts.Chart:
        built.append(year)
        return shortfall(f)

    monkeypatch.setattr(burden_views, "guideline_shortfall", counted)

    def builder(year: int):  # a page's lambda over a value of this run
        return lambda f: burden_views.guideline_shortfall(f, year)

    first = chartcache.chart(builder(2024), frame)
    assert chartcache.chart(builder(2024), frame.clone()) is first  # same code, closure and rows
    chartcache.chart(builder(2023), frame)  # another value in the closure
    chartcache.chart(
        builder(2024), frame.with_columns(pl.lit(2.0).alias("burden_pct"))
    )  # other rows
    assert built == [2024, 2023, 2024]
    # a lambda at a page's top level reads the page's controls as globals of the run
    page = {"__name__": "__main__", "burden_views": burden_views, "year": 2022}
    exec("build = lambda f: burden_views.guideline_shortfall(f, year)", page)
    chartcache.chart(page["build"], frame)
    page["year"] = 2021
    chartcache.chart(page["build"], frame)
    chartcache.chart(page["build"], frame)
    assert built[-2:] == [2022, 2021]
    opaque = object()  # a closure over something whose content cannot be keyed

    def unkeyable(f: pl.DataFrame) -> charts.Chart:
        return burden_views.guideline_shortfall(f, opaque)

    chartcache.chart(unkeyable, frame)
    chartcache.chart(unkeyable, frame)
    assert built[-2:] == [opaque, opaque]  # built every time


def test_rerunning_a_page_reuses_its_charts(db_env):
    at = open_page("free_riding")
    kept = chartcache.kept()
    hits, misses = kept.hits, kept.misses
    before = specs(at)
    at.run()
    assert kept.hits - hits >= len(before) and kept.misses == misses
    assert specs(at) == before
    at.selectbox(key="year").set_value(2019).run()  # a new year: new rows, new charts
    assert kept.misses > misses and specs(at) != before


def test_estimates_are_hollow_markers():
    frame = pl.DataFrame(
        {"year": [2022, 2023], "burden_pct": [2.0, 2.1], "is_estimate": [False, True]}
    )
    chart = charts.lines(
        frame,
        x="year",
        y="burden_pct",
        series=None,
        title="t",
        x_label="year",
        y_label="% of GDP",
        estimate="is_estimate",
    )
    assert list(chart.figure.data[0].marker.symbol) == ["circle", "circle-open"]
    assert any(t.name == charts.ESTIMATE_NOTE for t in chart.figure.data)


def test_claim_chart_draws_dates_as_dots_and_lists_as_lines():
    dots = claims_views.claim_chart(
        {
            "kind": "bar",
            "x": "country",
            "y": "nato_joined",
            "title": "Accession",
            "unit": "date",
            "data": pl.DataFrame({"country": ["Poland"], "nato_joined": [date(1999, 3, 12)]}),
        }
    )
    # the date beside the name, not beside the dot (a label there ran off a phone's screen)
    assert dots.figure.data[0].mode == "markers"
    assert list(dots.figure.data[0].y) == ["Poland, 12 Mar 1999"]
    lines = claims_views.claim_chart(
        {
            "kind": "line",
            "x": "year",
            "y": ["n_at_or_above_2pct", "n_at_or_above_20pct_equipment"],
            "title": "Guidelines",
            "unit": "allies",
            "data": pl.DataFrame(
                {
                    "year": [2023, 2024],
                    "n_at_or_above_2pct": [11, 23],
                    "n_at_or_above_20pct_equipment": [25, 29],
                }
            ),
        }
    )
    names = {t.name for t in lines.figure.data}
    assert burden_views.GUIDELINE_SERIES["n_at_or_above_2pct"] in names


def test_claim_cards_read_the_registry_result():
    result = {
        "id": "C7",
        "paragraphs": [14],
        "statement": "s",
        "verdict": "Partly supported",
        "finding": "The UK paid 54.7 % of JEF spending in 2024.",
        "rule": "r",
        "stats": [
            {"name": "UK share", "value": 54.71, "unit": "%", "exact": "a total: exact"},
            {"name": "rho", "value": 0.39, "lo": 0.02, "hi": 0.67, "technical": "Spearman"},
        ],
        "history": [(2023, "Supported"), (2024, "Partly supported")],
        "evidence_queries": ["member_history"],
        "evidence_facts": ["accession_steps"],
        "explore_page": "free_riding",
        "chart": None,
        "source": "data/memberships.csv",
    }
    card = claimcards.card(result)
    assert card.paragraphs == "paragraph 14"
    assert card.colour == "orange"
    # the first statistic decides the verdict, not the first that carries an interval
    assert card.figure == "UK share: **54.7 % (a total: exact)**"
    assert card.stats[1][:2] == ("rho", "0.39 (95 % interval 0.02 to 0.67)")
    assert card.history == [(2023, "Supported"), (2024, "Partly supported")]
    assert card.evidence == ["member_history", "data/facts/accession_steps.csv"]
    assert card.page is nav.BY_KEY["free_riding"]
    assert claimcards.paragraphs_text([1, 2]) == "paragraphs 1–2"
    assert claimcards.paragraphs_text([7, 21]) == "paragraphs 7, 21"
    assert claimcards.tally([card])["Partly supported"] == 1


def test_editions_used_are_those_the_verdicts_cite():
    files = pl.DataFrame(
        {
            "name": ["nato/t.xlsx", "kiel/a.csv", "data/memberships.csv"],
            "publisher": ["NATO PDD", "Kiel", "Alliance Ledger"],
            "edition": ["2024-06-17", "R29", "facts"],
        }
    )
    cards = [
        claimcards.card({"id": "C1", "source": "data/memberships.csv"}),
        claimcards.card({"id": "C2", "source": "NATO PDD, 2024-06-17"}),
    ]
    assert claimcards.editions_used(files, cards) == [
        "Alliance Ledger (facts)",
        "NATO PDD (2024-06-17)",
    ]


def test_every_explore_page_of_the_registry_resolves():
    from ledger import claims

    for claim in claims.all_claims():
        assert nav.resolve(claim.explore) is not None, claim.id


# --------------------------------------------------------------------------- for readers


def test_downloads_are_rounded_coded_and_described():
    from app import cite

    plotted = pl.DataFrame(
        {"country": ["Poland", "Chad"], "burden_pct": [4.123456, 1.0], "rho": [0.123456, None]}
    )
    lookup = pl.DataFrame({"iso3": ["POL", "TCD"], "country": ["Poland", "Chad"]})
    out = cite.rounded(cite.with_iso3(plotted, lookup), "sipri")
    assert out.columns[0] == "iso3" and out["iso3"].to_list() == ["POL", "TCD"]
    assert out["burden_pct"].to_list() == [4.1, 1.0]  # SIPRI prints shares to one decimal
    assert cite.rounded(plotted, "nato")["burden_pct"][0] == 4.12
    assert out["rho"][0] == 0.123
    stem = cite.file_stem("burden-heatmap", {"source": "nato", "alliance": "JEF", "year": 2024})
    assert stem == "alliance-ledger_burden-heatmap_nato_jef_2024"
    files = pl.DataFrame(
        {
            "name": ["nato/t.xlsx", "sipri/s.xlsx"],
            "publisher": ["NATO PDD", "SIPRI"],
            "edition": ["2024-06-17", "2025 release (data 1949-2024)"],
            "url": ["https://nato.int/x", "https://sipri.org/y"],
            "licence": ["NATO public release", "SIPRI terms"],
        }
    )
    records = cite.sources(files, ["nato", "sipri"])
    assert cite.provenance(records) == "Source: NATO (June 2024 edition); SIPRI (2025 release)"
    package = cite.datapackage(
        stem=stem,
        title="t",
        frame=out,
        records=records,
        url="http://x/?a=1",
        built="b",
        source="sipri",
    )
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert (
        fields["burden_pct"]["unit"] == "percent of GDP" and fields["burden_pct"]["decimals"] == 1
    )
    assert (
        package["resources"][0]["path"] == f"{stem}.csv" and package["homepage"] == "http://x/?a=1"
    )
    assert [s["version"] for s in package["sources"]][0] == "2024-06-17"
    assert "NATO PDD (June 2024 edition)" in cite.citation(
        "t", records, "http://x", "2026-12-01 00:00 UTC"
    )
    dated = pl.DataFrame({"d": [datetime(2014, 9, 4)]})
    assert cite.readable_dates(dated)["d"].dtype == pl.Date  # no '00:00:00'


def test_slopes_whose_interval_spans_zero_are_grey():
    frame = pl.DataFrame(
        {
            "country": ["Latvia", "Lithuania", "France"],
            "slope": [-0.5, -1.5, 0.8],
            # the runner's 95 % interval (ledger.stats): the views read it, never derive it
            "slope_lo": [-2.8, -2.2, 0.57],
            "slope_hi": [1.8, -0.8, 1.03],
            "first_year": [2015] * 3,
            "last_year": [2024] * 3,
        }
    )
    chart = free_riding_views.response_slopes(frame)
    bar = chart.figure.data[0]
    colour = dict(zip(bar.y, bar.marker.color, strict=True))
    assert colour["Latvia"] == charts.GREY and colour["Lithuania"] != charts.GREY
    assert bar.error_x.array is not None
    names = {t.name for t in chart.figure.data[1:]}
    assert "interval spans zero: no clear sign" in names
    assert not any("free riding" in str(n) for n in names)
    assert "free riding" not in chart.figure.layout.xaxis.title.text
    assert {"slope_lo", "slope_hi"} <= set(chart.data.columns)
    assert charts.title_text(chart.title).startswith("Only 2 of 3 allies")


def test_heatmap_labels_every_row_and_writes_its_values():
    rows = [f"Country {i:02d}" for i in range(32)]
    frame = pl.DataFrame(
        {
            "country": rows * 2,
            "year": [2023] * 32 + [2024] * 32,
            "burden_pct": [1.0 + i / 10 for i in range(64)],
            "is_estimate": [False] * 32 + [True] * 32,
            "alliance": ["NATO"] * 64,
        }
    )
    spec = burden_views.burden_heatmap(frame).figure
    assert list(spec.layout.yaxis.tickvals) == list(spec.data[0].y) and len(spec.data[0].y) == 32
    assert spec.data[0].texttemplate == "%{text}"
    assert any(str(t).endswith("*") for row in spec.data[0].text for t in row)  # estimates


def test_country_key_figures_come_first_and_read_plainly():
    series = pl.DataFrame(
        {
            "year": [2014, 2024, 2024],
            "source": ["NATO", "NATO", "SIPRI"],
            "share_gdp_pct": [1.85, 4.12, 4.2],
            "current_usd_m": [10_000.0, 35_000.0, 38_000.0],
            "is_estimate": [False, True, False],
            # per head from the same row (series_of: the source's own population)
            "me_per_capita_current_usd": [270.0, 956.3, 1039.6],
            "per_capita_source": ["NATO", "NATO", "SIPRI"],
        }
    )
    allies = pl.DataFrame(
        {"iso3": ["POL", "USA", "FRA"], "year": [2024] * 3, "burden_pct": [4.12, 3.38, 2.06]}
    )
    figures = {label: value for label, value, _ in figures_views.key_figures(series, allies, "POL")}
    # each label says whose figures and which year (the page's controls do not change them)
    assert figures["Share of GDP, 2024 (NATO figures)"] == "4.12 %"
    assert figures["Share of GDP, 2024 (SIPRI figures)"] == "4.20 %"
    assert figures["Defence spending, 2024 (NATO figures)"] == "US$ 35.0 bn"
    assert figures["Per head, 2024 (NATO figures)"] == "US$ 956"
    assert figures["Rank among NATO allies, 2024 (NATO figures)"] == "1 of 3"
    assert figures["Change since 2014, to 2024 (NATO figures)"] == "+2.27 points"


def test_tables_never_show_none():
    from app import ui

    frame = pl.DataFrame({"left": [date(2020, 1, 1), None], "note": [None, "x"], "n": [1, None]})
    shown = ui.no_none(frame)
    assert shown["left"].to_list() == ["2020-01-01", "—"] and shown["note"][0] == "—"


def test_free_riding_names_statistics_in_plain_words(db_env):
    at = open_page("free_riding")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Rank correlation, GDP and burden" in labels and "95 % interval" in labels
    assert not any("Spearman" in label or "p-value" in label for label in labels)
    slopes = next(s for s in specs(at) if "respond" in s["layout"]["title"]["text"])
    assert slopes["data"][0].get("error_x")


def test_the_map_shows_burden_change_and_guidelines(db_env):
    at = open_page("burden", {"source": "sipri", "area": "world", "map": "change"})
    assert not at.exception, [e.value for e in at.exception]
    maps = [s for s in specs(at) if s["data"] and s["data"][0].get("type") == "choropleth"]
    assert maps, titles(at)
    trace = maps[0]["data"][0]
    assert trace["geojson"] == charts.GEOJSON_URL and len(trace["locations"]) > 100  # the world
    assert "than in 2014" in maps[0]["layout"]["title"]["text"]
    at.radio(key="map").set_value("guidelines").run()
    at.radio(key="area").set_value("atlantic").run()
    trace = next(s for s in specs(at) if s["data"][0].get("type") == "choropleth")["data"][0]
    assert set(trace["customdata"]) <= set(map_views.GUIDELINE_BANDS)
    at.radio(key="source").set_value("nato").run()
    at.radio(key="area").set_value("world").run()
    assert "choose SIPRI" in texts(at.info)  # the empty state says what to change
    assert ui_config_has_local_base_map()


def ui_config_has_local_base_map() -> bool:
    from app import ui

    base = ROOT / "static" / "world_110m.json"
    return ui.PLOTLY_CONFIG["topojsonURL"] == "app/static/" and base.is_file()


def test_tally_line_reads_back_every_count():
    """The one-line tally (badges above the fold on a phone) carries every verdict's count."""
    counts = {"Supported": 7, "Partly supported": 4, "Not supported": 2}
    counts["Not testable with these data"] = 3
    line = claimcards.tally_line(counts)
    assert line.startswith("Verdicts: ") and "\n" not in line
    assert claimcards.tally_counts(line) == counts


def test_a_card_comes_without_its_history_which_is_fetched_apart(db_env):
    """The landing page's first finding must not wait for a claim's yearly re-judging: claim()
    gives the card alone, claim_history() the verdict for every data year."""
    from app import data, verdicts
    from ledger import claims

    as_of = date(2025, 6, 30)
    result, problem = verdicts.claim("C5", as_of)
    assert problem is None and result["history"] == []
    history, problem = verdicts.claim_history("C5", as_of)
    assert problem is None and len(history) >= 5
    assert [y for y, _, _ in history] == sorted({y for y, _, _ in history})
    assert all(v in claimcards.VERDICTS for _, v, _ in history)
    assert history == claims.evaluate(data.run, "C5", as_of=as_of).history
    assert history[-1][1] == result["verdict"]
    _, problem = verdicts.claim_history("C99", as_of)
    assert problem and problem.startswith("Claim C99")


def test_constant_price_labels_follow_the_frames_base_year():
    def equipment(bases):
        return pl.DataFrame(
            {
                "country": ["A", "A", "B", "B"],
                "iso3": ["AAA", "AAA", "BBB", "BBB"],
                "year": [2024, 2025, 2024, 2025],
                "is_estimate": [False] * 4,
                "equipment_share_pct": [20.0] * 4,
                "me_constant_usd_m": [100.0] * 4,
                "equipment_constant_usd_m": [20.0, 22.0, 30.0, 31.0],
                "price_base_year": bases,
            }
        )

    one = capability_views.equipment_spending(equipment([2021] * 4)).figure.layout.yaxis.title.text
    assert "constant 2021 prices" in one and "2015" not in one
    old = capability_views.equipment_spending(equipment([2015] * 4)).figure.layout.yaxis.title.text
    assert "constant 2015 prices" in old
    mixed = capability_views.equipment_spending(equipment([2015, 2021, 2015, 2021]))
    assert "constant prices (mixed bases)" in mixed.figure.layout.yaxis.title.text
    # Rows without the figure plotted do not count towards the base.
    frame = equipment([2015, 2021, 2015, 2021]).with_columns(
        pl.when(pl.col("year") == 2024)
        .then(None)
        .otherwise(pl.col("equipment_constant_usd_m"))
        .alias("equipment_constant_usd_m")
    )
    assert capability_views.price_base(frame, "equipment_constant_usd_m") == "constant 2021 prices"
    assert capability_views.price_base(pl.DataFrame({"x": [1]})) == "constant prices"


def _built_by_other_code(db: Path) -> None:
    """What a `git pull` leaves: a database whose build recorded another warehouse version."""
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("update etl_run set warehouse_version = 'older'")
    con.close()


def test_a_snapshot_database_built_by_other_code_is_rebuilt(tmp_path, monkeypatch):
    from etl.build import build

    db = tmp_path / "alliance.duckdb"
    build(None, db, command="dashboard (first run, snapshot)")
    _built_by_other_code(db)
    inode = db.stat().st_ino
    monkeypatch.setenv("ALLIANCE_DB", str(db))
    at = open_page("burden")
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert db.stat().st_ino != inode  # a new file published in its place
    from app import firstrun

    assert firstrun.built_by()["warehouse_version"] == firstrun.our_warehouse()
    assert len(at.get("plotly_chart")) >= 6


def test_a_raw_built_database_of_other_code_is_served_with_a_warning(app_db, tmp_path, monkeypatch):
    served = tmp_path / "served.duckdb"
    served.write_bytes(app_db.read_bytes())
    _built_by_other_code(served)
    before = served.read_bytes()
    monkeypatch.setenv("ALLIANCE_DB", str(served))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    warned = [w.value for w in at.warning if "another version" in w.value]
    assert len(warned) == 1 and "etl build --raw-dir" in warned[0]
    assert served.read_bytes() == before  # the site's database is never rebuilt by a page


def test_a_first_build_that_fails_is_said_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DB", str(tmp_path / "alliance.duckdb"))
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "no-facts"))  # the build needs them
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("The database could not be built")
    assert "\n" not in errors[0] and not (tmp_path / "alliance.duckdb").exists()
