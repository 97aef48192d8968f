"""US Defense Manpower Data Center (DMDC): the quarterly location report, "Military and Civilian
Personnel by Service/Agency by State/Country", one workbook per quarter (parser: etl/dmdc.py).

It counts US military (active duty, National Guard and reserve) and DoD civilian personnel by the
duty location they are *assigned* to. Personnel on temporary duty or deployed in support of
contingency operations are not counted (the report's own notes say so), so rotational forces
are missing: Poland shows a few hundred assigned US personnel while thousands rotate through it.

Not downloaded by `etl refresh`: DMDC's "DoD Personnel, Workforce Reports & Publications" page
(`page` below) is a JavaScript application without stable file links. Third-party pipelines
read an undocumented JSON API behind it (`/dwp/api/page?pageId=27`, then a per-quarter
`fileId`, or `/dwp/api/download?fileName=...&groupName=milRegionCountry`); DMDC documents
neither, and the file ids change every quarter, so a new report is saved by hand into
`dmdc/` under DMDC's own name (`DMDC_Website_Location_Report_YYMM.xlsx`).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from core.catalogue import sources as catalogue
from etl.sources.base import Source, known_files

PAGE = "https://dwp.dmdc.osd.mil/dwp/app/dod-data-reports/workforce-reports"

# The grand total each known report publishes (its GRAND TOTAL cell, as DMDC prints it), by the
# report's as-of date: the parser checks the sheet's total against it, so a file that adds up
# but is not what DMDC published (an edited copy) is refused. A report not listed here is
# checked only against its own parts.
PUBLISHED_GRAND_TOTAL = {date(2025, 12, 31): 2_810_601}


class Gap(NamedTuple):
    """A figure of a report that is not the sum of its parts, as DMDC printed it."""

    location: str  # the row as printed: 'VIRGINIA', 'UNITED STATES TOTAL', 'GRAND TOTAL'
    component: str  # us_forces.component of the column
    service: str  # us_forces.service of the column
    printed: int
    parts: int  # what its parts add up to (a row's services, or the rows of a block)


# Every place a known report's own figures do not add up, by as-of date: kept as printed (the
# warehouse holds DMDC's figures, not corrected ones) and checked both ways, so a file with one
# gap more or one fewer is refused. Found by the parser's checks; the causes are not stated in
# the file.
KNOWN_GAPS = {
    date(2025, 12, 31): (
        # Virginia's GRAND TOTAL is 18 more than its three components' totals; the UNITED
        # STATES TOTAL and the sheet's GRAND TOTAL carry the same 18 over theirs.
        Gap("VIRGINIA", "all", "total", 241_787, 241_769),
        Gap("UNITED STATES TOTAL", "all", "total", 2_572_921, 2_572_903),
        Gap("GRAND TOTAL", "all", "total", 2_810_601, 2_810_583),
        # 149 Navy reservists sit in the OVERSEAS rows but in the UNITED STATES TOTAL: each
        # block's total is off by 149 in NAVY RESERVE and the two totals above it; the grand
        # totals of the column agree with the rows.
        Gap("UNITED STATES TOTAL", "guard_reserve", "navy_reserve", 57_568, 57_419),
        Gap("UNITED STATES TOTAL", "guard_reserve", "total", 743_756, 743_607),
        Gap("UNITED STATES TOTAL", "all", "total", 2_572_921, 2_572_772),
        Gap("OVERSEAS TOTAL", "guard_reserve", "navy_reserve", 817, 966),
        Gap("OVERSEAS TOTAL", "guard_reserve", "total", 26_362, 26_511),
        Gap("OVERSEAS TOTAL", "all", "total", 237_680, 237_829),
    )
}

SOURCE = Source(
    about=catalogue.SOURCES["dmdc"],
    page=PAGE,
    patterns=("dmdc/DMDC_Website_Location_Report_*.xlsx",),
    parsers=("etl.dmdc:parse",),
    # No downloads: see the module's doc (no stable link to a report).
    known=known_files("dmdc"),  # data/known_files.csv
)
