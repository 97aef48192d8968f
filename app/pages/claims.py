"""Claims and evidence: each checkable claim of the memorandum, with a verdict from the data."""

from __future__ import annotations

import streamlit as st

from app import claimcards, data, ui, views

ui.header(
    "Claims and evidence",
    "In a 2025 memorandum for the Council on Geostrategy's *Britain's World*, Alexander "
    "Lanoszka asks when a military alliance stops being an asset and becomes a liability. His "
    "answer: alliances weaken when members neglect their own forces or grow complacent under "
    "the shield of others, yet for a country like the UK two things soften the risk — every "
    "ally keeps its sovereign say, and smaller 'minilateral' groupings let willing partners act "
    "together. Below, each statement of his that data can check is restated in our words, "
    "with the paragraph it comes from, the evidence, and a verdict computed by the rule shown "
    "beside it. Change the data and the verdicts change with them.",
)

ids, problem = data.claim_ids()
if problem:
    st.warning(problem, icon=":material/hourglass_empty:")
# Editions and the tally need every verdict: their places are kept here and filled once the
# last card is drawn, so each card appears as soon as its own evidence is in.
editions_slot, tally_slot = st.empty(), st.empty()
cards = []
for claim_id in ids:
    result, problem = data.claim(claim_id)
    if problem:
        st.warning(problem, icon=":material/error:")
        continue
    c = claimcards.card(result)
    cards.append(c)
    with st.container(border=True, key=f"claim-{c.id}"):
        text, chart = st.columns([2, 3])
        with text:
            st.markdown(f"#### {c.id} · {c.paragraphs}")
            st.markdown(f"**{c.statement}**")
            st.badge(c.verdict, icon=c.icon, color=c.colour)
            if c.reason:
                st.markdown(c.reason)
            st.markdown(f"*Rule:* {c.rule}")
            if c.figures:
                with st.expander("Key figures", expanded=False):
                    st.markdown("\n".join(f"- {k}: **{v}**" for k, v in c.figures.items()))
            if c.evidence:
                st.caption("Evidence: " + ", ".join(f"`{e}`" for e in c.evidence))
            if c.page:
                st.page_link(c.page.path, label=f"Explore: {c.page.title}", icon=c.page.icon)
        with chart:
            if c.chart:
                spec = c.chart
                ui.show_chart(
                    data.Data(f"claim-{c.id}", spec.get("data")),
                    lambda f, spec=spec: views.claim_chart(spec, f),
                    key=f"claim-{c.id}",
                    sources=[],
                    source_text=data.describe_source(c.source),
                )
            else:
                st.info(claimcards.NO_CHART)

editions = claimcards.editions_used(data.table("source_file").frame, cards)
if editions:
    editions_slot.markdown("**Data editions behind the verdicts:** " + " · ".join(editions))
if cards:
    with tally_slot.container():
        for col, (verdict, count) in zip(
            st.columns(len(claimcards.VERDICTS)), claimcards.tally(cards).items(), strict=False
        ):
            col.metric(verdict, count)
