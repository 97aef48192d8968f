"""Kiel tracker parser: small extracts in the website CSV shape, then the real Release 29 files."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from etl import kiel
from tests.helpers import refused

RELEASE = [
    '"release","period","date","label"',
    '"29","04/2026","2026-08-04","Ukraine Support Tracker, Release 29 (04/2026)"',
]
FLOWS = [
    '"country","iso","year","month","total","financial","humanitarian","military","commitments",'
    '"to_be_allocated","gdp","pct_gdp"',
    '"Germany","DEU",2022,3,0.5,0.1,0.1,0.3,0.6,0.1,3867.05,0.01293',  # line 2
    '"Germany","DEU",2022,5,0.25,0,0.05,0.2,0.25,0,3867.05,0.006465',
    '"EU (Commission and Council)","EU",2022,3,1.6855,1.2705,0.415,0,1.0855,-0.6,0,0',
    '"Turkiye","TUR",2022,8,0.07,0,0.004,0.066,0.07,NA,692.5,0.0101083',  # line 5
    '"United States","USA",2025,1,0.482918,0,0,0.482918,0,-0.482918,19712.76,0.00244977',
]
SHARES = [
    '"country","iso","bilateral_pct_gdp","eu_share_pct_gdp","total_pct_gdp","eu_share_bn"',
    '"Germany","DEU",0.019395,0.530646,0.550041,19.112542',
]
WEAPONS = [
    '"donor","category","number_of_weapons","monetary_value_eur","weapons_list"',
    '"Germany","Tanks",90,206006134,"Leopard-1A5 (42); M-84 tank (30); Leopard 2A6 (18)"',
    '"United States","Air Defense",3,1500000000,"National Advanced Surface-to-Air Missile System '
    '(NASAMS) (2); Patriot (1)"',
]


def write(raw: Path, name: str, lines: list[str], eol: str = "\n") -> Path:
    (raw / "kiel").mkdir(parents=True, exist_ok=True)
    path = raw / "kiel" / name
    path.write_text(eol.join(lines) + eol, encoding="utf-8")
    return path


def write_raw(raw: Path) -> None:
    """The `raw` fixture's files (tests/conftest.py)."""
    write(raw, "release_info.csv", RELEASE)
    write(raw, "data_explorer.csv", FLOWS)
    write(raw, "eu_aid_shares.csv", SHARES)
    write(raw, "weapons.csv", WEAPONS)


def test_monthly_rows(raw: Path) -> None:
    monthly = kiel.parse(raw).tables["kiel_aid_monthly"]
    assert monthly.columns == [
        "donor",
        "iso3",
        "year",
        "month",
        "total_eur_bn",
        "financial_eur_bn",
        "humanitarian_eur_bn",
        "military_eur_bn",
        "commitments_eur_bn",
        "to_be_allocated_eur_bn",
        "gdp_eur_bn",
        "pct_gdp",
        "release",
    ]
    assert monthly.rows() == [
        (
            "EU (Commission and Council)",
            None,
            2022,
            3,
            1.6855,
            1.2705,
            0.415,
            0.0,
            1.0855,
            -0.6,
            None,
            None,
            "29",
        ),  # gdp 0 / pct 0 placeholders become NULL
        ("Germany", "DEU", 2022, 3, 0.5, 0.1, 0.1, 0.3, 0.6, 0.1, 3867.05, 0.01293, "29"),
        ("Germany", "DEU", 2022, 5, 0.25, 0.0, 0.05, 0.2, 0.25, 0.0, 3867.05, 0.006465, "29"),
        ("Turkiye", "TUR", 2022, 8, 0.07, 0.0, 0.004, 0.066, 0.07, None, 692.5, 0.0101083, "29"),
        (
            "United States",
            "USA",
            2025,
            1,
            0.482918,
            0.0,
            0.0,
            0.482918,
            0.0,
            -0.482918,
            19712.76,
            0.00244977,
            "29",
        ),
    ]


def test_donor_totals_are_sums_of_monthly_flows(raw: Path) -> None:
    donor = kiel.parse(raw).tables["kiel_aid_donor"]
    rows = {r["donor"]: r for r in donor.to_dicts()}
    assert list(rows) == ["EU (Commission and Council)", "Germany", "Turkiye", "United States"]
    germany = rows["Germany"]
    assert germany == {
        "donor": "Germany",
        "iso3": "DEU",
        "total_eur_bn": 0.75,
        "military_eur_bn": 0.5,
        "financial_eur_bn": 0.1,
        "humanitarian_eur_bn": pytest.approx(0.15),
        "pct_gdp": pytest.approx(0.019395),
        "eu_share_eur_bn": 19.112542,
        "eu_share_pct_gdp": 0.530646,
        "release": "29",
        "period": "04/2026",
    }
    eu = rows["EU (Commission and Council)"]
    assert (eu["iso3"], eu["total_eur_bn"], eu["pct_gdp"], eu["eu_share_eur_bn"]) == (
        None,
        1.6855,
        None,
        None,
    )
    assert rows["United States"]["eu_share_eur_bn"] is None  # not an EU member


