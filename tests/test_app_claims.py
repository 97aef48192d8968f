"""The Claims page under AppTest: a claim's chart citation names its sources, editions (with the
day each was published) and licences and links to that claim; `?claim=` opens that claim first;
the as-of date is applied when a reader commits it (Enter in a browser: tests/browser/
test_claims_page.py) and travels in the link as `?as_of=`, bounded like the CLI."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app import claimcards
from core.catalogue import sources
from tests.helpers import open_page
from tests.test_app import app_db, db_env  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("db_env")


def headings(at) -> list[str]:
    return [str(m.value) for m in at.markdown if str(m.value).startswith("##### C")]


def test_a_claims_citation_names_its_editions_and_licences_and_links_to_it():
    from streamlit.testing.v1 import AppTest

    from tests.helpers import APP_TIMEOUT, DASHBOARD

    at = AppTest.from_file(str(DASHBOARD), default_timeout=APP_TIMEOUT)
    at.query_params["claim"] = "C5"
    at.session_state["cite-claim-C5"] = True  # the card's "Cite this chart" opened
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert headings(at)[0].startswith("##### C5 ·")  # the linked claim first
    assert [e.proto.expanded for e in at.expander if e.label.startswith("Details")][0]
    citation = at.code[0].value
    nato, sipri = sources.get("nato"), sources.get("sipri")
    assert f"{nato.publisher} (June 2024 tables, published 2024-06-17)" in citation
    assert f"{sipri.publisher} (April 2026 release, published 2026-04-27)" in citation
    assert "?claim=C5" in citation
    licences = "\n".join(str(m.value) for m in at.markdown)
    assert f"Licence: {nato.licence}." in licences and f"Licence: {sipri.licence}." in licences
    caption = "\n".join(str(c.value) for c in at.caption)
    assert "Source: NATO (June 2024 tables, published 2024-06-17); SIPRI (" in caption
    # the plotted numbers come with the citation, one table for the one chart opened
    assert len(at.dataframe) == 1


def test_the_as_of_date_applies_when_committed_and_lives_in_the_link():
    at = open_page("claims")
    assert "as_of" not in at.query_params  # today: nothing in the link
    at.text_input(key="as_of").set_value("2016-06-01").run()  # what Enter commits
    assert not at.exception, [e.value for e in at.exception]
    assert "NATO had 28 members on 1 June 2016" in headings(at)[0]
    assert at.query_params["as_of"] == "2016-06-01"
    # the link restores the day, and a card's citation links there on that day
    again = open_page("claims", {"as_of": "2016-06-01", "claim": "C1"})
    assert "28 members on 1 June 2016" in headings(again)[0]
    assert claimcards.claim_link("", "C1", "2016-06-01") == "?claim=C1&as_of=2016-06-01"


def test_a_date_past_the_bound_or_not_a_date_is_refused_in_one_line():
    refused = (
        ("2999-01-01", "too far ahead"),
        ("June 2016", "is not a date"),
        ("2016-06-01T00:00:00" + "9" * 500, "is not a date"),  # too long for the box
    )
    for text, words in refused:
        at = open_page("claims", {"as_of": text})
        assert not at.exception, [e.value for e in at.exception]
        warnings = [w.value for w in at.warning if words in w.value]
        assert len(warnings) == 1 and "\n" not in warnings[0], [w.value for w in at.warning]
        assert f"on {date.today():%-d %B %Y}" in headings(at)[0]  # judged as of today


def test_a_day_before_the_evidence_judges_nothing_and_says_so():
    at = open_page("claims", {"as_of": "1990-01-01"})
    assert not at.exception, [e.value for e in at.exception]
    found = headings(at)
    assert len(found) == 16
    assert sum("Not judged" in h or "not judged" in h for h in found) >= 10, found


def test_a_link_to_an_unknown_claim_says_so_and_shows_them_all():
    at = open_page("claims", {"claim": "C99"})
    assert not at.exception
    assert headings(at)[0].startswith("##### C1 ·") and len(headings(at)) == 16
    assert any("`C99`" in i.value for i in at.info)


# Technical names a reader should not meet outside a card's details: correlation symbols and
# estimator names, column and query names, file paths, 'pp'.
JARGON = re.compile(r"rho|ρ|Hodges|Δ|\b[a-z]+_[a-z_]+\b|\.csv|\bpp\b|ME/GDP|b_US|UK-PL-UA")


def test_reader_facing_words_are_plain_and_technical_names_stay_in_the_details():
    at = open_page("claims")
    inside = {id(m.proto) for e in at.expander if e.label.startswith("Details") for m in e.markdown}
    shown = [
        re.sub(r":material/[a-z_]+:", "", str(m.value))
        for m in [*at.markdown, *at.caption, *at.info, *at.warning]
        if id(m.proto) not in inside
    ]
    for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart")):
        layout = spec["layout"]
        shown.append(str(layout.get("title", {}).get("text", "")))
        for axis in ("xaxis", "yaxis"):
            shown.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
        shown += [str(trace.get("name") or "") for trace in spec["data"]]
    found = [(hit.group(0), text[:80]) for text in shown for hit in JARGON.finditer(text)]
    assert not found, found
    # and the details keep them
    details = "\n".join(str(m.value) for e in at.expander for m in e.markdown)
    assert "`member_history`" in details and "Spearman" in details
