"""Fetch the publishers' current files into the raw dir: discover, download, verify, then swap.

`refresh_raw` is all-or-nothing. Every file is downloaded into a staging folder inside the raw
dir and checked: an xlsx must be a zip holding xl/workbook.xml within the workbook caps, a zip
must open, a CSV must decode and hold more than a header, JSON must parse, and the byte count
must match Content-Length. Only when every source has passed are the files moved into place,
one `os.replace` each. If anything fails, the previous raw files stay exactly as they were and
an EtlError names the (redacted) URL and the problem. How each request is made (hosts,
addresses, deadlines, size, what a message may say) is etl/fetch.py's.

SIPRI and NATO rename their file with every release. For them the registry (etl/sources/) names
a page and a regex over its links instead of a file, plus former pages and namings to fall back
on. The newest matching link is downloaded; an older file of the same release (an earlier
version) is removed, while earlier releases stay beside it: the build loads every edition. A
file name taken from a link or a zip member must be a plain name (`checked_name`).
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)

from core import limits
from core.errors import EtlError
from core.files import process_alive, sha256
from etl import sources as registry
from etl.fetch import Fetcher, Hosts, origin, redact
from etl.rawfiles import check_workbook
from etl.sources import provenance
from etl.sources.base import Download

# Publishers' hosts, from the source registry (etl/sources/); $ALLIANCE_BASE_URLS overrides.
DEFAULT_BASE_URLS: dict[str, str] = registry.base_urls()

# What to download and where it goes: each source module's `downloads` (etl/sources/base.py).
Source = Download
SOURCES: tuple[Source, ...] = registry.downloads()

# A file name taken from a link or a zip member: printable ASCII, no path, at most this long,
# and no run of digits longer than this (they are compared as integers to find the newest).
NAME_CHARS = 128
NUMBER_DIGITS = 12


@dataclass(frozen=True)
class Downloaded:
    """One file now in the raw dir, as `refresh_raw` left it."""

    name: str  # relative to the raw dir, e.g. "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
    url: str  # where it came from, redacted (the zip's URL for a member of a zip)
    sha256: str
    bytes: int
    changed: bool  # False when the previous copy had the same name and the same bytes
    removed: tuple[str, ...] = ()  # older releases this file replaced, relative to the raw dir


# --- file names -----------------------------------------------------------------------------


_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
_LONG_NUMBER = re.compile(rf"\d{{{NUMBER_DIGITS + 1},}}", re.ASCII)


def checked_name(name: str, what: str, file: str) -> str:
    """name, if it may become a raw file's name; else one EtlError describing (never quoting)
    what is wrong with it: a newline, a right-to-left override or a NUL would be published in
    `source_file`, a path separator would leave the folder, a huge number would stall the
    comparison of versions."""
    problem = None
    if not name or name in (".", ".."):
        problem = "is empty"
    elif len(name) > NAME_CHARS:
        problem = f"is {len(name):,} characters long (at most {NAME_CHARS})"
    elif m := _NOT_PRINTABLE_ASCII.search(name):
        char = m.group()
        kind = {"Cc": "a control character", "Cf": "a format character such as a bidi override"}
        problem = (
            f"holds U+{ord(char):04X} ({kind.get(unicodedata.category(char), 'not ASCII')}); "
            "only printable ASCII is accepted"
        )
    elif "/" in name or "\\" in name:
        problem = "holds a path separator"
    elif name.startswith("."):
        problem = "starts with a dot (a hidden file)"
    elif _LONG_NUMBER.search(name):
        problem = f"holds a number of more than {NUMBER_DIGITS} digits"
    if problem:
        raise EtlError(f"{what} {problem}; refused", file=file)
    return name


def _name_in(url: str) -> str:
    """The file name a URL's path ends in, percent-decoded (a decoded '/' stays in the name,
    where checked_name refuses it)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


