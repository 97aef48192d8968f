"""app.verdicts: the claims as the dashboard gets them, cached in memory and on disk, must be
exactly what ledger.claims gives when evaluated directly; a restarted process on the same
database reads them instead of judging again; any change to the database or to the code that
decides a verdict misses."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from app import diskstore, verdicts
from ledger import claims as registry
from ledger.claims.runner import make_run

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ALLIANCE_CACHE_DIR", str(folder))
    return folder


def same(a, b) -> bool:
    """Equal, floats to 12 significant digits: DuckDB's parallel sums may order the additions
    differently from one run of a query to the next (the last bits of a share), which two direct
    evaluations show too; verdicts, findings and every text must match exactly."""
    if isinstance(a, pl.DataFrame) or isinstance(b, pl.DataFrame):
        try:
            assert_frame_equal(a, b, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)
        except AssertionError:
            return False
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (a != a and b != b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def test_every_verdict_and_history_equals_a_direct_evaluation(
    real_db_path, real_con, cache_dir, monkeypatch
):
    monkeypatch.setenv("ALLIANCE_DB", str(real_db_path))
    verdicts.clear()
    direct = registry.evaluate_all(make_run(real_con), as_of=AS_OF, with_history=True)
    ids, problem = verdicts.claim_ids()
    assert problem is None and ids == [d.id for d in direct]
    for rounds in ("computed", "from memory"):
        for d in direct:
            got, problem = verdicts.claim(d.id, AS_OF)
            assert problem is None, problem
            history, problem = verdicts.claim_history(d.id, AS_OF)
            assert problem is None, problem
            expected = dataclasses.asdict(dataclasses.replace(d, history=[]))
            for field in ("verdict", "finding", "year", "parts", "as_of", "source"):
                assert got[field] == expected[field], (rounds, d.id, field)
            assert same(got, expected), (rounds, d.id)
            assert history == d.history, (rounds, d.id)
    # and from disk, as a restarted process reads them (the memory layer forgotten)
    verdicts._evaluate_claim.clear()
    verdicts._claim_history.clear()
    before = verdicts.computed()
    for d in direct:
        assert verdicts.claim_history(d.id, AS_OF) == (d.history, None)
        assert verdicts.claim(d.id, AS_OF)[0]["verdict"] == d.verdict
    assert verdicts.computed() == before  # nothing judged again


RESTART = """
import json, sys
from datetime import date
from app import verdicts
day = date.fromisoformat(sys.argv[1])
card, _ = verdicts.claim("C3", day)  # the page's order: the card, then its history
history, problem = verdicts.claim_history("C3", day)
print(json.dumps({"history": history, "verdict": card["verdict"], "computed": verdicts.computed()}))
"""


def restart(db: Path, cache: Path, day: date = AS_OF) -> dict:
    env = {**os.environ, "ALLIANCE_DB": str(db), "ALLIANCE_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", RESTART, day.isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_restarted_process_on_the_same_database_does_not_judge_again(real_db_path, tmp_path):
    first = restart(real_db_path, tmp_path / "cache")
    days = (
        AS_OF.year - registry.by_id("C3").first_year
    )  # every year's last day; the card is the last
    assert first["computed"] == {"claim": 1, "history": 1, "day": days}
    second = restart(real_db_path, tmp_path / "cache")
    assert second["computed"] == {"claim": 0, "history": 0, "day": 0}
    assert second["history"] == first["history"] and second["verdict"] == first["verdict"]
    assert len(first["history"]) >= 10


def test_a_new_date_judges_only_its_own_day_which_the_card_did(real_db_path, real_con, tmp_path):
    restart(real_db_path, tmp_path / "cache")
    later = AS_OF + timedelta(days=1)
    next_day = restart(real_db_path, tmp_path / "cache", later)
    assert next_day["computed"] == {"claim": 1, "history": 1, "day": 0}
    direct = registry.history(registry.by_id("C3"), make_run(real_con), later)
    assert [tuple(h) for h in next_day["history"]] == direct


def test_a_new_database_file_misses(cache_dir, monkeypatch, tmp_path):
    db = tmp_path / "a.duckdb"
    db.write_bytes(b"x")
    monkeypatch.setenv("ALLIANCE_DB", str(db))
    before = verdicts.key()
    db.write_bytes(b"xy")  # what a refresh does: another file in its place
    assert verdicts.key() != before


def test_the_rules_version_follows_every_deciding_file(tmp_path):
    for name, text in {"ledger/claims/c1.py": "A = 1\n", "queries/q.sql": "select 1\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "ledger/__pycache__").mkdir()
    folders = ("ledger", "queries", "data/facts")
    first = verdicts.rules_version.__wrapped__(tmp_path, folders)
    (tmp_path / "ledger/__pycache__/c1.cpython-311.pyc").write_bytes(b"\0")
    assert verdicts.rules_version.__wrapped__(tmp_path, folders) == first  # bytecode ignored
    (tmp_path / "queries/q.sql").write_text("select 2\n")
    assert verdicts.rules_version.__wrapped__(tmp_path, folders) != first
    (tmp_path / "data/facts").mkdir(parents=True)
    (tmp_path / "data/facts/f.csv").write_text("a\n")
    assert len({first, verdicts.rules_version.__wrapped__(tmp_path, folders)}) == 2
    assert verdicts.rules_version() == verdicts.rules_version()  # once per process


def test_disk_store_keeps_values_by_kind_and_key_and_is_bounded(cache_dir):
    key = ("db", (1, 2, 3), "v", "C1", "2025-06-30")
    assert diskstore.get("claim", key) is diskstore.MISSING
    assert diskstore.put("claim", key, {"verdict": "Supported"})
    assert diskstore.get("claim", key) == {"verdict": "Supported"}
    assert diskstore.get("claim", (*key[:-1], "2025-07-01")) is diskstore.MISSING
    assert diskstore.get("history", key) is diskstore.MISSING  # another kind
    assert diskstore.store().directory == str(cache_dir)
    assert diskstore.store().size_limit == diskstore.SIZE_LIMIT  # least recently stored go
    diskstore.put("history", key, [(2024, "Supported")])
    diskstore.clear("history")
    assert diskstore.get("history", key) is diskstore.MISSING
    assert diskstore.get("claim", key) == {"verdict": "Supported"}  # only that kind went


def test_an_unwritable_store_only_costs_a_recompute(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ALLIANCE_CACHE_DIR", str(blocker))
    assert diskstore.put("claim", ("k",), 1) is False
    assert diskstore.get("claim", ("k",)) is diskstore.MISSING


def test_a_damaged_store_only_costs_a_recompute(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_CACHE_DIR", str(tmp_path))
    assert diskstore.put("claim", ("k",), 1)
    diskstore.store().close()
    (tmp_path / "cache.db").write_bytes(b"not an SQLite file" * 100)
    assert diskstore.get("claim", ("k",)) is diskstore.MISSING
    assert diskstore.put("claim", ("k",), 2) is False


def test_a_cards_details_are_one_markdown_text_with_every_line(real_con):
    from app import claimcards

    for result in registry.evaluate_all(make_run(real_con), as_of=AS_OF, with_history=False):
        c = claimcards.card(dataclasses.asdict(result))
        text = claimcards.details_markdown(c)
        lines = [
            *(f"- ({p['label']}) {p['statement']}" for p in c.parts),
            f"*Rule:* {c.rule}",
            *(f"- `{name}`: {reason}" for name, reason in c.thresholds),
            *(
                ("- *Decides the verdict:* " if i == 0 else "- ") + f"{name}: **{value}**"
                for i, (name, value, _) in enumerate(c.stats)
            ),
        ]
        positions = [text.find(line) for line in lines]
        assert -1 not in positions and positions == sorted(positions), c.id
        assert (f"*Data that would test it:* {c.would_test}" in text) == bool(c.would_test)


def warm(db: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ALLIANCE_DB": str(db), "ALLIANCE_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "app.warm", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_warm_stores_what_the_dashboard_then_reads_without_judging(real_db_path, tmp_path):
    done = warm(real_db_path, tmp_path / "cache", "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{len(registry.all_claims())} claims as of {AS_OF}")
    assert done.stderr == ""  # no Streamlit warnings outside a server
    after = restart(real_db_path, tmp_path / "cache")
    assert after["computed"] == {"claim": 0, "history": 0, "day": 0}


def test_warm_names_an_unreadable_database_in_one_line(tmp_path):
    bad = tmp_path / "alliance.duckdb"
    bad.write_bytes(b"not a database")
    for db in (tmp_path / "missing.duckdb", bad):
        done = warm(db, tmp_path / "cache")
        assert done.returncode == 1 and done.stdout == ""
        assert len(done.stderr.splitlines()) == 1 and str(db) in done.stderr
