"""overlap_minilateral_nato_share: on tiny hand-made warehouses (tests/queries/world_*.py) and
on the real data."""

from __future__ import annotations

from tests.queries.world_indicators import approx, rows


def test_overlap_minilateral_nato_share(con):
    got = rows(con, "overlap_minilateral_nato_share", key=("alliance", "year"))
    # JEF 2017: GBR (ally) and FIN (not) -> 1 of 2 = 50 %; 2023: FIN an ally -> 100 %.
    assert (got[("JEF", 2017)]["pct_nato_members"], got[("JEF", 2017)]["non_nato_members"]) == (
        approx(50),
        "FIN",
    )
    assert (got[("JEF", 2023)]["pct_nato_members"], got[("JEF", 2023)]["non_nato_members"]) == (
        approx(100),
        "",
    )
    # UK-PL-UA 2022: GBR POL allies, UKR not -> 2 of 3.
    r = got[("UK-PL-UA", 2022)]
    assert (r["n_members"], r["n_nato_members"], r["non_nato_members"]) == (3, 2, "UKR")
    # WEIMAR 1991: DEU ally, POL not (NATO 1999) -> 50 %; 1999: 100 %.
    assert got[("WEIMAR", 1991)]["non_nato_members"] == "POL"
    assert got[("WEIMAR", 1999)]["pct_nato_members"] == approx(100)
    assert {a for a, _ in got} == {"JEF", "B9", "NORDEFCO", "WEIMAR", "UK-PL-UA"}
