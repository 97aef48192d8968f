"""Reading files without trusting what stands at a name: what kind a file that is not a regular
one is, opening only regular files (a FIFO never blocks a read), a file's sha256, and whether
the process that named a temporary file still runs. The write side's raw files (etl/rawfiles.py),
the side files both sides read (core/sidefiles.py, core/runlog.py) and folders written whole
(core/outdir.py) share them."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from core.errors import EtlError


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is, in words ('a FIFO (named pipe)')."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: Path):
    """The file opened for reading, if it is a regular file; never blocks on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise EtlError(f"is {kind_of(mode)}; only regular files are read", file=str(path))
    return os.fdopen(fd, "rb")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open_regular(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk: what a rename publishes must survive a
    power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def process_alive(pid: int) -> bool:
    """Whether the process that named a temporary file or folder (its pid) still runs: a build's
    `.db.PID.tmp` and a refresh's `.refresh-PID-*` are left alone while it does."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True
