"""What a claim is made of, and what judging it gives back.

A claim module builds one `Claim`: its statement in the project's words, the paragraphs it
cites, its kind, the evidence it declares (queries and fact tables), the named thresholds of its
rule with the reason for each, and `judge`, a function of an evaluation context that returns a
`Finding` (verdict, plain-words sentence, statistics with intervals, chart). Judging never
touches a database: the context hands the claim a `run(name, **params)` callable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import polars as pl

SUPPORTED = "Supported"
PARTLY = "Partly supported"
NOT_SUPPORTED = "Not supported"
NOT_TESTABLE = "Not testable with these data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, NOT_TESTABLE)

FACT_CHECK = "fact check"
EMPIRICAL = "empirical"
DOCUMENTARY = "documentary"
UNTESTABLE = "not testable"
KINDS = (FACT_CHECK, EMPIRICAL, DOCUMENTARY, UNTESTABLE)


class Run(Protocol):
    def __call__(self, name: str, **params: Any) -> pl.DataFrame: ...


class NoEvidence(Exception):
    """The data do not cover the evaluation date (a history skips that year)."""


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


@dataclass
class Finding:
    verdict: str
    sentence: str  # the plain-words finding, generated from the figures
    year: int | None  # the data year the verdict speaks for
    stats: list[Stat] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)  # sub-claim label -> verdict
    chart: Chart | None = None
    source: str = ""


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

    def threshold(self, name: str) -> float:
        return self.thresholds[name].value


@dataclass
class Context:
    """One evaluation: the date every figure is judged as of, and the data access."""

    run: Run
    as_of: date
    read_facts: Callable[[str], pl.DataFrame]

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """A query's frame, holding only what was published by the evaluation date."""
        return published_by(self.run(name, **params), self.as_of)

    def facts(self, name: str) -> pl.DataFrame:
        return self.read_facts(name)

    def upto(self, frame: pl.DataFrame, column: str = "year") -> pl.DataFrame:
        """Rows of data years not after the evaluation date."""
        return frame.filter(pl.col(column) <= self.as_of.year)

    def latest_year(self, frame: pl.DataFrame, column: str = "year") -> int:
        years = self.upto(frame, column)[column].drop_nulls()
        if years.is_empty():
            raise NoEvidence(f"no data year on or before {self.as_of}")
        return int(years.max())


def published_by(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Only editions published by `as_of`, and of those the latest per source.

    The seam for several editions in the warehouse: a frame that carries `published` (a date)
    keeps the rows published on or before the evaluation date, and where it also carries
    `edition`, only the newest edition per source that remains. Frames without these columns
    (one edition loaded) pass unchanged.
    """
    if "published" not in frame.columns or frame.is_empty():
        return frame
    frame = frame.filter(pl.col("published") <= as_of)
    if "edition" not in frame.columns or frame.is_empty():
        return frame
    keys = ["source"] if "source" in frame.columns else []
    newest = (
        frame.group_by(keys).agg(pl.col("published").max().alias("_newest"))
        if keys
        else pl.DataFrame({"_newest": [frame["published"].max()]})
    )
    joined = frame.join(newest, on=keys, how="left") if keys else frame.join(newest, how="cross")
    return joined.filter(pl.col("published") == pl.col("_newest")).drop("_newest")
