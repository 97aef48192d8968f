"""Fetch the publishers' current files into the raw dir: discover, download, verify, then swap.

`refresh_raw` is all-or-nothing. Every file is downloaded into a staging folder inside the raw
dir and checked: an xlsx must be a zip holding xl/workbook.xml, a zip must open, a CSV must
decode and hold more than a header, JSON must parse, and the byte count must match
Content-Length. Only when every source has passed are the files moved into place, one
`os.replace` each. If anything fails, the previous raw files stay exactly as they were and an
EtlError names the URL and the problem.

SIPRI and NATO rename their file with every release. For them the registry (etl/sources/) names
a page and a regex over its links instead of a file, plus former pages and namings to fall back
on. The newest matching link is downloaded; an older file of the same release (an earlier
version) is removed, while earlier releases stay beside it: the build loads every edition.
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
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
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

from etl import limits
from etl import sources as registry
from etl.errors import EtlError
from etl.rawfiles import process_alive, sha256
from etl.sources import provenance
from etl.sources.base import Download

# Publishers' hosts, from the source registry (etl/sources/); $ALLIANCE_BASE_URLS overrides.
DEFAULT_BASE_URLS: dict[str, str] = registry.base_urls()

USER_AGENT = "alliance-ledger-etl/0.1 (refresh of public raw data files)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


# What to download and where it goes: each source module's `downloads` (etl/sources/base.py).
Source = Download
SOURCES: tuple[Source, ...] = registry.downloads()


@dataclass(frozen=True)
class Downloaded:
    """One file now in the raw dir, as `refresh_raw` left it."""

    name: str  # relative to the raw dir, e.g. "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
    url: str  # where it came from (the zip's URL for a member of a zip)
    sha256: str
    bytes: int
    changed: bool  # False when the previous copy had the same name and the same bytes
    removed: tuple[str, ...] = ()  # older releases this file replaced, relative to the raw dir


# --- discovery ------------------------------------------------------------------------------


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def _newness(match: re.Match[str], name: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    groups = tuple(int(g) for g in match.groups() if g and g.isdigit())
    return groups, tuple(int(d) for d in re.findall(r"\d+", name)), name


def find_link(html: str, page_url: str, pattern: str) -> str:
    """The absolute URL of the newest link on the page whose path matches `pattern`.

    Links are resolved against `page_url`. If several files match, the regex's groups and then
    the numbers in the file name, compared as integers, decide which is newest.
    """
    parser = _Hrefs()
    parser.feed(html)
    rx = re.compile(pattern)
    found: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]] = {}
    for href in parser.hrefs:
        url = urljoin(page_url, href.strip())
        path = unquote(urlsplit(url).path)
        if match := rx.search(path):
            found.setdefault(url, _newness(match, PurePosixPath(path).name))
    if not found:
        raise EtlError(
            f"no link matching {pattern!r} on the page (has the page or the file name changed?)",
            file=page_url,
        )
    return max(found, key=found.__getitem__)


def _file_name(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).name


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
    pages are caught. The magic bytes decide. The content type is only used to name an HTML page.
    """
    size = path.stat().st_size
    if size == 0:
        return "empty file (0 bytes)"
    with path.open("rb") as f:
        head = f.read(512)
    html = _looks_like_html(head, content_type)
    label = {"xlsx": "an xlsx", "zip": "a zip", "csv": "a CSV", "json": "JSON"}.get(kind, kind)
    if kind in ("xlsx", "zip"):
        if not head.startswith(b"PK\x03\x04"):
            if html:
                return f"got an HTML page, not {label}"
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                return f"got an old binary .xls (OLE2) file, not {label}"
            return f"not {label}: starts with {head[:16]!r}"
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                bad = z.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            return f"not {label}: the zip is broken ({e})"
        if bad is not None:
            return f"broken {kind}: member {bad} fails its CRC check"
        if kind == "xlsx" and "xl/workbook.xml" not in names:
            return "not an xlsx: the zip holds no xl/workbook.xml"
        return None
    if html:
        return f"got an HTML page, not {label}"
    if kind == "csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as e:
            return f"not UTF-8 text: {e}"
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
        except (ValueError, UnicodeDecodeError) as e:
            return f"not valid JSON: {e}"
        if not data:
            return "empty JSON"
        return None
    return None


