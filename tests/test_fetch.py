"""etl/fetch.py's rules one by one: which addresses are refused after name resolution (and that
the connection goes to the address checked), what a message may say about a URL, the bounded
decoder, the https -> http downgrade. No network: name resolution and connecting are replaced
where a test needs a publisher's real host name."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib

import httpx
import pytest

from core.errors import EtlError
from etl import fetch
from etl.download import SOURCES, refresh_raw
from etl.fetch import Decoder, Fetcher, Hosts, Refused, redact, refused_address, scrub, secrets_in
from tests.test_download import snapshot

SOURCE = {s.key: s for s in SOURCES}
CODES = SOURCE["cow-codes"]  # https://correlatesofwar.org/wp-content/uploads/...


ADDRESSES = [  # (address, why it is refused): every kind of address a fetch must not reach
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ("169.254.169.254", "link-local"),  # the cloud metadata service
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("198.18.0.1", "private"),  # benchmarking
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback address (inside ::ffff:7f00:1)"),
    ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "private"),  # documentation
    ("not-an-address", "not an IP address"),
]


@pytest.mark.parametrize(("address", "why"), ADDRESSES)
def test_refused_addresses(address, why):
    assert why in (refused_address(address) or "")


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert refused_address(address) is None


class FakeDns:
    """socket.getaddrinfo answering each call with the next list of addresses (the last one
    repeats); connecting records the address and is refused (there is no network here)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.connected: list[str] = []

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.asked.append(host)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answer
        ]

    def create_connection(self, address, *args, **kwargs):
        self.connected.append(address[0])
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def dns(monkeypatch):
    def install(*answers: list[str]) -> FakeDns:
        fake = FakeDns(*answers)
        monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", fake.create_connection)
        return fake

    return install


RESOLVED = [  # what a publisher's host name resolves to (one bad address is enough)
    ["127.0.0.1"],
    ["10.0.0.7"],
    ["169.254.169.254"],
    ["::1"],
    ["::ffff:127.0.0.1"],
    ["fd00::5"],
    ["93.184.216.34", "127.0.0.1"],
]


@pytest.mark.parametrize("answer", RESOLVED)
def test_a_publisher_host_that_resolves_to_a_private_address_is_refused(dns, answer, tmp_path):
    fake = dns(answer)
    raw = tmp_path / "raw"
    with pytest.raises(EtlError) as err:
        refresh_raw(raw, sources=[CODES], base_urls={}, timeout=1, retries=1)
    assert f"correlatesofwar.org resolves to {answer[-1]}" in err.value.problem
    assert "only public addresses" in err.value.problem
    assert fake.connected == []  # refused before any connection
    assert snapshot(raw) == {}


def test_the_connection_goes_to_the_address_that_was_checked(dns, tmp_path):
    """DNS rebinding: the first answer is public, every later one loopback. The name is
    resolved once per connection and the checked address is the one connected to."""
    fake = dns(["93.184.216.34"], ["127.0.0.1"])
    with pytest.raises(EtlError, match="network error"):
        refresh_raw(tmp_path / "raw", sources=[CODES], base_urls={}, timeout=1, retries=1)
    assert fake.asked == ["correlatesofwar.org"]
    assert fake.connected == ["93.184.216.34"]


def test_a_resolver_that_hangs_does_not_outlive_the_deadline(monkeypatch, tmp_path):
    release = threading.Event()

    def hang(*args, **kwargs):
        release.wait(30)
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    monkeypatch.setenv("ALLIANCE_DOWNLOAD_FILE_SECONDS", "1")
    try:
        with pytest.raises(EtlError, match="longer than 1 s in all"):
            refresh_raw(tmp_path / "raw", sources=[CODES], base_urls={}, timeout=5, retries=1)
    finally:
        release.set()


def test_an_operator_host_is_trusted_only_when_it_is_not_a_publishers(dns, tmp_path):
    """$ALLIANCE_BASE_URLS naming the publisher's own host does not switch its checks off."""
    fake = dns(["127.0.0.1"])
    with pytest.raises(EtlError, match="resolves to 127.0.0.1"):
        refresh_raw(
            tmp_path / "raw", sources=[CODES], base_urls={"cow": "https://correlatesofwar.org"},
            timeout=1, retries=1,
        )  # fmt: skip
    assert fake.connected == []


