"""REST Countries parser: a small JSON in the real shape (Kosovo as UNK), then the real file."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from core.errors import EtlError
from etl import restcountries
from etl.sources import provenance
from tests.helpers import refused


def entry(
    cca3: str,
    cca2: str,
    name: str,
    capital: list,
    latlng: list,
    region: str,
    subregion: str,
    borders: list,
) -> dict:
    return {
        "name": {"common": name, "official": f"Official {name}", "nativeName": {}},
        "cca2": cca2,
        "cca3": cca3,
        "capital": capital,
        "capitalInfo": {"latlng": latlng},
        "region": region,
        "subregion": subregion,
        "borders": borders,
        "population": 1,
    }


ENTRIES = [
    entry(
        "POL", "PL", "Poland", ["Warsaw"], [52.25, 21.0], "Europe", "Central Europe", ["BLR", "RUS"]
    ),
    entry(
        "UNK", "XK", "Kosovo", ["Pristina"], [42.67, 21.17], "Europe", "Southeast Europe", ["SRB"]
    ),
    entry(
        "SRB", "RS", "Serbia", ["Belgrade"], [44.83, 20.5], "Europe", "Southeast Europe", ["UNK"]
    ),
    entry("ATA", "AQ", "Antarctica", [], [], "Antarctic", "", []),
    entry(
        "ZAF",
        "ZA",
        "South Africa",
        ["Pretoria", "Bloemfontein", "Cape Town"],
        [-25.7, 28.22],
        "Africa",
        "Southern Africa",
        [],
    ),
    entry(
        "RUS",
        "RU",
        "Russia",
        ["Moscow"],
        [55.75, 37.6],
        "Europe",
        "Eastern Europe",
        ["BLR", "FIN", "POL"],
    ),
    entry(
        "BLR", "BY", "Belarus", ["Minsk"], [53.9, 27], "Europe", "Eastern Europe", ["POL", "RUS"]
    ),
    entry(
        "FIN", "FI", "Finland", ["Helsinki"], [60.17, 24.93], "Europe", "Northern Europe", ["RUS"]
    ),
]


def write(raw: Path, entries: list | str) -> Path:
    (raw / "geo").mkdir(parents=True, exist_ok=True)
    path = raw / "geo" / "countriesV3.1.json"
    text = (
        entries if isinstance(entries, str) else json.dumps(entries, indent=4, ensure_ascii=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


# The day the provenance record of the hand-made file says the server published it: the JSON
# states no date, and the registry knows only the real file's bytes.
STATED = date(2026, 3, 1)


def stated(path: Path, day: date) -> None:
    """A provenance record beside the file naming the publisher's date (Last-Modified)."""
    provenance.path_of(path).write_text(json.dumps({"published": day.isoformat()}))


def write_raw(raw: Path) -> None:
    """The `raw` fixture's files (tests/conftest.py)."""
    stated(write(raw, ENTRIES), STATED)


def row(parsed, iso3: str) -> dict:
    return parsed.tables["country"].filter(pl.col("iso3") == iso3).to_dicts()[0]


def test_kosovo_unk_becomes_xkx_everywhere(raw: Path) -> None:
    parsed = restcountries.parse(raw)
    assert row(parsed, "XKX") == {
        "iso3": "XKX",
        "name": "Kosovo",
        "cca2": "XK",
        "capital": "Pristina",
        "capital_lat": 42.67,
        "capital_lon": 21.17,
        "region": "Europe",
        "subregion": "Southeast Europe",
        "borders": ["SRB"],
        "borders_russia_or_belarus": False,
        "is_historical": False,
        "source": "restcountries",
    }
    assert row(parsed, "SRB")["borders"] == ["XKX"]
    assert "UNK" not in set(parsed.tables["country"]["iso3"])


