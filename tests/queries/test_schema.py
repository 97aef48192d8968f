"""schema: every column of every table and view (the SQL explorer's reference)."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_tables_and_views(real_con):
    frame = queries.run(real_con, "schema")
    kinds = dict(frame.select("table", "kind").unique().iter_rows())
    assert kinds["nato_defence"] == "BASE TABLE"
    assert kinds["defence_panel"] == "VIEW" and kinds["cross_source_share_gdp"] == "VIEW"