# --- fetching -------------------------------------------------------------------------------


class _Transient(Exception):
    """A failure worth another try: timeout, dropped connection, truncation, 5xx."""

    def __init__(self, problem: str, *, timed_out: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.timed_out = timed_out


class _NoProgress:
    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def update(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass
class _Fetcher:
    client: httpx.Client
    timeout: float
    tries: int
    backoff: float
    bar: Any
    file_seconds: float = float("inf")  # total for one file, tries and waits included
    run_ends: float = float("inf")  # time.monotonic() by which the whole refresh must end
    cap: int = 1 << 62  # bytes, set per source by _fetch_source

    def get(self, url: str, out: BinaryIO, label: str) -> str:
        """Download url into out with retries. Returns the Content-Type. Raises EtlError.

        A publisher that trickles bytes (each read within `timeout`) is stopped by the total
        deadline, and one that sends without end (with or without Content-Length) by the cap.
        """
        task = self.bar.add_task(label, total=None)
        last: _Transient | None = None
        ends = min(time.monotonic() + self.file_seconds, self.run_ends)
        for attempt in range(1, self.tries + 1):
            out.seek(0)
            out.truncate()
            self.bar.update(task, completed=0)
            try:
                return self._once(url, out, task, ends)
            except _Transient as e:
                last = e
                if attempt < self.tries and self.backoff > 0:
                    pause = self.backoff * 2 ** (attempt - 1)
                    if time.monotonic() + pause >= ends:
                        self._out_of_time(url, ends)
                    time.sleep(pause)
        assert last is not None
        if last.timed_out:
            problem = f"timed out after {self.tries} tries ({self.timeout:g} s each)"
        else:
            problem = f"{last.problem} (after {self.tries} tries)"
        raise EtlError(problem, file=url)

    def _out_of_time(self, url: str, ends: float) -> None:
        """Raise the deadline's EtlError, marked timed_out (no fallback page is tried then)."""
        if ends >= self.run_ends:
            problem = (
                "the refresh ran past its total time limit (ALLIANCE_DOWNLOAD_RUN_SECONDS); stopped"
            )
        else:
            problem = (
                f"the download took longer than {self.file_seconds:g} s in all "
                "(ALLIANCE_DOWNLOAD_FILE_SECONDS); stopped"
            )
        err = EtlError(problem, file=url)
        err.timed_out = True  # type: ignore[attr-defined]
        raise err

    def _too_big(self, url: str, size: int) -> EtlError:
        return EtlError(
            f"the download is over the {self.cap / (1 << 20):,.0f} MB cap for this source "
            f"({size / (1 << 20):,.1f} MB so far or announced); stopped",
            file=url,
        )

    def _once(self, url: str, out: BinaryIO, task: Any, ends: float) -> str:
        left = ends - time.monotonic()
        if left <= 0:
            self._out_of_time(url, ends)
        try:
            timeout = min(self.timeout, left)
            with self.client.stream("GET", url, timeout=timeout, follow_redirects=True) as r:
                if r.status_code >= 400:
                    problem = f"HTTP {r.status_code} {r.reason_phrase}".strip()
                    if r.status_code in RETRY_STATUSES:
                        raise _Transient(problem)
                    raise EtlError(problem, file=url)
                length = r.headers.get("content-length", "")
                expected = int(length) if length.isdigit() else None
                if expected is not None and expected > self.cap:
                    raise self._too_big(url, expected)
                self.bar.update(task, total=expected)
                written = 0
                try:
                    for chunk in r.iter_bytes():
                        written += len(chunk)
                        if written > self.cap:
                            raise self._too_big(url, written)
                        if time.monotonic() > ends:
                            self._out_of_time(url, ends)
                        out.write(chunk)
                        self.bar.update(task, advance=len(chunk))
                except httpx.RemoteProtocolError as e:
                    got = r.num_bytes_downloaded
                    if expected is not None and got < expected:
                        raise _Transient(f"truncated: {got} of {expected} bytes") from e
                    raise _Transient(f"connection broken: {e}") from e
                got = r.num_bytes_downloaded
                if expected is not None and got != expected:
                    raise _Transient(f"truncated: {got} of {expected} bytes")
                return r.headers.get("content-type", "")
        except httpx.TimeoutException as e:
            if time.monotonic() >= ends:
                self._out_of_time(url, ends)
            raise _Transient("timed out", timed_out=True) from e
        except httpx.TransportError as e:
            raise _Transient(f"network error: {type(e).__name__}: {e}") from e


# --- zips -----------------------------------------------------------------------------------


_NESTED_ZIP_MAX = 256 << 20  # a nested zip is read into memory: never a bomb's worth


def _members(z: zipfile.ZipFile, glob: str, depth: int = 1) -> list[tuple[zipfile.ZipFile, str]]:
    """Members of z whose own file name matches glob. If none do, look inside nested zips."""

    def real(info: zipfile.ZipInfo) -> bool:
        name = PurePosixPath(info.filename).name
        return not info.is_dir() and not info.filename.startswith("__MACOSX/") and name[:2] != "._"

    infos = [i for i in z.infolist() if real(i)]
    hits = [
        (z, i.filename) for i in infos if fnmatch.fnmatchcase(PurePosixPath(i.filename).name, glob)
    ]
    if hits or depth == 0:
        return hits
    for info in infos:
        if info.filename.lower().endswith(".zip") and info.file_size <= _NESTED_ZIP_MAX:
            inner = zipfile.ZipFile(io.BytesIO(z.read(info)))
            hits += _members(inner, glob, depth - 1)
    return hits


def _unzip(
    zip_path: Path, globs: Sequence[str], out_dir: Path, url: str, cap: int = 1 << 62
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with zipfile.ZipFile(zip_path) as z:
            for glob in globs:
                hits = _members(z, glob)
                if not hits:
                    raise EtlError(f"the zip holds no member matching {glob!r}", file=url)
                if len(hits) > 1:
                    names = ", ".join(name for _, name in hits)
                    raise EtlError(f"several zip members match {glob!r}: {names}", file=url)
                src, member = hits[0]
                dest = out_dir / PurePosixPath(member).name
                if src.getinfo(member).file_size > cap:
                    raise EtlError(f"zip member {member} unzips past the size cap", file=url)
                with src.open(member) as fi, dest.open("wb") as fo:
                    copied = 0
                    while chunk := fi.read(1 << 20):  # a member may lie about its size
                        copied += len(chunk)
                        if copied > cap:
                            raise EtlError(
                                f"zip member {member} unzips past the size cap", file=url
                            )
                        fo.write(chunk)
                if problem := verify(dest, _kind(dest.name)):
                    raise EtlError(f"zip member {member}: {problem}", file=url)
                written.append(dest)
    except (zipfile.BadZipFile, OSError) as e:
        raise EtlError(f"could not unzip: {e}", file=url) from e
    return written


# --- the refresh ----------------------------------------------------------------------------


@dataclass
class _Staged:
    source: Source
    url: str
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


@contextmanager
def _client(client: httpx.Client | None) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    with httpx.Client(follow_redirects=True, headers={"User-Agent": USER_AGENT}) as own:
        yield own


def refresh_raw(
    raw_dir: Path,
    *,
    sources: Sequence[Source] = SOURCES,
    base_urls: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
    timeout: float = 30,
    retries: int = 3,
    backoff: float = 1.0,
    progress: bool = False,
    file_seconds: float | None = None,
    run_seconds: float | None = None,
) -> list[Downloaded]:
    """Download every source's current file(s) into raw_dir, all or nothing.

    `base_urls` overrides entries of DEFAULT_BASE_URLS, so tests can point sources at a local
    server. `timeout` is in seconds and applies to connecting and to each read. `retries` is
    how many times each request is tried in all: a timeout, a dropped connection, a truncated
    body or HTTP 408/429/5xx is tried again after `backoff` * 1, 2, 4 ... seconds. Other HTTP
    errors and files that fail verification are not retried. A file that is byte-identical to
    its previous copy is left untouched (changed=False). Raises EtlError naming the URL and the
    problem. raw_dir is then exactly as it was before the call.

    Bounds (etl.limits, configurable by environment): `file_seconds` is the total time one file
    may take, tries and waits included, `run_seconds` that of all downloads of this call; each
    source's download is capped in size (etl.limits.download_bytes), Content-Length or not.
    """
    try:
        file_seconds = file_seconds or limits.get("download_file_seconds")
        run_seconds = run_seconds or limits.get("download_run_seconds")
        for source in sources:
            limits.download_bytes(source.folder)
    except limits.LimitError as e:
        raise EtlError(str(e)) from None
    run_ends = time.monotonic() + run_seconds
    bases = {**DEFAULT_BASE_URLS, **(base_urls or {})}
    missing = sorted({s.base for s in sources} - bases.keys())
    if missing:
        raise EtlError(f"no base URL for {', '.join(missing)}")
    raw_dir = Path(raw_dir)
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
        _clean_staging(raw_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".refresh-{os.getpid()}-", dir=raw_dir))
    except OSError as e:
        raise EtlError(f"cannot write to the raw dir: {e}", file=str(raw_dir)) from e
    try:
        with _client(client) as http, _progress_bar(progress) as bar:
            fetcher = _Fetcher(http, timeout, max(1, retries), backoff, bar, file_seconds, run_ends)
            staged: list[_Staged] = []
            for source in sources:
                staged += _fetch_source(source, bases[source.base], fetcher, staging)
        return _commit(staged, raw_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _clean_staging(raw_dir: Path) -> None:
    """Remove staging folders left by a refresh that was killed (its process is gone)."""
    for folder in raw_dir.glob(".refresh-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and (int(pid) == os.getpid() or process_alive(int(pid))):
            continue  # this process's own, or a refresh still running
        shutil.rmtree(folder, ignore_errors=True)


def _discover(source: Source, base: str, fetcher: _Fetcher) -> str:
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


def _fetch_source(source: Source, base: str, fetcher: _Fetcher, staging: Path) -> list[_Staged]:
    url = base.rstrip("/") + source.path
    fetcher.cap = limits.download_bytes(source.folder)
    if source.link is not None:
        url = _discover(source, base, fetcher)
    folder = staging / source.folder
    folder.mkdir(parents=True, exist_ok=True)
    if source.unzip:
        target = staging / ".zips" / f"{source.key}.zip"
        target.parent.mkdir(exist_ok=True)
    else:
        name = _file_name(url)
        if not name or not fnmatch.fnmatchcase(name, source.globs[0]):
            raise EtlError(
                f"the file name {name!r} does not match {source.pattern!r}, so the parser "
                "would not find it",
                file=url,
            )
        target = folder / name
    with target.open("wb") as out:
        content_type = fetcher.get(url, out, f"{source.folder}/{target.name}")
    if problem := verify(target, "zip" if source.unzip else _kind(target.name), content_type):
        raise EtlError(problem, file=url)
    paths = _unzip(target, source.globs, folder, url, fetcher.cap) if source.unzip else [target]
    return [_Staged(source, url, p, f"{source.folder}/{p.name}") for p in paths]


def _record_provenance(plan: list[tuple[_Staged, str, bool, list[Path]]], raw_dir: Path) -> None:
    """A provenance record beside each file written (etl/sources/provenance.py); the records
    of the files it replaced go with them."""
    for s, digest, changed, old in plan:
        dest = raw_dir / s.name
        if changed or provenance.sha256_of(dest) != digest:  # a kill may have cut it short
            source = registry.by_folder(s.source.folder)
            entry = provenance.record(
                dest, name=s.name, url=s.url, download=s.source, source=source
            )
            provenance.write(dest, entry)
        for path in old:
            provenance.path_of(path).unlink(missing_ok=True)


def _same_release(source: Source, old: str, new: str) -> bool:
    """Whether a new file replaces an older one: always, unless the source keeps one file per
    release (`release` regex), then only when both name the same release."""
    if source.release is None:
        return True
    a, b = re.search(source.release, old), re.search(source.release, new)
    return bool(a and b and a.groups() == b.groups())


def _commit(staged: list[_Staged], raw_dir: Path, staging: Path) -> list[Downloaded]:
    """Move verified files into place. On an OS error, put the previous files back."""
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
                    kept = backup / record.relative_to(raw_dir)
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(record, kept)
                    done.append((record, kept))
                os.replace(s.path, dest)
                done.append((dest, saved))
            for path in old:
                saved = backup / path.relative_to(raw_dir)
                saved.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, saved)
                done.append((path, saved))
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
