"""How old each source is, and whether its publisher should have released a newer edition.

A source is stale when its edition is older than the publisher's usual update period plus a
grace of a month. Periods and cadences come from the catalogue (core/catalogue/sources.py):
SIPRI and NATO publish yearly, the World Bank updates WDI several times a year, the Kiel tracker
releases every few months. Correlates of War, REST Countries and the project's own facts have
no schedule and are never flagged. Where the `edition` table records a publication date, that
date counts.

A source is stale too, whatever its age, while the newest file a refresh downloaded for it was
refused by the build and held back (etl/quarantine.py): the run log (`etl_run`) then holds a
'refused' run whose message names the folder held back (core.runlog), and whose
`sources_sha256` are the raw files kept; the flag stays until the database loads a file of that
source other than those.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from core.catalogue.sources import SOURCES
from core.runlog import held_folder
from ledger.queries import Run

GRACE_DAYS = 31
# folder of the file under the raw dir -> (publisher's usual period in days, how we know)
PERIODS = {s.folder: (s.period_days, s.cadence) for s in SOURCES.values() if s.period_days}
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


def ages(run: Run, today: date | None = None) -> list[Age]:
    """One Age per source folder, from the newest edition of its files (the `source_editions`
    look-up, run through `run`: ledger.queries.runner(con) or the dashboard's cached data.run)."""
    today = today or date.today()
    editions: dict[str, tuple[date | None, str]] = {}
    files = run("source_editions")
    for name, edition, published in files.select("name", "edition", "published").iter_rows():
        folder = name.split("/")[0]
        when = published or published_on(edition)
        best = editions.get(folder)
        if best is None or (when and (best[0] is None or when > best[0])):
            editions[folder] = (when, edition)
    held = held_back(run)
    out = []
    for folder, (when, edition) in sorted(editions.items()):
        period, why = PERIODS.get(folder, (None, "no regular release schedule"))
        age = (today - when).days if when else None
        stale = bool(period and age is not None and age > period + GRACE_DAYS)
        note = why
        if stale:
            note = f"{age // 30} months old; {why}, so a newer edition is probably out"
        if folder in held:
            stale, note = True, held[folder]
        out.append(Age(folder, edition, when, age, period, stale, note))
    return out


def held_back(run: Run) -> dict[str, str]:
    """Folder -> note for each source whose newest downloaded file the build refused, while the
    database still serves the files it had kept then (the newest 'refused' run per folder)."""
    runs = run("etl_run")
    if runs.is_empty() or "sources_sha256" not in runs.columns:
        return {}
    loaded = dict(run("source_file").select("name", "sha256").iter_rows())
    refused = runs.filter(runs["outcome"] == "refused").sort("started_at", descending=True)
    out: dict[str, str] = {}
    seen: set[str] = set()
    for started, message, digests in refused.select(
        "started_at", "message", "sources_sha256"
    ).iter_rows():
        folder = held_folder(message)
        if folder is None or folder in seen:
            continue
        seen.add(folder)
        try:
            kept = json.loads(digests or "{}")
        except ValueError:
            continue
        mine = {n: sha for n, sha in loaded.items() if n.split("/")[0] == folder}
        if mine and isinstance(kept, dict) and all(kept.get(n) == sha for n, sha in mine.items()):
            out[folder] = (
                f"a newer file was refused by the build on {str(started)[:10]} and held back; "
                "this is the edition from before it"
            )
    return out
