"""95 % intervals for the statistics the pages draw, and the plain words for what they say.

The query runner is to add `X_lo` and `X_hi` beside each statistic column `X` (the shared
contract); until a frame carries them, they are derived here from what it does carry: a slope's
standard error and degrees of freedom (Student's t), a rank correlation's n (Fisher's z with
the Bonett-Wright standard error for Spearman's rho).
"""

from __future__ import annotations

import math

import polars as pl

Z95 = 1.959963984540054


def _t95(df: float) -> float:
    from scipy.special import stdtrit  # on first use: most pages need no interval

    return float(stdtrit(df, 0.975))


def slope_bounds(frame: pl.DataFrame, column: str = "slope") -> pl.DataFrame:
    """The frame with `{column}_lo`, `{column}_hi` (kept when present, else from `_se`, `df`)."""
    lo, hi, se = f"{column}_lo", f"{column}_hi", f"{column}_se"
    if {lo, hi} <= set(frame.columns) or not {column, se} <= set(frame.columns):
        return frame
    dfs = frame["df"] if "df" in frame.columns else frame["n"] - 2
    half = [
        None if s is None or d is None or d < 1 else _t95(d) * s
        for s, d in zip(frame[se].to_list(), dfs.to_list(), strict=True)
    ]
    width = pl.Series("half", half, dtype=pl.Float64)
    return frame.with_columns(
        (pl.col(column) - width).alias(lo), (pl.col(column) + width).alias(hi)
    )


def rho_bounds(rho: float | None, n: int | None) -> tuple[float, float] | None:
    """A 95 % interval for Spearman's rho over n pairs (Fisher z, Bonett and Wright 2000)."""
    if rho is None or n is None or n < 4 or abs(rho) >= 1:
        return None
    se = math.sqrt((1 + rho * rho / 2) / (n - 3))
    z = math.atanh(rho)
    return math.tanh(z - Z95 * se), math.tanh(z + Z95 * se)


def rho_frame_bounds(frame: pl.DataFrame, column: str = "rho", n: str = "n") -> pl.DataFrame:
    """The frame with `{column}_lo`, `{column}_hi` (kept when present)."""
    lo, hi = f"{column}_lo", f"{column}_hi"
    if {lo, hi} <= set(frame.columns) or not {column, n} <= set(frame.columns):
        return frame
    pairs = [rho_bounds(r, k) for r, k in zip(frame[column], frame[n], strict=True)]
    return frame.with_columns(
        pl.Series(lo, [p[0] if p else None for p in pairs], dtype=pl.Float64),
        pl.Series(hi, [p[1] if p else None for p in pairs], dtype=pl.Float64),
    )


def spans_zero(lo: float | None, hi: float | None) -> bool:
    """True when the interval holds zero (or is unknown): no clear sign."""
    return lo is None or hi is None or lo <= 0 <= hi


def p_text(p: float | None) -> str:
    """'p < 0.001', 'p = 0.032', or '' (numbers for reading)."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interval_text(lo: float | None, hi: float | None, digits: int = 2) -> str:
    if lo is None or hi is None:
        return ""
    return f"95 % interval {lo:.{digits}f} to {hi:.{digits}f}".replace("-", "−")
