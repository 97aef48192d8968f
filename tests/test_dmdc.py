"""DMDC's location report: workbooks built with the real file's quirks, the refusals, the real
report's published figures, and the dashboard showing them with their caveat.

The fixture copies the layout of DMDC_Website_Location_Report_2512.xlsx (31 December 2025):
four title lines ending 'As of <Month D, YYYY>', a two-row header whose component groups are
merged across their services (and LOCATION, DUTY STATE / COUNTRY, GRAND TOTAL down two rows),
the block label in column A merged down its rows, GEORGIA both a state and a country, US
territories in both blocks (one truncated: NORTHERN MARIANA), the military-mail 'states',
ZZ-UNKNOWN closing each block, UNITED STATES TOTAL merged across A:B, OVERSEAS TOTAL with a
blank ' ' name cell, GRAND TOTAL, a stray ' ' cell below it, notes and a 'Prepared by' line.
Every figure is distinct, so a read from the wrong cell shows. Its as-of date (30 September
2025) is not a known report's, so no documented gap or published total applies unless a test
sets one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from etl import dmdc
from etl.sources import dmdc as registry
from tests.dashboard_db import dashboard_db
from tests.fixturebooks import stamp_modified
from tests.helpers import refused

ROOT = Path(__file__).resolve().parent.parent
NAME = "DMDC_Website_Location_Report_2509.xlsx"  # not the known 2512 report's name
FILE = f"dmdc/{NAME}"
SHEET = "LOCATION COUNTRY REPORT"
SAVED = date(2025, 11, 20)
GROUPS = {  # group header -> services, as printed
    "ACTIVE DUTY": ["ARMY", "NAVY", "MARINE CORPS", "AIR FORCE", "SPACE FORCE", "COAST GUARD"],
    "NATIONAL GUARD / RESERVE": ["ARMY NATIONAL GUARD", "ARMY RESERVE", "NAVY RESERVE",
                                 "MARINE CORPS RESERVE", "AIR NATIONAL GUARD",
                                 "AIR FORCE RESERVE", "COAST GUARD RESERVE"],
    "APF DOD CIVILIAN": ["ARMY", "NAVY", "MARINE CORPS", "AIR FORCE", "4TH ESTATE (DOD)"],
}  # fmt: skip
HOME = ["ALABAMA", "ARMED FORCES EUROPE", "GEORGIA", "GUAM", "NORTHERN MARIANA",
        "VIRGIN ISLANDS", "ZZ-UNKNOWN"]  # fmt: skip
ABROAD = ["BAHAMAS, THE", "CONGO (KINSHASA)", "GEORGIA", "GERMANY", "GUAM", "KOREA, SOUTH",
          "POLAND", "VIRGIN ISLANDS, U.S.", "WAKE ISLAND", "ZZ-UNKNOWN"]  # fmt: skip
FIRST = 7  # Excel row of the first place (ALABAMA) when nothing is added above the title


def row_of(key: str) -> int:
    """The Excel row of 'home:PLACE' or 'abroad:PLACE' in the fixture as built by default."""
    block, place = key.split(":")
    if block == "home":
        return FIRST + HOME.index(place)
    return FIRST + len(HOME) + 1 + ABROAD.index(place)


KINDS = {
    ("united_states", "ALABAMA"): ("us_state", None),
    ("united_states", "ARMED FORCES EUROPE"): ("us_military_mail", None),
    ("united_states", "GEORGIA"): ("us_state", None),
    ("united_states", "GUAM"): ("us_territory", "GUM"),
    ("united_states", "NORTHERN MARIANA"): ("us_territory", "MNP"),
    ("united_states", "VIRGIN ISLANDS"): ("us_territory", "VIR"),
    ("united_states", "ZZ-UNKNOWN"): ("unknown", None),
    ("overseas", "BAHAMAS, THE"): ("foreign", "BHS"),
    ("overseas", "CONGO (KINSHASA)"): ("foreign", "COD"),
    ("overseas", "GEORGIA"): ("foreign", "GEO"),
    ("overseas", "GERMANY"): ("foreign", "DEU"),
    ("overseas", "GUAM"): ("us_territory", "GUM"),
    ("overseas", "KOREA, SOUTH"): ("foreign", "KOR"),
    ("overseas", "POLAND"): ("foreign", "POL"),
    ("overseas", "VIRGIN ISLANDS, U.S."): ("us_territory", "VIR"),
    ("overseas", "WAKE ISLAND"): ("us_territory", "UMI"),
    ("overseas", "ZZ-UNKNOWN"): ("unknown", None),
    ("united_states", "UNITED STATES TOTAL"): ("total", None),
    ("overseas", "OVERSEAS TOTAL"): ("total", None),
    ("all", "GRAND TOTAL"): ("total", None),
}


def figure(block: int, place: int, column: int) -> int:
    """A service's figure: distinct per block, place and column (zero for a few cells)."""
    return 0 if (place + column) % 7 == 0 else block * 10_000 + place * 100 + column


