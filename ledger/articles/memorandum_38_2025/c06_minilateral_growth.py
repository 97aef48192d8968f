"""C6: more allies pursue minilateral partnerships (paragraphs 11 and 13), judged like for
like: among allies that were members at both ends of the decade, did memberships per ally rise?"""

from __future__ import annotations

from datetime import date

import polars as pl

from core.catalogue import groupings, verdicts
from ledger.claims import base
from ledger.claims.common import members_on
from ledger.words import names, num

DECADE = 10
RISE = base.Threshold(
    0.10,
    "memberships per continuing ally: one new grouping membership for every ten allies, the "
    "least that reads as 'more of its members' rather than one country's choice",
)
WIDER = base.Threshold(
    1,
    "more continuing allies in at least one grouping: 'more of its members' read literally, "
    "so that the same allies joining more groupings counts only as deeper, not wider",
)


MINILATERAL = ("JEF", "B9", "NORDEFCO", "WEIMAR", "UK-PL-UA")
LABELS = {code: groupings.get(code).in_text for code in MINILATERAL}  # how a sentence names it
# A grouping founded this close to the window's start decides whether it counts as new: the
# verdict can flip on the day the window passes its founding (the B9, 2015-11-04).
FOUNDING_EDGE_DAYS = 365


def _groupings(ctx: base.Context, day: date) -> dict[str, set[str]]:
    frame = ctx.query("overlap_multi_members", as_of=day)
    minilateral = set(ctx.opt("groupings", MINILATERAL))
    return {
        r["iso3"]: {g.strip() for g in r["groupings"].split(",")} & minilateral
        for r in frame.iter_rows(named=True)
    }


def _back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _yearly(ctx: base.Context, allies: set[str], start: date, end: date) -> pl.DataFrame:
    """The same continuing allies on the same day of each year from start to end: how many sit
    in at least one minilateral grouping, and memberships per ally (the chart: the two figures
    the rule compares, in between its two ends too)."""
    minilateral = list(ctx.opt("groupings", MINILATERAL))
    spells = ctx.query("spells").filter(
        pl.col("alliance").is_in(minilateral) & pl.col("iso3").is_in(list(allies))
    )
    rows = []
    for year in range(start.year, end.year + 1):
        day = _back(end, end.year - year)
        held = spells.filter(
            (pl.col("joined") <= day) & (pl.col("departed").is_null() | (pl.col("departed") > day))
        )
        rows.append(
            {
                "year": year,
                "day": day,
                "allies_in_a_grouping": held["iso3"].n_unique(),
                "memberships_per_ally": held.height / len(allies),
            }
        )
    return pl.DataFrame(rows)


