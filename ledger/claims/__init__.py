"""The article's claims, one module per claim (cNN_name.py, each defining `CLAIM`).

The registry is a scan of this package: a new claim is one file plus its test, and nothing here
lists them. `evaluate`, `history` and `evaluate_all` judge them through one `run` callable.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from ledger.claims.base import (
    NOT_SUPPORTED,
    NOT_TESTABLE,
    PARTLY,
    SUPPORTED,
    VERDICTS,
    Claim,
    Finding,
)
from ledger.claims.evaluate import (
    ClaimResult,
    day_entry,
    evaluate,
    evaluate_all,
    history,
    judged_on,
)

_MODULE = re.compile(r"c\d\d_[a-z0-9_]+")

__all__ = [
    "NOT_SUPPORTED",
    "NOT_TESTABLE",
    "PARTLY",
    "SUPPORTED",
    "VERDICTS",
    "Claim",
    "ClaimResult",
    "Finding",
    "all_claims",
    "by_id",
    "evaluate",
    "evaluate_all",
    "day_entry",
    "history",
    "judged_on",
]


@cache
def all_claims() -> tuple[Claim, ...]:
    """Every claim module's CLAIM, in the order of the module names (c01, c02, ...)."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if _MODULE.fullmatch(info.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(module.CLAIM)
    ids = [c.id for c in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claim ids repeat: {ids}")
    return tuple(found)


def by_id(claim_id: str) -> Claim:
    for c in all_claims():
        if c.id == claim_id:
            return c
    raise KeyError(f"no claim {claim_id!r}; known: {', '.join(c.id for c in all_claims())}")