def _values(block: int, place: int) -> list[int]:
    """The 22 figures of a row: services, each group's TOTAL, then the GRAND TOTAL."""
    out, grand, column = [], 0, 0
    for services in GROUPS.values():
        parts = []
        for _ in services:
            parts.append(figure(block, place, column))
            column += 1
        out += [*parts, sum(parts)]
        grand += sum(parts)
    return [*out, grand]


Edit = Callable[[openpyxl.worksheet.worksheet.Worksheet, dict[str, int]], None]


def book(
    raw: Path, *, as_of: str = "As of September 30, 2025", above: int = 0, edit: Edit | None = None
) -> Path:
    """The fixture report in raw/dmdc/. `above` blank rows push the table down; `edit(ws, rows)`
    changes cells before the save (rows: 'home:GEORGIA', 'abroad:GERMANY', 'UNITED STATES
    TOTAL', ... -> Excel row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    top = 1 + above
    for i, line in enumerate(
        [
            "Number of Military and DoD Appropriated Fund (APF) Civilian Personnel",
            "By Assigned Duty Location and Service/Component",
            "Sources: Active Duty Master File, RCCPDS File, APF Civilian Master File",
            as_of,
        ]
    ):
        ws.cell(top + i, 1, line)
    head = top + 4
    ws.cell(head, 1, "LOCATION")
    ws.cell(head, 2, "DUTY STATE / COUNTRY")
    ws.merge_cells(start_row=head, end_row=head + 1, start_column=1, end_column=1)
    ws.merge_cells(start_row=head, end_row=head + 1, start_column=2, end_column=2)
    col = 3
    for group, services in GROUPS.items():
        ws.cell(head, col, group)
        for j, service in enumerate([*services, "TOTAL"]):
            ws.cell(head + 1, col + j, service)
        ws.merge_cells(
            start_row=head, end_row=head, start_column=col, end_column=col + len(services)
        )
        col += len(services) + 1
    ws.cell(head, col, "GRAND TOTAL")
    ws.merge_cells(start_row=head, end_row=head + 1, start_column=col, end_column=col)

    rows: dict[str, int] = {}
    r = head + 2
    sums: dict[int, list[int]] = {}
    for block, (label, places, prefix) in enumerate(
        [("UNITED STATES", HOME, "home"), ("OVERSEAS", ABROAD, "abroad")], 1
    ):
        first = r
        ws.cell(r, 1, label)
        for p, place in enumerate(places, 1):
            values = _values(block, p)
            ws.cell(r, 2, place)
            for j, v in enumerate(values):
                ws.cell(r, 3 + j, v)
            sums[block] = [a + b for a, b in zip(sums.get(block, [0] * 22), values, strict=True)]
            rows[f"{prefix}:{place}"] = r
            r += 1
        ws.merge_cells(start_row=first, end_row=r - 1, start_column=1, end_column=1)
        ws.cell(r, 1, f"{label} TOTAL")
        if block == 1:
            ws.merge_cells(start_row=r, end_row=r, start_column=1, end_column=2)
        else:
            ws.cell(r, 2, " ")  # DMDC's blank name cell
        for j, v in enumerate(sums[block]):
            ws.cell(r, 3 + j, v)
        rows[f"{label} TOTAL"] = r
        r += 1
    ws.cell(r, 1, "GRAND TOTAL")
    for j, (a, b) in enumerate(zip(sums[1], sums[2], strict=True)):
        ws.cell(r, 3 + j, a + b)
    rows["GRAND TOTAL"] = r
    ws.cell(r + 1, 6, " ")
    ws.cell(r + 3, 1, "Notes: ")
    ws.cell(r + 4, 1, "The table does not include all personnel on temporary duty, or deployed.")
    ws.cell(r + 6, 1, "Prepared by the Defense Manpower Data Center on November 20, 2024.")
    if edit:
        edit(ws, rows)
    path = raw / "dmdc" / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return stamp_modified(path, SAVED)


_fails = partial(refused, parse=dmdc.parse)  # parsing raw/ is refused in one line


def _set(key: str, column: int, value: object) -> Edit:
    """An edit: the cell of row `key` in Excel column `column` (1 = A) set to value."""

    def edit(ws, rows) -> None:
        ws.cell(rows[key], column).value = value  # cell(r, c, None) would leave it as it was

    return edit


# --- the fixture: what is read ------------------------------------------------------------------


def test_every_place_is_read_by_its_block_and_headers(tmp_path):
    book(tmp_path)
    parsed = dmdc.parse(tmp_path)
    forces = parsed.tables["us_forces"]
    kinds = {
        (s, loc): (k, iso3)
        for s, loc, k, iso3 in forces.select("section", "location", "kind", "iso3").unique().rows()
    }
    assert kinds == KINDS  # GEORGIA a state at home and a country abroad; territories in both
    assert set(forces["as_of"]) == {date(2025, 9, 30)}  # from the title, not the file name
    assert set(forces["edition"]) == {SAVED} and set(forces["file"]) == {FILE}
    assert forces.height == len(KINDS) * 22  # every place and total row, every column
    germany = forces.filter(location="GERMANY")
    columns = zip(germany["component"], germany["service"], strict=True)
    cell = dict(zip(columns, germany["personnel"], strict=True))
    assert cell[("active_duty", "army")] == figure(2, 4, 0) == 20400
    assert cell[("guard_reserve", "navy_reserve")] == figure(2, 4, 8)
    assert cell[("civilian", "4th_estate_dod")] == figure(2, 4, 17)
    assert cell[("all", "total")] == _values(2, 4)[-1]
    assert set(germany["sheet_row"]) == {row_of("abroad:GERMANY")}
    (edition,) = parsed.tables["edition"].rows(named=True)
    edition.pop("published", None)  # the edition's own date unless a later copy (base.py)
    assert edition == {
        "source": "dmdc",
        "edition": SAVED,
        "definition": "assigned US military and DoD civilian personnel",
        "price_base_year": None,
        "file": FILE,
        "first_year": 2025,
        "last_year": 2025,
    }
    (described,) = parsed.files
    assert described.edition == "2025-11-20 (as of 2025-09-30)" and described.rows == 22 * 20 + 1


def test_columns_are_found_by_their_headers_not_their_place(tmp_path):
    """Two services swapped under ACTIVE DUTY, with their figures, and the table three rows
    lower: the same tidy rows."""
    book(tmp_path)
    expected = dmdc.parse(tmp_path).tables["us_forces"].drop("sheet_row")

    def swap(ws, rows) -> None:  # ARMY (C) and NAVY (D), header and figures
        for r in range(1, ws.max_row + 1):
            a, b = ws.cell(r, 3).value, ws.cell(r, 4).value
            if r != 3 + 5:  # not the group-header row: 'ACTIVE DUTY' stays in C, D is merged
                ws.cell(r, 3, b)
                ws.cell(r, 4, a)

    book(tmp_path, above=3, edit=swap)
    moved = dmdc.parse(tmp_path).tables["us_forces"].drop("sheet_row")
    assert moved.sort(moved.columns).equals(expected.sort(expected.columns))


def test_an_as_of_written_day_first_is_read(tmp_path):
    book(tmp_path, as_of="Personnel as of 30 September 2025")
    assert set(dmdc.parse(tmp_path).tables["us_forces"]["as_of"]) == {date(2025, 9, 30)}


def test_no_report_in_the_raw_dir_loads_no_us_forces(tmp_path):
    """etl refresh cannot download DMDC's report: a raw dir without one still builds."""
    parsed = dmdc.parse(tmp_path)
    assert parsed.files == [] and parsed.tables["us_forces"].is_empty()
    assert parsed.tables["us_forces"].schema == dmdc.US_FORCES
    assert parsed.tables["edition"].is_empty()


