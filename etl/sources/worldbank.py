"""World Bank, World Development Indicators: one bulk CSV per indicator (parser:
etl/worldbank.py), each with a Metadata_Country file beside it, unzipped from the API's zip.

Each indicator file is an edition of its own, dated by the "Last Updated Date" the CSV prints in
its own header rows (GDP and population 2025-10-07, military expenditure 2026-02-24 in the files
held): the World Bank states it in every file, so no file needs listing here to be dated."""

from __future__ import annotations

from core.catalogue import sources as catalogue
from etl.sources.base import Download, Source

INDICATORS = {  # WDI indicator code -> wb_macro column
    "NY.GDP.MKTP.CD": "gdp_current_usd",
    "SP.POP.TOTL": "population",
    "MS.MIL.XPND.GD.ZS": "milex_share_gdp_pct",
}
# WDI indicator code -> the edition table's definition (the indicator's WDI name and code)
DEFINITIONS = {
    "NY.GDP.MKTP.CD": "GDP, current US$ (NY.GDP.MKTP.CD)",
    "SP.POP.TOTL": "Population, total (SP.POP.TOTL)",
    "MS.MIL.XPND.GD.ZS": "Military expenditure, % of GDP (MS.MIL.XPND.GD.ZS)",
}
API = "/v2/en/indicator/{code}?downloadformat=csv"
URL = "https://api.worldbank.org" + API  # source_file.url of an indicator's files


def data_glob(code: str) -> str:
    return f"API_{code}_DS2_*.csv"


def metadata_glob(code: str) -> str:
    return f"Metadata_Country_API_{code}_DS2_*.csv"


def _download(code: str, what: str) -> Download:
    return Download(
        key=f"worldbank-{what}",
        publisher="World Bank",
        folder="worldbank",
        globs=(data_glob(code), metadata_glob(code), f"Metadata_Indicator_API_{code}_DS2_*.csv"),
        base="worldbank",
        path=API.format(code=code),
        unzip=True,
    )


SOURCE = Source(
    about=catalogue.SOURCES["worldbank"],
    page="https://datacatalog.worldbank.org/search/dataset/0037712/World-Development-Indicators",
    patterns=("worldbank/API_*.csv", "worldbank/Metadata_Country_API_*.csv"),
    parsers=("etl.worldbank:parse",),
    base_urls={"worldbank": "https://api.worldbank.org"},
    # the API answers a bulk download with a redirect to its file servers
    hosts=("api.worldbank.org", "databank.worldbank.org", "databankfiles.worldbank.org"),
    downloads=(
        _download("MS.MIL.XPND.GD.ZS", "milex"),
        _download("NY.GDP.MKTP.CD", "gdp"),
        _download("SP.POP.TOTL", "population"),
    ),
)
