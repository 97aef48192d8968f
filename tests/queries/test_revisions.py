"""revisions: what an edition changed against the previous one. The real raw files hold one
edition per source, so here it only runs with the documented columns; the hand-made editions
are in tests/test_editions.py (test_revisions_say_what_each_edition_changed)."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_runs_with_the_documented_columns(real_con):
    editions = queries.run(real_con, "coverage")
    frame = queries.run(real_con, "revisions", source="nato", iso3="POL")
    assert frame.columns == queries.load("revisions").columns()
    if editions.filter(editions["source"] == "nato").height == 1:
        assert frame.is_empty()  # one edition: nothing revised
