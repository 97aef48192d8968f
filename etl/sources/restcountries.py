"""REST Countries v3.1: names, capitals, regions and land borders (parser: etl/restcountries.py).

The JSON states no date of its own. A file is dated by the registry (`known` below: the day the
file last changed in the project's repository, as its history records it) or by the
publication date its provenance record kept from the server at download; any other file is
refused in one line, since an as-of judgment needs the day the borders and capitals were public.
"""

from __future__ import annotations

from datetime import date

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Known, Source

GLOB = "countriesV3*.json"
REPOSITORY = "/restcountries/restcountries/master/src/main/resources/countriesV3.1.json"
URL = "https://github.com/restcountries/restcountries/blob/master/src/main/resources/{name}"

SOURCE = Source(
    about=catalogue.SOURCES["restcountries"],
    page="https://restcountries.com",
    patterns=(f"geo/{GLOB}",),
    parsers=("etl.restcountries:parse",),
    base_urls={"github": "https://raw.githubusercontent.com"},
    hosts=("raw.githubusercontent.com",),
    downloads=(
        Download(
            key="restcountries",
            publisher="REST Countries",
            folder="geo",
            globs=("countriesV3.1.json",),
            base="github",
            path=REPOSITORY,
        ),
    ),
    known=(
        Known(
            name="countriesV3.1.json",
            edition="v3.1 of 2026-02-25",
            # The publisher's own statement: the repository's history, where this file last
            # changed in commit ff97f12 on 2026-02-25 (snapshot HEAD bfadee4 of 2026-06-16
            # holds the same bytes; ../shared/data/raw/PROVENANCE.md).
            published=date(2026, 2, 25),
            note="last changed in restcountries/restcountries commit ff97f12, 2026-02-25",
            bytes=1_475_287,
            sha256="8209daa9fd26e842e84992739dfbfb272566b60357a6ee760955bb4e9f2cc18e",
            # No `claims`: the name stays countriesV3.1.json through every change of the file.
        ),
    ),
)
