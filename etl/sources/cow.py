"""Correlates of War: National Material Capabilities (abridged, v6.0) and the COW country codes
(parser: etl/cow.py). No release schedule: versions appear years apart."""

from __future__ import annotations

from etl.sources.base import Download, Source

PUBLISHER = "Correlates of War Project"
NMC_GLOB = "NMC-*-abridged*.csv"  # 'NMC-60-abridged.csv' (version 6.0)
CODES_GLOB = "COW-country-codes*.csv"
CODES_FILE = "COW-country-codes.csv"  # the one file downloaded (a plain CSV, not a zip)
NMC_URL = "https://correlatesofwar.org/data-sets/national-material-capabilities/"
CODES_URL = "https://correlatesofwar.org/data-sets/cow-country-codes-2/"

SOURCE = Source(
    key="cow",
    name="Correlates of War",
    publisher=PUBLISHER,
    licence="free for academic use, with citation",
    cadence="no regular release schedule",
    page=NMC_URL,
    folder="cow",
    patterns=(f"cow/{NMC_GLOB}", f"cow/{CODES_GLOB}"),
    tables=("cow_nmc",),
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
)
