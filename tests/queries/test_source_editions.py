"""source_editions: each raw file's edition and, for NATO and SIPRI releases, its date."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_nato_and_sipri_files_carry_their_publication_dates(real_con):
    frame = queries.run(real_con, "source_editions")
    dated = dict(frame.drop_nulls("published").select("name", "published").iter_rows())
    assert {n.split("/")[0] for n in dated} == {"nato", "sipri"}
    nato = [d for n, d in dated.items() if n.startswith("nato/")]
    assert date(2024, 6, 17) in nato  # NATO's June 2024 edition (press release 2024-06-17)
    # every other file is listed too, with no date of its own
    assert frame.height == queries.run(real_con, "source_file").height
