"""C13: most US troop deployments rest on bilateral deals with hosts (paragraph 15)."""

from __future__ import annotations

from core.catalogue.verdicts import NOT_TESTABLE
from ledger.claims.base import UNTESTABLE, Claim, Context, Finding

WOULD_TEST = (
    "counts of US forces by host country (Defense Manpower Data Center quarterly reports; "
    "Allen, Flynn and Martinez Machain 2022) joined to the legal basis of each presence: "
    "the multilateral NATO Status of Forces Agreement of 1951 and the bilateral "
    "supplements and defence cooperation agreements."
)


def judge(ctx: Context) -> Finding:
    return Finding(
        verdict=NOT_TESTABLE,
        sentence="No loaded source records where US troops serve or under which agreement; "
        "the claim would need " + WOULD_TEST,
        year=None,
        source="no loaded source",
    )


CLAIM = Claim(
    id="C13",
    paragraphs=(15,),
    statement="American forces abroad are mostly arranged country by country, in agreements "
    "with each host state.",
    kind=UNTESTABLE,
    queries=(),
    rule="Not testable with these data: " + WOULD_TEST,
    judge=judge,
    would_test=WOULD_TEST,
    explore="methods",
    changed=(
        "Same verdict; the data that would test it are named (DMDC, Allen, Flynn and "
        "Martinez Machain 2022, the SOFA of 1951 and bilateral supplements)."
    ),
)
