"""overlap_multi_members: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

from datetime import date

from tests.queries.world_indicators import AS_OF_2025, rows, run


def test_overlap_multi_members(con):
    got = run(con, "overlap_multi_members", as_of=AS_OF_2025).to_dicts()
    # POL 5; FIN 4 (NATO EU JEF NORDEFCO); DEU 3 (NATO EU WEIMAR); GBR 3; ISL 2; ordered by
    # count then code. UKR (1) and USA (1) are left out.
    assert [(r["iso3"], r["n_groupings"]) for r in got] == [
        ("POL", 5),
        ("FIN", 4),
        ("DEU", 3),
        ("GBR", 3),
        ("ISL", 2),
    ]
    assert got[1]["groupings"] == "EU, JEF, NATO, NORDEFCO"
    assert got[1]["n_minilaterals"] == 2 and got[1]["in_nato"] is True
    # On 2019-01-01 Finland was in three groupings but not in NATO.
    fin = rows(con, "overlap_multi_members", key="iso3", as_of=date(2019, 1, 1))["FIN"]
    assert (fin["n_groupings"], fin["in_nato"], fin["groupings"]) == (3, False, "EU, JEF, NORDEFCO")
