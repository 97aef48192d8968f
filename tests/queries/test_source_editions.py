"""source_editions: each raw file's edition and, where the edition table dates the file, its date
(every source's data files; not the World Bank's metadata, Kiel's other extracts or COW's codes)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_every_source_s_data_files_carry_their_publication_dates(real_con):
    frame = queries.run(real_con, "source_editions")
    dated = dict(frame.drop_nulls("published").select("name", "published").iter_rows())
    folders = {"nato", "sipri", "dmdc", "worldbank", "kiel", "cow", "geo"}
    assert {n.split("/")[0] for n in dated} == folders
    nato = [d for n, d in dated.items() if n.startswith("nato/")]
    assert date(2024, 6, 17) in nato  # NATO's June 2024 edition (press release 2024-06-17)
    dmdc = [d for n, d in dated.items() if n.startswith("dmdc/")]
    assert dmdc == [date(2026, 2, 16)]  # DMDC's report as of 31 December 2025, saved 2026-02-16
    # every other file is listed too, with no date of its own
    assert frame.height == queries.run(real_con, "source_file").height
