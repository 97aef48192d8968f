"""The deploy recipe (docs/deploy/): two dashboard replicas behind Debian's nginx with the
recipe's own site file, driven in Chromium through the proxy.

- The proxy sets its sticky cookie once, and a browser's every request (page, scripts, the
  websocket /_stcore/stream, health) reaches one replica; both replicas get sessions.
- A refresh (`etl build` into the served --db path, i.e. a new file renamed over it) while two
  sessions are open: each session keeps its one websocket, its next rerun shows the new data
  (the sidebar's "Data built" line), and no page or replica shows an error.

nginx runs as an ordinary process on free loopback ports (tests/browser/replicas.py). Without
nginx (`scripts/test` installs Debian's) the test is skipped on a laptop and fails in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import replicas
from tests.browser.chromium import VIEWPORT

pytestmark = pytest.mark.browser

LOAD_MS = 60_000
COOKIE = "ledger_replica"
OLD_BUILD = "2001-01-01 00:00"  # the first database's build time, moved back (see `served`)


@pytest.fixture(scope="module")
def nginx() -> str:
    if not replicas.have_nginx():
        why = f"nginx is not installed at {replicas.NGINX} (scripts/test installs Debian's)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return replicas.NGINX


def etl_build(db: Path) -> None:
    """What the refresh does to the served file: a complete new one renamed over it."""
    done = subprocess.run(
        [sys.executable, "-m", "etl.cli", "build", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def served(tmp_path) -> Path:
    """A database built from the snapshot whose build time reads 2001, so the sidebar of a page
    drawn from it differs from one drawn after the refresh (both builds are minutes apart at
    most, and the line shows minutes)."""
    db = tmp_path / "served" / "alliance.duckdb"
    db.parent.mkdir()
    etl_build(db)
    with duckdb.connect(str(db)) as con:
        con.execute("update etl_run set finished_at = $t", {"t": datetime(2001, 1, 1)})
    return db


def sticky_cookie(answer) -> str | None:
    """The value of the proxy's Set-Cookie in an answer (Streamlit sets its own XSRF cookie)."""
    for header in answer.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        if name == COOKIE:
            return rest.split(";")[0]
    return None


def cookie_for_each(url: str, ports: list[int]) -> dict[int, str]:
    """{replica port: a sticky cookie the proxy set that reaches it}, by asking without one."""
    found: dict[int, str] = {}
    for _ in range(64):  # each answer is a fair coin between two: all found long before 64
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
            value = sticky_cookie(answer)
            assert value, "the proxy set no sticky cookie for a browser without one"
            found.setdefault(int(answer.headers["X-Ledger-Replica"]), value)
        if set(found) == set(ports):
            return found
    raise AssertionError(f"the proxy sent 64 new browsers to {sorted(found)} only, not {ports}")


def replica_of(url: str, cookie: str) -> int:
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert sticky_cookie(answer) is None  # set once, not again
        return int(answer.headers["X-Ledger-Replica"])


def open_session(browser: Browser, url: str, cookie: str | None) -> tuple[Page, list]:
    """A browser on the SQL explorer (a page without charts: the quickest to draw); returns the
    page and the list its websockets are appended to."""
    context = browser.new_context(viewport=VIEWPORT)
    if cookie:
        context.add_cookies([{"name": COOKIE, "value": cookie, "url": url}])
    page = context.new_page()
    sockets: list = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(f"{url}/sql")
    expect(page.get_by_role("heading", name="SQL explorer", level=1)).to_be_visible(timeout=LOAD_MS)
    settle(page)
    return page, sockets


def settle(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=LOAD_MS)


def sidebar(page: Page):
    return page.get_by_test_id("stSidebar").get_by_text("Data built")


