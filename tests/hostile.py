"""Hostile publishers for `etl refresh` (issue "hardening, round two"), one Case each.

Each case arranges a local server on 127.0.0.1 (tests/test_download.py's `serving`) to answer
one download the way the red team's did, or a variant of it: credentials in the base URL then
a failure, redirects and page links to other hosts, responses that carry secrets, trickled
headers, compressed bodies that decode to nothing or to a bomb, nested zips, link names with
control characters. `run` refreshes that one download and returns the error, the seconds it
took and what reached the other server. tests/test_download_hostile.py asserts every case is
refused in one line, on time, leaking nothing and changing nothing; bench/downloads.py
measures the same cases (time to stop, peak memory) for docs/RELIABILITY.md.
"""

from __future__ import annotations

import gzip
import io
import time
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO

from core.errors import EtlError
from etl.download import DEFAULT_BASE_URLS, SOURCES, refresh_raw
from tests.helpers import zip_of
from tests.test_download import (
    SIPRI_FILES,
    WB_CODES,
    Route,
    Site,
    page,
    serve_tiny,
    tiny_xlsx,
    worldbank_members,
)

SOURCE = {s.key: s for s in SOURCES}
SECRET = b"iam-role-credentials AccessKeyId=AKIAIOSFODNN7EXAMPLE Token=s3cr3t-session"
USERINFO = "alice:s3cr3t-T0KEN@"
# None of these may appear in any message: the secret body, the base URL's credentials.
LEAKS = ("iam-role", "AKIA", "s3cr3t", "alice")
TRICKLE_SECONDS = 20.0  # how long a trickling answer would go on (the deadline is 1 s)
FILE_DEADLINE = {"ALLIANCE_DOWNLOAD_FILE_SECONDS": "1"}
KIEL = "kiel-weapons"
CODES = "cow-codes"
SIPRI_PAGE = SOURCE["sipri"].path
NEW_SIPRI = "SIPRI-Milex-data-1949-2025.xlsx"


@dataclass(frozen=True)
class Case:
    id: str
    family: str
    key: str  # the download refreshed (a key of etl.download.SOURCES)
    arrange: Callable[[Site, Site], None]  # (the publisher, another server on 127.0.0.1)
    expect: str  # in the one-line error
    env: Mapping[str, str] = field(default_factory=dict)
    userinfo: str = ""  # put into the base URL
    cut: bool = False  # the client must hang up before the server has finished


def run(case: Case, site: Site, other: Site, raw: Path) -> tuple[EtlError | None, float]:
    """Refresh the case's one download against `site`; (the error or None, seconds)."""
    serve_tiny(site)
    case.arrange(site, other)
    base = site.url.replace("http://", f"http://{case.userinfo}")
    start = time.monotonic()
    try:
        refresh_raw(
            raw,
            sources=[SOURCE[case.key]],
            base_urls=dict.fromkeys(DEFAULT_BASE_URLS, base),
            timeout=5,  # per read: a trickle within it is for the watchdog to stop
            retries=1,
            backoff=0,
        )
    except EtlError as e:
        return e, time.monotonic() - start
    return None, time.monotonic() - start


# --- answers written by hand ----------------------------------------------------------------


def raw_answer(data: bytes) -> Callable[[BinaryIO, object], None]:
    def write(w: BinaryIO, stop: object) -> None:
        w.write(data)
        w.flush()

    return write


def trickle(head: bytes, drip: bytes, tail: bytes, pause: float = 0.2) -> Callable:
    """`head` at once, then `drip` every `pause` s for TRICKLE_SECONDS, then `tail`: each read
    is well within the per-read timeout, so only a wall-clock deadline ends it early."""

    def write(w: BinaryIO, stop) -> None:
        w.write(head)
        w.flush()
        ends = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < ends:
            if stop.wait(pause):
                return
            w.write(drip)
            w.flush()
        w.write(tail)
        w.flush()

    return write


