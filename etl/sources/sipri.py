"""SIPRI Military Expenditure Database: one workbook per release (parser: etl/sipri.py).

Releases each April with the data through the year before; in-year revisions replace the file
and carry a version suffix (`_2`, `_v1.2`). See ../shared/facts/editions.md.
"""

from __future__ import annotations

from datetime import date

from etl.sources.base import Download, Known, Source

SOURCE = Source(
    key="sipri",
    name="SIPRI",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    licence=(
        "SIPRI terms of use: free for non-commercial research and education, with attribution "
        "'SIPRI Military Expenditure Database'; check SIPRI's terms before republishing the file"
    ),
    cadence="SIPRI releases its database every April",
    page="https://www.sipri.org/databases/milex",
    folder="sipri",
    patterns=("sipri/SIPRI-Milex-data-*.xlsx",),
    parsers=("etl.sipri:parse",),
    period_days=365,
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
    tables=(
        "sipri_milex",
        "sipri_missing",
        "sipri_country_note",
        "sipri_region_total",
        "edition",
    ),
    known=(
        Known(
            name="SIPRI-Milex-data-1949-2024_2.xlsx",
            edition="April 2025",
            published=date(2025, 4, 28),
            bytes=872_274,
            sha256="8a31c2794c8070230b3b9ef26a3249663f6317a8bc86ba3ec3099c791cdb692f",
            md5="2ff985a3f6b86eb558892ebfa900ee5b",
            claims=r"SIPRI-Milex-data-1949-2024(_2)?\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2025_v1.2.xlsx",
            edition="April 2026",
            published=date(2026, 4, 27),
            bytes=922_552,
            md5="1b197f8d3c0d803d234870477ce17b64",
            # The copy circulating as 'SIPRI-Milex-data-1949-2025.xlsx' (438,849 bytes, six
            # sheets, data to 2024) is not SIPRI's: the unversioned name claims this release.
            claims=r"SIPRI-Milex-data-1949-2025(_v1\.2)?\.xlsx",
        ),
    ),
)
