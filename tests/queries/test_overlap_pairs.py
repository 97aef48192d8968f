"""overlap_pairs: on tiny hand-made warehouses (tests/queries/world_*.py) and on the real data."""

from __future__ import annotations

from tests.queries.world_indicators import AS_OF_2025, approx, rows


def test_overlap_pairs(con):
    got = rows(con, "overlap_pairs", key=("alliance_a", "alliance_b"), as_of=AS_OF_2025)
    # Groupings with members on 2025-01-01: B9 EU JEF NATO NORDEFCO UK-PL-UA WEIMAR -> 7 x 6 / 2.
    assert len(got) == 21
    # JEF {FIN, GBR} vs NATO {DEU FIN GBR ISL POL USA}: both 2, union 6, Jaccard 2/6.
    r = got[("JEF", "NATO")]
    assert (r["n_a"], r["n_b"], r["n_both"], r["n_union"]) == (2, 6, 2, 6)
    assert r["jaccard"] == approx(1 / 3)
    assert (r["share_of_a_in_b_pct"], r["share_of_b_in_a_pct"]) == (approx(100), approx(100 / 3))
    assert r["members_both"] == "FIN, GBR"
    # NATO vs UK-PL-UA {GBR POL UKR}: both GBR POL = 2; union 6 + 3 - 2 = 7; Jaccard 2/7;
    # 2 of UK-PL-UA's 3 are allies -> 66.67 %.
    r = got[("NATO", "UK-PL-UA")]
    assert (r["n_both"], r["n_union"], r["jaccard"]) == (2, 7, approx(2 / 7))
    assert r["share_of_b_in_a_pct"] == approx(200 / 3)
    # B9 {POL} and JEF share nobody.
    r = got[("B9", "JEF")]
    assert (r["n_both"], r["n_union"], r["jaccard"], r["members_both"]) == (0, 3, 0, "")
    # EU {DEU FIN POL} vs WEIMAR {DEU POL}: 2 in common, union 3.
    assert got[("EU", "WEIMAR")]["jaccard"] == approx(2 / 3)
