"""Values kept on disk between processes, under a key that says everything they depend on.

Streamlit's own `st.cache_data(persist="disk")` only persists under a running server (AppTest
and scripts get a memory-only store) and never evicts; this is the small part of it the claims
need: one pickle file per key in a folder (ALLIANCE_CACHE_DIR, else ~/.cache/alliance-ledger),
written atomically, the oldest files removed past MAX_FILES. Anything that goes wrong (a
read-only disk, a file from another Python, a half-written file) is a miss, never an error: the
value is then computed as it would have been without the cache. The folder belongs to the user
running the app (pickle files are only ever read from there).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

MAX_FILES = 2000  # about 16 claims x (card + history) x 60 database/code/date keys
MISSING = object()


def folder() -> Path:
    """ALLIANCE_CACHE_DIR if set, else ~/.cache/alliance-ledger (XDG_CACHE_HOME respected)."""
    if env := os.environ.get("ALLIANCE_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alliance-ledger"


def _path(kind: str, key: Any) -> Path:
    name = hashlib.sha256(repr((kind, key)).encode()).hexdigest()[:32]
    return folder() / kind / f"{name}.pickle"


def get(kind: str, key: Any) -> Any:
    """The value stored under (kind, key), or MISSING. `key` must have a stable repr (tuples of
    strings, numbers and dates); the repr is stored and compared, so a hash clash is a miss."""
    try:
        with _path(kind, key).open("rb") as f:
            stored_key, value = pickle.load(f)
    except Exception:  # noqa: BLE001 - a missing or unreadable file is a miss
        return MISSING
    return value if stored_key == repr(key) else MISSING


def put(kind: str, key: Any, value: Any) -> bool:
    """Store `value` under (kind, key); False when it could not be written (nothing raised)."""
    path = _path(kind, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((repr(key), value), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # readers see the old file or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(path.parent)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs a recompute
        return False
    return True


def _prune(where: Path, keep: int = MAX_FILES) -> None:
    files = list(where.glob("*.pickle"))
    if len(files) <= keep:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for old in files[: len(files) - keep]:
        old.unlink(missing_ok=True)


def clear(kind: str) -> None:
    """Remove every value of this kind."""
    for path in (folder() / kind).glob("*.pickle"):
        path.unlink(missing_ok=True)
