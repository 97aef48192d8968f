"""security_burden_test: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import math

import pytest

from tests.queries.world_capability import (
    _scipy_check,
    approx,
    keyed,
    run,
    two_bases_security,
)


def test_security_burden_test_by_hand(security_con):
    got = keyed(run(security_con, "security_burden_test"), "year")
    r = got[2023]
    assert (r["n_members"], r["n"], r["n_estimates"], r["df"]) == (7, 5, 5, 3)
    assert r["members"] == "DEU,FIN,GBR,POL,USA"
    assert r["members_left_out"] == "ISL,MNE"
    assert r["rho_plain"] == approx(-1 / math.sqrt(95), abs=1e-12)
    assert r["t_plain"] == approx(-1 / math.sqrt(95) * math.sqrt(3 / (1 - 1 / 95)))
    assert r["rho_broader"] == approx(-0.6, abs=1e-12)
    assert r["t_broader"] == approx(-1.299038106, abs=1e-9)
    assert r["mean_defence_pct_gdp"] == approx((3.0 + 1.5 + 2.0 + 4.0 + 2.0) / 5)
    assert r["mean_broader_burden_pct"] == approx((3.1 + 2.0 + 2.2 + 5.0 + 4.0) / 5)
    # 2022: FIN not yet an ally -> USA, GBR, DEU, POL (n = 4); MNE, ISL left out.
    assert (got[2022]["n"], got[2022]["members_left_out"]) == (4, "ISL,MNE")


def test_security_burden_test_agrees_with_scipy(security_con):
    for params in ({}, {"aid_rule": "period_average"}, {"aid_type": "military"}):
        burden = run(security_con, "security_burden", **params)
        test = run(security_con, "security_burden_test", **params)
        assert _scipy_check(burden, test) == 2


@pytest.mark.raw
def test_real_security_burden_test_agrees_with_scipy(real_con):
    for params in ({}, {"aid_rule": "period_average"}, {"aid_type": "military"}):
        burden = run(real_con, "security_burden", **params)
        test = run(real_con, "security_burden_test", **params)
        assert _scipy_check(burden, test) >= 3  # 2022, 2023, 2024
    r = keyed(run(real_con, "security_burden_test"), "year")[2024]
    assert r["members_left_out"] == "ALB,ISL,MKD,MNE"
    assert r["n"] == 28


def test_security_burden_test_never_ranks_gdp_across_two_bases(tmp_path):
    con = two_bases_security(tmp_path)
    got = keyed(run(con, "security_burden_test"), "year")
    con.close()
    # 2023: USA and GBR at 2021 prices, DEU, POL and FIN at 2015 prices: no rho, flagged.
    r = got[2023]
    assert (r["n"], r["price_base_year"], r["mixed_price_bases"]) == (5, None, True)
    assert (r["rho_plain"], r["t_plain"], r["rho_broader"], r["t_broader"]) == (None,) * 4
    assert r["rho_plain_p"] is None
    # 2022: every figure from the 2024 edition, one base: the test runs and says which.
    r = got[2022]
    assert (r["price_base_year"], r["mixed_price_bases"]) == (2015, False)
    assert r["rho_plain"] is not None
