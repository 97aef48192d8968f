"""The claims engine: judge an article's claims (ledger/articles/<slug>/, one module per claim)
as of a day, when the article was written and now, under each alternative specification, and
for every year. `evaluate`, `history` and `evaluate_all` judge them through one `run` callable.
The verdicts a rule concludes are the catalogue's (core/catalogue/verdicts.py).
"""

from __future__ import annotations

from ledger.claims.base import VERDICTS, Claim, Finding
from ledger.claims.evaluate import (
    ClaimResult,
    day_entry,
    evaluate,
    evaluate_all,
    history,
    judge,
    judged_on,
)

__all__ = [
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
    "judge",
    "judged_on",
]


def all_claims(article: str | None = None) -> tuple[Claim, ...]:
    """Every claim of the article (the memorandum when None), in the order of its modules."""
    from ledger import articles

    return articles.get(article).claims


def by_id(claim_id: str, article: str | None = None) -> Claim:
    for c in all_claims(article):
        if c.id == claim_id:
            return c
    known = ", ".join(c.id for c in all_claims(article))
    raise KeyError(f"no claim {claim_id!r}; known: {known}")
