"""groupings: the groupings the indicators know, the derived one last."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_derived_last_and_minilaterals_marked(real_con):
    frame = queries.run(real_con, "groupings")
    assert frame["code"][-1] == "NATO_EUROPE_CANADA" and frame["is_derived"][-1]
    minilateral = set(frame.filter(frame["is_minilateral"])["code"])
    assert minilateral == {"JEF", "B9", "NORDEFCO", "WEIMAR", "UK-PL-UA"}
