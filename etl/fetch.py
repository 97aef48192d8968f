"""One download as `etl refresh` makes it: on the publisher's own hosts, within its deadline and
its size cap, with messages that carry no secret and no byte of what came back.

- **Hosts.** A request goes only to the hosts its source declares (etl/sources/, `hosts`) or
  to the exact origin (host and port) of an operator's base URL ($ALLIANCE_BASE_URLS).
  Redirects are followed here, hop by hop, never by httpx: each hop is checked the same way, an
  https -> http downgrade is refused, and at most `download_redirects` hops are taken.
- **Addresses.** The host name is resolved once, here; every address it gives must be public
  (not private, loopback, link-local, multicast, reserved or unspecified, IPv4-mapped and
  NAT64 forms unwrapped), and the connection goes to the address that was checked, so a DNS
  answer that changes between check and connect (rebinding) cannot swap it. An operator's
  base URL is an explicit opt-in for its own host: that host may be private (a mirror on the
  LAN, the test suite's 127.0.0.1).
- **Deadlines.** A watchdog timer shuts down the download's sockets at its wall-clock deadline,
  whatever they are doing (connecting, TLS, trickled headers, a body that decodes to nothing);
  name resolution runs in a thread that is waited for no longer than the deadline.
- **Size.** The cap counts decoded bytes: gzip and deflate are decoded here, at most 1 MB per
  step, so a compression bomb is stopped at the cap, and the compressed bytes are capped too
  (a stream of empty deflate blocks). Other content encodings are refused.
- **Messages.** URLs lose their credentials (`redact`); a response is described (HTTP status,
  content type, size), never quoted; a library's error is named by its type and the operating
  system's reason, never by its text, which may quote what the server sent.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from core.errors import EtlError

USER_AGENT = "alliance-ledger-etl/0.1 (refresh of public raw data files)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
STEP = 1 << 20  # most bytes decoded from one step of a compressed body
RAW_SLACK = 1 << 20  # compressed bytes may exceed the decoded ones by a little, never by much
RESOLVE_SECONDS = 30.0  # name resolution when no deadline is set (tests of the backend alone)


# --- what may be said about a URL or a response ---------------------------------------------

# Query parameters that carry a credential: access_token, api_key, X-Amz-Signature, sig, ...
SECRET_NAME = re.compile(r"token|key|sig|password|passwd|pwd|secret|auth|credential|session", re.I)
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?|[0-9a-f:.]{2,45}")


def redact(url: str) -> str:
    """The URL as it may be logged, printed or published: no user name or password, the value
    of every query parameter named like a credential replaced by REDACTED, no fragment."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        query = urlencode(
            [
                (k, "REDACTED" if SECRET_NAME.search(k) else v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
            ],
            quote_via=quote,
            safe="/:,",
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return "(an address that cannot be parsed)"


def secrets_in(urls: list[str]) -> set[str]:
    """The credentials the given URLs carry (user names, passwords, secret query values), so a
    message can be scrubbed of them wherever they might have travelled (`scrub`)."""
    found: set[str] = set()
    for url in urls:
        try:
            parts = urlsplit(url)
            userinfo = parts.netloc.rpartition("@")[0]
            values = [v for k, v in parse_qsl(parts.query) if SECRET_NAME.search(k)]
        except ValueError:
            continue
        for value in [*userinfo.split(":", 1), *values]:
            if len(value) >= 3:  # a one- or two-letter value would blank ordinary words
                found |= {value, unquote(value), quote(unquote(value), safe="")}
    return found


def scrub(text: str, secrets: set[str]) -> str:
    """text with every known credential replaced by REDACTED (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "REDACTED")
    return text


def content_type_of(value: str) -> str:
    """A response's content type as a message may name it: the media type if it is one."""
    media = value.split(";", 1)[0].strip().lower()
    return media if _MEDIA_TYPE.fullmatch(media) else "no usable content type"


def host_of(url: str) -> str:
    """A URL's host as a message may name it (it can come from a response: a redirect)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    return host if _HOST_NAME.fullmatch(host) else "a host with an invalid name"


def _why(e: BaseException) -> str:
    """A transport error in words that quote nothing the server sent: its type, and the
    operating system's reason when there is one (connection refused, reset, ...)."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return f"{type(e).__name__}: {cause.strerror}"
        cause = cause.__cause__ or cause.__context__
    return type(e).__name__


# --- addresses ------------------------------------------------------------------------------


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def refused_address(text: str) -> str | None:
    """Why an address must not be fetched from (None: a public address)."""
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone ('fe80::1%eth0')
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (why := refused_address(str(embedded))):
            return f"{why} (inside {ip})"
    for test, why in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address (cloud metadata lives there)"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, test):
            return why
    return None if ip.is_global else "not a public address"


class Refused(Exception):
    """A request this module will not make (a host, an address, an encoding); not retried."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _resolve(host: str, port: int, ends: float) -> list[str]:
    """The addresses of host, resolved in a thread waited for until `ends` at most (a resolver
    that hangs must not outlive the deadline; the daemon thread is abandoned then)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as e:
            result.append(e)

    worker = threading.Thread(target=run, name="resolve", daemon=True)
    worker.start()
    worker.join(max(0.0, ends - time.monotonic()))
    if not result:
        raise httpcore.ConnectTimeout("name resolution did not finish before the deadline")
    if isinstance(result[0], OSError):
        raise httpcore.ConnectError(str(result[0])) from result[0]
    return list(dict.fromkeys(str(info[4][0]) for info in result[0]))


# --- the watchdog ---------------------------------------------------------------------------


class Watch:
    """The deadline of one download: at `ends` (time.monotonic()) every socket it opened is
    shut down, so whatever read or handshake is blocked returns at once. A socket opened after
    the deadline is shut down as it is registered."""

    def __init__(self, ends: float) -> None:
        self.ends = ends
        self.fired = False
        self._lock = threading.Lock()
        self._streams: list[httpcore.NetworkStream] = []
        self._timer = threading.Timer(max(0.0, ends - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watch:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def add(self, stream: httpcore.NetworkStream) -> None:
        with self._lock:
            self._streams.append(stream)
            late = self.fired
        if late:
            _shut(stream)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            streams = list(self._streams)
        for stream in streams:
            _shut(stream)


def _shut(stream: httpcore.NetworkStream) -> None:
    """Shut the connection down at the socket level (for TLS too: the plain socket call, not
    SSLSocket's, which would race the reading thread over the TLS state)."""
    sock = stream.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watched(httpcore.NetworkStream):
    """A connection known to the current Watch, and the TLS connection made over it too."""

    def __init__(self, inner: httpcore.NetworkStream, watch: Watch | None) -> None:
        self.inner, self.watch = inner, watch
        if watch is not None:
            watch.add(inner)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Watched(self.inner.start_tls(ssl_context, server_hostname, timeout), self.watch)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _Backend(httpcore.SyncBackend):
    """httpcore's socket backend, resolving and checking the address itself and connecting to
    the very address it checked; every connection is registered with the current Watch."""

    def __init__(self, trusted: frozenset[str]) -> None:
        self.trusted = trusted  # hosts of the operator's base URLs: private addresses allowed
        self.watch: Watch | None = None

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        watch = self.watch
        ends = watch.ends if watch else time.monotonic() + RESOLVE_SECONDS
        addresses = _resolve(host, port, ends)
        if host.lower() not in self.trusted:
            for address in addresses:
                if why := refused_address(address):
                    raise Refused(
                        f"{host} resolves to {address}, {why}; only public addresses are "
                        "fetched from (an operator's own base URL may point elsewhere)"
                    )
        error: Exception = httpcore.ConnectError("no address to connect to")
        for address in addresses:
            left = ends - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout("the deadline passed while connecting")
            wait = left if timeout is None else min(timeout, left)
            try:
                stream = super().connect_tcp(address, port, wait, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e
                continue
            return _Watched(stream, watch)
        raise error


class _Transport(httpx.HTTPTransport):
    """httpx's transport over the checking backend, one connection per request (no keep-alive:
    a connection never outlives the Watch that guards it)."""

    def __init__(self, backend: _Backend) -> None:
        super().__init__(trust_env=False)
        # httpx 0.28 takes no network backend (encode/httpx#3180): its pool is replaced by one
        # that uses ours, with httpx's default TLS settings.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_keepalive_connections=0,
            network_backend=backend,
        )


# --- content encodings ----------------------------------------------------------------------


class Decoder:
    """A response body's Content-Encoding undone in bounded steps (at most STEP bytes each):
    identity, gzip or deflate (zlib-wrapped or raw, as servers send both); anything else is
    refused rather than saved still encoded."""

    def __init__(self, encoding: str) -> None:
        names = [e.strip().lower() for e in encoding.split(",") if e.strip()]
        names = [e for e in names if e != "identity"]
        if len(names) > 1:
            raise Refused("the response is encoded several times over (Content-Encoding)")
        self.kind = names[0] if names else ""
        if self.kind == "x-gzip":
            self.kind = "gzip"
        if self.kind not in ("", "gzip", "deflate"):
            shown = self.kind if re.fullmatch(r"[a-z0-9-]{1,20}", self.kind) else "unknown"
            raise Refused(f"Content-Encoding {shown} is not accepted (gzip, deflate or none)")
        self._z: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if self.kind == "gzip" else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self.kind:
            if data:
                yield data
            return
        if self._z is None:  # deflate: zlib-wrapped if the first two bytes say so, else raw
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            while True:
                out = self._z.decompress(data, STEP)
                if out:
                    yield out
                data = self._z.unconsumed_tail
                if not data and len(out) < STEP:
                    return
        except zlib.error:
            raise Refused(f"the {self.kind} body is damaged (it does not decompress)") from None

    def finish(self) -> Iterator[bytes]:
        if self._z is not None:
            yield from self.feed(b"")


# --- the fetcher ----------------------------------------------------------------------------


class _Transient(Exception):
    """A failure worth another try: timeout, dropped connection, truncation, 5xx."""

    def __init__(self, problem: str, *, timed_out: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.timed_out = timed_out


@dataclass(frozen=True)
class Hosts:
    """Where one source's requests may go: its declared hosts on their scheme's default port,
    and the exact origins (host, port) of the operator's base URLs for it."""

    source: str
    names: frozenset[str]
    origins: frozenset[tuple[str, int]] = frozenset()

    def allow(self, url: httpx.URL) -> bool:
        host = url.raw_host.decode("ascii", "replace").lower()
        port = url.port or (443 if url.scheme == "https" else 80)
        return (host in self.names and url.port is None) or (host, port) in self.origins

    def describe(self) -> str:
        shown = sorted(self.names) + sorted(f"{h}:{p}" for h, p in self.origins)
        return ", ".join(shown) or "none"


def origin(url: str) -> tuple[str, int]:
    u = httpx.URL(url)
    return u.raw_host.decode("ascii").lower(), u.port or (443 if u.scheme == "https" else 80)


@dataclass
class Fetcher:
    """GETs with retries, checked redirects, a deadline per file and per run, and a size cap.

    `trusted`: hosts of the operator's base URLs (their addresses are not checked);
    `credentials`: origin -> (user, password) of base URLs that carry them, sent again to that
    origin after a redirect within it. Set `hosts` and `cap` before each source's downloads.
    """

    timeout: float
    tries: int
    backoff: float
    bar: Any
    file_seconds: float = float("inf")  # total for one file, tries and waits included
    run_ends: float = float("inf")  # time.monotonic() by which the whole refresh must end
    redirects: int = 5
    trusted: frozenset[str] = frozenset()
    credentials: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    hosts: Hosts = Hosts("", frozenset())
    cap: int = 1 << 62  # bytes (decoded), set per source

    def __post_init__(self) -> None:
        self._backend = _Backend(self.trusted)
        self._client = httpx.Client(
            transport=_Transport(self._backend),
            trust_env=False,  # no proxy from the environment: the address checked is the peer
            follow_redirects=False,  # each hop is checked in _once
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, out: BinaryIO, label: str) -> str:
        """Download url into out with retries. Returns the content type (as content_type_of
        names it). Raises EtlError naming the redacted URL."""
        task = self.bar.add_task(label, total=None)
        last: _Transient | None = None
        ends = min(time.monotonic() + self.file_seconds, self.run_ends)
        with Watch(ends) as watch:
            self._backend.watch = watch
            try:
                for attempt in range(1, self.tries + 1):
                    out.seek(0)
                    out.truncate()
                    self.bar.update(task, completed=0)
                    try:
                        return self._once(url, out, task, watch)
                    except _Transient as e:
                        last = e
                        if attempt < self.tries and self.backoff > 0:
                            pause = self.backoff * 2 ** (attempt - 1)
                            if time.monotonic() + pause >= ends:
                                self._out_of_time(url, ends)
                            time.sleep(pause)
            finally:
                self._backend.watch = None
        assert last is not None
        if last.timed_out:
            problem = f"timed out after {self.tries} tries ({self.timeout:g} s each)"
        else:
            problem = f"{last.problem} (after {self.tries} tries)"
        raise EtlError(problem, file=redact(url))

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
        err = EtlError(problem, file=redact(url))
        err.timed_out = True  # type: ignore[attr-defined]
        raise err

    def _too_big(self, url: str, size: int, what: str = "the download") -> EtlError:
        return EtlError(
            f"{what} is over the {self.cap / (1 << 20):,.0f} MB cap for this source "
            f"({size / (1 << 20):,.1f} MB so far or announced); stopped",
            file=redact(url),
        )

    def _check(self, url: str, target: str, previous: str | None) -> httpx.URL:
        """The URL to request next, if its scheme and host are allowed (EtlError if not)."""
        try:
            u = httpx.URL(target)
            u.raw_host.decode("ascii")
        except (httpx.InvalidURL, UnicodeDecodeError):
            hop = "" if previous is None else "a redirect to "
            raise EtlError(
                f"refused {hop}an address that cannot be parsed", file=redact(url)
            ) from None
        hop = "" if previous is None else "a redirect to "
        if u.scheme not in ("http", "https"):
            scheme = u.scheme if re.fullmatch(r"[a-z][a-z0-9+.-]{0,15}", u.scheme) else "other"
            raise EtlError(
                f"refused {hop}a {scheme}: address (only http and https)", file=redact(url)
            )
        if previous is not None and previous.startswith("https:") and u.scheme == "http":
            raise EtlError("refused a redirect from https to plain http", file=redact(url))
        if not self.hosts.allow(u):
            raise EtlError(
                f"refused {hop}{host_of(target)}{'' if u.port is None else f' port {u.port}'}: "
                f"not one of {self.hosts.source}'s hosts ({self.hosts.describe()})",
                file=redact(url),
            )
        return u

    def _auth(self, u: httpx.URL) -> httpx.BasicAuth | None:
        key = (u.raw_host.decode("ascii").lower(), u.port or (443 if u.scheme == "https" else 80))
        if key in self.credentials and not u.username:
            return httpx.BasicAuth(*self.credentials[key])
        return None

    def _once(self, url: str, out: BinaryIO, task: Any, watch: Watch) -> str:
        target, previous = url, None
        for _hop in range(self.redirects + 1):
            u = self._check(url, target, previous)
            left = watch.ends - time.monotonic()
            if left <= 0:
                self._out_of_time(url, watch.ends)
            try:
                with self._client.stream(
                    "GET", u, timeout=min(self.timeout, left), auth=self._auth(u)
                ) as r:
                    if r.status_code in REDIRECT_STATUSES:
                        location = r.headers.get("location", "").strip()
                        if not location:
                            raise EtlError(
                                f"HTTP {r.status_code} redirect without a Location",
                                file=redact(url),
                            )
                        previous, target = target, urljoin(target, location)
                        continue
                    if not 200 <= r.status_code < 300:
                        problem = f"HTTP {r.status_code} {_phrase(r.status_code)}".strip()
                        if r.status_code in RETRY_STATUSES:
                            raise _Transient(problem)
                        raise EtlError(problem, file=redact(url))
                    return self._body(url, r, out, task, watch)
            except Refused as e:
                raise EtlError(f"refused: {e.problem}", file=redact(url)) from None
            except httpx.TimeoutException as e:
                if watch.fired or time.monotonic() >= watch.ends:
                    self._out_of_time(url, watch.ends)
                raise _Transient("timed out", timed_out=True) from e
            except (httpx.TransportError, httpcore.ConnectTimeout, httpcore.ConnectError) as e:
                if watch.fired:
                    self._out_of_time(url, watch.ends)
                raise _Transient(f"network error ({_why(e)})") from e
            except ValueError:  # a Location that urljoin cannot join
                raise EtlError(
                    "refused a redirect to an address that cannot be parsed", file=redact(url)
                ) from None
        raise EtlError(f"more than {self.redirects} redirects; stopped", file=redact(url))

    def _body(self, url: str, r: httpx.Response, out: BinaryIO, task: Any, watch: Watch) -> str:
        length = r.headers.get("content-length", "").strip()
        expected = int(length) if length.isdigit() and len(length) <= 18 else None
        if expected is not None and expected > self.cap:
            raise self._too_big(url, expected)
        decoder = Decoder(r.headers.get("content-encoding", ""))
        self.bar.update(task, total=expected)
        written = 0

        def keep(pieces: Iterator[bytes]) -> None:
            nonlocal written
            for piece in pieces:
                written += len(piece)
                if written > self.cap:
                    raise self._too_big(url, written, "the decoded download")
                out.write(piece)

        try:
            for raw in r.iter_raw():
                if time.monotonic() > watch.ends:
                    self._out_of_time(url, watch.ends)
                if r.num_bytes_downloaded > self.cap + RAW_SLACK:
                    raise self._too_big(url, r.num_bytes_downloaded)
                keep(decoder.feed(raw))
                self.bar.update(task, advance=len(raw))
            keep(decoder.finish())
            if watch.fired:  # a body without a length ends where the watchdog cut it
                self._out_of_time(url, watch.ends)
        except (httpx.RemoteProtocolError, httpx.ReadError) as e:
            if watch.fired:
                self._out_of_time(url, watch.ends)
            got = r.num_bytes_downloaded
            if expected is not None and got < expected:
                raise _Transient(f"truncated: {got} of {expected} bytes") from e
            raise _Transient(f"connection broken ({_why(e)})") from e
        got = r.num_bytes_downloaded
        if expected is not None and got != expected:
            raise _Transient(f"truncated: {got} of {expected} bytes")
        return content_type_of(r.headers.get("content-type", ""))


def _phrase(status: int) -> str:
    """The standard reason phrase (the server's own may say anything)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
