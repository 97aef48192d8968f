"""How old each source is, and whether its publisher should have released a newer edition.

A source is stale when its edition is older than the publisher's usual update period plus a
grace of a month: SIPRI and NATO publish yearly (SIPRI each April, NATO around June), the World
Bank updates WDI several times a year, the Kiel tracker releases every few months. Correlates of
War, REST Countries and the project's own facts have no schedule and are never flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb

GRACE_DAYS = 31
# folder of the file under the raw dir -> (publisher's usual period in days, how we know)
PERIODS = {
    "sipri": (365, "SIPRI releases its database every April"),
    "nato": (365, "NATO publishes its defence expenditure tables yearly, before the summit"),
    "worldbank": (182, "WDI is refreshed several times a year"),
    "kiel": (122, "the Ukraine Support Tracker publishes a release every few months"),
}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_RELEASE_YEAR = re.compile(r"\b(\d{4}) release\b")


@dataclass(frozen=True)
class Age:
    source: str  # folder: sipri, nato, worldbank, kiel, geo, cow, data
    edition: str
    published: date | None
    age_days: int | None
    period_days: int | None
    stale: bool
    note: str


def published_on(edition: str) -> date | None:
    """The edition's date: the last ISO date in it, or April of a SIPRI-style 'YYYY release'."""
    dates = _ISO.findall(edition)
    if dates:
        return date.fromisoformat(dates[-1])
    if m := _RELEASE_YEAR.search(edition):
        return date(int(m[1]), 4, 1)  # SIPRI's releases come out in late April
    return None


def ages(con: duckdb.DuckDBPyConnection, today: date | None = None) -> list[Age]:
    """One Age per source folder, from the newest edition of its files in source_file."""
    today = today or date.today()
    editions: dict[str, tuple[date | None, str]] = {}
    for name, edition in con.execute("select name, edition from source_file").fetchall():
        folder = name.split("/")[0]
        when = published_on(edition)
        best = editions.get(folder)
        if best is None or (when and (best[0] is None or when > best[0])):
            editions[folder] = (when, edition)
    out = []
    for folder, (when, edition) in sorted(editions.items()):
        period, why = PERIODS.get(folder, (None, "no regular release schedule"))
        age = (today - when).days if when else None
        stale = bool(period and age is not None and age > period + GRACE_DAYS)
        note = why
        if stale:
            note = f"{age // 30} months old; {why}, so a newer edition is probably out"
        out.append(Age(folder, edition, when, age, period, stale, note))
    return out
