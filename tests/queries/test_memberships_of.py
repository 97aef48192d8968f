"""memberships_of: one country's memberships in the order it joined."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_poland(real_con):
    frame = queries.run(real_con, "memberships_of", iso3="POL")
    nato = frame.filter(frame["alliance"] == "NATO").row(0, named=True)
    assert nato["joined"] == date(1999, 3, 12) and nato["departed"] is None
    assert frame["joined"].to_list() == sorted(frame["joined"].to_list())
    assert "WARSAW" in frame["alliance"].to_list()
