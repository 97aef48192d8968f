"""Kiel Institute's Ukraine Support Tracker: CSV extracts of a release, published in the
tracker's GitHub repository (parsers: etl/kiel.py parse and parse_weapons).

A release is dated by its own release_info.csv (`date`: 2026-08-04 for Release 29), which the
tracker writes with every release, so no file needs listing here to be dated."""

from __future__ import annotations

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Source

REPOSITORY = "/UkraineSupportTrackerWebsite/ukraine-support-tracker/main/data/{}"
URL = "https://github.com/UkraineSupportTrackerWebsite/ukraine-support-tracker/blob/main/data/{}"
FILES = {  # what each file holds -> its glob in kiel/
    "release": "release_info*.csv",
    "monthly": "data_explorer*.csv",
    "eu_shares": "eu_aid_shares*.csv",
    "weapons": "weapons*.csv",
    "procurement": "procurement_trends*.csv",
    "allocations": "total_allocations*.csv",
}


def glob(what: str) -> str:
    return f"kiel/{FILES[what]}"


SOURCE = Source(
    about=catalogue.SOURCES["kiel"],
    page="https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/",
    patterns=tuple(glob(w) for w in FILES),
    parsers=("etl.kiel:parse", "etl.kiel:parse_weapons"),
    base_urls={"github": "https://raw.githubusercontent.com"},
    hosts=("raw.githubusercontent.com",),
    downloads=tuple(
        Download(
            key=f"kiel-{name.removesuffix('.csv')}",
            publisher="Kiel Institute",
            folder="kiel",
            globs=(name,),
            base="github",
            path=REPOSITORY.format(name),
        )
        for name in (
            "data_explorer.csv",
            "eu_aid_shares.csv",
            "procurement_trends.csv",
            "release_info.csv",
            "total_allocations.csv",
            "weapons.csv",
        )
    ),
)
