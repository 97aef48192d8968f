"""REST Countries v3.1 (geo/countriesV3.1.json) → `country`, plus the project's historical states.

cca3 is ISO 3166-1 alpha-3 except for Kosovo, which REST Countries files under 'UNK' (a
user-assigned placeholder, not a code anyone else uses). It becomes XKX, the code the World Bank
and the European Commission use (data/country_overrides.csv), both as Kosovo's own code and in
its neighbours' borders lists, so that borders join to `country.iso3`.

The historical states (Soviet Union, Czechoslovakia, ...) come from data/historical_states.csv;
REST Countries knows only today's states. Their region, borders and cca2 stay NULL.

The file is one `edition` row. The JSON carries no date, so the day comes from the registry
(known bytes) or the file's provenance record (the server's Last-Modified at download); a file
with neither is refused, after every other check, in one line (etl/sources/restcountries.py).
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import polars as pl

from core.errors import EtlError
from etl.countries import HISTORICAL, is_known_code
from etl.rawfiles import CONTROL, Parsed, find
from etl.sources import provenance
from etl.sources import restcountries as source
from etl.sources.base import edition_frame

RENAMED = {"UNK": "XKX"}  # REST Countries code -> project code (Kosovo)
NEIGHBOURS_OF_CONCERN = {"RUS", "BLR"}
ISO3 = re.compile(r"[A-Z]{3}")

SCHEMA = {
    "iso3": pl.Utf8,
    "name": pl.Utf8,
    "cca2": pl.Utf8,
    "capital": pl.Utf8,
    "capital_lat": pl.Float64,
    "capital_lon": pl.Float64,
    "region": pl.Utf8,
    "subregion": pl.Utf8,
    "borders": pl.List(pl.Utf8),
    "borders_russia_or_belarus": pl.Boolean,
    "is_historical": pl.Boolean,
    "source": pl.Utf8,
}


def _load(path: Path, name: str) -> list:
    try:
        entries = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise EtlError(f"not UTF-8 (byte offset {e.start})", file=name) from None
    except json.JSONDecodeError as e:
        problem = f"malformed JSON: {e.msg} (column {e.colno})"
        raise EtlError(problem, file=name, row=e.lineno) from None
    if not isinstance(entries, list):
        raise EtlError(f"expected a JSON array, found {type(entries).__name__}", file=name)
    return entries


def _country(entry: object, index: int, name: str) -> dict:
    label = f"entry {index}"

    def get(path: str, kind: type):
        value = entry
        for key in path.split("."):
            if not isinstance(value, dict) or key not in value:
                raise EtlError(f"{label}: missing field {path!r}", file=name, column=path)
            value = value[key]
        if not isinstance(value, kind):
            raise EtlError(f"{label}: {path!r} is {value!r}", file=name, column=path)
        if isinstance(value, str) and (bad := CONTROL.search(value)):
            problem = f"{label}: {path!r} holds a control character (U+{ord(bad.group()):04X})"
            raise EtlError(problem, file=name, row=index, column=path)
        return value

    cca3 = get("cca3", str)
    label = f"entry {index} (cca3 {cca3!r})"
    iso3 = RENAMED.get(cca3, cca3)
    if not is_known_code(iso3):
        raise EtlError(f"{label}: unknown code", file=name, column="cca3")
    capitals = get("capital", list)
    if not all(isinstance(c, str) for c in capitals):
        raise EtlError(f"{label}: capital is {capitals!r}", file=name, column="capital")
    # Checked here, not only at load, so the entry is named before the file's date is asked for.
    if bad := next((m for c in capitals if (m := CONTROL.search(c))), None):
        problem = f"{label}: 'capital' holds a control character (U+{ord(bad.group()):04X})"
        raise EtlError(problem, file=name, row=index, column="capital")
    latlng = get("capitalInfo.latlng", list)  # [] for places without a capital (Antarctica)
    if len(latlng) not in (0, 2) or not all(isinstance(x, int | float) for x in latlng):
        raise EtlError(f"{label}: capitalInfo.latlng is {latlng!r}", file=name, column="latlng")
    borders = get("borders", list)
    if bad := [b for b in borders if not isinstance(b, str) or not ISO3.fullmatch(b)]:
        raise EtlError(f"{label}: bad border code(s) {bad}", file=name, column="borders")
    borders = [RENAMED.get(b, b) for b in borders]
    return {
        "iso3": iso3,
        "name": get("name.common", str),
        "cca2": get("cca2", str),
        "capital": capitals[0] if capitals else None,  # South Africa lists 3, Palestine 2
        "capital_lat": float(latlng[0]) if latlng else None,
        "capital_lon": float(latlng[1]) if latlng else None,
        "region": get("region", str),
        "subregion": get("subregion", str) or None,  # '' for Antarctica and a few islands
        "borders": borders,
        "borders_russia_or_belarus": bool(NEIGHBOURS_OF_CONCERN & set(borders)),
        "is_historical": False,
        "source": "restcountries",
    }


def _historical() -> list[dict]:
    source = HISTORICAL.relative_to(HISTORICAL.parent.parent).as_posix()
    with HISTORICAL.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    try:
        return [
            {
                "iso3": r["iso3"],
                "name": r["name"],
                "capital": r["capital"] or None,
                "capital_lat": float(r["capital_lat"]),
                "capital_lon": float(r["capital_lon"]),
                "is_historical": True,
                "source": source,
            }
            for r in rows
        ]
    except (KeyError, ValueError, TypeError) as e:
        raise EtlError(f"bad row: {e}", file=source) from None


def _stated_day(path: Path, name: str) -> date:
    """When these bytes were public: the registry's day, else the provenance record's."""
    if known := source.SOURCE.genuine(path):
        return known.published
    if stated := provenance.published(path):
        return stated
    raise EtlError(
        "no release date: the JSON states none, etl/sources/restcountries.py does not know "
        "these bytes and no provenance record names their publication date (add a Known entry "
        "with the day the file last changed)",
        file=name,
    )


def parse(raw_dir: Path) -> Parsed:
    path = find(raw_dir, source.SOURCE.patterns[0])
    name = path.relative_to(raw_dir).as_posix()
    current = [_country(entry, i, name) for i, entry in enumerate(_load(path, name))]
    history = _historical()
    places = [f"entry {i}" for i in range(len(current))]
    places += [f"{row['source']} line {j + 2}" for j, row in enumerate(history)]
    seen: dict[str, str] = {}  # iso3 -> where it first appeared
    for where, row in zip(places, current + history, strict=True):
        if row["iso3"] in seen:
            problem = f"{where}: {row['iso3']} appears twice (first at {seen[row['iso3']]})"
            raise EtlError(problem, file=name, column="iso3")
        seen[row["iso3"]] = where
    if unknown := sorted({b for r in current for b in r["borders"]} - seen.keys()):
        raise EtlError(f"borders name codes with no entry: {unknown}", file=name, column="borders")

    table = pl.DataFrame(
        current + history, schema=SCHEMA
    )  # missing keys of the historical rows become NULL
    edition = re.search(r"V(\d+(?:\.\d+)*)", path.name)
    row = edition_frame(
        source=source.SOURCE.key,
        edition=_stated_day(path, name),  # last: a damaged file is named by what broke first
        definition="REST Countries: names, capitals, regions and land borders",
        price_base_year=None,
        file=name,
        first_year=None,  # today's states, not figures by year
        last_year=None,
    )
    return Parsed(
        tables={"country": table, "edition": row},
        files=[
            source.SOURCE.describe(
                path,
                raw_dir,
                edition=f"v{edition.group(1)}" if edition else "unversioned",
                url=source.URL.format(name=path.name),
                rows=len(current),
            )
        ],
    )
