"""SIPRI Military Expenditure Database: one workbook per release (parser: etl/sipri.py).

Releases each April with the data through the year before; in-year revisions replace the file
and carry a version suffix (`_2`, `_v1.2`). See ../shared/facts/editions.md.
"""

from __future__ import annotations

from datetime import date

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Known, Source

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
    known=(
        Known(
            name="SIPRI-Milex-data-1949-2016.xlsx",
            edition="April 2017",
            published=date(2017, 4, 24),
            available=date(2017, 9, 20),
            note="release 24 Apr 2017; this copy is SIPRI's re-save of 20 Sep 2017 (docProps)",
            bytes=933_031,
            sha256="7692364a72f4a478a1f884539eabd812b3f90678a439082d773a90d2642c6e62",
            claims=r"SIPRI-Milex-data-1949-2016\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2019.xlsx",
            edition="April 2020",
            published=date(2020, 4, 27),
            note="release 27 Apr 2020; docProps modified 24 Apr 2020, before the release",
            bytes=1_007_841,
            sha256="31ea7b056b5bae7a70e5004686ac41210a7cf58580695a4a8b40a33496a5ebf5",
            claims=r"SIPRI-Milex-data-1949-2019\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2020_0.xlsx",
            edition="April 2021",
            published=date(2021, 4, 26),
            available=date(2021, 4, 27),
            note="release 26 Apr 2021; this '_0' re-upload modified 27 Apr 2021 (docProps)",
            bytes=1_003_301,
            sha256="33776e162aeb14f3d03c7e383bb430522b4eb18f99d417cbdc3098f1f6169480",
            claims=r"SIPRI-Milex-data-1949-2020(_0)?\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2021.xlsx",
            edition="April 2022",
            published=date(2022, 4, 25),
            available=date(2022, 8, 11),
            note="release 25 Apr 2022; SIPRI regenerated this file on 11 Aug 2022 (Apache POI, "
            "no modified date in docProps)",
            bytes=707_793,
            sha256="380bc78fd0b989d55cf2808c412c4ff053a0f5e51a65bc922d83984d52920dca",
            claims=r"SIPRI-Milex-data-1949-2021\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2022.xlsx",
            edition="April 2023",
            published=date(2023, 4, 24),
            available=date(2023, 4, 26),
            note="release 24 Apr 2023; written by SIPRI's Apache POI export on 26 Apr 2023 "
            "(docProps created; no modified date)",
            bytes=724_752,
            sha256="c1fcfe74e082a6fccab0d2d1a0174ea9784ba306c04bd965bba66ec4510d3750",
            claims=r"SIPRI-Milex-data-1949-2022\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1948-2023.xlsx",
            edition="April 2024",
            published=date(2024, 4, 22),
            note="release 22 Apr 2024; saved by SIPRI on 16 Apr 2024 (docProps)",
            bytes=839_559,
            sha256="20c9afbebd8e0111c5b38da36370c7e73e83a9d4c9078e10a7854d1fe6ba1360",
            claims=r"SIPRI-Milex-data-1948-2023\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2024_2.xlsx",
            edition="April 2025",
            published=date(2025, 4, 28),
            available=date(2025, 4, 30),
            note="release 28 Apr 2025; this '_2' version modified 30 Apr 2025 (docProps)",
            bytes=872_274,
            sha256="8a31c2794c8070230b3b9ef26a3249663f6317a8bc86ba3ec3099c791cdb692f",
            md5="2ff985a3f6b86eb558892ebfa900ee5b",
            claims=r"SIPRI-Milex-data-1949-2024(_2)?\.xlsx",
        ),
        Known(
            name="SIPRI-Milex-data-1949-2025_v1.2.xlsx",
            edition="April 2026",
            published=date(2026, 4, 27),
            note="release 27 Apr 2026, revised that day ('replaces all previous versions')",
            bytes=922_552,
            sha256="6cc3a30b1064f9f02e60236667eef82e08cad42910ce630909d004ad2c398a9d",
            md5="1b197f8d3c0d803d234870477ce17b64",
            # The copy circulating as 'SIPRI-Milex-data-1949-2025.xlsx' (438,849 bytes, six
            # sheets, data to 2024) is not SIPRI's: the unversioned name claims this release.
            claims=r"SIPRI-Milex-data-1949-2025(_v1\.2)?\.xlsx",
        ),
    ),
)
