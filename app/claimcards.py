"""Turn ledger.claims results into what a claim card shows (plain functions, tested alone).

A result (ledger.claims.ClaimResult, as a dict) is read by field name; its `chart` is the
claim's own spec (kind, x, y, title, unit, color, data), drawn by app.views.claims.claim_chart.
Nothing here decides a verdict: it formats what the claim module decided.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from app import nav
from core.catalogue import sources, verdicts
from core.catalogue.verdicts import VERDICTS
from ledger.claims import report, summary
from ledger.claims.base import Stat
from ledger.words import stat as stat_text

VERDICT_ORDER = list(VERDICTS)
SQUARE = "■"  # U+25A0, in every common font (emoji squares are not)
STRIP_LEGEND = (
    f":green[{SQUARE}] supported · :orange[{SQUARE}] partly · :red[{SQUARE}] not supported · "
    f":gray[{SQUARE}] not testable"
)
NO_CHART = (
    "No chart: none of the loaded sources holds the data this claim needs (the details say "
    "which data would test it)."
)


@dataclass(frozen=True)
class Card:
    id: str
    paragraphs: str
    statement: str
    kind: str
    attribution: str
    finding: str
    verdict: str
    interval: str  # the headline statistic with its 95 % interval, in plain words
    strip: str  # the verdict history as a row of coloured squares
    history: list[tuple[int, str, str]]  # (year, verdict, method)
    stats: list[tuple[str, str, str]]  # plain name, value with interval, technical name
    parts: list[dict[str, str]]
    rule: str
    thresholds: list[tuple[str, str]]  # 'NAME = value', reason
    evidence: list[str]
    would_test: str = ""
    source: str = ""
    chart: dict[str, Any] | None = None
    page: nav.PageInfo | None = None
    year: int | None = None
    # when the article was written: its verdict and finding, the editions read then
    written_as_of: str = ""
    written_verdict: str = ""
    written_finding: str = ""
    firmness: str = ""  # 'the same verdict in 3 of 4 specifications; ...'
    fragile: bool = False
    editions: str = ""  # the editions the verdict read, with their publication dates
    since: list[str] = field(default_factory=list)  # what changed since the article
    true_since: str = ""
    context_notes: list[str] = field(default_factory=list)

    @property
    def colour(self) -> str:
        return verdict_style(self.verdict)[0]

    @property
    def icon(self) -> str:
        return verdict_style(self.verdict)[1]


def verdict_style(verdict: str) -> tuple[str, str]:
    found = verdicts.style(verdict)
    return found.colour, found.icon


def paragraphs_text(value: Any) -> str:
    """'paragraph 4' / 'paragraphs 1–2' / 'paragraphs 7, 21' from the claim's paragraphs."""
    if value is None or value == "":
        return ""
    items = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
    if len(items) == 1:
        return f"paragraph {items[0]}"
    nums = [int(v) for v in items if v.isdigit()]
    if len(nums) == len(items) and nums == list(range(nums[0], nums[0] + len(nums))):
        return f"paragraphs {nums[0]}–{nums[-1]}"
    return "paragraphs " + ", ".join(items)


def history_strip(history: list[tuple[int, str]] | list[list]) -> str:
    """'2014 :red[■]:red[■]:green[■] 2016' (Streamlit markdown colours): one square per data
    year, the first and last year named."""
    history = [tuple(h) for h in history or []]
    if not history:
        return ""
    squares = "".join(f":{verdict_style(h[1])[0]}[{SQUARE}]" for h in history)
    first, last = history[0][0], history[-1][0]
    gap = "\u00a0"  # no break between a year and its squares
    return f"{first}{gap}{squares}{gap}{last}" if first != last else f"{first}{gap}{squares}"


def _stat(s: Any) -> Stat:
    return s if isinstance(s, Stat) else Stat(**s)


def _chart(result: Mapping[str, Any]) -> dict[str, Any] | None:
    chart = result.get("chart")
    if chart is None:
        return None
    return dict(chart) if isinstance(chart, Mapping) else dict(vars(chart))


def _threshold_value(v: float) -> str:
    return f"{v:g}" if not isinstance(v, float) or v >= 0.01 else f"{v:.3f}"


def card(result: Mapping[str, Any]) -> Card:
    stats = [_stat(s) for s in result.get("stats") or []]
    rows = [(s.name, stat_text(s), s.technical) for s in stats]
    headline = next((r for r in rows if "interval" in r[1]), rows[0] if rows else None)
    return Card(
        id=str(result.get("id", "")),
        paragraphs=paragraphs_text(result.get("paragraphs")),
        statement=str(result.get("statement", "")),
        kind=str(result.get("kind", "")),
        attribution=str(result.get("attribution", "")),
        finding=str(result.get("finding", "")),
        verdict=str(result.get("verdict", "")),
        interval=f"{headline[0]}: {headline[1]}" if headline else "",
        strip=history_strip(result.get("history") or []),
        history=[tuple(h) for h in result.get("history") or []],
        stats=rows,
        parts=list(result.get("parts") or []),
        rule=str(result.get("rule", "")),
        thresholds=[
            (f"{k} = {_threshold_value(t['value'])}", t["reason"])
            for k, t in (result.get("thresholds") or {}).items()
        ],
        evidence=[str(e) for e in (result.get("evidence_queries") or [])]
        + [f"data/facts/{f}.csv" for f in (result.get("evidence_facts") or [])],
        would_test=str(result.get("would_test") or ""),
        source=str(result.get("source") or ""),
        chart=_chart(result),
        page=nav.resolve(result.get("explore_page")),
        year=result.get("year"),
        written_as_of=str((result.get("written") or {}).get("as_of", "")),
        written_verdict=str((result.get("written") or {}).get("verdict", "")),
        written_finding=str((result.get("written") or {}).get("finding", "")),
        firmness=report.firmness(dict(result)),
        fragile=bool((result.get("robustness") or {}).get("fragile")),
        editions=report.editions_text(list(result.get("editions") or [])),
        since=[str(s) for s in result.get("since") or []],
        true_since=str(result.get("true_since") or ""),
        context_notes=[str(n) for n in result.get("context_notes") or []],
    )


