"""Country profile: one country's memberships, its figures from each source, and its rank."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import data, methods, provenance, ui, widgets
from app.views import country as country_views
from app.views import key_figures as figures_views
from ledger import words

ui.header(
    "Country profile",
    "One country at a time: the groupings it belongs to, its defence burden as SIPRI, NATO and "
    "the World Bank publish it, where it ranks among the members of a grouping, and the US "
    "forces assigned there.",
)

names = country_views.names(data.table("countries").frame)
# The country changes everything below; the source, grouping and year only the ranking, so
# they sit above it. Each key figure says whose figures and which year it gives.
c1, _ = ui.controls(2)
with c1:
    iso3 = widgets.country(names)
name = names.get(iso3, iso3 or "")
series = data.table("series_of", iso3=iso3)
allies = data.get("burden", source="nato", alliance="NATO")
figures = figures_views.key_figures(series.frame, allies.frame, iso3)
if figures:
    for row in range(0, len(figures), 3):
        for col, (label, value, help_text) in zip(
            st.columns(3), figures[row : row + 3], strict=False
        ):
            col.metric(label, value, help=help_text)
else:
    st.info(
        f"No source publishes defence figures for {name}: choose a NATO ally or an EU member "
        "to see its key figures."
    )

forces = data.get("us_forces")
here = country_views.us_forces_here(forces.frame, iso3, name) if iso3 else None
if here:
    count, detail = here
    left, right = st.columns([1, 2], vertical_alignment="center")
    left.metric("US forces stationed here", count, help=detail)
    poland = forces.value("active_duty", iso3="POL")
    right.caption(f"{detail} {methods.us_forces_caveat(poland)}")
elif forces.ok and not forces.empty and iso3 != "USA":
    st.caption(f"DMDC's location report lists no US military or DoD civilian personnel assigned "
               f"to {name}.")  # fmt: skip

st.subheader(f"{name}: memberships")
ui.show_table(
    data.table("memberships_of", iso3=iso3),
    key="country-memberships",
    columns={
        "grouping": "grouping",
        "joined": "joined",
        "departed": "left",
        "date_precision": "date known to the",
        "note": "note",
        "source_url": "source",
    },
    empty=f"{name} belongs to none of the groupings covered: choose a NATO ally, an EU member "
    "or a member of a minilateral.",
)

st.subheader(f"{name}: defence burden on three definitions")
st.caption(
    "The sources define defence expenditure differently: NATO counts what each ally reports "
    "under NATO's definition (including, for example, some pensions and paramilitary forces) "
    "against real GDP; SIPRI applies its own definition across all states; the World Bank "
    "republishes SIPRI's share with its own GDP. Expect the lines to differ."
)
ui.show_chart(
    series,
    lambda f: country_views.country_series(f, name, iso3),
    key="country-series",
    sources=["sipri", "nato", "wb"],
    empty=f"None of the three sources publishes a defence share of GDP for {name}: choose another "
    f"country to see a series.",
)

st.subheader(f"{name}: rank among the grouping's members")
c2, c3, c4 = ui.controls(3)
with c2:
    source = widgets.source()
with c3:
    memberships = data.table("memberships_of", iso3=iso3).frame if iso3 else pl.DataFrame()
    group = widgets.grouping(
        country_views.groupings(memberships, data.choices("burden", "alliance")), default="NATO"
    )
burden = data.get("burden", source=source, alliance=group)
with c4:
    year = widgets.year(burden.years())
ui.show_chart(
    burden.where(year=year),
    lambda f: country_views.country_rank(f, iso3),
    key="country-rank",
    sources=provenance.sources_for(source),
    note=f"{name} is highlighted in orange.",
    empty=f"No figures for this grouping in {year}: choose another year or grouping above.",
)
ui.info_if_empty(
    burden.where(year=year, iso3=iso3),
    f"{name} is not a member of this grouping in {year}, or has no figure for it.",
)

profile = data.table("country", iso3=iso3)
proximity = data.get("threat_proximity").where(iso3=iso3)
with st.expander(f"{name}: capital, region and distance to Moscow"):
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Capital", profile.value("capital") or "—")
    m2.metric("Distance to Moscow", words.num(proximity.value("distance_to_moscow_km"), 0) + " km")
    m3.metric("Borders Russia or Belarus", ui.yes_no(profile.value("borders_russia_or_belarus")))
    m4.metric("Region", profile.value("subregion") or profile.value("region") or "—")
    ui.note_if_missing(
        proximity.value("distance_to_moscow_km"),
        "The distance to Moscow is computed for NATO allies (the threat-proximity test).",
    )