CSV = b'"a","b"\n"1","2"\n'
HEAD_200 = b"HTTP/1.1 200 OK\r\nX-Slow: "
TINY_SIPRI = SIPRI_FILES + "SIPRI-Milex-data-1949-2024.xlsx"  # what serve_tiny links
OK_TAIL = b"\r\nContent-Length: %d\r\n\r\n" % len(CSV) + CSV
EMPTY_STORED_BLOCK = b"\x00\x00\x00\xff\xff"  # a deflate block of no bytes, not the last
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def empty_blocks(encoding: bytes) -> Callable:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Encoding: "
        + encoding
        + b"\r\nConnection: close\r\n\r\n"
        + (GZIP_HEADER if encoding == b"gzip" else b"")
    )
    return trickle(head, EMPTY_STORED_BLOCK * 50, b"", pause=0.01)


@cache
def zeros_compressed(kind: str, mb: int) -> bytes:
    data = bytes(mb << 20)
    if kind == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    if kind == "zlib":
        return zlib.compress(data, 9)
    z = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


def encoded(body: bytes, encoding: str) -> Route:
    return Route(body, "text/csv", headers={"Content-Encoding": encoding})


def lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in its local and central headers set to
    `size` (a header that lies)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        offset = z.getinfo(member).header_offset
    out = bytearray(data)
    out[offset + 22 : offset + 26] = size.to_bytes(4, "little")
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = int.from_bytes(out[central + 28 : central + 30], "little")
        if out[central + 46 : central + 46 + name_len] == member.encode():
            out[central + 24 : central + 28] = size.to_bytes(4, "little")
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


@cache
def nested_bomb(mb: int, lie: bool) -> bytes:
    """COW's documentation zip holding an inner zip of `mb` MB (one stored member of zeros):
    a few kB on the wire."""
    inner = zip_of({"NMC-60-abridged.csv": bytes(mb << 20)})
    outer = zip_of({"NMC_Documentation-6.0/NMC-60-abridged.zip": inner}, zipfile.ZIP_DEFLATED)
    return (
        lie_about_size(outer, "NMC_Documentation-6.0/NMC-60-abridged.zip", 1000) if lie else outer
    )


# fmt: off
# --- the cases ------------------------------------------------------------------------------


def _route(key: str, route: Route) -> Callable[[Site, Site], None]:
    def arrange(site: Site, other: Site) -> None:
        site.routes[SOURCE[key].path] = route

    return arrange


def _redirect(key: str, location: Callable[[Site, Site], str], status: int = 302) -> Callable:
    def arrange(site: Site, other: Site) -> None:
        other.routes["/secret"] = Route(SECRET, "text/csv")
        where = location(site, other)
        site.routes[SOURCE[key].path] = Route(status=status, headers={"Location": where})

    return arrange


def _port(site: Site) -> str:
    return site.url.rsplit(":", 1)[1]


def _sipri_link(href: Callable[[Site, Site], str]) -> Callable[[Site, Site], None]:
    def arrange(site: Site, other: Site) -> None:
        other.routes[SIPRI_FILES + NEW_SIPRI] = Route(tiny_xlsx("other host"))
        site.routes[SIPRI_PAGE] = page(href(site, other))

    return arrange


def _named(name: str) -> Callable[[Site, Site], None]:
    """SIPRI's page links a file of this (percent-encoded) name, served as a real workbook."""

    def arrange(site: Site, other: Site) -> None:
        site.routes[SIPRI_PAGE] = page(SIPRI_FILES + name)
        site.routes[SIPRI_FILES + name] = Route(tiny_xlsx("named"))

    return arrange


def _wb_member(name: str, data: bytes | None = None) -> Callable[[Site, Site], None]:
    """The World Bank GDP zip with its data file renamed (and its bytes replaced)."""

    def arrange(site: Site, other: Site) -> None:
        members = worldbank_members(WB_CODES["gdp"], "v1")
        members = {
            (name if k.startswith("API_") else k): (data or v) if k.startswith("API_") else v
            for k, v in members.items()
        }
        body = zip_of(members, zipfile.ZIP_DEFLATED)
        site.routes[SOURCE["worldbank-gdp"].path] = Route(body, "application/zip")

    return arrange


CREDENTIALS = [
    Case("404", "credentials", CODES, _route(CODES, Route(b"gone", "text/plain", 404)), "HTTP 404"),
    Case(
        "html-page", "credentials", CODES,
        _route(CODES, Route(b"<html>sign in</html>", "text/html")), "got an HTML page",
    ),
    Case(
        "connection-dropped", "credentials", CODES, _route(CODES, Route(write=raw_answer(b""))),
        "network error",
    ),
    Case(
        "redirect-elsewhere", "credentials", CODES,
        _redirect(CODES, lambda s, o: f"{o.url}/secret"), "refused a redirect",
    ),
    Case(
        "bad-status-line", "credentials", CODES,
        _route(CODES, Route(write=raw_answer(b"HTTP/1.1 OK\r\n\r\n"))), "network error",
    ),
]
CREDENTIALS = [Case(**{**c.__dict__, "userinfo": USERINFO}) for c in CREDENTIALS]

