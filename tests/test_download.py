"""etl.download against a local HTTP server on 127.0.0.1: discovery, verification, all-or-nothing.

The `site` fixture serves every path of the real registry (SOURCES) from a threaded
http.server. The files are tiny generated ones that look like the real ones, so most tests need
no raw files. One test serves the real raw files and checks that a refresh reproduces them byte
for byte.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pytest

from core.errors import EtlError
from core.files import sha256
from etl import download, rawfiles
from etl.download import DEFAULT_BASE_URLS, SOURCES, Downloaded, find_link, refresh_raw, verify
from etl.sources import provenance
from tests.badinputs import newest_sipri
from tests.helpers import QuietHandler, Served, link_page, local_server, zip_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE = {s.key: s for s in SOURCES}
SIPRI_FILES = "/sites/default/files/"
NATO_FILES = "/nato_static_fl2014/assets/pdf/2024/6/pdf/"
KIEL_NAMES = [s.globs[0] for s in SOURCES if s.folder == "kiel"]
WB_CODES = {"milex": "MS.MIL.XPND.GD.ZS", "gdp": "NY.GDP.MKTP.CD", "population": "SP.POP.TOTL"}


# --- the local server -----------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    length: int | None = None  # Content-Length to claim; None: the real length
    delay: float = 0.0  # seconds to wait before answering
    fail_first: int = 0  # answer 503 to the first n requests
    headers: dict[str, str] = field(default_factory=dict)
    repeat: int = 1  # send the body this many times (a trickle, or a body without end)
    pause: float = 0.0  # seconds between the repeats
    no_length: bool = False  # send no Content-Length at all
    # writes the whole answer itself (status line included): (socket file, the stop event)
    write: Callable[[BinaryIO, threading.Event], None] | None = None


class Site(Served):
    """Routes by exact path (with query), and a count of requests per path."""

    routes: dict[str, Route]

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.cut: set[str] = set()  # paths whose answer the client broke off (a `write` route)
        self.auth: dict[str, str | None] = {}  # path -> the Authorization header it came with

    def bases(self) -> dict[str, str]:
        return dict.fromkeys(DEFAULT_BASE_URLS, self.url)


class _Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        site = self.server.state
        with site.lock:
            site.hits[self.path] += 1
            n = site.hits[self.path]
            site.auth[self.path] = self.headers.get("Authorization")
        route = site.routes.get(self.path) or Route(
            b"<!DOCTYPE html><html><body>Page not found</body></html>", "text/html", 404
        )
        if route.delay:
            site.stopping.wait(route.delay)
        if n <= route.fail_first:
            route = Route(b"<html>busy</html>", "text/html", 503)
        if route.write is not None:
            try:
                route.write(self.wfile, site.stopping)
            except (BrokenPipeError, ConnectionResetError):
                site.cut.add(self.path)
            self.close_connection = True
            return
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if not route.no_length:
                self.send_header("Content-Length", str(route.length or len(route.body)))
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.end_headers()
            for i in range(route.repeat):
                if i and route.pause and site.stopping.wait(route.pause):
                    break
                self.wfile.write(route.body)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)


def serving():
    """A local server on 127.0.0.1 (a free port) for as long as the block runs."""
    return local_server(_Handler, Site, lambda site: site.stopping.set())


@pytest.fixture
def site():
    with serving() as s:
        yield s


def refresh(raw: Path, site: Site, **kwargs) -> list[Downloaded]:
    options = {"base_urls": site.bases(), "timeout": 0.5, "retries": 3, "backoff": 0.0}
    return refresh_raw(raw, **(options | kwargs))


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under root, with each file's sha256."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        )
        for p in sorted(root.rglob("*"))
    }


# --- tiny files that look like the publishers' ----------------------------------------------


@cache
def tiny_xlsx(text: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Country", 2024])
    book.active.append([text, 0.0415])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def page(*hrefs: str) -> Route:
    return Route(link_page(*hrefs), "text/html; charset=utf-8")


def worldbank_members(code: str, version: str) -> dict[str, bytes]:
    stem = f"API_{code}_DS2_en_csv_v2_{len(version)}{version[-1]}"
    data = (
        '\ufeff"Data Source","World Development Indicators",\n\n'
        f'"Last Updated Date","2025-{version}",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2024",\n'
        f'"Poland","POL","{code}","{code}","4.1{len(version)}",\n'
    )
    return {
        f"{stem}.csv": data.encode(),
        f"Metadata_Country_{stem}.csv": b'\xef\xbb\xbf"Country Code","Region",\n"POL","Europe",\n',
        f"Metadata_Indicator_{stem}.csv": f'"INDICATOR_CODE",\n"{code}",\n'.encode(),
    }


def serve_tiny(site: Site, version: str = "v1", sipri: str = "SIPRI-Milex-data-1949-2024.xlsx"):
    """Every source of the registry, with small files whose bytes depend on `version`."""
    r = site.routes
    r[SOURCE["sipri"].path] = page(
        f"{SIPRI_FILES}SIPRI-Milex-data-1949-2019.xlsx",  # an older release still linked
        f"{SIPRI_FILES}{sipri}",
        "/sites/default/files/2025-04/2504_fs_milex_2024.pdf",
    )
    r[SIPRI_FILES + sipri] = Route(tiny_xlsx(f"SIPRI {sipri} {version}"), XLSX_TYPE)
    r[SOURCE["nato"].path] = page(
        "../../../nato_static_fl2014/assets/pdf/2024/6/pdf/240617-def-exp-2024-en.pdf",
        "../../../nato_static_fl2014/assets/pdf/2024/6/pdf/240617-def-exp-2024-TABLES-en.xlsx",
    )
    r[NATO_FILES + "240617-def-exp-2024-TABLES-en.xlsx"] = Route(
        tiny_xlsx(f"NATO {version}"), XLSX_TYPE
    )
    for what, code in WB_CODES.items():
        path = SOURCE[f"worldbank-{what}"].path
        body = zip_of(worldbank_members(code, version))
        if what == "milex":  # the API answers through a redirect
            r[path] = Route(status=302, headers={"Location": f"/files/{code}.zip"})
            path = f"/files/{code}.zip"
        r[path] = Route(body, "application/zip")
    countries = [{"cca3": "POL", "name": {"common": "Poland"}, "note": version}]
    r[SOURCE["restcountries"].path] = Route(json.dumps(countries).encode(), "text/plain")
    nmc = f"stateabb,ccode,year,milex,version\nPOL,290,2016,{version[1:]},2021\n".encode()
    r[SOURCE["cow-nmc"].path] = Route(
        zip_of(
            {
                "NMC_Documentation-6.0/NMC_Codebook.pdf": b"%PDF-1.4 codebook",
                "NMC-60-abridged.zip": zip_of({"NMC-60-abridged/NMC-60-abridged.csv": nmc}),
                "NMC-60-wsupplementary.zip": zip_of({"NMC-60-wsupplementary.dta": b"dta"}),
            }
        ),
        "application/zip",
    )
    r[SOURCE["cow-codes"].path] = Route(
        f"StateAbb,CCode,StateNme\nPOL,290,Poland {version}\n".encode(), "text/csv"
    )
    for name in KIEL_NAMES:
        r[SOURCE[f"kiel-{name[:-4]}"].path] = Route(
            f'"col_a","col_b"\n"{name}","{version}"\n'.encode(), "text/plain; charset=utf-8"
        )


TINY_NAMES = {
    "sipri/SIPRI-Milex-data-1949-2024.xlsx",
    "nato/240617-def-exp-2024-TABLES-en.xlsx",
    "geo/countriesV3.1.json",
    "cow/NMC-60-abridged.csv",
    "cow/COW-country-codes.csv",
    *(f"kiel/{name}" for name in KIEL_NAMES),
    *(
        f"worldbank/{member}"
        for code in WB_CODES.values()
        for member in worldbank_members(code, "v1")
    ),
}


# --- discovery and verification, no server --------------------------------------------------


def test_find_link_resolves_relative_links_and_picks_the_newest():
    html = """<html><body>
      <a href="/sites/default/files/SIPRI-Milex-data-1949-2023.xlsx">2023</a>
      <a href="SIPRI-Milex-data-1949-2024_2.xlsx?download=1">2024</a>
      <a href="/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx">2024 first</a>
      <a href="https://other.example/SIPRI-Milex-data-1949-2024_2.pdf">pdf</a>
    </body></html>"""
    got = find_link(html, "http://127.0.0.1:9/databases/milex", SOURCE["sipri"].link)
    assert got == "http://127.0.0.1:9/databases/SIPRI-Milex-data-1949-2024_2.xlsx?download=1"

    pdf = "nato_static_fl2014/assets/pdf"
    nato = f"""<a href='../../{pdf}/2024/6/pdf/240617-def-exp-2024-TABLES-en.xlsx'>
              <a href="/{pdf}/2025/8/pdf/250827-def-exp-2025-TABLES-en.xlsx">
              <a href="/{pdf}/2025/8/pdf/250827-def-exp-2025-en.pdf">"""
    (_, former_link), *_ = SOURCE["nato"].former  # NATO's naming until 2024
    got = find_link(nato, "http://127.0.0.1:9/cps/en/natohq/topics_49198.htm", former_link)
    assert got.endswith("/2025/8/pdf/250827-def-exp-2025-TABLES-en.xlsx")

    # Since 2025 (../shared/facts/editions.md): no date prefix, no 'TABLES', a new folder.
    finance = "/content/dam/nato/webready/documents/finance"
    nato = f"""<a href="{finance}/def-exp-2025-en.xlsx">2025</a>
              <a href="{finance}/def-exp-2026-en.pdf">2026 pdf</a>
              <a href="{finance}/def-exp-2026-en.xlsx">2026</a>
              <a href="/{pdf}/2024/6/pdf/240617-def-exp-2024-TABLES-en.xlsx">2024</a>"""
    page_url = "http://127.0.0.1:9" + SOURCE["nato"].path
    got = find_link(nato, page_url, SOURCE["nato"].link)
    assert got == f"http://127.0.0.1:9{finance}/def-exp-2026-en.xlsx"

    # SIPRI links protocol-relative ('//www.sipri.org/...'), with version suffixes.
    files = "//127.0.0.1:9/sites/default/files/SIPRI-Milex-data-1949"
    sipri = f"""<a href="{files}-2024_2.xlsx">a</a> <a href="{files}-2025_v1.2.xlsx">b</a>
                <a href="{files}-2025.xlsx">c</a>"""
    got = find_link(sipri, "http://127.0.0.1:9/databases/milex", SOURCE["sipri"].link)
    assert got == "http://127.0.0.1:9/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"


def test_find_link_raises_naming_the_page_when_nothing_matches():
    with pytest.raises(EtlError, match="no link matching") as err:
        find_link('<a href="/report.pdf">x</a>', "http://127.0.0.1:9/milex", SOURCE["sipri"].link)
    assert err.value.file == "http://127.0.0.1:9/milex"


@pytest.mark.parametrize(
    ("kind", "body", "content_type", "problem"),
    [
        ("xlsx", tiny_xlsx("ok"), "", None),
        ("xlsx", tiny_xlsx("ok"), "text/html", None),  # the magic bytes decide
        ("xlsx", b"<!DOCTYPE html><html>Access denied</html>", "text/html", "got an HTML page"),
        ("xlsx", b"\n<html><body>Error</body></html>", "application/octet-stream", "HTML page"),
        ("xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "", "old binary .xls"),
        ("xlsx", zip_of({"word/document.xml": b"<w/>"}), "", "no xl/workbook.xml"),
        ("xlsx", tiny_xlsx("ok")[:500], "", "the zip is broken"),
        ("xlsx", b"", "", "empty file"),
        ("zip", zip_of({"a.csv": b"a\n1\n"}), "application/zip", None),
        ("zip", b"PK\x03\x04 not really", "", "the zip is broken"),
        ("csv", b'"a","b"\n1,2\n', "text/csv", None),
        ("csv", b'\xef\xbb\xbf"a","b"\n\n1,2\n', "", None),
        ("csv", b'"a","b"\n', "text/csv", "no rows below the header"),
        ("csv", b'"a","b"\n\n  \n', "text/csv", "no rows below the header"),
        ("csv", b"name\nC\xf4te d'Ivoire\n", "text/csv", "not UTF-8"),
        ("csv", b"<!doctype html><title>404</title>", "text/html", "got an HTML page, not a CSV"),
        ("json", b'[{"cca3": "POL"}]', "application/json", None),
        ("json", b'[{"cca3": "POL"', "application/json", "not valid JSON"),
        ("json", b"[]", "application/json", "empty JSON"),
    ],
)
def test_verify(tmp_path, kind, body, content_type, problem):
    path = tmp_path / f"file.{kind}"
    path.write_bytes(body)
    got = verify(path, kind, content_type)
    if problem is None:
        assert got is None
    else:
        assert got is not None and problem in got


def test_registry_globs_match_the_real_raw_files_once_each(raw_dir):
    """Every download's glob finds its file, once per release: one file each, but one per
    SIPRI release (a new release is kept beside the older ones; `release` tells them apart)."""
    for source in SOURCES:
        for glob in source.globs:
            hits = sorted((raw_dir / source.folder).glob(glob))
            assert hits, (source.key, glob)
            if source.key == "sipri":  # eight releases: one file each (`release` parts them)
                releases = [re.search(source.release, p.name)[1] for p in hits]
                assert len(set(releases)) == len(hits) == 8, (source.key, releases)
            else:
                assert len(hits) == 1, (source.key, glob)


# --- refresh against the local server -------------------------------------------------------


def test_refresh_writes_every_file_with_its_sha256(site, tmp_path):
    serve_tiny(site)
    raw = tmp_path / "raw"
    got = refresh(raw, site)

    assert {d.name for d in got} == TINY_NAMES
    records = {provenance.path_of(raw / n).relative_to(raw).as_posix() for n in TINY_NAMES}
    folders = {"sipri", "nato", "worldbank", "geo", "cow", "kiel"}
    assert set(snapshot(raw)) == TINY_NAMES | records | folders
    for d in got:
        data = (raw / d.name).read_bytes()
        assert d.sha256 == hashlib.sha256(data).hexdigest()
        assert d.bytes == len(data)
        assert d.changed and d.removed == ()
        # The provenance record beside the file: address, time, sha256, bytes, licence.
        entry = json.loads(provenance.path_of(raw / d.name).read_text())
        assert (entry["file"], entry["url"], entry["sha256"], entry["bytes"]) == (
            d.name,
            d.url,
            d.sha256,
            d.bytes,
        )
        assert entry["accessed"] and entry["licence"] and entry["publisher"]
    assert (
        json.loads(provenance.path_of(raw / "sipri/SIPRI-Milex-data-1949-2024.xlsx").read_text())[
            "edition"
        ]
        == "2024"
    )
    by_name = {d.name: d for d in got}
    assert by_name["sipri/SIPRI-Milex-data-1949-2024.xlsx"].url == (
        f"{site.url}{SIPRI_FILES}SIPRI-Milex-data-1949-2024.xlsx"
    )
    assert by_name["nato/240617-def-exp-2024-TABLES-en.xlsx"].url == (
        f"{site.url}{NATO_FILES}240617-def-exp-2024-TABLES-en.xlsx"
    )
    nmc = by_name["cow/NMC-60-abridged.csv"]
    assert nmc.url == site.url + SOURCE["cow-nmc"].path  # a member of a zip inside the zip
    assert (raw / nmc.name).read_bytes().startswith(b"stateabb,ccode,year")
    assert (raw / "geo/countriesV3.1.json").read_bytes() == site.routes[
        SOURCE["restcountries"].path
    ].body
    for source in SOURCES:  # the parsers find exactly one file per glob
        rawfiles.find(raw, source.pattern)


def test_second_refresh_reports_unchanged_and_touches_nothing(site, tmp_path):
    serve_tiny(site)
    raw = tmp_path / "raw"
    refresh(raw, site)
    before = snapshot(raw)
    mtimes = {p: p.stat().st_mtime_ns for p in raw.rglob("*") if p.is_file()}

    again = refresh(raw, site)

    assert [d.changed for d in again] == [False] * len(TINY_NAMES)
    assert snapshot(raw) == before
    assert {p: p.stat().st_mtime_ns for p in raw.rglob("*") if p.is_file()} == mtimes

    serve_tiny(site, "v2")  # the publishers put out new bytes under the same names
    third = refresh(raw, site)
    assert all(d.changed for d in third)
    assert snapshot(raw) != before


def test_new_release_sits_beside_the_old_one(site, tmp_path):
    """A new edition is kept beside the older ones (the build loads every edition); only a
    new version of the same release replaces the older version."""
    serve_tiny(site)
    raw = tmp_path / "raw"
    refresh(raw, site)
    (raw / "nato/240617-def-exp-2024-en.pdf").write_bytes(b"%PDF-1.7")  # not ours: stays

    serve_tiny(site, "v2", sipri="SIPRI-Milex-data-1949-2025.xlsx")
    nato_page = SOURCE["nato"].path
    site.routes[nato_page] = page("/nato/250827-def-exp-2025-TABLES-en.xlsx")
    site.routes["/nato/250827-def-exp-2025-TABLES-en.xlsx"] = Route(tiny_xlsx("NATO 2025"))
    got = {d.name: d for d in refresh(raw, site)}

    sipri = got["sipri/SIPRI-Milex-data-1949-2025.xlsx"]
    assert sipri.changed and sipri.removed == ()
    assert got["nato/250827-def-exp-2025-TABLES-en.xlsx"].removed == ()
    assert sorted(p.name for p in (raw / "sipri").glob("*.xlsx")) == [
        "SIPRI-Milex-data-1949-2024.xlsx",
        "SIPRI-Milex-data-1949-2025.xlsx",
    ]
    assert sorted(p.name for p in (raw / "nato").glob("*.xlsx")) == [
        "240617-def-exp-2024-TABLES-en.xlsx",
        "250827-def-exp-2025-TABLES-en.xlsx",
    ]
    assert (raw / "nato/240617-def-exp-2024-en.pdf").exists()

    # SIPRI revises a release in-year: v1.2 of the 1949-2025 data replaces the first version.
    serve_tiny(site, "v3", sipri="SIPRI-Milex-data-1949-2025_v1.2.xlsx")
    site.routes[nato_page] = page("/nato/250827-def-exp-2025-TABLES-en.xlsx")
    got = {d.name: d for d in refresh(raw, site)}
    assert got["sipri/SIPRI-Milex-data-1949-2025_v1.2.xlsx"].removed == (
        "sipri/SIPRI-Milex-data-1949-2025.xlsx",
    )
    assert (raw / "sipri/SIPRI-Milex-data-1949-2024.xlsx").exists()
    # World Bank members carry a new number each release: the old ones go too.
    for code in WB_CODES.values():
        assert len(list((raw / "worldbank").glob(f"*API_{code}_*.csv"))) == 3


def _html_under_xlsx(site: Site) -> str:
    path = SIPRI_FILES + "SIPRI-Milex-data-1949-2024.xlsx"
    site.routes[path] = Route(
        b"<!DOCTYPE html><html><body>Access denied</body></html>", "text/html"
    )
    return path


def _truncated(site: Site) -> str:
    path = SOURCE["kiel-weapons"].path
    site.routes[path] = Route(b'"a","b"\n' + b"1,2\n" * 248, "text/csv", length=5000)
    return path


def _slow(site: Site) -> str:
    path = SOURCE["restcountries"].path
    site.routes[path] = replace(site.routes[path], delay=5)
    return path


def _missing(site: Site) -> str:
    path = SOURCE["cow-codes"].path
    del site.routes[path]
    return path


def _no_link(site: Site) -> str:
    path = SOURCE["nato"].path
    site.routes[path] = page("/nato_static_fl2014/assets/pdf/2025/8/pdf/250827-def-exp-2025-en.pdf")
    return path


def _header_only(site: Site) -> str:
    path = SOURCE["kiel-release_info"].path
    site.routes[path] = Route(b'"release","period","date"\n', "text/csv")
    return path


def _zip_lacks_member(site: Site) -> str:
    path = SOURCE["worldbank-gdp"].path
    members = worldbank_members(WB_CODES["gdp"], "v2")
    site.routes[path] = Route(zip_of({k: v for k, v in members.items() if "Indicator" not in k}))
    return path


def _html_under_zip(site: Site) -> str:
    path = SOURCE["worldbank-population"].path
    site.routes[path] = Route(b"<html><body>Service unavailable</body></html>", "text/html")
    return path


def _bad_json(site: Site) -> str:
    path = SOURCE["restcountries"].path
    site.routes[path] = Route(b'[{"cca3": "POL", "name": ', "application/json")
    return path


@pytest.mark.parametrize(
    ("breaks", "message", "tries"),
    [
        (_html_under_xlsx, "got an HTML page, not an xlsx", 1),
        (_truncated, "truncated: 1000 of 5000 bytes (after 3 tries)", 3),
        (_slow, "timed out after 3 tries (0.5 s each)", 3),
        (_missing, "HTTP 404 Not Found", 1),
        (_no_link, "no link matching", 1),
        (_header_only, "the CSV has no rows below the header", 1),
        (_zip_lacks_member, "no member matching 'Metadata_Indicator_API_NY.GDP", 1),
        (_html_under_zip, "got an HTML page, not a zip", 1),
        (_bad_json, "not valid JSON", 1),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_a_failure_leaves_the_raw_dir_byte_identical(site, tmp_path, breaks, message, tries):
    serve_tiny(site)
    raw = tmp_path / "raw"
    refresh(raw, site)
    before = snapshot(raw)

    serve_tiny(site, "v2")  # every other source has new bytes that must not land
    path = breaks(site)
    with pytest.raises(EtlError) as err:
        refresh(raw, site)

    assert message in err.value.problem
    assert err.value.file == site.url + path
    assert site.url + path in str(err.value)
    assert site.hits[path] == 1 + tries  # the first refresh, then this one's tries
    assert snapshot(raw) == before


def test_transient_errors_are_retried_with_backoff(site, tmp_path):
    serve_tiny(site)
    flaky = SOURCE["cow-codes"].path
    site.routes[flaky] = replace(site.routes[flaky], fail_first=2)
    got = refresh(tmp_path / "raw", site, backoff=0.01)
    assert "cow/COW-country-codes.csv" in {d.name for d in got}
    assert site.hits[flaky] == 3

    site.hits.clear()
    site.routes[flaky] = replace(site.routes[flaky], fail_first=10)
    with pytest.raises(EtlError, match=r"HTTP 503 Service Unavailable \(after 2 tries\)"):
        refresh(tmp_path / "raw", site, retries=2)
    assert site.hits[flaky] == 2


def test_a_failed_move_puts_the_previous_files_back(site, tmp_path, monkeypatch):
    serve_tiny(site)
    raw = tmp_path / "raw"
    refresh(raw, site)
    before = snapshot(raw)
    serve_tiny(site, "v2", sipri="SIPRI-Milex-data-1949-2025.xlsx")

    real_replace = download.os.replace
    calls = []

    def replace_then_fail(src, dst):
        calls.append(dst)
        if len(calls) == 6:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(download.os, "replace", replace_then_fail)
    with pytest.raises(EtlError, match="previous files were put back"):
        refresh(raw, site)
    assert snapshot(raw) == before


def test_refresh_with_a_progress_bar(site, tmp_path):
    serve_tiny(site)
    got = refresh(tmp_path / "raw", site, progress=True)
    assert len(got) == len(TINY_NAMES)


def test_an_unwritable_raw_dir_is_refused_before_downloading(site, tmp_path):
    serve_tiny(site)
    raw = tmp_path / "raw"
    raw.write_bytes(b"a file where the raw dir should be")
    with pytest.raises(EtlError, match="cannot write to the raw dir"):
        refresh(raw, site)
    assert sum(site.hits.values()) == 0


# --- end to end with the real raw files -----------------------------------------------------


@pytest.mark.raw
def test_refresh_reproduces_the_real_raw_files(site, tmp_path, raw_dir):
    """Serve the real files as the publishers ship them; the refresh must land them unchanged."""
    r = site.routes
    # SIPRI's page links its newest release only; the older ones in the raw dir are not served
    sipri = newest_sipri(raw_dir)
    nato = rawfiles.find(raw_dir, SOURCE["nato"].pattern)
    r[SOURCE["sipri"].path] = page(SIPRI_FILES + sipri.name)
    r[SIPRI_FILES + sipri.name] = Route(sipri.read_bytes(), XLSX_TYPE)
    r[SOURCE["nato"].path] = page(NATO_FILES + nato.name)
    r[NATO_FILES + nato.name] = Route(nato.read_bytes(), XLSX_TYPE)
    for what, code in WB_CODES.items():
        source = SOURCE[f"worldbank-{what}"]
        members = {p.name: p.read_bytes() for p in (raw_dir / "worldbank").glob(f"*API_{code}_*")}
        r[source.path] = Route(zip_of(members), "application/zip")
    nmc = (raw_dir / "cow/NMC-60-abridged.csv").read_bytes()
    r[SOURCE["cow-nmc"].path] = Route(
        zip_of({"NMC-60-abridged.zip": zip_of({"NMC-60-abridged.csv": nmc})})
    )
    for key, rel in [
        ("cow-codes", "cow/COW-country-codes.csv"),
        ("restcountries", "geo/countriesV3.1.json"),
    ]:
        r[SOURCE[key].path] = Route((raw_dir / rel).read_bytes(), "text/plain; charset=utf-8")
    for name in KIEL_NAMES:
        r[SOURCE[f"kiel-{name[:-4]}"].path] = Route((raw_dir / "kiel" / name).read_bytes())

    raw = tmp_path / "raw"
    got = refresh(raw, site, timeout=5)

    downloaded = {d.folder for d in SOURCE.values()}  # not DMDC's: it has no download
    expected = {
        p.relative_to(raw_dir).as_posix()
        for p in raw_dir.rglob("*")
        if p.is_file()
        and p.suffix in (".xlsx", ".csv", ".json")
        and p.parent.name in downloaded
        and (p.parent.name != "sipri" or p == sipri)
    }
    assert {d.name for d in got} == expected
    for d in got:
        assert d.sha256 == sha256(raw_dir / d.name), d.name
    records = {provenance.path_of(raw / n).relative_to(raw).as_posix() for n in expected}
    assert {k for k, v in snapshot(raw).items() if v != "dir"} == expected | records


# --- bounded downloads (issue 11) -------------------------------------------------------------


def _trickle(site: Site) -> str:
    """100 bytes every 0.2 s: each read is within the per-read timeout, so only a total
    deadline ends it (the issue's publisher sent 100 bytes every 10 s, with no end)."""
    path = SOURCE["restcountries"].path
    site.routes[path] = Route(
        b" " * 100, "application/json", repeat=10**6, pause=0.2, no_length=True
    )
    return path


def _endless(site: Site) -> str:
    """A body without Content-Length and without end: only the size cap stops it."""
    path = SOURCE["kiel-weapons"].path
    site.routes[path] = Route(b"1,2\n" * 16384, "text/csv", repeat=10**9, no_length=True)
    return path


def _announced_too_big(site: Site) -> str:
    path = SOURCE["cow-codes"].path
    site.routes[path] = Route(b"a,b\n1,2\n", "text/csv", length=10**12)
    return path


@pytest.mark.parametrize(
    ("breaks", "message", "env"),
    [
        (_trickle, "longer than 1.5 s in all", {"ALLIANCE_DOWNLOAD_FILE_SECONDS": "1.5"}),
        (_trickle, "total time limit", {"ALLIANCE_DOWNLOAD_RUN_SECONDS": "2"}),
        (_endless, "over the 2 MB cap", {"ALLIANCE_DOWNLOAD_MB_KIEL": "2"}),
        (_announced_too_big, "over the 32 MB cap", {}),
    ],
    ids=["trickle-per-file", "trickle-per-run", "endless-no-length", "announced-too-big"],
)
def test_downloads_are_bounded_in_time_and_size(site, tmp_path, monkeypatch, breaks, message, env):
    serve_tiny(site)
    raw = tmp_path / "raw"
    refresh(raw, site)
    before = snapshot(raw)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    serve_tiny(site, "v2")
    path = breaks(site)
    start = time.monotonic()
    with pytest.raises(EtlError) as err:
        refresh(raw, site)
    assert message in err.value.problem and "\n" not in str(err.value)
    assert err.value.file == site.url + path
    assert time.monotonic() - start < 30  # bounded, with a wide margin for a busy machine
    assert snapshot(raw) == before
    staged = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
    assert staged < 10 << 20  # nothing like the endless body stayed on disk


def test_a_bad_limit_in_the_environment_is_one_line(site, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DOWNLOAD_FILE_SECONDS", "inf")
    with pytest.raises(EtlError, match="ALLIANCE_DOWNLOAD_FILE_SECONDS must be a finite"):
        refresh(tmp_path / "raw", site)


def test_the_deploy_examples_carry_a_timeout():
    deploy = Path(__file__).resolve().parent.parent / "docs" / "deploy"
    cron = (deploy / "crontab.txt").read_text(encoding="utf-8")
    line = next(x for x in cron.splitlines() if "etl refresh" in x and not x.startswith("#"))
    assert "timeout " in line
    service = (deploy / "alliance-ledger-refresh.service").read_text(encoding="utf-8")
    assert "TimeoutStartSec=" in service and "ALLIANCE_DOWNLOAD_RUN_SECONDS=" in service
    # and the verdicts are judged ahead of the first reader: after a refresh and every day
    assert "python -m app.warm" in line and "ExecStartPost=" in service
    jobs = [x for x in cron.splitlines() if x.strip() and not x.startswith("#")]
    daily = [x for x in jobs if "app.warm" in x and "etl refresh" not in x]
    assert len(daily) == 1 and daily[0].startswith("5 0 * * *")
    timer = (deploy / "alliance-ledger-warm.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 00:05:00" in timer