# --- discovery ------------------------------------------------------------------------------


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def _number(text: str | None) -> int | None:
    ok = text and text.isascii() and text.isdigit() and len(text) <= NUMBER_DIGITS
    return int(text) if ok else None


def _newness(match: re.Match[str], name: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    groups = tuple(n for g in match.groups() if (n := _number(g)) is not None)
    return groups, tuple(int(d) for d in re.findall(r"\d+", name, re.ASCII)), name


def find_link(html: str, page_url: str, pattern: str) -> str:
    """The absolute URL of the newest link on the page whose path matches `pattern`.

    Links are resolved against `page_url`. If several files match, the regex's groups and then
    the numbers in the file name, compared as integers, decide which is newest. A matching
    link whose file name is not a plain one (checked_name) is refused in one line.
    """
    parser = _Hrefs()
    parser.feed(html)
    rx = re.compile(pattern)
    found: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]] = {}
    for href in parser.hrefs:
        try:
            url = urljoin(page_url, href.strip())
            path = unquote(urlsplit(url).path)
        except ValueError:
            continue  # not an address at all: it cannot match
        if match := rx.search(path):
            name = checked_name(
                _name_in(url), "a link on the page matching the file pattern has a name that",
                redact(page_url),
            )  # fmt: skip
            found.setdefault(url, _newness(match, name))
    if not found:
        raise EtlError(
            f"no link matching {pattern!r} on the page (has the page or the file name changed?)",
            file=redact(page_url),
        )
    return max(found, key=found.__getitem__)


# --- verification ---------------------------------------------------------------------------


def _kind(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def _looks_like_html(head: bytes, content_type: str) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    return content_type.lower().startswith(("text/html", "application/xhtml")) or start.startswith(
        (b"<!doctype html", b"<html", b"<head", b"<body")
    )


def verify(path: Path, kind: str, content_type: str = "") -> str | None:
    """What is wrong with a downloaded file, or None if it looks like a real `kind` file.

    `kind` is "xlsx", "zip", "csv" or "json". For any other kind, only emptiness and HTML error
    pages are caught. The magic bytes decide; the content type only names what came instead.
    The answer describes the file (an HTML page, its content type and size) and never quotes
    it: what came back may be anything, a cloud's credentials included. A workbook is read
    within the workbook caps (core.limits), so a zip bomb costs no more than they allow.
    """
    size = path.stat().st_size
    if size == 0:
        return "empty file (0 bytes)"
    with path.open("rb") as f:
        head = f.read(512)
    html = _looks_like_html(head, content_type)
    label = {"xlsx": "an xlsx", "zip": "a zip", "csv": "a CSV", "json": "JSON"}.get(kind, kind)
    what = f"{content_type or 'no content type'}, {size:,} bytes"
    if kind in ("xlsx", "zip"):
        if not head.startswith(b"PK\x03\x04"):
            if html:
                return f"got an HTML page, not {label} ({what})"
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                return f"got an old binary .xls (OLE2) file, not {label}"
            return f"not {label} ({what})"
        try:
            with zipfile.ZipFile(path) as z:
                names = {i.filename for i in z.infolist()}
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return f"not {label}: the zip is broken ({what})"
        if kind == "xlsx":
            if "xl/workbook.xml" not in names:
                return "not an xlsx: the zip holds no xl/workbook.xml"
            try:
                check_workbook(path, path.name)  # every member inflated, within the caps
            except EtlError as e:
                if e.problem.startswith("cannot read"):
                    return "broken xlsx: a member does not unzip (damaged, or fails its CRC check)"
                return e.problem
        return None  # a zip's members are CRC-checked as they are unzipped (_unzip)
    if html:
        return f"got an HTML page, not {label} ({what})"
    if kind == "csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as e:
            return f"not UTF-8 text (the byte at offset {e.start:,} is not UTF-8)"
        try:
            rows = sum(1 for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row))
        except csv.Error as e:
            return f"not a readable CSV: {e}"
        if rows < 2:
            return "the CSV has no rows below the header"
        return None
    if kind == "json":
        try:
            data = json.loads(path.read_bytes())
        except UnicodeDecodeError:
            return "not valid JSON (not UTF-8 text)"
        except json.JSONDecodeError as e:
            return f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        except (ValueError, RecursionError):
            return "not valid JSON (nested too deeply, or a number too long)"
        if not data:
            return "empty JSON"
        return None
    return None