def _redirected(
    name: str, location: Callable[[Site, Site], str], refused: str, status: int = 302
) -> Case:
    """A 'hosts' case: the codes file answers with a redirect (`status`) to `location`."""
    return Case(name, "hosts", CODES, _redirect(CODES, location, status), refused)


def _linked(name: str, href: Callable[[Site, Site], str], refused: str) -> Case:
    """A 'hosts' case: SIPRI's page links its new workbook at `href`."""
    return Case(name, "hosts", "sipri", _sipri_link(href), refused)


HOSTS = [
    *(
        _redirected(
            f"redirect-{code}-other-port", lambda s, o: f"{o.url}/secret",
            "refused a redirect to 127.0.0.1 port", code,
        )
        for code in (301, 302, 303, 307, 308)
    ),
    _redirected(
        "redirect-metadata", lambda s, o: "http://169.254.169.254/latest/meta-data/iam/",
        "refused a redirect to 169.254.169.254",
    ),
    _redirected(
        "redirect-localhost-same-port", lambda s, o: f"http://localhost:{_port(s)}/secret",
        "refused a redirect to localhost",
    ),
    _redirected(
        "redirect-ipv6-loopback", lambda s, o: f"http://[::1]:{_port(s)}/secret",
        "refused a redirect to ::1",
    ),
    _redirected(
        "redirect-ipv4-mapped", lambda s, o: f"http://[::ffff:127.0.0.1]:{_port(s)}/secret",
        "refused a redirect to ::ffff:127.0.0.1",
    ),
    _redirected(
        "redirect-decimal-ip", lambda s, o: f"http://2130706433:{_port(s)}/secret",
        "refused a redirect",
    ),
    _redirected(
        "redirect-protocol-relative", lambda s, o: "//evil.example/secret",
        "refused a redirect to evil.example",
    ),
    _redirected(
        "redirect-userinfo-trick",
        lambda s, o: f"http://127.0.0.1:{_port(s)}@evil.example/secret",
        "refused a redirect to evil.example",
    ),
    _redirected(
        "redirect-file-scheme", lambda s, o: "file:///etc/passwd",
        "refused a redirect to a file: address",
    ),
    _redirected(
        "redirect-ftp", lambda s, o: f"ftp://127.0.0.1:{_port(s)}/secret", "a ftp: address"
    ),
    _redirected("redirect-loop", lambda s, o: SOURCE[CODES].path, "more than 5 redirects"),
    Case(
        "redirect-without-location", "hosts", CODES,
        _route(CODES, Route(status=307)), "redirect without a Location",
    ),
    Case(
        "redirect-chain-then-elsewhere", "hosts", CODES,
        lambda s, o: (
            _redirect(CODES, lambda s, o: "/hop/1", 301)(s, o),
            s.routes.update({
                "/hop/1": Route(status=307, headers={"Location": f"{s.url}/hop/2"}),
                "/hop/2": Route(status=308, headers={"Location": f"{o.url}/secret"}),
            }),
        ),
        "refused a redirect to 127.0.0.1 port",
    ),
    _linked(
        "page-link-other-port", lambda s, o: f"{o.url}{SIPRI_FILES}{NEW_SIPRI}",
        "refused 127.0.0.1 port",
    ),
    _linked(
        "page-link-metadata", lambda s, o: f"http://169.254.169.254/{NEW_SIPRI}",
        "refused 169.254.169.254",
    ),
    _linked(
        "page-link-protocol-relative", lambda s, o: f"//evil.example/{NEW_SIPRI}",
        "refused evil.example",
    ),
    _linked("page-link-ftp", lambda s, o: f"ftp://{s.url[7:]}/{NEW_SIPRI}", "a ftp: address"),
]

