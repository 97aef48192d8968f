"""Deterministic scale-up of a built warehouse, for benchmark 4 (queries at scale).

`scale(source, target, factor, axis)` copies the real database and adds factor - 1 clones of
every country: clone r of 'DEU' is 'DEU~r', with all of DEU's rows in every table (SIPRI, NATO,
World Bank, COW, Kiel, the cross-source table, its succession links) and its money, GDP,
population and personnel multiplied by one factor drawn for (r, country) from a seeded random
generator, so that the clones differ (no artificial ties in the rank statistics) while every
ratio the checks look at (ME / GDP against the published share, NATO population against the
World Bank's) stays exactly as in the real data. Shares and per-capita figures are copied.

Two axes, because the indicators' cost depends on which grows:

* axis 'groupings': each clone r also gets clone groupings ('NATO~r', 'JEF~r', ...) with the
  same spells, so there are factor times as many countries and groupings while every grouping
  keeps its real size (NATO ~32 members a year). Work per grouping-year stays the same.
* axis 'members': the clones join the real groupings, so NATO has 32 x factor members a year.
  Statistics over pairs of members (Kendall's tau) are quadratic in that by nature.

Years are not multiplied: NATO's tables cover 2014-2024 and membership runs to today, so more
years would mean inventing a calendar; the per-year work grows like the groupings axis.

Countries named in data/allowlist.csv (Kuwait, Iceland) are not cloned: their exceptions are
documented per country code, and a clone would need an allow-list entry of its own. The result
passes every build check (etl.checks.run_all), which `scale` runs before returning.

    uv run python -m bench.synthetic --db /tmp/perf.duckdb --factor 10 --axis members --out X
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import duckdb
import polars as pl

from etl import checks

SEED = 20240617  # fixed: the same real database always gives the same synthetic one
AXES = ("groupings", "members")
# Tables with country rows: table -> (country key column, select list of the clone rows).
# `t` is the real row, `c` the clone (c.code: new iso3, c.r: clone number, c.f: its factor).
CLONED = {
    "country": (
        "iso3",
        "t.* replace (c.code as iso3, t.name || ' ~' || c.r as name)",
    ),
    "sipri_milex": (
        "iso3",
        "t.* replace (c.code as iso3, t.constant_usd_m * c.f as constant_usd_m, "
        "t.current_usd_m * c.f as current_usd_m, t.local_currency_m * c.f as local_currency_m)",
    ),
    "sipri_missing": ("iso3", "t.* replace (c.code as iso3)"),
    "sipri_country_note": (
        "iso3",
        "t.* replace (c.code as iso3, t.sipri_name || ' ~' || c.r as sipri_name)",
    ),
    "nato_defence": (
        "iso3",
        "t.* replace (c.code as iso3, t.current_ncu_m * c.f as current_ncu_m, "
        "t.constant_ncu_m * c.f as constant_ncu_m, "
        "t.current_usd_m * c.f as current_usd_m, "
        "t.constant_usd_m * c.f as constant_usd_m, "
        "t.gdp_current_usd_m * c.f as gdp_current_usd_m, "
        "t.gdp_constant_usd_m * c.f as gdp_constant_usd_m, "
        "t.personnel_k * c.f as personnel_k)",
    ),
    "nato_real_change": (
        "iso3",
        "t.* replace (c.code as iso3, t.entity || ' ~' || c.r as entity, "
        "t.from_constant_usd_m * c.f as from_constant_usd_m, "
        "t.to_constant_usd_m * c.f as to_constant_usd_m)",
    ),
    "wb_macro": (
        "iso3",
        "t.* replace (c.code as iso3, t.gdp_current_usd * c.f as gdp_current_usd, "
        "t.population * c.f as population)",
    ),
    "wb_country": ("iso3", "t.* replace (c.code as iso3, t.name || ' ~' || c.r as name)"),
    "cow_nmc": (  # COW codes stop at 990, so ccode + 1000 r is new and unique
        "iso3",
        "t.* replace (t.ccode + 1000 * c.r as ccode, t.stateabb || '~' || c.r as stateabb, "
        "c.code as iso3, t.milex_current_kusd * c.f as milex_current_kusd, "
        "t.milper_k * c.f as milper_k, t.irst_kt * c.f as irst_kt, "
        "t.pec_kt_coal_eq * c.f as pec_kt_coal_eq, t.tpop_k * c.f as tpop_k, "
        "t.upop_k * c.f as upop_k)",
    ),
    "kiel_aid_monthly": (
        "iso3",
        "t.* replace (t.donor || ' ~' || c.r as donor, c.code as iso3, "
        "t.total_eur_bn * c.f as total_eur_bn, t.financial_eur_bn * c.f as financial_eur_bn, "
        "t.humanitarian_eur_bn * c.f as humanitarian_eur_bn, "
        "t.military_eur_bn * c.f as military_eur_bn, "
        "t.commitments_eur_bn * c.f as commitments_eur_bn, "
        "t.to_be_allocated_eur_bn * c.f as to_be_allocated_eur_bn, "
        "t.gdp_eur_bn * c.f as gdp_eur_bn)",
    ),
    "kiel_aid_donor": (
        "iso3",
        "t.* replace (t.donor || ' ~' || c.r as donor, c.code as iso3, "
        "t.total_eur_bn * c.f as total_eur_bn, t.military_eur_bn * c.f as military_eur_bn, "
        "t.financial_eur_bn * c.f as financial_eur_bn, "
        "t.humanitarian_eur_bn * c.f as humanitarian_eur_bn, "
        "t.eu_share_eur_bn * c.f as eu_share_eur_bn)",
    ),
    "kiel_heavy_weapons": (
        "iso3",
        "t.* replace (t.donor || ' ~' || c.r as donor, c.code as iso3, "
        "t.value_eur * c.f as value_eur)",
    ),
}
# Tables that measure size: every table with rows per country, grouping or spell.
SIZED = [*CLONED, "membership", "state_succession", "alliance"]


def clone_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every country code any table holds, less the allow-listed ones, sorted."""
    union = " union ".join(f"select {key} from {table}" for table, (key, _) in CLONED.items())
    codes = {r[0] for r in con.execute(union).fetchall() if r[0] is not None}
    codes |= {r[0] for r in con.execute("select iso3 from membership").fetchall()}
    allowlisted = {iso3 for _, iso3, _, _ in checks.allowlist()}
    return sorted(codes - allowlisted)


