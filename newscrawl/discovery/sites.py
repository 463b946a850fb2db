"""Sites: what to crawl on each news site, from spider arguments or a sites file.

A sites file is TOML, data only, one ``[[site]]`` table per site::

    [[site]]
    name = "harbor"                                   # required, unique
    start_urls = ["https://www.dailyharbor.example/"] # front and section pages
    feeds = ["https://www.dailyharbor.example/rss.xml"]
    sitemaps = ["https://www.dailyharbor.example/robots.txt"]  # robots.txt: its Sitemap: lines
    allowed_domains = ["dailyharbor.example"]         # default: the hosts of the URLs above
    article_pattern = '/20\\d\\d/\\d\\d/\\d\\d/'      # regex searched in article URLs
    depth = 1                                         # default: NEWSCRAWL_DEPTH
    profile = "independent"                           # a site profile: name or .toml path

A site needs at least one of ``start_urls``, ``feeds``, ``sitemaps``; a single URL
may be given as a string. A file that is not TOML, has an unknown key or a wrongly
typed value raises :class:`SitesFileError` naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.datafiles import DataFileError, line_of, read_toml
from newscrawl.discovery.urls import site_of
from newscrawl.errors import UserError

_URL_KEYS = ("start_urls", "feeds", "sitemaps")
_KEYS = ("name", *_URL_KEYS, "allowed_domains", "article_pattern", "depth", "profile")


class SitesFileError(UserError):
    """A sites file (or a spider argument) that cannot be used; says where and why."""


@dataclass(slots=True)
class Site:
    """One site's start points and rules. See the module docstring for the fields."""

    name: str
    start_urls: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    article_pattern: re.Pattern[str] | None = None
    depth: int | None = None
    """Link depth from the start pages; None means ``NEWSCRAWL_DEPTH``."""
    profile: str | None = None
    """A site profile's name (``newscrawl/profiles/<name>.toml``) or path."""

    def __post_init__(self) -> None:
        if not self.allowed_domains:
            hosts = (site_of(u) for u in (*self.start_urls, *self.feeds, *self.sitemaps))
            self.allowed_domains = sorted({h for h in hosts if h})
        self.allowed_domains = [d.lower().removeprefix("www.").rstrip(".")
                                for d in self.allowed_domains]

    @property
    def urls(self) -> list[str]:
        """Every start point of the site."""
        return [*self.start_urls, *self.feeds, *self.sitemaps]

    def allows(self, url: str) -> bool:
        """True when the URL belongs to the site: an allowed domain or a subdomain of one.

        ``http``/``https`` and ``www.``/bare host are one site; ``file://`` URLs belong
        to a site whose own start points are all files (the bundled samples).

        >>> Site("s", start_urls=["https://www.ex.com/"]).allows("http://ex.com/a")
        True
        >>> Site("s", start_urls=["https://www.ex.com/"]).allows("https://ex.org/a")
        False
        """
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return bool(self.urls) and all(u.startswith("file:") for u in self.urls)
        if scheme not in ("http", "https"):
            return False
        host = site_of(url)
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def split_list(value: str | list[str] | None) -> list[str]:
    """A comma-separated spider argument (or a list) as a list of non-empty strings.

    >>> split_list(" https://a.com/, https://b.com/ ,")
    ['https://a.com/', 'https://b.com/']
    """
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v.strip()]


