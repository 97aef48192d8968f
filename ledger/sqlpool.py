"""Query worker processes (ledger/sqlworker.py) for ledger.sandbox: started ahead, watched while
they run a query, reused only after a clean answer.

- A worker is opened on one database file, identified by its path, inode, size and mtime, and
  on the DuckDB settings it was given: when the file is replaced (a refresh publishes by a
  rename) or a setting changes, the worker no longer matches and is retired at the next look.
- While a query runs, the asking thread reads the worker's answer and watches it: its resident
  memory (VmRSS in /proc) every POLL seconds, killed above the cap; killed at the deadline. A
  worker that dies on its own is told apart: killed from outside by a signal (SIGKILL, SIGTERM,
  ... sent by someone else: the kernel's OOM killer, an operator) or crashed.
- At most `size` workers exist (idle, starting or busy); the others' queries wait. A worker goes
  back to the idle list only when it answered (a refusal is an answer), is still under the
  keep-size and matches; otherwise it is killed and, once `warm` was asked for, replaced in the
  background so the next query does not pay for a start. Idle workers are retired after a while.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ledger.sqlworker import DATA, END, FRAME, READY

WORKER = Path(__file__).with_name("sqlworker.py")
POLL = 0.02  # seconds between two looks at a running worker's memory
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
# Signals a worker never sends itself: someone else stopped it.
OUTSIDE = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT}

Key = tuple  # (database path, inode, size, mtime_ns, memory_mb, threads)


class Stopped(Exception):
    """A worker that did not answer: `why` is memory, deadline, signal, crashed or startup."""

    def __init__(self, why: str, *, signum: int = 0, code: int = 0, peak_mb: float = 0.0,
                 cpu_seconds: float = 0.0, message: str = "") -> None:  # fmt: skip
        super().__init__(why)
        self.why, self.signum, self.code = why, signum, code
        self.peak_mb, self.cpu_seconds, self.message = peak_mb, cpu_seconds, message


def key_of(db: Path, memory_mb: int, threads: int) -> Key:
    s = db.stat()
    return (str(db), s.st_ino, s.st_size, s.st_mtime_ns, memory_mb, threads)


@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen
    key: Key
    scratch: tempfile.TemporaryDirectory
    queries: int = 0
    idle_since: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def resident_mb(self) -> float:
        """VmRSS now (0 when the process is gone)."""
        try:
            return int(Path(f"/proc/{self.pid}/statm").read_text().split()[1]) * PAGE / (1 << 20)
        except (OSError, IndexError, ValueError):
            return 0.0

    def peak_mb(self) -> float:
        """VmHWM: the peak since the worker's last reset (it resets at each query)."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        except (OSError, IndexError, ValueError):
            return 0.0

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.scratch.cleanup()

    def _died(self, cpu: float) -> Stopped:
        """Why a worker that closed its pipe without answering ended."""
        code = self.proc.wait()
        if code < 0 and -code == signal.SIGXCPU:  # its own CPU backstop
            return Stopped("deadline", signum=-code, cpu_seconds=cpu)
        if code < 0:
            why = "signal" if -code in OUTSIDE else "crashed"
            return Stopped(why, signum=-code, cpu_seconds=cpu)
        return Stopped("crashed", code=code, cpu_seconds=cpu)

    def ask(self, request: dict, *, seconds: float, rss_mb: float, most_bytes: int):
        """Send one query; return (end header, Arrow IPC bytes). Stopped when the worker is
        killed (deadline, memory over rss_mb, a result past most_bytes) or dies."""
        fd = self.proc.stdout.fileno()
        cpu_start = self.cpu_seconds()
        until = time.monotonic() + seconds
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            raise self._died(0.0) from None
        buf, pieces, got = bytearray(), [], 0
        while True:
            left = until - time.monotonic()
            if left <= 0:
                peak, cpu = self.peak_mb(), self.cpu_seconds() - cpu_start
                self.kill()
                raise Stopped("deadline", peak_mb=peak, cpu_seconds=cpu)
            readable, _, _ = select.select([fd], [], [], min(POLL, left))
            if self.resident_mb() > rss_mb:
                peak, cpu = self.peak_mb(), self.cpu_seconds() - cpu_start
                self.kill()
                raise Stopped("memory", peak_mb=peak, cpu_seconds=cpu)
            if not readable:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise self._died(self.cpu_seconds() - cpu_start)
            buf += chunk
            while len(buf) >= FRAME.size:
                tag, size = FRAME.unpack_from(buf)
                if len(buf) < FRAME.size + size:
                    break
                payload = bytes(buf[FRAME.size : FRAME.size + size])
                del buf[: FRAME.size + size]
                if tag == END:
                    return json.loads(payload), b"".join(pieces)
                if tag == DATA:
                    got += size
                    if got > most_bytes:  # the worker checks this itself; never trust it
                        peak = self.peak_mb()
                        self.kill()
                        raise Stopped("size", peak_mb=peak)
                    pieces.append(payload)


