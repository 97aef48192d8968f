"""us_forces: US personnel assigned to each host country, on the newest DMDC report."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import queries
from tests.tinydb import make_db

OLD, NEW = date(2025, 11, 20), date(2026, 2, 16)
COMPONENTS = {"active_duty": 10, "guard_reserve": 2, "civilian": 3, "all": 15}


def _rows(edition: date, section: str, location: str, kind: str, iso3: str | None, scale: int):
    """One place's rows: each component's TOTAL and a service that is not a total (which the
    query must not add in), figures `scale` times COMPONENTS."""
    base = {"edition": edition, "as_of": date(2025, 12, 31), "section": section,
            "location": location, "kind": kind, "iso3": iso3, "file": "dmdc/x.xlsx",
            "sheet_row": 1}  # fmt: skip
    rows = [
        {**base, "component": c, "service": "total", "personnel": n * scale}
        for c, n in COMPONENTS.items()
    ]
    return [*rows, {**base, "component": "active_duty", "service": "army", "personnel": 999_999}]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from core.db import connect_readonly

    rows = [
        *_rows(NEW, "overseas", "GERMANY", "foreign", "DEU", 100),
        *_rows(NEW, "overseas", "KOREA, SOUTH", "foreign", "KOR", 200),
        *_rows(NEW, "overseas", "ATLANTIS", "foreign", "ANT", 1),  # no country row: DMDC's name
        *_rows(NEW, "overseas", "GUAM", "us_territory", "GUM", 500),  # a territory: not a host
        *_rows(NEW, "overseas", "ZZ-UNKNOWN", "unknown", None, 700),
        *_rows(NEW, "overseas", "OVERSEAS TOTAL", "total", None, 1000),
        *_rows(NEW, "united_states", "GEORGIA", "us_state", None, 900),  # the state, not GEO
        *_rows(OLD, "overseas", "GERMANY", "foreign", "DEU", 50),  # an older report: not used
        *_rows(OLD, "overseas", "POLAND", "foreign", "POL", 50),
    ]
    countries = [
        {"iso3": "DEU", "name": "Germany", "is_historical": False, "source": "t"},
        {"iso3": "KOR", "name": "South Korea", "is_historical": False, "source": "t"},
    ]
    path = make_db(tmp_path_factory.mktemp("us_forces") / "t.duckdb",
                   {"us_forces": rows, "country": countries})  # fmt: skip
    db = connect_readonly(path)
    yield db
    db.close()


def test_host_countries_of_the_newest_report_only(con):
    frame = queries.run(con, "us_forces")
    assert frame.columns == queries.load("us_forces").columns()
    assert frame["iso3"].to_list() == ["KOR", "DEU", "ANT"]  # most active duty first
    korea = frame.row(0, named=True)
    assert korea["country"] == "South Korea" and korea["location"] == "KOREA, SOUTH"
    assert (korea["active_duty"], korea["guard_reserve"], korea["civilian"], korea["total"]) == (
        2000,
        400,
        600,
        3000,
    )
    assert korea["edition"] == NEW and korea["as_of"] == date(2025, 12, 31)
    assert frame.filter(iso3="ANT")["country"].item() == "ATLANTIS"  # DMDC's own name


@pytest.mark.raw
def test_the_real_report(real_con):
    frame = queries.run(real_con, "us_forces")
    active = dict(frame.select("iso3", "active_duty").iter_rows())
    assert active["DEU"] == 36_436 and active["JPN"] == 54_288 and active["KOR"] == 23_495
    assert active["POL"] == 369
    assert frame.filter(iso3="DEU")["total"].item() == 49_338
    assert frame["iso3"][0] == "JPN"
    assert not {"GUM", "PRI", "VIR", "ASM", "MNP", "UMI"} & set(active)  # territories: not hosts
    assert frame["iso3"].is_unique().all() and frame["iso3"].null_count() == 0
    assert set(frame["as_of"]) == {date(2025, 12, 31)}
