"""Workbooks in the layouts of NATO's 2025 and 2026 editions.

No genuine copy of either is held (SIPRI's April 2026 release is: ../shared/data/raw), so their
layouts come from documentation
(../shared/facts/editions.md), not from the files themselves, and every workbook written here
is built by the tests. NATO 2025/2026: sheets 'Table 1' .. 'Table 8b', the title in A1, unit
rows, then blocks, each a subtitle row ('current prices', 'constant 2021 prices', ...) above a
header row whose first cell is empty and whose others are years ('2014' .. '2024', '2025e'),
country rows until a blank row, the aggregates 'NATO Europe and Canada' and 'NATO Total', then
'Notes'; '*' after a footnoted ally; no Iceland row in 2026; 2026 titles say 'Core defence
expenditure'.

The figures are derived from an edition the test has (hand-made or the real 2024 tables), so a
full build's cross-source checks still hold: years the older edition printed as estimates are
revised by REVISION, constant prices move to the new base by DEFLATOR, new years grow by GROWTH.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pycountry

from etl import nato
from tests.fixturebooks import stamp_modified

DEFLATOR = 1.25  # constant 2015 -> constant 2021 prices (a made-up, uniform deflator)
REVISION = 1.01  # an estimate replaced by its outturn
GROWTH = 1.05  # a year beyond the older edition
NATO_EDITIONS = {  # edition year -> (published, file name, core definition, footnoted allies)
    2025: (date(2025, 8, 27), "def-exp-2025-en.xlsx", False, {"POL", "LTU"}),
    2026: (date(2026, 7, 10), "def-exp-2026-en.xlsx", True, {"SVN"}),
}
# Table -> (title after 'Table N: ', unit row, {block subtitle: column}); 'core ' is prefixed to
# 'defence expenditure' in 2026. The subtitles of Table 6 and 8a/8b are not documented: these
# follow the 2024 labels.
TITLES = {
    "1": ("{d}", "Million national currency units",
          {"current prices": "current_ncu_m", "constant {b} prices": "constant_ncu_m"}),
    "2": ("{d}", "Million US dollars",
          {"current prices": "current_usd_m", "constant {b} prices": "constant_usd_m"}),
    "3": ("{d} as a share of GDP and annual real change", "Based on {b} prices",
          {"Share of real GDP (%)": "share_gdp_pct", "Annual real change (%)": "real_change_pct"}),
    "5": ("GDP", "Million US dollars",
          {"current prices": "gdp_current_usd_m", "constant {b} prices": "gdp_constant_usd_m"}),
    "6": ("GDP per capita and {d} per capita", "{b} prices and exchange rates",
          {"GDP per capita (thousand US dollars)": "gdp_per_capita_constant_kusd",
           "{D} per capita (US dollars)": "per_capita_constant_usd"}),
    "7": ("Military personnel", "Thousands", {"": "personnel_k"}),
    "8a": ("Distribution of {d} by main category", "Percentage of total",
           {"Equipment (a)": "equipment_share_pct", "Personnel (b)": "personnel_share_pct"}),
    "8b": ("Distribution of {d} by main category", "Percentage of total",
           {"Infrastructure (c)": "infrastructure_share_pct", "Other (d)": "other_share_pct"}),
}  # fmt: skip
CONSTANT = {
    "constant_ncu_m",
    "constant_usd_m",
    "gdp_constant_usd_m",
    "gdp_per_capita_constant_kusd",
    "per_capita_constant_usd",
}


def ally_name(iso3: str) -> str:
    """A name the project's country lookup resolves (NATO prints short English names)."""
    country = pycountry.countries.get(alpha_3=iso3)
    return getattr(country, "common_name", None) or country.name


def next_edition(frame: pl.DataFrame, year: int, key: str = "iso3") -> pl.DataFrame:
    """An edition's rows derived from the one before: estimates revised, constant prices at the
    new base, one more year, the last two years estimates."""
    old_base = frame["price_base_year"][0]
    measures = [c for c in nato.MEASURES if c in frame.columns]
    revised = frame.with_columns(
        [
            (
                pl.col(c)
                * pl.when(pl.col("is_estimate")).then(REVISION).otherwise(1.0)
                * (DEFLATOR if c in CONSTANT and old_base != 2021 else 1.0)
            ).alias(c)
            for c in measures
            if not c.endswith("_pct") and c != "personnel_k"
        ]
    )
    last = revised.filter(pl.col("year") == revised["year"].max())
    grown = last.with_columns(
        year=pl.lit(year, pl.Int32),
        **{c: pl.col(c) * GROWTH for c in measures if c.endswith(("_m", "_usd", "_kusd"))},
    )
    out = pl.concat([revised.filter(pl.col("year") < year), grown])
    return out.with_columns(is_estimate=pl.col("year") >= year - 1, price_base_year=pl.lit(2021))


