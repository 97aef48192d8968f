"""The landing page's one summary sentence, built from the verdicts and their histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.catalogue.verdicts import NOT_JUDGED, NOT_SUPPORTED, NOT_TESTABLE, PARTLY, SUPPORTED

RECENT = 5  # data years back a verdict change counts as recent


def _get(result: Any, key: str) -> Any:
    return result.get(key) if isinstance(result, Mapping) else getattr(result, key)


def changes(result: Any) -> tuple[str, str, int] | None:
    """(earlier verdict, latest verdict, year of the change) when the verdict changed within
    the last RECENT data years of its history, else None."""
    history = [tuple(h)[:2] for h in (_get(result, "history") or [])]
    history = [h for h in history if h[1] != NOT_JUDGED]
    if len(history) < 2:
        return None
    last_year, last = history[-1]
    for year, verdict in reversed(history[:-1]):
        if verdict != last:
            changed_in = next(y for y, v in history if y > year and v == last)
            return (verdict, last, changed_in) if last_year - changed_in < RECENT else None
    return None


def sentence(results: Sequence[Any]) -> str:
    counts = {v: 0 for v in (SUPPORTED, PARTLY, NOT_SUPPORTED, NOT_TESTABLE)}
    for r in results:
        counts[_get(r, "verdict")] = counts.get(_get(r, "verdict"), 0) + 1
    moved = []
    for r in results:
        c = changes(r)
        if c:
            moved.append(f"{_get(r, 'id')} ({c[0].lower()} until {c[2] - 1}, {c[1].lower()} since)")
    text = (
        f"Of the article's {len(results)} claims, the data support {counts[SUPPORTED]}, partly "
        f"support {counts[PARTLY]} and do not support {counts[NOT_SUPPORTED]}, and "
        f"{counts[NOT_TESTABLE]} cannot be tested with these data"
    )
    if moved:
        text += "; verdicts that changed in the last five years: " + ", ".join(moved)
    return text + "."