# --- zips -----------------------------------------------------------------------------------


class _Budget:
    """Bytes a download may unzip in all (the source's cap): nested zips and kept members."""

    def __init__(self, cap: int, url: str) -> None:
        self.cap, self.left, self.url = cap, cap, url

    def refuse(self, what: str, size: int, declared: bool) -> EtlError:
        verb = "declares" if declared else "unzips to more than"
        return EtlError(
            f"{what} {verb} {size / (1 << 20):,.1f} MB, over the {self.cap / (1 << 20):,.0f} MB "
            "cap for this source (a zip bomb?); stopped",
            file=self.url,
        )

    def copy(self, z: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, what: str) -> None:
        """Unzip one member to dest, streamed: its declared size and its actual bytes both
        count against what is left (a header may lie)."""
        if info.file_size > self.left:
            raise self.refuse(what, info.file_size, declared=True)
        with z.open(info) as fi, dest.open("wb") as fo:
            while chunk := fi.read(1 << 20):
                self.left -= len(chunk)
                if self.left < 0:
                    raise self.refuse(what, self.cap - self.left, declared=False)
                fo.write(chunk)


def _hits(z: zipfile.ZipFile, glob: str) -> list[tuple[zipfile.ZipFile, zipfile.ZipInfo]]:
    def real(info: zipfile.ZipInfo) -> bool:
        name = PurePosixPath(info.filename).name
        return not info.is_dir() and not info.filename.startswith("__MACOSX/") and name[:2] != "._"

    return [
        (z, i)
        for i in z.infolist()
        if real(i) and fnmatch.fnmatchcase(PurePosixPath(i.filename).name, glob)
    ]


def _inner_zips(
    z: zipfile.ZipFile, stack: ExitStack, scratch: Path, budget: _Budget
) -> list[zipfile.ZipFile]:
    """The zips inside z (one level), each unzipped to a scratch file within the budget and
    opened from there: never read into memory."""
    scratch.mkdir(parents=True, exist_ok=True)
    opened = []
    for i, info in enumerate(z.infolist()):
        if info.filename.lower().endswith(".zip") and not info.is_dir():
            dest = scratch / f"inner-{i}.zip"
            budget.copy(z, info, dest, "a zip inside the zip")
            opened.append(stack.enter_context(zipfile.ZipFile(dest)))
    return opened


def _unzip(
    zip_path: Path, globs: Sequence[str], out_dir: Path, url: str, cap: int, scratch: Path
) -> list[Path]:
    """The members matching globs (in the zip, else in the zips inside it), unzipped to
    out_dir within the source's cap."""
    out_dir.mkdir(parents=True, exist_ok=True)
    budget = _Budget(cap, url)
    written: list[Path] = []
    try:
        with ExitStack() as stack:
            outer = stack.enter_context(zipfile.ZipFile(zip_path))
            inner: list[zipfile.ZipFile] | None = None
            for glob in globs:
                hits = _hits(outer, glob)
                if not hits:
                    if inner is None:
                        inner = _inner_zips(outer, stack, scratch, budget)
                    hits = [hit for z in inner for hit in _hits(z, glob)]
                if not hits:
                    raise EtlError(f"the zip holds no member matching {glob!r}", file=url)
                if len(hits) > 1:
                    raise EtlError(f"{len(hits)} zip members match {glob!r}", file=url)
                src, info = hits[0]
                what = f"the zip member matching {glob!r}"
                name = PurePosixPath(info.filename).name
                name = checked_name(name, f"{what} has a name that", url)
                dest = out_dir / name
                budget.copy(src, info, dest, what)
                if problem := verify(dest, _kind(dest.name)):
                    raise EtlError(f"{what}: {problem}", file=url)
                written.append(dest)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        zlib.error,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method zipfile does not know
    ):
        raise EtlError(
            "could not unzip: the zip or a member in it is damaged (or fails its CRC check)",
            file=url,
        ) from None
    return written


