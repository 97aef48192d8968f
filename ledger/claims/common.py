"""Small helpers several claims share: members on a date, Spearman's rho with its interval,
and the direction of a series over its last few years."""

from __future__ import annotations

from datetime import date

import polars as pl

from ledger.claims import intervals, words
from ledger.claims.base import Context, Stat

STABLE_YEARS = 3  # a direction counts when it holds in the latest year and the two before


def members_on(ctx: Context, alliance: str, day: date) -> pl.DataFrame:
    """Members (not successor rows) of a grouping on `day`, from member_history."""
    history = ctx.query("member_history", alliance=alliance, as_of=day)
    return history.filter(pl.col("is_current_member") & (pl.col("relation") == "member"))


def spearman(frame: pl.DataFrame, a: str, b: str) -> tuple[float | None, int]:
    """Spearman's rho of two columns (average ranks), over rows where both are known."""
    both = frame.select(a, b).drop_nulls()
    if both.height < 3:
        return None, both.height
    ranked = both.select(pl.col(a).rank("average"), pl.col(b).rank("average"))
    rho = ranked.select(pl.corr(a, b)).item()
    return (None if rho is None else float(rho)), both.height


def rho_stat(name: str, rho: float | None, n: int, technical: str) -> Stat:
    from ledger.claims.runner import spearman_p

    lo, hi = intervals.fisher(rho, n)
    p = words.p_value(spearman_p(rho, n))
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
