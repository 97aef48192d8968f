"""The warehouse's tables, once, in the order of core/schema.sql (the DDL that defines them; a
test holds the two together), with what fills each: a source (core/catalogue/sources.py), the
project's own facts in data/ ('memberships'), the build itself ('build': the files it read and
its runs), or every source (`edition`: one row per file loaded).

The build loads them in this order (referenced tables first); the committed snapshot keeps the
rows of the tables the sources fill, cut to the countries it bundles by `snapshot_key`.
"""

from __future__ import annotations

from dataclasses import dataclass

EVERY_SOURCE = "every source"
BUILD = "build"
FACTS = "memberships"


@dataclass(frozen=True)
class Table:
    name: str
    filled_by: str  # a source key, FACTS, BUILD or EVERY_SOURCE
    # The column the snapshot keeps the bundled countries' rows by (None: every row).
    snapshot_key: str | None = None


TABLES: tuple[Table, ...] = (
    Table("country", "restcountries", "iso3"),
    Table("alliance", FACTS),
    Table("membership", FACTS),
    Table("state_succession", FACTS),
    Table("edition", EVERY_SOURCE),
    Table("sipri_milex", "sipri", "iso3"),
    Table("sipri_missing", "sipri", "iso3"),
    Table("sipri_country_note", "sipri", "iso3"),
    Table("sipri_region_total", "sipri"),
    Table("nato_defence", "nato", "iso3"),
    Table("nato_aggregate", "nato"),
    Table("nato_real_change", "nato"),
    Table("wb_macro", "worldbank", "iso3"),
    Table("wb_country", "worldbank", "iso3"),
    Table("cow_nmc", "cow", "iso3"),
    Table("kiel_aid_monthly", "kiel", "iso3"),
    Table("kiel_aid_donor", "kiel", "iso3"),
    Table("kiel_heavy_weapons", "kiel", "iso3"),
    Table("source_file", BUILD),
    Table("etl_run", BUILD),
    Table("us_forces", "dmdc"),  # every row: the blocks' totals are checked against their rows
)


def names() -> list[str]:
    return [t.name for t in TABLES]


def filled_by(key: str) -> tuple[str, ...]:
    """The tables a source (or FACTS) fills."""
    return tuple(t.name for t in TABLES if t.filled_by == key)


def loaded() -> list[str]:
    """What the build loads from parsed frames, in load order (its own tables aside)."""
    return [t.name for t in TABLES if t.filled_by != BUILD]


def from_sources() -> dict[str, str | None]:
    """Table -> snapshot key of every table the sources fill (what the snapshot bundles)."""
    return {t.name: t.snapshot_key for t in TABLES if t.filled_by not in (BUILD, FACTS)}
