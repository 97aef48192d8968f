"""NATO, "Defence Expenditure of NATO Countries": one workbook per edition (parser: etl/nato.py).

Editions and layouts are documented in ../shared/facts/editions.md: the 2024 workbook (sheets
TABLE1..TABLE8b, constant 2015 prices) and, since 2025, `def-exp-YYYY-en.xlsx` (sheets
'Table 1'..'Table 8b', constant 2021 prices, 'core defence expenditure' in 2026).
"""

from __future__ import annotations

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Source, known_files

CURRENT_PAGE = "/en/what-we-do/introduction-to-nato/defence-expenditures-and-natos-5-commitment"
FORMER_PAGE = "/cps/en/natohq/topics_49198.htm"
# since 2025: /content/dam/nato/webready/documents/finance/def-exp-2025-en.xlsx
CURRENT_LINK = r"/content/dam/nato/webready/documents/finance/def-exp-(\d{4})-en\.xlsx$"
# until 2024: /nato_static_fl2014/assets/pdf/2024/6/pdf/240617-def-exp-2024-TABLES-en.xlsx
FORMER_LINK = r"(\d{6})-def-exp-\d{4}-TABLES-en\.xlsx$"

SOURCE = Source(
    about=catalogue.SOURCES["nato"],
    page="https://www.nato.int" + CURRENT_PAGE,
    former_pages=("https://www.nato.int" + FORMER_PAGE,),
    patterns=("nato/*def-exp-*.xlsx",),
    parsers=("etl.nato:parse",),
    base_urls={"nato": "https://www.nato.int"},
    hosts=("www.nato.int", "nato.int"),
    downloads=(
        Download(
            key="nato",
            publisher="NATO",
            folder="nato",
            globs=("*def-exp-*.xlsx",),
            base="nato",
            path=CURRENT_PAGE,
            link=CURRENT_LINK,
            former=((CURRENT_PAGE, FORMER_LINK), (FORMER_PAGE, FORMER_LINK)),
            # one edition per year: 'def-exp-2025-en.xlsx', '240617-def-exp-2024-TABLES-en.xlsx'
            release=r"def-exp-(\d{4})-",
        ),
    ),
    known=known_files("nato"),  # data/known_files.csv
)
