"""Alliance and membership facts: the real CSVs, the as-of lookup, and one test per check."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core.errors import EtlError
from etl.memberships import ALLIANCE_COLUMNS, MEMBERSHIP_COLUMNS, members_as_of, parse
from etl.warehouse import create_schema, insert

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def real() -> dict[str, pl.DataFrame]:
    return parse(DATA).tables


@pytest.fixture(scope="module")
def membership(real: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return real["membership"]


def joined(membership: pl.DataFrame, alliance: str, iso3: str) -> date:
    rows = membership.filter((pl.col("alliance") == alliance) & (pl.col("iso3") == iso3))
    assert rows.height == 1, (alliance, iso3)
    return rows["joined"].item()


# --- the real files ---------------------------------------------------------------------------


def test_real_files_parse_into_the_schema_tables(real: dict[str, pl.DataFrame]) -> None:
    assert set(real) == {"alliance", "membership", "state_succession"}
    assert sorted(real["alliance"]["code"].to_list()) == sorted(
        ["NATO", "JEF", "B9", "UK-PL-UA", "NORDEFCO", "WEIMAR", "WARSAW", "EU"]
    )
    assert "country" not in real["membership"].columns
    con = duckdb.connect()
    try:
        create_schema(con)
        insert(con, "alliance", real["alliance"])
        insert(con, "membership", real["membership"])  # keys and foreign key hold
        assert con.execute("select count(*) from membership").fetchone() == (
            real["membership"].height,
        )
    finally:
        con.close()


def test_source_files_describe_the_two_csvs() -> None:
    files = {f.name: f for f in parse(DATA).files}
    assert set(files) == {"data/alliances.csv", "data/memberships.csv", "data/state_succession.csv"}
    m = files["data/memberships.csv"]
    assert m.publisher == "Alliance Ledger (compiled from the sources in each row)"
    assert len(m.sha256) == 64 and m.bytes > 0 and m.rows > 90


def test_every_row_cites_a_web_source(membership: pl.DataFrame) -> None:
    assert membership["source_url"].str.starts_with("https://").all()


def test_year_precision_rows_say_so_in_their_note(membership: pl.DataFrame) -> None:
    rough = membership.filter(pl.col("date_precision") == "year")
    assert rough.height >= 2
    assert rough["note"].str.contains("precision is year").all()


def test_nato_counts_through_enlargement(membership: pl.DataFrame) -> None:
    assert len(members_as_of(membership, "NATO", date(2026, 11, 25))) == 32
    assert len(members_as_of(membership, "NATO", date(2024, 3, 6))) == 31  # Sweden joins 03-07
    assert len(members_as_of(membership, "NATO", date(2023, 4, 3))) == 30  # Finland joins 04-04
    assert "SWE" in members_as_of(membership, "NATO", date(2024, 3, 7))


def test_nato_has_twelve_founders_in_1949(membership: pl.DataFrame) -> None:
    founders = members_as_of(membership, "NATO", date(1949, 12, 31))
    assert founders == sorted(
        ["BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA"]
    )


def test_germany_in_nato_from_1955_and_east_germany_never(membership: pl.DataFrame) -> None:
    assert joined(membership, "NATO", "DEU") == date(1955, 5, 6)
    nato = membership.filter(pl.col("alliance") == "NATO")
    assert "DDR" not in nato["iso3"].to_list()


def test_jef_has_ten_today(membership: pl.DataFrame) -> None:
    assert len(members_as_of(membership, "JEF", date.today())) == 10


def test_jef_held_finland_and_sweden_outside_nato(membership: pl.DataFrame) -> None:
    for day in (date(2018, 1, 1), date(2022, 6, 1), date(2023, 4, 3)):
        jef, nato = members_as_of(membership, "JEF", day), members_as_of(membership, "NATO", day)
        assert {"FIN", "SWE"} <= set(jef)
        assert not {"FIN", "SWE"} & set(nato)
    # Between Finland's accession and Sweden's, only Sweden was a JEF member outside NATO.
    day = date(2023, 12, 1)
    outside = set(members_as_of(membership, "JEF", day)) - set(
        members_as_of(membership, "NATO", day)
    )
    assert outside == {"SWE"}


def test_b9_all_joined_nato_after_the_cold_war(membership: pl.DataFrame) -> None:
    b9 = members_as_of(membership, "B9", date.today())
    assert len(b9) == 9
    for iso3 in b9:
        assert joined(membership, "NATO", iso3) > date(1991, 12, 31), iso3


def test_uk_poland_ukraine_holds_a_non_nato_member(membership: pl.DataFrame) -> None:
    trio = members_as_of(membership, "UK-PL-UA", date.today())
    assert trio == ["GBR", "POL", "UKR"]
    assert "UKR" not in members_as_of(membership, "NATO", date.today())


def test_small_formats(membership: pl.DataFrame) -> None:
    assert members_as_of(membership, "NORDEFCO", date.today()) == [
        "DNK",
        "FIN",
        "ISL",
        "NOR",
        "SWE",
    ]
    assert members_as_of(membership, "WEIMAR", date(1991, 8, 29)) == ["DEU", "FRA", "POL"]


def test_warsaw_pact_dissolved_1991_and_empty_after(real: dict[str, pl.DataFrame]) -> None:
    alliance, membership = real["alliance"], real["membership"]
    dissolved = alliance.filter(pl.col("code") == "WARSAW")["dissolved"].item()
    assert dissolved == date(1991, 7, 1)
    assert len(members_as_of(membership, "WARSAW", date(1991, 7, 1))) == 6
    assert members_as_of(membership, "WARSAW", date(1991, 7, 2)) == []
    assert members_as_of(membership, "WARSAW", date(2000, 1, 1)) == []
    assert len(members_as_of(membership, "WARSAW", date(1960, 1, 1))) == 8
    assert "ALB" not in members_as_of(membership, "WARSAW", date(1970, 1, 1))
    assert "DDR" not in members_as_of(membership, "WARSAW", date(1990, 9, 25))


def test_eu_counts_and_brexit(membership: pl.DataFrame) -> None:
    assert len(members_as_of(membership, "EU", date(1958, 1, 1))) == 6
    assert len(members_as_of(membership, "EU", date(2013, 7, 1))) == 28
    assert "GBR" in members_as_of(membership, "EU", date(2020, 1, 31))  # last day, inclusive
    assert len(members_as_of(membership, "EU", date(2020, 2, 1))) == 27
    assert len(members_as_of(membership, "EU", date.today())) == 27


# --- the checks, each with a small file --------------------------------------------------------

ALLIANCES = [
    {
        "code": "NATO",
        "name": "North Atlantic Treaty Organization",
        "kind": "treaty alliance",
        "founded": "1949-04-04",
        "dissolved": "",
        "source_url": "https://www.nato.int/cps/en/natohq/topics_52044.htm",
        "note": "",
    },
    {
        "code": "WARSAW",
        "name": "Warsaw Pact",
        "kind": "treaty alliance",
        "founded": "1955-05-14",
        "dissolved": "1991-07-01",
        "source_url": "https://history.state.gov/milestones/1953-1960/warsaw-treaty",
        "note": "",
    },
]


def member(**changes: str) -> dict[str, str]:
    row = {
        "alliance": "NATO",
        "iso3": "BEL",
        "country": "Belgium",
        "joined": "1949-08-24",
        "departed": "",
        "date_precision": "day",
        "source_url": "https://www.nato.int/cps/en/natohq/topics_52044.htm",
        "note": "",
    }
    return row | changes


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def fixture_dir(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    write(data / "alliances.csv", ALLIANCE_COLUMNS, ALLIANCES)
    write(data / "memberships.csv", MEMBERSHIP_COLUMNS, rows)
    write(data / "state_succession.csv", SUCCESSION_COLUMNS, [SUCCESSION])
    return data


SUCCESSION_COLUMNS = ["predecessor", "successor", "relation", "source_url", "note"]
SUCCESSION = {
    "predecessor": "CSK",
    "successor": "SVK",
    "relation": "successor",
    "source_url": "https://www.iso.org/obp/ui/#iso:code:3166:CSHH",
    "note": "",
}


def test_succession_rows_are_checked(tmp_path):
    data = fixture_dir(tmp_path, [member(iso3="CAN", country="Canada")])
    write(
        data / "state_succession.csv",
        SUCCESSION_COLUMNS,
        [SUCCESSION, {**SUCCESSION, "successor": "ZZZ"}],
    )
    with pytest.raises(EtlError, match="row 3, column successor: unknown code 'ZZZ'"):
        parse(data)


def fails(tmp_path: Path, bad: dict[str, str]) -> EtlError:
    """Parse a file whose second data row (line 3) is `bad`; return the error raised."""
    data = fixture_dir(tmp_path, [member(iso3="CAN", country="Canada"), bad])
    with pytest.raises(EtlError) as caught:
        parse(data)
    return caught.value


def test_small_valid_file_parses(tmp_path: Path) -> None:
    data = fixture_dir(
        tmp_path,
        [
            member(),
            member(
                alliance="WARSAW",
                iso3="ALB",
                country="Albania",
                joined="1955-05-14",
                departed="1968-09-13",
            ),
        ],
    )
    tables = parse(data).tables
    assert tables["membership"].height == 2
    assert tables["membership"]["departed"].dtype == pl.Date


def test_unknown_alliance_code(tmp_path: Path) -> None:
    err = fails(tmp_path, member(alliance="SEATO"))
    assert (err.file, err.row, err.column) == ("data/memberships.csv", 3, "alliance")
    assert "unknown alliance code 'SEATO'" in str(err)
    assert str(err).startswith("file data/memberships.csv, row 3, column alliance:")


def test_spell_that_ends_before_it_starts(tmp_path: Path) -> None:
    err = fails(tmp_path, member(joined="1999-03-12", departed="1999-03-11"))
    assert (err.file, err.row, err.column) == ("data/memberships.csv", 3, "departed")
    assert "ends before it starts" in str(err)
    assert "memberships.csv" in str(err) and "row 3" in str(err)


WARSAW_POL = {"alliance": "WARSAW", "iso3": "POL", "country": "Poland"}


@pytest.mark.parametrize(
    ("changes", "column", "said"),
    [
        ({"iso3": "XYZ"}, "iso3", "unknown ISO3 code 'XYZ'"),
        ({"iso3": "NLD", "country": "Belgium"}, "country", "'Belgium' is BEL"),
        ({"country": "Ruritania"}, "country", "unknown country name 'Ruritania'"),
        ({"joined": "1948-01-01"}, "joined", "before NATO was founded (1949-04-04)"),
        (
            WARSAW_POL | {"joined": "1992-01-01", "departed": "1993-01-01"},
            "joined",
            "after WARSAW was dissolved (1991-07-01)",
        ),
        (
            WARSAW_POL | {"joined": "1955-05-14", "departed": "1991-12-31"},
            "departed",
            "departed 1991-12-31, after WARSAW was dissolved",
        ),
        (
            WARSAW_POL | {"joined": "1955-05-14"},  # a member of a dissolved alliance must depart
            "departed",
            "has no departure, but WARSAW was dissolved on 1991-07-01",
        ),
    ],
    ids=[
        "unknown-iso3",
        "country-name-not-its-iso3",
        "unknown-country-name",
        "joined-before-founded",
        "joined-after-dissolved",
        "departed-after-dissolved",
        "no-departure-from-a-dissolved-alliance",
    ],
)
def test_a_bad_row_is_refused_naming_its_column(
    tmp_path: Path, changes: dict[str, str], column: str, said: str
) -> None:
    err = fails(tmp_path, member(**changes))
    assert (err.row, err.column) == (3, column)
    assert said in str(err)


def test_overlapping_spells(tmp_path: Path) -> None:
    data = fixture_dir(
        tmp_path,
        [
            member(iso3="FRA", country="France", departed="1966-07-01"),
            member(iso3="FRA", country="France", joined="1966-07-01"),
        ],
    )
    with pytest.raises(EtlError) as caught:
        parse(data)
    err = caught.value
    assert (err.row, err.column) == (3, "joined")
    assert "overlaps the spell from 1949-08-24 on row 2" in str(err)


def test_an_open_spell_overlaps_any_later_one(tmp_path: Path) -> None:
    err = fails(tmp_path, member(iso3="CAN", country="Canada", joined="1960-01-01"))
    assert (err.row, err.column) == (3, "joined")
    assert "overlaps" in str(err)


def test_consecutive_spells_are_fine(tmp_path: Path) -> None:
    data = fixture_dir(
        tmp_path,
        [
            member(iso3="FRA", country="France", departed="1966-06-30"),
            member(iso3="FRA", country="France", joined="1966-07-01"),
        ],
    )
    membership = parse(data).tables["membership"]
    assert members_as_of(membership, "NATO", date(1966, 6, 30)) == ["FRA"]
    assert members_as_of(membership, "NATO", date(1966, 7, 1)) == ["FRA"]


@pytest.mark.parametrize("value", ["24/08/1949", "1949-8-24", "19490824", "1949-02-30", "1949"])
def test_bad_date_format(tmp_path: Path, value: str) -> None:
    err = fails(tmp_path, member(joined=value))
    assert (err.row, err.column) == (3, "joined")
    assert f"bad date {value!r}" in str(err)


def test_missing_joined_date(tmp_path: Path) -> None:
    err = fails(tmp_path, member(joined=""))
    assert (err.row, err.column) == (3, "joined")
    assert "is empty" in str(err)


def test_empty_source_url(tmp_path: Path) -> None:
    err = fails(tmp_path, member(source_url=""))
    assert (err.file, err.row, err.column) == ("data/memberships.csv", 3, "source_url")
    assert "is empty" in str(err)


def test_source_url_must_be_a_web_address(tmp_path: Path) -> None:
    err = fails(tmp_path, member(source_url="NATO website"))
    assert (err.row, err.column) == (3, "source_url")


def test_unknown_date_precision(tmp_path: Path) -> None:
    err = fails(tmp_path, member(date_precision="month"))
    assert (err.row, err.column) == (3, "date_precision")


def test_wrong_columns(tmp_path: Path) -> None:
    data = fixture_dir(tmp_path, [member()])
    text = (data / "memberships.csv").read_text(encoding="utf-8")
    (data / "memberships.csv").write_text(text.replace("departed", "left", 1), encoding="utf-8")
    with pytest.raises(EtlError) as caught:
        parse(data)
    assert (caught.value.file, caught.value.row) == ("data/memberships.csv", 1)
    assert "expected columns" in str(caught.value)


def test_row_numbers_count_file_lines(tmp_path: Path) -> None:
    """A blank line and a quoted note spanning two lines still leave the row number true."""
    data = fixture_dir(tmp_path, [])
    path = data / "memberships.csv"
    good = ",".join(member(iso3="CAN", country="Canada").values())
    bad = member(iso3="XYZ")
    path.write_text(
        path.read_text(encoding="utf-8")
        + good[: -len(",")]
        + ',"a note\nover two lines"\n'
        + "\n"
        + ",".join(bad.values())
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(EtlError) as caught:
        parse(data)
    assert caught.value.row == 5


def test_alliance_file_checks(tmp_path: Path) -> None:
    data = fixture_dir(tmp_path, [member()])
    bad = [ALLIANCES[0] | {"kind": "club"}]
    write(data / "alliances.csv", ALLIANCE_COLUMNS, bad)
    with pytest.raises(EtlError) as caught:
        parse(data)
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        "data/alliances.csv",
        2,
        "kind",
    )
