"""source_file: the raw files the database was built from."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_every_source_has_files_with_checksums(real_con):
    frame = queries.run(real_con, "source_file")
    assert {"nato", "sipri", "worldbank"} <= {n.split("/")[0] for n in frame["name"]}
    assert frame["sha256"].str.len_chars().min() == 64
