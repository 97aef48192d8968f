"""REST Countries v3.1: names, capitals, regions and land borders (parser: etl/restcountries.py)."""

from __future__ import annotations

from etl.sources.base import Download, Source

PUBLISHER = "REST Countries project (data from mledoze/countries)"
GLOB = "countriesV3*.json"
REPOSITORY = "/restcountries/restcountries/master/src/main/resources/countriesV3.1.json"
URL = "https://github.com/restcountries/restcountries/blob/master/src/main/resources/{name}"

SOURCE = Source(
    key="restcountries",
    name="REST Countries",
    publisher=PUBLISHER,
    licence="ODbL 1.0 (mledoze/countries data); repository MPL-2.0",
    cadence="no regular release schedule",
    page="https://restcountries.com",
    folder="geo",
    patterns=(f"geo/{GLOB}",),
    tables=("country",),
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
)