def test_neighbours_of_russia_or_belarus(raw: Path) -> None:
    flags = dict(
        restcountries.parse(raw)
        .tables["country"]
        .select("iso3", "borders_russia_or_belarus")
        .iter_rows()
    )
    assert {k for k, v in flags.items() if v} == {"POL", "RUS", "BLR", "FIN"}
    assert flags["SRB"] is False and flags["SUN"] is None  # unknown for historical states


def test_empty_capital_subregion_and_several_capitals(raw: Path) -> None:
    parsed = restcountries.parse(raw)
    ata = row(parsed, "ATA")
    assert (ata["capital"], ata["capital_lat"], ata["capital_lon"], ata["subregion"]) == (
        None,
        None,
        None,
        None,
    )
    assert row(parsed, "ZAF")["capital"] == "Pretoria"  # the first of three
    assert row(parsed, "BLR")["capital_lon"] == 27.0  # JSON integer read as a float


def test_historical_states_are_appended(raw: Path) -> None:
    parsed = restcountries.parse(raw)
    table = parsed.tables["country"]
    assert table.height == len(ENTRIES) + 6
    sun = row(parsed, "SUN")
    assert (sun["name"], sun["capital"], sun["is_historical"], sun["source"]) == (
        "Soviet Union",
        "Moscow",
        True,
        "data/historical_states.csv",
    )
    assert sun["borders"] is None and sun["cca2"] is None
    assert table.filter(pl.col("is_historical"))["iso3"].sort().to_list() == [
        "CSK",
        "DDR",
        "SUN",
        "YAR",
        "YMD",
        "YUG",
    ]


def test_source_file(raw: Path) -> None:
    (source,) = restcountries.parse(raw).files
    assert (source.name, source.edition, source.rows) == ("geo/countriesV3.1.json", "v3.1", 8)
    assert "ODbL" in source.licence


def _fails(raw: Path, *fragments: str) -> None:
    refused(raw, "geo/countriesV3.1.json", *fragments, parse=restcountries.parse)


def test_malformed_json_names_the_line(raw: Path) -> None:
    text = json.dumps(ENTRIES, indent=4)
    write(raw, text.replace('"cca2": "RS",', '"cca2": "RS"'))
    line = text[: text.index('"cca2": "RS"')].count("\n") + 2  # the comma is missing at line end
    _fails(raw, f"row {line}", "malformed JSON")


@pytest.mark.parametrize(
    ("index", "field", "message"),
    [
        (2, "region", "entry 2 (cca3 'SRB'): missing field 'region'"),
        (0, "cca3", "entry 0: missing field 'cca3'"),
        (1, "capitalInfo", "entry 1 (cca3 'UNK'): missing field 'capitalInfo.latlng'"),
        (3, "borders", "entry 3 (cca3 'ATA'): missing field 'borders'"),
    ],
)
def test_missing_field_names_entry_and_code(
    raw: Path, index: int, field: str, message: str
) -> None:
    entries = json.loads(json.dumps(ENTRIES))
    del entries[index][field]
    write(raw, entries)
    _fails(raw, message)


def test_missing_nested_name(raw: Path) -> None:
    entries = json.loads(json.dumps(ENTRIES))
    del entries[4]["name"]["common"]
    write(raw, entries)
    _fails(raw, "entry 4 (cca3 'ZAF'): missing field 'name.common'")


def test_wrong_types(raw: Path) -> None:
    entries = json.loads(json.dumps(ENTRIES))
    entries[0]["capital"] = "Warsaw"
    write(raw, entries)
    _fails(raw, "entry 0 (cca3 'POL'): 'capital' is 'Warsaw'")
    entries[0]["capital"] = ["Warsaw"]
    entries[0]["capitalInfo"]["latlng"] = [52.25]
    write(raw, entries)
    _fails(raw, "entry 0 (cca3 'POL'): capitalInfo.latlng is [52.25]")
    entries[0]["capitalInfo"]["latlng"] = [52.25, 21.0]
    entries[0]["borders"] = [{"code": "BLR"}]
    write(raw, entries)
    _fails(raw, "entry 0 (cca3 'POL'): bad border code(s) [{'code': 'BLR'}]")
    write(raw, {"POL": ENTRIES[0]})  # an object instead of an array
    _fails(raw, "expected a JSON array")


