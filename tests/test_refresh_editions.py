"""`etl refresh` against a local publisher that serves today's NATO and SIPRI pages.

NATO's current page links `def-exp-YYYY-en.xlsx` under /content/dam/nato/webready/documents/
finance/ (2025 on), SIPRI's page links its workbooks protocol-relative (`//host/...`) with a
version suffix; the old anchors stay on the former pages. The 2025/2026 NATO workbooks and the
April 2026 SIPRI workbook are built by the tests from the layouts documented in
../shared/facts/editions.md (tests/newreleases.py), derived from the real 2024/2025 files: the
publishers' own files cannot be fetched here. Runs the real command in a subprocess.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from core.db import connect_readonly
from etl import nato
from etl.sources import REGISTRY
from etl.sources import nato as nato_source
from tests import newreleases
from tests.badinputs import copy_inputs
from tests.test_refresh import XLSX, Route, page, publisher, refresh, serve, served_state

pytestmark = pytest.mark.raw
FINANCE = "/content/dam/nato/webready/documents/finance/"


SIPRI_2025 = "SIPRI-Milex-data-1949-2024_2.xlsx"
SIPRI_2026 = "SIPRI-Milex-data-1949-2025_v1.2.xlsx"  # SIPRI's own file (../shared/data/raw)


@pytest.fixture(scope="module")
def releases(raw_dir, tmp_path_factory) -> Path:
    """NATO 2025 and 2026 workbooks, built from the documented layouts (no genuine copy of either
    is held: ../shared/facts/editions.md), and SIPRI's genuine April 2026 release."""
    out = tmp_path_factory.mktemp("releases")
    newreleases.nato_editions(out, nato.parse(raw_dir).tables)
    (out / "sipri").mkdir(exist_ok=True)
    shutil.copyfile(raw_dir / "sipri" / SIPRI_2026, out / "sipri" / SIPRI_2026)
    return out


def serve_today(pub, raw_dir: Path, releases: Path) -> None:
    """Every source as the real files; NATO's and SIPRI's pages as they look today."""
    serve(pub, raw_dir)  # the former NATO page and naming, the April 2025 SIPRI file
    r = pub.routes
    r[nato_source.FORMER_PAGE] = r[nato_source.CURRENT_PAGE]  # the old page, old anchors
    r[nato_source.CURRENT_PAGE] = page(
        FINANCE + "def-exp-2025-en.xlsx",
        FINANCE + "def-exp-2026-en.pdf",
        FINANCE + "def-exp-2026-en.xlsx",
    )
    for year in (2025, 2026):
        body = (releases / "nato" / f"def-exp-{year}-en.xlsx").read_bytes()
        r[f"{FINANCE}def-exp-{year}-en.xlsx"] = Route(body, XLSX)
    host = pub.url.removeprefix("http:")  # '//127.0.0.1:port', as SIPRI writes its links
    files = "/sites/default/files/"
    r[REGISTRY["sipri"].downloads[0].path] = page(
        f"{host}{files}{SIPRI_2025}",
        f"{host}{files}{SIPRI_2026}",
    )
    body = (releases / "sipri" / SIPRI_2026).read_bytes()
    r[files + SIPRI_2026] = Route(body, XLSX)


def editions(db: Path) -> list[tuple]:
    con = connect_readonly(db)
    try:
        return con.execute(
            "select source, edition from edition where source in ('dmdc', 'nato', 'sipri') "
            "order by 1, 2"
        ).fetchall()
    finally:
        con.close()


def test_refresh_brings_in_todays_editions_then_nothing_then_refuses_a_new_layout(
    raw_dir, releases, tmp_path
):
    # the raw files as they stood before SIPRI's April 2026 release
    raw, _ = copy_inputs(raw_dir, tmp_path, sipri=SIPRI_2025)
    db = tmp_path / "alliance.duckdb"
    with publisher() as pub:
        serve_today(pub, raw, releases)

        first = refresh(raw, db, pub)
        assert first.returncode == 0, first.stderr
        assert "published" in first.stdout
        # Both NATO editions (2024 beside the newest, 2026) and both SIPRI releases.
        assert editions(db) == [
            ("dmdc", date(2026, 2, 16)),  # not downloaded: the file already in the raw dir
            ("nato", date(2024, 6, 17)),
            ("nato", date(2026, 7, 10)),
            ("sipri", date(2025, 4, 28)),
            ("sipri", date(2026, 4, 27)),
        ]
        assert (raw / "nato" / "def-exp-2026-en.xlsx").is_file()
        assert not (raw / "nato" / "def-exp-2025-en.xlsx").exists()  # only the newest
        before = served_state(db)
        editions_before = editions(db)

        second = refresh(raw, db, pub)
        assert second.returncode == 0, second.stderr
        assert "no source changed" in second.stdout
        assert served_state(db) == before

        # NATO publishes a workbook in a layout nobody has seen: refused and held back (moved to
        # raw/.refused/), the editions as they were (tests/test_refresh_held.py has the rest).
        wb = openpyxl.Workbook()
        wb.active.title = "Defence 2027"
        wb.save(tmp_path / "def-exp-2027-en.xlsx")
        pub.routes[nato_source.CURRENT_PAGE] = page(FINANCE + "def-exp-2027-en.xlsx")
        body = (tmp_path / "def-exp-2027-en.xlsx").read_bytes()
        pub.routes[FINANCE + "def-exp-2027-en.xlsx"] = Route(body, XLSX)
        third = refresh(raw, db, pub)

    assert third.returncode == 5
    message = third.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "held back nato: nato/def-exp-2027-en.xlsx" in message and "Defence 2027" in message
    assert "expected sheets 'TABLE1'" in message and "'Table 1'" in message
    assert not (raw / "nato" / "def-exp-2027-en.xlsx").exists()
    assert editions(db) == editions_before