def details_markdown(c: Card) -> str:
    """A card's details as one markdown text: its parts with their verdicts, the rule, each
    threshold with its reason, the statistics, and the data that would test it."""
    parts = [
        f"- ({p['label']}) {p['statement']} — *{p['kind']}*: **{p['verdict'] or '—'}**"
        for p in c.parts
    ]
    thresholds = [f"- `{name}`: {reason}" for name, reason in c.thresholds]
    stats = [
        f"- {name}: **{value}**" + (f" ({technical})" if technical else "")
        for name, value, technical in c.stats
    ]
    blocks = ["\n".join(parts), f"*Rule:* {c.rule}", "\n".join(thresholds), "\n".join(stats)]
    if c.firmness:
        blocks.append(f"*How firm:* {c.firmness}.")
    blocks.append(f"*Editions read:* {c.editions}.")
    if c.since:
        blocks.append("*Since the article:* " + "; ".join(c.since) + ".")
    if c.context_notes:
        blocks.append("*Left out:* " + "; ".join(c.context_notes) + ".")
    if c.would_test:
        blocks.append(f"*Data that would test it:* {c.would_test}")
    return "\n\n".join(b for b in blocks if b)


def summary_sentence(results: list[Mapping[str, Any]]) -> str:
    return summary.sentence(results)


def tally(cards: list[Card]) -> dict[str, int]:
    """How many claims got each verdict, in the fixed order of the labels."""
    counts = dict.fromkeys(VERDICT_ORDER, 0)
    for c in cards:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    return counts


def tally_line(counts: dict[str, int]) -> str:
    """The tally as one line of coloured badges ('Verdicts: 7 supported · 4 partly ...'), short
    enough to sit above the fold on a phone."""
    badges = [
        f":{VERDICTS[verdict].colour}-badge[{VERDICTS[verdict].icon} {count} {verdict.lower()}]"
        for verdict, count in counts.items()
        if verdict in VERDICTS
    ]
    return "Verdicts: " + " ".join(badges)


def tally_counts(line: str) -> dict[str, int]:
    """The counts back from a tally line (for tests and for reading the page)."""
    return {
        verdict: int(n)
        for n, verdict in re.findall(r"(\d+) ([a-z ]+)\]", line)
        for verdict in [next(v for v in VERDICTS if v.lower() == verdict)]
    }


def editions_used(files: pl.DataFrame, cards: list[Card]) -> list[str]:
    """'publisher (edition)' for every source file a verdict cites (by publisher or file name),
    or for every file when no card names its source."""
    if files.is_empty() or not {"name", "publisher", "edition"} <= set(files.columns):
        return []
    cited = " ".join(c.source for c in cards)
    named = [  # the sources a card names, by any of the catalogue's names for them
        s.prefix
        for s in sources.SOURCES.values()
        if any(text and text in cited for text in (s.short, s.label, s.attribution))
    ]
    mask = [n.startswith(tuple(named)) or n in cited for n in files["name"]]
    used = files.filter(pl.Series(mask, dtype=pl.Boolean))
    if used.is_empty():
        used = files
    grouped = (
        used.group_by("publisher")
        .agg(pl.col("edition").unique().sort().str.join("; "))
        .sort("publisher")
    )
    return [f"{r['publisher']} ({r['edition']})" for r in grouped.iter_rows(named=True)]


def _badge(verdict: str, label: str) -> str:
    colour, icon = verdict_style(verdict)
    return f":{colour}-badge[{icon} {label}: {verdict}]"


def verdict_pair(c: Card) -> str:
    """Both verdicts as two badges: 'When written (2 June 2025): Supported' and 'Today: ...'."""
    when = c.written_as_of
    with contextlib.suppress(ValueError):
        when = f"{date.fromisoformat(when):%-d %B %Y}"
    today = _badge(c.verdict, "Today")
    if not c.written_verdict:
        return today
    return f"{_badge(c.written_verdict, f'When written ({when})')} {today}"


def firmness_line(c: Card) -> str:
    """How firm the verdict is, in words, or '' for a rule with no alternatives."""
    if not c.firmness:
        return ""
    text = c.firmness[0].upper() + c.firmness[1:]
    return f":red[**{text}**]" if c.fragile else text


def tally_pair(cards: list[Card]) -> str:
    """'Held when written: 9 supported · 3 partly ... | Holds today: ...' as two badge lines."""
    written = dict.fromkeys(VERDICT_ORDER, 0)
    for c in cards:
        key = c.written_verdict or c.verdict
        written[key] = written.get(key, 0) + 1
    when = tally_line(written).replace("Verdicts:", "When the article was written:", 1)
    now = tally_line(tally(cards)).replace("Verdicts:", "Today:", 1)
    return f"{when}  \n{now}"