def is_start_url(url: str) -> bool:
    """True for a URL a crawl can start from: ``http(s)://host…`` or ``file://…``.

    >>> is_start_url("https://ex.com/"), is_start_url("notaurl"), is_start_url("https:///x")
    (True, False, False)
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return True
    return scheme in ("http", "https") and bool(parts.hostname)


def start_url_list(value: str | None, name: str) -> list[str]:
    """The comma-separated URLs of the ``-a name=`` argument, each checked.

    An argument given but empty (``-a start_urls=`` from an unset shell variable) is an
    error too: without it the crawl would fall back to the bundled samples.
    """
    urls = split_list(value)
    if value is not None and not urls:
        raise SitesFileError(f"-a {name}= is empty: give one URL or more, comma-separated")
    for url in urls:
        if not is_start_url(url):
            raise SitesFileError(f"-a {name}: {url!r} is not an http(s) URL "
                                 "(expected https://host/…)")
    return urls


def compile_pattern(pattern: str | None, where: str) -> re.Pattern[str] | None:
    """Compile an article URL pattern; :class:`SitesFileError` says where it was bad."""
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SitesFileError(f"{where}: article_pattern {pattern!r} is not a regex: {exc}") from exc


def parse_depth(value: Any, where: str) -> int | None:
    """A depth argument or value: a non-negative integer, or None."""
    if value is None or value == "":
        return None
    try:
        depth = int(value)
    except (TypeError, ValueError):
        depth = -1
    if isinstance(value, bool) or depth < 0:
        raise SitesFileError(f"{where}: depth must be a whole number >= 0, got {value!r}")
    return depth


def load_sites(path: str | Path) -> list[Site]:
    """Read a sites file (see the module docstring); errors name the file and line."""
    path = Path(path)
    try:
        text, data = read_toml(path, "sites file")
    except DataFileError as exc:
        raise SitesFileError(str(exc)) from exc
    for key in data:
        if key != "site":
            raise SitesFileError(f"{path}, line {line_of(text, key)}: unknown key {key!r}: "
                                 "a sites file holds only [[site]] tables")
    tables = data.get("site")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise SitesFileError(f"{path}: no [[site]] tables (see the README's sites file format)")
    sites = [_site(table, index, text, path) for index, table in enumerate(tables)]
    names = [s.name for s in sites]
    for name in names:
        if names.count(name) > 1:
            raise SitesFileError(f"{path}: site name {name!r} is used twice")
    return sites


def _site(table: dict[str, Any], index: int, text: str, path: Path) -> Site:
    start = _nth_table_line(text, index)

    def where(key: str) -> str:
        return f"{path}, line {line_of(text, key, start)}"

    for key in table:
        if key not in _KEYS:
            raise SitesFileError(f"{where(key)}: unknown key {key!r} in [[site]] "
                                 f"(known: {', '.join(_KEYS)})")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SitesFileError(f"{path}, line {start}: [[site]] needs a name = \"…\"")
    lists = {key: string_list(table.get(key), key, where) for key in
             (*_URL_KEYS, "allowed_domains")}
    if not any(lists[key] for key in _URL_KEYS):
        raise SitesFileError(f"{path}, line {start}: site {name!r} has no start_urls, "
                             "feeds or sitemaps")
    for key in _URL_KEYS:
        for url in lists[key]:
            if not is_start_url(url):
                raise SitesFileError(f"{where(key)}: {key}: {url!r} is not an http(s) URL")
    for key in ("article_pattern", "profile"):
        if table.get(key) is not None and not isinstance(table[key], str):
            raise SitesFileError(f"{where(key)}: {key} must be a string")
    return Site(name=name.strip(), **lists,
                article_pattern=compile_pattern(table.get("article_pattern"),
                                                where("article_pattern")),
                depth=parse_depth(table.get("depth"), where("depth")),
                profile=_profile_path(table.get("profile"), path))


def _profile_path(profile: str | None, sites_file: Path) -> str | None:
    """A relative ``.toml`` profile path is relative to the sites file."""
    if profile and profile.endswith(".toml") and not Path(profile).is_absolute():
        return str(sites_file.parent / profile)
    return profile


def string_list(value: Any, key: str, where: Callable[[str], str]) -> list[str]:
    """A string or list of strings as a stripped list; ``where(key)`` locates errors."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SitesFileError(f"{where(key)}: {key} must be a string or a list of strings")
    return [v.strip() for v in value if v.strip()]


def _nth_table_line(text: str, index: int) -> int:
    """The 1-based line of the ``index``-th ``[[site]]`` header (1 when not found)."""
    headers = [m.start() for m in re.finditer(r"^\s*\[\[\s*site\s*\]\]", text, re.M)]
    if index < len(headers):
        return text.count("\n", 0, headers[index]) + 1
    return 1


