"""etl/quarantine.py without a build: which folder a refusal is pinned on, what holding back
moves and puts back, and ledger/freshness.py's flag for a held-back source (the end-to-end
runs are tests/test_refresh_held.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime

import duckdb

from core.errors import EtlError
from core.runlog import HELD, REFUSED, refused
from etl.download import Downloaded
from etl.quarantine import culprit, hold_back
from etl.sources import provenance
from etl.warehouse import create_schema
from ledger.freshness import ages
from ledger.queries import runner


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _downloaded(name: str, changed: bool = True) -> Downloaded:
    return Downloaded(name=name, url="u", sha256="s", bytes=1, changed=changed)


def test_culprit_rules(tmp_path):
    fetched = [
        _downloaded("nato/def-exp-2027-en.xlsx"),
        _downloaded("sipri/SIPRI-Milex-data-1949-2025.xlsx"),
        _downloaded("kiel/weapons.csv", changed=False),
    ]
    named = EtlError("sheet missing", file="nato/def-exp-2027-en.xlsx")
    assert culprit(named, fetched, tmp_path, set()) == "nato"
    assert culprit(named, fetched, tmp_path, {"nato"}) is None  # already held back
    absolute = EtlError("x", file=f"{tmp_path}/nato/def-exp-2027-en.xlsx")
    assert culprit(absolute, fetched, tmp_path, set()) == "nato"
    in_text = EtlError("two files claim one release: sipri/SIPRI-Milex-data-1949-2025.xlsx, b")
    assert culprit(in_text, fetched, tmp_path, set()) == "sipri"
    unchanged = EtlError("x", file="kiel/weapons.csv")
    assert culprit(unchanged, fetched, tmp_path, set()) is None  # not new in this refresh
    # a check naming an older file of a folder this refresh changed: only if it was downloaded
    (tmp_path / "nato").mkdir()
    old = tmp_path / "nato" / "240617-def-exp-2024-TABLES-en.xlsx"
    old.write_bytes(b"x")
    check = EtlError("share of 250 %", file="nato/240617-def-exp-2024-TABLES-en.xlsx")
    assert culprit(check, fetched, tmp_path, set()) is None  # by hand: no provenance record
    provenance.path_of(old).write_text("{}")
    assert culprit(check, fetched, tmp_path, set()) == "nato"
    assert culprit(EtlError("no file named"), fetched, tmp_path, set()) is None


def test_hold_back_moves_restores_and_keeps_one_copy(tmp_path):
    raw, previous = tmp_path / "raw", tmp_path / "previous"
    (raw / "nato").mkdir(parents=True)
    (previous / "nato").mkdir(parents=True)
    new = raw / "nato" / "b.xlsx"
    new.write_bytes(b"new")
    provenance.path_of(new).write_text('{"sha256": "n"}')
    (previous / "nato" / "a.xlsx").write_bytes(b"old")
    provenance.path_of(previous / "nato" / "a.xlsx").write_text('{"sha256": "o"}')
    d = Downloaded(
        "nato/b.xlsx", "https://www.nato.int/b", digest_of(b"new"), 3, True, ("nato/a.xlsx",)
    )

    held = hold_back(raw, "nato", [d], previous, "bad layout", "run1")

    assert held.files == ("nato/b.xlsx",) and held.restored == ("nato/a.xlsx",)
    assert (raw / "nato" / "a.xlsx").read_bytes() == b"old"
    assert provenance.path_of(raw / "nato" / "a.xlsx").is_file()
    assert not new.exists() and not provenance.path_of(new).exists()
    (listed,) = refused(raw)
    assert (listed.file, listed.error, listed.intact) == ("nato/b.xlsx", "bad layout", True)
    # the same bytes refused again (another day's run): no second copy
    new.write_bytes(b"new")
    shutil.move(held.where, held.where.with_name("2020-01-01"))
    hold_back(raw, "nato", [d], previous, "bad layout", "run2")
    assert [p.parent.parent.name for p in (raw / REFUSED).rglob("b.xlsx")] == ["2020-01-01"]
    assert not new.exists()


def _warehouse(loaded_sha: str, refused_runs: list[tuple[str, dict]]):
    con = duckdb.connect()
    create_schema(con)
    con.execute(
        "insert into source_file values ('nato/a.xlsx', 'p', '2024-06-17', 'u', 'l', ?, 1, 1, "
        "now())",
        [loaded_sha],
    )
    for i, (message, kept) in enumerate(refused_runs):
        con.execute(
            "insert into etl_run values (?, 'refresh', 'raw', ?, ?, 'refused', ?, ?, 'v')",
            [
                f"r{i}",
                datetime(2026, 1, 1 + i),
                datetime(2026, 1, 1 + i),
                json.dumps(kept),
                message,
            ],
        )
    return runner(con)


def test_a_held_back_source_is_stale_until_a_file_of_it_changes():
    day = date(2024, 7, 1)  # NATO's 2024-06-17 edition is young then: stale only if held back
    message = f"{HELD} nato: nato/b.xlsx refused by the build and moved to .refused/x/ (...)"
    held = _warehouse("aaa", [(message, {"nato/a.xlsx": "aaa", "sipri/s.xlsx": "s"})])
    (nato,) = ages(held, today=day)
    assert nato.stale and "refused by the build on 2026-01-01" in nato.note
    moved_on = _warehouse("bbb", [(message, {"nato/a.xlsx": "aaa"})])  # a later update loaded
    (nato,) = ages(moved_on, today=day)
    assert not nato.stale
    other = _warehouse("aaa", [(f"{HELD} kiel: kiel/w.csv refused", {"nato/a.xlsx": "aaa"})])
    assert not ages(other, today=day)[0].stale
