"""Debian's Chromium and a served app, set up one way for the browser tests and the benchmarks
(bench.dashboard, bench.load, bench.jsprofile).

Playwright's own browser download cannot work here (see ../shared/RECIPES.md), so every launch
points at /usr/bin/chromium with the same flags; `serve` runs `python -m streamlit run SCRIPT`
on a free port of 127.0.0.1, headless, without usage stats or a file watcher, waits for
/_stcore/health and stops the process afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
FLAGS = [
    "--server.headless",
    "true",
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    url: str
    log: Path
    started: float  # perf_counter just before the process was started
    healthy: float = float("nan")  # perf_counter when /_stcore/health first answered 200

    def memory_mb(self) -> dict[str, float]:
        """VmRSS and VmHWM of the streamlit process, in MB."""
        values = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
        return values


def wait_healthy(
    url: str, proc: subprocess.Popen, deadline: float, name: str, logs: Sequence[Path]
) -> None:
    """Poll `url`/_stcore/health (Streamlit's, or a proxy's in front of it) until it answers
    200; RuntimeError with the tail of each log if the process exits or the deadline passes."""
    while True:
        if proc.poll() is not None:
            tails = " ".join(p.read_text(errors="replace")[-2000:] for p in logs if p.exists())
            raise RuntimeError(f"{name} exited with {proc.returncode}: {tails}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: no answer at {url}/_stcore/health")
        time.sleep(0.02)


@contextmanager
def serve(
    name: str,
    script: str,
    env: dict[str, str],
    logs: Path,
    flags: Sequence[str] = (),
    startup_s: float = 90.0,
    cwd: Path = ROOT,
    python: str = sys.executable,
) -> Iterator[Server]:
    """`python -m streamlit run script` on a free port, its output in logs/NAME-PORT.log; waits
    for /_stcore/health (RuntimeError with the log's tail if it exits or stays silent). `cwd`
    and `python` serve another checkout with its own interpreter (bench.dashboard --against)."""
    port = free_port()
    log = logs / f"{name}-{port}.log"
    command = [python, "-m", "streamlit", "run", script, *FLAGS, *flags]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    with log.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        server = Server(name, proc, f"http://127.0.0.1:{port}", log, started)
        try:
            wait_healthy(server.url, proc, time.monotonic() + startup_s, name, [log])
            server.healthy = time.perf_counter()
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
