"""Claim results as text: the CLI's lines, the verdict-history table, and the audit table."""

from __future__ import annotations

import json
from dataclasses import asdict

import polars as pl

from core.catalogue.verdicts import NOT_JUDGED, VERDICTS
from ledger.claims.evaluate import ClaimResult
from ledger.words import stat

SHORT = {label: v.letter for label, v in VERDICTS.items()}
LEGEND = (
    "S supported · P partly supported · ? no clear sign · N not supported · – not testable · "
    "· not judged (no "
    "edition published by then, or a dated fact not yet true) · | a change of method"
)


def firmness(r: ClaimResult | dict) -> str:
    """'same verdict in 4 of 5 specifications (differs: ...); knife edge: ...', or ''."""
    rob = r.get("robustness") if isinstance(r, dict) else r.robustness
    if not rob:
        return ""
    text = f"the same verdict in {rob['same']} of {rob['of']} specifications"
    if rob["fragile"]:
        text = "FRAGILE: " + text
    if rob["differ"]:
        text += "; differs with " + "; ".join(
            f"{d['spec']} ({d['verdict']})" for d in rob["differ"]
        )
    if rob["knife_edges"]:
        text += "; knife edge: " + "; ".join(rob["knife_edges"])
    return text


def editions_text(editions: list[dict[str, str]]) -> str:
    return "; ".join(e["text"] for e in editions) or "the project's own dated facts"


def paragraphs(result: ClaimResult) -> str:
    p = result.paragraphs
    return f"¶{p[0]}" if len(p) == 1 else "¶" + ", ".join(map(str, p))


def result_lines(results: list[ClaimResult]) -> list[str]:
    lines = []
    for r in results:
        lines.append(f"[bold]{r.id}[/] ({paragraphs(r)}, {r.kind}) {r.statement}")
        lines.append(f"  finding: {r.finding}")
        year = f", data to {r.year}" if r.year else ""
        lines.append(f"  verdict now ({r.as_of}{year}): [bold]{r.verdict}[/]")
        if r.written:
            w = r.written
            wy = f", data to {w['year']}" if w.get("year") else ""
            lines.append(f"  verdict when written ({w['as_of']}{wy}): [bold]{w['verdict']}[/]")
            if w["verdict"] != r.verdict or w["finding"] != r.finding:
                lines.append(f"    then: {w['finding']}")
        if r.true_since:
            lines.append(f"  true since {r.true_since}")
        if firm := firmness(r):
            lines.append(f"  robustness: {firm}")
        lines.append(f"  editions: {editions_text(r.editions)}")
        for note in r.context_notes:
            lines.append(f"  left out: {note}")
        for change in r.since:
            lines.append(f"  since the article: {change}")
        for part in r.parts:
            lines.append(
                f"    ({part['label']}) {part['statement']} [{part['kind']}] "
                f"{part['verdict'] or ''}".rstrip()
            )
        for s in r.stats:
            lines.append(f"    {s.name}: {stat(s)}")
        lines.append(f"  rule: {r.rule}")
        lines.append(f"  evidence: {', '.join(r.evidence_queries + r.evidence_facts) or 'none'}")
        lines.append("")
    return lines


def result_json(results: list[ClaimResult]) -> str:
    rows = []
    for r in results:
        d = asdict(r)
        d.pop("chart", None)
        rows.append(d)
    return json.dumps(rows, default=str, indent=1)


def summary_rows(results: list[ClaimResult]) -> pl.DataFrame:
    """One row per claim: id, kind, both verdicts, robustness, data year, finding."""
    return pl.DataFrame(
        [
            {
                "claim": r.id,
                "kind": r.kind,
                "verdict_when_written": r.written["verdict"] if r.written else r.verdict,
                "verdict_now": r.verdict,
                "robustness": firmness(r),
                "year": r.year,
                "finding": r.finding,
                "editions": editions_text(r.editions),
            }
            for r in results
        ],
        schema={
            "claim": pl.String,
            "kind": pl.String,
            "verdict_when_written": pl.String,
            "verdict_now": pl.String,
            "robustness": pl.String,
            "year": pl.Int64,
            "finding": pl.String,
            "editions": pl.String,
        },
    )


def history_rows(results: list[ClaimResult]) -> pl.DataFrame:
    """Long form: claim, year (had the article been written then), verdict, method."""
    rows = [
        {"claim": r.id, "year": y, "verdict": v, "method": m}
        for r in results
        for y, v, m in r.history
    ]
    return pl.DataFrame(
        rows,
        schema={"claim": pl.String, "year": pl.Int64, "verdict": pl.String, "method": pl.String},
    )


def cells(r: ClaimResult, years: list[int]) -> list[str]:
    """One letter per year, '|' before a year whose method differs from the year before."""
    got = {y: (v, m) for y, v, m in r.history}
    out, method = [], None
    for y in years:
        if y not in got:
            out.append("")
            continue
        v, m = got[y]
        judged = v != NOT_JUDGED  # a year with no verdict has no method to change from
        mark = "|" if judged and method is not None and m != method else ""
        method = m if judged else method
        out.append(mark + SHORT.get(v, "?"))
    return out


def history_table(results: list[ClaimResult]) -> str:
    """Claim × year grid of one-letter verdicts (the audit table, in plain text): each year as
    the claim would have read had the article been written then."""
    years = sorted({y for r in results for y, _, _ in r.history})
    head = "claim " + " ".join(f"{y % 100:>3d}" for y in years)
    lines = [f"had it been written in {years[0]}–{years[-1]}" if years else "no history", head]
    for r in results:
        lines.append(f"{r.id:<5} " + " ".join(f"{c:>3}" for c in cells(r, years)))
    lines.append(LEGEND)
    return "\n".join(lines)


def audit_markdown(results: list[ClaimResult]) -> str:
    """docs/CLAIMS.md's audit table: one row per year (had the article been written then), one
    column per claim."""
    years = sorted({y for r in results for y, _, _ in r.history})
    grid = {r.id: dict(zip(years, cells(r, years), strict=True)) for r in results}
    out = [
        "| had it been written in | " + " | ".join(r.id for r in results) + " |",
        "|---|" + "---|" * len(results),
        "| kind | " + " | ".join(r.kind for r in results) + " |",
    ]
    for y in years:
        out.append(f"| {y} | " + " | ".join(grid[r.id][y] for r in results) + " |")
    out.append("")
    out.append(LEGEND + ".")
    return "\n".join(out)
