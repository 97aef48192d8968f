"""The Claims page's cards as plain functions: the figure that decides each verdict, what a
chart's citation names, the link that opens a claim, the as-of date a reader types, the history
strip and its colour-blind-safe palette; and, on the real data, that every card's main figure
and chart show the quantity its verdict rests on."""

from __future__ import annotations

import itertools
import math
from datetime import date

import polars as pl
import pytest

from app import claimcards
from core.catalogue import sources, verdicts
from core.catalogue.verdicts import NOT_JUDGED, NOT_SUPPORTED, PARTLY, SUPPORTED, VERDICTS
from ledger import words
from ledger.claims import base

# --------------------------------------------------------------------- the palette, simulated

# Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of
# color vision deficiency", IEEE TVCG 15(6): the severity-1.0 matrices, applied to linear RGB.
CVD = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}
# CIEDE2000 difference two squares must keep under each simulation: about 2.3 is a "just
# noticeable" difference; 20 is two colours a reader names differently at a glance.
MIN_DIFFERENCE = 20


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _seen(hex_colour: str, vision: str) -> list[float]:
    rgb = _linear(hex_colour)
    if vision == "normal":
        return rgb
    return [
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in CVD[vision]
    ]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    """CIELAB (D65) of a linear sRGB colour."""
    x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _ciede2000(lab1, lab2) -> float:
    """Sharma, Wu and Dalal (2005)'s statement of the CIEDE2000 colour difference."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = (math.degrees(math.atan2(b, a)) % 360 for a, b in ((a1p, b1), (a2p, b2)))
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    r_t = -math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def closest(fills: dict[str, str]) -> tuple[float, str, str, str]:
    """The smallest difference between two fills under normal vision, protanopia and
    deuteranopia: (difference, vision, one, other)."""
    found = []
    for vision in ("normal", *CVD):
        for (a, ca), (b, cb) in itertools.combinations(fills.items(), 2):
            found.append(
                (_ciede2000(_lab(_seen(ca, vision)), _lab(_seen(cb, vision))), vision, a, b)
            )
    return min(found)


def test_the_ciede2000_difference_matches_the_published_test_pairs():
    # Sharma, Wu and Dalal (2005), table 1, pairs 1 and 17
    assert _ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert _ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_history_colours_stay_apart_for_colour_blind_readers():
    fills = {label: v.fill for label, v in VERDICTS.items() if label != NOT_JUDGED}
    difference, vision, one, other = closest(fills)
    assert difference >= MIN_DIFFERENCE, (vision, one, other, round(difference, 1))
    # the test can fail: the strips' former "partly" and "not supported" browns
    old, *_ = closest({PARTLY: "#9b4519", NOT_SUPPORTED: "#9e303b"})
    assert old < MIN_DIFFERENCE / 2


def test_not_judged_is_hollow_and_every_verdict_has_its_own_letter():
    assert claimcards._square_style(NOT_JUDGED)[0] == "al-sq al-none"
    letters = [v.letter for v in VERDICTS.values()]
    assert len(set(letters)) == len(letters)


# --------------------------------------------------------------------- words on the card


def test_an_interval_across_zero_says_it_could_be_either_sign():
    across = base.Stat("change", 0.05, -0.13, 0.21, unit="points of GDP")
    assert words.stat(across) == (
        "0.05 points of GDP (95 % interval −0.13 to 0.21 points of GDP: could be either sign)"
    )
    clear = base.Stat("gap", 0.76, 0.39, 1.13, unit="points of GDP")
    assert words.EITHER_SIGN not in words.stat(clear)
    touching = base.Stat("rho", -0.3, -0.6, 0.0)
    assert words.EITHER_SIGN not in words.stat(touching)  # an end at zero is not across it


RESULT = {
    "id": "C3",
    "paragraphs": [5],
    "statement": "s",
    "verdict": "No clear sign",
    "finding": "f",
    "rule": "r",
    "stats": [
        {
            "name": "Change after joining",
            "value": 0.05,
            "lo": -0.13,
            "hi": 0.21,
            "unit": "points of GDP",
            "technical": "difference in differences",
        },
        {"name": "Context: a slope", "value": 0.39, "lo": 0.02, "hi": 0.67, "technical": "OLS"},
    ],
    "editions": [
        {
            "source": "sipri",
            "edition": "2026-04-27",
            "published": "2026-04-27",
            "text": "SIPRI April 2026 release (published 2026-04-27)",
        },
    ],
    "evidence_queries": ["accession_burden"],
    "evidence_facts": ["european_neutrals"],
    "explore_page": "free_riding",
    "source": "SIPRI; neutral states: data/facts/european_neutrals.csv",
}


def test_the_main_figure_is_the_first_statistic_in_plain_words():
    card = claimcards.card(RESULT)
    # the statistic the verdict rests on, not the first one that happens to carry an interval
    assert card.figure.startswith("Change after joining: **0.05 points of GDP")
    assert "could be either sign" in card.figure
    details = claimcards.details_markdown(card)
    assert "*Decides the verdict:* Change after joining" in details
    assert "`accession_burden`" in details  # the technical names stay in the details
    context_first = {**RESULT, "stats": RESULT["stats"][1:]}
    assert claimcards.card(context_first).figure == ""  # a context figure never headlines


# --------------------------------------------------------------------- citations and links


FILES = pl.DataFrame(
    {
        "name": ["sipri/SIPRI-Milex-data-1949-2025.xlsx", "data/memberships.csv"],
        "publisher": ["SIPRI", "Alliance Ledger"],
        "edition": ["2026 release (data 1949-2025)", "facts to 2024-03-07"],
        "url": ["https://www.sipri.org/databases/milex", "data/memberships.csv (each row ...)"],
        "licence": ["x", "y"],
    }
)


def test_a_claims_citation_names_its_editions_publication_days_and_licences():
    card = claimcards.card(RESULT)
    records = claimcards.citation_records(card, FILES, memberships=True)
    sipri = sources.get("sipri")
    assert records[0] == {
        "short": "SIPRI",
        "publisher": sipri.publisher,
        "edition": "April 2026 release, published 2026-04-27",
        "published": "2026-04-27",
        "url": "https://www.sipri.org/databases/milex",
        "licence": sipri.licence,
    }
    own = sources.MEMBERSHIPS
    assert records[1]["short"] == own.short and records[1]["licence"] == own.licence
    assert records[1]["edition"] == "facts to 2024-03-07" and records[1]["url"] == ""
    assert records[2]["short"].endswith("fact tables (european neutrals)")
    from app import cite

    text = cite.citation("C3 · chart", records, "https://x/?claim=C3", "2026-12-06 00:00 UTC")
    assert (
        "Stockholm International Peace Research Institute (SIPRI) (April 2026 release, "
        "published 2026-04-27)"
    ) in text
    assert text.rstrip(".").split(" ")[-3] == "https://x/?claim=C3"
    package = cite.datapackage(
        stem="s", title="t", frame=pl.DataFrame({"a": [1]}), records=records, url="u", built=""
    )
    assert package["sources"][0]["published"] == "2026-04-27"
    assert {entry["title"] for entry in package["licenses"]} == {sipri.licence, own.licence}


def test_a_claims_link_opens_it_on_the_chosen_day():
    assert claimcards.claim_link("https://a.b/", "C5") == "https://a.b/?claim=C5"
    assert claimcards.claim_link("https://a.b/", "C5", "2025-07-01") == (
        "https://a.b/?claim=C5&as_of=2025-07-01"
    )
    ids = ["C1", "C2", "C5"]
    assert claimcards.linked_first(ids, "c5") == (["C5", "C1", "C2"], "C5", None)
    assert claimcards.linked_first(ids, None) == (ids, None, None)
    order, linked, note = claimcards.linked_first(ids, "C99<script>")
    assert order == ids and linked is None and "`C99<script>`" in note


def test_the_as_of_date_is_bounded_like_the_cli():
    today = date.today()
    assert claimcards.judged_as_of("", today) == (today, "", None)
    assert claimcards.judged_as_of(" 2025-07-01 ", today) == (date(2025, 7, 1), "2025-07-01", None)
    day, kept, note = claimcards.judged_as_of("2999-01-01", today)
    assert day == today and kept == "" and "too far ahead" in note and "\n" not in note
    day, kept, note = claimcards.judged_as_of("1 July", today)
    assert day == today and "is not a date (YYYY-MM-DD)" in note
    # before the evidence: judged, each claim saying it is not judged then
    assert claimcards.judged_as_of("1900-01-01", today)[0] == date(1900, 1, 1)


# --------------------------------------------------------------------- the history strip


def test_the_history_strip_names_each_year_breaks_on_a_new_method_and_says_true_since():
    history = [
        (2023, NOT_JUDGED, ""),
        (2024, SUPPORTED, "spending, personnel"),
        (2025, SUPPORTED, "spending, personnel"),
        (2026, PARTLY, "spending, personnel, aid to Ukraine"),
    ]
    assert claimcards.breaks(history) == [False, False, False, True]
    html = claimcards.history_strip(history, "2024-03-07", "C16")
    assert html.count('class="al-sq') == 4 and html.count('class="al-break"') == 1
    assert 'data-tip="2023: not judged' in html and 'data-tip="2026: partly supported"' in html
    assert "Had it been written in 2023 to 2026:" in html
    assert "True since 7 March 2024." in html
    assert html.count('tabindex="0"') == 5  # every square and break takes a tap
    assert verdicts.style(SUPPORTED).fill in html
    assert claimcards.history_strip([]) == ""
    assert "<script" not in claimcards.history_strip([(2020, "<script>", "x")])


# --------------------------------------------------------------------- on the real data

TODAY = date(2026, 11, 30)  # docs/CLAIMS.md's evaluation date


@pytest.fixture(scope="module")
def results(real_con):
    from ledger import claims
    from ledger.claims.runner import make_run

    found = claims.evaluate_all(make_run(real_con), TODAY, with_history=False)
    return {r.id: r for r in found}


def _at(frame: pl.DataFrame, column: str, **where) -> float:
    for name, value in where.items():
        frame = frame.filter(pl.col(name) == value)
    assert frame.height == 1, where
    return float(frame[column][0])


def _held_up_slower(frame: pl.DataFrame) -> int:
    cohorts = frame.with_columns(pl.col("label").str.extract(r"\((.+)\)$").alias("cohort"))
    slower = 0
    for part in cohorts.partition_by("cohort"):
        held = part.filter(pl.col("held_up"))["months"].min()
        free = part.filter(~pl.col("held_up"))["months"].max()
        slower += held > free
    return slower


# What each chart plots, read back as the card's main figure (its first statistic).
FROM_THE_CHART = {
    "C1": lambda r, d: _at(d, "n_nato_members", year=TODAY.year),
    "C2": lambda r, d: _at(d, "share_missing_pct", year=r.year),
    "C3": lambda r, d: _at(d, "change_pp", cohort="pooled"),
    "C4": lambda r, d: (
        d.filter(pl.col("year") > r.year - 3)["us_burden_to_benefit_ratio"].mean()
        - d.filter(pl.col("year") < d["year"].min() + 3)["us_burden_to_benefit_ratio"].mean()
    ),
    "C5": lambda r, d: _at(d, "us_share_me_pct", year=r.year, source="nato"),
    "C6": lambda r, d: d["memberships_per_ally"][-1] - d["memberships_per_ally"][0],
    "C7": lambda r, d: d.filter(pl.col("nato_joined") > date(1991, 12, 26)).height,
    "C8": lambda r, d: d.filter(pl.col("region").is_in(["Nordic", "Baltic"]))["members"].sum(),
    "C9": lambda r, d: d.height,
    "C10": lambda r, d: _at(d, "gap_pp", year=r.year),
    "C11": lambda r, d: d["months_to_exit"].max(),
    "C14": lambda r, d: _held_up_slower(d),
    "C16": lambda r, d: 100 * d["lags_on_every_measure"].mean(),
}


@pytest.mark.raw
def test_every_cards_main_figure_is_what_its_chart_plots(results):
    """The card's main figure (the first statistic, the one the rule decides on) is the very
    quantity its chart draws; a claim whose statistics are context has no main figure, and
    its chart says it is context."""
    for cid, r in results.items():
        if r.chart is None:
            assert cid in ("C13", "C15"), cid  # not testable: no data to draw
            continue
        card = claimcards.card({**vars(r), "chart": None})
        if cid == "C12":  # documentary: the review's own words decide
            assert card.figure == "" and "context" in r.chart.title
            continue
        drawn = FROM_THE_CHART[cid](r, r.chart.data)
        assert drawn == pytest.approx(r.stats[0].value, abs=1e-9), cid
        assert card.figure.startswith(r.stats[0].name), cid
        assert not r.stats[0].name.startswith("Context"), cid
        for s in r.stats[1:]:
            assert s.name.startswith(("Context", "The same", "Change in")) or cid in (
                "C11",
                "C14",
            ), (
                cid,
                s.name,
            )
