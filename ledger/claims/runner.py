"""The one adapter between the warehouse and the claims: a `run(name, **params)` callable.

Until the shared query runner (ledger.queries, issue 13) lands, this wraps etl.queries.run and
etl.stats' p-values and adds the contract's columns: for a statistic `X`, `X_p` and the 95 %
interval `X_lo`, `X_hi`. It is the only place the claims package touches a connection; swap
its body for the shared runner and nothing else changes. Results are cached per call, so a
verdict history that asks for the same frame for every year runs each query once.
"""

from __future__ import annotations

import contextlib
from typing import Any

import duckdb
import polars as pl

from ledger.claims import intervals
from ledger.claims.base import Run

# Correlation columns and the column holding their n, per query frame.
_CORRELATIONS = {
    "rho": "n",
    "partial_rho": "n",
    "rho_plain": "n",
    "rho_broader": "n",
}


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `X_p`, `X_lo`, `X_hi` for each statistic the frame lacks them for."""
    from etl import stats

    # A frame with no p-values of its own (threat_proximity_test, ...) raises ValueError.
    with contextlib.suppress(ValueError):
        frame = stats.with_p_values(frame)
    for column, n_column in _CORRELATIONS.items():
        if column not in frame.columns or n_column not in frame.columns:
            continue
        rows = list(zip(frame[column], frame[n_column], strict=True))
        partial = column == "partial_rho"
        if f"{column}_p" not in frame.columns:
            p = [(stats.partial_spearman_p if partial else stats.spearman_p)(r, n) for r, n in rows]
            frame = frame.with_columns(pl.Series(f"{column}_p", p, dtype=pl.Float64))
        if f"{column}_lo" not in frame.columns:
            ci = [intervals.fisher(r, n, controls=1 if partial else 0) for r, n in rows]
            frame = frame.with_columns(
                pl.Series(f"{column}_lo", [c[0] for c in ci], dtype=pl.Float64),
                pl.Series(f"{column}_hi", [c[1] for c in ci], dtype=pl.Float64),
            )
    if {"slope", "slope_se", "df"} <= set(frame.columns) and "slope_lo" not in frame.columns:
        ci = [
            intervals.t_interval(b, se, df)
            for b, se, df in frame.select("slope", "slope_se", "df").iter_rows()
        ]
        frame = frame.with_columns(
            pl.Series("slope_lo", [c[0] for c in ci], dtype=pl.Float64),
            pl.Series("slope_hi", [c[1] for c in ci], dtype=pl.Float64),
        )
    return frame


def make_run(con: duckdb.DuckDBPyConnection) -> Run:
    """A cached `run(name, **params) -> finished frame` over one read-only connection."""
    from etl import queries

    cache: dict[tuple, pl.DataFrame] = {}

    def run(name: str, **params: Any) -> pl.DataFrame:
        key = (name, tuple(sorted((k, str(v)) for k, v in params.items())))
        if key not in cache:
            cache[key] = _finish(queries.run(con, name, **params))
        return cache[key]

    return run


def spearman_p(rho: float | None, n: int | None) -> float | None:
    """Two-sided p of Spearman's rho (etl.stats until ledger.stats lands): shown in a card's
    details, never the ground of a verdict."""
    from etl import stats

    return stats.spearman_p(rho, n)


def declared_params(name: str) -> list[str]:
    """The parameters a query takes (a claim passes `as_of` only where one is taken)."""
    from etl import queries

    return queries.load(name).params
