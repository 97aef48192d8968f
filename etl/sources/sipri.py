"""SIPRI Military Expenditure Database: one workbook per release (parser: etl/sipri.py).

Releases each April with the data through the year before; in-year revisions replace the file
and carry a version suffix (`_2`, `_v1.2`). See ../shared/facts/editions.md.
"""

from __future__ import annotations

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Source, known_files

SOURCE = Source(
    about=catalogue.SOURCES["sipri"],
    page="https://www.sipri.org/databases/milex",
    patterns=("sipri/SIPRI-Milex-data-*.xlsx",),
    parsers=("etl.sipri:parse",),
    base_urls={"sipri": "https://www.sipri.org"},
    hosts=("www.sipri.org", "sipri.org"),
    downloads=(
        Download(
            key="sipri",
            publisher="SIPRI",
            folder="sipri",
            globs=("SIPRI-Milex-data-*.xlsx",),
            base="sipri",
            path="/databases/milex",
            # protocol-relative on the page: //www.sipri.org/sites/default/files/SIPRI-Milex-
            # data-1949-2025_v1.2.xlsx; the suffix (_2, _v1.2) orders revisions of one release
            link=r"SIPRI-Milex-data-\d{4}-(\d{4})(?:_v?(\d+)(?:\.(\d+))?)?\.xlsx$",
            release=r"SIPRI-Milex-data-\d{4}-(\d{4})",  # one release per year of data
        ),
    ),
    # Eight releases, byte for byte as SIPRI published them (../shared/data/raw/PROVENANCE.md).
    # `published` is SIPRI's release day; `available` the date of this copy where SIPRI wrote
    # it later (docProps, or SIPRI's own regeneration). The 2018 and 2019 releases could not be
    # found unaltered and are not listed: a file claiming them is read like any unknown one.
    known=known_files("sipri"),  # data/known_files.csv
)
