"""threat_proximity: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

from tests.queries.world_indicators import _haversine, approx, rows


def test_threat_proximity_distances(con):
    got = rows(con, "threat_proximity", key="iso3", year=2023)
    # European allies in 2023: every NATO member but USA and CAN.
    assert sorted(got) == ["DEU", "FIN", "GBR", "ISL", "POL"]
    # FIN sits 10 degrees due north of Moscow: 6371.0088 x 10 x pi / 180 = 1111.9508 km.
    assert got["FIN"]["distance_to_moscow_km"] == approx(1111.9508, abs=1e-3)
    for iso3, (lat, lon) in {
        "GBR": (51.5, -0.08),
        "POL": (52.25, 21.0),
        "DEU": (52.52, 13.4),
    }.items():
        assert got[iso3]["distance_to_moscow_km"] == approx(_haversine(lat, lon, 55.75, 37.62))
    # Warsaw-Moscow is about 1,150 km; London-Moscow about 2,500 km.
    assert 1100 < got["POL"]["distance_to_moscow_km"] < 1200
    assert 2450 < got["GBR"]["distance_to_moscow_km"] < 2550
    assert (got["POL"]["borders_russia_or_belarus"], got["DEU"]["borders_russia_or_belarus"]) == (
        True,
        False,
    )
    assert got["ISL"]["burden_pct"] is None and got["POL"]["burden_pct"] == 3.9
