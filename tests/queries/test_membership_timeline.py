"""membership_timeline: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

from datetime import date

import pytest

from tests.queries.world_indicators import approx, rows, run


def test_membership_timeline(con):
    got = rows(con, "membership_timeline", key="year")
    # NATO: USA GBR ISL from 1949; DEU 1955; POL 1999; FIN 2023.
    assert min(got) == 1949 and max(got) == date.today().year
    assert [got[y]["n_nato_members"] for y in (1949, 1955, 1999, 2023)] == [3, 4, 5, 6]
    # 1990: no minilateral yet. 1991: WEIMAR (DEU ally, POL not).
    assert (got[1990]["n_nato_in_minilateral"], got[1990]["n_minilateral_members"]) == (0, 0)
    r = got[1991]
    assert (r["n_nato_in_minilateral"], r["n_minilateral_members"]) == (1, 2)
    assert r["minilateral_outside_nato"] == "POL"
    # 2009: NORDEFCO (FIN, ISL) -> allies in a minilateral: DEU POL ISL = 3; FIN outside.
    assert (got[2009]["n_nato_in_minilateral"], got[2009]["minilateral_outside_nato"]) == (3, "FIN")
    # 2014: JEF (GBR) -> 4. 2022: UK-PL-UA -> still 4 allies; outside FIN and UKR.
    assert got[2014]["n_nato_in_minilateral"] == 4
    assert (got[2022]["n_nato_in_minilateral"], got[2022]["minilateral_outside_nato"]) == (
        4,
        "FIN, UKR",
    )
    # 2023: FIN joins NATO -> 5 of 6 allies (all but USA) = 83.33 %; outside only UKR.
    r = got[2023]
    assert (r["n_nato_members"], r["n_nato_in_minilateral"]) == (6, 5)
    assert r["pct_nato_in_minilateral"] == approx(500 / 6)
    assert (r["n_minilateral_members"], r["n_minilateral_outside_nato"]) == (6, 1)


@pytest.mark.raw
def test_real_nato_has_32_members_today(real_con):
    got = run(real_con, "overlap_matrix")
    assert got["nato"].sum() == 32
    assert (
        rows(real_con, "membership_timeline", key="year")[date.today().year]["n_nato_members"] == 32
    )