def clones(codes: list[str], factor: int, seed: int = SEED) -> pl.DataFrame:
    """(iso3, r, code, f) for clones 2..factor, factors in [0.5, 1.5) from a seeded generator."""
    rng = random.Random(seed)
    rows = [
        (iso3, r, f"{iso3}~{r}", rng.uniform(0.5, 1.5))
        for r in range(2, factor + 1)
        for iso3 in codes
    ]
    return pl.DataFrame(
        rows,
        schema={"iso3": pl.Utf8, "r": pl.Int32, "code": pl.Utf8, "f": pl.Float64},
        orient="row",
    )


def rows(con: duckdb.DuckDBPyConnection) -> int:
    """Total rows of the sized tables: the size the growth exponents are measured against."""
    return sum(con.execute(f"select count(*) from {t}").fetchone()[0] for t in SIZED)  # noqa: S608


def scale(
    source: Path, target: Path, factor: int, axis: str, seed: int = SEED, check: bool = True
) -> int:
    """Write `target`: `source` plus factor - 1 clones along `axis`. Returns its size in rows."""
    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}")
    target.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    try:
        if factor > 1:
            _add_clones(con, factor, axis, seed)
        if check:
            checks.run_all(con)  # keys unique, shares in range, coverage, the SQL data tests
        con.execute("checkpoint")
        return rows(con)
    finally:
        con.close()


def _add_clones(con: duckdb.DuckDBPyConnection, factor: int, axis: str, seed: int) -> None:
    clone = clones(clone_codes(con), factor, seed)
    con.register("_clone_frame", clone)
    con.execute("create temp table _clone as select * from _clone_frame")
    con.begin()
    for table, (key, select) in CLONED.items():
        con.execute(
            f"insert into {table} by name select {select} "  # noqa: S608 (own table names)
            f"from {table} t inner join _clone c on c.iso3 = t.{key}"
        )
    con.execute("""
        insert into state_succession by name
        select t.* replace (p.code as predecessor, s.code as successor)
        from state_succession t
        inner join _clone p on p.iso3 = t.predecessor
        inner join _clone s on s.iso3 = t.successor and s.r = p.r
    """)
    if axis == "groupings":
        con.execute(f"""
            insert into alliance by name
            select t.* replace (t.code || '~' || r.r as code, t.name || ' ~' || r.r as name)
            from alliance t cross join range(2, {factor + 1}) r(r)
        """)  # noqa: S608 (an int)
        grouping = "t.alliance || '~' || c.r"
    else:
        grouping = "t.alliance"
    con.execute(f"""
        insert into membership by name
        select t.* replace (c.code as iso3, {grouping} as alliance)
        from membership t inner join _clone c on c.iso3 = t.iso3
    """)  # noqa: S608 (own expression)
    con.commit()
    con.execute("drop table _clone")
    con.unregister("_clone_frame")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a built warehouse")
    parser.add_argument("--factor", type=int, required=True)
    parser.add_argument("--axis", choices=AXES, default="groupings")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    size = scale(args.db, args.out, args.factor, args.axis, args.seed)
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        real = rows(con)
    finally:
        con.close()
    print(f"{args.out}: {size:,} rows, {size / real:.2f} x the real {real:,}")


if __name__ == "__main__":
    main()
