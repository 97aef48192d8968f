"""guideline_counts: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import pytest

from tests.queries.world_indicators import AS_OF_2024, rows


def test_guideline_counts_nato(con):
    got = rows(con, "guideline_counts", key="year")
    # 2014 (historical): USA GBR ISL DEU POL = 5 allies; ISL has no figure.
    # Shares: USA 3.7, GBR 2.1, DEU 1.2, POL 1.9 -> 2 at or above 2 %; 1 at or above 3.5 %.
    r = got[2014]
    assert (r["n_allies"], r["n_allies_with_data"]) == (5, 4)
    assert (r["n_at_or_above_2pct"], r["n_below_2pct"], r["n_at_or_above_3_5pct"]) == (2, 2, 1)
    assert (r["allies_below_2pct"], r["allies_without_data"]) == ("DEU, POL", "ISL")
    assert r["n_allies_with_equipment_data"] == 0  # no TABLE8a figures for 2014 here
    # 2023: + FIN = 6 allies, 5 with data: USA 3.1, GBR 2.0, DEU 1.6, POL 3.9, FIN 2.0
    # -> at or above 2 %: USA GBR POL FIN = 4 (2.0 counts); at or above 3.5 %: POL = 1.
    # Equipment: USA 30, GBR 25, DEU 18, POL 45, FIN 19 -> >= 20 %: 3; below: DEU FIN.
    # Both 2 % and 20 %: USA GBR POL = 3.
    r = got[2023]
    assert (r["n_allies"], r["n_allies_with_data"]) == (6, 5)
    assert (r["n_at_or_above_2pct"], r["n_at_or_above_3_5pct"]) == (4, 1)
    assert (r["n_allies_with_equipment_data"], r["n_at_or_above_20pct_equipment"]) == (5, 3)
    assert (r["n_below_20pct_equipment"], r["n_meeting_2pct_and_20pct"]) == (2, 3)
    assert (r["allies_below_2pct"], r["allies_below_20pct_equipment"]) == ("DEU", "DEU, FIN")
    assert r["any_estimate"] is True and got[2022]["any_estimate"] is False


def test_guideline_counts_current_membership_and_sipri(con):
    curr = rows(con, "guideline_counts", key="year", membership="current", as_of=AS_OF_2024)
    # 2022 with the members of 2024-01-01: USA 2.5, GBR 2.0, DEU 1.0, POL 2.0, FIN 2.0 -> 4.
    assert (curr[2022]["n_allies"], curr[2022]["n_at_or_above_2pct"]) == (6, 4)
    hist = rows(con, "guideline_counts", key="year")
    assert (hist[2022]["n_allies"], hist[2022]["n_at_or_above_2pct"]) == (5, 3)
    sipri = rows(con, "guideline_counts", key="year", source="sipri")
    # SIPRI 2023: USA 3.4, GBR 2.3, DEU 1.5, POL 3.8, FIN 2.4 -> 4 at/above 2 %, POL >= 3.5.
    r = sipri[2023]
    assert (r["n_allies_with_data"], r["n_at_or_above_2pct"], r["n_at_or_above_3_5pct"]) == (
        5,
        4,
        1,
    )
    # No equipment share on SIPRI's figures: the equipment counts are NULL, not 0.
    assert r["n_at_or_above_20pct_equipment"] is None
    assert r["n_allies_with_equipment_data"] is None


@pytest.mark.raw
def test_real_allies_at_or_above_2pct_in_2014(real_con):
    got = rows(real_con, "guideline_counts", key="year")
    # claims.md: 3 allies at or above 2 % in 2014 on NATO's figures (USA, GBR, GRC).
    assert got[2014]["n_at_or_above_2pct"] == 3
    assert got[2014]["n_allies"] == 28
