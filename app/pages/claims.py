"""Claims and evidence: each checkable claim of the memorandum, with a verdict from the data.

The URL holds the view: `?as_of=2025-07-01` judges every claim as of that day (typed into the box
and applied on Enter), `?claim=C5` opens that claim first with its details expanded; each
chart's citation links back to its own claim.
"""

from __future__ import annotations

import streamlit as st

from app import claimcards, data, provenance, ui, verdicts, widgets
from app.views import claims as claims_views

ui.header(
    "Claims and evidence",
    "Alexander Lanoszka's 2025 memorandum for the Council on Geostrategy (*Britain's World*) "
    "asks when a military alliance turns from an asset into a liability. Each of his statements "
    "below is restated in our words and judged by a written rule on the public data.",
)
st.html(claimcards.STRIP_STYLE)
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

# A text box, not a date picker: Streamlit's picker applies a typed date only on Tab or a click,
# a text box on Enter too. Its value lives in the URL (`as_of`): read from the link on the first
# run, written back once it is a valid day (left out for today).
link, repeated = widgets.url_values("as_of")
# a link's value too long for the box is judged (and refused) as it is, the box left empty
too_long = "as_of" not in st.session_state and len(link or "") > 10
start = {} if "as_of" in st.session_state else {"value": "" if too_long else link or ""}
typed = st.text_input(
    "Judge the claims as of (YYYY-MM-DD, then Enter)",
    key="as_of",
    max_chars=10,
    placeholder="today",
    help="Memberships on this date, the editions published by then and the latest data year "
    "not after it. Empty: today. At most a year ahead; before the evidence, each claim says "
    "it is not judged.",
    **start,
)
as_of, as_of_text, problem = claimcards.judged_as_of(link if too_long else typed)
for note in (repeated, problem):
    if note:
        st.warning(note, icon=":material/event_busy:")
if as_of_text:
    st.query_params["as_of"] = as_of_text
elif "as_of" in st.query_params:
    del st.query_params["as_of"]

ids, problem = verdicts.claim_ids()
if problem:
    st.warning(problem, icon=":material/hourglass_empty:")
wanted, repeated = widgets.url_values("claim")
ids, linked, problem = claimcards.linked_first(ids, wanted)
for note in (repeated, problem):
    if note:
        st.info(note, icon=":material/link:")
st.html(claimcards.strip_legend())
base = ui.view_url().split("?")[0]
files = data.table("source_file").frame
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
        if c.id == linked:
            st.caption(f"The claim this link opens ({c.id}); every other claim follows.")
        text, chart = st.columns([2, 3])
        with text:
            st.markdown(f"##### {c.id} · {c.finding}")
            st.markdown(claimcards.verdict_pair(c))
            if c.figure:
                st.markdown(c.figure)
            if firm := claimcards.firmness_line(c):
                st.markdown(firm)
            st.caption(f"Data: {c.editions}")
            strip_slots.append(st.empty())  # the history strip, filled after every card
            st.caption(f"The claim ({c.paragraphs}; {c.attribution}; {c.kind}): {c.statement}")
            with st.expander(
                "Details: rule, thresholds, statistics", expanded=c.id == linked, key=f"rule-{c.id}"
            ):
                # one element, not one per line: the browser draws every card's details on
                # each load, collapsed or not
                st.markdown(claimcards.details_markdown(c))
            if c.page:
                st.page_link(c.page.path, label=f"Explore: {c.page.title}", icon=c.page.icon)
        with chart:
            if c.chart:
                spec = c.chart
                # the project's membership table is cited when a query of the rule reads it
                owners = provenance.table_sources()
                reads = {
                    owners.get(t)
                    for q in result["evidence_queries"]
                    for t in data.meta(q).get("sources") or []
                }
                ui.show_chart(
                    data.Data(f"claim-{c.id}", spec.get("data")),
                    lambda f, spec=spec: claims_views.claim_chart(spec, f),
                    key=f"claim-{c.id}",
                    sources=[],
                    records=claimcards.citation_records(
                        c, files, memberships=provenance.MEMBERSHIPS in reads
                    ),
                    url=claimcards.claim_link(base, c.id, as_of_text),
                )
            else:
                st.info(claimcards.NO_CHART)

if cards:
    tally_slot.markdown(claimcards.tally_pair(cards))
# Each history judges its claim once per year: drawn after every card, so no finding waits.
for result, slot in zip(results, strip_slots, strict=True):
    history, problem = verdicts.claim_history(result["id"], as_of)
    result["history"] = history
    strip = claimcards.history_strip(history, result.get("true_since") or "", result["id"])
    if strip:
        slot.html(strip)
    elif problem:
        slot.caption(problem)
if results:
    summary_slot.markdown(f"**{claimcards.summary_sentence(results)}**")
editions = claimcards.editions_used(files, cards)
if editions:
    editions_slot.markdown("**Data editions behind the verdicts:** " + " · ".join(editions))
