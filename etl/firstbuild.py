"""The one way into the write side from the dashboard: build the database from the committed
snapshot when it is missing or was built by other code (app/firstrun.py decides when and shows
the steps). The build runs under the lock file the CLI's `etl build` takes, opened the same way
(never truncated, never a link's target), so a second session or a running `etl build` waits,
then finds the file built: `needed` is asked again once the lock is held."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

from core.sidefiles import open_lock

COMMAND = "dashboard (first run, snapshot)"  # how the run log names these builds


def build_from_snapshot(
    path: Path, step: Callable[[str], None], needed: Callable[[Path], bool]
) -> None:
    """Build `path` from data/snapshot/ if `needed(path)` still holds under the lock; EtlError
    (one line) when the build fails, the file left as it was."""
    from etl.build import build  # here: the parsers are loaded only when a build runs

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = open_lock(path.with_name(path.name + ".lock"))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if needed(path):
            build(None, path, command=COMMAND, step=step)
    finally:
        os.close(fd)
