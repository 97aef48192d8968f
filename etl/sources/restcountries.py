"""REST Countries v3.1: names, capitals, regions and land borders (parser: etl/restcountries.py).

The JSON states no date of its own. A file is dated by the registry (`known` below: the day the
file last changed in the project's repository, as its history records it) or by the
publication date its provenance record kept from the server at download; any other file is
refused in one line, since an as-of judgment needs the day the borders and capitals were public.
"""

from __future__ import annotations

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Source, known_files

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
    known=known_files("restcountries"),  # data/known_files.csv
)
