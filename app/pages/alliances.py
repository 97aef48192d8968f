"""Alliances and overlap: who belongs to which grouping, since when, and what they spend."""

from __future__ import annotations

import streamlit as st

from app import data, provenance, ui, widgets
from app.views import alliances as alliances_views

ui.header(
    "Alliances and overlap",
    "NATO sits beside smaller formats — the Joint Expeditionary Force, the Bucharest Nine, "
    "NORDEFCO, the Weimar Triangle and the UK–Poland–Ukraine trilateral — and beside the EU. "
    "The Warsaw Pact is shown for history.",
)

c1, c2 = ui.controls(2)
with c1:
    as_of = widgets.as_of()
matrix = data.get("overlap_matrix", as_of=as_of)

st.subheader(f"Membership as of {as_of:%d %B %Y}")
left, right = st.columns([3, 2])
with left:
    ui.show_chart(
        matrix,
        alliances_views.membership_matrix,
        key="membership-matrix",
        sources=["data/memberships.csv"],
        note="A dot marks membership on the chosen day.",
        empty="No grouping had members on this date: choose a later date (the groupings start in "
        "1949).",
    )
with right:
    ui.show_chart(
        matrix,
        alliances_views.upset,
        key="membership-upset",
        sources=["data/memberships.csv"],
        note="Each bar counts the countries with exactly that combination of memberships "
        "(the dots beneath).",
        empty="No grouping had members on this date: choose a later date (the groupings start in "
        "1949).",
    )
    ui.show_table(
        data.get("overlap_non_nato_members", as_of=as_of),
        key="non-nato",
        columns={
            "alliance": "grouping",
            "country": "member",
            "minilateral_joined": "joined the grouping",
            "outside_nato_from": "outside NATO from",
            "outside_nato_to": "outside NATO until",
            "is_current": "still outside NATO",
        },
        empty="No minilateral had a member outside NATO on this date: choose another date (Sweden "
        "and Finland sat outside NATO in JEF and NORDEFCO until 2023–2024).",
    )

with st.expander("Overlap between each pair of groupings"):
    ui.show_table(
        data.get("overlap_pairs", as_of=as_of),
        key="overlap-pairs",
        columns={
            "alliance_a": "grouping A",
            "alliance_b": "grouping B",
            "n_a": "members of A",
            "n_b": "members of B",
            "n_both": "in both",
            "jaccard": "Jaccard index (0–1)",
            "share_of_a_in_b_pct": "% of A also in B",
            "share_of_b_in_a_pct": "% of B also in A",
            "members_both": "common members",
        },
        empty="No two groupings had members on this date: choose a later date.",
    )

st.subheader("Membership over time")
spells = data.table("spells")
shown = widgets.groupings(
    data.choices("burden", "alliance"),
    key="timeline",
    default=[g for g in data.choices("burden", "alliance") if g != "NATO_EUROPE_CANADA"],
    label="Groupings on the timeline",
)
ui.show_chart(
    spells.where_in(alliance=shown),
    alliances_views.membership_gantt,
    key="membership-timeline",
    sources=["data/memberships.csv"],
    note="One bar per membership; open bars run to today. Some minilateral dates are known to "
    "the year only (see the CSV's date_precision).",
    empty="Choose at least one grouping.",
)
left, right = st.columns(2)
with left:
    ui.show_chart(
        data.get("membership_timeline"),
        alliances_views.minilateral_reach,
        key="minilateral-reach",
        sources=["data/memberships.csv"],
        empty="No membership data are loaded: rebuild the database (etl build).",
    )
with right:
    ui.show_chart(
        data.get("overlap_minilateral_nato_share"),
        alliances_views.minilateral_nato_share,
        key="minilateral-nato-share",
        sources=["data/memberships.csv"],
        empty="No membership data are loaded: rebuild the database (etl build).",
    )

st.subheader("What the groupings spend")
c1, c2, c3 = ui.controls(3)
with c1:
    source = widgets.source()
with c2:
    membership = widgets.membership()
with c3:
    chosen = widgets.groupings(
        data.choices("burden", "alliance"),
        default=["JEF", "B9", "NATO_EUROPE_CANADA"],
        label="Groupings to compare",
    )
totals = data.get("group_totals", source=source, membership=membership).where_in(alliance=chosen)
sources = provenance.sources_for(source)
left, right = st.columns(2)
with left:
    ui.show_chart(
        totals,
        alliances_views.group_totals,
        key="group-totals",
        sources=sources,
        empty="Choose at least one grouping above; NATO's tables start in 2014, so choose SIPRI "
        "as the source for earlier years.",
    )
with right:
    ui.show_chart(
        totals,
        alliances_views.group_growth,
        key="group-growth",
        sources=sources,
        note="Like for like: only members with constant-price figures in both years.",
        empty="None of the chosen groupings has figures since 2014: add NATO or JEF above, or "
        "choose SIPRI as the source.",
    )
