"""NATO's spending guidelines, once: the line each draws on a chart, the threshold a page or a
claim compares with, and where it was agreed. (The SQL in queries/ computes whether an ally meets
each with the same numbers: `meets_2pct`, `meets_3_5pct`, `n_at_or_above_20pct_equipment`.)"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guideline:
    value: float  # percent
    of: str  # what the percent is of
    line: str  # the chart's label for the line
    agreed: str  # where and when


TWO_PERCENT = Guideline(2.0, "GDP", "2 % guideline", "agreed 2006, pledged at Wales 2014")
EQUIPMENT = Guideline(20.0, "defence spending on major equipment", "20 % guideline", "Wales 2014")
HAGUE_CORE = Guideline(
    3.5, "GDP on core defence by 2035", "Hague 2025: 3.5 % core", "The Hague 2025"
)
# The Hague's 3.5 % core plus 1.5 % of defence-related spending.
HAGUE_TOTAL = Guideline(
    5.0, "GDP by 2035, related spending included", "Hague 2025: 5 %", "The Hague 2025"
)

BURDEN_LINES = (TWO_PERCENT, HAGUE_CORE)  # the lines drawn on a share-of-GDP chart


def line(g: Guideline) -> tuple[float, str]:
    """(value, label): a chart's guide line."""
    return g.value, g.line
