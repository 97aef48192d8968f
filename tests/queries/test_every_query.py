"""Every query: header and bound parameters, runs on a tiny warehouse with the documented
columns, runs on the real data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.errors import EtlError
from ledger import queries
from tests.queries import world_capability, world_indicators
from tests.queries.world_indicators import _real_runs, _sql_files, run


@pytest.mark.parametrize("path", _sql_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sql_file_has_header_and_no_formatting_markers(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-- "), f"{path.name}: starts with a header comment"
    code = re.sub(r"--[^\n]*", "", text)
    for marker in ("{", "}", "%s", "%(", "?"):
        assert marker not in code, f"{path.name}: string-formatting marker {marker!r}"


def test_unknown_enum_value_is_refused(con):
    with pytest.raises(EtlError, match="must be one of"):
        run(con, "burden", alliance="SEATO")
    with pytest.raises(EtlError, match="must be one of"):
        run(con, "burden", source="imf")


@pytest.mark.raw
@pytest.mark.parametrize(("name", "params"), list(_real_runs()))
def test_real_every_query_runs(real_con, name, params):
    frame = run(real_con, name, **params)
    assert frame.height > 0
    assert frame.columns == queries.load(name).columns()


# The tiny warehouse each indicator has rows in (tests/queries/world_*.py), and the parameters
# it needs there beyond its defaults. The test below fails for an indicator missing here.
TINY = {
    **{name: ("con", {}) for name in world_indicators.MINE},
    **{name: ("all_con", {}) for name in world_capability.MINE},
    "exploitation_test": ("tiny", {}),
    "concordance_test": ("tiny", {}),
    "free_riding_response": ("tiny", {"from_year": 2014, "to_year": 2018}),
}


# Tested on the real data only (tests/queries/test_member_history.py).
REAL_ONLY = {"member_history"}


def test_every_query_has_a_test_file_named_after_it():
    here = Path(__file__).parent
    missing = [n for n in queries.names() if not (here / f"test_{n}.py").is_file()]
    assert not missing, f"no tests/queries/test_<name>.py for {missing}"
    indicators = {n for n in queries.names() if queries.load(n).meta.get("kind") != "lookup"}
    assert set(TINY) | REAL_ONLY <= indicators


@pytest.mark.parametrize("name", sorted(TINY))
def test_query_runs_with_defaults_and_returns_the_documented_columns(request, name):
    fixture, params = TINY[name]
    frame = queries.run(request.getfixturevalue(fixture), name, **params)
    assert frame.height > 0, f"{name} returned nothing on the tiny warehouse"
    assert frame.columns == queries.load(name).columns()