def test_source_files(raw: Path) -> None:
    files = {f.name: f for f in kiel.parse(raw).files}
    assert {n: f.rows for n, f in files.items()} == {
        "kiel/data_explorer.csv": 5,
        "kiel/eu_aid_shares.csv": 1,
        "kiel/release_info.csv": 4,
    }
    assert {f.edition for f in files.values()} == {"Release 29 (04/2026), 2026-08-04"}


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["CRLF", "CR-only"])
def test_other_line_endings(raw: Path, eol: str) -> None:
    write(raw, "data_explorer.csv", FLOWS, eol)
    assert kiel.parse(raw).tables["kiel_aid_monthly"].height == 5


def test_heavy_weapons(raw: Path) -> None:
    parsed = kiel.parse_weapons(raw)
    assert parsed.tables["kiel_heavy_weapons"].rows() == [
        (
            "Germany",
            "DEU",
            "Tanks",
            90,
            206006134.0,
            "Leopard-1A5 (42); M-84 tank (30); Leopard 2A6 (18)",
            "29",
        ),
        (
            "United States",
            "USA",
            "Air Defense",
            3,
            1.5e9,
            "National Advanced Surface-to-Air Missile System (NASAMS) (2); Patriot (1)",
            "29",
        ),
    ]
    assert [f.name for f in parsed.files] == ["kiel/weapons.csv"]


_fails = partial(refused, parse=kiel.parse)


def _flows(raw: Path, line: int, old: str, new: str) -> None:
    lines = list(FLOWS)
    lines[line - 1] = lines[line - 1].replace(old, new)
    write(raw, "data_explorer.csv", lines)


def test_iso_column_must_match_the_name(raw: Path) -> None:
    _flows(raw, 3, '"DEU"', '"FRA"')
    _fails(raw, "kiel/data_explorer.csv", "row 3", "column iso", "'Germany' is DEU")


def test_eu_institutions_must_not_carry_a_country_code(raw: Path) -> None:
    _flows(raw, 4, '"EU"', '"BEL"')
    _fails(raw, "row 4", "is not a country, the file says 'BEL'")


def test_unknown_donor(raw: Path) -> None:
    _flows(raw, 5, '"Turkiye"', '"Ruritania"')
    _fails(raw, "kiel/data_explorer.csv", "unknown country name(s) 'Ruritania'")


def test_text_in_a_number_column(raw: Path) -> None:
    _flows(raw, 2, ",0.5,", ",half,")
    _fails(raw, "row 2", "column total", "'half' is not a number")


def test_month_out_of_range(raw: Path) -> None:
    _flows(raw, 6, ",2025,1,", ",2025,13,")
    _fails(raw, "row 6", "column month", "'13' is out of range")


def test_missing_column(raw: Path) -> None:
    _flows(raw, 1, ',"pct_gdp"', "")
    _fails(raw, "row 1", "missing column(s) ['pct_gdp']")


def test_duplicate_donor_month(raw: Path) -> None:
    write(raw, "data_explorer.csv", [*FLOWS, FLOWS[1]])
    _fails(raw, "row 7", "('Germany', 2022, 3) also at line 2")


def test_eu_share_for_a_donor_without_flows(raw: Path) -> None:
    write(raw, "eu_aid_shares.csv", [*SHARES, '"Malta","MLT",0.01,0.5,0.51,0.07'])
    _fails(raw, "kiel/eu_aid_shares.csv", "row 3", "'Malta' is not in kiel/data_explorer.csv")


def test_release_info_must_have_one_row(raw: Path) -> None:
    write(raw, "release_info.csv", [*RELEASE, RELEASE[1]])
    _fails(raw, "kiel/release_info.csv", "expected one release row, found 2")


def test_duplicated_column_and_empty_release(raw: Path) -> None:
    _flows(raw, 1, '"gdp"', '"total"')
    _fails(raw, "kiel/data_explorer.csv", "row 1", "duplicated column(s) ['total']")
    write(raw, "release_info.csv", [RELEASE[0], '"","04/2026","2026-08-04",""'])
    _fails(raw, "kiel/release_info.csv", "row 2", "empty ['release']")


