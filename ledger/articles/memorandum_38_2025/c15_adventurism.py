"""C15: alliance commitments can embolden members (paragraph 5), and consensus discourages
adventurism by weaker members (paragraph 9). Neither is testable with these data."""

from __future__ import annotations

from core.catalogue.verdicts import NOT_TESTABLE
from ledger.claims.base import UNTESTABLE, Claim, Context, Finding, Part

WOULD_TEST = (
    "militarised interstate disputes by state and year (Correlates of War MID data, Palmer et "
    "al. 2022) initiated by allies against their adversaries, set against the alliance "
    "commitments each held (ATOP), before and after joining"
)


def judge(ctx: Context) -> Finding:
    return Finding(
        verdict=NOT_TESTABLE,
        sentence="The loaded sources count money, soldiers and memberships, not who started "
        "which crisis; the claim would need " + WOULD_TEST + ".",
        year=None,
        source="no loaded source",
    )


CLAIM = Claim(
    id="C15",
    paragraphs=(5, 9),
    statement="Allies sure of support may act more boldly towards an adversary, while the need "
    "for consensus restrains the weaker ones from reckless moves.",
    kind=UNTESTABLE,
    parts=(
        Part("a", "Commitments embolden some allies (paragraph 5).", UNTESTABLE),
        Part("b", "Consensus discourages adventurism by weaker allies (paragraph 9).", UNTESTABLE),
    ),
    queries=(),
    rule="Not testable with these data: it needs " + WOULD_TEST + ".",
    judge=judge,
    would_test=WOULD_TEST,
    explore="methods",
    changed=(
        "New (skipped before): emboldening (paragraph 5) and adventurism (paragraph 9), "
        "not testable, with the data that would test them."
    ),
)