def test_two_replicas_behind_nginx_keep_sessions_and_follow_a_refresh(
    nginx, served, browser: Browser, tmp_path
):
    env = {"ALLIANCE_DB": str(served)}  # ALLIANCE_CACHE_DIR: the session's, shared by both
    with replicas.replicas(2, env, tmp_path) as servers:
        ports = [replicas.port_of(s.url) for s in servers]
        with replicas.proxy(ports, tmp_path / "nginx") as proxy:
            # A browser without the cookie gets one and stays; a second is sent to the other
            # replica by a cookie the proxy gave out for it.
            first, first_sockets = open_session(browser, proxy.url, None)
            cookies = {c["name"]: c["value"] for c in first.context.cookies()}
            assert COOKIE in cookies, "the proxy set no sticky cookie"
            first_port = replica_of(proxy.url, f"{COOKIE}={cookies[COOKIE]}")
            other_port = next(p for p in ports if p != first_port)
            other_cookie = cookie_for_each(proxy.url, ports)[other_port]
            second, second_sockets = open_session(browser, proxy.url, other_cookie)
            sessions = {
                cookies[COOKIE]: (first, first_sockets),
                other_cookie: (second, second_sockets),
            }
            for page, _ in sessions.values():
                expect(sidebar(page)).to_contain_text(OLD_BUILD, timeout=LOAD_MS)

            etl_build(served)  # the refresh, while both sessions are open

            rebuilt = re.compile(r"Data built (?!2001-)\d{4}-\d\d-\d\d")  # any date but 2001's
            for page, _ in sessions.values():  # a rerun of the open session: another page
                page.get_by_test_id("stSidebarNav").get_by_role(
                    "link", name="Alliances and overlap"
                ).click()
                expect(
                    page.get_by_role("heading", name="Alliances and overlap", level=1)
                ).to_be_visible(timeout=LOAD_MS)
                settle(page)
                expect(sidebar(page)).to_contain_text(rebuilt, timeout=LOAD_MS)
                expect(page.get_by_test_id("stException")).to_have_count(0)
            for sticky, (page, sockets) in sessions.items():
                streams = [s for s in sockets if s.url.endswith("/_stcore/stream")]
                assert len(streams) == 1, f"{sticky}: the session reconnected ({len(streams)})"
                assert not streams[0].is_closed(), f"{sticky}: its websocket was closed"
                page.context.close()
        log = proxy.requests()  # complete now: nginx logs a websocket when it closes

    served_by: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, set[str]] = defaultdict(set)
    for line in log:
        if line["replica"] != "-":  # "-": nginx answered from its cache of /static/
            served_by[line["sticky"]].add(line["replica"])
        paths[line["sticky"]].add(line["path"])
    for sticky in sessions:
        assert len(served_by[sticky]) == 1, f"{sticky} reached {served_by[sticky]}"
        assert "/_stcore/stream" in paths[sticky], f"{sticky}: no websocket through the proxy"
        assert any(p.startswith("/static/") for p in paths[sticky])  # its scripts, via the proxy
    assert {next(iter(served_by[s])) for s in sessions} == {str(p) for p in ports}
    streams = [line for line in log if line["path"] == "/_stcore/stream"]
    assert streams and all(line["status"] == "101" for line in streams)
    for server in servers:
        text = server.log.read_text(errors="replace")
        assert "Traceback" not in text, f"{server.name}: {text[-2000:]}"


def test_the_site_file_passes_nginx_t_inside_debians_nginx_conf(nginx, tmp_path):
    """The recipe as installed: in sites-enabled/ of Debian's own configuration (a copy)."""
    etc = Path("/etc/nginx")
    if not (etc / "nginx.conf").is_file():
        pytest.skip("Debian's /etc/nginx/nginx.conf is not there")
    copy = tmp_path / "nginx"
    shutil.copytree(etc, copy, symlinks=True)
    enabled = copy / "sites-enabled"
    for old in enabled.iterdir():
        old.unlink()  # Debian's default site, as the recipe says
    site = replicas.cache_in(replicas.SITE.read_text(), tmp_path / "static-cache")
    (enabled / "alliance-ledger").write_text(site)  # nginx -t creates the cache folder
    conf = copy / "nginx.conf"
    conf.write_text(conf.read_text().replace(f"{etc}/", f"{copy}/"))
    done = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
