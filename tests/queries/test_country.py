"""country: one country's profile."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_profile(real_con):
    usa = queries.run(real_con, "country", iso3="USA").row(0, named=True)
    assert usa["name"] == "United States" and usa["capital"].startswith("Washington")
    assert usa["borders_russia_or_belarus"] is False
    assert queries.run(real_con, "country", iso3="EST")["borders_russia_or_belarus"][0] is True
    assert queries.run(real_con, "country").is_empty()
