"""Numbers written for reading, one rule each, for the claims, the CLI and the pages alike:
"1,234.5", "−0.05" (a real minus), "65.6 %", "p < 0.001" / "p = 0.032", "95 % interval 0.02 to
0.67", and "could be either sign" for an interval that holds zero inside it; a missing value
(None or NaN: ledger.stats.missing) reads "—"."""

from __future__ import annotations

from typing import Any

from ledger.stats import missing

MISSING = "—"


def num(value: Any, digits: int = 2) -> str:
    """'1,234.57', '−0.05'; '—' when missing; a value that is not a number as it is."""
    if missing(value):
        return MISSING
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,.{digits}f}"
    return text.replace("-", "−") if number < 0 else text


def pct(value: float | None, digits: int = 1) -> str:
    """'65.6 %'; '—' when missing."""
    return MISSING if missing(value) else f"{num(value, digits)} %"


def p_value(p: float | None) -> str:
    """'p < 0.001', 'p = 0.032' (three decimals, as the pages have always shown it); '' when
    missing, for the caller to leave out or say in its own words."""
    if missing(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interval(lo: float | None, hi: float | None, digits: int = 2, unit: str = "") -> str:
    """'95 % interval −0.24 to 0.45' ('... 60.1 to 70.2 %' with a unit), or '' without one."""
    if missing(lo) or missing(hi):
        return ""
    return f"95 % interval {num(lo, digits)} to {num(hi, digits)}{unit}"


# What an interval that holds zero inside it says about its figure, in words (the card, the CLI
# and docs/CLAIMS.md alike): the data do not settle whether it is above or below zero.
EITHER_SIGN = "could be either sign"


def spans_zero(lo: float | None, hi: float | None) -> bool:
    """Whether an interval runs from below zero to above it (an end at zero is not across)."""
    return not missing(lo) and not missing(hi) and lo < 0 < hi


def span(lo: float | None, hi: float | None, digits: int = 2) -> str:
    """'−0.24 to 0.45' (an interval shown as a metric's value), or '—'."""
    if missing(lo) or missing(hi):
        return MISSING
    return f"{num(lo, digits)} to {num(hi, digits)}"


def months(days: float) -> str:
    return f"{days / 30.4375:.1f} months"


_ARTICLE = ("Netherlands", "United Kingdom", "United States", "Czech Republic")


def names(items: list[str]) -> str:
    """'Spain, Portugal and the Netherlands' (country names take 'the' where English does)."""
    items = [f"the {i}" if str(i) in _ARTICLE else str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def stat(s: Any) -> str:
    """A claim's statistic (ledger.claims.base.Stat): '0.39 (95 % interval 0.02 to 0.67)',
    '0.05 points of GDP (95 % interval −0.13 to 0.21 points of GDP: could be either sign)' or
    '65.6 % (a total over all allies: exact)'. Shares and months to one decimal, anything else
    (points of GDP, ratios, correlations) to two."""
    digits = 1 if s.unit in ("%", "months") else 2
    if isinstance(s.value, int) and not isinstance(s.value, bool):
        digits = 0
    unit = f" {s.unit}" if s.unit else ""
    value = f"{num(s.value, digits)}{unit}"
    if span_text := interval(s.lo, s.hi, digits, unit):
        sign = f": {EITHER_SIGN}" if spans_zero(s.lo, s.hi) else ""
        return f"{value} ({span_text}{sign})"
    if s.exact:
        return f"{value} ({s.exact})"
    return value
