"""Judge a claim: as of a day, with the editions published by then; when its article was written
and now; under each alternative specification; and for every year, as it would have read had
the article been written then.

The rule for time, one for every claim: a claim judged as of day D reads only editions published
on or before D (edition.published) and the data years they report. Where a source its rule needs
has no edition published by D, it is not judged that day, and says which edition is the earliest
held; it is never judged with a later edition. Context a rule can do without is left out the
same way, and the card says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import polars as pl

from core.catalogue.verdicts import NOT_JUDGED, NOT_TESTABLE, SUPPORTED
from ledger.claims import facts as fact_tables
from ledger.claims.base import (
    Chart,
    Claim,
    Context,
    Edition,
    Finding,
    NoEvidence,
    Run,
    Spec,
    Stat,
)

FRAGILE = 2 / 3  # a verdict that holds in fewer of its specifications is labelled fragile


@dataclass
class ClaimResult:
    id: str
    paragraphs: list[int]
    statement: str
    kind: str
    attribution: str
    parts: list[dict[str, str]]  # label, statement, kind, verdict
    rule: str
    thresholds: dict[str, dict[str, Any]]
    verdict: str
    finding: str
    year: int | None
    as_of: str
    stats: list[Stat]
    figures: dict[str, Any]
    evidence_queries: list[str]
    evidence_facts: list[str]
    explore_page: str
    chart: Chart | None
    source: str
    would_test: str = ""
    changed: str = ""
    # (year, verdict, method): judged as of that year's last day, as it would have read had the
    # article been written then; a change of method between two years is drawn as a break.
    history: list[tuple[int, str, str]] = field(default_factory=list)
    editions: list[dict[str, str]] = field(default_factory=list)  # source, edition, published
    method: str = ""
    context_notes: list[str] = field(default_factory=list)
    robustness: dict[str, Any] | None = None  # same/of/differ/fragile/knife_edges
    # the same claim judged when the article was written (its date) and what changed since
    article: str = ""
    written: dict[str, Any] | None = None
    since: list[str] = field(default_factory=list)
    true_since: str | None = None  # a dated fact: the day it became true


def _run_of(source: duckdb.DuckDBPyConnection | Run) -> Run:
    """A connection (or a cursor that acts as one) becomes a run callable; a run stays one."""
    if hasattr(source, "sql"):
        from ledger.claims.runner import make_run

        return make_run(source)
    return source


def _takes_as_of(name: str) -> bool:
    from ledger.claims.runner import declared_params

    try:
        return "as_of" in declared_params(name)
    except (FileNotFoundError, KeyError, ValueError):
        return False


def context(
    run: Run, as_of: date, spec: Spec | None = None, year_cap: int | None = None
) -> Context:
    try:
        editions = run("editions")
    except Exception:  # noqa: BLE001 - a warehouse without the look-up: no edition is held
        editions = pl.DataFrame()
    return Context(
        run=run,
        as_of=as_of,
        read_facts=fact_tables.read,
        editions=editions,
        spec=spec,
        takes_as_of=_takes_as_of,
        year_cap=year_cap,
    )


def judge(
    claim: Claim, run: Run, day: date, spec: Spec | None = None, year_cap: int | None = None
) -> Finding:
    """The claim's finding as of `day` (under `spec`, reading data years up to `year_cap`),
    with the editions it read; a claim that cannot be judged that day comes back Not judged,
    saying why."""
    ctx = context(run, day, spec, year_cap)
    try:
        finding = claim.judge(ctx)
    except NoEvidence as e:
        reason = str(e)
        reason = reason if reason.startswith("not judged") else f"not judged as of {day}: {reason}"
        return Finding(NOT_JUDGED, reason[0].upper() + reason[1:] + ".", None)
    finding.parts = claim.part_verdicts(finding.verdict, finding.parts)
    finding.editions = sorted(ctx.used.values(), key=lambda e: e.source)
    return finding


Judged = tuple[int, str, str]  # (year, verdict, method) of one history day


def history_days(claim: Claim, as_of: date) -> list[date]:
    """The days a history judges its claim on: the last day of every year from the claim's
    first year, and `as_of` itself for its own year. Only the last depends on `as_of`: a
    caller may keep the others across days (app/verdicts.py does)."""
    return [min(date(year, 12, 31), as_of) for year in range(claim.first_year, as_of.year + 1)]


def day_entry(finding: Finding, day: date) -> Judged:
    """A history's entry for a finding judged as of `day`: the year it was judged in (had the
    article been written then), its verdict and the method it read."""
    return (day.year, finding.verdict, finding.method)


def judged_on(claim: Claim, run: Run, day: date) -> Judged:
    """The claim's (year, verdict, method) as of `day`."""
    return day_entry(judge(claim, run, day), day)