def judge(ctx: base.Context) -> base.Finding:
    end = ctx.opt("end", None) or ctx.as_of
    if ctx.opt("calendar", False):  # the last full calendar decade before the day
        end = date(ctx.as_of.year - 1, 12, 31)
    start = _back(end, ctx.opt("years", DECADE))
    now = members_on(ctx, "NATO", end)
    allies = set(members_on(ctx, "NATO", start)["iso3"]) & set(now["iso3"])
    if not allies:
        raise base.NoEvidence(f"no state was a NATO member on both {start} and {end}")
    name = dict(zip(now["iso3"], now["country"], strict=True))
    g0, g1 = _groupings(ctx, start), _groupings(ctx, end)
    per0 = sum(len(g0.get(a, set())) for a in allies) / len(allies)
    per1 = sum(len(g1.get(a, set())) for a in allies) / len(allies)
    added = sorted(a for a in allies if len(g1.get(a, set())) > len(g0.get(a, set())))
    new_groupings = sorted(set().union(*g1.values()) - set().union(*g0.values()))
    in_any0 = sum(1 for a in allies if g0.get(a))
    in_any1 = sum(1 for a in allies if g1.get(a))
    rise = per1 - per0
    if in_any1 - in_any0 >= WIDER.value:
        verdict = verdicts.SUPPORTED
    elif rise >= RISE.value:
        verdict = verdicts.PARTLY
    else:
        verdict = verdicts.NOT_SUPPORTED
    sentence = (
        f"Of the {len(allies)} allies in NATO on both {start.isoformat()} and "
        f"{end.isoformat()}, {in_any1} sat in a minilateral grouping at the end against "
        f"{in_any0} at the start; memberships per ally went from {num(per0)} to {num(per1)}, "
        f"{len(added)} allies added one ({names(sorted(name[a] for a in added))})"
        + (
            f", including {names([LABELS.get(g, g) for g in new_groupings])}, new since then."
            if new_groupings
            else "."
        )
    )
    yearly = _yearly(ctx, allies, start, end)
    groupings = ctx.query("groupings").filter(pl.col("code").is_in(list(MINILATERAL)))
    edges = [
        base.Edge(
            f"days between the window's start ({start.isoformat()}) and the founding of the "
            f"{row['code']} ({row['founded']})",
            float((row["founded"] - start).days),
            0,
            FOUNDING_EDGE_DAYS,
            "days",
        )
        for row in groupings.iter_rows(named=True)
        if row["founded"] is not None
    ]
    # The figure that decided comes first and is the chart: more allies in a grouping decides
    # Supported; else memberships per ally decide between Partly and Not supported.
    wider = base.Stat(
        f"Change in continuing allies in at least one minilateral grouping, {start.year}–"
        f"{end.year}",
        in_any1 - in_any0,
        technical="count of allies in NATO at both dates with any of JEF, B9, NORDEFCO, Weimar, "
        f"UK-PL-UA: {in_any0} then, {in_any1} now",
        exact=f"{in_any0} then, {in_any1} now, of {len(allies)} continuing allies: exact",
    )
    deeper = base.Stat(
        f"Change in minilateral memberships per continuing ally, {start.year}–{end.year}",
        rise,
        technical="mean count of JEF, B9, NORDEFCO, Weimar and UK-PL-UA memberships over allies "
        "in NATO at both dates",
        exact=f"from {num(per0)} to {num(per1)} over the same {len(allies)} allies: exact",
    )
    if verdict == verdicts.SUPPORTED:
        chart = base.Chart(
            "line",
            "year",
            "allies_in_a_grouping",
            f"Continuing allies in at least one minilateral grouping (the same {len(allies)})",
            "allies",
            data=yearly.select("year", "day", "allies_in_a_grouping"),
            guides=[(in_any0 + WIDER.value, "one more than at the start")],
        )
    else:
        chart = base.Chart(
            "line",
            "year",
            "memberships_per_ally",
            f"Minilateral memberships per continuing ally (the same {len(allies)})",
            "memberships per ally",
            data=yearly.select("year", "day", "memberships_per_ally"),
            guides=[(per0 + RISE.value, f"start + {RISE.value:g}: a rise that counts")],
        )
    return base.Finding(
        verdict=verdict,
        sentence=sentence,
        year=end.year,
        stats=[wider, deeper] if verdict == verdicts.SUPPORTED else [deeper, wider],
        figures={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "continuing_allies": len(allies),
            "per_ally_start": per0,
            "per_ally_end": per1,
            "allies_adding_a_grouping": added,
            "groupings_founded_in_the_period": new_groupings,
        },
        parts={},
        chart=chart,
        source="data/memberships.csv",
        edges=edges,
        method="memberships",
    )


CLAIM = base.Claim(
    id="C6",
    paragraphs=(11, 13),
    statement="A growing number of NATO members also cooperate in smaller security formats "
    "that sit beside the alliance.",
    kind=base.EMPIRICAL,
    queries=("member_history", "overlap_multi_members", "spells", "groupings"),
    thresholds={"WIDER": WIDER, "RISE": RISE},
    rule="Like for like over the ten years to the evaluation date, among allies that were NATO "
    "members at both ends: Supported when more of them sit in at least one minilateral "
    "grouping at the end than at the start; Partly supported when no more do but memberships "
    "per ally rose by at least 0.10 (the same allies in more groupings); Not supported "
    "otherwise. Enlargement (Finland, Sweden) cannot move the answer.",
    judge=judge,
    specs=(
        base.Spec("nine", "a nine-year window", {"years": 9}),
        base.Spec("eleven", "an eleven-year window", {"years": 11}),
        base.Spec("calendar", "the last full calendar decade", {"calendar": True}),
        *(
            base.Spec(
                f"without-{code.lower()}",
                f"without {LABELS[code]}",
                {"groupings": tuple(g for g in MINILATERAL if g != code)},
            )
            for code in MINILATERAL
        ),
    ),
    explore="alliances",
    changed=(
        "Was: more allies in a grouping than ten years before, a rise that came only from "
        "Finland and Sweden joining NATO. Now: like for like (allies in NATO at both "
        "ends), wider (more allies in a grouping) against deeper (more groupings per "
        "ally)."
    ),
)