# --- refusals, one line each ------------------------------------------------------------------


def test_an_unknown_country_is_named(tmp_path):
    book(tmp_path, edit=_set("abroad:POLAND", 2, "ATLANTIS"))
    row = row_of("abroad:POLAND")
    _fails(tmp_path, FILE, f"sheet {SHEET}", f"row {row}", "column B", "'ATLANTIS'",
           "data/country_overrides.csv")  # fmt: skip


def test_a_country_in_the_united_states_block_is_refused(tmp_path):
    book(tmp_path, edit=_set("home:ALABAMA", 2, "GERMANY"))
    _fails(tmp_path, f"row {FIRST}", "column B", "'GERMANY' (DEU) is not a US state or territory")


def test_a_row_whose_total_is_not_its_services_sum(tmp_path):
    def edit(ws, rows) -> None:  # Germany's Navy up by one, its totals left as printed
        ws.cell(rows["abroad:GERMANY"], 4, ws.cell(rows["abroad:GERMANY"], 4).value + 1)

    book(tmp_path, edit=edit)
    _fails(tmp_path, f"row {row_of('abroad:GERMANY')}", "column I (active_duty total)",
           "GERMANY active_duty total",
           "the sum of its parts", "not a gap documented")  # fmt: skip


def test_a_block_total_that_is_not_its_rows_sum(tmp_path):
    def edit(ws, rows) -> None:  # one more Space Force member in the total row, and its totals
        r = rows["OVERSEAS TOTAL"]
        for col in (7, 9, 24):
            ws.cell(r, col, ws.cell(r, col).value + 1)

    book(tmp_path, edit=edit)
    _fails(tmp_path, "column G (active_duty space_force)", "OVERSEAS TOTAL active_duty "
           "space_force", "the sum of its rows")  # fmt: skip


