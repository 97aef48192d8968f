"""editions: every edition row, on a tiny hand-made warehouse and on the real data."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import queries
from tests.tinydb import tiny_con


def _row(source, edition, file, published=None, first=2000, last=2024, base=None):
    return {
        "source": source,
        "edition": edition,
        "published": published or edition,
        "definition": f"{source} figures",
        "price_base_year": base,
        "file": file,
        "first_year": first,
        "last_year": last,
    }


def test_every_row_in_source_and_edition_order(tmp_path):
    rows = [
        _row("worldbank", date(2025, 10, 7), "worldbank/API_SP.POP.TOTL_DS2_1.csv"),
        _row("sipri", date(2017, 4, 24), "sipri/a.xlsx", date(2017, 9, 20), base=2015),
        _row("worldbank", date(2025, 10, 7), "worldbank/API_NY.GDP.MKTP.CD_DS2_1.csv"),
        _row("restcountries", date(2026, 2, 25), "geo/countriesV3.1.json", first=None, last=None),
        _row("nato", date(2024, 6, 17), "nato/b.xlsx", base=2015),
    ]
    with tiny_con(tmp_path / "e.duckdb", {"edition": rows}) as con:
        frame = queries.run(con, "editions")
    assert frame.columns == queries.load("editions").columns()
    assert frame.select("source", "file").rows() == [
        ("nato", "nato/b.xlsx"),
        ("restcountries", "geo/countriesV3.1.json"),
        ("sipri", "sipri/a.xlsx"),
        # two World Bank files of one day (the key is source, edition and file)
        ("worldbank", "worldbank/API_NY.GDP.MKTP.CD_DS2_1.csv"),
        ("worldbank", "worldbank/API_SP.POP.TOTL_DS2_1.csv"),
    ]
    sipri = frame.row(2, named=True)
    assert (sipri["edition"], sipri["published"], sipri["price_base_year"]) == (
        date(2017, 4, 24),
        date(2017, 9, 20),
        2015,
    )


@pytest.mark.raw
def test_real_every_source_file_has_its_publisher_s_date(real_con):
    frame = queries.run(real_con, "editions")
    got = {(r["source"], r["file"].rsplit("/", 1)[-1]): r for r in frame.iter_rows(named=True)}
    dates = {key: (r["edition"], r["published"]) for key, r in got.items()}
    day = date
    assert dates[("worldbank", "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv")] == (
        day(2025, 10, 7),
        day(2025, 10, 7),
    )
    assert dates[("worldbank", "API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv")] == (
        day(2025, 10, 7),
        day(2025, 10, 7),
    )
    assert dates[("worldbank", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv")] == (
        day(2026, 2, 24),
        day(2026, 2, 24),
    )
    assert dates[("kiel", "release_info.csv")] == (day(2026, 8, 4), day(2026, 8, 4))
    assert dates[("cow", "NMC-60-abridged.csv")] == (day(2021, 12, 31), day(2021, 12, 31))
    assert dates[("restcountries", "countriesV3.1.json")] == (day(2026, 2, 25), day(2026, 2, 25))
    assert dates[("nato", "240617-def-exp-2024-TABLES-en.xlsx")] == (
        day(2024, 6, 17),
        day(2024, 6, 17),
    )
    assert dates[("sipri", "SIPRI-Milex-data-1949-2016.xlsx")] == (
        day(2017, 4, 24),
        day(2017, 9, 20),
    )
    assert frame.filter(frame["source"] == "sipri").height == 8
    assert got[("kiel", "release_info.csv")]["definition"] == "Ukraine Support Tracker, Release 29"
    assert got[("worldbank", "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_273193.csv")]["definition"] == (
        "GDP, current US$ (NY.GDP.MKTP.CD)"
    )
    cow = got[("cow", "NMC-60-abridged.csv")]
    assert (cow["first_year"], cow["last_year"]) == (1816, 2016)
    assert set(frame["source"]) == {
        "nato", "sipri", "dmdc", "worldbank", "kiel", "cow", "restcountries"
    }  # fmt: skip
    assert (frame["published"] >= frame["edition"]).all()
