"""countries: every country ever in a tracked grouping, once each."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_once_each_with_a_name(real_con):
    frame = queries.run(real_con, "countries")
    assert frame["iso3"].is_unique().all()
    assert frame["name"].null_count() == 0
    assert {"USA", "POL", "UKR"} <= set(frame["iso3"])
