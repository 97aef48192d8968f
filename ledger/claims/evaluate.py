"""Judge a claim on one evaluation date, or on every year its evidence covers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from ledger.claims import facts as fact_tables
from ledger.claims.base import Chart, Claim, Context, NoEvidence, Run, Stat


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
    history: list[tuple[int, str]] = field(default_factory=list)


def _run_of(source: duckdb.DuckDBPyConnection | Run) -> Run:
    """A connection (or a cursor that acts as one) becomes a run callable; a run stays one."""
    if hasattr(source, "sql"):
        from ledger.claims.runner import make_run

        return make_run(source)
    return source


def context(run: Run, as_of: date) -> Context:
    return Context(run=run, as_of=as_of, read_facts=fact_tables.read)


Judged = tuple[int, str] | None  # (data year, verdict) on one day; None: no evidence by then


def history_days(claim: Claim, as_of: date) -> list[date]:
    """The days a history judges its claim on: the last day of every year from the claim's
    first year, and `as_of` itself for its own year. Only the last depends on `as_of`: a
    caller may keep the others across days (app/verdicts.py does)."""
    return [min(date(year, 12, 31), as_of) for year in range(claim.first_year, as_of.year + 1)]


def day_entry(year: int | None, verdict: str, day: date) -> tuple[int, str]:
    """A history's entry for a finding judged as of `day`: its data year (the day's own year
    when it names none) and its verdict."""
    return (year if year is not None else day.year, verdict)


def judged_on(claim: Claim, run: Run, day: date) -> Judged:
    """The claim's (data year, verdict) as of `day`, None when no evidence reaches it."""
    try:
        finding = claim.judge(context(run, day))
    except NoEvidence:
        return None
    return day_entry(finding.year, finding.verdict, day)


def history(
    claim: Claim, run: Run, as_of: date, judge: Callable[[date], Judged] | None = None
) -> list[tuple[int, str]]:
    """(data year, verdict) for every year from the claim's first year to `as_of`, each judged
    as of the year's last day (or `as_of` itself); years the data do not reach are skipped and
    a data year judged twice keeps its later verdict. `judge(day)` stands in for
    `judged_on(claim, run, day)`, e.g. one that keeps what it judged."""
    out: dict[int, str] = {}
    for day in history_days(claim, as_of):
        found = judge(day) if judge else judged_on(claim, run, day)
        if found is not None:
            out[found[0]] = found[1]
    return sorted(out.items())


def evaluate(
    source: duckdb.DuckDBPyConnection | Run,
    claim_id: str,
    as_of: date | None = None,
    with_history: bool = True,
) -> ClaimResult:
    from ledger.claims import by_id

    claim = by_id(claim_id)
    run = _run_of(source)
    day = as_of or date.today()
    f = claim.judge(context(run, day))
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
        history=history(claim, run, day) if with_history else [],
    )


def evaluate_all(
    source: duckdb.DuckDBPyConnection | Run, as_of: date | None = None, with_history: bool = True
) -> list[ClaimResult]:
    from ledger.claims import all_claims

    run = _run_of(source)
    return [evaluate(run, c.id, as_of, with_history) for c in all_claims()]
