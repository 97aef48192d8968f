"""The claims (ledger/articles/<slug>/, one file per claim; the engine in ledger/claims/):
registry, rules that flip with their evidence, verdicts in time (editions as of a date, when
written and now, histories), robustness, intervals, the audit document and the landing page."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from core.catalogue.verdicts import (
    NO_CLEAR_SIGN,
    NOT_JUDGED,
    NOT_SUPPORTED,
    NOT_TESTABLE,
    PARTLY,
    SUPPORTED,
)
from ledger import claims, stats, words
from ledger.claims import (
    VERDICTS,
    base,
    doc,
    facts,
    report,
    summary,
)
from ledger.claims.evaluate import context

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLE = SHARED / "seed" / "article.txt"
REVIEW = SHARED / "claims-review.md"
TODAY = date(2026, 11, 30)
CLAIM_FILES = sorted((ROOT / "ledger" / "articles" / "memorandum_38_2025").glob("c[0-9][0-9]_*.py"))
NATO_DATA_CLAIMS = ("C2", "C5", "C8", "C10", "C12", "C16")  # judged on a NATO or SIPRI data year


# ----------------------------------------------------------------------------- the registry


def test_one_file_per_claim_found_by_scanning_the_article_folder():
    found = claims.all_claims()
    assert [c.id for c in found] == [f"C{i}" for i in range(1, len(CLAIM_FILES) + 1)]
    assert len(CLAIM_FILES) == len(found) >= 16
    source = (ROOT / "ledger" / "articles" / "__init__.py").read_text(encoding="utf-8")
    assert "globals()" not in source


def test_every_empirical_rule_declares_its_alternatives():
    for c in claims.all_claims():
        if c.kind == base.EMPIRICAL:
            assert len(c.specs) >= 2, c.id
            assert len({s.key for s in c.specs}) == len(c.specs), c.id


def test_every_claim_is_complete():
    from ledger import queries

    for c in claims.all_claims():
        assert c.statement and c.rule and c.paragraphs and c.changed, c.id
        assert c.kind in base.KINDS, c.id
        assert all(1 <= p <= 21 for p in c.paragraphs), c.id
        for name in c.queries:
            queries.load(name)  # every declared query exists
        for name in c.facts:
            assert not facts.read(name).is_empty()
        for name, t in c.thresholds.items():
            assert name.isupper() and len(t.reason) > 20, (c.id, name)
        for p in c.parts:
            assert p.kind in base.KINDS, (c.id, p.label)
        if c.kind == base.UNTESTABLE:
            assert c.would_test, c.id


@pytest.mark.skipif(not ARTICLE.is_file(), reason="article not beside the repo")
def test_no_sentence_of_the_article_is_copied():
    article = ARTICLE.read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", article) if len(s) > 40]
    for path in CLAIM_FILES:
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert not [s for s in sentences if " ".join(s.split()) in text], path.name


@pytest.mark.skipif(not ARTICLE.is_file(), reason="article not beside the repo")
def test_cited_paragraphs_hold_the_claims_topic():
    paragraphs = [p for p in ARTICLE.read_text(encoding="utf-8").splitlines() if p.strip()]
    topic = {
        "C1": "32",
        "C3": "complacency",
        "C4": "free (or easy) riding",
        "C5": "US participation",
        "C7": "Bucharest Nine",
        "C8": "Joint Expeditionary Force",
        "C9": "Poland and Ukraine",
        "C11": "Warsaw Pact",
        "C13": "bilateral",
        "C14": "slow",
        "C15": "adventurism",
        "C16": "pulling their weight",
    }
    for cid, words_ in topic.items():
        cited = " ".join(paragraphs[p - 1] for p in claims.by_id(cid).paragraphs)
        assert words_ in cited, cid
    assert "21" not in str(claims.by_id("C4").paragraphs)
    assert "reader" in claims.by_id("C5").attribution  # paragraph 21 is not the author's


# ----------------------------------------------------------------------------- small pieces


def test_numbers_read_as_words():
    assert words.p_value(0.0004) == "p < 0.001"
    assert words.p_value(0.004) == "p = 0.004"
    assert words.p_value(0.2346) == "p = 0.235"  # the pages' rule: three decimals
    assert words.p_value(None) == "" and words.pct(None) == "—" and words.num(float("nan")) == "—"
    assert words.pct(65.634) == "65.6 %"
    assert words.num(-0.05) == "−0.05"
    assert words.interval(-0.24, 0.45) == "95 % interval −0.24 to 0.45"
    s = base.Stat("rho", 0.39, 0.02, 0.67)
    assert words.stat(s) == "0.39 (95 % interval 0.02 to 0.67)"
    assert words.stat(base.Stat("members", 32, exact="a count")) == "32 (a count)"


def test_fisher_interval_matches_the_formula():
    lo, hi = stats.spearman_interval(0.3, 30)
    import math

    se = math.sqrt((1 + 0.045) / 27)
    assert lo == pytest.approx(math.tanh(math.atanh(0.3) - 1.959964 * se), abs=1e-6)
    assert hi == pytest.approx(math.tanh(math.atanh(0.3) + 1.959964 * se), abs=1e-6)
    assert stats.spearman_interval(0.3, 3) == (None, None)


def test_bootstrap_is_fixed_seed():
    values = [0.1, -0.2, 0.4, 0.3, 0.0, 0.5, -0.1]
    assert stats.bootstrap(values) == stats.bootstrap(values)
    lo, hi = stats.bootstrap(values)
    assert lo <= float(pl.Series(values).median()) <= hi


def test_a_claim_reads_the_newest_edition_published_by_the_day():
    """ctx.require: the newest edition published on or before the day; none, Not judged naming
    the earliest held; a re-saved copy counts from the day it was public, not its release."""
    editions = pl.DataFrame(
        {
            "source": ["sipri", "sipri", "nato"],
            "edition": [date(2017, 4, 24), date(2025, 4, 28), date(2024, 6, 17)],
            "published": [date(2017, 9, 20), date(2025, 4, 30), date(2024, 6, 17)],
        }
    )

    def ctx(day):
        c = context(lambda name, **p: editions, day)
        return c

    c = ctx(date(2025, 6, 2))
    assert [e.edition for e in c.require("sipri", "nato")] == [date(2025, 4, 28), date(2024, 6, 17)]
    assert set(c.used) == {"sipri", "nato"}
    with pytest.raises(base.NotJudged, match="earliest NATO edition held was published 2024-06-17"):
        ctx(date(2020, 1, 1)).require("nato")
    with pytest.raises(base.NotJudged, match="2017-09-20"):
        ctx(date(2017, 6, 1)).require("sipri")  # released in April, this copy public in September
    assert ctx(date(2018, 1, 1)).require("sipri")[0].edition == date(2017, 4, 24)
    with pytest.raises(base.NotJudged, match="no Kiel tracker edition is held"):
        ctx(date(2026, 1, 1)).require("kiel")


def test_summary_sentence_counts_verdicts_and_names_recent_changes():
    results = [
        {
            "id": "C1",
            "verdict": SUPPORTED,
            "history": [(2022, NOT_SUPPORTED, ""), (2024, SUPPORTED, "")],
        },
        {"id": "C2", "verdict": PARTLY, "history": [(2014, SUPPORTED, ""), (2024, PARTLY, "")]},
        {"id": "C3", "verdict": NOT_TESTABLE, "history": [(2024, NOT_TESTABLE, "")]},
    ]
    text = summary.sentence(results)
    assert text.startswith("Of the article's 3 claims, the data support 1, partly support 1")
    assert "C1 (not supported until 2023, supported since)" in text
    assert "C2 (supported until 2023, partly supported since)" in text
    assert (
        summary.changes(
            {
                "history": [(2000, SUPPORTED), (2001, NOT_SUPPORTED)]
                + [(y, NOT_SUPPORTED) for y in range(2002, 2020)]
            }
        )
        is None
    )  # an old change is not news


# ----------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def run(real_con):
    from ledger.claims.runner import make_run

    return make_run(real_con)


@pytest.fixture(scope="module")
def today(run):
    return {r.id: r for r in claims.evaluate_all(run, TODAY)}


def judge(cid: str, run, as_of: date = TODAY, read_facts=facts.read) -> base.Finding:
    """The claim judged as the engine judges it (editions as of the day), facts from
    `read_facts`."""
    ctx = context(run, as_of)
    ctx.read_facts = read_facts
    try:
        return claims.by_id(cid).judge(ctx)
    except base.NoEvidence as e:
        return base.Finding(NOT_JUDGED, str(e), None)


def patched(run, name: str, change):
    """A run whose frames of query `name` pass through change(frame, params)."""

    def patched_run(query: str, **params):
        frame = run(query, **params)
        return change(frame, params) if query == name else frame

    return patched_run


def _set(frame: pl.DataFrame, column: str, value, where: pl.Expr | None = None) -> pl.DataFrame:
    expr = (
        pl.lit(value)
        if where is None
        else pl.when(where).then(pl.lit(value)).otherwise(pl.col(column))
    )
    return frame.with_columns(expr.cast(frame.schema[column]).alias(column))


def _facts_with(name: str, change):
    def read(table: str) -> pl.DataFrame:
        frame = facts.read(table)
        return change(frame) if table == name else frame

    return read


# Each case: the claim, how the evidence flips, the verdict before and after (today).
# C3 and C8 are rebuilt constructs: tests/test_claims_constructs.py flips them.
FLIPS = {
    "C1": (
        "member_history",
        lambda f, p: f.filter(pl.col("iso3") != "SWE") if p.get("alliance") == "NATO" else f,
        SUPPORTED,
        NOT_SUPPORTED,
    ),
    "C2": (
        "guideline_shortfall",
        lambda f, p: _set(_set(f, "burden_pct", 2.5), "equipment_share_pct", 25.0),
        PARTLY,
        NOT_SUPPORTED,
    ),
    "C4": (
        "burden_sharing",
        lambda f, p: f.with_columns(
            pl.when(pl.col("iso3") == "USA")
            .then(pl.col("me_current_usd_m") * (1 + 0.2 * (pl.col("year") - 2014).clip(0)))
            .otherwise(pl.col("me_current_usd_m"))
            .alias("me_current_usd_m")
        ),
        NOT_SUPPORTED,
        PARTLY,
    ),
    "C5": (
        "us_share",
        lambda f, p: _set(f, "us_share_me_pct", 45.0),
        SUPPORTED,
        NOT_SUPPORTED,
    ),
    "C6": (
        "overlap_multi_members",
        lambda f, p: (
            pl.concat(
                [
                    f,
                    f.head(1).with_columns(
                        pl.lit("PRT").alias("iso3"), pl.lit("JEF, NATO").alias("groupings")
                    ),
                ]
            )
            if p["as_of"] == TODAY
            else f
        ),
        PARTLY,
        SUPPORTED,
    ),
    "C7": (
        "member_history",
        lambda f, p: (
            _set(f, "nato_joined", date(1990, 1, 1), pl.col("iso3") == "HUN")
            if p.get("alliance") == "B9"
            else f
        ),
        SUPPORTED,
        NOT_SUPPORTED,
    ),
    "C9": (
        "member_history",
        lambda f, p: f.filter(pl.col("iso3") != "UKR") if p.get("alliance") == "UK-PL-UA" else f,
        SUPPORTED,
        NOT_SUPPORTED,
    ),
    "C10": (
        "burden",
        lambda f, p: f.with_columns(
            pl.when(
                pl.col("iso3").is_in(["POL", "EST", "LVA", "LTU", "ROU", "HUN", "GBR", "NOR"])
                & (pl.col("year") > 2014)
            )
            .then(pl.col("burden_pct") - 2)
            .otherwise(pl.col("burden_pct"))
            .alias("burden_pct")
        ),
        SUPPORTED,
        NOT_SUPPORTED,
    ),
    "C16": (
        "personnel",
        lambda f, p: _set(f, "personnel_per_1000", 100.0, pl.col("iso3").is_in(["ESP", "PRT"])),
        PARTLY,
        NOT_SUPPORTED,
    ),
}
FACT_FLIPS = {
    "C11": (
        "warsaw_pact_exits",
        lambda f: _set(f, "left_pact", date(1995, 1, 1), pl.col("iso3") == "POL"),
        SUPPORTED,
        NOT_SUPPORTED,
    ),
    "C14": (  # the held-up members join with their cohorts: no delay in either
        "accession_steps",
        lambda f: _set(
            _set(f, "joined", date(2009, 4, 1), pl.col("iso3") == "MKD"),
            "joined",
            date(2023, 4, 4),
            pl.col("iso3") == "SWE",
        ),
        SUPPORTED,
        NOT_SUPPORTED,
    ),
}


@pytest.mark.raw
@pytest.mark.parametrize("cid", FLIPS)
def test_verdict_follows_the_evidence(cid, run):
    name, change, before, after = FLIPS[cid]
    assert judge(cid, run).verdict == before
    assert judge(cid, patched(run, name, change)).verdict == after


@pytest.mark.raw
@pytest.mark.parametrize("cid", FACT_FLIPS)
def test_verdict_follows_the_facts(cid, run):
    name, change, before, after = FACT_FLIPS[cid]
    assert judge(cid, run).verdict == before
    assert judge(cid, run, read_facts=_facts_with(name, change)).verdict == after


@pytest.mark.raw
def test_untestable_claims_stay_so_whatever_the_figures(run):
    doubled = patched(run, "burden", lambda f, p: f.with_columns(pl.col("burden_pct") * 2))
    for cid in ("C13", "C15"):
        assert judge(cid, doubled).verdict == NOT_TESTABLE
    # C12 is documentary: the figures are context, the Strategic Defence Review decides
    assert judge("C12", doubled).verdict == judge("C12", run).verdict == SUPPORTED


NJ = NOT_JUDGED
# Each year as the claim would have read had the article been written at that year's end, with
# the editions published by then (NATO: 2024-06-17; SIPRI's releases from the April 2017 copy
# public 2017-09-20; Kiel: 2026-08-04), worked out from the editions and the raw tables:
HAND = {
    # a dated fact: 31 members at the end of 2023 (Sweden joined 2024-03-07): no verdict before
    "C1": {2023: NJ, 2024: SUPPORTED},
    # no NATO tables held before June 2024; allies missing a guideline hold 29.3 % of GDP in 2024
    "C2": {2023: NJ, 2024: PARTLY},
    # the earliest SIPRI copy held was public 2017-09-20; from the April 2020 release on, rho and
    # the US ratio both fell over the decade
    "C4": {2016: NJ, 2017: PARTLY, 2020: NOT_SUPPORTED, 2025: NOT_SUPPORTED},
    "C5": {2023: NJ, 2024: SUPPORTED},
    # continuing allies in a grouping: 2014 -> 2024 adds the B9; 2016 -> 2026 stays at 16
    "C6": {2024: SUPPORTED, 2026: PARTLY},
    # the trilateral's joint statement of 2022-02-17: no verdict before it
    "C9": {2021: NJ, 2022: SUPPORTED},
    # the Strategic Defence Review of 2025-06-02
    "C12": {2024: NJ, 2025: SUPPORTED},
    # personnel alone until Kiel's release of 2026-08-04, then aid too: a change of method
    "C16": {2023: NJ, 2024: SUPPORTED, 2025: SUPPORTED, 2026: PARTLY},
}


@pytest.mark.raw
@pytest.mark.parametrize("cid", HAND)
def test_history_on_the_real_data(cid, today):
    history = {y: v for y, v, _ in today[cid].history}
    for year, verdict in HAND[cid].items():
        assert history[year] == verdict, (cid, year)


@pytest.mark.raw
def test_a_change_of_method_is_a_break_and_a_dated_fact_is_true_since_its_day(today):
    methods = {y: m for y, _, m in today["C16"].history}
    assert "aid" not in methods[2025] and "aid" in methods[2026]
    cells = report.cells(today["C16"], [2024, 2025, 2026])
    assert cells == ["S", "S", "|P"]
    assert today["C1"].true_since == "2024-03-07"  # Sweden's accession
    assert today["C9"].true_since == "2022-02-17"
    assert today["C12"].true_since == "2025-06-02"
    for r in today.values():  # no dated fact reads Not supported before it existed
        claim = claims.by_id(r.id)
        if claim.dated_fact and r.true_since:
            before = [v for y, v, _ in r.history if y < int(r.true_since[:4])]
            assert set(before) <= {NJ}, r.id


@pytest.mark.raw
def test_both_verdicts_and_what_changed(today):
    for r in today.values():
        assert r.written and r.written["as_of"] == "2025-06-02", r.id
        assert r.written["verdict"] in (*VERDICTS, NJ), r.id
    # when written: SIPRI's April 2025 release (this copy public 2025-04-30), data to 2024
    c4 = today["C4"]
    assert [e["edition"] for e in c4.written["editions"]] == ["2025-04-28"]
    assert c4.written["year"] == 2024 and c4.year == 2025
    assert [e["edition"] for e in c4.editions] == ["2026-04-27"]
    assert any("replaces the April 2025 release" in s for s in c4.since)
    assert any("on the same years (2024 and before)" in s for s in c4.since)
    # C16's aid came out after the article: not read then
    c16 = today["C16"]
    assert {e["source"] for e in c16.written["editions"]} == {"nato"}
    assert {e["source"] for e in c16.editions} == {"nato", "kiel"}
    assert c16.written["verdict"] == SUPPORTED and c16.verdict == PARTLY


@pytest.mark.raw
def test_robustness_names_the_specifications_that_differ_and_the_knife_edges(today, run):
    for r in today.values():
        if r.kind == base.EMPIRICAL and r.verdict not in (NJ, NOT_TESTABLE):
            rob = r.robustness
            assert rob and rob["of"] >= 3 and 1 <= rob["same"] <= rob["of"], r.id
            assert rob["fragile"] == (rob["same"] < 2 / 3 * rob["of"]), r.id
    c2 = today["C2"].robustness
    assert [d["spec"] for d in c2["differ"]] == ["estimates replaced by each ally's latest outturn"]
    edges = " ".join(c2["knife_edges"])
    assert "Germany's defence burden, 2024 (an estimate)" in edges and "France's" in edges
    c16 = today["C16"].robustness
    assert c16["fragile"] and any("at or below" in d["spec"] for d in c16["differ"])
    assert any(e.startswith("Canada's aid") for e in c16["knife_edges"])
    c4 = today["C4"]
    assert {d["spec"] for d in c4.robustness["differ"]} <= {
        "NATO's figures instead of SIPRI's",
        "Iceland (no armed forces) left out",
        "single years at each end, not three-year means",
    }
    change = next(s for s in c4.stats if s.name.startswith("Change in how far"))
    assert change.lo < change.value < change.hi  # the paired bootstrap over the same allies
    # C6: when written, its ten-year window started 155 days before the B9's founding
    written = claims.evaluate(run, "C6", date(2025, 6, 2), with_history=False)
    assert any("B9 (2015-11-04)" in e for e in written.robustness["knife_edges"])


@pytest.mark.raw
def test_todays_findings_carry_the_figures(today):
    assert today["C1"].figures["nato_members"] == 32
    assert "66 % of allied defence spending in 2024, down from 69 % in 2014" in today["C5"].finding
    c2 = today["C2"]
    # its chart is the share its verdict reads, year by year (NATO's June 2024 tables)
    shares = c2.chart.data.filter(pl.col("year").is_in([2014, 2024])).sort("year")
    assert shares["share_missing_pct"].to_list() == pytest.approx([85.0, 29.3], abs=0.05)
    assert c2.figures["weight_missing_pct"] == pytest.approx(29.3, abs=0.2)
    # the counts are context, like for like (the 27 allies with figures at both ends)
    assert c2.figures["at_or_above_2pct_start_end"] == (3, 19)
    assert c2.figures["at_or_above_20pct_equipment_start_end"][0] < 10
    c4 = today["C4"].figures
    assert c4["rho_start_mean"] - c4["rho_end_mean"] > 0.25
    assert c4["us_ratio_end_mean"] < c4["us_ratio_start_mean"] - 0.1
    # C11's chart: months to leave the pact, no Germany joining NATO in 1955.
    c11 = today["C11"].chart.data
    assert "Germany" not in c11["state"].to_list() and "nato_joined" not in c11.columns
    ddr = c11.filter(pl.col("state") == "German Democratic Republic")["months_to_exit"][0]
    assert ddr == pytest.approx((date(1990, 9, 24) - date(1990, 3, 18)).days / 30.4375)


@pytest.mark.raw
def test_every_statistic_has_an_interval_or_says_why_not(today):
    for r in today.values():
        for s in r.stats:
            has_interval = s.lo is not None and s.hi is not None
            assert has_interval or s.exact, (r.id, s.name)
            if has_interval and s.value is not None:
                assert s.lo <= s.value <= s.hi or s.unit == "", (r.id, s.name)


@pytest.mark.raw
def test_a_rule_that_never_changes_over_the_data_is_labelled_a_fact_check(run, today):
    """An empirical rule must be able to come out either way over the data's history: judged
    with today's editions as if the data ended in each year, it gives two verdicts or more.
    (Its "had it been written in" history can be short: NATO's tables date from June 2024.)"""
    from ledger.claims.evaluate import judge as engine

    for c in claims.all_claims():
        if c.kind != base.EMPIRICAL:
            continue
        verdicts = {
            engine(c, run, TODAY, year_cap=year).verdict
            for year in range(c.first_year, TODAY.year + 1)
        } | {v for _, v, _ in today[c.id].history}  # memberships move with the day, not a cap
        verdicts -= {NJ}
        # "No clear sign" in every year is a finding about power, not a rule that cannot
        # move: tests/test_claims_constructs.py shows C3 coming out both ways on patched data.
        assert len(verdicts) >= 2 or verdicts == {NO_CLEAR_SIGN}, (c.id, verdicts)


@pytest.mark.raw
def test_each_claim_runs_exactly_the_evidence_it_declares(real_con):
    """Wrap `run` and the fact reader, judge each claim with its history and specifications:
    what ran is what the claim declares (the page lists no query that was not used)."""
    from ledger.claims.runner import make_run

    inner = make_run(real_con)
    for c in claims.all_claims():
        ran, read = set(), set()

        def recording_run(name, ran=ran, **params):
            if name != "editions":  # the engine's look-up of what was published when
                ran.add(name)
            return inner(name, **params)

        def recording_facts(name, read=read):
            read.add(name)
            return facts.read(name)

        for year in range(c.first_year, TODAY.year + 1):
            for spec in (None, *c.specs):
                ctx = context(recording_run, date(year, 12, 31), spec)
                ctx.read_facts = recording_facts
                with contextlib.suppress(base.NoEvidence):
                    c.judge(ctx)
        assert ran == set(c.queries), c.id
        assert read == set(c.facts), c.id


@pytest.mark.raw
@pytest.mark.parametrize("as_of", [date(2016, 6, 1), date(2021, 6, 1)])
def test_one_evaluation_date_moves_every_claim_and_reads_nothing_published_later(run, as_of):
    results = claims.evaluate_all(run, as_of, with_history=False)
    by_id = {r.id: r for r in results}
    held = run("editions")
    for r in results:
        assert r.as_of == as_of.isoformat()
        assert r.written is None, r.id  # the article was not written yet
        for e in r.editions:
            assert date.fromisoformat(e["published"]) <= as_of, (r.id, e)
            last = held.filter(
                (pl.col("source") == e["source"])
                & (pl.col("edition") == date.fromisoformat(e["edition"]))
            )["last_year"].max()
            if r.kind == base.EMPIRICAL:  # a measured relation reads the editions' data years
                assert r.year is None or last is None or r.year <= last, (r.id, r.year, e)
        assert r.year is None or r.year <= as_of.year, (r.id, r.year)
    members = 28 if as_of.year == 2016 else 30
    assert f"{members} members on" in by_id["C11"].finding
    assert by_id["C1"].verdict == NJ and f"NATO had {members} members" in by_id["C1"].finding
    assert by_id["C9"].verdict == NJ  # the trilateral dates from 2022
    assert "earliest NATO edition held was published 2024-06-17" in by_id["C5"].finding
    if as_of.year == 2021:  # SIPRI's April 2021 release, this copy public 2021-04-27: data to 2020
        assert by_id["C4"].year == 2020
        assert [e["edition"] for e in by_id["C4"].editions] == ["2021-04-26"]


@pytest.mark.raw
def test_cli_prints_both_verdicts_the_history_and_moves_with_the_date(real_db_path):
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["claims", "--db", str(real_db_path), "--history"])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"^C16\s", shown.output, re.MULTILINE)
    assert "S supported" in shown.output and "had it been written in" in shown.output
    plain = runner.invoke(app, ["claims", "--db", str(real_db_path)])
    assert plain.output.count("verdict when written (2025-06-02") == 16
    assert "robustness: FRAGILE" in plain.output  # C16
    dated = runner.invoke(
        app, ["claims", "--db", str(real_db_path), "--as-of", "2016-06-01", "--format", "json"]
    )
    assert dated.exit_code == 0
    rows = json.loads(dated.output)
    assert len(rows) == 16 and all((r["year"] or 0) <= 2016 for r in rows)
    published = re.findall(r'"published": "(\d{4}-\d\d-\d\d)"', dated.output)
    assert all(p <= "2016-06-01" for p in published)
    table = runner.invoke(app, ["claims", "--db", str(real_db_path), "--format", "csv"])
    assert table.exit_code == 0 and len(table.output.strip().splitlines()) == 17
    assert "verdict_when_written" in table.output.splitlines()[0]
    bad = runner.invoke(app, ["claims", "--db", str(real_db_path), "--as-of", "2016-13-01"])
    assert bad.exit_code == 1 and "--as-of" in bad.output
    early = runner.invoke(app, ["claims", "--db", str(real_db_path), "--as-of", "1949-01-01"])
    assert early.exit_code == 0 and "Traceback" not in early.output


