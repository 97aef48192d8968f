"""overlap_matrix: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from datetime import date

from tests.queries.world_indicators import AS_OF_2025, rows


def test_overlap_matrix(con):
    got = rows(con, "overlap_matrix", key="iso3", as_of=AS_OF_2025)
    # On 2025-01-01: DDR is gone (Warsaw Pact dissolved), so 7 countries are in a grouping.
    assert sorted(got) == ["DEU", "FIN", "GBR", "ISL", "POL", "UKR", "USA"]
    assert sum(r["nato"] for r in got.values()) == 6
    pol = got["POL"]
    # POL: NATO, EU, B9, WEIMAR, UK-PL-UA -> 5 groupings, 3 of them minilateral.
    assert (pol["nato"], pol["eu"], pol["b9"], pol["weimar"], pol["uk_pl_ua"]) == (True,) * 5
    assert (pol["jef"], pol["nordefco"], pol["warsaw"]) == (False,) * 3
    assert (pol["n_groupings"], pol["n_minilaterals"]) == (5, 3)
    # GBR left the EU (departed 2020-02-01): NATO, JEF, UK-PL-UA.
    assert (got["GBR"]["eu"], got["GBR"]["n_groupings"]) == (False, 3)
    assert (got["UKR"]["nato"], got["UKR"]["uk_pl_ua"]) == (False, True)
    # On 1990-01-01 the Warsaw Pact still held POL and DDR.
    old = rows(con, "overlap_matrix", key="iso3", as_of=date(1990, 1, 1))
    assert old["DDR"]["warsaw"] is True and old["POL"]["warsaw"] is True
    assert sum(r["nato"] for r in old.values()) == 4  # USA GBR ISL DEU