def write_nato(raw_dir: Path, year: int, defence: pl.DataFrame, aggregate: pl.DataFrame) -> Path:
    """A NATO workbook in the 2025/2026 layout for edition `year` from tidy rows of that edition
    (nato_defence / nato_aggregate columns, constant prices at 2021)."""
    published, name, core, footnoted = NATO_EDITIONS[year]
    d = "core defence expenditure" if core else "defence expenditure"
    years = sorted(defence["year"].unique())
    labels = [f"{y}e" if y >= year - 1 else str(y) for y in years]
    if core:  # 2026: Iceland, without armed forces, has no row at all
        defence = defence.filter(pl.col("iso3") != "ISL")
    by_ally = {
        iso3: {r["year"]: r for r in rows.iter_rows(named=True)}
        for (iso3,), rows in defence.group_by("iso3")
    }
    by_total = {
        agg: {r["year"]: r for r in rows.iter_rows(named=True)}
        for (agg,), rows in aggregate.group_by("aggregate")
    }
    allies = sorted(by_ally, key=ally_name)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table, (title, unit, blocks) in TITLES.items():
        ws = wb.create_sheet(f"Table {table}")
        ws["A1"] = f"Table {table}: " + title.format(d=d).capitalize().replace("Gdp", "GDP")
        ws.append([unit.format(b=2021)])
        ws.append([])
        for subtitle, column in blocks.items():
            if subtitle:
                ws.append([subtitle.format(b=2021, D=d.capitalize())])
            ws.append([None, *labels])
            for iso3 in allies:
                figures = [by_ally[iso3].get(y, {}).get(column) for y in years]
                if all(f is None for f in figures):
                    continue  # Iceland: no row in a block without its figures
                printed = ally_name(iso3) + ("*" if iso3 in footnoted else "")
                if table == "1":
                    printed += f"   ({by_ally[iso3][years[0]]['currency']})"
                ws.append([printed, *figures])
            if column in nato.AGGREGATE:
                for agg in ("NATO Europe and Canada", "NATO Total"):
                    figures = [by_total.get(agg, {}).get(y, {}).get(column) for y in years]
                    if any(f is not None for f in figures):
                        ws.append([agg, *figures])
            ws.append([])
        ws.append([f"Notes: figures for {year - 1} and {year} are estimates."])
    _table4(wb.create_sheet("Table 4", 3), year, labels, allies, by_ally, by_total, d)
    path = raw_dir / "nato" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return stamp_modified(path, published)


def _table4(ws, year, labels, allies, by_ally, by_total, d) -> None:
    first, last = 2014, year
    ws["A1"] = f"Table 4: {d.capitalize()} real change {first}-{labels[-1]}"
    ws.append(["Million US dollars (2021 prices and exchange rates)"])
    ws.append([])
    ws.append(
        [
            None,
            str(first),
            labels[-1],
            f"Real change {first}-{labels[-1]} (%)",
            f"Share of real GDP {first} (%)",
            f"Share of real GDP {labels[-1]} (%)",
        ]
    )
    rows = [(ally_name(i), by_ally[i]) for i in allies] + list(by_total.items())
    for name, by_year in rows:
        then, now = by_year.get(first, {}), by_year.get(last, {})
        if then.get("constant_usd_m") is None or now.get("constant_usd_m") is None:
            continue
        change = 100 * (now["constant_usd_m"] / then["constant_usd_m"] - 1)
        ws.append(
            [
                name,
                then["constant_usd_m"],
                now["constant_usd_m"],
                change,
                then.get("share_gdp_pct"),
                now.get("share_gdp_pct"),
            ]
        )
    ws.append([])
    ws.append(["Notes"])


def nato_editions(raw_dir: Path, tables: dict[str, pl.DataFrame]) -> dict[int, Path]:
    """The 2025 and 2026 workbooks, each derived from the edition before (`tables`: the 2024
    edition's nato_defence and nato_aggregate)."""
    defence, aggregate = tables["nato_defence"], tables["nato_aggregate"]
    paths = {}
    for year in NATO_EDITIONS:
        defence = next_edition(defence, year)
        aggregate = next_edition(aggregate, year, key="aggregate")
        paths[year] = write_nato(raw_dir, year, defence, aggregate)
    return paths


# A later revision of SIPRI's April 2026 release (not a file SIPRI has published; its own is
# '_v1.2', held in ../shared/data/raw): a name a test can give a file of that release.
SIPRI_2026 = "SIPRI-Milex-data-1949-2025_v1.3.xlsx"
