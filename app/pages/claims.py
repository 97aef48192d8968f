"""Claims and evidence: each checkable claim of the memorandum, with a verdict from the data."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app import claimcards, data, provenance, ui, verdicts
from app.views import claims as claims_views

ui.header(
    "Claims and evidence",
    "Alexander Lanoszka's 2025 memorandum for the Council on Geostrategy (*Britain's World*) "
    "asks when a military alliance turns from an asset into a liability. Each of his statements "
    "below is restated in our words and judged by a written rule on the public data.",
)
# The tally, summary and editions need every verdict: their places are kept here, at the top
# where a phone shows them first, and filled once the last card is drawn, so each card still
# appears as soon as its own evidence is in.
tally_slot, summary_slot = st.empty(), st.empty()
with st.expander("About the memorandum and how the verdicts are reached"):
    st.markdown(
        "His answer: alliances weaken when members neglect their own forces or grow complacent "
        "under the shield of others, yet for a country like the UK two things soften the risk — "
        "every ally keeps its sovereign say, and smaller 'minilateral' groupings let willing "
        "partners act together. Each card gives the paragraph a statement comes from, a finding "
        "written from the figures, the verdict of a written rule, and that verdict for every "
        "year the evidence covers; the details hold the rule, its thresholds and the statistics."
    )
    editions_slot = st.empty()

as_of = st.date_input(
    "Judge the claims as of",
    value=date.today(),
    min_value=date(2000, 1, 1),
    max_value=date.today(),
    key="claims_as_of",
    help="Memberships on this date and the latest data year not after it.",
)

ids, problem = verdicts.claim_ids()
if problem:
    st.warning(problem, icon=":material/hourglass_empty:")
st.caption("History strips: " + claimcards.STRIP_LEGEND + ", one square per data year.")
cards, results, strip_slots = [], [], []
for claim_id in ids:
    result, problem = verdicts.claim(claim_id, as_of)
    if problem:
        st.warning(problem, icon=":material/error:")
        continue
    c = claimcards.card(result)
    cards.append(c)
    results.append(result)
    with st.container(border=True, key=f"claim-{c.id}"):
        text, chart = st.columns([2, 3])
        with text:
            st.markdown(f"##### {c.id} · {c.finding}")
            st.markdown(claimcards.verdict_pair(c))
            if c.interval:
                st.markdown(c.interval)
            if firm := claimcards.firmness_line(c):
                st.markdown(firm)
            st.caption(f"Editions read: {c.editions}")
            strip_slots.append(st.empty())  # the history strip, filled after every card
            st.caption(f"The claim ({c.paragraphs}; {c.attribution}; {c.kind}): {c.statement}")
            with st.expander("Details: rule, thresholds, statistics", expanded=False):
                # one element, not one per line: the browser draws every card's details on
                # each load, collapsed or not
                st.markdown(claimcards.details_markdown(c))
                if c.evidence:
                    st.caption("Evidence: " + ", ".join(f"`{e}`" for e in c.evidence))
            if c.page:
                st.page_link(c.page.path, label=f"Explore: {c.page.title}", icon=c.page.icon)
        with chart:
            if c.chart:
                spec = c.chart
                ui.show_chart(
                    data.Data(f"claim-{c.id}", spec.get("data")),
                    lambda f, spec=spec: claims_views.claim_chart(spec, f),
                    key=f"claim-{c.id}",
                    sources=[],
                    source_text=provenance.describe_source(c.source),
                )
            else:
                st.info(claimcards.NO_CHART)

if cards:
    tally_slot.markdown(claimcards.tally_pair(cards))
# Each history judges its claim once per year: drawn after every card, so no finding waits.
for result, slot in zip(results, strip_slots, strict=True):
    history, problem = verdicts.claim_history(result["id"], as_of)
    result["history"] = history
    strip = claimcards.history_strip(history)
    if strip:
        slot.markdown(f"Verdict by year: {strip}")
    elif problem:
        slot.caption(problem)
if results:
    summary_slot.markdown(f"**{claimcards.summary_sentence(results)}**")
editions = claimcards.editions_used(data.table("source_file").frame, cards)
if editions:
    editions_slot.markdown("**Data editions behind the verdicts:** " + " · ".join(editions))
