"""COW NMC parser: CR-only code list with repeated rows, -9 markers, year rules; then real files."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from etl import cow
from tests.helpers import refused

CODES = [  # CR-only line endings and exact repeats, like the real COW-country-codes.csv
    "StateAbb,CCode,StateNme",
    "USA,2,United States of America",
    "USA,2,United States of America",
    "GMY,255,Germany",
    "GFR,260,German Federal Republic",
    "GDR,265,German Democratic Republic",
    "AUH,300,Austria-Hungary",
    "CZE,315,Czechoslovakia",
    "YUG,345,Yugoslavia",
    "YUG,345,Yugoslavia",
    "RUS,365,Russia",
]
HEADER = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version"
NMC = [
    "USA,2,2016,604452000,1381,78475,3293117,322180,197817,0.13305758,2021",  # line 2
    "GMY,255,1990,37200000,545,38434,474318,79402,25673,0.029267116,2021",
    "GFR,260,1989,35000000,494,41000,400000,62000,21000,0.027,2021",
    "GFR,260,1990,35610000,469,38434,394564,63253,21254,0.027701119,2021",  # line 5
    "GDR,265,1990,-9,137,-9,79754,16247,4403,0.0061563607,2021",
    "AUH,300,1900,60000,385,1170,22500,46000,-9,4.6803671E-06,2021",
    "CZE,315,1992,1000000,100,10000,60000,15600,9000,0.005,2021",
    "YUG,345,1918,-9,150,0,80,4000,400,0.001,2021",
    "YUG,345,1919,3000,100,0,90,12000,1200,0.002,2021",  # line 10
    "YUG,345,2005,800000,60,1000,20000,10500,5000,0.002,2021",
    "YUG,345,2006,900000,40,1100,21000,7400,4000,0.0015,2021",
    "RUS,365,1921,-9,5000,300,20000,130000,20000,0.05,2021",
    "RUS,365,1922,-9,1500,400,21000,132000,21000,0.05,2021",
    "RUS,365,1991,133700000,3000,73000,2153318,148245,62371,0.10326506,2021",  # line 15
    "RUS,365,1992,47220000,1900,62000,1328991,148310,62371,0.067257561,2021",
]


def write(raw: Path, codes: list[str] = CODES, nmc: list[str] = NMC) -> None:
    (raw / "cow").mkdir(parents=True, exist_ok=True)
    (raw / "cow/COW-country-codes.csv").write_bytes("\r".join(codes).encode())
    (raw / "cow/NMC-60-abridged.csv").write_bytes("\r\n".join([HEADER, *nmc]).encode())


def write_raw(raw: Path) -> None:
    """The `raw` fixture's files (tests/conftest.py)."""
    write(raw)


def test_iso3_follows_name_and_year_rules(raw: Path) -> None:
    table = cow.parse(raw).tables["cow_nmc"]
    assert table.select("ccode", "year", "iso3").rows() == [
        (2, 2016, "USA"),
        (255, 1990, "DEU"),  # unified Germany
        (260, 1989, "DEU"),
        (260, 1990, None),  # the GFR's last row: 255 already holds DEU 1990
        (265, 1990, "DDR"),
        (300, 1900, None),  # Austria-Hungary: documented non-ISO state
        (315, 1992, "CSK"),
        (345, 1918, "SRB"),  # Kingdom of Serbia
        (345, 1919, "YUG"),
        (345, 2005, "YUG"),  # Serbia and Montenegro, the renamed FRY
        (345, 2006, "SRB"),
        (365, 1921, "RUS"),  # Soviet Russia before the USSR
        (365, 1922, "SUN"),
        (365, 1991, "SUN"),
        (365, 1992, "RUS"),
    ]