def test_a_second_article_runs_through_the_engine_and_the_cli(real_db_path, monkeypatch):
    from typer.testing import CliRunner

    from cli import app
    from ledger import articles

    monkeypatch.setenv(articles.EXTRA_ENV, str(ROOT / "tests" / "articles"))
    articles.all_articles.cache_clear()
    try:
        brief = articles.get("tiny-brief")
        assert [c.id for c in brief.claims] == ["T1", "T2"]
        assert brief.date == date(2024, 4, 15)
        shown = CliRunner().invoke(
            app,
            ["claims", "--db", str(real_db_path), "--article", "tiny-brief", "--format", "json"],
        )
        assert shown.exit_code == 0, shown.output
        rows = json.loads(shown.output)
        assert [r["id"] for r in rows] == ["T1", "T2"]
        assert rows[0]["written"]["as_of"] == "2024-04-15"
        assert rows[0]["verdict"] == SUPPORTED and rows[1]["robustness"]["of"] == 2
        unknown = CliRunner().invoke(app, ["claims", "--db", str(real_db_path), "--article", "x"])
        assert unknown.exit_code == 2 and "no article 'x'" in unknown.output
    finally:
        monkeypatch.delenv(articles.EXTRA_ENV)
        articles.all_articles.cache_clear()


@pytest.mark.raw
def test_the_audit_document_matches_the_data(run):
    text = (ROOT / "docs" / "CLAIMS.md").read_text(encoding="utf-8")
    as_of = doc.written_as_of(text)
    assert as_of is not None
    assert text == doc.document(claims.evaluate_all(run, as_of), as_of), (
        "docs/CLAIMS.md is stale: python -m ledger.claims.doc --db DB --as-of " + str(as_of)
    )
    for c in claims.all_claims():
        assert f"### {c.id} ·" in text
        for name in c.thresholds:
            assert f"`{name} = " in text, (c.id, name)