def start(key: Key, timeout: float) -> Worker:
    """A new worker opened on key's database, ready for a query (Stopped 'startup' if it is not
    ready within `timeout`, with the worker's own message when it could not open the file)."""
    db, *_, memory_mb, threads = key
    scratch = tempfile.TemporaryDirectory(prefix="ledger-sql-")
    proc = subprocess.Popen(
        [sys.executable, "-I", str(WORKER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=scratch.name,
        env={
            "PATH": os.environ.get("PATH", ""),
            "HOME": scratch.name,
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "ARROW_DEFAULT_MEMORY_POOL": "system",  # freed result memory goes back at once
        },
        start_new_session=True,  # its own process group, killed as one
    )
    worker = Worker(proc, key, scratch)
    try:
        setup = {"db": db, "memory_mb": memory_mb, "threads": threads}
        proc.stdin.write(json.dumps(setup).encode() + b"\n")
        proc.stdin.flush()
        header = _frame(proc, READY, timeout)
    except (OSError, ValueError):
        header = None
    if header is None or not header.get("ok"):
        worker.kill()
        raise Stopped("startup", message=(header or {}).get("message", ""))
    return worker


def _frame(proc: subprocess.Popen, tag: bytes, timeout: float) -> dict | None:
    """Read one whole frame with `tag` within timeout, else None."""
    fd, buf = proc.stdout.fileno(), b""
    until = time.monotonic() + timeout
    while len(buf) < FRAME.size or len(buf) < FRAME.size + FRAME.unpack_from(buf)[1]:
        left = until - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return None
        buf += chunk
    got, size = FRAME.unpack_from(buf)
    return json.loads(buf[FRAME.size : FRAME.size + size]) if got == tag else None


class Pool:
    """At most size() workers; see the module's docstring."""

    def __init__(self, size, keep_mb, idle_seconds, startup: float) -> None:
        self.size, self.keep_mb, self.idle_seconds = size, keep_mb, idle_seconds
        self.startup = startup
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._starting = 0
        self._busy: set[Worker] = set()
        self._warm: Key | None = None  # replace retired workers for this key in the background
        self._reaper: threading.Thread | None = None
        self.starts = 0  # workers started, ever (for tests and benchmarks)

    # ------------------------------------------------------------------ lending
    def checkout(self, key: Key, wait: float) -> tuple[Worker, bool]:
        """A ready worker for key and whether it was started for this call; Stopped('busy')
        when none is free within `wait` (or within the start-up time while one is starting)."""
        begin = time.monotonic()
        retired: list[Worker] = []
        try:
            with self._cond:
                while True:
                    # a worker of another file or settings, or one that died while idle
                    stale = [w for w in self._idle if w.key != key or w.proc.poll() is not None]
                    retired += stale
                    self._idle = [w for w in self._idle if w not in stale]
                    if self._idle:
                        worker = self._idle.pop()
                        self._busy.add(worker)
                        return worker, False
                    if len(self._busy) + self._starting < self.size():
                        self._starting += 1
                        break
                    budget = self.startup if self._starting else wait
                    left = begin + budget - time.monotonic()
                    if left <= 0:
                        raise Stopped("busy")
                    self._cond.wait(left)
        finally:
            for w in retired:
                w.kill()
        try:
            worker = start(key, self.startup)
        except BaseException:
            with self._cond:
                self._starting -= 1
                self._cond.notify_all()
            raise
        with self._cond:
            self.starts += 1
            self._starting -= 1
            self._busy.add(worker)
        return worker, True

    def checkin(self, worker: Worker, clean: bool) -> None:
        """Back to the idle list after a clean answer; otherwise killed (and replaced)."""
        keep = (
            clean
            and worker.proc.poll() is None
            and worker.resident_mb() <= self.keep_mb()
            and _matches(worker.key)
        )
        with self._cond:
            self._busy.discard(worker)
            if keep:
                worker.queries += 1
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
            self._cond.notify_all()
        if not keep:
            worker.kill()
            self._fill()

    # ------------------------------------------------------------------ ready ahead
    def warm(self, key: Key) -> None:
        """Keep size() workers for key started (in the background, now and after each
        retirement) until idle_seconds pass without a query."""
        with self._cond:
            self._warm = key
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name="sql-reaper", daemon=True)
                self._reaper.start()
        self._fill()

    def _fill(self) -> None:
        with self._cond:
            key = self._warm
            if key is None or not _matches(key):
                return
            stale = [w for w in self._idle if w.key != key]
            self._idle = [w for w in self._idle if w.key == key]
            missing = max(0, self.size() - len(self._busy) - self._starting - len(self._idle))
            self._starting += missing
        for w in stale:
            w.kill()
        for _ in range(missing):
            threading.Thread(target=self._start_idle, args=(key,), daemon=True).start()

    def _start_idle(self, key: Key) -> None:
        try:
            worker = start(key, self.startup)
        except Stopped:
            worker = None
        with self._cond:
            self._starting -= 1
            if worker is not None:
                self.starts += 1
                self._idle.insert(0, worker)  # used after the ones that have served
            self._cond.notify_all()

    def _reap(self) -> None:
        while True:
            time.sleep(min(30.0, self.idle_seconds() / 4))
            now = time.monotonic()
            with self._cond:
                old = [w for w in self._idle if now - w.idle_since > self.idle_seconds()]
                self._idle = [w for w in self._idle if w not in old]
                if old and not self._idle and not self._busy:
                    self._warm = None  # nobody asks: do not start them again
            for w in old:
                w.kill()

    # ------------------------------------------------------------------ looking on
    def pids(self) -> dict[str, list[int]]:
        with self._cond:
            return {
                "idle": [w.pid for w in self._idle],
                "busy": [w.pid for w in self._busy],
            }

    def close(self) -> None:
        """Kill every worker (idle and busy) and forget the warm key."""
        with self._cond:
            workers = self._idle + list(self._busy)
            self._idle, self._warm = [], None
        for w in workers:
            w.kill()


def _matches(key: Key) -> bool:
    """Whether the database file is still the one key was taken from."""
    try:
        return key_of(Path(key[0]), key[4], key[5]) == key
    except OSError:
        return False


_pools: list[Pool] = []


@atexit.register
def _close_all() -> None:
    for pool in _pools:
        pool.close()


def new_pool(size, keep_mb, idle_seconds, startup: float) -> Pool:
    pool = Pool(size, keep_mb, idle_seconds, startup)
    _pools.append(pool)
    return pool
