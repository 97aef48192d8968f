"""The verdict store (app/diskstore.py) is a quick miss, never a wait or an error, when it is
busy in another process, linked, shared or holds a trap, and says why; --as-of is bounded
above (core/limits.py). tests/sidecases.py runs the same store cases through `app.warm`."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from app import diskstore
from core import limits
from tests.sidecases import VICTIM, hold_store


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ALLIANCE_CACHE_DIR", str(folder))
    return folder


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(VICTIM)
    return victim


def _folder_link(cache: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    cache.symlink_to(real)


def _shared(cache: Path, tmp_path: Path) -> None:
    cache.mkdir()
    cache.chmod(0o777)


def _file(cache: Path, tmp_path: Path) -> None:
    cache.write_bytes(VICTIM)


def _index(make):
    def trap(cache: Path, tmp_path: Path) -> None:
        cache.mkdir(mode=0o700)
        make(cache, tmp_path)

    return trap


def _device(cache: Path, tmp_path: Path) -> None:
    try:
        os.mknod(cache / "cache.db", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("no permission to make a device node here")


def _huge(cache: Path, tmp_path: Path) -> None:
    with (cache / "cache.db").open("wb") as f:
        f.truncate(256 << 20)  # sparse, over the cap (twice the store's size, and 64 MB)


TRAPS = {
    "folder-link": (_folder_link, "symbolic link"),
    "folder-shared": (_shared, "writable by other users"),
    "folder-is-file": (_file, "not a folder"),
    "index-fifo": (_index(lambda c, t: os.mkfifo(c / "cache.db")), "not a regular file"),
    "index-link": (_index(lambda c, t: (c / "cache.db").symlink_to(_victim(t))), "regular"),
    "wal-link": (_index(lambda c, t: (c / "cache.db-wal").symlink_to(_victim(t))), "regular"),
    "shm-fifo": (_index(lambda c, t: os.mkfifo(c / "cache.db-shm")), "not a regular file"),
    "index-folder": (_index(lambda c, t: (c / "cache.db").mkdir()), "not a regular file"),
    "index-device": (_index(_device), "not a regular file"),
    "index-huge": (_index(_huge), "over its cap"),
}


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_a_store_with_a_trap_is_a_miss_that_says_why(trap, cache, tmp_path):
    make, why = TRAPS[trap]
    make(cache, tmp_path)
    assert diskstore.put("claim", ("k",), 1) is False
    assert diskstore.get("claim", ("k",)) is diskstore.MISSING
    diskstore.clear("claim")  # nothing raised
    status = diskstore.status()
    assert status and str(cache) in status and why in status, status
    victim = tmp_path / "victim.txt"
    assert not victim.exists() or victim.read_bytes() == VICTIM
    if trap == "folder-link":
        assert not any((tmp_path / "real").iterdir())  # nothing written through the link


def test_an_ordinary_store_keeps_values_and_has_no_status(cache):
    assert diskstore.put("claim", ("k",), 1)
    assert diskstore.get("claim", ("k",)) == 1
    assert diskstore.status() is None
    assert stat.S_IMODE(cache.stat().st_mode) & 0o022 == 0  # made private enough to use again


def test_a_store_busy_at_start_is_a_quick_miss_then_used_again(cache, monkeypatch):
    cache.mkdir(mode=0o700)
    holder = hold_store(cache, 120)
    try:
        counts = diskstore.counts()
        assert diskstore.put("claim", ("k",), 1) is False
        assert "busy in another process" in (diskstore.status() or "")
        for _ in range(50):  # left alone: no call waits for the lock again
            assert diskstore.get("claim", ("k",)) is diskstore.MISSING
        after = diskstore.counts()
        assert after["not stored"] == counts["not stored"] + 1
        assert after["miss"] == counts["miss"] + 50
    finally:
        holder.kill()
        holder.wait()
    monkeypatch.setattr(diskstore, "COOL_OFF", 0.0)
    diskstore._DOWN.pop(cache, None)  # what 30 s would do
    assert diskstore.put("claim", ("k",), 2) is True
    assert diskstore.get("claim", ("k",)) == 2


def test_a_store_that_becomes_busy_is_a_quick_miss(cache):
    assert diskstore.put("claim", ("k",), 1)
    diskstore.store().close()  # its connection; the store stays open and reconnects on use
    holder = hold_store(cache, 120)
    try:
        assert diskstore.put("claim", ("k2",), 2) is False
        assert "busy in another process" in (diskstore.status() or "")
        assert diskstore.get("claim", ("k",)) is diskstore.MISSING  # not asked again for now
    finally:
        holder.kill()
        holder.wait()


# --- --as-of, bounded above ------------------------------------------------------------------


def test_as_of_is_bounded_a_year_ahead_and_left_alone_below():
    latest = limits.latest_as_of()
    assert limits.as_of(latest.isoformat()) == latest
    assert limits.as_of("1900-01-01") == date(1900, 1, 1)  # before the evidence: the claims'
    for text in ((latest + timedelta(days=1)).isoformat(), "9999-12-31"):
        with pytest.raises(limits.LimitError, match="too far ahead") as refused:
            limits.as_of(text)
        assert "\n" not in str(refused.value) and latest.isoformat() in str(refused.value)
    for text in ("10000-01-01", "2025-02-30", "tomorrow", "x" * 10_000):
        with pytest.raises(limits.LimitError, match="not a date") as refused:
            limits.as_of(text)
        assert len(str(refused.value)) < 200
    assert limits.latest_as_of(date(2028, 2, 29)) == date(2029, 2, 28)
    assert limits.latest_as_of(date(2026, 12, 6)) == date(2027, 12, 6)
