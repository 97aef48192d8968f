"""A refresh whose build refuses a file it downloaded: the file is held back, not left to poison
every later build (issue "real releases", item 4).

The real command runs against the local publisher of tests/test_refresh.py, serving the real
raw files with a good update (SIPRI's workbook under a new version name) and a bad one (a NATO
revision of the 2024 release in a layout nobody has seen, or a Kiel CSV that does not parse).
The bad file must end in <raw>/.refused/<date>/ with its error, the file it replaced must be
back, the good update published, the exit code 5 with one line, the source flagged stale, and
the next `etl build` must work. A bad file put into the raw dir by hand is never moved.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from core.db import connect_readonly
from core.runlog import REFUSED
from etl.sources import provenance
from ledger.freshness import ages
from ledger.queries import runner
from tests import test_refresh
from tests.test_refresh import (
    NATO_FILES,
    SOURCE,
    XLSX,
    Route,
    digest,
    etl,
    page,
    publisher,
    refresh,
    runs,
    serve,
    served_state,
    tree,
)

base, state = test_refresh.base, test_refresh.state  # the fixtures, by their names here
NEW_SIPRI = "SIPRI-Milex-data-1949-2024_3.xlsx"
OLD_NATO = "nato/240617-def-exp-2024-TABLES-en.xlsx"
NEW_NATO = "240701-def-exp-2024-TABLES-en.xlsx"  # a revision of the 2024 release: replaces it


@cache
def unknown_layout() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Defence 2027"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def loaded(db: Path) -> set[str]:
    con = connect_readonly(db)
    try:
        return {r[0] for r in con.execute("select name from source_file").fetchall()}
    finally:
        con.close()


pytestmark = pytest.mark.raw


def test_a_refused_download_is_held_back_and_the_rest_published(state):
    raw, db = state
    old_nato = digest(raw / OLD_NATO)
    with publisher() as pub:
        serve(pub, raw, sipri_name=NEW_SIPRI)  # the good update
        pub.routes[SOURCE["nato"].path] = page(NATO_FILES + NEW_NATO)  # the bad one
        pub.routes[NATO_FILES + NEW_NATO] = Route(unknown_layout(), XLSX)

        result = refresh(raw, db, pub)

    # one line, exit 5, naming what was held back, where it went and why
    assert result.returncode == 5, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"held back nato: nato/{NEW_NATO} refused by the build" in lines[0]
    assert f"{REFUSED}/{today()}/" in lines[0] and "the previous nato files are back" in lines[0]
    assert "Defence 2027" in lines[0] and "published" in lines[0]
    assert "published" in result.stdout

    # the refused file and its error sit in .refused; the file it replaced is back, unchanged
    held = raw / REFUSED / today() / "nato" / NEW_NATO
    assert digest(held) == digest_of(unknown_layout())
    record = json.loads(held.with_name(NEW_NATO + ".refused.json").read_text())
    assert record["file"] == f"nato/{NEW_NATO}" and "Defence 2027" in record["error"]
    assert provenance.path_of(held).is_file()  # where it came from travels with it
    assert not (raw / "nato" / NEW_NATO).exists()
    assert digest(raw / OLD_NATO) == old_nato
    assert not list(raw.glob(".refresh-*"))

    # the other source's new file is published, NATO keeps its edition and is flagged stale
    names = loaded(db)
    assert f"sipri/{NEW_SIPRI}" in names and OLD_NATO in names
    assert f"nato/{NEW_NATO}" not in names
    outcomes = [r["outcome"] for r in runs(db)]
    assert outcomes[-2:] == ["refused", "published"]
    con = connect_readonly(db)
    try:
        logged = dict(con.execute("select outcome, message from etl_run").fetchall())
        nato = next(a for a in ages(runner(con)) if a.source == "nato")
    finally:
        con.close()
    assert logged["refused"].startswith(f"held back nato: nato/{NEW_NATO}")
    assert nato.stale and "refused by the build" in nato.note

    # `etl status` lists it with its error; the next build works
    status = etl("status", "--db", str(db), "--raw-dir", str(raw))
    assert status.returncode == 0 and NEW_NATO in status.stdout, status.stderr
    build = etl("build", "--raw-dir", str(raw), "--db", str(db))
    assert build.returncode == 0, build.stderr

    # the publisher still serves it next week: held back again, one copy kept
    with publisher() as pub:
        serve(pub, raw)
        pub.routes[SOURCE["nato"].path] = page(NATO_FILES + NEW_NATO)
        pub.routes[NATO_FILES + NEW_NATO] = Route(unknown_layout(), XLSX)
        again = refresh(raw, db, pub)
    assert again.returncode == 5, again.stderr
    assert len(list((raw / REFUSED).rglob(NEW_NATO))) == 1
    assert digest(raw / OLD_NATO) == old_nato


def test_a_refused_file_of_the_same_name_gets_its_previous_bytes_back(state):
    """Kiel's files keep their names: the previous weapons.csv comes back from the refresh's
    own copy, and its provenance record with it."""
    raw, db = state
    before = tree(raw)
    with publisher() as pub:
        serve(pub, raw, sipri_name=NEW_SIPRI)
        # a CSV that downloads fine but is not the tracker's weapons table: the build refuses it
        pub.routes[SOURCE["kiel-weapons"].path] = Route(b'"a","b"\n"1","2"\n', "text/csv")
        result = refresh(raw, db, pub)
    assert result.returncode == 5, result.stderr
    assert "held back kiel: kiel/weapons.csv" in result.stderr
    assert digest(raw / "kiel/weapons.csv") == before["kiel/weapons.csv"]
    assert (raw / REFUSED / today() / "kiel" / "weapons.csv").is_file()
    assert f"sipri/{NEW_SIPRI}" in loaded(db)


def test_a_bad_file_placed_by_hand_is_never_moved(state):
    raw, db = state
    hand = raw / "nato" / "250101-def-exp-2025-TABLES-en.xlsx"
    db_before = served_state(db)
    with publisher() as pub:
        serve(pub, raw, sipri_name=NEW_SIPRI)  # a good update, and NATO's page as before
        hand.write_bytes(unknown_layout())
        result = refresh(raw, db, pub)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nato/250101-def-exp-2025-TABLES-en.xlsx" in lines[0], lines
    assert "the published database was not changed" in lines[0]
    assert hand.is_file() and not (raw / REFUSED).exists()
    assert served_state(db) == db_before
    assert runs(db)[-1]["outcome"] == "failed"


def digest_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