# ----------------------------------------------------------------------------- fact tables


def _memberships() -> dict[tuple[str, str], dict]:
    with open(ROOT / "data" / "memberships.csv", encoding="utf-8") as handle:
        return {(r["alliance"], r["iso3"]): r for r in csv.DictReader(handle)}


def test_accession_steps_agree_with_the_membership_table_and_the_review():
    steps = facts.read("accession_steps")
    members = _memberships()
    for r in steps.iter_rows(named=True):
        assert r["source_url"].startswith("https://www.nato.int/"), r["iso3"]
        assert str(r["joined"]) == members[("NATO", r["iso3"])]["joined"], r["iso3"]
        assert r["first_considered"] <= r["invited"] < r["joined"], r["iso3"]
    by = {r["iso3"]: r for r in steps.iter_rows(named=True)}
    # claims-review.md: both applied 2022-05-18; North Macedonia blocked at Bucharest, April 2008
    assert by["FIN"]["first_considered"] == by["SWE"]["first_considered"] == date(2022, 5, 18)
    assert by["MKD"]["first_considered"] == date(2008, 4, 3)
    if REVIEW.is_file():
        review = REVIEW.read_text(encoding="utf-8")
        assert "2022-05-18" in review and "2020-03-27" in review and "April 2008" in review