def history(
    claim: Claim, run: Run, as_of: date, judge_day: Callable[[date], Judged] | None = None
) -> list[Judged]:
    """(year, verdict, method) for every year from the claim's first year to `as_of`, each
    judged as of the year's last day (or `as_of` itself) with the editions published by then.
    A dated fact shows no verdict before the day it became true. `judge_day(day)` stands in for
    `judged_on(claim, run, day)`, e.g. one that keeps what it judged."""
    days = history_days(claim, as_of)
    out = [judge_day(d) if judge_day else judged_on(claim, run, d) for d in days]
    if claim.dated_fact:
        first = next((i for i, e in enumerate(out) if e[1] == SUPPORTED), len(out))
        out = [(y, NOT_JUDGED, m) if i < first else (y, v, m) for i, (y, v, m) in enumerate(out)]
    return out


def true_since(claim: Claim, run: Run, as_of: date, now: Finding) -> date | None:
    """The day a dated fact became true (and has stayed true to `as_of`): year ends are judged
    back from `as_of` until one is not true, then the year in which it turned is halved down to
    the day. None when it is not true on `as_of`, or true since before the claim's first year."""
    if not claim.dated_fact or now.verdict != SUPPORTED:
        return None
    hi = as_of  # true
    for year in range(as_of.year - 1, claim.first_year - 2, -1):
        day = date(year, 12, 31)
        if judge(claim, run, day).verdict != SUPPORTED:
            lo = day
            break
        hi = day
    else:
        return None
    while (hi - lo).days > 1:
        mid = lo + timedelta(days=(hi - lo).days // 2)
        if judge(claim, run, mid).verdict == SUPPORTED:
            hi = mid
        else:
            lo = mid
    return hi


def robustness(claim: Claim, run: Run, day: date, base: Finding) -> dict[str, Any] | None:
    """How firm a verdict is: in how many of its specifications (the rule as stated and each
    declared alternative) the same verdict comes out, those that differ, and the figures within
    their declared distance of a threshold (knife edges). Every empirical rule declares its
    alternatives (a test holds them to it); a fact check may too."""
    if not claim.specs or base.verdict in (NOT_JUDGED, NOT_TESTABLE):
        return None
    differ, judged = [], 1
    for spec in claim.specs:
        got = judge(claim, run, day, spec)
        if got.verdict == NOT_JUDGED:
            continue  # an alternative the data cannot give on that day is not counted
        judged += 1
        if got.verdict != base.verdict:
            differ.append({"spec": spec.label, "verdict": got.verdict, "finding": got.sentence})
    same = judged - len(differ)
    edges = [e for e in base.edges if e.close]
    return {
        "same": same,
        "of": judged,
        "differ": differ,
        "fragile": same < FRAGILE * judged,
        "knife_edges": [_edge_text(e) for e in edges],
        "specs": [s.label for s in claim.specs],
    }


def _edge_text(edge) -> str:
    unit = f" {edge.unit}" if edge.unit else ""
    gap = abs(edge.value - edge.threshold)
    digits = 3 if max(abs(edge.value), abs(edge.threshold)) < 1 else 2
    value, at = f"{edge.value:.{digits}f}", f"{edge.threshold:.{digits}f}"
    if round(gap, digits) == 0:
        return f"{edge.label}: {value}{unit}, exactly at its threshold"
    return f"{edge.label}: {value}{unit}, within {gap:.{digits}f}{unit} of its threshold {at}{unit}"


def _editions(found: Finding) -> list[dict[str, str]]:
    return [
        {
            "source": e.source,
            "edition": e.edition.isoformat(),
            "published": e.published.isoformat(),
            "text": e.text(),
        }
        for e in found.editions
    ]


def since(claim: Claim, run: Run, written: Finding, now: Finding, day: date) -> list[str]:
    """What changed between the article's date and now: editions, the verdict, and whether
    the releases since restated the figures the finding rests on (the same data years read
    with today's editions)."""
    out = []
    old = {e.source: e for e in written.editions}
    for e in now.editions:
        before: Edition | None = old.get(e.source)
        if before is None:
            out.append(f"{e.text()}: not yet published when the article was written")
        elif before.edition != e.edition:
            out.append(f"{e.text()} replaces the {before.label or before.edition} used then")
    if written.verdict != now.verdict:
        out.append(f"the verdict moved from {written.verdict} to {now.verdict}")
    if "sipri" in old and "sipri" in {e.source for e in now.editions} and written.year:
        out.append(restated(claim, run, written, day))
    return out


def restated(claim: Claim, run: Run, written: Finding, day: date) -> str:
    """Whether SIPRI's releases since the article moved the finding through restated figures,
    not new years: the claim judged with today's editions on the data years it read then."""
    same = judge(claim, run, day, year_cap=written.year)
    head = written.stats[0] if written.stats else None
    again = same.stats[0] if same.stats else None
    figure = ""
    if head and again and head.value is not None and again.value is not None:
        unit = f" {head.unit}" if head.unit else ""
        name = head.name.split(",")[0]
        figure = f" ({name}: {head.value:.2f}{unit} then, {again.value:.2f}{unit} now)"
    if same.verdict == NOT_JUDGED:
        return "the same years cannot be read with today's editions"
    if same.verdict != written.verdict:
        return (
            f"restated figures moved it: on the same years ({written.year} and before), "
            f"today's editions give {same.verdict}{figure}"
        )
    moved = bool(figure) and round(head.value, 2) != round(again.value, 2)
    return (
        f"restated figures {'changed the figures but not' if moved else 'did not move'} the "
        f"verdict on the same years ({written.year} and before){figure}"
    )


def evaluate(
    source: duckdb.DuckDBPyConnection | Run,
    claim_id: str,
    as_of: date | None = None,
    with_history: bool = True,
    article: str | None = None,
) -> ClaimResult:
    from ledger import articles
    from ledger.claims import by_id

    paper = articles.get(article)
    claim = by_id(claim_id, paper.slug)
    run = _run_of(source)
    day = as_of or date.today()
    f = judge(claim, run, day)
    # The verdict when the article was written, beside the day's: only from that day on (a day
    # before it reads nothing published later, and the article did not exist yet).
    w = judge(claim, run, paper.date) if paper.date < day else None
    if claim.dated_fact and f.verdict not in (SUPPORTED, NOT_JUDGED) and day < paper.date:
        after = judge(claim, run, paper.date)
        if after.verdict == SUPPORTED:  # before the fact: not false in an earlier year
            f = Finding(
                NOT_JUDGED,
                f"Not judged as of {day.isoformat()}: the fact the article states did not exist "
                f"yet. {f.sentence}",
                None,
                editions=f.editions,
            )
    entries = history(claim, run, day) if with_history else []
    since_day = true_since(claim, run, day, f)
    return ClaimResult(
        id=claim.id,
        paragraphs=list(claim.paragraphs),
        statement=claim.statement,
        kind=claim.kind,
        attribution=claim.attribution,
        parts=[
            {
                "label": p.label,
                "statement": p.statement,
                "kind": p.kind,
                "verdict": f.parts.get(p.label, ""),
            }
            for p in claim.parts
        ],
        rule=claim.rule,
        thresholds={k: {"value": t.value, "reason": t.reason} for k, t in claim.thresholds.items()},
        verdict=f.verdict,
        finding=f.sentence,
        year=f.year,
        as_of=day.isoformat(),
        stats=f.stats,
        figures=f.figures,
        evidence_queries=list(claim.queries),
        evidence_facts=list(claim.facts),
        explore_page=claim.explore,
        chart=f.chart,
        source=f.source,
        would_test=claim.would_test,
        changed=claim.changed,
        history=entries,
        editions=_editions(f),
        method=f.method,
        context_notes=list(f.context_notes),
        robustness=robustness(claim, run, day, f),
        article=paper.slug,
        written=None
        if w is None
        else {
            "as_of": paper.date.isoformat(),
            "verdict": w.verdict,
            "finding": w.sentence,
            "year": w.year,
            "editions": _editions(w),
            "robustness": robustness(claim, run, paper.date, w),
        },
        since=since(claim, run, w, f, day) if w is not None else [],
        true_since=since_day.isoformat() if since_day else None,
    )


def evaluate_all(
    source: duckdb.DuckDBPyConnection | Run,
    as_of: date | None = None,
    with_history: bool = True,
    article: str | None = None,
) -> list[ClaimResult]:
    from ledger.claims import all_claims

    run = _run_of(source)
    return [evaluate(run, c.id, as_of, with_history, article) for c in all_claims(article)]
