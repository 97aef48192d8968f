"""Folders written whole (`etl export DIR`, `etl snapshot --out`): checked before any work,
filled in a temporary folder, and put in place only once every file is written.

A full disk, a kill or any other OSError while writing leaves the previous files or nothing,
never half a folder (a full disk had left 19 of 25 Parquet files and no datapackage.json). A
new folder is the temporary one renamed; an existing one gets the new files moved in one by
one, by renames within one file system that need no space, `last` at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.files import fsync, process_alive


def problem(out: Path) -> str | None:
    """Why files cannot be written to the folder `out`, in a few words; None when they can.
    The folder, or its first existing parent, must be a folder we can create a file in (a
    probe file, removed at once: os.access says yes to root on /proc)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        return "exists and is not a folder"
    folder = out
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the first existing folder: the rest is created
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as e:
        return f"cannot write in {folder}: {e.strerror or e}"
    return None


def _staging_name(out: Path, pid: int) -> str:
    return f".{out.name}.{pid}.tmp"


def clean_leftovers(out: Path) -> None:
    """Remove the temporary folders of earlier writes of `out` whose process is gone."""
    for where in (out, out.parent):
        if not where.is_dir():
            continue
        for tmp in where.glob(f".{out.name}.*.tmp"):
            pid = tmp.name.removeprefix(f".{out.name}.").split(".")[0]
            mine = pid.isdigit() and tmp.is_dir() and not tmp.is_symlink()
            if mine and (int(pid) == os.getpid() or not process_alive(int(pid))):
                shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def staged(out: Path, *, last: str | None = None) -> Iterator[Path]:
    """A fresh, empty folder to write into. When the block ends without an error its files go
    to `out` (`last` after the others, so it only ever describes files already there); on any
    error or interruption the folder and any parent this created are removed."""
    out = Path(out)
    clean_leftovers(out)
    created: list[Path] = []
    if not out.exists():
        for parent in reversed(out.parents):
            if not parent.exists():
                parent.mkdir()
                created.append(parent)
    home = out if out.is_dir() else out.parent
    staging = home / _staging_name(out, os.getpid())
    try:
        staging.mkdir()
        yield staging
        _sync(staging)
        if home is out:
            names = sorted(p.name for p in staging.iterdir())
            for name in sorted(names, key=lambda n: n == last):
                os.replace(staging / name, out / name)
            staging.rmdir()
        else:
            os.rename(staging, out)
        fsync(home)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for parent in reversed(created):
            with contextlib.suppress(OSError):  # something else wrote there meanwhile
                parent.rmdir()
        raise


def _sync(folder: Path) -> None:
    """Every file of the folder on disk before it is put in place (a power cut after the rename
    must not leave empty files under their final names)."""
    for path in folder.iterdir():
        fsync(path)
