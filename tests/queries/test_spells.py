"""spells: membership spells as recorded, derived groupings left out."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_recorded_spells_only(real_con):
    frame = queries.run(real_con, "spells")
    assert "NATO_EUROPE_CANADA" not in set(frame["alliance"])
    recorded = real_con.sql("select count(*) from membership").fetchall()[0][0]
    assert frame.height == recorded
