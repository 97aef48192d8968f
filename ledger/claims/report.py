"""Claim results as text: the CLI's lines, the verdict-history table, and the audit table."""

from __future__ import annotations

import json
from dataclasses import asdict

import polars as pl

from ledger.claims.base import NOT_SUPPORTED, NOT_TESTABLE, PARTLY, SUPPORTED
from ledger.claims.evaluate import ClaimResult
from ledger.claims.words import stat

SHORT = {SUPPORTED: "S", PARTLY: "P", NOT_SUPPORTED: "N", NOT_TESTABLE: "–"}
LEGEND = "S supported · P partly supported · N not supported · – not testable · blank: no data"


def paragraphs(result: ClaimResult) -> str:
    p = result.paragraphs
    return f"¶{p[0]}" if len(p) == 1 else "¶" + ", ".join(map(str, p))


def result_lines(results: list[ClaimResult]) -> list[str]:
    lines = []
    for r in results:
        lines.append(f"[bold]{r.id}[/] ({paragraphs(r)}, {r.kind}) {r.statement}")
        lines.append(f"  finding: {r.finding}")
        year = f" ({r.year})" if r.year else ""
        lines.append(f"  verdict{year}: [bold]{r.verdict}[/]")
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
    """One row per claim: id, kind, data year, verdict, finding."""
    return pl.DataFrame(
        [
            {
                "claim": r.id,
                "kind": r.kind,
                "year": r.year,
                "verdict": r.verdict,
                "finding": r.finding,
            }
            for r in results
        ],
        schema={
            "claim": pl.String,
            "kind": pl.String,
            "year": pl.Int64,
            "verdict": pl.String,
            "finding": pl.String,
        },
    )


def history_rows(results: list[ClaimResult]) -> pl.DataFrame:
    """Long form: claim, year, verdict."""
    rows = [{"claim": r.id, "year": y, "verdict": v} for r in results for y, v in r.history]
    return pl.DataFrame(rows, schema={"claim": pl.String, "year": pl.Int64, "verdict": pl.String})


def history_table(results: list[ClaimResult]) -> str:
    """Claim × year grid of one-letter verdicts (the audit table, in plain text)."""
    years = sorted({y for r in results for y, _ in r.history})
    head = "claim " + " ".join(f"{y % 100:02d}" for y in years)
    lines = [f"years {years[0]}–{years[-1]}" if years else "no history", head]
    for r in results:
        got = dict(r.history)
        cells = " ".join(f"{SHORT.get(got[y], '?'):>2}" if y in got else "  " for y in years)
        lines.append(f"{r.id:<5} {cells}")
    lines.append(LEGEND)
    return "\n".join(lines)


def audit_markdown(results: list[ClaimResult]) -> str:
    """docs/CLAIMS.md's audit table: one row per data year, one column per claim."""
    years = sorted({y for r in results for y, _ in r.history})
    got = {r.id: dict(r.history) for r in results}
    out = [
        "| year | " + " | ".join(r.id for r in results) + " |",
        "|---|" + "---|" * len(results),
        "| kind | " + " | ".join(r.kind for r in results) + " |",
    ]
    for y in years:
        cells = [SHORT.get(got[r.id][y], "?") if y in got[r.id] else "" for r in results]
        out.append(f"| {y} | " + " | ".join(cells) + " |")
    out.append("")
    out.append(LEGEND + ".")
    return "\n".join(out)
