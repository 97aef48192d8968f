"""etl_run: the builds that wrote the database, newest first."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_newest_first_and_published(real_con):
    frame = queries.run(real_con, "etl_run")
    assert frame["outcome"][0] == "published"
    started = frame["started_at"].to_list()
    assert started == sorted(started, reverse=True)
