"""Free riding: do small allies let large ones carry the load (Olson and Zeckhauser, 1966)?"""

from __future__ import annotations

import streamlit as st

from app import data, provenance, ui, widgets
from app.views import free_riding as free_riding_views
from ledger import words

ui.header(
    "Free riding",
    "Olson and Zeckhauser's theory of alliances predicts that large members carry a "
    "disproportionate share of a common defence, because deterrence benefits every member "
    "whether or not it pays. These views test that prediction year by year.",
)

c1, c2, c3, c4 = ui.controls(4)
with c1:
    source = widgets.source()
with c2:
    group = widgets.grouping(data.choices("exploitation_test", "alliance"))
with c3:
    membership = widgets.membership()
tests = data.get("exploitation_test", source=source, alliance=group, membership=membership)
with c4:
    year = widgets.year(tests.years())
sources = provenance.sources_for(source)
common = {"source": source, "alliance": group, "membership": membership}

st.subheader(f"Do larger economies carry more of the load? {year}")
# the year's test as the query runner finished it: rho, partial_rho with their _p, _lo, _hi
test = free_riding_views.test_row(tests.frame, year)
rho, partial = test.get("rho"), test.get("partial_rho")
st.markdown(
    free_riding_views.statistic_line(
        free_riding_views.association(rho, test.get("rho_lo"), test.get("rho_hi")),
        rho,
        test.get("rho_lo"),
        test.get("rho_hi"),
        test.get("rho_p"),
    )
    + "  \n"
    + free_riding_views.statistic_line(
        free_riding_views.partial_association(
            partial, test.get("partial_rho_lo"), test.get("partial_rho_hi")
        ),
        partial,
        test.get("partial_rho_lo"),
        test.get("partial_rho_hi"),
        test.get("partial_rho_p"),
    )
)
# two metrics a row: an interval ("−0.39 to 0.31") needs half the width to be read whole
m1, m2 = st.columns(2)
m1.metric(
    "Rank correlation, GDP and burden",
    words.num(rho, 2),
    help="Spearman's ρ between GDP and defence spending as a share of GDP: +1 when the "
    "largest economies always carry the heaviest burdens, 0 for no link. The Olson–Zeckhauser "
    "exploitation test.",
)
m2.metric(
    "95 % interval",
    words.span(test.get("rho_lo"), test.get("rho_hi")),
    help="Fisher's z with the Bonett–Wright standard error. An interval that holds 0 means the "
    "data cannot tell the sign.",
)
m3, m4 = st.columns(2)
m3.metric(
    "Income per head held constant",
    words.num(partial, 2),
    help="Partial rank correlation of GDP and burden, GDP per capita held constant: is the "
    "link there between economies of the same income per head?",
)
m4.metric(
    "95 % interval, income per head held constant",
    words.span(test.get("partial_rho_lo"), test.get("partial_rho_hi")),
    help="Fisher's z with the Bonett–Wright standard error, one more degree of freedom lost "
    "for the variable held constant. An interval that holds 0 means the data cannot tell the "
    "sign.",
)
st.caption(f"Allies in the test: {words.num(test.get('n'), 0)}.")

burden = data.get("burden", **common, year_from=year, year_to=year)
left, right = st.columns(2)
with left:
    ui.show_chart(
        burden,
        lambda f: free_riding_views.olson_zeckhauser(f, test),
        key="oz-scatter",
        sources=sources,
        note="A positive correlation whose interval excludes 0 means larger economies bear "
        "heavier burdens: the exploitation of the large by the small.",
        empty=f"No member has both a GDP and a spending figure in {year}: choose another year, "
        "or a larger grouping.",
    )
with right:
    ui.show_chart(
        tests,
        free_riding_views.rho_over_time,
        key="rho-over-time",
        sources=sources,
        note="Above 0: larger economies spend a larger share of GDP; the shaded bands are the "
        "95 % intervals, and a grey point's interval holds 0 (no clear sign that year). "
        "Hollow markers: years with estimated figures.",
        empty="Fewer than three members with figures in every year: choose a larger grouping "
        "(NATO, the EU) or SIPRI as the source.",
    )

st.subheader("Concordance of burden and benefit shares")
concordance = data.get("concordance_test", **common)
ui.show_chart(
    concordance,
    free_riding_views.concordance,
    key="concordance",
    sources=sources,
    note="Wilcoxon signed-rank test on d = burden share − benefit share across members "
    "(Sandler and Murdoch 2000). The line is the typical d (Hodges–Lehmann), the band its "
    "95 % interval: below zero, most members pay less than their benefit share; grey where "
    "the interval holds zero. z and p-values are in the table below.",
    empty="Too few members with figures to run the test: choose a larger grouping (NATO, the "
    "EU) or SIPRI as the source.",
)
ui.show_table(
    concordance.where(year=year),
    key="concordance-year",
    columns=ui.CONCORDANCE_COLUMNS,
    empty=f"No test for {year}: choose another year, or a larger grouping.",
)

st.subheader("The United States' share")
us = data.get("us_share")
left, right = st.columns(2)
with left:
    ui.show_chart(
        us.where(source=source),
        free_riding_views.us_share,
        key="us-share",
        sources=sources,
        note="When the spending line lies above the GDP line the US pays more than its "
        "economic weight in NATO.",
        empty="No US share on this source's figures: choose NATO or SIPRI as the source.",
    )
with right:
    ui.show_chart(
        us,
        free_riding_views.us_share_both_sources,
        key="us-share-sources",
        sources=["nato", "sipri", "wb"],
        empty="Neither NATO's nor SIPRI's figures give a US share: rebuild the data with both "
        "sources (Data and methods lists what is loaded).",
    )

st.subheader("Response to US spending")
window = widgets.year_range(
    tests.years(),
    key="window",
    default=(
        data.default("free_riding_response", "from_year"),
        data.default("free_riding_response", "to_year"),
    ),
)
slopes = data.get(
    "free_riding_response",
    **common,
    from_year=window[0] if window else None,
    to_year=window[1] if window else None,
)
ui.show_chart(
    slopes,
    free_riding_views.response_slopes,
    key="response-slopes",
    sources=sources,
    note="An approximation after Plümper and Neumayer (2015): the slope of each ally's yearly "
    "change in real spending (log) on the US's. A slope says how spending moved with the US's "
    "from year to year, not whether it grew: allies whose spending rose several-fold can still "
    "have a negative slope. About ten yearly changes per ally make the intervals wide; a grey "
    "bar's interval holds zero, so its sign is not known.",
    empty="Too few years in this window to fit a slope: widen the years to at least four (three "
    "yearly changes).",
)
