"""C5: NATO's worth rests on US participation (the reader's comment, paragraph 21), tested as
"the US pays more than all other allies together"; the posture shift of paragraph 7 is future."""

from __future__ import annotations

import polars as pl

from core.catalogue import sources, verdicts
from ledger.claims import base
from ledger.words import pct

MAJORITY = base.Threshold(
    50, "more than all other allies together: the plainest reading of 'rests on'"
)
BASE_YEAR = 2014


def judge(ctx: base.Context) -> base.Finding:
    ctx.require("nato", "sipri")
    share = ctx.query("us_share").filter(pl.col("us_share_me_pct").is_not_null())
    nato = share.filter(pl.col("source") == "nato")
    sipri = ctx.upto(share.filter(pl.col("source") == "sipri"))
    year = ctx.latest_year(nato)

    def at(frame: pl.DataFrame, y: int) -> float | None:
        hit = frame.filter(pl.col("year") == y)["us_share_me_pct"]
        return float(hit[0]) if hit.len() else None

    now, then = at(nato, year), at(nato, BASE_YEAR)
    s_year = int(sipri["year"].max()) if sipri.height else None
    s_now = at(sipri, s_year) if s_year else None
    both = now is not None and now > MAJORITY.value and (s_now is None or s_now > MAJORITY.value)
    verdict = verdicts.SUPPORTED if both else verdicts.NOT_SUPPORTED
    sentence = f"The United States paid {pct(now, 0)} of allied defence spending in {year}"
    if then is not None and year > BASE_YEAR:
        sentence += f", {'down' if now < then else 'up'} from {pct(then, 0)} in {BASE_YEAR}"
    sentence += f" (NATO figures; SIPRI {pct(s_now, 0)} in {s_year})." if s_now else "."
    shown = [
        base.Stat.total_share(
            f"US share of allied defence spending, {year}",
            now,
            "us_share_me_pct, NATO definition, current US$",
        ),
        base.Stat.total_share(
            f"The same on SIPRI's figures, {s_year}", s_now, "us_share_me_pct, SIPRI"
        ),
    ]
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=year,
        stats=shown,
        figures={"year": year, "us_share_nato_pct": now, f"us_share_{BASE_YEAR}_pct": then},
        chart=base.Chart(
            "line",
            "year",
            "us_share_me_pct",
            "US share of allied defence spending",
            "% of allied defence spending",
            color="source",
            guides=[(MAJORITY.value, "half: more than all other allies together")],
            data=ctx.upto(share.filter(pl.col("year") >= 1990)).select(
                "source", "year", "us_share_me_pct"
            ),
        ),
        source=f"{sources.short('nato')}; {sources.short('sipri')}",
    )


CLAIM = base.Claim(
    id="C5",
    paragraphs=(7, 21),
    statement="A reader's comment holds that NATO's value depends on the US taking part; the "
    "article itself warns that US worries could reshape American force posture.",
    kind=base.FACT_CHECK,
    attribution="a reader's comment (paragraph 21); paragraph 7 is the author's",
    parts=(
        base.Part(
            "a", "The US may restructure its force posture (the author; future).", base.UNTESTABLE
        ),
        base.Part(
            "b",
            "NATO rests on the US: the US pays more than all other allies together (the reader).",
            base.FACT_CHECK,
        ),
    ),
    queries=("us_share",),
    thresholds={"MAJORITY": MAJORITY},
    rule="Part (b): Supported when the US pays more than half of allied defence spending in the "
    "latest year on NATO's figures and on SIPRI's; otherwise Not supported. Labelled a fact "
    "check: it held in every year of the history. Spending is not the only measure: RAND's "
    "2024 burden-sharing index (Mallory et al.) puts the US at about 47 % of the total burden. "
    "Part (a) is about the future: not testable.",
    judge=judge,
    explore="free_riding",
    changed=(
        "Was: attributed to the author. Now: the dependence claim is the reader's comment "
        "(paragraph 21), tested on both sources; the posture shift of paragraph 7 is "
        "labelled future, not testable; kind fact check (it held in every year)."
    ),
)
