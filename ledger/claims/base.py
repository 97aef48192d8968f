"""What a claim is made of, and what judging it gives back.

A claim module builds one `Claim`: its statement in the project's words, the paragraphs it
cites, its kind, the evidence it declares (queries and fact tables), the named thresholds of its
rule with the reason for each, its alternative specifications, and `judge`, a function of an
evaluation context that returns a `Finding` (verdict, plain-words sentence, statistics with
intervals, chart). Judging never touches a database: the context hands the claim a
`run(name, **params)` callable.

Time: a context judges as of one day. `ctx.require(source)` names a source the rule reads and
returns the newest edition of it published by that day; when none was, the claim is not judged
(NotJudged, naming the earliest edition held), never judged with a later one. Every query a
claim runs through `ctx.query` is read as of the same day (its `as_of` parameter), so it holds
only editions published by then and the data years they report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from core.catalogue import sources
from core.catalogue.verdicts import JUDGED, NOT_SUPPORTED, NOT_TESTABLE, SUPPORTED
from ledger.queries import Run

# The verdicts are the catalogue's (core/catalogue/verdicts.py); a rule concludes one of these.
VERDICTS = JUDGED

FACT_CHECK = "fact check"
EMPIRICAL = "empirical"
DOCUMENTARY = "documentary"
UNTESTABLE = "not testable"
KINDS = (FACT_CHECK, EMPIRICAL, DOCUMENTARY, UNTESTABLE)


class NoEvidence(Exception):
    """The data do not cover the evaluation date (a history skips that year)."""


class NotJudged(NoEvidence):
    """No edition of a source the rule reads was published by the evaluation date."""

    def __init__(self, source: str, earliest: Edition | None, day: date) -> None:
        self.source, self.earliest, self.day = source, earliest, day
        name = sources.short(source)
        held = (
            f"the earliest {name} edition held was published {earliest.published.isoformat()}"
            if earliest
            else f"no {name} edition is held"
        )
        super().__init__(f"not judged as of {day.isoformat()}: {held}")


@dataclass(frozen=True)
class Edition:
    """One edition a finding used: the source, its release day, and the day its file was
    public (the as-of rule reads the latter)."""

    source: str
    edition: date
    published: date
    label: str = ""  # 'April 2026 release', 'June 2024 tables'

    def text(self) -> str:
        name = sources.short(self.source)
        when = self.published.isoformat()
        return f"{name} {self.label or self.edition.isoformat()} (published {when})"


@dataclass(frozen=True)
class Spec:
    """An alternative specification of a rule: a reasonable other reading a referee could ask
    for (a threshold comparison, a coding, a source, a window). `options` are read by the
    claim's judge through ctx.opt(name, default)."""

    key: str
    label: str  # what differs, in plain words: 'NATO's figures instead of SIPRI's'
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    """A figure the verdict compares with a threshold, and the distance within which the
    comparison counts as a knife edge (declared by the claim, with the figure's unit)."""

    label: str
    value: float
    threshold: float
    distance: float
    unit: str = ""

    @property
    def close(self) -> bool:
        return abs(self.value - self.threshold) <= self.distance


@dataclass(frozen=True)
class Threshold:
    value: float
    reason: str


@dataclass(frozen=True)
class Part:
    """A labelled sub-claim: the testable premise, or the discourse/intention/future part."""

    label: str
    statement: str
    kind: str


@dataclass(frozen=True)
class Stat:
    """One statistic on a card: plain name first, technical name for the details."""

    name: str
    value: float | None
    lo: float | None = None
    hi: float | None = None
    unit: str = ""  # '%', 'pp', '' (a ratio or a correlation), 'months', ...
    technical: str = ""
    exact: str = ""  # why there is no interval (a count or total over all allies)

    @classmethod
    def total_share(
        cls, name: str, value: float | None, technical: str = "", over: str = "allies"
    ) -> Stat:
        """A percentage worked out from totals over every ally (or every member of a
        grouping): the whole population, not a sample, so it has no interval."""
        return cls(
            name, value, unit="%", technical=technical, exact=f"a total over all {over}: exact"
        )


@dataclass
class Chart:
    """What to plot: a frame and how (app.views.claims.claim_chart draws it)."""

    kind: str  # 'line', 'bar', 'scatter'
    x: str
    y: str | list[str]
    title: str
    unit: str
    color: str | None = None
    data: pl.DataFrame = field(default_factory=pl.DataFrame)
    # Lines the rule compares with, drawn across the value axis: (value, label), the value a
    # number or a date (a threshold, the end of the Cold War).
    guides: list[tuple[Any, str]] = field(default_factory=list)


