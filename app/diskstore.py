"""Values kept on disk between processes, under a key that says everything they depend on.

A thin layer over python-diskcache (an SQLite index with pickled values, safe across processes
and threads, bounded in size: past SIZE_LIMIT the least recently stored values go). Streamlit's
own `st.cache_data(persist="disk")` was not enough: it persists only under a running server
(AppTest and scripts get a memory store) and never evicts. Anything that goes wrong (a
read-only or missing disk, a locked or damaged index) is a miss, never an error: the value is
then computed as it would have been without the store. The folder (ALLIANCE_CACHE_DIR, else
~/.cache/alliance-ledger) belongs to the user running the app: pickles are only read from there.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import diskcache

SIZE_LIMIT = 64 * 2**20  # 16 claims x (card + history) per database, code and date: ~40 kB each
LOCK_SECONDS = 1.0  # a store busy in another process for longer is a miss, not a wait
MISSING = object()

_OPEN: dict[Path, diskcache.Cache] = {}
_OPEN_LOCK = threading.Lock()


def folder() -> Path:
    """ALLIANCE_CACHE_DIR if set, else ~/.cache/alliance-ledger (XDG_CACHE_HOME respected)."""
    if env := os.environ.get("ALLIANCE_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alliance-ledger"


def store() -> diskcache.Cache:
    """The store in today's folder, opened once per process (the folder is read each call, so a
    test that points ALLIANCE_CACHE_DIR elsewhere gets another store)."""
    where = folder()
    with _OPEN_LOCK:
        if where not in _OPEN:
            _OPEN[where] = diskcache.Cache(str(where), timeout=LOCK_SECONDS, size_limit=SIZE_LIMIT)
        return _OPEN[where]


def get(kind: str, key: Any) -> Any:
    """The value stored under (kind, key), or MISSING. `key` is a tuple of strings, numbers and
    dates (diskcache compares keys by their pickle)."""
    try:
        return store().get((kind, key), default=MISSING, retry=False)
    except Exception:  # noqa: BLE001 - an unreadable store is a miss
        return MISSING


def put(kind: str, key: Any, value: Any) -> bool:
    """Store `value` under (kind, key); False when it could not be written (nothing raised)."""
    try:
        return bool(store().set((kind, key), value, tag=kind, retry=False))
    except Exception:  # noqa: BLE001 - a store that cannot be written only costs a recompute
        return False


def clear(kind: str) -> None:
    """Remove every value of this kind."""
    try:
        store().evict(kind)
    except Exception:  # noqa: BLE001 - nothing stored, nothing to remove
        return
