"""guideline_shortfall: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

from tests.queries.world_indicators import approx, rows, run


def test_guideline_shortfall_2023(con):
    got = rows(con, "guideline_shortfall", key="iso3", year=2023)
    # Shortfall to L = max(0, L - share) / 100 x GDP (US$ m):
    # DEU 1.6 %, GDP 10000: to 2 % 0.4 % x 10000 = 40; to 3.5 % 1.9 % x 10000 = 190.
    # USA 3.1 %, GDP 20000: to 2 % 0; to 3.5 % 0.4 % x 20000 = 80.
    # GBR 2.0 %, GDP 5000: to 2 % 0; to 3.5 % 1.5 % x 5000 = 75. POL 3.9 %: 0 and 0.
    # FIN 2.0 %, GDP 2500: to 3.5 % 1.5 % x 2500 = 37.5.
    expected = {"DEU": (40, 190), "USA": (0, 80), "GBR": (0, 75), "POL": (0, 0), "FIN": (0, 37.5)}
    for iso3, (to2, to35) in expected.items():
        assert got[iso3]["shortfall_2pct_usd_m"] == approx(to2), iso3
        assert got[iso3]["shortfall_3_5pct_usd_m"] == approx(to35), iso3
    assert (got["DEU"]["meets_2pct"], got["GBR"]["meets_2pct"], got["POL"]["meets_3_5pct"]) == (
        False,
        True,
        True,
    )
    assert (got["DEU"]["meets_20pct_equipment"], got["USA"]["meets_20pct_equipment"]) == (
        False,
        True,
    )
    assert got["ISL"]["shortfall_2pct_usd_m"] is None and got["ISL"]["meets_2pct"] is None
    # Shortfall is positive exactly when the line is missed.
    for r in run(con, "guideline_shortfall").to_dicts():
        if r["burden_pct"] is not None:
            assert (r["shortfall_2pct_usd_m"] > 0) == (not r["meets_2pct"])


def test_guideline_shortfall_sipri_has_no_equipment(con):
    got = rows(con, "guideline_shortfall", key="iso3", year=2023, source="sipri")
    # SIPRI DEU 1.5 %, on the GDP SIPRI's figures imply, 70 / 1.5 x 100 = 4666.7 US$ m:
    # to 2 % = 0.5 % x 4666.7 = 23.3 (SIPRI's own ME / 3: 70 x 0.5 / 1.5).
    assert got["DEU"]["shortfall_2pct_usd_m"] == approx(70 * 0.5 / 1.5)
    assert got["DEU"]["equipment_share_pct"] is None and got["DEU"]["meets_20pct_equipment"] is None
