"""coverage: what each loaded edition covers, on the real data (the multi-edition cases are in
tests/test_editions.py)."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_one_row_per_source_edition_with_the_newest_marked(real_con):
    frame = queries.run(real_con, "coverage")
    assert frame.columns == queries.load("coverage").columns()
    assert frame.select("source", "edition").is_unique().all()
    for source in ("nato", "sipri"):
        rows = frame.filter(frame["source"] == source)
        assert rows["is_newest"].sum() == 1
        newest = rows.filter(rows["is_newest"])["edition"][0]
        assert newest == rows["edition"].max()
    nato = frame.filter((frame["source"] == "nato") & frame["is_newest"]).row(0, named=True)
    assert nato["n_countries"] == 32 and nato["last_year"] >= 2024
