"""cross_source: NATO members' shares of GDP from the three sources, largest gap first."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_gap_is_the_largest_pairwise_difference(real_con):
    frame = queries.run(real_con, "cross_source")
    assert frame.height > 1000
    for row in frame.head(50).iter_rows(named=True):
        values = [v for v in (row["sipri_pct"], row["nato_pct"], row["wb_pct"]) if v is not None]
        assert len(values) >= 2
        gaps = [abs(a - b) for i, a in enumerate(values) for b in values[i + 1 :]]
        assert row["max_abs_diff_pp"] == pytest.approx(max(gaps))
    gaps = frame["max_abs_diff_pp"].drop_nulls()
    assert gaps.to_list() == sorted(gaps.to_list(), reverse=True)
    nato = {
        r[0] for r in real_con.sql("select iso3 from membership where alliance = 'NATO'").fetchall()
    }
    assert set(frame["iso3"]) <= nato