def test_text_in_a_figure_is_refused(tmp_path):
    row = f"row {row_of('abroad:POLAND')}"
    book(tmp_path, edit=_set("abroad:POLAND", 3, "N/A"))
    _fails(tmp_path, row, "column C (active_duty army)", "'N/A' is not a whole number")
    book(tmp_path, edit=_set("abroad:POLAND", 3, None))
    _fails(tmp_path, row, "column C (active_duty army)", "no figure")


def test_a_missing_header_is_refused(tmp_path):
    def rename(ws, rows) -> None:
        ws.cell(5, 2, "STATE")

    book(tmp_path, edit=rename)
    _fails(tmp_path, FILE, "expected one sheet with the header row 'LOCATION', 'DUTY STATE / "
           f"COUNTRY'; found none (sheets: {SHEET})")  # fmt: skip


def test_an_unknown_column_group_is_refused(tmp_path):
    def rename(ws, rows) -> None:
        ws.cell(5, 10, "RESERVE COMPONENTS")

    book(tmp_path, edit=rename)
    _fails(tmp_path, "row 5", "column J", "unknown column group 'RESERVE COMPONENTS'")


def test_a_report_without_its_date_is_refused(tmp_path):
    book(tmp_path, as_of="Quarterly")
    _fails(tmp_path, f"sheet {SHEET}", "no 'As of <date>' line")


def test_a_place_listed_twice_is_refused(tmp_path):
    book(tmp_path, edit=_set("abroad:POLAND", 2, "GERMANY"))
    rows = f"(rows {row_of('abroad:GERMANY')} and {row_of('abroad:POLAND')})"
    _fails(tmp_path, f"'GERMANY' appears twice in the overseas block {rows}")


def test_a_figure_under_no_header_is_refused(tmp_path):
    book(tmp_path, edit=_set("abroad:POLAND", 26, 5))
    _fails(tmp_path, f"row {row_of('abroad:POLAND')}", "column Z", "a figure under no header")