@dataclass
class Finding:
    verdict: str
    sentence: str  # the plain-words finding, generated from the figures
    year: int | None  # the data year the verdict speaks for
    stats: list[Stat] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    # Sub-claim label -> verdict, for the parts the rule judges apart; the engine gives the
    # others theirs from the claim's declared parts (Claim.part_verdicts).
    parts: dict[str, str] = field(default_factory=dict)
    chart: Chart | None = None
    source: str = ""
    edges: list[Edge] = field(default_factory=list)  # comparisons that decided the verdict
    # What the rule read this time, in a few words; a history draws a break where it changes
    # (a source or measure entering the rule is a change of method, not of the world).
    method: str = ""
    context_notes: list[str] = field(default_factory=list)  # context left out, and why
    editions: list[Edition] = field(default_factory=list)  # filled by the engine

    @classmethod
    def fact_check(cls, ctx: Context, holds: bool, sentence: str, **rest: Any) -> Finding:
        """A fact check's finding: Supported when the fact holds on the evaluation date, Not
        supported when it does not (a count or a date is not partly true), speaking for that
        date's year. `rest` are the other fields (stats, figures, chart, source, ...)."""
        return cls(SUPPORTED if holds else NOT_SUPPORTED, sentence, ctx.as_of.year, **rest)


@dataclass(frozen=True)
class Claim:
    id: str
    paragraphs: tuple[int, ...]
    statement: str
    kind: str
    queries: tuple[str, ...]
    rule: str
    judge: Callable[[Context], Finding]
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()
    facts: tuple[str, ...] = ()
    first_year: int = 2014  # the history starts here (see docs/CLAIMS.md)
    explore: str = "methods"
    attribution: str = "the author"
    would_test: str = ""  # for what cannot be tested: the data that would test it
    changed: str = ""  # what changed from the first rule (etl/claims.py until issue 14), and why
    specs: tuple[Spec, ...] = ()  # alternative specifications (empirical rules)
    # A dated fact: its history reads "true since <date>", and a day before it shows no verdict.
    dated_fact: bool = False

    def threshold(self, name: str) -> float:
        return self.thresholds[name].value

    def part_verdicts(self, verdict: str, given: dict[str, str]) -> dict[str, str]:
        """Each declared part's verdict: the rule's where it gives one (`given`); else Not
        testable for a part not testable; else, when a single part is left, the claim's verdict
        (the rule judged that part). Two or more parts left: the rule must name theirs, so
        they stay without one."""
        left = [p.label for p in self.parts if p.label not in given and p.kind != UNTESTABLE]
        filled = {
            p.label: given.get(p.label, NOT_TESTABLE if p.kind == UNTESTABLE else verdict)
            for p in self.parts
            if p.label in given or p.kind == UNTESTABLE or len(left) == 1
        }
        return filled | given  # in the declared order


@dataclass
class Context:
    """One evaluation: the date every figure is judged as of, the data access, the editions
    held, and the specification (None: the rule as stated)."""

    run: Run
    as_of: date
    read_facts: Callable[[str], pl.DataFrame]
    editions: pl.DataFrame = field(default_factory=pl.DataFrame)  # the `editions` query
    spec: Spec | None = None
    takes_as_of: Callable[[str], bool] = lambda name: False
    used: dict[str, Edition] = field(default_factory=dict)
    # The last data year a finding may read (None: what the editions report). "The same years
    # with today's editions" caps it at the year a finding read when the article was written.
    year_cap: int | None = None

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """A query's frame as of the evaluation date: its `as_of` parameter (where it takes
        one) is the evaluation date unless the claim passes another, so it holds only
        editions published by then."""
        if "as_of" not in params and self.takes_as_of(name):
            params["as_of"] = self.as_of
        return self.run(name, **params)

    def require(self, *sources: str) -> list[Edition]:
        """The newest edition of each source published by the evaluation date, recorded as
        used; NotJudged when a source has none."""
        return [self.edition(source) for source in sources]

    def edition(self, source: str) -> Edition:
        rows = self.editions.filter(pl.col("source") == source) if self.editions.height else None
        if rows is None or rows.is_empty():
            raise NotJudged(source, None, self.as_of)
        held = rows.filter(pl.col("published") <= self.as_of)
        if held.is_empty():
            first = rows.sort("published").row(0, named=True)
            raise NotJudged(source, _edition(source, first), self.as_of)
        newest = held.sort("edition", "published").row(-1, named=True)
        found = _edition(source, newest)
        self.used[source] = found
        return found

    def has(self, source: str) -> bool:
        """Whether an edition of the source was published by the evaluation date (for context
        a rule can do without)."""
        try:
            self.edition(source)
        except NotJudged:
            return False
        return True

    def opt(self, name: str, default: Any) -> Any:
        """An option of the specification being judged, else the rule's own value."""
        return self.spec.options.get(name, default) if self.spec else default

    def facts(self, name: str) -> pl.DataFrame:
        return self.read_facts(name)

    def upto(self, frame: pl.DataFrame, column: str = "year") -> pl.DataFrame:
        """Rows of data years not after the evaluation date (nor the year cap)."""
        last = min(self.as_of.year, self.year_cap or self.as_of.year)
        return frame.filter(pl.col(column) <= last)

    def latest_year(self, frame: pl.DataFrame, column: str = "year") -> int:
        years = self.upto(frame, column)[column].drop_nulls()
        if years.is_empty():
            raise NoEvidence(f"no data year on or before {self.as_of}")
        return int(years.max())


def _edition(source: str, row: dict[str, Any]) -> Edition:
    label = {
        "sipri": f"{row['edition']:%B %Y} release",
        "nato": f"{row['edition']:%B %Y} tables",
    }.get(source, str(row.get("definition") or ""))
    return Edition(source, row["edition"], row["published"], label)
