"""The article's claims judged against the data: registry in data/claims.yml, rules here.

Each claim has an `evidence` function that runs indicator queries and returns the figures and
the frame to chart, and a `rule` function that turns those figures into a verdict. Rules are
plain functions of the figures, so a test can flip the evidence and watch the verdict follow;
nothing here needs Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import yaml

from etl import queries, stats

REGISTRY = Path(__file__).resolve().parent.parent / "data" / "claims.yml"

SUPPORTED = "Supported"
PARTLY = "Partly supported"
NOT_SUPPORTED = "Not supported"
NOT_TESTABLE = "Not testable with these data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, NOT_TESTABLE)

ALPHA = 0.05  # significance level of every test-based rule
BALTIC = ("EST", "LTU", "LVA")  # the three Baltic states (C8); "Nordic" is NORDEFCO membership
END_OF_COLD_WAR = date(1991, 12, 26)  # the Soviet Union's dissolution (C7)


@dataclass
class Chart:
    """What to plot: a frame and how (the dashboard's chart builders read this)."""

    kind: str  # 'line', 'bar', 'scatter'
    x: str
    y: str | list[str]
    title: str
    unit: str
    color: str | None = None
    data: pl.DataFrame = field(default_factory=pl.DataFrame)


@dataclass
class Evidence:
    figures: dict[str, Any]
    chart: Chart | None = None
    source: str = ""  # which source and edition the figures come from


@dataclass
class ClaimResult:
    id: str
    paragraphs: list[int]
    statement: str
    rule: str
    verdict: str
    reason: str  # the rule applied to these figures, in one sentence
    figures: dict[str, Any]
    evidence_queries: list[str]
    explore_page: str
    chart: Chart | None
    source: str


@cache
def registry() -> dict[str, Any]:
    return yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- rules: figures -> verdict


def rule_c1(f: dict) -> tuple[str, str]:
    n = f["nato_members"]
    return (
        (SUPPORTED, f"NATO has {n} members.")
        if n == 32
        else (NOT_SUPPORTED, f"NATO has {n} members, not 32.")
    )


def rule_c2(f: dict) -> tuple[str, str]:
    below_2, below_20 = f["n_below_2pct"], f["n_below_20pct_equipment"]
    if below_2 or below_20:
        return SUPPORTED, (
            f"In {f['year']}, {below_2} allies spent under 2 % of GDP and "
            f"{below_20} under 20 % of their budget on major equipment."
        )
    return NOT_SUPPORTED, f"In {f['year']} every ally met both the 2 % and the 20 % guideline."


def _significant(rho: float | None, p: float | None) -> bool:
    return rho is not None and p is not None and p < ALPHA


def rule_c3(f: dict) -> tuple[str, str]:
    rho, p = f["rho_distance_burden"], f["p"]
    if rho is None:
        return NOT_TESTABLE, "Too few allies with both distance and burden."
    text = f"rho = {rho:.2f} (p = {p:.3f}, n = {f['n']}) in {f['year']}"
    if rho < 0 and p < ALPHA:
        return SUPPORTED, f"Allies farther from Moscow carry lighter burdens: {text}."
    if rho < 0:
        return PARTLY, f"The sign fits but is not significant: {text}."
    return NOT_SUPPORTED, f"Allies farther from Moscow do not spend less: {text}."


def rule_c4(f: dict) -> tuple[str, str]:
    us_pays_more = f["us_burden_to_benefit_ratio"] is not None and (
        f["us_burden_to_benefit_ratio"] > 1
    )
    exploitation = _significant(f["rho_gdp_burden"], f["p"]) and f["rho_gdp_burden"] > 0
    text = (
        f"US burden-to-benefit ratio {f['us_burden_to_benefit_ratio']:.2f}; "
        f"Olson-Zeckhauser rho {f['rho_gdp_burden']:.2f} (p = {f['p']:.3f}) in {f['year']}"
    )
    if us_pays_more and exploitation:
        return SUPPORTED, f"Both tests point to easy riding: {text}."
    if us_pays_more or exploitation:
        return PARTLY, f"One of the two tests points to easy riding: {text}."
    return NOT_SUPPORTED, f"Neither test points to easy riding: {text}."


def rule_c5(f: dict) -> tuple[str, str]:
    share = f["us_share_me_pct"]
    if share > 50:
        return SUPPORTED, f"The US paid {share:.1f} % of allied defence spending in {f['year']}."
    return NOT_SUPPORTED, f"The US paid {share:.1f} %, not a majority, in {f['year']}."


def rule_c6(f: dict) -> tuple[str, str]:
    now, then = f["n_nato_in_minilateral"], f["n_nato_in_minilateral_10y_before"]
    text = f"{then} in {f['year'] - 10}, {now} in {f['year']}"
    if now > then:
        return SUPPORTED, f"More allies sit in minilateral groupings: {text}."
    return NOT_SUPPORTED, f"No more allies sit in minilateral groupings: {text}."


def rule_c7(f: dict) -> tuple[str, str]:
    early = f["b9_joined_nato_by_1991"]
    if f["n_b9"] and not early:
        return SUPPORTED, (
            f"All {f['n_b9']} B9 members joined NATO after the Cold War "
            f"({f['b9_first_nato_accession']} at the earliest)."
        )
    return NOT_SUPPORTED, f"Joined NATO before 1992: {', '.join(early) or 'none'}."


def rule_c8(f: dict) -> tuple[str, str]:
    others = f["jef_neither_nordic_nor_baltic"]
    share = f"the UK paid {f['uk_share_of_jef_pct']:.1f} % of JEF defence spending"
    if not others:
        return SUPPORTED, f"Every member but the UK is Nordic or Baltic; {share}."
    return PARTLY, f"Neither Nordic nor Baltic besides the UK: {', '.join(others)}; {share}."


def rule_c9(f: dict) -> tuple[str, str]:
    ok = f["n_members"] > 0 and {"GBR", "POL"} <= set(f["members"]) and f["non_nato_members"]
    if ok:
        return SUPPORTED, (
            f"The grouping has {f['n_members']} members; outside NATO: "
            f"{', '.join(f['non_nato_members'])}."
        )
    return NOT_SUPPORTED, "The grouping has no member outside NATO, or lacks the UK or Poland."


def rule_c10(f: dict) -> tuple[str, str]:
    jef, b9 = f["pct_nato_jef"], f["pct_nato_b9"]
    text = f"NATO members: JEF {jef:.0f} %, B9 {b9:.0f} % in {f['year']}"
    if jef == 100 and b9 == 100:
        return SUPPORTED, f"Every member is an ally: {text}."
    if jef >= 50 and b9 >= 50:
        return PARTLY, f"Most members are allies: {text}."
    return NOT_SUPPORTED, f"Allies are a minority: {text}."


def rule_c11(f: dict) -> tuple[str, str]:
    n, in_nato = f["n_former_non_soviet_states"], f["n_in_nato"]
    text = f"{in_nato} of {n} former non-Soviet Warsaw Pact states (by successor) are in NATO"
    if n and in_nato * 2 > n:
        return SUPPORTED, f"{text}."
    return NOT_SUPPORTED, f"Only {text}."


def rule_c12(f: dict) -> tuple[str, str]:
    return NOT_TESTABLE, (
        f"A policy priority, not a sum: the UK spent {f['uk_burden_latest_pct']:.2f} % of GDP in "
        f"{f['year']} (NATO definition); the figures are shown, no verdict is drawn."
    )


def rule_c13(f: dict) -> tuple[str, str]:
    return NOT_TESTABLE, "None of the loaded sources records US deployments or their legal basis."


# ---------------------------------------------------------------- evidence: queries -> figures


@dataclass
class Context:
    con: duckdb.DuckDBPyConnection
    as_of: date

    def run(self, name: str, **params: Any) -> pl.DataFrame:
        if "as_of" in queries.load(name).params:
            params.setdefault("as_of", self.as_of)
        return queries.run(self.con, name, **params)

    def edition(self, source: str) -> str:
        pattern = {"nato": "nato/%", "sipri": "sipri/%"}.get(source, f"{source}%")
        rows = self.con.execute(
            "select publisher || ', ' || edition from source_file where name like ? limit 1",
            [pattern],
        ).fetchall()
        return rows[0][0] if rows else source


def _latest(frame: pl.DataFrame, column: str = "year") -> pl.DataFrame:
    return frame.filter(pl.col(column) == frame[column].max())


def evidence_c1(ctx: Context) -> Evidence:
    timeline = ctx.run("membership_timeline")
    matrix = ctx.run("overlap_matrix")
    n = int(matrix["nato"].sum())
    founders = timeline.filter(pl.col("year") == 1949)["n_nato_members"]
    return Evidence(
        figures={
            "nato_members": n,
            "as_of": ctx.as_of.isoformat(),
            "founding_members_1949": int(founders[0]) if founders.len() else None,
        },
        chart=Chart(
            "line",
            "year",
            "n_nato_members",
            "NATO members by year",
            "countries",
            data=timeline.select("year", "n_nato_members"),
        ),
        source="data/memberships.csv",
    )


def evidence_c2(ctx: Context) -> Evidence:
    counts = ctx.run("guideline_counts", source="nato").filter(pl.col("n_allies_with_data") > 0)
    latest = _latest(counts).row(0, named=True)
    # Capability, not just money: each ally's share of the alliance's equipment stock (perpetual
    # inventory of major-equipment spending since 2014) against its share of GDP.
    stock = ctx.run("equipment_investment").filter(pl.col("year") == latest["year"])
    stock = stock.filter(pl.col("stock_to_gdp_share_ratio").is_not_null())
    thin = stock.filter(pl.col("stock_to_gdp_share_ratio") < 1).sort("stock_to_gdp_share_ratio")
    return Evidence(
        figures={
            "year": latest["year"],
            "is_estimate": latest["any_estimate"],
            "n_allies_with_data": latest["n_allies_with_data"],
            "n_below_2pct": latest["n_below_2pct"],
            "n_below_20pct_equipment": latest["n_below_20pct_equipment"],
            "allies_below_2pct": latest["allies_below_2pct"],
            "allies_below_20pct_equipment": latest["allies_below_20pct_equipment"],
            "n_allies_equipment_stock_share_below_gdp_share": thin.height,
            "lowest_equipment_stock_to_gdp_share": (
                f"{thin['iso3'][0]} {thin['stock_to_gdp_share_ratio'][0]:.2f}"
                if thin.height
                else None
            ),
        },
        chart=Chart(
            "line",
            "year",
            ["n_at_or_above_2pct", "n_at_or_above_20pct_equipment"],
            "Allies meeting NATO's guidelines",
            "allies",
            data=counts.select("year", "n_at_or_above_2pct", "n_at_or_above_20pct_equipment"),
        ),
        source=ctx.edition("nato"),
    )


def evidence_c3(ctx: Context) -> Evidence:
    tests = ctx.run("threat_proximity_test", source="nato").filter(pl.col("rho").is_not_null())
    latest = _latest(tests).row(0, named=True)
    sipri = ctx.run("threat_proximity_test", source="sipri")

    def median(year: int) -> float | None:
        hit = sipri.filter(pl.col("year") == year)["median_burden_pct"]
        return hit[0] if hit.len() else None

    points = ctx.run("threat_proximity", source="nato", year=latest["year"])
    return Evidence(
        figures={
            "year": latest["year"],
            "n": latest["n"],
            "rho_distance_burden": latest["rho"],
            "p": stats.spearman_p(latest["rho"], latest["n"]),
            "median_european_burden_1990_pct_sipri": median(1990),
            "median_european_burden_2014_pct_sipri": median(2014),
            "median_european_burden_latest_pct_sipri": median(int(sipri["year"].max())),
        },
        chart=Chart(
            "scatter",
            "distance_to_moscow_km",
            "burden_pct",
            f"Distance to Moscow and defence burden, {latest['year']}",
            "% of GDP",
            color="borders_russia_or_belarus",
            data=points.select(
                "country", "distance_to_moscow_km", "burden_pct", "borders_russia_or_belarus"
            ),
        ),
        source=ctx.edition("nato") + "; medians: " + ctx.edition("sipri"),
    )


def evidence_c4(ctx: Context) -> Evidence:
    share = ctx.run("us_share").filter(pl.col("source") == "nato")
    exploit = stats.with_p_values(ctx.run("exploitation_test", source="nato"))
    exploit = exploit.filter(pl.col("rho").is_not_null())
    year = int(min(share["year"].max(), exploit["year"].max()))
    s = share.filter(pl.col("year") == year).row(0, named=True)
    e = exploit.filter(pl.col("year") == year).row(0, named=True)
    broader = ctx.run("security_burden_test").filter(pl.col("year") == year)
    b = broader.row(0, named=True) if broader.height else {}
    concord = stats.with_p_values(ctx.run("concordance_test", source="nato"))
    c = concord.filter((pl.col("year") == year) & (pl.col("variant") == concord["variant"][0]))
    return Evidence(
        figures={
            "year": year,
            "us_burden_to_benefit_ratio": s["us_burden_to_benefit_ratio"],
            "us_share_me_pct": s["us_share_me_pct"],
            "us_share_gdp_pct": s["us_share_gdp_pct"],
            "rho_gdp_burden": e["rho"],
            "p": e["rho_p"],
            "n": e["n"],
            "kendall_tau_b": e["tau_b"],
            "partial_rho": e["partial_rho"],
            "wilcoxon_w_plus": c["w_plus"][0] if c.height else None,
            "wilcoxon_p": c["p"][0] if c.height else None,
            # Sandler & Shimizu's broader burden: defence plus aid to Ukraine (Kiel tracker).
            "rho_gdp_broader_burden": b.get("rho_broader"),
            "p_broader": stats.spearman_p(b.get("rho_broader"), b.get("n")),
            "n_broader": b.get("n"),
        },
        chart=Chart(
            "line",
            "year",
            "rho",
            "Olson-Zeckhauser rho(GDP, burden) by year",
            "Spearman rho",
            data=exploit.select("year", "rho", "rho_p"),
        ),
        source=ctx.edition("nato"),
    )


def evidence_c5(ctx: Context) -> Evidence:
    share = ctx.run("us_share")
    nato = share.filter(pl.col("source") == "nato").filter(pl.col("us_share_me_pct").is_not_null())
    latest = _latest(nato).row(0, named=True)
    first = nato.filter(pl.col("year") == nato["year"].min()).row(0, named=True)
    sipri = share.filter(pl.col("source") == "sipri").filter(
        pl.col("us_share_me_pct").is_not_null()
    )
    s_latest = _latest(sipri).row(0, named=True) if sipri.height else {}
    return Evidence(
        figures={
            "year": latest["year"],
            "us_share_me_pct": latest["us_share_me_pct"],
            "us_share_gdp_pct": latest["us_share_gdp_pct"],
            "first_year": first["year"],
            "us_share_me_pct_first_year": first["us_share_me_pct"],
            "us_share_me_pct_sipri_latest": s_latest.get("us_share_me_pct"),
            "sipri_latest_year": s_latest.get("year"),
        },
        chart=Chart(
            "line",
            "year",
            "us_share_me_pct",
            "US share of allied defence spending",
            "percent",
            color="source",
            data=share.filter(pl.col("year") >= 1990).select("source", "year", "us_share_me_pct"),
        ),
        source=ctx.edition("nato") + "; " + ctx.edition("sipri"),
    )


def evidence_c6(ctx: Context) -> Evidence:
    timeline = ctx.run("membership_timeline").filter(pl.col("year") <= ctx.as_of.year)
    year = ctx.as_of.year

    def count(y: int) -> int:
        hit = timeline.filter(pl.col("year") == y)["n_nato_in_minilateral"]
        return int(hit[0]) if hit.len() else 0

    return Evidence(
        figures={
            "year": year,
            "n_nato_in_minilateral": count(year),
            "n_nato_in_minilateral_10y_before": count(year - 10),
        },
        chart=Chart(
            "line",
            "year",
            ["n_nato_members", "n_nato_in_minilateral"],
            "NATO members and those also in a minilateral grouping",
            "countries",
            data=timeline.filter(pl.col("year") >= 1990).select(
                "year", "n_nato_members", "n_nato_in_minilateral"
            ),
        ),
        source="data/memberships.csv",
    )


def _current(history: pl.DataFrame) -> pl.DataFrame:
    return history.filter(pl.col("is_current_member") & (pl.col("relation") == "member"))


def evidence_c7(ctx: Context) -> Evidence:
    b9 = _current(ctx.run("member_history", alliance="B9"))
    early = b9.filter(pl.col("nato_joined").is_null() | (pl.col("nato_joined") <= END_OF_COLD_WAR))[
        "iso3"
    ].to_list()
    return Evidence(
        figures={
            "n_b9": b9.height,
            "b9_joined_nato_by_1991": early,
            "b9_first_nato_accession": str(b9["nato_joined"].min()),
            "b9_former_soviet_bloc": int(b9["soviet_bloc_or_successor"].sum()),
        },
        chart=Chart(
            "bar",
            "country",
            "nato_joined",
            "B9 members' NATO accession",
            "date",
            data=b9.select("country", "nato_joined").sort("nato_joined"),
        ),
        source="data/memberships.csv",
    )


def evidence_c8(ctx: Context) -> Evidence:
    jef = _current(ctx.run("member_history", alliance="JEF"))
    others = jef.filter(
        ~pl.col("in_nordefco_on_date") & ~pl.col("iso3").is_in(BALTIC) & (pl.col("iso3") != "GBR")
    )["iso3"].to_list()
    shares = ctx.run("burden_sharing", alliance="JEF", source="nato")
    shares = _latest(shares.filter(pl.col("burden_share_pct").is_not_null()))
    uk = shares.filter(pl.col("iso3") == "GBR")["burden_share_pct"]
    return Evidence(
        figures={
            "n_jef": jef.height,
            "jef_neither_nordic_nor_baltic": others,
            "uk_share_of_jef_pct": uk[0] if uk.len() else None,
            "year": shares["year"][0] if shares.height else None,
        },
        chart=Chart(
            "bar",
            "country",
            "burden_share_pct",
            "Shares of JEF defence spending",
            "percent",
            data=shares.select("country", "burden_share_pct", "gdp_share_pct").sort(
                "burden_share_pct"
            ),
        ),
        source=ctx.edition("nato"),
    )


def evidence_c9(ctx: Context) -> Evidence:
    members = _current(ctx.run("member_history", alliance="UK-PL-UA"))
    outside = members.filter(~pl.col("in_nato_on_date"))["iso3"].to_list()
    return Evidence(
        figures={
            "n_members": members.height,
            "members": members["iso3"].to_list(),
            "non_nato_members": outside,
        },
        chart=Chart(
            "bar",
            "country",
            "in_nato_on_date",
            "UK-Poland-Ukraine: who is in NATO",
            "member (1) or not (0)",
            data=members.select("country", pl.col("in_nato_on_date").cast(pl.Int8)),
        ),
        source="data/memberships.csv",
    )


def evidence_c10(ctx: Context) -> Evidence:
    share = ctx.run("overlap_minilateral_nato_share").filter(pl.col("year") <= ctx.as_of.year)
    year = ctx.as_of.year

    def pct(code: str) -> float:
        hit = share.filter((pl.col("alliance") == code) & (pl.col("year") == year))
        return float(hit["pct_nato_members"][0]) if hit.height else 0.0

    return Evidence(
        figures={"year": year, "pct_nato_jef": pct("JEF"), "pct_nato_b9": pct("B9")},
        chart=Chart(
            "line",
            "year",
            "pct_nato_members",
            "Share of each grouping's members in NATO",
            "percent",
            color="alliance",
            data=share.filter(pl.col("year") >= 2009).select(
                "alliance", "year", "pct_nato_members"
            ),
        ),
        source="data/memberships.csv",
    )


def evidence_c11(ctx: Context) -> Evidence:
    history = ctx.run("member_history", alliance="WARSAW")
    states = history.filter(~pl.col("soviet_union_or_republic") & ~pl.col("is_historical_state"))
    return Evidence(
        figures={
            "n_former_non_soviet_states": states.height,
            "n_in_nato": int(states["in_nato_on_date"].sum()),
            "states": states["iso3"].to_list(),
        },
        chart=Chart(
            "bar",
            "country",
            "nato_joined",
            "Former Warsaw Pact states (by successor): NATO accession",
            "date",
            data=states.select("country", "nato_joined").sort("nato_joined"),
        ),
        source="data/memberships.csv",
    )


def evidence_c12(ctx: Context) -> Evidence:
    burden = ctx.run("burden", source="nato", alliance="NATO").filter(pl.col("iso3") == "GBR")
    latest = _latest(burden.filter(pl.col("burden_pct").is_not_null())).row(0, named=True)
    europe = ctx.run(
        "burden_sharing", alliance="NATO_EUROPE_CANADA", source="nato", year=latest["year"]
    )
    uk = europe.filter(pl.col("iso3") == "GBR")["burden_share_pct"]
    return Evidence(
        figures={
            "year": latest["year"],
            "uk_burden_latest_pct": latest["burden_pct"],
            "uk_burden_2014_pct": burden.filter(pl.col("year") == 2014)["burden_pct"][0],
            "uk_share_of_nato_europe_canada_pct": uk[0] if uk.len() else None,
            "years_at_or_above_2pct": int((burden["burden_pct"] >= 2).sum()),
            "years_at_or_above_2_5pct": int((burden["burden_pct"] >= 2.5).sum()),
            "years_at_or_above_3_5pct": int((burden["burden_pct"] >= 3.5).sum()),
        },
        chart=Chart(
            "line",
            "year",
            "burden_pct",
            "UK defence burden (NATO definition)",
            "% of GDP",
            data=burden.select("year", "burden_pct", "is_estimate"),
        ),
        source=ctx.edition("nato"),
    )


def evidence_c13(ctx: Context) -> Evidence:
    return Evidence(figures={}, source="no loaded source")


EVIDENCE: dict[str, Callable[[Context], Evidence]] = {
    f"C{i}": globals()[f"evidence_c{i}"] for i in range(1, 14)
}
RULES: dict[str, Callable[[dict], tuple[str, str]]] = {
    f"C{i}": globals()[f"rule_c{i}"] for i in range(1, 14)
}


def evaluate(
    con: duckdb.DuckDBPyConnection, claim_id: str, as_of: date | None = None
) -> ClaimResult:
    entry = next(c for c in registry()["claims"] if c["id"] == claim_id)
    evidence = EVIDENCE[claim_id](Context(con, as_of or date.today()))
    verdict, reason = RULES[claim_id](evidence.figures)
    return ClaimResult(
        id=claim_id,
        paragraphs=entry["paragraphs"],
        statement=" ".join(entry["statement"].split()),
        rule=" ".join(entry["rule"].split()),
        verdict=verdict,
        reason=reason,
        figures=evidence.figures,
        evidence_queries=entry["evidence"],
        explore_page=entry["explore"],
        chart=evidence.chart,
        source=evidence.source,
    )


def evaluate_all(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> list[ClaimResult]:
    return [evaluate(con, c["id"], as_of) for c in registry()["claims"]]
