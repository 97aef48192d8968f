"""The plain words for a statistic's p-value and 95 % interval.

The intervals themselves are computed once, by the query runner (ledger.queries.run adds `X_lo`,
`X_hi` and `X_p` beside every statistic a sidecar declares; ledger/stats.py): the pages and
views only read those columns and say what they mean.
"""

from __future__ import annotations

import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def spans_zero(lo: float | None, hi: float | None) -> bool:
    """True when the interval holds zero (or is unknown): the data cannot tell the sign."""
    return _missing(lo) or _missing(hi) or lo <= 0 <= hi


def p_text(p: float | None) -> str:
    """'p < 0.001', 'p = 0.032', or '' (numbers for reading)."""
    if _missing(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interval_text(lo: float | None, hi: float | None, digits: int = 2) -> str:
    """'95 % interval −0.24 to 0.45', or '' without an interval."""
    if _missing(lo) or _missing(hi):
        return ""
    return f"95 % interval {lo:.{digits}f} to {hi:.{digits}f}".replace("-", "−")


def range_text(lo: float | None, hi: float | None, digits: int = 2) -> str:
    """'−0.24 to 0.45' (a metric's value), or '—'."""
    if _missing(lo) or _missing(hi):
        return "—"
    return f"{lo:.{digits}f} to {hi:.{digits}f}".replace("-", "−")
