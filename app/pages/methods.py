"""Data and methods: every source file, the last ETL run, cross-source agreement, what each
edition revised, and the formulas, one section at a time (its name in the link: `?section=`)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app import ages, data, downloads, methods, ui, widgets
from app.views import country as country_views
from app.views import vintages as vintage_views


def sources() -> None:
    st.subheader("Sources")
    files = data.table("source_file")
    ui.show_table(files, key="source-files", columns=methods.SOURCE_COLUMNS)
    st.markdown(methods.ATTRIBUTION)
    st.caption(ui.coverage_text(data.get("coverage")))

    st.subheader("Download the data")
    downloads.render()

    st.subheader("How old the data are")
    st.markdown(methods.AGES_INTRO)
    ui.show_table(ages.source_ages(), key="source-ages", columns=methods.AGE_COLUMNS)

    st.subheader("The last ETL run")
    runs = data.table("etl_run")
    ui.show_table(runs, key="etl-runs", columns=methods.RUN_COLUMNS, height=220)


def agreement() -> None:
    st.subheader("Do the sources agree?")
    cross = data.table("cross_source")
    st.markdown(methods.CROSS_SOURCE_INTRO)
    ui.show_chart(
        cross,
        country_views.cross_source_gaps,
        key="cross-source",
        sources=["sipri", "nato", "wb"],
        note="Mean over the years both publish (NATO's tables start in 2014). The World Bank's "
        "series is SIPRI's share republished, so it matches SIPRI almost exactly.",
    )
    with st.expander("Every country-year (largest gaps first)"):
        ui.show_table(cross, key="cross-source-rows", columns=methods.CROSS_COLUMNS, height=360)


def revisions() -> None:
    st.subheader("What changed since the last edition")
    st.markdown(methods.REVISIONS_INTRO)
    names = country_views.names(data.table("countries").frame)
    # One country for this table and the next: every country's changes are 13,000 rows, most of
    # the page's weight in a browser (a reader finds one country; `etl query revisions` lists
    # all).
    vintage_iso3 = widgets.country(names, key="vintage_country", default="GBR")
    name = names.get(vintage_iso3, vintage_iso3 or "")
    changed = data.get("revisions", iso3=vintage_iso3)
    if changed.ok and changed.empty:
        st.info(methods.revisions_none(name))
    else:
        ui.show_table(changed, key="revisions", columns=methods.REVISION_COLUMNS, height=360)

    st.subheader("Every figure SIPRI published for one country and year")
    st.markdown(methods.VINTAGES_INTRO)
    c1, _ = ui.controls(2)
    with c1:
        year = widgets.year(range(1949, date.today().year), key="vintage_year", default=2024)
    vintages = data.table("vintages", source="sipri", iso3=vintage_iso3, year=year)
    if vintages.ok:
        st.markdown(vintage_views.sentence(vintages.frame, name, year))
    ui.show_table(vintages, key="vintages", columns=methods.VINTAGE_COLUMNS, height=320)


def formulas() -> None:
    st.subheader("Definitions and formulas")
    for title, formula, words in methods.FORMULAS:
        st.markdown(f"**{title}**")
        st.latex(formula)
        st.caption(words)

    st.subheader("The indicators")
    # One indicator's description at a time: the 28 drawn at once in collapsed expanders were
    # the largest part of the page's rendering in a browser (docs/PERFORMANCE.md).
    sidecars = dict(data.indicators())
    chosen = st.selectbox(
        "Indicator",
        list(sidecars),
        format_func=lambda n: f"{sidecars[n].get('title', n)} ({n})",
        key="indicator",
    )
    if chosen:
        st.markdown(methods.describe(chosen, sidecars[chosen]))


ui.header(
    "Data and methods",
    "Where every number comes from, when the warehouse was last built, how far the sources "
    "agree, what each edition revised, and how each indicator is computed.",
)
# One section drawn at a time, its name in the link (`?section=Revisions`), as a tab that runs
# only when chosen: the four drawn at once (six tables, nine formulas, a chart) loaded in about
# twice a bare page's time (docs/PERFORMANCE.md).
tabs = st.tabs(list(methods.SECTIONS), key="section", bind="query-params")
for tab, draw in zip(tabs, (sources, agreement, revisions, formulas), strict=True):
    if tab.open:
        with tab:
            draw()
