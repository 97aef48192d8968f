"""Small helpers several claims share: members on a date, a card's Spearman statistic, and the
direction of a series over its last few years. The statistics themselves are ledger/stats.py's."""

from __future__ import annotations

from datetime import date

import polars as pl

from ledger import stats, words
from ledger.claims.base import Context, Stat

STABLE_YEARS = 3  # a direction counts when it holds in the latest year and the two before


def members_on(ctx: Context, alliance: str, day: date) -> pl.DataFrame:
    """Members (not successor rows) of a grouping on `day`, from member_history."""
    history = ctx.query("member_history", alliance=alliance, as_of=day)
    return history.filter(pl.col("is_current_member") & (pl.col("relation") == "member"))


def rho_stat(name: str, rho: float | None, n: int, technical: str) -> Stat:
    """A card's Spearman's rho with its Fisher z interval and, in the details, its p-value (of
    one year: never the ground of a verdict)."""
    lo, hi = stats.spearman_interval(rho, n)
    p = words.p_value(stats.spearman_p(rho, n)) or "no p-value"
    return Stat(
        name,
        rho,
        lo,
        hi,
        "",
        f"{technical}; n = {n}; {p} (one year, not used for the verdict); Fisher z interval",
    )


def direction(values: list[float | None]) -> str:
    """'negative', 'positive' or 'mixed' over the given (most recent last) values."""
    known = [v for v in values if v is not None]
    if not known:
        return "mixed"
    if all(v < 0 for v in known):
        return "negative"
    if all(v > 0 for v in known):
        return "positive"
    return "mixed"
