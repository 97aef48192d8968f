"""The verdicts a claim can get, once: the label the claims engine returns, and how the pages
(colour, icon, the fill of a history square), the CLI's history table and docs/CLAIMS.md (a
letter) show it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    label: str
    colour: str  # a Streamlit markdown colour
    icon: str  # a Material icon
    letter: str  # one character in a verdict history
    # The fill of its square in a history strip (hex). Chosen so that every two judged verdicts
    # stay apart for readers with protanopia or deuteranopia too (tests/test_claim_cards.py
    # simulates both); "not judged" is drawn hollow, not by its fill.
    fill: str = "#e0e0e0"


SUPPORTED = "Supported"
PARTLY = "Partly supported"
# A measured relation whose interval spans both signs: the data neither bear the claim out nor
# tell against it. Not "Not supported", which would read as a refutation.
NO_CLEAR_SIGN = "No clear sign"
NOT_SUPPORTED = "Not supported"
NOT_TESTABLE = "Not testable with these data"
# No verdict on that day: a source the rule reads had no edition published by then, or (for a
# dated fact) the fact did not exist yet. Not a finding against the claim.
NOT_JUDGED = "Not judged"

# In the order the pages list them.
VERDICTS: dict[str, Verdict] = {
    v.label: v
    for v in (
        Verdict(SUPPORTED, "green", ":material/check_circle:", "S", "#009e73"),
        Verdict(PARTLY, "orange", ":material/contrast:", "P", "#ffcc33"),
        Verdict(NO_CLEAR_SIGN, "violet", ":material/swap_vert:", "?", "#6a3d9a"),
        Verdict(NOT_SUPPORTED, "red", ":material/cancel:", "N", "#67001f"),
        Verdict(NOT_TESTABLE, "gray", ":material/help:", "–", "#e0e0e0"),
        Verdict(NOT_JUDGED, "gray", ":material/schedule:", "·", "#ffffff"),
    )
}
UNKNOWN = Verdict("", "gray", ":material/help:", "?")
# What a rule may conclude (NOT_JUDGED is the engine's: no evidence by that day).
JUDGED = (SUPPORTED, PARTLY, NO_CLEAR_SIGN, NOT_SUPPORTED, NOT_TESTABLE)


def style(label: str) -> Verdict:
    return VERDICTS.get(label, UNKNOWN)
