"""Every grouping, described once: the groupings of data/alliances.csv (the project's own facts,
one source URL per row: code, full name, kind, founding and dissolution), in its order, plus the
one grouping derived from them, NATO_EUROPE_CANADA, declared here; for each, the label the pages
use, its abbreviation where room is short (a matrix, an intersection) and how a sentence names
it. Also the two membership codings every grouping query takes.

A grouping added to data/alliances.csv is offered on the pages and accepted by every query that
takes `type: grouping` with no other edit (its label is its name there until NAMES declares
one). The SQL in queries/ names codes (`alliance = 'NATO'`); labels come from here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ALLIANCES = Path(__file__).resolve().parents[2] / "data" / "alliances.csv"


@dataclass(frozen=True)
class Grouping:
    code: str  # alliance.code, the URL's and every query's value: 'NATO', 'UK-PL-UA'
    name: str  # full name, as data/alliances.csv has it
    kind: str  # 'treaty alliance', 'minilateral', 'union', 'derived grouping'
    label: str  # what the pages call it: 'Joint Expeditionary Force'
    short: str  # where room is short: 'JEF'
    in_text: str  # how a sentence names it: 'the JEF'

    @property
    def column(self) -> str:
        """Its column in a one-column-per-grouping result (overlap_matrix): 'uk_pl_ua'."""
        return self.code.lower().replace("-", "_")


# code -> (label, short, in_text) of the groupings in data/alliances.csv
NAMES = {
    "NATO": ("NATO", "NATO", "NATO"),
    "JEF": ("Joint Expeditionary Force", "JEF", "the JEF"),
    "B9": ("Bucharest Nine", "B9", "the Bucharest Nine"),
    "UK-PL-UA": ("UK–Poland–Ukraine", "UK–PL–UA", "the UK-Poland-Ukraine trilateral"),
    "NORDEFCO": ("NORDEFCO", "NORDEFCO", "NORDEFCO"),
    "WEIMAR": ("Weimar Triangle", "Weimar", "the Weimar Triangle"),
    "WARSAW": ("Warsaw Pact", "Warsaw Pact", "the Warsaw Pact"),
    "EU": ("European Union", "EU", "the EU"),
}
# NATO's own aggregate, NATO members other than the United States (its rows are derived in
# queries/views/10_alliance_grouping.sql).
NATO_EUROPE_CANADA = Grouping(
    "NATO_EUROPE_CANADA",
    "NATO Europe and Canada (derived: NATO members other than the United States)",
    "derived grouping",
    "NATO Europe and Canada",
    "NATO Europe and Canada",
    "NATO Europe and Canada",
)


def _read(path: Path) -> dict[str, Grouping]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        names = NAMES.get(r["code"], (r["name"], r["code"], r["name"]))
        out[r["code"]] = Grouping(r["code"], r["name"], r["kind"], *names)
    return out


# Every grouping, in the order the pages offer them (read at each call: an entry added here is
# offered at once).
GROUPINGS: dict[str, Grouping] = {
    **_read(ALLIANCES),
    NATO_EUROPE_CANADA.code: NATO_EUROPE_CANADA,
}


def codes() -> list[str]:
    return list(GROUPINGS)


def get(code: str) -> Grouping | None:
    return GROUPINGS.get(code)


def label(code: str) -> str:
    """The pages' label of a grouping; an unknown code as it is."""
    return GROUPINGS[code].label if code in GROUPINGS else code


def labels() -> dict[str, str]:
    return {g.code: g.label for g in GROUPINGS.values()}


def by_column(column: str) -> Grouping | None:
    """The grouping of a one-column-per-grouping result's column ('uk_pl_ua')."""
    return next((g for g in GROUPINGS.values() if g.column == column), None)


@dataclass(frozen=True)
class Membership:
    code: str  # the `membership` parameter of every grouping query
    label: str  # the pages' label
    in_text: str  # how a sentence names it


MEMBERSHIPS: dict[str, Membership] = {
    m.code: m
    for m in (
        Membership("historical", "Members in each year", "members in each year"),
        Membership("current", "Today's members, every year", "today's members"),
    )
}
MEMBERSHIP_HELP = (
    "Members in each year: a country counts in every year it was a member for at least one "
    "day. Today's members: the present membership applied to every year."
)


def membership_labels() -> dict[str, str]:
    return {m.code: m.label for m in MEMBERSHIPS.values()}
