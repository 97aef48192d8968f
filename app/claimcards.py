"""Turn etl.claims results into what a claim card shows (plain functions, tested alone).

A result (etl.claims.ClaimResult, as a dict) is read by field name; its `chart` is the
registry's own spec (kind, x, y, title, unit, color, data), drawn by app.views.claim_chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from app import nav

VERDICTS = {
    "Supported": ("green", ":material/check_circle:"),
    "Partly supported": ("orange", ":material/contrast:"),
    "Not supported": ("red", ":material/cancel:"),
    "Not testable with these data": ("gray", ":material/help:"),
}
VERDICT_ORDER = list(VERDICTS)
NO_CHART = (
    "No chart: none of the loaded sources holds the data this claim needs (see the rule "
    "for the data that would test it)."
)


@dataclass(frozen=True)
class Card:
    id: str
    paragraphs: str
    statement: str
    verdict: str
    rule: str
    figures: dict[str, str]
    evidence: list[str]
    reason: str = ""
    source: str = ""
    chart: dict[str, Any] | None = None
    page: nav.PageInfo | None = None

    @property
    def colour(self) -> str:
        return verdict_style(self.verdict)[0]

    @property
    def icon(self) -> str:
        return verdict_style(self.verdict)[1]


def verdict_style(verdict: str) -> tuple[str, str]:
    if verdict in VERDICTS:
        return VERDICTS[verdict]
    low = (verdict or "").lower()
    if low.startswith("not testable"):
        return VERDICTS["Not testable with these data"]
    if low.startswith("partly"):
        return VERDICTS["Partly supported"]
    if low.startswith("not supported"):
        return VERDICTS["Not supported"]
    if low.startswith("supported"):
        return VERDICTS["Supported"]
    return ("gray", ":material/help:")


def paragraphs_text(value: Any) -> str:
    """'paragraph 4' / 'paragraphs 1–2' / 'paragraphs 7, 21' from what the registry holds."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).replace("-", "–")
        plural = any(ch in text for ch in ",–")
        return f"paragraph{'s' if plural else ''} {text}"
    items = [str(v) for v in value]
    if len(items) == 1:
        return f"paragraph {items[0]}"
    nums = [int(v) for v in items if v.isdigit()]
    if len(nums) == len(items) and nums == list(range(nums[0], nums[0] + len(nums))):
        return f"paragraphs {nums[0]}–{nums[-1]}"
    return "paragraphs " + ", ".join(items)


def format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        return f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple | set):
        return ", ".join(format_value(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


def _chart(result: Mapping[str, Any]) -> dict[str, Any] | None:
    """The claim's chart spec as a dict (etl.claims.Chart after dataclasses.asdict)."""
    chart = result.get("chart")
    if chart is None:
        return None
    if isinstance(chart, Mapping):
        return dict(chart)
    return dict(vars(chart))


def card(result: Mapping[str, Any]) -> Card:
    figures = result.get("figures") or {}
    if not isinstance(figures, Mapping):
        figures = {"value": figures}
    evidence = result.get("evidence_queries") or []
    if isinstance(evidence, str):
        evidence = [evidence]
    return Card(
        id=str(result.get("id", "")),
        paragraphs=paragraphs_text(result.get("paragraphs")),
        statement=str(result.get("statement", "")),
        verdict=str(result.get("verdict", "")),
        rule=str(result.get("rule", "")),
        figures={str(k).replace("_", " "): format_value(v) for k, v in figures.items()},
        evidence=[str(e) for e in evidence],
        reason=str(result.get("reason") or ""),
        source=str(result.get("source") or ""),
        chart=_chart(result),
        page=nav.resolve(result.get("explore_page")),
    )


def tally(cards: list[Card]) -> dict[str, int]:
    """How many claims got each verdict, in the fixed order of the labels."""
    counts = dict.fromkeys(VERDICT_ORDER, 0)
    for c in cards:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    return counts


def editions_used(files: pl.DataFrame, cards: list[Card]) -> list[str]:
    """'publisher (edition)' for every source file a verdict cites (by publisher or file name),
    or for every file when no card names its source."""
    if files.is_empty() or not {"name", "publisher", "edition"} <= set(files.columns):
        return []
    cited = " ".join(c.source for c in cards)
    mask = [
        p in cited or n in cited for p, n in zip(files["publisher"], files["name"], strict=True)
    ]
    used = files.filter(pl.Series(mask, dtype=pl.Boolean))
    if used.is_empty():
        used = files
    grouped = (
        used.group_by("publisher")
        .agg(pl.col("edition").unique().sort().str.join("; "))
        .sort("publisher")
    )
    return [f"{r['publisher']} ({r['edition']})" for r in grouped.iter_rows(named=True)]
