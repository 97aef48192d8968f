"""Property tests: given any input, a parser returns valid rows or raises EtlError, nothing else.

Each parser gets small valid files (below) that Hypothesis then damages: fields replaced by
awkward tokens ('', 'NA', 'nan', '1e309', '1_000', '١٢', '-9', quotes, newlines), lines
duplicated or dropped, bytes flipped, inserted or cut, files re-encoded, or replaced by
arbitrary bytes or arbitrary JSON. "Valid rows" means the tables load into an in-memory
warehouse built from core/schema.sql (types, NOT NULL and primary keys hold), float columns hold
no NaN or infinity, and every source file is described with a sha256.

NATO and SIPRI get the small workbooks that tests/test_nato.py and tests/test_sipri.py build
(with every quirk of the real files), with a few cells overwritten by drawn values.

Examples are bounded (60 per test, 25 where a workbook is written; PROPERTY_EXAMPLES=500
for a longer hunt) and deadlines are off: the machine is shared, and
a slow example is not a failure here. A failure prints the smallest input Hypothesis found.
"""

from __future__ import annotations

import functools
import io
import json
import math
import os
import struct
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import EtlError
from etl import cow, kiel, memberships, nato, readers, restcountries, sipri, worldbank
from etl.build import TABLES, read_source
from etl.rawfiles import Parsed
from etl.warehouse import create_schema, insert

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "60"))  # raise it for a longer hunt
FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FAST, max_examples=max(1, EXAMPLES * 5 // 12))  # a workbook is written per example

# --- small valid inputs ---------------------------------------------------------------------

WB_CODES = list(worldbank.INDICATORS)


def _wb_series(code: str) -> str:
    return (
        '\ufeff"Data Source","World Development Indicators",\r\n\r\n'
        '"Last Updated Date","2025-07-01",\r\n\r\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\r\n'
        f'"Poland","POL","An indicator, with a comma","{code}","1.5","2.5",\r\n'
        f'"Germany","DEU","An indicator, with a comma","{code}","","3.25",\r\n'
        f'"World","WLD","An indicator, with a comma","{code}","3","4",\r\n'
    )


WB_META = (
    '\ufeff"Country Code","Region","IncomeGroup","SpecialNotes","TableName",\r\n'
    '"POL","Europe & Central Asia","High income","A note\r\nover two lines","Poland",\r\n'
    '"DEU","Europe & Central Asia","High income","","Germany",\r\n'
    '"WLD","","","","World",\r\n'
)
WORLDBANK = {
    **{f"worldbank/API_{c}_DS2_en_csv_v2_1.csv": _wb_series(c) for c in WB_CODES},
    **{f"worldbank/Metadata_Country_API_{c}_DS2_en_csv_v2_1.csv": WB_META for c in WB_CODES},
}
KIEL = {
    "kiel/release_info.csv": '"release","period","date"\n"29","Jan 2022 - Aug 2025","2025-10-01"\n',
    "kiel/data_explorer.csv": (
        '"country","iso","year","month","total","financial","humanitarian","military",'
        '"commitments","to_be_allocated","gdp","pct_gdp"\n'
        '"Poland","POL",2022,3,0.5,0.1,0.1,0.3,0.6,0,600,0.083\n'
        '"Poland","POL",2022,4,0.25,0,0,0.25,0.3,0,600,0.042\n'
        '"Germany","DEU",2022,3,1,0.5,0.25,0.25,1.2,NA,3600,0.028\n'
    ),
    "kiel/eu_aid_shares.csv": (
        '"country","iso","eu_share_pct_gdp","eu_share_bn"\n"Poland","POL",0.1,0.7\n'
    ),
    "kiel/weapons.csv": (
        '"donor","category","number_of_weapons","monetary_value_eur","weapons_list"\n'
        '"Poland","Tanks",6,120000000,"T-72 (4); PT-91 (2)"\n'
        '"Germany","Howitzers",14,NA,"PzH 2000 (14)"\n'
    ),
}
COW = {
    "cow/COW-country-codes.csv": (
        "StateAbb,CCode,StateNme\rPOL,290,Poland\rGMY,255,Germany\rPOL,290,Poland\r"
    ),
    "cow/NMC-60-abridged.csv": (
        "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\n"
        "POL,290,2015,10000,100,9000,95000,38000,23000,0.008,2021\n"
        "GMY,255,2015,40000,180,42000,450000,81000,60000,-9,2021\n"
    ),
}


def _country(cca3: str, cca2: str, name: str, capital: str, borders: list[str]) -> dict:
    return {
        "cca3": cca3,
        "cca2": cca2,
        "name": {"common": name, "official": name},
        "capital": [capital],
        "capitalInfo": {"latlng": [52.25, 21.0]},
        "region": "Europe",
        "subregion": "Central Europe",
        "borders": borders,
    }


COUNTRIES = [
    _country("POL", "PL", "Poland", "Warsaw", ["DEU"]),
    _country("DEU", "DE", "Germany", "Berlin", ["POL"]),
]
GEO = {
    "geo/countriesV3.1.json": json.dumps(COUNTRIES),
    # The JSON states no date: its provenance record's (the server's) dates the hand-made file.
    "geo/.countriesV3.1.json.provenance.json": '{"published": "2026-03-01"}',
}
FACTS = {
    "alliances.csv": (
        "code,name,kind,founded,dissolved,source_url,note\n"
        "NATO,North Atlantic Treaty Organization,treaty alliance,1949-04-04,,"
        'https://www.nato.int/a,"signed in Washington, 1949"\n'
        "WP,Warsaw Pact,treaty alliance,1955-05-14,1991-07-01,https://example.org/wp,\n"
    ),
    "memberships.csv": (
        "alliance,iso3,country,joined,departed,date_precision,source_url,note\n"
        "NATO,POL,Poland,1999-03-12,,day,https://www.nato.int/b,\n"
        "NATO,DEU,Germany,1955-05-06,,day,https://www.nato.int/c,West Germany\n"
        "WP,POL,Poland,1955-05-14,1991-07-01,day,https://example.org/wp,\n"
    ),
    "state_succession.csv": (
        "predecessor,successor,relation,source_url,note\n"
        "SUN,RUS,continuator,https://www.iso.org/x,seat and treaties\n"
    ),
}

# --- damage ---------------------------------------------------------------------------------

TOKENS = [
    "",
    " ",
    "NA",
    "-9",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "1_000",
    "١٢",
    "0x10",
    "-0",
    " 3.5 ",
    "2099",
    "1899",
    "13",
    "0",
    "-1",
    '"',
    '""',
    ",",
    "\n",
    "\r",
    "POL",
    "DEU",
    "XXX",
    "Narnia",
    "Poland",
    "NATO",
    "1999-02-30",
    "2030-01-01",
    "1949-04-04",
    "day",
    "https://example.org/x",
    "\ufeff",
    "\x00",
]
field_values = st.one_of(st.sampled_from(TOKENS), st.text(max_size=6))


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> bytes:
    """The text with a few of its comma-separated fields or lines damaged, as bytes."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["field", "field", "field", "drop", "repeat", "append"]))
        if action == "field":
            fields = lines[i].split(",")
            j = draw(st.integers(0, len(fields) - 1))
            value = draw(field_values)
            quoted = fields[j].startswith('"') and draw(st.booleans())
            fields[j] = f'"{value}"' if quoted else value
            lines[i] = ",".join(fields)
        elif action == "drop":
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[i])
        else:
            lines.append(draw(st.text(max_size=30)))
    out = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "latin-1", "cp1252"]))
    return out.encode(encoding, errors="replace")


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes with a few flipped, cut, inserted or deleted."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(0, len(buf) - 1)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip" and buf:
            buf[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del buf[at:]
        elif action == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del buf[at : at + draw(st.integers(1, 16))]
    return bytes(buf)


def damaged(files: dict[str, str]) -> st.SearchStrategy[tuple[str, bytes]]:
    """(which file, its new bytes): field damage, byte damage or arbitrary bytes."""
    return st.sampled_from(sorted(files)).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.one_of(
                damaged_text(files[name]),
                damaged_bytes(files[name].encode("utf-8")),
                st.binary(max_size=200),
            ),
        )
    )


# --- the property ---------------------------------------------------------------------------


@contextmanager
def scratch(files: dict[str, str], name: str | None = None, data: bytes = b""):
    """A temporary folder holding the valid files, with `name` replaced by `data`."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if rel == name else text.encode("utf-8"))
        yield root


def assert_valid(parsed: Parsed) -> None:
    """The rows load into the warehouse's own DDL, floats are finite, files are described."""
    assert isinstance(parsed, Parsed)
    con = duckdb.connect()
    try:
        create_schema(con)
        for table in TABLES:
            if table not in parsed.tables:
                continue
            frame = parsed.tables[table]
            assert isinstance(frame, pl.DataFrame)
            for column, dtype in frame.schema.items():
                if dtype.is_float():
                    values = frame[column].drop_nulls()
                    assert not (values.is_nan().any() or values.is_infinite().any()), column
            try:
                insert(con, table, frame)
            except duckdb.ConstraintException:
                # Repeated keys: etl.build.load refuses them with an EtlError (the primary keys
                # in schema.sql are the uniqueness check), so this is a refusal, not a crash.
                return
    finally:
        con.close()
    assert set(parsed.tables) <= set(TABLES)
    for f in parsed.files:
        assert len(f.sha256) == 64 and f.bytes >= 0 and f.rows >= 0


def parses_or_refuses(parse: Callable[[Path], Parsed], folder: Path) -> None:
    try:
        parsed = parse(folder)
    except EtlError as e:
        assert str(e).strip(), "an EtlError must say something"
        return
    assert_valid(parsed)


def test_the_valid_inputs_parse():
    """The templates themselves are valid, so damage is what the properties test."""
    for files, parse in [
        (WORLDBANK, worldbank.parse),
        (KIEL, kiel.parse),
        (KIEL, kiel.parse_weapons),
        (COW, cow.parse),
        (GEO, restcountries.parse),
        (FACTS, memberships.parse),
    ]:
        with scratch(files) as folder:
            parsed = parse(folder)
            assert_valid(parsed)
            assert all(frame.height > 0 for frame in parsed.tables.values())


@FAST
@given(damaged(WORLDBANK))
def test_worldbank(change):
    with scratch(WORLDBANK, *change) as folder:
        parses_or_refuses(worldbank.parse, folder)


@FAST
@given(damaged(KIEL))
def test_kiel(change):
    with scratch(KIEL, *change) as folder:
        parses_or_refuses(kiel.parse, folder)
        parses_or_refuses(kiel.parse_weapons, folder)


@FAST
@given(damaged(COW))
def test_cow(change):
    with scratch(COW, *change) as folder:
        parses_or_refuses(cow.parse, folder)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
COUNTRY_KEYS = ["cca3", "cca2", "name", "capital", "capitalInfo", "region", "subregion", "borders"]


@st.composite
def damaged_countries(draw: st.DrawFn) -> bytes:
    """The JSON with one field of one country replaced, removed, or the whole file replaced."""
    entries = json.loads(GEO["geo/countriesV3.1.json"])
    action = draw(st.sampled_from(["field", "field", "drop", "entry", "whole"]))
    i = draw(st.integers(0, len(entries) - 1))
    key = draw(st.sampled_from(COUNTRY_KEYS))
    if action == "field":
        entries[i][key] = draw(json_values | st.sampled_from(TOKENS))
    elif action == "drop":
        del entries[i][key]
    elif action == "entry":
        entries[i] = draw(json_values)
    else:
        return json.dumps(draw(json_values)).encode()
    return json.dumps(entries, allow_nan=True).encode()


@FAST
@given(
    st.one_of(
        damaged_countries(),
        damaged_bytes(GEO["geo/countriesV3.1.json"].encode()),
        st.binary(max_size=200),
    )
)
def test_restcountries(data):
    with scratch(GEO, "geo/countriesV3.1.json", data) as folder:
        parses_or_refuses(restcountries.parse, folder)


CHECKED_FACTS = {k: v for k, v in FACTS.items() if k != "state_succession.csv"}


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FAST
@given(
    st.sampled_from(sorted(CHECKED_FACTS)).flatmap(
        lambda name: st.tuples(st.just(name), damaged_text(FACTS[name]).filter(_is_utf8))
    )
)
def test_memberships(change):
    """Damaged (but UTF-8) alliances.csv and memberships.csv: refused or valid."""
    with scratch(FACTS, *change) as folder:
        parses_or_refuses(memberships.parse, folder)


@settings(FAST, report_multiple_bugs=False)
@given(damaged(CHECKED_FACTS))
def test_memberships_any_bytes(change):
    with scratch(FACTS, *change) as folder:
        parses_or_refuses(memberships.parse, folder)


@settings(FAST)
@given(damaged({"state_succession.csv": FACTS["state_succession.csv"]}))
def test_state_succession(change):
    with scratch(FACTS, *change) as folder:
        parses_or_refuses(memberships.parse, folder)


# --- workbooks: the NATO and SIPRI fixtures with drawn cells --------------------------------

cell_values = st.one_of(
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(-(10**6), 10**6),
    st.sampled_from(
        [
            "2014",
            "2024e",
            "2099",
            "2024",
            "n/a",
            "...",
            "xxx",
            " 1.5 ",
            "Poland*",
            "Narnia",
            "NATO Total",
            "Current prices",
            "Country",
            "Notes",
            "-7-",
            "1_000",
            "",
        ]
    ),
    st.text(max_size=8).filter(lambda s: not any(ord(c) < 32 for c in s)),
)
edits = st.lists(
    st.tuples(st.integers(0, 9), st.integers(1, 40), st.integers(1, 16), cell_values),
    min_size=1,
    max_size=6,
)


def _apply(book, changes) -> None:
    for sheet_index, row, col, value in changes:
        ws = book.worksheets[sheet_index % len(book.worksheets)]
        ws.cell(row, col, value)


@SLOW
@given(edits)
def test_nato_workbook(changes):
    from tests.test_nato import save, workbook

    book = workbook()
    _apply(book, changes)
    with tempfile.TemporaryDirectory() as folder:
        parses_or_refuses(nato.parse, save(book, Path(folder)))


@SLOW
@given(edits)
def test_sipri_workbook(changes):
    from tests.test_sipri import write_workbook

    with tempfile.TemporaryDirectory() as folder:
        write_workbook(Path(folder), lambda book: _apply(book, changes))
        parses_or_refuses(sipri.parse, Path(folder))


@functools.cache
def _workbook_bytes(which: str) -> bytes:
    """The fixture workbook's bytes, made once (openpyxl stamps the time into every save)."""
    with tempfile.TemporaryDirectory() as folder:
        if which == "nato":
            from tests.test_nato import NAME, save, workbook

            return (save(workbook(), Path(folder)) / "nato" / NAME).read_bytes()
        from tests.test_sipri import write_workbook

        return write_workbook(Path(folder)).read_bytes()


def _workbook_path(which: str) -> str:
    if which == "nato":
        from tests.test_nato import NAME
    else:
        from tests.test_sipri import NAME
    return f"{which}/{NAME}"


@SLOW
@given(st.sampled_from(["nato", "sipri"]), st.data())
def test_workbook_bytes_are_refused_by_the_build(which, data):
    """Damaged or arbitrary bytes where a workbook should be: the build's reader (the parser,
    and etl.build's guard for a reader library's own errors) refuses them with EtlError."""
    good = _workbook_bytes(which)
    bad = data.draw(st.one_of(damaged_bytes(good), st.binary(max_size=300)))
    name = _workbook_path(which)
    parse = {"nato": nato.parse, "sipri": sipri.parse}[which]
    with scratch({name: ""}, name, bad) as folder:
        parses_or_refuses(lambda raw: read_source(which.upper(), parse, raw), folder)
        try:
            read_source(which.upper(), parse, folder)
        except EtlError as e:
            assert name in str(e).splitlines()[0], "the one line names the workbook"


def _corrupt_member(data: bytes, member: str) -> bytes:
    """A zip whose directory is intact but one member's compressed bytes are damaged."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    buf = bytearray(data)
    at = info.header_offset
    name_len, extra_len = struct.unpack("<HH", buf[at + 26 : at + 30])
    start = at + 30 + name_len + extra_len
    for i in range(start + 2, start + info.compress_size - 2, 7):
        buf[i] ^= 0x5A
    return bytes(buf)


@pytest.mark.parametrize(("which", "sheet"), [("nato", "TABLE1"), ("sipri", "Share of GDP")])
def test_parsers_themselves_refuse_a_damaged_sheet(which, sheet):
    from tests.xlsxedit import Xlsx

    name = _workbook_path(which)
    with scratch({name: ""}, name, _workbook_bytes(which)) as folder:
        path = folder / name
        path.write_bytes(_corrupt_member(path.read_bytes(), Xlsx(path).sheets[sheet]))
        with pytest.raises(EtlError):
            {"nato": nato.parse, "sipri": sipri.parse}[which](folder)


def test_float_tokens_are_finite_or_refused():
    """The shared number reader: 'nan', 'inf' and '1e309' are refused, never stored."""
    for text in ["nan", "inf", "-inf", "1e309", "NaN", "Infinity"]:
        with pytest.raises(EtlError):
            readers.number(text, file="f", row=1, column="c")
    assert math.isfinite(readers.number("1_000", file="f", row=1, column="c"))


def test_column_letters_are_excels():
    """readers.column_letters, the one the workbook parsers (NATO, SIPRI, DMDC) name cells
    with, spells every column of a sheet (A to XFD) as Excel does (openpyxl's spelling)."""
    from openpyxl.utils.cell import get_column_letter

    assert [readers.column_letters(i) for i in range(16_384)] == [
        get_column_letter(i + 1) for i in range(16_384)
    ]