def test_not_utf8(raw: Path) -> None:
    path = write(raw, "data_explorer.csv", FLOWS)
    path.write_bytes(path.read_bytes().replace(b"Turkiye", "Türkiye".encode("latin-1")))
    _fails(raw, "kiel/data_explorer.csv", "row 5", "not UTF-8")


def test_weapons_list_must_add_up(raw: Path) -> None:
    write(raw, "weapons.csv", [WEAPONS[0], WEAPONS[1].replace(",90,", ",91,")])
    _fails(
        raw,
        "kiel/weapons.csv",
        "row 2",
        "does not add up to number_of_weapons 91",
        parse=kiel.parse_weapons,
    )


@pytest.mark.raw
def test_real_files(raw_dir: Path) -> None:
    parsed = kiel.parse(raw_dir)
    monthly, donor = parsed.tables["kiel_aid_monthly"], parsed.tables["kiel_aid_donor"]
    assert monthly.height == 1079 and donor.height == 42

    def total(name: str, column: str = "total_eur_bn") -> float:
        return donor.filter(pl.col("donor") == name)[column].item()

    assert total("United States") == pytest.approx(115.38065, abs=1e-6)
    assert total("United States", "military_eur_bn") == pytest.approx(64.616886, abs=1e-6)
    assert total("Germany") == pytest.approx(29.927507, abs=1e-6)
    assert total("EU (Commission and Council)") == pytest.approx(84.425291, abs=1e-6)
    assert total("EU (Commission and Council)", "pct_gdp") is None
    assert total("Germany", "eu_share_eur_bn") == 19.112542
    assert donor.filter(pl.col("iso3").is_null())["donor"].to_list() == [
        "EU (Commission and Council)"
    ]
    assert set(donor["release"]) == {"29"} and set(donor["period"]) == {"04/2026"}

    # Flows, not stocks: summed per month over donors they equal total_allocations.csv, and
    # summed per donor their pct_gdp equals eu_aid_shares.csv (Slovenia is the one exception).
    allocations = pl.read_csv(raw_dir / "kiel/total_allocations.csv")
    by_month = monthly.group_by("year", "month").agg(pl.col("total_eur_bn").sum())
    joined = allocations.join(by_month, on=["year", "month"])
    assert joined.height == allocations.height == 52
    assert (joined["total_allocations"] - joined["total_eur_bn"]).abs().max() < 1e-9
    shares = pl.read_csv(raw_dir / "kiel/eu_aid_shares.csv").join(
        donor, left_on="iso", right_on="iso3"
    )
    gap = shares.with_columns(gap=(pl.col("bilateral_pct_gdp") - pl.col("pct_gdp")).abs())
    assert gap.filter(pl.col("gap") > 1e-4)["iso"].to_list() == ["SVN"]

    weapons = kiel.parse_weapons(raw_dir).tables["kiel_heavy_weapons"]
    assert weapons.height == 61 and weapons["donor"].n_unique() == 24


def test_the_release_is_one_edition_row_dated_by_release_info(raw: Path) -> None:
    """release_info.csv's own date, whatever the files' mtimes; parse_weapons adds no row."""
    write(raw, "release_info.csv", [RELEASE[0], RELEASE[1].replace("2026-08-04", "2026-09-01")])
    assert kiel.parse(raw).tables["edition"].to_dicts() == [
        {
            "source": "kiel",
            "edition": date(2026, 9, 1),
            "published": date(2026, 9, 1),
            "definition": "Ukraine Support Tracker, Release 29",
            "price_base_year": None,
            "file": "kiel/release_info.csv",
            "first_year": 2022,
            "last_year": 2025,
        }
    ]
    assert "edition" not in kiel.parse_weapons(raw).tables


def test_a_release_date_that_is_not_a_date_is_refused(raw: Path) -> None:
    write(raw, "release_info.csv", [RELEASE[0], RELEASE[1].replace("2026-08-04", "04/08/2026")])
    _fails(raw, "kiel/release_info.csv", "row 2", "column date", "'04/08/2026' is not a date")


@pytest.mark.raw
def test_real_edition_row(raw_dir: Path) -> None:
    (row,) = kiel.parse(raw_dir).tables["edition"].to_dicts()
    assert (row["edition"], row["published"], row["definition"]) == (
        date(2026, 8, 4),
        date(2026, 8, 4),
        "Ukraine Support Tracker, Release 29",
    )
    assert row["file"] == "kiel/release_info.csv"
    assert (row["first_year"], row["last_year"]) == (2022, 2026)
