"""The address and scheme policy of ``newscrawl.safety`` and the failure reasons, as units."""

from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError

from newscrawl.middlewares_safety import failure_reason
from newscrawl.safety import is_file_crawl, is_public_address, unsafe_reason


@pytest.mark.parametrize("address,public", [
    ("93.184.215.14", True), ("2606:4700::1111", True),
    ("127.0.0.1", False), ("127.8.9.10", False), ("::1", False), ("0.0.0.0", False),
    ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False), ("fd00::1", False),
    ("169.254.169.254", False), ("fe80::1", False), ("fd00:ec2::254", False),
    ("100.64.0.1", False), ("224.0.0.1", False), ("255.255.255.255", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("2002:7f00:1::", False),
    ("not an address", False), ("", False),
])
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize("url,reason", [
    ("https://news.example/a", None),
    ("http://93.184.215.14/a", None),
    ("http://127.0.0.1:8080/", "unsafe-address"),
    ("http://[::1]/", "unsafe-address"),
    ("http://169.254.169.254/latest/meta-data/", "unsafe-address"),
    ("http://localhost/", "unsafe-address"),
    ("http://LOCALHOST./", "unsafe-address"),
    ("http://app.localhost/", "unsafe-address"),
    ("http://metadata.google.internal/", "unsafe-address"),
    ("ftp://news.example/f", "unsafe-scheme"),
    ("data:text/html,<p>x", "unsafe-scheme"),
    ("file:///etc/passwd", "unsafe-scheme"),
    ("javascript:alert(1)", "unsafe-scheme"),
    ("http:///no-host", "unsafe-scheme"),
    ("http://[broken/", "unsafe-scheme"),
])
def test_unsafe_reason(url: str, reason: str | None) -> None:
    assert unsafe_reason(url) == reason


def test_allow_private_and_file() -> None:
    assert unsafe_reason("http://127.0.0.1:8080/", allow_private=True) is None
    assert unsafe_reason("ftp://127.0.0.1/", allow_private=True) == "unsafe-scheme"
    assert unsafe_reason("file:///srv/samples/index.html", allow_file=True) is None
    assert is_file_crawl(["file:///s/index.html", "file:///s/feed.xml"])
    assert not is_file_crawl(["file:///s/index.html", "https://news.example/"])
    assert not is_file_crawl([])


@pytest.mark.parametrize("exc,reason", [
    (TimeoutError(), "timeout"),
    (DNSLookupError(), "dns"),
    (ConnectionRefusedError(), "connection-refused"),
    (IgnoreRequest("max redirections reached"), "redirect-loop"),
    (IgnoreRequest("Ignored response … exceeded DOWNLOAD_MAXSIZE (1 B)"), "too-large"),
    (IgnoreRequest("Forbidden by robots.txt"), None),
    (IgnoreRequest("newscrawl safety: unsafe-address"), None),
    (KeyError("x"), "error-keyerror"),
])
def test_failure_reason(exc: BaseException, reason: str | None) -> None:
    assert failure_reason(exc) == reason