def test_unknown_duplicate_and_dangling_codes(raw: Path) -> None:
    write(raw, [*ENTRIES, {**ENTRIES[0], "cca3": "QQQ"}])
    _fails(raw, "entry 8 (cca3 'QQQ'): unknown code")
    write(raw, [*ENTRIES, ENTRIES[0]])
    _fails(raw, "entry 8: POL appears twice (first at entry 0)")
    write(raw, [*ENTRIES[:-1]])  # Finland gone, but Russia still borders FIN
    _fails(raw, "borders name codes with no entry: ['FIN']")


def test_not_utf8(raw: Path) -> None:
    path = write(raw, ENTRIES)
    path.write_bytes(path.read_bytes().replace(b"Poland", "Pologne é".encode("latin-1")))
    _fails(raw, "not UTF-8")


@pytest.mark.raw
def test_real_file(raw_dir: Path) -> None:
    parsed = restcountries.parse(raw_dir)
    table = parsed.tables["country"]
    current = table.filter(~pl.col("is_historical"))
    assert current.height == 250 and parsed.files[0].rows == 250
    assert table.height == 256
    flags = dict(current.select("iso3", "borders_russia_or_belarus").iter_rows())
    assert all(flags[c] for c in ("POL", "FIN", "NOR", "EST", "LVA", "LTU", "UKR"))
    assert not flags["DEU"] and not flags["SWE"]
    assert sum(flags.values()) == 15
    assert "RUS" in row(parsed, "EST")["borders"]
    assert "XKX" in row(parsed, "SRB")["borders"] and "UNK" not in set(table["iso3"])
    assert row(parsed, "XKX")["name"] == "Kosovo"
    assert row(parsed, "POL")["capital"] == "Warsaw"


def test_the_file_is_one_edition_row_dated_by_its_provenance_record(raw: Path) -> None:
    assert restcountries.parse(raw).tables["edition"].to_dicts() == [
        {
            "source": "restcountries",
            "edition": STATED,
            "published": STATED,
            "definition": "REST Countries: names, capitals, regions and land borders",
            "price_base_year": None,
            "file": "geo/countriesV3.1.json",
            "first_year": None,  # today's states, no yearly figures
            "last_year": None,
        }
    ]


def test_a_file_nothing_dates_is_refused_in_one_line(raw: Path) -> None:
    """Not the mtime: a file neither the registry nor a provenance record dates is refused,
    after every other check (a damaged file is named by its damage)."""
    provenance.path_of(raw / "geo/countriesV3.1.json").unlink()
    with pytest.raises(EtlError) as err:
        restcountries.parse(raw)
    message = str(err.value)
    assert "geo/countriesV3.1.json" in message and "no release date" in message
    assert "\n" not in message
    write(raw, {"POL": ENTRIES[0]})
    _fails(raw, "expected a JSON array")


@pytest.mark.raw
def test_real_edition_row_is_the_registry_s(raw_dir: Path, tmp_path: Path) -> None:
    """The known file: the day it last changed in the publisher's repository, 2026-02-25, even
    under a provenance record that says otherwise."""
    (row,) = restcountries.parse(raw_dir).tables["edition"].to_dicts()
    assert (row["edition"], row["published"]) == (date(2026, 2, 25), date(2026, 2, 25))
    copy = tmp_path / "geo" / "countriesV3.1.json"
    copy.parent.mkdir()
    shutil.copyfile(raw_dir / "geo/countriesV3.1.json", copy)
    stated(copy, STATED)
    assert restcountries.parse(tmp_path).tables["edition"]["edition"].to_list() == [
        date(2026, 2, 25)
    ]
