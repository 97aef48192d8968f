"""Correlates of War: National Material Capabilities (abridged, v6.0) and the COW country codes
(parser: etl/cow.py). No release schedule: versions appear years apart.

When NMC was published: COW states a version year only (the file's `version` column, 2021 for
NMC 6.0; the data set's page gives no day). The edition is therefore dated the last day of that
year, the earliest day the statement guarantees the file was public: a judgment as of any day
of 2021 must not use it. The same rule dates a file the registry does not know (its own
`version`). The country codes file is a look-up without a version: it has no edition row.
"""

from __future__ import annotations

from datetime import date

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Source, known_files

NMC_GLOB = "NMC-*-abridged*.csv"  # 'NMC-60-abridged.csv' (version 6.0)
CODES_GLOB = "COW-country-codes*.csv"
CODES_FILE = "COW-country-codes.csv"  # the one file downloaded (a plain CSV, not a zip)
NMC_URL = "https://correlatesofwar.org/data-sets/national-material-capabilities/"
CODES_URL = "https://correlatesofwar.org/data-sets/cow-country-codes-2/"


def stated_day(version_year: int) -> date:
    """The day an NMC file of this `version` year is dated: the year's last, the earliest day
    COW's statement (a year, no day) guarantees it was public."""
    return date(version_year, 12, 31)


SOURCE = Source(
    about=catalogue.SOURCES["cow"],
    page=NMC_URL,
    patterns=(f"cow/{NMC_GLOB}", f"cow/{CODES_GLOB}"),
    parsers=("etl.cow:parse",),
    base_urls={"cow": "https://correlatesofwar.org"},
    hosts=("correlatesofwar.org", "www.correlatesofwar.org"),
    downloads=(
        Download(
            key="cow-nmc",
            publisher="Correlates of War",
            folder="cow",
            globs=(NMC_GLOB,),
            base="cow",
            path="/wp-content/uploads/NMC_Documentation-6.0.zip",
            unzip=True,
        ),
        Download(
            key="cow-codes",
            publisher="Correlates of War",
            folder="cow",
            globs=(CODES_FILE,),
            base="cow",
            path=f"/wp-content/uploads/{CODES_FILE}",
        ),
    ),
    known=known_files("cow"),  # data/known_files.csv
)
