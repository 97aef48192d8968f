"""capability_balance: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import pytest

from tests.queries.world_capability import AS_OF_2024, approx, keyed, run


def test_capability_balance_nato_and_warsaw_1980(capability_con):
    got = keyed(run(capability_con, "capability_balance"), "alliance", "year")
    assert {k[0] for k in got} == {"NATO", "NATO_EUROPE_CANADA", "WARSAW"}
    assert min(k[1] for k in got) == 1980  # the 1948 row is before year_from = 1949
    nato = got[("NATO", 1980)]
    assert (nato["n_members"], nato["n_members_in_cow"]) == (4, 3)
    assert nato["members_not_in_cow"] == "ISL"
    assert nato["members"] == "DEU,GBR,ISL,USA"
    assert nato["cinc_sum"] == approx(0.19)
    assert nato["cinc_world_sum"] == approx(1.0)
    assert nato["cinc_world_share_pct"] == approx(19)
    assert nato["milex_current_kusd_sum"] == approx(190e6)
    assert nato["milex_world_share_pct"] == approx(100 * 190 / 440)
    assert nato["milper_k_sum"] == approx(2800)
    assert nato["milper_world_share_pct"] == approx(100 * 2800 / 12000)
    assert nato["world_n_states"] == 7
    warsaw = got[("WARSAW", 1980)]
    assert warsaw["members"] == "DDR,POL,SUN"
    assert warsaw["members_not_in_cow"] is None
    assert warsaw["cinc_sum"] == approx(0.20)
    assert warsaw["milex_world_share_pct"] == approx(100 * 217 / 440)
    assert warsaw["milper_world_share_pct"] == approx(100 * 4600 / 12000)
    # NATO without the United States: 0.03 + 0.03.
    assert got[("NATO_EUROPE_CANADA", 1980)]["cinc_sum"] == approx(0.06)


def test_capability_balance_1990_and_membership_rules(capability_con):
    got = keyed(run(capability_con, "capability_balance"), "alliance", "year")
    # 1990: DDR still in the Pact; NATO's DEU is unified Germany (GMY, 0.04), not the GFR row.
    assert got[("WARSAW", 1990)]["cinc_sum"] == approx(0.18)
    assert got[("NATO", 1990)]["cinc_sum"] == approx(0.19)
    assert got[("NATO", 1990)]["cinc_world_sum"] == approx(1.0)
    assert got[("NATO", 1990)]["world_n_states"] == 8  # the iso3-less GFR row counts here
    current = keyed(
        run(
            capability_con,
            "capability_balance",
            alliance="NATO",
            membership="current",
            as_of=AS_OF_2024,
            year_to=1980,
        ),
        "alliance",
        "year",
    )
    assert list(current) == [("NATO", 1980)]
    # Today's allies traced back to 1980: USA, GBR, DEU, POL in COW (0.13 + 0.03 + 0.03 + 0.02);
    #   FIN, ISL, MNE have no 1980 row.
    r = current[("NATO", 1980)]
    assert r["cinc_sum"] == approx(0.21)
    assert (r["n_members"], r["n_members_in_cow"]) == (7, 4)
    assert r["members_not_in_cow"] == "FIN,ISL,MNE"
    assert r["membership"] == "current"


@pytest.mark.raw
def test_real_capability_balance_1980(real_con):
    got = keyed(run(real_con, "capability_balance"), "alliance", "year")
    nato, warsaw = got[("NATO", 1980)], got[("WARSAW", 1980)]
    assert 0 < nato["cinc_sum"] < 1 and 0 < warsaw["cinc_sum"] < 1
    assert nato["cinc_sum"] + warsaw["cinc_sum"] < 1
    assert nato["n_members"] == 15 and warsaw["n_members"] == 7  # Albania left in 1968
    assert "SUN" in warsaw["members"] and "DDR" in warsaw["members"]
    assert nato["members_not_in_cow"] is None and warsaw["members_not_in_cow"] is None
    assert min(y for a, y in got if a == "NATO") == 1949
    assert max(y for a, y in got if a == "NATO") == 2016
