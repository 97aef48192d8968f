"""The claims on the dashboard: their ids, each claim judged on the current database, and its
verdict for every data year, read through app.data's one query cache.

Judging is ledger.claims' work; this module only caches it, in memory (st.cache_data, per
process) and on disk (app.diskstore, across processes): a verdict history judges its claim once
per data year, about 1.7 s for all sixteen claims on a cold process, which the landing page's
first visit would otherwise pay after every restart of the server. A stored verdict is only
reused when nothing that decides it has changed: the key holds the database file's path and
fingerprint (inode, size, mtime: a refresh publishes a new file), `rules_version()` (a hash of
every file the verdicts are computed from: ledger/, core/catalogue/, queries/, data/facts/),
the claim and the evaluation date. A history also keeps each of its days (a year's last day,
judged as of then) on its own, and the card is its last day: on a new date only the new day is
judged, which the card already did.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import asdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from app import data, diskstore

ROOT = Path(__file__).resolve().parent.parent
# What a verdict is computed from besides the database: the claims and the query runner
# (ledger/), the names and labels they print (core/catalogue/), the indicator SQL and sidecars
# (queries/), the hand-kept fact tables (data/facts/).
DECIDERS = ("ledger", "core/catalogue", "queries", "data/facts")
Key = tuple[str, Any, str]  # database path, its fingerprint, rules_version()


@cache
def rules_version(root: Path = ROOT, folders: tuple[str, ...] = DECIDERS) -> str:
    """A hash of the names and contents of every file under `folders` (caches and bytecode
    left out): any edit to a claim, a query or a fact table gives another version. Once per
    process: the code does not change under a running server (a changed file needs a restart,
    the file watcher being off)."""
    digest = hashlib.sha256()
    for folder in folders:
        base = root / folder
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def key() -> Key:
    """What, besides the claim and the date, a cached verdict must match to be reused."""
    return (str(data.db_path()), data.current_fingerprint(), rules_version())


def claim_ids() -> tuple[list[str], str | None]:
    """The claim ids in order (one module per claim in ledger.claims), or why there are none;
    never raises."""
    from ledger import claims as registry

    try:
        return [c.id for c in registry.all_claims()], None
    except Exception as e:  # noqa: BLE001 - a broken registry is shown, not raised
        return [], f"The claims registry could not be read: {str(e).splitlines()[0]}"


def claim(claim_id: str, as_of: date | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """One claim judged on the current database as of a date, without its history (cached per
    claim, so the landing page draws each card as soon as its own evidence is in), or why not;
    never raises."""
    try:
        return _evaluate_claim(key(), claim_id, as_of or date.today()), None
    except Exception as e:  # noqa: BLE001 - any failure of the registry is shown, not raised
        return None, f"Claim {claim_id} could not be evaluated: {str(e).splitlines()[0]}"


def claim_history(
    claim_id: str, as_of: date | None = None
) -> tuple[list[tuple[int, str, str]], str | None]:
    """(year, verdict, method) for every year of the claim's history up to the date, each as it
    would have read had the article been written then, or why not; never raises. Apart from
    claim() because it judges the claim once per year: the page asks for it after every card is
    drawn, so the first finding does not wait for it."""
    try:
        return _claim_history(key(), claim_id, as_of or date.today()), None
    except Exception as e:  # noqa: BLE001 - any failure of the registry is shown, not raised
        return [], f"Claim {claim_id}'s history could not be evaluated: {str(e).splitlines()[0]}"


# judged in this process (cache misses): cards, histories, and the days a history judged
_COMPUTED: dict[str, int] = {"claim": 0, "history": 0, "day": 0}
_COMPUTED_LOCK = threading.Lock()


def computed() -> dict[str, int]:
    """How many claims, histories and days of a history this process judged itself (a cache
    hit, from memory or from disk, does not count)."""
    with _COMPUTED_LOCK:
        return dict(_COMPUTED)


def _count(what: str) -> None:
    with _COMPUTED_LOCK:
        _COMPUTED[what] += 1


def _stored(kind: str, key: tuple, compute):
    """The value on disk under `key`, else computed (and counted) and stored."""
    value = diskstore.get(kind, key)
    if value is diskstore.MISSING:
        _count(kind)
        value = compute()
        diskstore.put(kind, key, value)
    return value


@st.cache_data(show_spinner=False, max_entries=128)
def _evaluate_claim(key: Key, claim_id: str, as_of: date) -> dict[str, Any]:
    from ledger import claims as registry

    def compute() -> dict[str, Any]:
        result = asdict(registry.evaluate(data.run, claim_id, as_of=as_of, with_history=False))
        # the card is the history's last day, judged the same way: the history need not again
        day = (as_of.year, result["verdict"], result["method"])
        diskstore.put("day", (*key, claim_id, as_of.isoformat()), day)
        return result

    return _stored("claim", (*key, claim_id, as_of.isoformat()), compute)


@st.cache_data(show_spinner=False, max_entries=128)
def _claim_history(key: Key, claim_id: str, as_of: date) -> list[tuple[int, str, str]]:
    """The history, each day of it kept on disk on its own: every day but `as_of` is a year's
    last day, the same tomorrow, so a new date judges only its own day (the card's)."""
    from ledger import claims as registry

    claim = registry.by_id(claim_id)

    def judge(day: date):
        return _stored(
            "day",
            (*key, claim_id, day.isoformat()),
            lambda: registry.judged_on(claim, data.run, day),
        )

    return _stored(
        "history",
        (*key, claim_id, as_of.isoformat()),
        lambda: registry.history(claim, data.run, as_of, judge_day=judge),
    )


def clear() -> None:
    """Forget every cached verdict, in memory and on disk (tests; a broken claim fixed)."""
    _evaluate_claim.clear()
    _claim_history.clear()
    for kind in ("claim", "history", "day"):
        diskstore.clear(kind)
