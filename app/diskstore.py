"""Values kept on disk between processes, under a key that says everything they depend on.

A thin layer over python-diskcache (an SQLite index with pickled values, safe across processes
and threads, bounded in size: past ALLIANCE_STORE_MB the least recently stored values go).
Streamlit's own `st.cache_data(persist="disk")` was not enough: it persists only under a running
server (AppTest and scripts get a memory store) and never evicts. Anything that goes wrong (a
read-only or missing disk, a locked or damaged index) is a miss, never an error: the value is
then computed as it would have been without the store.

The folder (ALLIANCE_CACHE_DIR, else ~/.cache/alliance-ledger) belongs to the user running the
app: pickles are only read from there. So the store is refused (every call a miss, `status()`
says why) when the folder is a symbolic link, not a folder, someone else's, or writable by
others, or when its index is not a regular file within its cap (a FIFO there would block
SQLite's first read forever). A store busy in another process is waited for at most
ALLIANCE_STORE_LOCK_SECONDS (diskcache's own retry waits 60 s per call: a locked store made
`app.warm` run for minutes), then left alone for COOL_OFF seconds: every call in between is
a quick miss.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any

import diskcache

from core import limits

MISSING = object()
SIZE_LIMIT = int(limits.LIMITS["store_mb"].default * limits.MB)  # ALLIANCE_STORE_MB changes it
INDEX = "cache.db"  # diskcache's SQLite file, with its -wal and -shm
COOL_OFF = 30.0  # seconds a busy or broken store is left alone before it is tried again
# values up to this size live in the index, not in files of their own (a verdict is ~40 kB):
# the folder then holds nothing but the index for anyone to swap
IN_INDEX = 4 << 20

_OPEN: dict[Path, diskcache.Cache] = {}
_LOCK = threading.Lock()
_DOWN: dict[Path, tuple[float, str]] = {}  # folder -> (monotonic time to retry, why)
_COUNTS = {"hit": 0, "miss": 0, "stored": 0, "not stored": 0}


class _Store(diskcache.Cache):
    """diskcache.Cache whose start-up waits for a busy index at most the store's lock time
    (diskcache retries its start-up statements for 60 s)."""

    @property
    def _sql_retry(self):
        sql = self._sql
        deadline = time.monotonic() + _lock_seconds()

        def execute(statement, *args, **kwargs):
            while True:
                try:
                    return sql(statement, *args, **kwargs)
                except sqlite3.OperationalError as e:
                    if "locked" not in str(e):
                        raise  # e.g. "no such table" on a new store: diskcache expects it
                    if time.monotonic() > deadline:
                        raise diskcache.Timeout(str(e)) from None
                    time.sleep(0.01)

        return execute


def _lock_seconds() -> float:
    try:
        return limits.get("store_lock_seconds")
    except limits.LimitError:
        return limits.LIMITS["store_lock_seconds"].default


def _size_limit() -> int:
    try:
        return int(limits.get("store_mb") * limits.MB)
    except limits.LimitError:
        return SIZE_LIMIT


def folder() -> Path:
    """ALLIANCE_CACHE_DIR if set, else ~/.cache/alliance-ledger (XDG_CACHE_HOME respected)."""
    if env := os.environ.get("ALLIANCE_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alliance-ledger"


def unsafe(where: Path) -> str | None:
    """Why the folder may not hold the store (None: it may). A missing folder is created."""
    try:
        info = where.lstat()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link (pickles are only read from a folder of our own)"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.geteuid():
        return "belongs to another user"
    if info.st_mode & 0o022:
        return "is writable by other users"
    cap = 2 * _size_limit() + (64 << 20)  # the values, the index's own pages, the WAL
    for name in (INDEX, INDEX + "-wal", INDEX + "-shm"):
        try:
            part = (where / name).lstat()
        except FileNotFoundError:
            continue
        except OSError as e:
            return f"has an unreadable {name} ({e.strerror or e})"
        if not stat.S_ISREG(part.st_mode):
            return f"holds a {name} that is not a regular file"
        if part.st_size > cap:
            return f"holds a {name} of {part.st_size / limits.MB:,.0f} MB, over its cap"
    return None


def store() -> diskcache.Cache:
    """The store in today's folder, opened once per process (the folder is read each call, so a
    test that points ALLIANCE_CACHE_DIR elsewhere gets another store). Raises when the store is
    refused, busy or broken; callers make that a miss."""
    where = folder()
    with _LOCK:
        if where in _OPEN:
            return _OPEN[where]
        retry, why = _DOWN.get(where, (0.0, ""))
        if time.monotonic() < retry:
            raise diskcache.Timeout(why)
        if why := unsafe(where):
            raise _down(where, f"the verdict store {where} {why}")
        try:
            _OPEN[where] = _Store(
                str(where),
                timeout=_lock_seconds(),
                size_limit=_size_limit(),
                disk_min_file_size=IN_INDEX,
            )
        except Exception as e:  # noqa: BLE001 - busy, read-only, damaged: the store is down
            raise _failed(where, e) from None
        return _OPEN[where]


def _down(where: Path, why: str) -> diskcache.Timeout:
    _DOWN[where] = (time.monotonic() + COOL_OFF, why)
    return diskcache.Timeout(why)


def _failed(where: Path, e: BaseException) -> diskcache.Timeout:
    """Leave the store alone for COOL_OFF seconds, and say why."""
    text = (str(e).strip().splitlines() or [type(e).__name__])[0]
    busy = isinstance(e, diskcache.Timeout) or "locked" in text
    why = "is busy in another process" if busy else f"cannot be used ({text})"
    return _down(where, f"the verdict store {where} {why}")


def _trouble(e: BaseException) -> None:
    """A call that failed. A busy or broken store (a lock, SQLite or the disk) is not asked
    again for a while; anything else (a value that no longer unpickles) is a plain miss."""
    if not isinstance(e, diskcache.Timeout | sqlite3.Error | OSError):
        return
    where = folder()
    with _LOCK:
        if not str(e).startswith("the verdict store"):  # not already recorded by store()
            _failed(where, e)
        cache = _OPEN.pop(where, None)
    if cache is not None:
        with contextlib.suppress(Exception):  # closing a broken store: nothing to save
            cache.close()


def _count(what: str) -> None:
    with _LOCK:
        _COUNTS[what] += 1


def get(kind: str, key: Any) -> Any:
    """The value stored under (kind, key), or MISSING. `key` is a tuple of strings, numbers and
    dates (diskcache compares keys by their pickle)."""
    try:
        value = store().get((kind, key), default=MISSING, retry=False)
    except Exception as e:  # noqa: BLE001 - an unreadable store is a miss
        _trouble(e)
        value = MISSING
    _count("miss" if value is MISSING else "hit")
    return value


def put(kind: str, key: Any, value: Any) -> bool:
    """Store `value` under (kind, key); False when it could not be written (nothing raised)."""
    try:
        done = bool(store().set((kind, key), value, tag=kind, retry=False))
    except Exception as e:  # noqa: BLE001 - a store that cannot be written only costs a recompute
        _trouble(e)
        done = False
    _count("stored" if done else "not stored")
    return done


def clear(kind: str) -> None:
    """Remove every value of this kind."""
    try:
        store().evict(kind)
    except Exception as e:  # noqa: BLE001 - nothing stored, nothing to remove
        _trouble(e)


def counts() -> dict[str, int]:
    """Reads that found a value ('hit') or not ('miss'), and writes that were stored or not,
    in this process."""
    with _LOCK:
        return dict(_COUNTS)


def status() -> str | None:
    """Why the store in today's folder is not being used right now (None: it is, or it was
    not tried yet)."""
    with _LOCK:
        retry, why = _DOWN.get(folder(), (0.0, None))
    return why if time.monotonic() < retry else None
