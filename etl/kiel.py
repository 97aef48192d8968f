"""Kiel Ukraine Support Tracker website extracts → `kiel_aid_monthly`, `kiel_aid_donor`.

data_explorer.csv holds monthly FLOWS (EUR bn allocated in that month), not running totals: the
figures go up and down, months without aid have no row, pct_gdp is exactly total / gdp * 100,
and per donor the monthly pct_gdp add up to eu_aid_shares.csv's bilateral_pct_gdp (within 1e-5
pp for 26 of the 27 EU members in Release 29; Slovenia is 0.013 pp apart). The cumulative
figures in `kiel_aid_donor` are therefore sums over all months. total_allocations.csv is the
same flows summed over donors, to the cent, so it adds nothing and is not read.

`parse_weapons` reads weapons.csv into `kiel_heavy_weapons`, a table schema.sql does not have
yet; `parse` leaves it out so that the build's table list stays valid until the DDL is added.

The release is one `edition` row (written by `parse` only), dated by release_info.csv's own
`date` (the tracker's statement; an ISO date, else the file is refused), file release_info.csv.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from core.errors import EtlError
from etl.countries import is_known_code, to_iso3
from etl.rawfiles import Parsed, SourceFile, find
from etl.readers import number, table
from etl.sources import kiel as source
from etl.sources.base import edition_frame

MISSING = ("", "NA")  # the extracts are written by R, whose missing value is NA

FLOWS = ["total", "financial", "humanitarian", "military", "commitments", "to_be_allocated"]
MONTHLY = ["country", "iso", "year", "month", *FLOWS, "gdp", "pct_gdp"]
SHARES = ["country", "iso", "eu_share_pct_gdp", "eu_share_bn"]
WEAPONS = ["donor", "category", "number_of_weapons", "monetary_value_eur", "weapons_list"]
COUNT = re.compile(r"\((\d+)\)\s*$")  # "M777 howitzer (6)" -> 6

MONTHLY_SCHEMA = {
    "donor": pl.Utf8,
    "iso3": pl.Utf8,
    "year": pl.Int32,
    "month": pl.Int32,
    **{f"{c}_eur_bn": pl.Float64 for c in FLOWS},
    "gdp_eur_bn": pl.Float64,
    "pct_gdp": pl.Float64,
    "release": pl.Utf8,
}
WEAPONS_SCHEMA = {
    "donor": pl.Utf8,
    "iso3": pl.Utf8,
    "category": pl.Utf8,
    "units": pl.Int32,
    "value_eur": pl.Float64,
    "weapons_list": pl.Utf8,
    "release": pl.Utf8,
}


class _Csv:
    """One Kiel CSV: its name under the raw dir and (line, {column: text}) per record."""

    def __init__(self, raw_dir: Path, pattern: str, required: list[str]) -> None:
        self.path = find(raw_dir, pattern)
        self.name = self.path.relative_to(raw_dir).as_posix()
        self.rows = table(self.path, self.name, required)

    def num(self, line: int, r: dict, column: str) -> float | None:
        text = "" if r[column] in MISSING else r[column]
        return number(text, file=self.name, row=line, column=column)

    def whole(self, line: int, r: dict, column: str, low: int, high: int) -> int:
        value = self.num(line, r, column)
        if value is None or value != int(value) or not low <= value <= high:
            raise EtlError(
                f"{r[column]!r} is out of range", file=self.name, row=line, column=column
            )
        return int(value)

    def donors(self, donor: str, iso: str | None = None) -> dict[str, str | None]:
        """Donor name -> ISO3 (None for EU institutions), checked against the iso column."""
        mapping = to_iso3((r[donor] for _, r in self.rows), file=self.name)
        for line, r in self.rows if iso else []:
            expected = mapping[r[donor]]
            # EU institutions map to None; the file gives them a non-country code ('EU').
            if r[iso] != expected and (expected is not None or is_known_code(r[iso])):
                raise EtlError(
                    f"{r[donor]!r} is {expected or 'not a country'}, the file says {r[iso]!r}",
                    file=self.name,
                    row=line,
                    column=iso,
                )
        return mapping

    def describe(self, raw_dir: Path, release: dict, rows: int) -> SourceFile:
        return source.SOURCE.describe(
            self.path,
            raw_dir,
            edition=f"Release {release['release']} ({release['period']}), {release['date']}",
            url=source.URL.format(self.path.name),
            licence=source.SOURCE.licence.format(release=release["release"]),
            rows=rows,
        )


def _release(raw_dir: Path) -> tuple[dict[str, str], _Csv]:
    info = _Csv(raw_dir, source.glob("release"), ["release", "period", "date"])
    if len(info.rows) != 1:
        raise EtlError(f"expected one release row, found {len(info.rows)}", file=info.name)
    line, release = info.rows[0]
    if empty := [c for c in ("release", "period", "date") if not release[c]]:
        raise EtlError(f"empty {empty}", file=info.name, row=line)
    _release_day(release, info.name, line)
    return release, info


def _release_day(release: dict[str, str], file: str, line: int) -> date:
    """The release's date as release_info.csv states it (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(release["date"])
    except ValueError:
        problem = f"{release['date']!r} is not a date (YYYY-MM-DD)"
        raise EtlError(problem, file=file, row=line, column="date") from None


