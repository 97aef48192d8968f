"""security_burden: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from tests.queries.world_capability import (
    approx,
    keyed,
    run,
    two_bases_security,
)


def test_security_burden_calendar_year(security_con):
    got = keyed(run(security_con, "security_burden"), "iso3", "year")
    assert {k[1] for k in got} == {2022, 2023}  # 2021 is before the tracker
    r = got[("USA", 2023)]
    assert r["aid_tracked"] is True
    assert r["aid_eur_bn"] == approx(20)
    assert r["kiel_gdp_eur_bn"] == approx(20000)
    assert r["aid_pct_gdp"] == approx(0.1)
    assert r["aid_months_covered"] == 12
    assert r["broader_burden_pct"] == approx(3.1)
    assert r["aid_share_of_broader_pct"] == approx(100 * 0.1 / 3.1)
    # 2022: USA 10 + 30 = 40 bn -> 0.2 %; broader 3.3 + 0.2 = 3.5.
    assert got[("USA", 2022)]["aid_pct_gdp"] == approx(0.2)
    assert got[("USA", 2022)]["broader_burden_pct"] == approx(3.5)
    # DEU is tracked but gave nothing in 2022: aid 0, broader = defence.
    assert got[("DEU", 2022)]["aid_pct_gdp"] == approx(0)
    assert got[("DEU", 2022)]["broader_burden_pct"] == approx(1.4)
    for iso3, pct, broader in [("GBR", 0.2, 2.2), ("DEU", 0.5, 2.0), ("POL", 1.0, 5.0)]:
        assert got[(iso3, 2023)]["aid_pct_gdp"] == approx(pct), iso3
        assert got[(iso3, 2023)]["broader_burden_pct"] == approx(broader), iso3
    # MNE is not tracked: aid unknown, not zero. ISL is tracked but has no defence figure.
    mne = got[("MNE", 2023)]
    assert mne["aid_tracked"] is False
    assert mne["aid_pct_gdp"] is None and mne["broader_burden_pct"] is None
    assert got[("ISL", 2023)]["aid_pct_gdp"] == approx(1.0)
    assert got[("ISL", 2023)]["broader_burden_pct"] is None
    # Historical membership: FIN (2023-04-04) is listed for 2023, not 2022.
    assert ("FIN", 2022) not in got
    assert got[("FIN", 2023)]["broader_burden_pct"] == approx(4.0)


def test_security_burden_other_rules(security_con):
    military = keyed(run(security_con, "security_burden", aid_type="military"), "iso3", "year")
    # Military only, 2023: USA 10 / 20000 = 0.05 %; GBR 4 / 3000 = 0.1333 %.
    assert military[("USA", 2023)]["aid_pct_gdp"] == approx(0.05)
    assert military[("GBR", 2023)]["aid_pct_gdp"] == approx(100 * 4 / 3000)
    assert military[("USA", 2023)]["aid_type"] == "military"
    average = keyed(run(security_con, "security_burden", aid_rule="period_average"), "iso3", "year")
    # The tracker's 30 months (2022-01 to 2024-06): USA 70 bn x 12 / 30 = 28 bn a year, 0.14 %,
    #   the same in 2022 and 2023; GBR 9 x 12 / 30 = 3.6 bn -> 0.12 %.
    for year in (2022, 2023):
        assert average[("USA", year)]["aid_eur_bn"] == approx(28)
        assert average[("USA", year)]["aid_pct_gdp"] == approx(0.14)
        assert average[("USA", year)]["aid_months_covered"] == 30
    assert average[("GBR", 2023)]["aid_pct_gdp"] == approx(0.12)
    assert average[("USA", 2023)]["broader_burden_pct"] == approx(3.14)


def test_security_burden_reports_each_rows_price_base(tmp_path):
    con = two_bases_security(tmp_path)
    got = keyed(run(con, "security_burden"), "iso3", "year")
    con.close()
    assert got[("USA", 2022)]["price_base_year"] == 2015
    assert got[("USA", 2023)]["price_base_year"] == 2021
    assert got[("USA", 2023)]["gdp_constant_usd_m"] == approx(25e6)
    assert got[("DEU", 2023)]["price_base_year"] == 2015
