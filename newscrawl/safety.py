"""Where a crawl may go: public addresses, ``http``/``https``, the crawl's own sites.

A crawler that follows links and redirects chosen by strangers must not be
talked into fetching ``http://169.254.169.254/`` (cloud metadata), a router's
admin page or a service on the crawling machine itself. These pure functions
hold that policy; :mod:`newscrawl.middlewares_safety` applies it to every
request (redirects included) and after DNS resolution.

>>> unsafe_reason("http://169.254.169.254/latest/meta-data/")
'unsafe-address'
>>> unsafe_reason("ftp://ex.com/file") , unsafe_reason("https://ex.com/a")
('unsafe-scheme', None)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

#: Schemes a crawl may fetch; ``file`` only when the crawl itself starts from files.
WEB_SCHEMES = frozenset({"http", "https"})
#: Host names that always mean this machine or a metadata service, refused before DNS.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                         "metadata", "metadata.google.internal"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(host: str | None) -> IPAddress | None:
    """The IP address a host string spells literally (``[::1]`` too), else None.

    >>> parse_ip("[::ffff:127.0.0.1]"), parse_ip("example.com")
    (IPv6Address('::ffff:7f00:1'), None)
    """
    if not host:
        return None
    host = host.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public_address(address: str | IPAddress) -> bool:
    """True for a globally routable unicast address, False for anything else.

    Private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local
    (169.254/16 holds the metadata services), carrier-grade NAT, multicast,
    reserved and unspecified addresses are not public; neither is a string that
    is no address at all. IPv4-mapped and 6to4 IPv6 forms are judged by the IPv4
    address inside them.

    >>> is_public_address("93.184.215.14"), is_public_address("10.0.0.8")
    (True, False)
    """
    ip = parse_ip(address) if isinstance(address, str) else address
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return is_public_address(inner)
    return ip.is_global and not ip.is_multicast


def is_local_name(host: str | None) -> bool:
    """True for names that mean this machine (``localhost``, ``*.localhost``) or metadata."""
    name = (host or "").strip().rstrip(".").lower()
    return name in LOCAL_NAMES or name.endswith(".localhost")


def unsafe_reason(url: str, *, allow_private: bool = False,
                  allow_file: bool = False) -> str | None:
    """Why ``url`` must not be fetched, or None when it may be (before DNS).

    ``unsafe-scheme``: not http(s) (nor ``file`` when ``allow_file``);
    ``unsafe-address``: a literal non-public IP or a local name, unless
    ``allow_private``. Host names are checked again after resolution.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "unsafe-scheme"
    scheme = parts.scheme.lower()
    if scheme == "file":
        return None if allow_file else "unsafe-scheme"
    if scheme not in WEB_SCHEMES or not host:
        return "unsafe-scheme"
    if allow_private:
        return None
    ip = parse_ip(host)
    if ip is not None:
        return None if is_public_address(ip) else "unsafe-address"
    return "unsafe-address" if is_local_name(host) else None


def is_file_crawl(start_points: Iterable[str]) -> bool:
    """True when every start point is a ``file://`` URL (the bundled samples)."""
    points = [p for p in start_points if p]
    return bool(points) and all(p.lower().startswith("file:") for p in points)