def parse(raw_dir: Path) -> Parsed:
    release, info = _release(raw_dir)
    flows = _Csv(raw_dir, source.glob("monthly"), MONTHLY)
    iso3 = flows.donors("country", "iso")
    monthly, seen = [], {}
    for line, r in flows.rows:
        year, month = flows.whole(line, r, "year", 2000, 2100), flows.whole(line, r, "month", 1, 12)
        key = (r["country"], year, month)
        if key in seen:
            raise EtlError(f"{key} also at line {seen[key]}", file=flows.name, row=line)
        seen[key] = line
        # NOTE: EU institutions have gdp 0 and pct_gdp 0, placeholders for "no GDP": both NULL.
        gdp = flows.num(line, r, "gdp") or None
        monthly.append(
            {
                "donor": r["country"],
                "iso3": iso3[r["country"]],
                "year": year,
                "month": month,
                **{f"{c}_eur_bn": flows.num(line, r, c) for c in FLOWS},
                "gdp_eur_bn": gdp,
                "pct_gdp": flows.num(line, r, "pct_gdp") if gdp else None,
                "release": release["release"],
            }
        )
    monthly_frame = pl.DataFrame(monthly, schema=MONTHLY_SCHEMA).sort("donor", "year", "month")

    eu = _Csv(raw_dir, source.glob("eu_shares"), SHARES)
    eu_iso3 = eu.donors("country", "iso")
    first: dict[str, int] = {}
    for line, r in eu.rows:
        if eu_iso3[r["country"]] not in iso3.values():
            raise EtlError(f"{r['country']!r} is not in {flows.name}", file=eu.name, row=line)
        if r["country"] in first:
            raise EtlError(
                f"{r['country']!r} repeated (first at row {first[r['country']]})",
                file=eu.name,
                row=line,
                column="country",
            )
        first[r["country"]] = line
    shares = pl.DataFrame(
        [
            (
                eu_iso3[r["country"]],
                eu.num(line, r, "eu_share_bn"),
                eu.num(line, r, "eu_share_pct_gdp"),
            )
            for line, r in eu.rows
        ],
        schema={"iso3": pl.Utf8, "eu_share_eur_bn": pl.Float64, "eu_share_pct_gdp": pl.Float64},
        orient="row",
    )

    amounts = ["total_eur_bn", "military_eur_bn", "financial_eur_bn", "humanitarian_eur_bn"]
    donor = (
        monthly_frame.group_by("donor", "iso3")
        .agg(
            pl.col(amounts).sum(),
            # GDP is one fixed reference year, so monthly shares add up; NULL stays NULL (EU).
            pl.when(pl.col("pct_gdp").is_null().all())
            .then(None)
            .otherwise(pl.col("pct_gdp").sum())
            .alias("pct_gdp"),
        )
        .join(shares, on="iso3", how="left")
        .with_columns(release=pl.lit(release["release"]), period=pl.lit(release["period"]))
        .select(
            "donor",
            "iso3",
            *amounts,
            "pct_gdp",
            "eu_share_eur_bn",
            "eu_share_pct_gdp",
            "release",
            "period",
        )
        .sort("donor")
    )
    edition = edition_frame(
        source=source.SOURCE.key,
        edition=_release_day(release, info.name, info.rows[0][0]),
        definition=f"Ukraine Support Tracker, Release {release['release']}",
        price_base_year=None,  # nominal EUR bn: no constant prices
        file=info.name,
        first_year=monthly_frame["year"].min(),
        last_year=monthly_frame["year"].max(),
    )
    return Parsed(
        tables={"kiel_aid_monthly": monthly_frame, "kiel_aid_donor": donor, "edition": edition},
        files=[
            flows.describe(raw_dir, release, rows=monthly_frame.height),
            eu.describe(raw_dir, release, rows=shares.height),
            info.describe(raw_dir, release, rows=donor.height),  # release/period of every donor
        ],
    )


def parse_weapons(raw_dir: Path) -> Parsed:
    """weapons.csv → `kiel_heavy_weapons`: heavy weapons per donor and category, as published.

    number_of_weapons must equal the counts in weapons_list ("M777 howitzer (6); ..."), which
    holds for every row of Release 29; a mismatch means the two columns are out of step.
    """
    release, _ = _release(raw_dir)  # release_info.csv is listed by `parse`, not again here
    weapons = _Csv(raw_dir, source.glob("weapons"), WEAPONS)
    iso3 = weapons.donors("donor")
    rows, seen = [], {}
    for line, r in weapons.rows:
        key = (r["donor"], r["category"])
        if key in seen:
            raise EtlError(f"{key} also at line {seen[key]}", file=weapons.name, row=line)
        seen[key] = line
        units = weapons.whole(line, r, "number_of_weapons", 0, 10**6)
        counts = [COUNT.search(item) for item in r["weapons_list"].split(";")]
        if None in counts or sum(int(c[1]) for c in counts) != units:
            raise EtlError(
                f"weapons_list does not add up to number_of_weapons {units}",
                file=weapons.name,
                row=line,
                column="weapons_list",
            )
        rows.append(
            (
                *key[:1],
                iso3[r["donor"]],
                key[1],
                units,
                weapons.num(line, r, "monetary_value_eur"),
                r["weapons_list"],
                release["release"],
            )
        )
    frame = pl.DataFrame(rows, schema=WEAPONS_SCHEMA, orient="row").sort("donor", "category")
    return Parsed(
        tables={"kiel_heavy_weapons": frame},
        files=[weapons.describe(raw_dir, release, rows=frame.height)],
    )