def test_warsaw_pact_exits_agree_with_the_membership_tables():
    exits = facts.read("warsaw_pact_exits")
    members = _memberships()
    for r in exits.iter_rows(named=True):
        assert r["source_url"].startswith("https://"), r["iso3"]
        assert str(r["left_pact"]) == members[("WARSAW", r["iso3"])]["departed"], r["iso3"]
        assert date(1989, 1, 1) <= r["first_free_election"] <= date(1990, 12, 31), r["iso3"]
    ddr = exits.filter(pl.col("iso3") == "DDR").row(0, named=True)
    assert ddr["territory_in_nato"] == date(1990, 10, 3)  # unification, not 1955
    assert "ALB" not in exits["iso3"].to_list()  # left in 1968 as a communist state


# ----------------------------------------------------------------------------- landing page


@pytest.fixture
def page_db(request, tmp_path_factory, monkeypatch):
    from tests.dashboard_db import dashboard_db

    monkeypatch.setenv("ALLIANCE_DB", str(dashboard_db(request, tmp_path_factory)))


def test_landing_page_shows_findings_verdicts_intervals_and_history(page_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    markdown = [str(m.value) for m in at.markdown]
    headings = [m for m in markdown if m.startswith("##### C")]
    assert [h.split(" ·")[0] for h in headings] == [f"##### C{i}" for i in range(1, 17)]
    assert any(m.startswith("**Of the article's 16 claims") for m in markdown)
    strips = [h.proto.body for h in at.get("html") if "al-strip" in h.proto.body]
    assert sum("Had it been written in" in h for h in strips) == 16
    assert any("95 % interval" in m for m in markdown)
    from app import claimcards

    tally = next(str(m.value) for m in at.markdown if "Today:" in str(m.value))
    written, today = tally.split("  \n")
    assert written.startswith("When the article was written:") and today.startswith("Today:")
    assert sum(claimcards.tally_counts(today).values()) == 16
    assert sum(claimcards.tally_counts(written).values()) == 16
    assert sum("When written (2 June 2025)" in m for m in markdown) == 16
    badges = [b.proto.label for b in at.get("badge")] if at.get("badge") else []
    assert all(label in VERDICTS for label in badges)

    at.text_input(key="as_of").set_value("2016-06-01").run()
    assert not at.exception
    headings = [str(m.value) for m in at.markdown if str(m.value).startswith("##### C")]
    assert "28 members on 1 June 2016" in headings[0]
    # a judged finding reads no later year; one not judged names the first edition held
    assert all("2024" not in h for h in headings if "Not judged" not in h)
    assert any("earliest NATO edition held was published 2024-06-17" in h for h in headings)


def test_a_claim_that_fails_costs_one_card(page_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app import verdicts

    real = claims.by_id

    def broken(ctx):
        raise RuntimeError("evidence query failed\nsecond line not shown")

    def by_id(cid, article=None):
        claim = real(cid, article)
        return dataclasses.replace(claim, judge=broken) if cid == "C5" else claim

    monkeypatch.setattr(claims, "by_id", by_id)
    verdicts.clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180).run()
        assert not at.exception
        headings = [str(m.value) for m in at.markdown if str(m.value).startswith("##### C")]
        assert len(headings) == 15 and not any(h.startswith("##### C5 ") for h in headings)
        warnings = [w.value for w in at.warning if w.value.startswith("Claim ")]
        assert warnings == ["Claim C5 could not be evaluated: evidence query failed"]
    finally:
        verdicts.clear()


def test_context_helpers_pick_the_latest_year_not_after_the_date():
    frame = pl.DataFrame({"year": [2014, 2016, 2024]})
    ctx = context(lambda name, **p: frame, date(2021, 6, 1))
    assert ctx.latest_year(frame) == 2016
    with pytest.raises(base.NoEvidence):
        context(lambda name, **p: frame, date(2010, 1, 1)).latest_year(frame)


def _two_part(*kinds: str, judge=None) -> base.Claim:
    """A claim of parts a, b, ... of the given kinds, judged Partly supported (or by `judge`)."""
    return base.Claim(
        id="X1",
        paragraphs=(1,),
        statement="A test claim.",
        kind=base.EMPIRICAL,
        queries=(),
        rule="A test rule.",
        judge=judge or (lambda ctx: base.Finding(PARTLY, "Partly.", 2024)),
        parts=tuple(base.Part(chr(97 + i), "A part.", k) for i, k in enumerate(kinds)),
    )


def test_parts_the_rule_leaves_get_their_verdict_from_their_kind():
    """Claim.part_verdicts: an untestable part is Not testable; a single part left carries the
    claim's verdict; the rule's own part verdicts stand; two parts left get none."""
    premise = _two_part(base.UNTESTABLE, base.EMPIRICAL)
    assert premise.part_verdicts(PARTLY, {}) == {"a": NOT_TESTABLE, "b": PARTLY}
    assert list(_two_part(base.EMPIRICAL, base.UNTESTABLE).part_verdicts(SUPPORTED, {})) == [
        "a",
        "b",
    ]  # in the declared order
    view = _two_part(base.FACT_CHECK, base.DOCUMENTARY)
    assert view.part_verdicts(SUPPORTED, {"b": NOT_TESTABLE}) == {"a": SUPPORTED, "b": NOT_TESTABLE}
    assert view.part_verdicts(SUPPORTED, {}) == {}  # two left: the rule must name them
    assert _two_part(base.UNTESTABLE, base.UNTESTABLE).part_verdicts(NOT_TESTABLE, {}) == {
        "a": NOT_TESTABLE,
        "b": NOT_TESTABLE,
    }
    assert _two_part().part_verdicts(SUPPORTED, {}) == {}


def test_the_engine_gives_a_judged_findings_parts_their_verdicts_and_a_not_judged_none():
    from ledger.claims.evaluate import judge as engine_judge

    def run(name, **params):
        return pl.DataFrame()

    found = engine_judge(_two_part(base.UNTESTABLE, base.EMPIRICAL), run, date(2025, 1, 1))
    assert found.parts == {"a": NOT_TESTABLE, "b": PARTLY}

    def no_edition(ctx):
        ctx.require("sipri")
        raise AssertionError("judged without an edition")

    unjudged = engine_judge(
        _two_part(base.UNTESTABLE, base.EMPIRICAL, judge=no_edition), run, TODAY
    )
    assert unjudged.verdict == NOT_JUDGED and unjudged.parts == {}


def test_a_fact_check_is_supported_or_not_for_the_year_of_its_day():
    ctx = context(lambda name, **p: pl.DataFrame(), date(2024, 3, 7))
    held = base.Finding.fact_check(ctx, True, "Held.", source="a table")
    assert (held.verdict, held.year, held.source) == (SUPPORTED, 2024, "a table")
    assert base.Finding.fact_check(ctx, False, "Did not.").verdict == NOT_SUPPORTED


def test_a_share_of_totals_is_a_percentage_without_an_interval():
    stat = base.Stat.total_share("US share", 61.5, "us_share_me_pct")
    assert stat == base.Stat(
        "US share",
        61.5,
        unit="%",
        technical="us_share_me_pct",
        exact="a total over all allies: exact",
    )
    assert base.Stat.total_share("UK share", 30.0, over="members").exact == (
        "a total over all members: exact"
    )


@pytest.mark.raw
def test_the_run_adapter_adds_p_values_and_intervals(run):
    """The shared contract: for a statistic X the finished frame carries X_p, X_lo, X_hi."""
    exploit = run("exploitation_test", source="sipri").filter(pl.col("year") == 2014)
    row = exploit.row(0, named=True)
    assert {"rho_p", "rho_lo", "rho_hi", "partial_rho_lo"} <= set(exploit.columns)
    assert row["rho_lo"] < row["rho"] < row["rho_hi"]
    assert (row["rho_lo"], row["rho_hi"]) == stats.spearman_interval(row["rho"], row["n"])
    threat = run("threat_proximity_test")
    assert {"rho_p", "rho_lo", "rho_hi"} <= set(threat.columns)
    slopes = run("free_riding_response").drop_nulls("slope_se")
    assert (slopes["slope_lo"] < slopes["slope"]).all() and (
        slopes["slope"] < slopes["slope_hi"]
    ).all()


def test_bootstrap_intervals_are_those_of_one_draw_at_a_time():
    """The intervals take one numpy call over all draws; they equal a statistic applied draw by
    draw, for numpy's median and mean and for a statistic without an axis argument."""
    import numpy as np

    values = [0.3, -1.2, 2.5, 0.9, 0.1, -0.4, 1.7, 0.0, 3.1, -2.2]
    rng = np.random.default_rng(stats.SEED)
    draws = rng.choice(np.asarray(values), size=(stats.DRAWS, len(values)))
    for statistic in (np.median, np.mean):
        one_by_one = np.apply_along_axis(statistic, 1, draws)
        assert np.array_equal(stats._per_row(statistic, draws), one_by_one)

    def spread(row):  # no axis argument: applied draw by draw
        return float(row.max() - row.min())

    assert np.array_equal(stats._per_row(spread, draws), np.apply_along_axis(spread, 1, draws))
    lo, hi = stats.bootstrap(values)
    expected = np.apply_along_axis(np.median, 1, draws)
    assert (lo, hi) == (float(np.quantile(expected, 0.025)), float(np.quantile(expected, 0.975)))