def test_a_missing_grand_total_is_refused(tmp_path):
    book(tmp_path, edit=_set("GRAND TOTAL", 1, "ALL"))
    _fails(tmp_path, "unknown block 'ALL'")


def test_the_published_grand_total_is_checked(tmp_path, monkeypatch):
    book(tmp_path)
    monkeypatch.setitem(registry.PUBLISHED_GRAND_TOTAL, date(2025, 9, 30), 1_000)
    # the module's own import of the registry dict is the same object
    _fails(tmp_path, "column X (all total)", "is not the 1,000 DMDC published for 2025-09-30")


def test_documented_gaps_are_accepted_and_must_all_be_there(tmp_path, monkeypatch):
    """As DMDC printed Virginia's grand total 18 too high: Germany's here. Its row and its
    block's total no longer add up; documented as such, the file parses and keeps the figure
    as printed; the same gaps documented for a file without them refuse it."""
    germany = _values(2, ABROAD.index("GERMANY") + 1)[-1]
    overseas = sum(_values(2, p)[-1] for p in range(1, len(ABROAD) + 1))

    def edit(ws, rows) -> None:
        ws.cell(rows["abroad:GERMANY"], 24, germany + 18)

    book(tmp_path, edit=edit)
    gap = f"GERMANY all total: {germany + 18:,} printed, {germany:,} the sum of its parts"
    _fails(tmp_path, f"row {row_of('abroad:GERMANY')}", "column X (all total)", gap)
    gaps = (
        registry.Gap("GERMANY", "all", "total", germany + 18, germany),
        registry.Gap("OVERSEAS TOTAL", "all", "total", overseas, overseas + 18),
    )
    monkeypatch.setitem(registry.KNOWN_GAPS, date(2025, 9, 30), gaps)
    forces = dmdc.parse(tmp_path).tables["us_forces"]
    printed = forces.filter(location="GERMANY", component="all")["personnel"].item()
    assert printed == germany + 18  # kept as printed, not corrected
    book(tmp_path)  # a file without the documented gaps: not the report as published
    _fails(tmp_path, "GERMANY all total: DMDC printed", "not the report as published")


def test_a_workbook_over_the_row_cap_is_refused_before_parsing(tmp_path, monkeypatch):
    book(tmp_path)
    monkeypatch.setenv("ALLIANCE_XLSX_ROWS", "10")
    _fails(tmp_path, FILE, "rows, over the cap of 10 (ALLIANCE_XLSX_ROWS)")


# --- the real report ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(raw_dir):
    return dmdc.parse(raw_dir)


@pytest.mark.raw
def test_the_real_report_gives_dmdc_published_figures(real):
    forces = real.tables["us_forces"]
    totals = forces.filter(service="total")

    def at(location: str, component: str = "active_duty") -> int:
        return totals.filter(location=location, component=component)["personnel"].item()

    assert at("GERMANY") == 36_436 and at("GERMANY", "all") == 49_338
    assert at("JAPAN") == 54_288 and at("KOREA, SOUTH") == 23_495 and at("POLAND") == 369
    assert (
        at("GRAND TOTAL", "all") == 2_810_601 == registry.PUBLISHED_GRAND_TOTAL[date(2025, 12, 31)]
    )
    assert set(forces["as_of"]) == {date(2025, 12, 31)}  # read from 'As of December 31, 2025'
    assert set(forces["edition"]) == {date(2026, 2, 16)}
    places = forces.select("section", "location", "kind").unique()
    kinds = places.group_by("kind").len().sort("kind")
    assert dict(kinds.rows()) == {
        "foreign": 167, "total": 3, "unknown": 2, "us_military_mail": 2, "us_state": 51,
        "us_territory": 10,
    }  # fmt: skip
    assert not forces.filter(kind="foreign")["iso3"].is_null().any()


@pytest.mark.raw
def test_a_real_report_with_a_gap_closed_is_not_the_published_one(raw_dir, tmp_path):
    """Virginia's grand total set to the sum of its parts: its documented gap is gone and the
    UNITED STATES TOTAL no longer matches its rows as documented, so the file is refused (the
    parser's check, before any checksum)."""
    (real_file,) = sorted((raw_dir / "dmdc").glob("*.xlsx"))
    wb = openpyxl.load_workbook(real_file)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "VIRGINIA")
    ws.cell(row, 24, 241_769)
    (tmp_path / "dmdc").mkdir()
    wb.save(tmp_path / "dmdc" / "DMDC_Website_Location_Report_2512-copy.xlsx")
    _fails(tmp_path, "row 65", "column X (all total)", "UNITED STATES TOTAL all total: "
           "2,572,921 printed, 2,572,754 the sum of its rows (not a gap documented")  # fmt: skip