RESPONSE_BYTES = [
    Case(
        "secret-under-xlsx", "response bytes", "sipri",
        lambda s, o: s.routes.update({TINY_SIPRI: Route(SECRET, "text/plain")}),
        f"not an xlsx (text/plain, {len(SECRET)} bytes)",
    ),
    Case(
        "secret-under-zip", "response bytes", "worldbank-gdp",
        _route("worldbank-gdp", Route(SECRET, "application/octet-stream")),
        "not a zip (application/octet-stream",
    ),
    Case(
        "secret-under-json", "response bytes", "restcountries",
        _route("restcountries", Route(SECRET, "application/json")), "not valid JSON",
    ),
    Case(
        "secret-not-utf8-csv", "response bytes", KIEL,
        _route(KIEL, Route(b"a,b\n\xff" + SECRET + b",1\n", "text/csv")), "not UTF-8 text",
    ),
    Case(
        "secret-in-reason-phrase", "response bytes", CODES,
        _route(CODES, Route(write=raw_answer(
            b"HTTP/1.1 404 " + SECRET + b"\r\nContent-Length: 0\r\n\r\n"
        ))),
        "HTTP 404 Not Found",
    ),
    Case(
        "secret-in-header-line", "response bytes", CODES,
        _route(CODES, Route(write=raw_answer(b"HTTP/1.1 200 OK\r\n" + SECRET + b"\r\n\r\n"))),
        "network error (RemoteProtocolError)",
    ),
    Case(
        "secret-as-status-line", "response bytes", CODES,
        _route(CODES, Route(write=raw_answer(SECRET + b"\r\n\r\n"))),
        "network error (RemoteProtocolError)",
    ),
    Case(
        "secret-in-content-encoding", "response bytes", CODES,
        _route(CODES, Route(CSV, "text/csv", headers={"Content-Encoding": SECRET.decode()})),
        "Content-Encoding unknown is not accepted",
    ),
]

DEADLINES = [
    Case(
        "trickled-headers", "deadlines", KIEL,
        _route(KIEL, Route(write=trickle(HEAD_200, b"a", OK_TAIL))),
        "longer than 1 s in all", FILE_DEADLINE, cut=True,
    ),
    Case(
        "trickled-headers-run-deadline", "deadlines", KIEL,
        _route(KIEL, Route(write=trickle(HEAD_200, b"a", OK_TAIL))),
        "total time limit", {"ALLIANCE_DOWNLOAD_RUN_SECONDS": "1"}, cut=True,
    ),
    Case(
        "trickled-status-line", "deadlines", KIEL,
        _route(KIEL, Route(write=trickle(b"HTTP/1.1 2", b"0", b""))),
        "longer than 1 s in all", FILE_DEADLINE, cut=True,
    ),
    Case(
        "deflate-empty-blocks", "deadlines", KIEL,
        _route(KIEL, Route(write=empty_blocks(b"deflate"))), "longer than 1 s in all",
        FILE_DEADLINE, cut=True,
    ),
    Case(
        "gzip-empty-blocks", "deadlines", KIEL,
        _route(KIEL, Route(write=empty_blocks(b"gzip"))), "longer than 1 s in all",
        FILE_DEADLINE, cut=True,
    ),
    Case(
        "chunked-trickle", "deadlines", KIEL,
        _route(KIEL, Route(write=trickle(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"1\r\na\r\n", b"0\r\n\r\n",
        ))),
        "longer than 1 s in all", FILE_DEADLINE, cut=True,
    ),
    Case(
        "redirect-then-trickle", "deadlines", KIEL,
        lambda s, o: (
            _redirect(KIEL, lambda s, o: "/slow", 302)(s, o),
            s.routes.update({"/slow": Route(write=trickle(HEAD_200, b"a", OK_TAIL))}),
        ),
        "longer than 1 s in all", FILE_DEADLINE,
    ),
]

