"""Burden sharing: who spends what share of GDP, against what share of the alliance's wealth."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app import cite, columns, data, methods, nav, provenance, ui, widgets
from app.views import burden as burden_views
from app.views import map as map_views
from core.catalogue import guidelines

ui.header(
    "Burden sharing",
    "How much each member spends on defence relative to its economy, how its share of the "
    "grouping's spending compares with its share of the grouping's GDP, and how many NATO "
    "allies meet the Alliance's spending guidelines.",
)

c1, c2, c3, c4 = ui.controls(4)
with c1:
    source = widgets.source()
with c2:
    group = widgets.grouping(data.choices("burden", "alliance"))
with c3:
    membership = widgets.membership()
burden = data.get("burden", source=source, alliance=group, membership=membership)
with c4:
    year = widgets.year(burden.years())
sources = provenance.sources_for(source)

# The question most readers come with (which allies are below 2 %?), answered first.
st.subheader(f"Allies below the {guidelines.TWO_PERCENT.line}, {year}")
shortfall = data.get("guideline_shortfall", source=source, membership=membership, year=year)
st.markdown(burden_views.laggards_sentence(shortfall.frame))
st.caption("NATO allies, whatever grouping is chosen above.")
left, right = st.columns(2)
with left:
    ui.show_table(
        replace(shortfall, frame=cite.rounded(burden_views.laggards(shortfall.frame), source)),
        key="laggards",
        columns={c: columns.header(c) for c in burden_views.LAGGARD_COLUMNS + ["is_estimate"]},
        empty=f"No ally spent less than 2 % of GDP in {year}, or none has a figure: choose "
        "another year to compare.",
    )
with right:
    ui.show_chart(
        shortfall,
        burden_views.guideline_shortfall,
        key="guideline-burden",
        sources=sources,
        empty=f"No ally has a figure for {year}: choose another year.",
    )

st.subheader("Defence burden by member and year")
ui.show_chart(
    burden,
    burden_views.burden_heatmap,
    key="burden-heatmap",
    sources=sources,
    note="Burden = defence expenditure / GDP, the source's published share. A star marks an "
    "estimate; a blank cell has no figure (the member had not joined, or the source has none).",
    empty="No member of this grouping has a figure on this source: choose another grouping, or "
    "SIPRI as the source for groupings and years outside NATO's tables.",
)

st.subheader("On the map")  # each map's title gives its year or date
m1, m2 = ui.controls(2)
with m1:
    measure = widgets.choice("Map of", map_views.MAP_MEASURES, key="map")
with m2:
    region = widgets.choice("Area", map_views.MAP_REGIONS, key="area")
# per head is each source's own figures alone (no World Bank population or GDP)
map_sources = [source] if measure == "per_head" else sources
if measure == "us_forces":  # DMDC's head counts: the same whatever source or grouping
    forces = data.get("us_forces")
    ui.show_chart(
        forces,
        lambda f: map_views.us_forces_map(f, region),
        key="us-forces-map",
        sources=["dmdc"],
        note=f"Every host country DMDC lists; the table gives reserve, guard and civilians too. "
        f"{methods.us_forces_caveat(forces.value('active_duty', iso3='POL'))}",
        empty="No DMDC location report is loaded: add one to the raw files' dmdc/ folder.",
    )
elif region == "world" and source != "sipri":
    st.info(
        "The world map uses SIPRI's figures (NATO's tables cover the allies only): choose "
        "SIPRI as the source above to see it."
    )
elif region == "world":
    ui.show_chart(
        data.get("world_burden", source=source, year=year),
        lambda f: map_views.burden_map(f, year, measure, region),
        key="burden-map-world",
        sources=map_sources,
        note="Every state SIPRI covers in that year; a state without a figure is not drawn.",
        empty=f"SIPRI has no figures for {year}: choose an earlier year.",
    )
else:
    ui.show_chart(
        burden,
        lambda f: map_views.burden_map(f, year, measure, region),
        key="burden-map",
        sources=map_sources,
        note="Members of the chosen grouping; a member without a figure is not drawn.",
        empty=f"No member has a figure for {year}: choose another year or grouping.",
    )

st.subheader(f"Burden against benefit, {year}")
sharing = data.get(
    "burden_sharing", source=source, alliance=group, membership=membership, year=year
)
left, right = st.columns(2)
with left:
    ui.show_chart(
        sharing,
        burden_views.burden_vs_benefit,
        key="burden-benefit",
        sources=sources,
        note="Above the dotted line a member pays a larger share of the spending than its share "
        "of the GDP (R = b / y > 1).",
        empty=f"No member has both spending and GDP figures in {year}: choose another year or "
        "grouping.",
    )
with right:
    ui.show_chart(
        sharing,
        burden_views.fair_share_gap,
        key="fair-share-gap",
        sources=sources,
        note="Fair share = the grouping's total spending × the member's share of its GDP.",
        empty=f"No member has both spending and GDP figures in {year}: choose another year or "
        "grouping.",
    )

st.subheader(f"Spending per head, {year}")
ui.show_chart(
    burden.where(year=year),
    burden_views.per_head,
    key="per-head",
    sources=[source],  # per head on the source's own figures: no World Bank population
    note="Defence spending divided by the population, on the chosen source's own figures: "
    "NATO's spending over the population its tables imply (at constant prices this is NATO's "
    "published per-capita figure); SIPRI's published per-capita figure. The table and CSV also "
    "give it at constant prices (price_base_year). Hatched: estimates.",
    empty=f"No member has a spending and population figure for {year}: choose another year, "
    "or SIPRI as the source for years before 2014.",
)

st.subheader("NATO's spending guidelines")
st.caption(
    "Guidelines: 2 % of GDP (agreed 2006, pledged at Wales 2014), 20 % of defence spending on "
    "major equipment (Wales 2014), 3.5 % of GDP on core defence by 2035 (The Hague 2025). "
    "These counts always cover NATO allies, whatever grouping is chosen above."
)
counts = data.get("guideline_counts", source=source, membership=membership)
ui.show_chart(
    counts,
    burden_views.guideline_compliance,
    key="guideline-counts",
    sources=sources,
    empty="No ally has a figure on this source: choose NATO or SIPRI as the source.",
)
ui.show_chart(
    shortfall,
    burden_views.equipment_share,
    key="guideline-equipment",
    sources=sources,
    empty="The equipment share is published only in NATO's tables: choose NATO as the "
    "source to see it.",
)

st.page_link(
    nav.BY_KEY["capability"].path,
    label="The path to The Hague commitment (3.5 % of GDP by 2035), ally by ally: see Capability",
    icon=nav.BY_KEY["capability"].icon,
)
