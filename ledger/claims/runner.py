"""The one adapter between the warehouse and the claims: a `run(name, **params)` callable.

It wraps ledger.queries.run, the shared runner: its finished frames carry the contract's
columns, for a statistic `X` the p-value `X_p` and the 95 % interval `X_lo`, `X_hi`, as each
query's sidecar declares them (ledger/stats.py). It is the only place the claims package
touches a connection. Results are cached per call, so a verdict history that asks for the same
frame for every year runs each query once.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from ledger.queries import Run


def make_run(con: duckdb.DuckDBPyConnection) -> Run:
    """A cached `run(name, **params) -> finished frame` over one read-only connection."""
    from ledger import queries

    cache: dict[tuple, pl.DataFrame] = {}

    def run(name: str, **params: Any) -> pl.DataFrame:
        key = (name, tuple(sorted((k, str(v)) for k, v in params.items())))
        if key not in cache:
            cache[key] = queries.run(con, name, **params)
        return cache[key]

    return run


def declared_params(name: str) -> list[str]:
    """The parameters a query takes (a claim passes `as_of` only where one is taken)."""
    from ledger import queries

    return queries.load(name).params
