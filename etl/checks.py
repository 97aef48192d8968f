"""Checks a freshly built database must pass before it is published.

Each failure becomes one EtlError naming the file (and sheet) the offending figure came from,
the row (country and year, as printed in that file) and what is wrong. A failing check aborts
the build, so the previously published database stays served.
"""

from __future__ import annotations

import csv
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

import duckdb

from core.errors import EtlError
from etl.sources import cow, kiel, nato, sipri, worldbank

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "data" / "allowlist.csv"
CHECKS = ROOT / "queries" / "checks"

# Where each published column comes from, so a message can name the file and sheet.
ORIGIN = {
    "sipri_milex": (
        sipri.SOURCE.patterns[0],
        {
            "constant_usd_m": "Constant (YYYY) US$",
            "current_usd_m": "Current US$",
            "share_gdp_pct": "Share of GDP",
            "per_capita_current_usd": "Per capita",
            "share_govt_pct": "Share of Govt. spending",
            "local_currency_m": "Local currency calendar years",
        },
    ),
    "nato_defence": (
        nato.SOURCE.patterns[0],
        {
            "current_ncu_m": "TABLE1",
            "constant_ncu_m": "TABLE1",
            "current_usd_m": "TABLE2",
            "constant_usd_m": "TABLE2",
            "share_gdp_pct": "TABLE3",
            "real_change_pct": "TABLE3",
            "gdp_current_usd_m": "TABLE5",
            "gdp_constant_usd_m": "TABLE5",
            "gdp_per_capita_constant_kusd": "TABLE6",
            "per_capita_constant_usd": "TABLE6",
            "personnel_k": "TABLE7",
            "equipment_share_pct": "TABLE8a",
            "personnel_share_pct": "TABLE8a",
            "infrastructure_share_pct": "TABLE8b",
            "other_share_pct": "TABLE8b",
        },
    ),
    "nato_aggregate": (nato.SOURCE.patterns[0], {}),
    "wb_macro": (
        worldbank.SOURCE.patterns[0],
        {
            "gdp_current_usd": "API_NY.GDP.MKTP.CD",
            "population": "API_SP.POP.TOTL",
            "milex_share_gdp_pct": "API_MS.MIL.XPND.GD.ZS",
        },
    ),
    "cow_nmc": (cow.SOURCE.patterns[0], {}),
    "kiel_aid_monthly": (kiel.glob("monthly"), {}),
    "kiel_aid_donor": (kiel.glob("monthly"), {}),
    "membership": ("data/memberships.csv", {}),
}

# defence_panel.source -> the table (and so the file) its figures come from.
PANEL_SOURCES = {"nato": "nato_defence", "sipri": "sipri_milex"}
# Shares that must lie in 0-100 (changes and growth rates may be negative or above 100).
SHARE_COLUMNS = {
    "sipri_milex": ["share_gdp_pct", "share_govt_pct"],
    "nato_defence": [
        "share_gdp_pct",
        "equipment_share_pct",
        "personnel_share_pct",
        "infrastructure_share_pct",
        "other_share_pct",
    ],
    "nato_aggregate": [
        "share_gdp_pct",
        "equipment_share_pct",
        "personnel_share_pct",
        "infrastructure_share_pct",
        "other_share_pct",
    ],
    "wb_macro": ["milex_share_gdp_pct"],
}
# Amounts that cannot be negative.
NON_NEGATIVE = {
    "sipri_milex": ["constant_usd_m", "current_usd_m", "per_capita_current_usd"],
    "nato_defence": [
        "current_usd_m",
        "constant_usd_m",
        "gdp_current_usd_m",
        "personnel_k",
        "per_capita_constant_usd",
    ],
    "wb_macro": ["gdp_current_usd", "population"],
    "cow_nmc": ["milex_current_kusd", "milper_k", "tpop_k"],
}
# Tables holding several editions side by side -> the `edition` table's source.
EDITIONED = {"sipri_milex": "sipri", "nato_defence": "nato", "nato_aggregate": "nato"}
# Country-year tables whose latest year must hold every current NATO member.
COVERAGE = {
    "sipri_milex": "current_usd_m",  # Iceland: 0 US$ but '...' as a share of GDP
    "nato_defence": "share_gdp_pct",
    "wb_macro": "gdp_current_usd",
}


def allowlist() -> set[tuple[str, str, str, str, str]]:
    """(table, iso3, year or '*', column, edition or '*'): an empty edition allows every one."""
    with ALLOWLIST.open(encoding="utf-8", newline="") as f:
        return {
            (r["table"], r["iso3"], r["year"], r["column"], r["edition"] or "*")
            for r in csv.DictReader(f)
        }


def _allowed(table: str, iso3: str, year: object, column: str, edition: object = None) -> bool:
    allowed = allowlist()
    return any(
        (table, iso3, y, column, e) in allowed
        for y in (str(year), "*")
        for e in ({str(edition), "*"} if edition is not None else {"*"})
    )


