"""Numbers formatted for reading: "65.6 %", "p < 0.001", "1.23 (95 % interval 1.10 to 1.35)"."""

from __future__ import annotations

import math

from ledger.claims.base import Stat


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: float | None, digits: int = 2) -> str:
    if missing(value):
        return "n/a"
    text = f"{value:,.{digits}f}"
    return text.replace("-", "−") if value < 0 else text


def pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if missing(value) else f"{num(value, digits)} %"


def p_value(p: float | None) -> str:
    if missing(p):
        return "p n/a"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def months(days: float) -> str:
    return f"{days / 30.4375:.1f} months"


_ARTICLE = ("Netherlands", "United Kingdom", "United States", "Czech Republic")


def names(items: list[str]) -> str:
    """'Spain, Portugal and the Netherlands' (country names take 'the' where English does)."""
    items = [f"the {i}" if str(i) in _ARTICLE else str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def stat(s: Stat) -> str:
    """'0.39 (95 % interval 0.02 to 0.67)' or '65.6 % (a total over all allies: exact)'."""
    digits = 1 if s.unit in ("%", "pp", "months") else 2
    if isinstance(s.value, int) and not isinstance(s.value, bool):
        digits = 0
    unit = f" {s.unit}" if s.unit else ""
    value = f"{num(s.value, digits)}{unit}"
    if not missing(s.lo) and not missing(s.hi):
        return f"{value} (95 % interval {num(s.lo, digits)} to {num(s.hi, digits)}{unit})"
    if s.exact:
        return f"{value} ({s.exact})"
    return value
