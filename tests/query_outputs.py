"""The regression fixture of issue 13: every query's output on the real data, saved once.

tests/fixtures/query_outputs/<case>.parquet holds, per case below, what main (6e4f3e6, before
this change) returned on a warehouse built from the real raw files: its etl.queries.run for
the queries, and app/data.py's inline SQL for the look-ups that became queries (saved under
the query names they moved to). The regression test (tests/queries/test_regression.py) runs
the same cases through ledger.queries.run and compares. Each case is a query with its default
parameters, `as_of` pinned (its default is today, which would move the fixture), and for the
queries that take `membership` the 'current' variant too. `python -m tests.query_outputs
BUILT.duckdb` rewrites the files from the current code (only to accept a deliberate change).
Rewritten once since, for a change of data, not of code: when the raw files grew from one SIPRI
release to eight (April 2026 the default; issue 20); the code was the same as the saved run's
for every case that did not change.
Rewritten a second time for a change of code: SIPRI rows of defence_panel take SIPRI's own GDP
and population (current US$ / share of GDP, / per capita) instead of the World Bank's, and
every figure is read as of `as_of` (here 2026-11-30: the newest editions, so nothing else
moved). Compared case by case with main's code on the same files before saving: us_share
changed in its SIPRI rows only (GDP sums and shares, the burden-to-benefit ratio and
n_allies_with_data, Iceland's zero no longer counting; years 1949-1959 and 2025 added, which
SIPRI's shares cover and the World Bank's GDP did not); source_editions gained the dates of the
World Bank, Kiel, COW and REST Countries files (the new editions query, like every query added
since, has no saved output). Every other case was left as saved (equal to 1e-12). The same
rewrite took in two changes main had already made (revisions' new/dropped country wording,
DMDC's file in source_editions), and built_by, a record of the build itself, joined UNSAVED.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "query_outputs"
AS_OF = date(2026, 11, 30)  # the day the fixture was saved
# Case name -> (query name, parameters beyond the defaults).
LOOKUPS: dict[str, tuple[str, dict[str, Any]]] = {
    "cross_source": ("cross_source", {}),
    "spells": ("spells", {}),
    "groupings": ("groupings", {}),
    "countries": ("countries", {}),
    "country__USA": ("country", {"iso3": "USA"}),
    "memberships_of__POL": ("memberships_of", {"iso3": "POL"}),
    "series_of__POL": ("series_of", {"iso3": "POL"}),
    "series_of__DEU": ("series_of", {"iso3": "DEU"}),
    "series_of__ISL": ("series_of", {"iso3": "ISL"}),
}

# Queries about the build itself, not the data: run ids and times differ on every build, and
# the schema lists the views and so changes with them. Their own tests cover them.
UNSAVED = {"etl_run", "source_file", "schema", "built_by"}


def cases(names: list[str], params_of) -> dict[str, tuple[str, dict[str, Any]]]:
    """Case name -> (query, parameters) for the given query names (params_of(name): its
    params); the look-ups are not among them (their cases are LOOKUPS)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    looked_up = {query for query, _ in LOOKUPS.values()} | UNSAVED
    for name in [n for n in names if n not in looked_up]:
        takes = params_of(name)
        base = {"as_of": AS_OF} if "as_of" in takes else {}
        out[name] = (name, base)
        if "membership" in takes:
            out[f"{name}__current"] = (name, {**base, "membership": "current"})
    return out


def differences(expected, actual, tolerance: float = 1e-12) -> list[str]:
    """What differs between a saved output and a new one, in words ([] when equal).

    Every saved column must be there with the same values in the same row order; floats may
    differ by `tolerance` (relative, or absolute near zero), where a different order of
    floating-point operations changes the last bits. Columns the new frame adds are allowed.
    """
    import polars as pl

    problems = []
    missing = [c for c in expected.columns if c not in actual.columns]
    if missing:
        problems.append(f"columns gone: {missing}")
    if expected.height != actual.height:
        problems.append(f"{expected.height} rows saved, {actual.height} now")
        return problems
    for column in [c for c in expected.columns if c in actual.columns]:
        old, new = expected[column], actual[column]
        if old.dtype.is_float() and new.dtype.is_numeric():
            new = new.cast(pl.Float64)
            same_null = (old.is_null() == new.is_null()).all()
            both = pl.DataFrame({"a": old, "b": new}).drop_nulls()
            nan_same = (both["a"].is_nan() == both["b"].is_nan()).all()
            finite = both.filter(both["a"].is_finite())
            inf_same = (
                both.filter(~both["a"].is_finite() & ~both["a"].is_nan())
                .select((pl.col("a") == pl.col("b")).all())
                .item()
            )
            err = (finite["a"] - finite["b"]).abs() - tolerance * finite["a"].abs().clip(1.0)
            ok = same_null and nan_same and inf_same is not False and (err <= 0).all()
        else:
            ok = old.dtype == new.dtype and old.equals(new, check_names=False)
        if not ok:
            problems.append(f"column {column!r} differs ({old.dtype} -> {new.dtype})")
    return problems


def main(db: Path) -> None:
    import duckdb

    from ledger import queries

    con = duckdb.connect(str(db), read_only=True)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for case, (name, params) in all_cases().items():
        queries.run(con, name, **params).write_parquet(FIXTURES / f"{case}.parquet")
    con.close()


def all_cases() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every saved case: each query's (cases()) and the look-ups' (LOOKUPS)."""
    from ledger import queries

    return {**cases(queries.names(), lambda n: queries.load(n).params), **LOOKUPS}


if __name__ == "__main__":
    main(Path(sys.argv[1]))
