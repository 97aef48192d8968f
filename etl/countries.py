"""Country identity: every source's names mapped to ISO3 with pycountry plus a small override table.

pycountry answers exact names, official names, common names and codes. What it cannot answer
(short forms such as "Russia", footnoted names, historical states) sits in
data/country_overrides.csv, one row per spelling with a note saying why. An unknown name fails
the build and names itself: a silent guess would put one country's money on another.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pycountry

from core.errors import EtlError

DATA = Path(__file__).resolve().parent.parent / "data"
OVERRIDES = DATA / "country_overrides.csv"
HISTORICAL = DATA / "historical_states.csv"

# Footnote markers that publishers glue to names: NATO's "Poland*", SIPRI's "‡", digits.
_MARKERS = re.compile(r"[*†‡§¶‖#]+|\s*\(\d+\)$|\d+$")


def clean_name(name: str) -> str:
    """A name without footnote markers, non-breaking spaces or surrounding blanks."""
    return " ".join(_MARKERS.sub("", name.replace("\u00a0", " ")).split())


@cache
def overrides() -> dict[str, str]:
    with OVERRIDES.open(encoding="utf-8", newline="") as f:
        return {row["name"].casefold(): row["iso3"] for row in csv.DictReader(f)}


@cache
def historical_codes() -> frozenset[str]:
    with HISTORICAL.open(encoding="utf-8", newline="") as f:
        return frozenset(row["iso3"] for row in csv.DictReader(f))


NO_ISO3 = ""  # override target for documented non-states (EU institutions, pre-1900 states)


def lookup(name: str) -> str | None:
    """ISO3 for one name; NO_ISO3 for a documented entity without one; None when unknown."""
    key = clean_name(name)
    if not key:
        return None
    if (hit := overrides().get(key.casefold())) is not None:
        return hit
    if key.upper() in historical_codes():
        return key.upper()
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        return None


def to_iso3(names: Iterable[str], *, file: str, sheet: str | None = None) -> dict[str, str | None]:
    """Map every name to ISO3 (None for documented non-states); raise naming each unknown one."""
    mapping: dict[str, str | None] = {}
    unknown: list[str] = []
    for name in dict.fromkeys(names):
        code = lookup(name)
        if code is None:
            unknown.append(name)
        else:
            mapping[name] = code or None
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        raise EtlError(
            f"unknown country name(s) {listed}: add them to data/country_overrides.csv "
            "with an ISO3 code and a note",
            file=file,
            sheet=sheet,
        )
    return mapping


def is_known_code(code: str) -> bool:
    """True for a current ISO3 code, a documented historical code or an override target."""
    return (
        pycountry.countries.get(alpha_3=code) is not None
        or code in historical_codes()
        or code in set(overrides().values())
    )
