"""overlap_non_nato_members: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

from datetime import date

import pytest

from tests.queries.world_indicators import AS_OF_2025, _spell, approx, rows, tiny_world
from tests.tinydb import tiny_con


def test_overlap_non_nato_members(con):
    got = rows(con, "overlap_non_nato_members", key=("alliance", "iso3"), as_of=AS_OF_2025)
    # JEF FIN, NORDEFCO FIN (before NATO 2023-04-04), UK-PL-UA UKR (still outside), and
    # WEIMAR POL (1991-08-29 until NATO 1999-03-12). ISL (NORDEFCO) was always an ally.
    assert sorted(got) == [
        ("JEF", "FIN"),
        ("NORDEFCO", "FIN"),
        ("UK-PL-UA", "UKR"),
        ("WEIMAR", "POL"),
    ]
    r = got[("JEF", "FIN")]
    assert (r["outside_nato_from"], r["outside_nato_to"], r["nato_joined"]) == (
        date(2017, 6, 30),
        date(2023, 4, 4),
        date(2023, 4, 4),
    )
    # 2017-06-30 -> 2023-06-30 is 6 x 365 + 1 (29 Feb 2020) = 2191 days; less 2023-04-04 ->
    # 2023-06-30 = 26 + 31 + 30 = 87 days -> 2104.
    assert (r["is_current"], r["days_outside_nato"]) == (False, 2104)
    r = got[("UK-PL-UA", "UKR")]
    assert (r["outside_nato_to"], r["nato_joined"], r["is_current"]) == (None, None, True)
    # 2022-02-17 -> 2024-02-17 = 730 days; -> 2024-03-01 = 12 + 1 (29 Feb) = 13; March to
    # December 2024 = 306; + 1 to 2025-01-01 -> 730 + 12 + 306 + 1 = 1049.
    assert r["days_outside_nato"] == 1049
    r = got[("WEIMAR", "POL")]
    assert (r["outside_nato_from"], r["outside_nato_to"]) == (date(1991, 8, 29), date(1999, 3, 12))
    # As of 2020-01-01 Finland's NATO accession has not happened yet: still outside, running;
    # UK-PL-UA does not exist yet.
    early = rows(con, "overlap_non_nato_members", key=("alliance", "iso3"), as_of=date(2020, 1, 1))
    assert sorted(early) == [("JEF", "FIN"), ("NORDEFCO", "FIN"), ("WEIMAR", "POL")]
    assert early[("JEF", "FIN")]["is_current"] is True
    assert early[("JEF", "FIN")]["outside_nato_to"] is None


def test_overlap_non_nato_members_leaving_the_grouping_before_nato(tmp_path):
    world = tiny_world()
    # UKR leaves UK-PL-UA on 2023-01-01, then (hypothetically) joins NATO on 2024-06-01.
    spell = next(
        s for s in world["membership"] if (s["alliance"], s["iso3"]) == ("UK-PL-UA", "UKR")
    )
    spell["departed"] = date(2023, 1, 1)
    world["membership"].append(_spell("NATO", "UKR", "2024-06-01"))
    with tiny_con(tmp_path / "u.duckdb", world) as c:
        got = rows(c, "overlap_non_nato_members", key=("alliance", "iso3"), as_of=AS_OF_2025)
    r = got[("UK-PL-UA", "UKR")]
    # The period ends when UKR left the grouping, not by a NATO accession; outside_nato_to is
    # the first day no longer outside (half-open), the day after its last day as a member.
    assert (r["outside_nato_to"], r["nato_joined"], r["is_current"]) == (
        date(2023, 1, 2),
        None,
        False,
    )


@pytest.mark.raw
def test_real_membership_facts(real_con):
    non_nato = rows(real_con, "overlap_non_nato_members", key=("alliance", "iso3"))
    assert non_nato[("UK-PL-UA", "UKR")]["is_current"] is True
    assert non_nato[("JEF", "FIN")]["nato_joined"] == date(2023, 4, 4)
    assert non_nato[("JEF", "SWE")]["nato_joined"] == date(2024, 3, 7)
    share = rows(real_con, "overlap_minilateral_nato_share", key=("alliance", "year"))
    assert share[("JEF", 2022)]["non_nato_members"] == "FIN, SWE"
    assert share[("B9", date.today().year)]["pct_nato_members"] == approx(100)
