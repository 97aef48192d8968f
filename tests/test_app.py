"""The dashboard without a browser: every page under AppTest, widgets changing what is shown,
and the plain functions behind the pages (data access, controls, chart builders, claim cards)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from app import charts, claimcards, nav, views, widgets
from tests.dashboard_db import dashboard_db
from tests.tinydb import make_db

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")
TIMEOUT = 120


@pytest.fixture(scope="session")
def app_db(request, tmp_path_factory) -> Path:
    return dashboard_db(request, tmp_path_factory)


@pytest.fixture
def db_env(app_db, monkeypatch) -> Path:
    monkeypatch.setenv("ALLIANCE_DB", str(app_db))
    return app_db


def open_page(key: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if key != "claims":
        at.switch_page(nav.BY_KEY[key].path).run()
    return at


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def titles(at: AppTest) -> list[str]:
    return [s["layout"]["title"]["text"].replace("<br>", " ") for s in specs(at)]


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


# --------------------------------------------------------------------------- every page


CHART_PAGES = {"claims", "burden", "free_riding", "alliances", "country", "methods"}


@pytest.mark.parametrize("key", [p.key for p in nav.PAGES])
def test_every_page_runs_without_exception(db_env, key):
    at = open_page(key)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == nav.BY_KEY[key].title
    if key in CHART_PAGES:
        assert at.get("plotly_chart"), f"{key} drew no chart"
        assert not at.warning, texts(at.warning)
    # every chart has a title and a CSV download with a unique key
    for spec in specs(at):
        assert spec["layout"]["title"]["text"]
    keys = [b.proto.id for b in at.get("download_button")]
    assert len(keys) == len(set(keys))
    assert len(at.get("download_button")) >= len(at.get("plotly_chart"))


def test_landing_page_shows_thirteen_claims_with_verdicts(db_env):
    at = open_page("claims")
    headings = [m.value for m in at.markdown if str(m.value).startswith("#### C")]
    assert [h.split(" ·")[0] for h in headings] == [f"#### C{i}" for i in range(1, 14)]
    badges = [b.proto.label for b in at.get("badge")] if at.get("badge") else []
    verdicts = badges or [m.value for m in at.metric]
    assert verdicts
    for label in badges:
        assert label in claimcards.VERDICTS
    assert sum(int(m.value) for m in at.metric) == 13
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
    assert any(t.startswith("Defence burden by member and year, JEF") for t in titles(at))
    at.radio(key="membership").set_value("current").run()
    assert not at.exception


@pytest.mark.parametrize("key", ["burden", "free_riding"])
def test_every_grouping_and_source_renders_without_error(db_env, key):
    at = open_page(key)
    for source in ("nato", "sipri"):
        at.radio(key="source").set_value(source).run()
        for code in at.selectbox(key="group").options:
            value = {v: k for k, v in widgets.GROUPINGS.items()}.get(code, code)
            at.selectbox(key="group").set_value(value).run()
            assert not at.exception, (source, value, [e.value for e in at.exception])
            assert not at.warning, (source, value, texts(at.warning))


def test_historical_states_and_non_allies_get_messages(db_env):
    at = open_page("country")
    for iso3 in ("SUN", "DDR", "UKR"):
        at.selectbox(key="country").set_value(iso3).run()
        assert not at.exception, (iso3, [e.value for e in at.exception])
        assert not at.warning, (iso3, texts(at.warning))
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
        {"source": "SIPRI", "year": "2010", "group": widgets.GROUPINGS["NATO_EUROPE_CANADA"]},
    )
    assert not at.exception
    assert at.radio(key="source").value == "sipri"
    assert at.selectbox(key="year").value == 2010
    assert at.selectbox(key="group").value == "NATO_EUROPE_CANADA"
    assert any("NATO Europe and Canada" in t and "SIPRI" in t for t in titles(at))
    assert any("2010" in t for t in titles(at))


def test_year_outside_the_source_range_gives_a_message(db_env):
    at = open_page("burden", {"year": "1990"})  # NATO's tables start in 2014
    assert not at.exception
    assert "outside the years" in texts(at.info)
    assert at.selectbox(key="year").value == 2014


def test_empty_selection_gives_a_message_not_an_error(db_env):
    at = open_page("alliances")
    at.multiselect(key="groups").set_value([]).run()
    assert not at.exception
    assert "Choose at least one grouping." in texts(at.info)


def test_free_riding_page_reports_the_test_for_the_year(db_env):
    at = open_page("free_riding")
    rho = next(m for m in at.metric if m.label.startswith("Spearman"))
    assert rho.value != "—"
    at.selectbox(key="year").set_value(2016).run()
    assert not at.exception
    assert any("2016" in t for t in titles(at))


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
    con, first = reader.connection()
    assert con.execute("select count(*) from alliance").fetchall()[0][0] == 1
    staged = tmp_path / "next.duckdb"
    make_db(staged, {"alliance": [alliance, {**alliance, "code": "JEF", "name": "JEF"}]})
    os.replace(staged, path)
    con, second = reader.connection()
    assert second != first
    assert con.execute("select count(*) from alliance").fetchall()[0][0] == 2
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


def test_csv_of_nested_columns_is_flat():
    from app import data

    frame = pl.DataFrame({"members": [["ALB", "BEL"], []], "n": [2, 0]})
    assert data.csv_ready(frame).write_csv().splitlines()[1] == '"ALB, BEL",2'


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
    out = views.intersections(matrix)
    assert out.to_dicts() == [
        {"combination": "NATO + EU + B9", "countries": 2, "members": "Estonia, Latvia"},
        {"combination": "EU", "countries": 1, "members": "Austria"},
    ]
    assert not views.upset(matrix).empty


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
    chart = views.guideline_shortfall(frame)
    assert chart.data.columns == ["country", "burden_pct", "is_estimate", "year"]
    assert chart.data.height == 2  # the row without a figure is not plotted
    assert chart.figure.layout.title.text
    assert "% of GDP" in chart.figure.layout.xaxis.title.text
    symbols = views.burden_heatmap(frame.with_columns(pl.lit("nato").alias("source")))
    assert "NATO figures" in symbols.title


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
    dots = views.claim_chart(
        {
            "kind": "bar",
            "x": "country",
            "y": "nato_joined",
            "title": "Accession",
            "unit": "date",
            "data": pl.DataFrame({"country": ["Poland"], "nato_joined": [date(1999, 3, 12)]}),
        }
    )
    assert dots.figure.data[0].mode == "markers+text"
    lines = views.claim_chart(
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
    assert views.GUIDELINE_SERIES["n_at_or_above_2pct"] in names


def test_claim_cards_read_the_registry_result():
    result = {
        "id": "C7",
        "paragraphs": [14],
        "statement": "s",
        "verdict": "Partly supported",
        "rule": "r",
        "reason": "because",
        "figures": {"uk_share_pct": 54.71, "members": ["NLD"], "ok": True},
        "evidence_queries": ["member_history"],
        "explore_page": "free_riding",
        "chart": None,
        "source": "data/memberships.csv",
    }
    card = claimcards.card(result)
    assert card.paragraphs == "paragraph 14"
    assert card.colour == "orange"
    assert card.figures == {"uk share pct": "54.71", "members": "NLD", "ok": "yes"}
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
    import yaml

    registry = yaml.safe_load((ROOT / "data" / "claims.yml").read_text(encoding="utf-8"))
    for claim in registry["claims"]:
        assert nav.resolve(claim["explore"]) is not None, claim["id"]