SIZE = [
    *(
        Case(
            f"{kind}-bomb", "size", KIEL,
            _route(KIEL, encoded(zeros_compressed(kind, 64), encoding)),
            "the decoded download is over the 2 MB cap", {"ALLIANCE_DOWNLOAD_MB_KIEL": "2"},
        )
        for kind, encoding in (("gzip", "gzip"), ("zlib", "deflate"), ("raw", "deflate"))
    ),
    *(
        Case(
            f"{encoding}-refused", "size", KIEL,
            _route(KIEL, encoded(b"\x1b\x00\xf8\xa5" * 8, encoding)),
            f"Content-Encoding {encoding} is not accepted",
        )
        for encoding in ("br", "zstd", "compress")
    ),
    Case(
        "encoded-twice", "size", KIEL,
        _route(KIEL, encoded(gzip.compress(gzip.compress(CSV)), "gzip, gzip")),
        "encoded several times over",
    ),
    Case(
        "zip-in-zip-bomb", "size", "cow-nmc",
        _route("cow-nmc", Route(nested_bomb(40, lie=False), "application/zip")),
        "a zip inside the zip declares 40.0 MB, over the 4 MB cap",
        {"ALLIANCE_DOWNLOAD_MB_COW": "4"},
    ),
    Case(
        "zip-in-zip-lying-header", "size", "cow-nmc",
        _route("cow-nmc", Route(nested_bomb(40, lie=True), "application/zip")),
        "could not unzip", {"ALLIANCE_DOWNLOAD_MB_COW": "4"},
    ),
    Case(
        "zip-member-declared-too-big", "size", "worldbank-gdp",
        _wb_member(f"API_{WB_CODES['gdp']}_DS2_en_csv_v2_11.csv", bytes(5 << 20)),
        "declares 5.0 MB, over the 4 MB cap", {"ALLIANCE_DOWNLOAD_MB_WORLDBANK": "4"},
    ),
]

_PREFIX = "SIPRI-Milex-data-"
NAMES = [
    *(
        Case(f"link-{label}", "names", "sipri", _named(f"{_PREFIX}{bad}{NEW_SIPRI}"), expect)
        for label, bad, expect in (
            ("newline", "%0A", "U+000A (a control character)"),
            ("carriage-return", "%0D", "U+000D"),
            ("nul", "%00", "U+0000"),
            ("escape", "%1B[31m", "U+001B"),
            ("delete", "%7F", "U+007F"),
            ("c1-next-line", "%C2%85", "U+0085"),
            ("rtl-override", "%E2%80%AE", "U+202E (a format character such as a bidi override)"),
            ("rtl-override-raw", "\u202e", "U+202E"),
            ("zero-width-space", "%E2%80%8B", "U+200B"),
            ("byte-order-mark", "%EF%BB%BF", "U+FEFF"),
            ("line-separator", "%E2%80%A8", "U+2028"),
            ("cyrillic-a", "%D0%B0", "U+0430 (not ASCII)"),
            ("backslash", "..%5C..%5C", "holds a path separator"),
            ("encoded-slash", "..%2F..%2F", "holds a path separator"),
            ("overlong", "x" * 300, "characters long (at most 128)"),
        )
    ),
    Case(
        "link-5000-digit-version", "names", "sipri",
        _named(f"SIPRI-Milex-data-1949-2025_v{'9' * 5000}.xlsx"), "characters long",
    ),
    Case(
        "link-13-digit-version", "names", "sipri",
        _named(f"SIPRI-Milex-data-1949-2025_v{'1' * 13}.xlsx"), "more than 12 digits",
    ),
    Case(
        "link-arabic-indic-digits", "names", "sipri",
        _named("SIPRI-Milex-data-%D9%A1%D9%A9%D9%A4%D9%A9-%D9%A2%D9%A0%D9%A2%D9%A5.xlsx"),
        "U+0661 (not ASCII)",
    ),
    Case(
        "zip-member-rtl-override", "names", "worldbank-gdp",
        _wb_member(f"API_{WB_CODES['gdp']}_DS2_\u202egpj.csv"), "U+202E",
    ),
    Case(
        "zip-member-newline", "names", "worldbank-gdp",
        _wb_member(f"API_{WB_CODES['gdp']}_DS2_\n.csv"), "U+000A",
    ),
]

# fmt: on
CASES = [*CREDENTIALS, *HOSTS, *RESPONSE_BYTES, *DEADLINES, *SIZE, *NAMES]
FAMILIES = {
    "credentials": "credentials in the base URL, then a failure",
    "hosts": "redirects and page links to other hosts, addresses and schemes",
    "response bytes": "what came back quoted into a message",
    "deadlines": "trickled headers and status lines, compressed empty blocks (1 s deadline)",
    "size": "compression bombs, nested zips, refused encodings (2-4 MB caps)",
    "names": "link and zip-member names: controls, bidi, separators, long numbers",
}
