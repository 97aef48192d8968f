"""What several test modules share: the `etl` command as a subprocess (the one entry point,
cli.py, with both sides' commands) or a process started in the background, a file's sha256, a
dashboard page under AppTest, a parser's one-line refusal, and a local web server for the
download tests' publishers with the zips and link pages they serve."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app import methods
from core.errors import EtlError

ROOT = Path(__file__).resolve().parent.parent


def etl_command(*args: object) -> list[str]:
    """The argv of `etl ARGS` (for a test that starts, times or kills the process itself)."""
    return [sys.executable, "-m", "cli", *map(str, args)]


def etl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`etl ARGS` run to its end from the repository, output captured as text, 200 columns."""
    return subprocess.run(
        etl_command(*args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=timeout,
    )


@contextmanager
def started(argv: list[str], **popen: Any) -> Iterator[subprocess.Popen]:
    """`argv` started from the repository (Popen's keywords) for as long as the block runs; still
    running at its end (the test failed or gave up waiting), it is killed, so no test leaves a
    process behind."""
    proc = subprocess.Popen(argv, cwd=ROOT, **popen)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# Pages that draw at least one chart as first opened (the others: the SQL explorer, and Data
# and methods, whose chart is in its Agreement section).
CHART_PAGES = {"claims", "burden", "free_riding", "capability", "alliances", "country"}
# Data and methods draws one section at a time (`?section=`, app.methods.SECTIONS): the ones a
# first visit does not show, each a view of its own (the query a link carries).
METHODS_SECTIONS = {name: f"?section={name}" for name in methods.SECTIONS[1:]}


def has_charts(key: str, query: str = "") -> bool:
    """Whether the view of page `key` that the URL query `query` opens draws a chart."""
    return key in CHART_PAGES or (key, query) == ("methods", METHODS_SECTIONS["Agreement"])


DASHBOARD = ROOT / "dashboard.py"
APP_TIMEOUT = 120  # seconds a page run may take under AppTest on the shared machine


def open_page(key: str, query: dict | None = None):
    """A dashboard page run under Streamlit's AppTest (URL parameters from `query`)."""
    from streamlit.testing.v1 import AppTest

    from app import nav

    at = AppTest.from_file(str(DASHBOARD), default_timeout=APP_TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if key != "claims":
        at.switch_page(nav.BY_KEY[key].path).run()
    return at


def refused(raw: Path, *fragments: str, parse: Callable[[Path], object]) -> str:
    """parse(raw) is refused in one line (EtlError) holding every fragment; that line."""
    with pytest.raises(EtlError) as err:
        parse(raw)
    message = str(err.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


class Served:
    """What a local publisher serves and has seen: its base URL, the answers it gives by exact
    path (`routes`, of the test module's own Route type), the requests each path has had
    (`hits`, counted under `lock`), and `stopping`, set when the server stops so that an answer
    still waiting lets go."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.routes: dict[str, Any] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing; `self.server.state` is what the server serves."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Any

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away (killed, or gave up) is not the test's failure


@contextmanager
def local_server(
    handler: type[QuietHandler], state: Callable[[str], Any], stop: Callable[[Any], None]
) -> Iterator[Any]:
    """`handler` served on 127.0.0.1 (a free port) for as long as the block runs, with the
    state `state(base_url)` made for it; `stop(state)` lets waiting requests go at the end."""
    server = _Server(("127.0.0.1", 0), handler)
    server.state = state(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.state
    finally:
        stop(server.state)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    """A zip of the members (name: bytes), each dated 2025-01-01 so its bytes never change."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            z.writestr(info, data, compress_type=method)
    return out.getvalue()


def link_page(*hrefs: str) -> bytes:
    """A publisher's HTML page listing a link to each of `hrefs`, named by its last part."""
    items = "".join(f'<li><a href="{h}">{h.rsplit("/", 1)[-1]}</a></li>' for h in hrefs)
    return f"<!DOCTYPE html><html><body><ul>{items}</ul></body></html>".encode()