@pytest.mark.raw
def test_a_broken_report_fails_the_build_in_one_line_and_publishes_nothing(raw_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw, ignore=shutil.ignore_patterns("*.pdf", "*.md", "dmdc"))
    book(raw, edit=_set("abroad:POLAND", 2, "ATLANTIS"))
    db = tmp_path / "alliance.duckdb"
    run = [sys.executable, "-m", "cli", "build", "--raw-dir", str(raw), "--db", str(db)]
    result = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert FILE in lines[0] and "'ATLANTIS'" in lines[0]
    assert not db.exists()


# --- the dashboard ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_db(request, tmp_path_factory) -> Path:
    return dashboard_db(request, tmp_path_factory)


def _open(db: Path, route: str, query: dict[str, str], monkeypatch) -> AppTest:
    from app import nav

    monkeypatch.setenv("ALLIANCE_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(nav.BY_KEY[route].path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_country_profile_shows_us_forces_with_the_caveat(app_db, monkeypatch):
    at = _open(app_db, "country", {"country": "DEU"}, monkeypatch)
    (metric,) = [m for m in at.metric if m.label == "US forces stationed here"]
    assert metric.value == "36,436"
    caption = "\n".join(c.value for c in at.caption)
    assert "Active-duty US military personnel assigned to Germany on 31 December 2025" in caption
    assert "49,338 with National Guard and reserve personnel and DoD civilians" in caption
    assert (
        "Assigned personnel only: rotational deployments are not in these figures (Poland shows "
        "369 assigned active-duty US personnel although thousands of US troops rotate through "
        "it)." in caption
    )


def test_the_map_of_us_forces_says_what_it_counts(app_db, monkeypatch):
    at = _open(app_db, "burden", {"map": "us_forces", "area": "world"}, monkeypatch)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    maps = [s for s in specs if s["data"] and s["data"][0].get("type") == "choropleth"]
    trace = maps[0]["data"][0]
    assert "Japan hosts the most: 54,288" in maps[0]["layout"]["title"]["text"]
    hover = dict(zip(trace["locations"], trace["customdata"], strict=True))
    assert hover["DEU"] == "36,436 on active duty (49,338 with reserve and civilians)"
    assert "GUM" not in hover  # a US territory, not a host country
    caption = "\n".join(c.value for c in at.caption)
    assert "Source: DMDC (February 2026 edition)" in caption
    assert "rotational deployments are not in these figures" in caption
    methods = _open(app_db, "methods", {}, monkeypatch)
    text = "\n".join(m.value for m in methods.markdown)
    assert "Defense Manpower Data Center" in text
    assert "Assigned personnel only: rotational deployments are not in these figures." in text


def test_the_map_and_figure_builders_alone():
    from app.views import country as country_views
    from app.views import map as map_views

    frame = pl.DataFrame(
        {
            "iso3": ["JPN", "POL", "ISL"],
            "country": ["Japan", "Poland", "Iceland"],
            "as_of": [date(2025, 12, 31)] * 3,
            "active_duty": [54_288, 369, 1],
            "guard_reserve": [476, 3, 0],
            "civilian": [6_920, 149, 1],
            "total": [61_684, 521, 2],
        }
    )
    chart = map_views.us_forces_map(frame)
    assert chart.data["band"].to_list() == [3, 1, 0]
    assert chart.data["assigned"][1] == "369 on active duty (521 with reserve and civilians)"
    assert country_views.us_forces_here(frame, "POL", "Poland") == (
        "369",
        "Active-duty US military personnel assigned to Poland on 31 December 2025 (DMDC); 521 "
        "with National Guard and reserve personnel and DoD civilians.",
    )
    assert country_views.us_forces_here(frame, "USA", "United States") is None