# --- the refresh ----------------------------------------------------------------------------


@dataclass
class _Staged:
    source: Source
    url: str  # redacted
    path: Path  # in the staging folder
    name: str  # relative to the raw dir


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return nullcontext(_NoProgress())
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
    )


class _NoProgress:
    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def update(self, *args: Any, **kwargs: Any) -> None:
        pass


def _hosts(source: Source, bases: Mapping[str, str], configured: Mapping[str, str]) -> Hosts:
    """Where this download may go: its source's declared hosts (the base URL's host for a
    download no source declares), and the exact origin of the operator's base URL for it."""
    owner = registry.by_folder(source.folder)
    names = set(owner.hosts) if owner and owner.hosts else {origin(bases[source.base])[0]}
    origins = {origin(configured[source.base])} if source.base in configured else set()
    return Hosts(owner.key if owner else source.key, frozenset(names), frozenset(origins))


def _operator_bases(configured: Mapping[str, str]) -> tuple[frozenset[str], dict]:
    """From the operator's base URLs: the hosts whose addresses are not checked (an explicit
    opt-in, for a mirror on a private network or a test server; the publishers' own hosts
    are always checked) and the credentials each origin carries."""
    declared = {h for s in registry.REGISTRY.values() for h in s.hosts}
    trusted, credentials = set(), {}
    for url in configured.values():
        u = httpx.URL(url)
        host = origin(url)
        if host[0] not in declared:
            trusted.add(host[0])
        if u.username or u.password:
            credentials[host] = (unquote(u.username), unquote(u.password or ""))
    return frozenset(trusted), credentials