_loaded: list[str] = []  # names in source_file, so a message names the real file, not a glob


def _where(table: str, column: str, file: str | None = None) -> dict[str, str]:
    """The file (and sheet) a column of a table came from; `file` when the row's edition names
    it (several releases of one source sit side by side)."""
    pattern, sheets = ORIGIN.get(table, (table, {}))
    sheet = sheets.get(column, "")
    file = file or next(
        (n for n in _loaded if fnmatch(n, pattern) and sheet.split(".")[0] in n), None
    )
    file = file or next((n for n in _loaded if fnmatch(n, pattern)), pattern)
    return (
        {"file": file, "sheet": sheet} if sheet and not sheet.startswith("API_") else {"file": file}
    )


def check_ranges(con: duckdb.DuckDBPyConnection) -> None:
    this_year = date.today().year
    for table, columns in SHARE_COLUMNS.items():
        key = "aggregate" if table == "nato_aggregate" else "iso3"
        source = EDITIONED.get(table)
        for column in columns:
            # Tables holding several editions name the edition, so the message names its file.
            edition = "t.edition, e.file" if source else "null, null"
            rows = con.execute(
                f"select t.{key}, t.year, t.{column}, {edition} from {table} as t "  # noqa: S608
                + (
                    "left join edition as e on e.source = $source and e.edition = t.edition "
                    if source
                    else ""
                )
                + f"where t.{column} < 0 or t.{column} > 100 order by 1, 2",
                {"source": source} if source else {},
            ).fetchall()
            for who, year, value, released, file in rows:
                if not _allowed(table, who, year, column, released):
                    raise EtlError(
                        f"share of {value:g} % is outside 0-100 (not in data/allowlist.csv)",
                        row=f"{who} {year}",
                        column=column,
                        **_where(table, column, file),
                    )
    for table, columns in NON_NEGATIVE.items():
        for column in columns:
            rows = con.execute(
                f"select iso3, year, {column} from {table} where {column} < 0 limit 1"  # noqa: S608
            ).fetchall()
            for who, year, value in rows:
                raise EtlError(
                    f"negative amount {value:g}",
                    row=f"{who} {year}",
                    column=column,
                    **_where(table, column),
                )
    for table in ("sipri_milex", "nato_defence", "wb_macro", "cow_nmc", "kiel_aid_monthly"):
        who = (
            "donor" if table.startswith("kiel") else ("stateabb" if table == "cow_nmc" else "iso3")
        )
        row = con.execute(
            f"select {who}, year from {table} where year > ? limit 1",
            [this_year],  # noqa: S608
        ).fetchone()
        if row:
            raise EtlError(
                f"year {row[1]} is in the future",
                row=f"{row[0]} {row[1]}",
                column="year",
                **_where(table, ""),
            )


def check_coverage(con: duckdb.DuckDBPyConnection, today: date | None = None) -> None:
    """Every current NATO member appears in the latest year of each country-year source."""
    members = [
        r[0]
        for r in con.execute(
            "select iso3 from membership where alliance = 'NATO' and joined <= ? "
            # departed is the last day as a member
            "and (departed is null or departed >= ?) order by iso3",
            [today or date.today(), today or date.today()],
        ).fetchall()
    ]
    if len(members) < 2:
        raise EtlError(f"only {len(members)} current NATO members", file="data/memberships.csv")
    for table, column in COVERAGE.items():
        latest = con.execute(
            f"select max(year) from {table} where {column} is not null"
        ).fetchone()[0]  # noqa: S608
        present = {
            r[0]
            for r in con.execute(
                f"select iso3 from {table} where year = ? and {column} is not null",
                [latest],  # noqa: S608
            ).fetchall()
        }
        missing = [
            m for m in members if m not in present and not _allowed(table, m, "*", "coverage")
        ]
        if missing:
            raise EtlError(
                f"current NATO member(s) {', '.join(missing)} missing from the latest year "
                f"{latest}",
                column=column,
                **_where(table, column),
            )


def check_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Data tests in queries/checks/: each returns offending rows; zero rows passes."""
    for path in sorted(CHECKS.glob("*.sql")):
        cursor = con.execute(path.read_text(encoding="utf-8"))
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(3)
        if rows:
            check = f"queries/checks/{path.name}"
            first = dict(zip(columns, rows[0], strict=True))
            table = PANEL_SOURCES.get(str(first.get("source")))
            if table and {"iso3", "year"} <= first.keys():  # name the file the figure came from
                raise EtlError(
                    f"data test {check} failed, e.g. {rows}",
                    row=f"{first['iso3']} {first['year']}",
                    **_where(table, ""),
                )
            raise EtlError(f"data test {path.name} failed, e.g. {rows}", file=check)


def run_all(con: duckdb.DuckDBPyConnection) -> None:
    _loaded[:] = [r[0] for r in con.execute("select name from source_file").fetchall()]
    # Unique keys are enforced by the primary keys in core/schema.sql at insert time.
    check_ranges(con)
    check_coverage(con)
    check_sql(con)
