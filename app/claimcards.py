"""Turn ledger.claims results into what a claim card shows (plain functions, tested alone).

A result (ledger.claims.ClaimResult, as a dict) is read by field name; its `chart` is the
claim's own spec (kind, x, y, title, unit, color, data), drawn by app.views.claims.claim_chart.
Nothing here decides a verdict: it formats what the claim module decided.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any
from urllib.parse import urlencode

import polars as pl

from app import nav, readertext
from core.catalogue import sources, verdicts
from core.catalogue.verdicts import NOT_JUDGED, VERDICTS
from ledger.claims import report, summary
from ledger.claims.base import Stat
from ledger.words import stat as stat_text

VERDICT_ORDER = list(VERDICTS)
PROJECT = "Alliance Ledger"  # the compiler of the project's own facts (cite.PROJECT)
FACTS_FOLDER = "data/facts/"  # where a claim's fact tables sit (ledger.claims.facts)
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
    # The figure that decides the verdict (the claim's first statistic), in plain words:
    # 'name: value', its interval said in words when it could be either sign.
    figure: str
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
    # the same, one dict each (source, edition, published, text): what a citation names
    edition_rows: list[dict[str, str]] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # the fact tables it read, by name
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


# The history strip: one square per year, each as tall and wide as a fingertip needs (24 px is
# WCAG's minimum target; tests/browser/test_claims_page.py measures them at 390 px), its year
# and verdict shown on hover or on a tap (a square takes the focus), its fill from the
# catalogue's colour-blind-safe palette and its verdict's letter inside, so colour is never the
# only cue. A change of method is a bar between two squares; a year not judged is hollow.
SQUARE_PX = 26
STRIP_STYLE = f"""<style>
.al-strip {{ display: flex; flex-wrap: wrap; align-items: center; gap: 3px; margin: 0.2rem 0; }}
.al-strip-head {{ font-size: 0.9rem; margin-top: 0.3rem; }}
.al-year {{ font-size: 0.8rem; color: #555; padding: 0 2px; }}
.al-sq {{ position: relative; display: inline-flex; align-items: center; justify-content: center;
  width: {SQUARE_PX}px; height: {SQUARE_PX}px; box-sizing: border-box; border-radius: 3px;
  font: 600 12px/1 sans-serif; cursor: default; outline-offset: 1px; }}
.al-sq.al-none {{ border: 1.5px dashed #888; color: #666; }}
.al-break {{ display: inline-block; width: 4px; height: {SQUARE_PX + 6}px; background: #222;
  border-radius: 2px; margin: 0 3px; position: relative; }}
.al-sq:hover::after, .al-sq:focus::after, .al-break:hover::after, .al-break:focus::after {{
  content: attr(data-tip); position: absolute; bottom: calc(100% + 4px); left: 50%;
  transform: translateX(-50%); background: #222; color: #fff; font: 400 12px/1.3 sans-serif;
  padding: 3px 6px; border-radius: 3px; white-space: nowrap; z-index: 10; }}
.al-start:hover::after, .al-start:focus::after {{ left: 0; transform: none; }}
.al-end:hover::after, .al-end:focus::after {{ left: auto; right: 0; transform: none; }}
.al-key {{ display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
  vertical-align: -0.1em; margin: 0 0.2em 0 0.5em; box-sizing: border-box; }}
.al-key.al-none {{ border: 1.5px dashed #888; }}
.al-strip-note {{ font-size: 0.85rem; color: #444; }}
</style>"""


def _ink(fill: str) -> str:
    """Black or white letters, whichever reads on the fill (its relative luminance)."""
    r, g, b = (int(fill.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return "#111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "#fff"


def _square_style(verdict: str) -> tuple[str, str]:
    """(class, inline style) of a verdict's square: its fill, or hollow when not judged."""
    found = verdicts.style(verdict)
    if verdict == NOT_JUDGED:
        return "al-sq al-none", "background:#fff"
    return "al-sq", f"background:{found.fill};color:{_ink(found.fill)}"


def verdict_words(verdict: str) -> str:
    """How a history square names its verdict ('not judged: no edition published yet')."""
    if verdict == NOT_JUDGED:
        return "not judged (no edition published yet, or the fact not yet true)"
    return verdict.lower() if verdict else "no verdict"


def strip_legend() -> str:
    """The strips' key, once above the cards: each verdict's square and name."""
    keys = []
    for label, v in VERDICTS.items():
        cls = "al-key al-none" if label == NOT_JUDGED else "al-key"
        style = "" if label == NOT_JUDGED else f' style="background:{v.fill}"'
        keys.append(f'<span class="{cls}"{style}></span>{escape(label.lower())}')
    keys.append(
        '<span class="al-key" style="background:#222;width:4px"></span>the rule read '
        "other data from here on"
    )
    return (
        '<div class="al-strip-note">Each card\'s strip: the verdict had the article been written '
        "in each year (tap or hover a square for its year).<br>" + " ".join(keys) + "</div>"
    )


def breaks(history: Sequence[Sequence[Any]]) -> list[bool]:
    """For each year, whether the rule read other data than in the last judged year before it
    (a change of method: ledger.claims.report draws it '|' in the audit table)."""
    out, method = [], None
    for entry in history:
        verdict, m = entry[1], entry[2] if len(entry) > 2 else ""
        judged = verdict != NOT_JUDGED
        out.append(judged and method is not None and m != method)
        method = m if judged else method
    return out


def history_strip(
    history: Sequence[Sequence[Any]], true_since: str = "", claim_id: str = ""
) -> str:
    """A claim's verdict for every year as one HTML block (st.html): the years it spans, one
    focusable square per year with its year and verdict as a tip, a bar where the method
    changes, and 'True since <day>' for a dated fact; '' without a history."""
    history = [tuple(h) for h in history or []]
    if not history:
        return ""
    first, last = history[0][0], history[-1][0]
    cuts = breaks(history)
    edge = max(1, len(history) // 4)  # tips near either end open inwards, not off the screen
    cells = [f'<span class="al-year">{first}</span>']
    for i, (entry, cut) in enumerate(zip(history, cuts, strict=True)):
        year, verdict = entry[0], entry[1]
        if cut:
            tip = escape(f"from {year} the rule read other data: {entry[2]}", quote=True)
            cells.append(
                f'<span class="al-break" tabindex="0" role="img" aria-label="{tip}" '
                f'data-tip="{tip}"></span>'
            )
        cls, style = _square_style(verdict)
        cls += " al-start" if i < edge else " al-end" if i >= len(history) - edge else ""
        tip = escape(f"{year}: {verdict_words(verdict)}", quote=True)
        letter = escape(verdicts.style(verdict).letter)
        cells.append(
            f'<span class="{cls}" style="{style}" tabindex="0" role="img" aria-label="{tip}" '
            f'data-tip="{tip}">{letter}</span>'
        )
    if last != first:
        cells.append(f'<span class="al-year">{last}</span>')
    span = f"{first}" if first == last else f"{first} to {last}"
    head = f"Had it been written in {span}:"
    label = escape(f"{claim_id} verdict had the article been written in {span}".strip())
    note = ""
    if true_since:
        when = true_since
        with contextlib.suppress(ValueError):
            when = f"{date.fromisoformat(true_since):%-d %B %Y}"
        note = f'<div class="al-strip-note">True since {escape(when)}.</div>'
    return (
        f'<div class="al-strip-head">{head}</div>'
        f'<div class="al-strip" role="group" aria-label="{label}">{"".join(cells)}</div>{note}'
    )


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
    # The first statistic is the one the rule decides on (each claim module puts it first); the
    # others are context, and say so in their names. A documentary verdict rests on a document,
    # not a figure: its statistics are all context, and the card shows none as its figure.
    headline = rows[0] if rows and not rows[0][0].startswith("Context") else None
    editions = [dict(e) for e in result.get("editions") or []]
    return Card(
        id=str(result.get("id", "")),
        paragraphs=paragraphs_text(result.get("paragraphs")),
        statement=str(result.get("statement", "")),
        kind=str(result.get("kind", "")),
        attribution=str(result.get("attribution", "")),
        finding=str(result.get("finding", "")),
        verdict=str(result.get("verdict", "")),
        figure=f"{headline[0]}: **{headline[1]}**" if headline else "",
        history=[tuple(h) for h in result.get("history") or []],
        stats=rows,
        parts=list(result.get("parts") or []),
        rule=str(result.get("rule", "")),
        thresholds=[
            (f"{k} = {_threshold_value(t['value'])}", t["reason"])
            for k, t in (result.get("thresholds") or {}).items()
        ],
        evidence=[str(e) for e in (result.get("evidence_queries") or [])]
        + [f"{FACTS_FOLDER}{f}.csv" for f in (result.get("evidence_facts") or [])],
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
        editions=report.editions_text(editions),
        edition_rows=editions,
        facts=[str(f) for f in result.get("evidence_facts") or []],
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
        ("- *Decides the verdict:* " if i == 0 else "- ")
        + f"{name}: **{value}**"
        + (f" ({technical})" if technical else "")
        for i, (name, value, technical) in enumerate(c.stats)
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
    if c.source:
        blocks.append(f"*Sources, as the rule names them:* {c.source}")
    if c.evidence:
        blocks.append("*Evidence queries and files:* " + ", ".join(f"`{e}`" for e in c.evidence))
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
    # Plain Python over a few dozen rows: a Polars filter and group-by per page run waited on
    # Polars' thread pool while the browser held both cores (py-spy, docs/PERFORMANCE.md).
    rows = files.select("name", "publisher", "edition").rows()
    used = [r for r in rows if r[0].startswith(tuple(named)) or r[0] in cited] or rows
    editions: dict[str, set[str]] = {}
    for _, publisher, edition in used:
        editions.setdefault(publisher, set()).update([edition] if edition is not None else [])
    return [f"{p} ({'; '.join(sorted(e))})" for p, e in sorted(editions.items())]


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


# ----------------------------------------------------------------------------- citations


def claim_link(base: str, claim_id: str, as_of: str = "") -> str:
    """The link that opens one claim's card (`?claim=C5`), on the date it was judged as of when
    a reader chose one (`&as_of=2025-07-01`)."""
    params = {"claim": claim_id, **({"as_of": as_of} if as_of else {})}
    return f"{base}?{urlencode(params)}"


def _edition_words(row: Mapping[str, str]) -> str:
    """'April 2026 release, published 2026-04-27' from an edition the engine recorded."""
    short = sources.short(str(row.get("source", "")))
    text = str(row.get("text", "")).removeprefix(f"{short} ")
    return text.replace(" (published ", ", published ").removesuffix(")")


def citation_records(
    c: Card, files: pl.DataFrame, memberships: bool = False
) -> list[dict[str, str]]:
    """What a claim's chart cites (app.cite's records): every edition its verdict read, with the
    day it was published and the publisher's licence from the catalogue; the project's
    membership table when the rule read it; the fact tables it read."""
    has = not files.is_empty() and {"name", "url"} <= set(files.columns)
    # (name, url) pairs, read in Python: as in editions_used, no Polars query per card
    urls = files.select("name", "url").rows() if has else []
    out = []
    for row in c.edition_rows:
        found = sources.get(str(row.get("source", "")))
        if found is None:
            continue
        # the last file of the source, as listed
        url = next((str(u) for n, u in reversed(urls) if n.startswith(found.prefix)), "")
        out.append(
            {
                "short": found.short,
                "publisher": found.publisher,
                "edition": _edition_words(row),
                "published": str(row.get("published", "")),
                "url": url if url.startswith("http") else "",
                "licence": found.licence,
            }
        )
    own = sources.MEMBERSHIPS
    if memberships:
        edition = ""
        if has and "edition" in files.columns:
            hit = files.filter(pl.col("name") == own.prefix)["edition"]
            edition = str(hit[0]) if hit.len() else ""
        out.append(
            {
                "short": own.short,
                "publisher": own.publisher,
                "edition": edition,
                "url": "",
                "licence": own.licence,
            }
        )
    if c.facts:
        names = ", ".join(f.replace("_", " ") for f in c.facts)
        out.append(
            {
                "short": f"{PROJECT} fact tables ({names})",
                "publisher": own.publisher,
                "edition": "",
                "url": "",
                "licence": own.licence,
            }
        )
    return out


# ----------------------------------------------------------------------------- controls


def judged_as_of(text: str | None, today: date | None = None) -> tuple[date, str, str | None]:
    """The day the claims are judged as of, from what a reader typed or a link carries: (day,
    the text to keep in the link, a one-line note when it could not be used). Empty means
    today; a date past today plus a year (the CLI's bound, core.limits) or not a date is
    refused in one line and today used instead; a day before the evidence is judged, each
    claim saying it is not judged then."""
    from core.limits import LimitError
    from core.limits import as_of as checked

    today = today or date.today()
    text = str(text or "").strip()  # a value another page's control left is read as text
    if not text:
        return today, "", None
    try:
        date.fromisoformat(text)
    except ValueError:  # the reader's text is shown as text (app.readertext), never as markdown
        note = f"The date {readertext.md(text)} is not a date (YYYY-MM-DD); judging as of today."
        return today, "", note
    try:
        return checked(text, label="The date"), text, None
    except LimitError as e:  # a date too far ahead: the message names the parsed date only
        return today, "", f"{e}; judging as of today."


def linked_first(
    ids: Sequence[str], wanted: str | None
) -> tuple[list[str], str | None, str | None]:
    """The claim ids with the one a link names (`?claim=C5`) first, that id (None when the link
    names none or an unknown one) and a one-line note when it names a claim there is not."""
    ids = list(ids)
    if not wanted:
        return ids, None, None
    match = next((i for i in ids if i.lower() == str(wanted).strip().lower()), None)
    if match is None:
        shown = readertext.md(wanted)
        return ids, None, f"The link names claim {shown}, which is not one of these claims."
    return [match, *(i for i in ids if i != match)], match, None
