"""member_history: a grouping's members and the states that came out of them, with NATO
accession and standing on a date (the claims C7-C11), on the real data."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_warsaw_pact_members_and_successors(real_con):
    frame = queries.run(real_con, "member_history", alliance="WARSAW", as_of=date(2026, 11, 30))
    by = {r["iso3"]: r for r in frame.iter_rows(named=True)}
    assert by["POL"]["relation"] == "member" and by["POL"]["nato_joined"] == date(1999, 3, 12)
    assert by["CZE"]["relation"] == "successor" and by["CZE"]["via"] == "CSK"
    assert by["BLR"]["relation"] == "former republic" and not by["BLR"]["in_nato_on_date"]
    assert not frame["is_current_member"].any()  # the pact dissolved in 1991


def test_as_of_decides_who_is_in_nato(real_con):
    def in_nato(day: date) -> bool:
        frame = queries.run(real_con, "member_history", alliance="NORDEFCO", as_of=day)
        return frame.filter(frame["iso3"] == "SWE")["in_nato_on_date"][0]

    assert not in_nato(date(2024, 3, 6)) and in_nato(date(2024, 3, 7))
