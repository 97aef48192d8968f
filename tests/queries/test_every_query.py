"""Every query: header and bound parameters, runs on a tiny warehouse with the documented
columns, runs on the real data."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from core.errors import EtlError
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


AS_OF = [n for n in queries.names() if "as_of" in queries.load(n).params]


def test_every_query_reading_the_editions_takes_as_of():
    """A query that reads defence_panel, nato_at, sipri_at or the other *_at macros (itself or
    through a view or macro) takes $as_of, and passes it on: no default edition read."""
    editioned = re.compile(
        r"\b(defence_panel|nato_at|sipri_at|nato_aggregate_at|cross_source_share_gdp"
        r"|member_panel_at|broader_burden_base)\b"
    )
    for name in queries.names():
        code = re.sub(r"--[^\n]*", "", queries.load(name).sql)
        if editioned.search(code):
            assert name in AS_OF, f"{name} reads editions but takes no $as_of"
            assert not re.search(r"\b\w+_at\(\)", code), f"{name} reads the newest, not $as_of"
            assert not re.search(r"\bfrom (defence_panel|cross_source_share_gdp)\b", code), name


@pytest.mark.raw
@pytest.mark.parametrize("name", AS_OF)
def test_real_every_query_answers_as_of_2016(real_con, name):
    """Before NATO's only edition and SIPRI's earliest release held were public: an answer
    (often empty), never an error."""
    params = {"iso3": "POL"} if name == "series_of" else {}
    frame = run(real_con, name, as_of=date(2016, 6, 1), **params)
    assert frame.columns == queries.load(name).columns()
