"""Every query on the real data against the outputs saved before issue 13's rewrite
(tests/fixtures/query_outputs, written by tests/query_outputs.py): the same rows in the same
order, every saved column unchanged (floats to 1e-12); added columns (_p, _lo, _hi) allowed."""

from __future__ import annotations

import polars as pl
import pytest

from ledger import queries
from tests import query_outputs

SAVED = {p.stem for p in query_outputs.FIXTURES.glob("*.parquet")}
# The cases saved before the rewrite; a query added since has no "before" and is not here.
CASES = {case: spec for case, spec in query_outputs.all_cases().items() if case in SAVED}


def test_every_saved_output_is_still_run():
    """A saved output whose query or case went away fails: removing one is a decision."""
    assert set(CASES) == SAVED
    assert len(SAVED) >= 48


@pytest.mark.raw
@pytest.mark.parametrize("case", sorted(CASES))
def test_output_unchanged(real_con, case):
    name, params = CASES[case]
    saved = pl.read_parquet(query_outputs.FIXTURES / f"{case}.parquet")
    assert query_outputs.differences(saved, queries.run(real_con, name, **params)) == []


def test_differences_sees_a_changed_value():
    saved = pl.DataFrame({"x": [1.0, 2.0], "k": ["a", "b"]})
    assert query_outputs.differences(saved, saved.with_columns(y=pl.lit(1))) == []
    assert query_outputs.differences(saved, saved.with_columns(x=pl.Series([1.0, 2.0 + 1e-9])))
    assert query_outputs.differences(saved, saved.with_columns(k=pl.Series(["a", "c"])))
    assert query_outputs.differences(saved, saved.drop("k"))
    assert query_outputs.differences(saved, saved.head(1))
