"""The project's own side files: provenance records, the run log, the build lock.

They sit in folders others may write to (the raw dir, the database's folder), at names anyone
can predict, so each is opened without following a symbolic link (O_NOFOLLOW: a link there had
the lock truncate its target and the run log append to its target) and without blocking
(O_NONBLOCK: a FIFO there hung a build that held the lock), then checked on the open descriptor
(fstat, so nothing can be swapped in between) to be a regular file within its cap in
core/limits.py, and read no further than the cap. Anything else is refused in one line naming
the file (SideFileError, an EtlError); nothing is followed, truncated or replaced.

Whole files are written to a fresh temporary file in the same folder (O_EXCL: never a file
someone placed there) and renamed over the old one: a kill leaves the old file or the new one.
The run log is appended to, once per line, on a checked descriptor opened with O_APPEND.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from core import limits
from core.errors import EtlError
from core.files import kind_of

_NOFOLLOW = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class SideFileError(EtlError):
    """A side file that is not a regular file of bounded size, or cannot be read or written."""


def _refuse(path: Path, what: str, problem: str) -> SideFileError:
    return SideFileError(f"the {what} {problem}", file=str(path))


def _cap(limit: str) -> int:
    try:
        return limits.side_bytes(limit)
    except limits.LimitError as e:
        raise SideFileError(str(e)) from None


def _size(n: int) -> str:
    return f"{n / limits.MB:,.1f} MB" if n >= limits.MB else f"{n:,} bytes"


def _over(path: Path, what: str, size: int, cap: int, limit: str) -> SideFileError:
    env = limits.LIMITS[limit].env
    return _refuse(path, what, f"is {_size(size)}, over its cap of {_size(cap)} ({env})")


def _open(path: Path, flags: int, what: str) -> int | None:
    """A descriptor on the regular file at `path` (None if there is none and `flags` do not
    create it); SideFileError for a link, a FIFO, a device, a folder or an OS error."""
    try:
        fd = os.open(path, flags | _NOFOLLOW, 0o644)
    except FileNotFoundError as e:
        if flags & os.O_CREAT:  # no folder, or one that takes no file (/proc)
            raise _refuse(path, what, f"cannot be created: {e.strerror}") from None
        return None
    except OSError as e:
        why = {
            errno.ELOOP: "is a symbolic link; it is never followed",
            errno.ENXIO: f"is {kind_of(stat.S_IFIFO)}; only regular files are used",  # no reader
            errno.EISDIR: "is a folder; only regular files are used",
        }.get(e.errno or 0, f"cannot be opened: {e.strerror or e}")
        raise _refuse(path, what, why) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refuse(path, what, f"is {kind_of(mode)}; only regular files are used")
    return fd


def read(path: Path, *, limit: str, what: str) -> bytes | None:
    """The bytes of a side file, at most the cap of `limit`; None when there is no file."""
    path, cap = Path(path), _cap(limit)
    fd = _open(path, os.O_RDONLY, what)
    if fd is None:
        return None
    try:
        size = os.fstat(fd).st_size
        if size > cap:
            raise _over(path, what, size, cap, limit)
        chunks, got = [], 0
        while chunk := os.read(fd, min(1 << 20, cap + 1 - got)):
            chunks.append(chunk)
            got += len(chunk)
            if got > cap:  # it grew while being read
                raise _over(path, what, got, cap, limit)
        return b"".join(chunks)
    except OSError as e:
        raise _refuse(path, what, f"cannot be read: {e.strerror or e}") from None
    finally:
        os.close(fd)


def check(path: Path, *, limit: str, what: str, room: int = 0) -> None:
    """Refuse, before any work, a side file that could not be written later (a link, a FIFO,
    a folder, or one with less than `room` bytes left under its cap). A missing file is fine."""
    path, cap = Path(path), _cap(limit)
    fd = _open(path, os.O_RDONLY, what)
    if fd is None:
        return
    try:
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if size + room > cap:
        raise _over(path, what, size + room, cap, limit)


def write(path: Path, data: bytes, *, limit: str, what: str) -> None:
    """Replace a side file whole: a temporary file beside it, then a rename. Whatever stands
    at `path` that is not a regular file (a link, a FIFO, a folder) is refused, not replaced."""
    path, cap = Path(path), _cap(limit)
    if len(data) > cap:
        raise _over(path, what, len(data), cap, limit)
    check(path, limit=limit, what=what)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise _refuse(path, what, f"cannot be written: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the record from other readers
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise _refuse(path, what, f"cannot be written: {e.strerror or e}") from None


def append(path: Path, data: bytes, *, limit: str, what: str) -> None:
    """Add `data` (one whole line) at the end of a side file in one write, creating it if
    needed; a line cut short by a kill before it is ended first, so it cannot swallow this one."""
    path, cap = Path(path), _cap(limit)
    fd = _open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, what)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        if size + len(data) > cap:
            raise _over(path, what, size + len(data), cap, limit)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as e:
        raise _refuse(path, what, f"cannot be written: {e.strerror or e}") from None
    finally:
        os.close(fd)


def open_lock(path: Path, *, what: str = "lock file") -> int:
    """A descriptor for flock on the lock file at `path`, created if missing, never truncated
    (its bytes are not used) and never a link's target or a FIFO."""
    fd = _open(Path(path), os.O_RDWR | os.O_CREAT, what)
    assert fd is not None  # O_CREAT: a missing file is created or refused
    return fd