def test_values_units_and_missing_marker(raw: Path) -> None:
    table = cow.parse(raw).tables["cow_nmc"]
    usa = table.filter(pl.col("ccode") == 2).to_dicts()[0]
    assert usa == {
        "ccode": 2,
        "stateabb": "USA",
        "iso3": "USA",
        "year": 2016,
        "milex_current_kusd": 604452000.0,
        "milper_k": 1381.0,
        "irst_kt": 78475.0,
        "pec_kt_coal_eq": 3293117.0,
        "tpop_k": 322180.0,
        "upop_k": 197817.0,
        "cinc": 0.13305758,
        "version": "2021",
    }
    gdr = table.filter(pl.col("ccode") == 265).row(0, named=True)
    assert gdr["milex_current_kusd"] is None and gdr["irst_kt"] is None  # -9
    assert gdr["milper_k"] == 137.0
    auh = table.filter(pl.col("ccode") == 300).row(0, named=True)
    assert auh["cinc"] == 4.6803671e-06 and auh["upop_k"] is None
    assert table.schema["ccode"] == pl.Int32 and table.schema["year"] == pl.Int32


def test_source_files(raw: Path) -> None:
    nmc, codes = cow.parse(raw).files
    assert (nmc.name, nmc.edition, nmc.rows) == (
        "cow/NMC-60-abridged.csv",
        "NMC 6.0 (version 2021)",
        15,
    )
    assert (codes.name, codes.rows) == ("cow/COW-country-codes.csv", 15)


_fails = partial(refused, parse=cow.parse)


def test_text_in_a_number_column(raw: Path) -> None:
    write(raw, nmc=[*NMC[:4], NMC[4].replace(",137,", ",n.a.,"), *NMC[5:]])
    _fails(raw, "cow/NMC-60-abridged.csv", "row 6", "column milper", "'n.a.' is not a number")


def test_empty_cell_is_not_missing(raw: Path) -> None:
    write(raw, nmc=[NMC[0].replace(",1381,", ",,")])
    _fails(raw, "row 2", "column milper", "empty cell")


def test_bad_year(raw: Path) -> None:
    write(raw, nmc=[NMC[0].replace(",2016,", ",2016.5,")])
    _fails(raw, "row 2", "column year", "not an integer")


def test_missing_column(raw: Path) -> None:
    (raw / "cow/NMC-60-abridged.csv").write_text(HEADER.replace(",upop", "") + "\n")
    _fails(raw, "cow/NMC-60-abridged.csv", "row 1", "missing column(s) ['upop']")


def test_short_row(raw: Path) -> None:
    write(raw, nmc=[NMC[0], "USA,2,2015,1"])
    _fails(raw, "row 3", "4 fields, header has 11")


def test_code_missing_from_code_list(raw: Path) -> None:
    write(raw, nmc=[*NMC, "CAN,20,2016,1,1,1,1,1,1,0.01,2021"])
    _fails(raw, "row 17", "code 20 is not in cow/COW-country-codes.csv")


def test_abbreviation_disagrees_with_code_list(raw: Path) -> None:
    write(raw, nmc=[NMC[0].replace("USA,2,", "CAN,2,")])
    _fails(raw, "row 2", "column stateabb", "'CAN' but cow/COW-country-codes.csv says 'USA'")


def test_conflicting_repeat_in_code_list(raw: Path) -> None:
    write(raw, codes=[*CODES, "RUS,365,Soviet Union"])
    _fails(raw, "cow/COW-country-codes.csv", "row 12", "code 365", "at line 11")


def test_unknown_state_name(raw: Path) -> None:
    write(raw, codes=[*CODES, "ATL,999,Atlantis"])
    _fails(raw, "unknown country name(s) 'Atlantis'", "country_overrides.csv")


def test_duplicate_state_year(raw: Path) -> None:
    write(raw, nmc=[*NMC, NMC[0]])
    _fails(raw, "row 17", "ccode 2 year 2016 also at line 2")