def refresh_raw(
    raw_dir: Path,
    *,
    sources: Sequence[Source] = SOURCES,
    base_urls: Mapping[str, str] | None = None,
    timeout: float = 30,
    retries: int = 3,
    backoff: float = 1.0,
    progress: bool = False,
    file_seconds: float | None = None,
    run_seconds: float | None = None,
    previous: Path | None = None,
) -> list[Downloaded]:
    """Download every source's current file(s) into raw_dir, all or nothing.

    `base_urls` overrides entries of DEFAULT_BASE_URLS (the operator's $ALLIANCE_BASE_URLS, a
    test's local server): each is an explicit opt-in for its own origin (etl/fetch.py).
    `timeout` is in seconds and applies to connecting and to each read. `retries` is how many
    times each request is tried in all: a timeout, a dropped connection, a truncated body or
    HTTP 408/429/5xx is tried again after `backoff` * 1, 2, 4 ... seconds. Other HTTP errors,
    refused hosts and files that fail verification are not retried. A file that is
    byte-identical to its previous copy is left untouched (changed=False). Raises EtlError
    naming the URL (redacted) and the problem; raw_dir is then exactly as it was before.

    Bounds (core.limits, configurable by environment): `file_seconds` is the total time one file
    may take, tries and waits included, `run_seconds` that of all downloads of this call; each
    source's download is capped in size (core.limits.download_bytes), decoded bytes and nested
    zips included. With `previous`, the files the new ones replaced (and their provenance
    records) are moved there instead of deleted, so a caller can put them back
    (etl/quarantine.py); the folder is replaced if it exists.
    """
    try:
        file_seconds = file_seconds or limits.get("download_file_seconds")
        run_seconds = run_seconds or limits.get("download_run_seconds")
        redirects = int(limits.get("download_redirects"))
        for source in sources:
            limits.download_bytes(source.folder)
    except limits.LimitError as e:
        raise EtlError(str(e)) from None
    run_ends = time.monotonic() + run_seconds
    configured = dict(base_urls or {})
    bases = {**DEFAULT_BASE_URLS, **configured}
    missing = sorted({s.base for s in sources} - bases.keys())
    if missing:
        raise EtlError(f"no base URL for {', '.join(missing)}")
    try:
        trusted, credentials = _operator_bases(configured)
    except (httpx.InvalidURL, UnicodeDecodeError):
        raise EtlError("a base URL cannot be parsed") from None
    raw_dir = Path(raw_dir)
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
        _clean_staging(raw_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".refresh-{os.getpid()}-", dir=raw_dir))
    except OSError as e:
        raise EtlError(f"cannot write to the raw dir: {e}", file=str(raw_dir)) from e
    try:
        with (
            _progress_bar(progress) as bar,
            Fetcher(
                timeout,
                max(1, retries),
                backoff,
                bar,
                file_seconds,
                run_ends,
                redirects,
                trusted,
                credentials,
            ) as fetcher,
        ):
            staged: list[_Staged] = []
            for source in sources:
                fetcher.hosts = _hosts(source, bases, configured)
                staged += _fetch_source(source, bases[source.base], fetcher, staging)
        return _commit(staged, raw_dir, staging, previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _clean_staging(raw_dir: Path) -> None:
    """Remove staging folders left by a refresh that was killed (its process is gone)."""
    for folder in raw_dir.glob(".refresh-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and (int(pid) == os.getpid() or process_alive(int(pid))):
            continue  # this process's own, or a refresh still running
        shutil.rmtree(folder, ignore_errors=True)


def _discover(source: Source, base: str, fetcher: Fetcher) -> str:
    """The file's URL: the newest matching link on the current page, else on the former
    (page, link) pairs in turn (a publisher's old address or naming). The first failure is
    the one reported, naming the current page."""
    first: EtlError | None = None
    pages: dict[str, str] = {}  # each page is fetched once, however many patterns try it
    for path, link in ((source.path, source.link), *source.former):
        url = base.rstrip("/") + path
        try:
            if url not in pages:
                page = io.BytesIO()
                fetcher.get(url, page, f"{source.key} page")
                pages[url] = page.getvalue().decode("utf-8", errors="replace")
            return find_link(pages[url], url, link)
        except EtlError as e:
            if getattr(e, "timed_out", False):
                raise  # the deadline is spent: no time for the fallbacks
            first = first or e
    raise first  # type: ignore[misc]


def _fetch_source(source: Source, base: str, fetcher: Fetcher, staging: Path) -> list[_Staged]:
    url = base.rstrip("/") + source.path
    fetcher.cap = limits.download_bytes(source.folder)
    if source.link is not None:
        url = _discover(source, base, fetcher)
    folder = staging / source.folder
    folder.mkdir(parents=True, exist_ok=True)
    shown = redact(url)
    if source.unzip:
        target = staging / ".zips" / f"{source.key}.zip"
        target.parent.mkdir(exist_ok=True)
    else:
        name = checked_name(_name_in(url), "the file name", shown)
        if not fnmatch.fnmatchcase(name, source.globs[0]):
            raise EtlError(
                f"the file name {name!r} does not match {source.pattern!r}, so the parser "
                "would not find it",
                file=shown,
            )
        target = folder / name
    with target.open("wb") as out:
        content_type = fetcher.get(url, out, f"{source.folder}/{target.name}")
    if problem := verify(target, "zip" if source.unzip else _kind(target.name), content_type):
        raise EtlError(problem, file=shown)
    if source.unzip:
        scratch = staging / ".zips" / f"{source.key}-inner"
        paths = _unzip(target, source.globs, folder, shown, fetcher.cap, scratch)
    else:
        paths = [target]
    return [_Staged(source, shown, p, f"{source.folder}/{p.name}") for p in paths]


def _record_provenance(plan: list[tuple[_Staged, str, bool, list[Path]]], raw_dir: Path) -> None:
    """A provenance record beside each file written (etl/sources/provenance.py)."""
    for s, digest, changed, _ in plan:
        dest = raw_dir / s.name
        if changed or provenance.sha256_of(dest) != digest:  # a kill may have cut it short
            source = registry.by_folder(s.source.folder)
            entry = provenance.record(
                dest, name=s.name, url=s.url, download=s.source, source=source
            )
            provenance.write(dest, entry)


def _same_release(source: Source, old: str, new: str) -> bool:
    """Whether a new file replaces an older one: always, unless the source keeps one file per
    release (`release` regex), then only when both name the same release."""
    if source.release is None:
        return True
    a, b = re.search(source.release, old), re.search(source.release, new)
    return bool(a and b and a.groups() == b.groups())


def _set_aside(path: Path, raw_dir: Path, backup: Path, done: list) -> None:
    """Move a raw-dir file into the backup folder (same relative name), noting it in done."""
    saved = backup / path.relative_to(raw_dir)
    saved.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, saved)
    done.append((path, saved))


def _commit(
    staged: list[_Staged], raw_dir: Path, staging: Path, previous: Path | None = None
) -> list[Downloaded]:
    """Move verified files into place. On an OS error, put the previous files back. The files
    replaced (and their records) end up in `previous` if given, else are deleted."""
    names = [s.name for s in staged]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise EtlError(f"several sources write {', '.join(dupes)}", file=str(raw_dir))
    keep = set(names)

    # For each new file: its hash, whether raw_dir will differ, and the older files it replaces
    # (files matching the same glob under another name; for a source with `release`, only those
    # of the same release, e.g. SIPRI's '_2' of the same year: other editions stay beside it).
    plan: list[tuple[_Staged, str, bool, list[Path]]] = []
    for s in staged:
        dest = raw_dir / s.name
        digest = sha256(s.path)
        changed = not dest.is_file() or sha256(dest) != digest
        old = sorted(
            {
                p
                for glob in s.source.globs
                if fnmatch.fnmatchcase(PurePosixPath(s.name).name, glob)
                for p in (raw_dir / s.source.folder).glob(glob)
                if p.is_file()
                and p.relative_to(raw_dir).as_posix() not in keep
                and _same_release(s.source, p.name, PurePosixPath(s.name).name)
            }
        )
        keep |= {p.relative_to(raw_dir).as_posix() for p in old}  # each removed once
        plan.append((s, digest, changed or bool(old), old))

    backup = staging / ".previous"
    done: list[tuple[Path, Path | None]] = []  # (path in raw_dir, saved previous copy or None)
    try:
        for s, _, changed, old in plan:
            dest = raw_dir / s.name
            if changed:
                dest.parent.mkdir(parents=True, exist_ok=True)
                saved = None
                if dest.exists():
                    saved = backup / s.name
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(dest, saved)
                    except OSError:
                        shutil.copy2(dest, saved)
                record = provenance.path_of(dest)  # set aside, rewritten once the file is in
                if record.exists():
                    _set_aside(record, raw_dir, backup, done)
                os.replace(s.path, dest)
                done.append((dest, saved))
            for path in old:
                _set_aside(path, raw_dir, backup, done)
                if (record := provenance.path_of(path)).exists():
                    _set_aside(record, raw_dir, backup, done)
    except OSError as e:
        for path, saved in reversed(done):
            if saved is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(saved, path)
        raise EtlError(
            f"could not move the new files into place ({e}); the previous files were put back",
            file=str(raw_dir),
        ) from e
    _record_provenance(plan, raw_dir)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
        if backup.is_dir():
            os.replace(backup, previous)
        else:
            previous.mkdir(parents=True)

    return [
        Downloaded(
            name=s.name,
            url=s.url,
            sha256=digest,
            bytes=(raw_dir / s.name).stat().st_size,
            changed=changed,
            removed=tuple(p.relative_to(raw_dir).as_posix() for p in old),
        )
        for s, digest, changed, old in plan
    ]
