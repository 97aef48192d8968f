"""N dashboard replicas behind nginx, as docs/deploy/ runs them, on this machine's loopback: for
tests/browser/test_replicas.py and `bench/load.py --replicas N`.

`replicas` starts N `python -m streamlit run dashboard.py` (the flags of tests/browser/chromium.py)
at once on free ports and waits for each one's /_stcore/health. `proxy` runs Debian's nginx as
an ordinary process (`nginx -p DIR -c DIR/nginx.conf`, no daemon, nothing under /etc or /var)
with the recipe's own site file, docs/deploy/alliance-ledger.nginx.conf, in its http block:
only the replicas' ports, the listening address and the log's path are changed (`site`), so the
test exercises the file an operator installs.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.browser.chromium import FLAGS, ROOT, Server, free_port, wait_healthy

SITE = ROOT / "docs" / "deploy" / "alliance-ledger.nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM_LINE = re.compile(r"^\s*server 127\.0\.0\.1:\d+( [^;]*)?;\n", re.M)
# One line of the recipe's access log (log_format ledger).
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* '
    r"replica=(?P<replica>\S+) sticky=(?P<sticky>\S+)$"
)


def have_nginx() -> bool:
    return Path(NGINX).is_file() and os.access(NGINX, os.X_OK)


def site(ports: list[int], listen: int, access_log: Path) -> str:
    """The recipe's site file for these replica ports, listening on 127.0.0.1:`listen`."""
    text = SITE.read_text(encoding="utf-8")
    params = UPSTREAM_LINE.search(text)
    if not params:
        raise RuntimeError(f"{SITE.name}: no `server 127.0.0.1:PORT ...;` line in its upstream")
    rest = params.group(1) or ""
    upstream = "".join(f"    server 127.0.0.1:{port}{rest};\n" for port in ports)
    text = UPSTREAM_LINE.sub("", text)
    text = text.replace("    keepalive ", upstream + "    keepalive ", 1)
    text = re.sub(r"^\s*listen \[::\]:80;\n", "", text, flags=re.M)
    text = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{listen};", text, flags=re.M)
    text = re.sub(
        r"access_log /var/log/nginx/\S+ ledger;", f"access_log {access_log} ledger;", text
    )
    return cache_in(text, access_log.parent / "static-cache")


def cache_in(text: str, folder: Path) -> str:
    """The site with its static cache (proxy_cache_path) in `folder` instead of /var/lib/nginx."""
    return re.sub(r"proxy_cache_path /var/lib/nginx/\S+ ", f"proxy_cache_path {folder} ", text)


def main_conf(folder: Path, site_text: str) -> str:
    """A whole nginx.conf around the site: everything it writes stays under `folder`."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    # as root the workers would switch to `nobody`, who cannot enter pytest's private tmp dirs
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} notice;
events {{ worker_connections 1024; }}
http {{
{temp}
    uwsgi_temp_path {folder / "uwsgi"};
    scgi_temp_path {folder / "scgi"};
    default_type application/octet-stream;
{site_text}
}}
"""


@dataclass
class Proxy:
    proc: subprocess.Popen
    url: str
    folder: Path
    access_log: Path

    def requests(self) -> list[dict[str, str]]:
        """The access log's lines so far, parsed (method, path, status, replica, sticky)."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text(encoding="utf-8").splitlines()
        return [m.groupdict() for line in lines if (m := LOG_LINE.search(line))]


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


@contextmanager
def replicas(n: int, env: dict[str, str], logs: Path, startup_s: float = 90) -> Iterator[list]:
    """N streamlit servers of dashboard.py started at once, each healthy before this yields."""
    with ExitStack() as stack:
        servers: list[Server] = []
        for i in range(1, n + 1):
            port = free_port()
            log = logs / f"replica{i}-{port}.log"
            command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", *FLAGS]
            command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
            out = stack.enter_context(log.open("w"))
            started = time.perf_counter()
            proc = subprocess.Popen(
                command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
            )
            stack.callback(_stop, proc)
            servers.append(Server(f"replica{i}", proc, f"http://127.0.0.1:{port}", log, started))
        deadline = time.monotonic() + startup_s
        for server in servers:
            wait_healthy(server.url, server.proc, deadline, server.name, [server.log])
            server.healthy = time.perf_counter()
        yield servers


@contextmanager
def proxy(ports: list[int], folder: Path, startup_s: float = 20) -> Iterator[Proxy]:
    """Debian's nginx with the recipe's site in front of `ports`, on a free loopback port."""
    folder.mkdir(parents=True, exist_ok=True)
    listen = free_port()
    access_log = folder / "access.log"
    conf = folder / "nginx.conf"
    conf.write_text(main_conf(folder, site(ports, listen, access_log)), encoding="utf-8")
    log = folder / "nginx.out"
    # -e: the error log before the configuration is read (the default is under /var/log)
    command = [NGINX, "-p", f"{folder}/", "-c", str(conf), "-e", str(folder / "error.log")]
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{listen}"
            deadline = time.monotonic() + startup_s
            wait_healthy(url, proc, deadline, "nginx", [log, folder / "error.log"])
            yield Proxy(proc, url, folder, access_log)
        finally:
            _stop(proc, signal.SIGQUIT)  # graceful: open websockets are logged as they close


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])