def test_https_to_http_is_refused():
    fetcher = Fetcher(1, 1, 0, None, hosts=Hosts("sipri", frozenset({"www.sipri.org"})))
    try:
        with pytest.raises(EtlError, match="from https to plain http"):
            fetcher._check(
                "https://www.sipri.org/a", "http://www.sipri.org/b", "https://www.sipri.org/a"
            )  # noqa: E501
        assert fetcher._check("https://www.sipri.org/a", "https://www.sipri.org/b", "x").host
        with pytest.raises(EtlError, match="refused a redirect to www.sipri.org port 8443"):
            fetcher._check("https://www.sipri.org/a", "https://www.sipri.org:8443/b", "x")
    finally:
        fetcher.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://alice:pw-123@mirror.example:8080/x", "http://mirror.example:8080/x"),
        ("https://h/x?access_token=abc&page=2", "https://h/x?access_token=REDACTED&page=2"),
        (
            "https://h/x?X-Amz-Signature=f00&X-Amz-Credential=k",
            "https://h/x?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED",
        ),  # noqa: E501
        (
            "https://h/x?api_key=1&password=2&sig=3",
            "https://h/x?api_key=REDACTED&password=REDACTED&sig=REDACTED",
        ),  # noqa: E501
        ("https://h/x#access_token=abc", "https://h/x"),
        (
            "https://h/v2/en/indicator/NY.GDP.MKTP.CD?downloadformat=csv",
            "https://h/v2/en/indicator/NY.GDP.MKTP.CD?downloadformat=csv",
        ),  # noqa: E501
        ("http://[::1", "(an address that cannot be parsed)"),
    ],
)
def test_redact(url, shown):
    assert redact(url) == shown


def test_scrub_removes_every_credential_of_the_base_urls():
    secrets = secrets_in(["http://alice:p%40ss-w0rd@h:1/", "https://h/x?token=t0k3n"])
    text = "failed for alice with p@ss-w0rd, p%40ss-w0rd and t0k3n"
    assert scrub(text, secrets) == "failed for REDACTED with REDACTED, REDACTED and REDACTED"


def test_the_decoder_never_returns_more_than_a_step():
    body = gzip.compress(bytes(8 << 20))
    pieces = [len(p) for p in Decoder("gzip").feed(body)]
    assert sum(pieces) == 8 << 20 and max(pieces) <= fetch.STEP
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = raw.compress(bytes(3 << 20)) + raw.flush()
    assert sum(len(p) for p in Decoder("deflate").feed(body)) == 3 << 20
    assert b"".join(Decoder("identity").feed(b"abc")) == b"abc"
    with pytest.raises(Refused, match="damaged"):
        list(Decoder("gzip").feed(b"\x1f\x8b\x08\x00garbage-here"))


def test_hosts_allow_declared_names_on_default_ports_and_exact_operator_origins():
    hosts = Hosts("nato", frozenset({"www.nato.int"}), frozenset({("127.0.0.1", 8000)}))
    assert hosts.allow(httpx.URL("https://www.nato.int/x"))
    assert hosts.allow(httpx.URL("https://WWW.NATO.INT/x"))
    assert not hosts.allow(httpx.URL("https://www.nato.int:444/x"))
    assert not hosts.allow(httpx.URL("https://nato.int.evil.example/x"))
    assert hosts.allow(httpx.URL("http://127.0.0.1:8000/x"))
    assert not hosts.allow(httpx.URL("http://127.0.0.1:8001/x"))


def test_every_source_declares_the_host_of_its_base_url():
    from etl.fetch import origin
    from etl.sources import REGISTRY

    for source in REGISTRY.values():
        for url in source.base_urls.values():
            assert origin(url)[0] in source.hosts, (source.key, url)
        assert all(h == h.lower() and "/" not in h for h in source.hosts), source.key