def test_two_codes_on_one_iso3_year(raw: Path) -> None:
    # GMY in 1989 would put a second DEU row beside the GFR's 1989
    write(raw, nmc=[*NMC, NMC[1].replace(",1990,", ",1989,")])
    _fails(raw, "row 17", "column iso3", "iso3 DEU year 1989 also at line 4")


def test_not_utf8(raw: Path) -> None:
    codes = [*CODES[:-1], "RUS,365,Russie é"]
    (raw / "cow/COW-country-codes.csv").write_bytes("\r".join(codes).encode("latin-1"))
    _fails(raw, "cow/COW-country-codes.csv", "row 11", "not UTF-8")


@pytest.mark.raw
def test_real_files(raw_dir: Path) -> None:
    parsed = cow.parse(raw_dir)
    table = parsed.tables["cow_nmc"]
    assert table.height == 15951
    usa = table.filter((pl.col("iso3") == "USA") & (pl.col("year") == 2016)).row(0, named=True)
    assert usa["milper_k"] == 1381 and usa["milex_current_kusd"] == 604452000
    assert table.filter(pl.col("milex_current_kusd").is_null()).height == 2217  # -9 cells
    assert not table.select("ccode", "year").is_duplicated().any()
    keyed = table.filter(pl.col("iso3").is_not_null())
    assert not keyed.select("iso3", "year").is_duplicated().any()

    def iso3(ccode: int, year: int) -> str | None:
        return table.filter((pl.col("ccode") == ccode) & (pl.col("year") == year))["iso3"].item()

    assert [iso3(365, y) for y in (1921, 1922, 1991, 1992)] == ["RUS", "SUN", "SUN", "RUS"]
    assert [iso3(345, y) for y in (1918, 1919, 2005, 2006)] == ["SRB", "YUG", "YUG", "SRB"]
    assert (iso3(255, 1990), iso3(260, 1990), iso3(260, 1989)) == ("DEU", None, "DEU")
    assert (iso3(315, 1992), iso3(316, 1993), iso3(265, 1990)) == ("CSK", "CZE", "DDR")
    assert iso3(347, 2016) == "XKX" and iso3(713, 2016) == "TWN"
    assert table.filter(pl.col("iso3").is_null())["stateabb"].n_unique() == 18
    assert parsed.files[0].edition == "NMC 6.0 (version 2021)"


def test_an_unknown_file_is_dated_by_its_version_year(raw: Path) -> None:
    """COW states a version year, no day: the year's last day, the earliest it was surely public."""
    (row,) = cow.parse(raw).tables["edition"].to_dicts()
    assert row == {
        "source": "cow",
        "edition": date(2021, 12, 31),
        "published": date(2021, 12, 31),
        "definition": "National Material Capabilities 6.0 (version 2021)",
        "price_base_year": None,
        "file": "cow/NMC-60-abridged.csv",
        "first_year": 1900,
        "last_year": 2016,
    }
    write(raw, nmc=[r.replace(",2021", ",2024") for r in NMC])
    assert cow.parse(raw).tables["edition"]["edition"].to_list() == [date(2024, 12, 31)]


def test_a_version_that_is_no_year_gives_no_date(raw: Path) -> None:
    write(raw, nmc=[r.replace(",2021", ",6.0") for r in NMC])
    _fails(raw, "cow/NMC-60-abridged.csv", "column version", "no release date", "6.0")


@pytest.mark.raw
def test_real_edition_row_is_the_registry_s(raw_dir: Path) -> None:
    """The known v6.0 file: dated 2021-12-31 by the registry (etl/sources/cow.py says why)."""
    (row,) = cow.parse(raw_dir).tables["edition"].to_dicts()
    assert (row["edition"], row["published"]) == (date(2021, 12, 31), date(2021, 12, 31))
    assert (row["first_year"], row["last_year"]) == (1816, 2016)
    assert cow.source.SOURCE.genuine(raw_dir / row["file"]).published == date(2021, 12, 31)
