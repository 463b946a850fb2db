"""Start points in a fleet: every site known to every worker, new start points while it runs.

The spider knows the sites it was started with. In a fleet a worker may be handed a
request of a site it was not started with (another worker's ``-a`` arguments, or a
start point pushed to ``newscrawl:start_urls``); it must then judge links exactly as
that site's rules say. So each site's rules are published in a Redis hash, and a
worker meeting a request of an unknown site (``meta["newscrawl_site"]``) reads them.

A pushed start point is a URL (a front or section page; a feed or sitemap URL works too,
the spider recognises them by content) or a JSON object in the sites-file format::

    redis-cli RPUSH newscrawl:start_urls https://www.example.com/
    redis-cli RPUSH newscrawl:start_urls '{"name": "ex", "feeds": ["https://ex.com/rss"]}'
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy

from newscrawl.discovery.sites import (
    Site,
    SitesFileError,
    compile_pattern,
    parse_depth,
    string_list,
)
from newscrawl.discovery.urls import site_of

if TYPE_CHECKING:
    from redis import Redis

    from newscrawl.distributed.keys import Keys

logger = logging.getLogger(__name__)

_LIST_KEYS = ("start_urls", "feeds", "sitemaps", "allowed_domains")
_KEYS = (*_LIST_KEYS, "name", "article_pattern", "depth", "profile")


def site_to_json(site: Site) -> str:
    """A site's rules as JSON (the sites-file keys)."""
    pattern = site.article_pattern.pattern if site.article_pattern is not None else None
    return json.dumps({"name": site.name, "start_urls": site.start_urls, "feeds": site.feeds,
                       "sitemaps": site.sitemaps, "allowed_domains": site.allowed_domains,
                       "article_pattern": pattern, "depth": site.depth,
                       "profile": site.profile}, sort_keys=True)


def site_from_json(text: str | bytes) -> Site:
    """A site from a JSON object with the sites-file keys; :class:`SitesFileError` if bad.

    >>> site_from_json('{"feeds": "https://ex.com/rss"}').name
    'ex.com'
    """
    try:
        table = json.loads(text)
    except ValueError as exc:
        raise SitesFileError(f"start point is neither a URL nor JSON: {exc}") from exc
    if not isinstance(table, dict):
        raise SitesFileError("a JSON start point must be an object with sites-file keys")
    unknown = set(table) - set(_KEYS)
    if unknown:
        raise SitesFileError(f"unknown key(s) in start point: {', '.join(sorted(unknown))}")
    lists = {key: string_list(table.get(key), key, lambda _key: "start point")
             for key in _LIST_KEYS}
    urls = lists["start_urls"] + lists["feeds"] + lists["sitemaps"]
    if not urls:
        raise SitesFileError("a start point needs start_urls, feeds or sitemaps")
    for url in urls:
        _check_url(url)
    return Site(name=str(table.get("name") or site_of(urls[0])), **lists,
                article_pattern=compile_pattern(table.get("article_pattern"), "start point"),
                depth=parse_depth(table.get("depth"), "start point"),
                profile=table.get("profile") or None)


def parse_start_point(raw: str | bytes, known: list[Site]) -> Site:
    """The site a pushed start point stands for: a known site's page, a new site, or a
    JSON site table. Raises :class:`SitesFileError` for anything else."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    text = text.strip()
    if text.startswith("{"):
        return site_from_json(text)
    _check_url(text)
    for site in known:
        if site.allows(text) and not text.startswith("file:"):
            return Site(site.name, start_urls=[text], allowed_domains=site.allowed_domains,
                        article_pattern=site.article_pattern, depth=site.depth,
                        profile=site.profile)
    return Site(site_of(text), start_urls=[text])


def site_requests(spider: Any, site: Site) -> Iterator[scrapy.Request]:
    """The requests for a site's start points, as the spider's ``start()`` makes them
    (``dont_filter``: pushing a start point again means fetching it again)."""
    for url in site.feeds:
        yield spider.document_request(url, site, "start", "feed").replace(dont_filter=True)
    for url in site.sitemaps:
        kind = "robots" if urlsplit(url).path.endswith("/robots.txt") else "sitemap"
        yield spider.document_request(url, site, "start", kind).replace(dont_filter=True)
    for url in site.start_urls:
        yield scrapy.Request(url, callback=spider.parse_page, cb_kwargs={"depth": 0},
                             meta=spider.meta(site, "start", "page"), dont_filter=True)


def register_site(spider: Any, site: Site) -> None:
    """Add ``site`` to the spider's sites, unless it has a site of that name already."""
    if site.name in spider.by_name:
        return
    spider.sites.append(site)
    spider.by_name[site.name] = site
    spider.site_profiles[site.name] = spider.load_site_profile(site)


def publish_sites(server: Redis, keys: Keys, sites: list[Site]) -> None:
    """Make these sites' rules known to every worker."""
    if sites:
        server.hset(keys.sites, mapping={s.name: site_to_json(s) for s in sites})


def ensure_site(spider: Any, request: scrapy.Request, server: Redis, keys: Keys) -> None:
    """Before a request of a site this worker does not know is handled, learn the site."""
    name = request.meta.get("newscrawl_site")
    by_name = getattr(spider, "by_name", None)
    if name is None or by_name is None or name in by_name:
        return
    raw = server.hget(keys.sites, name)
    if raw is None:
        logger.warning("request of unknown site %r: its rules were never published", name)
        return
    register_site(spider, site_from_json(raw))
    logger.info("learned site %r from the fleet", name)


def is_samples_only(spider: Any) -> bool:
    """True when the spider fell back to the bundled samples (it was given no start point).
    Sites learned from the fleet are appended after it, so only the first one counts."""
    sites = getattr(spider, "sites", [])
    return bool(sites) and sites[0].name == "samples" and all(
        u.startswith("file:") for u in sites[0].urls)


def _check_url(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise SitesFileError(f"start point {url!r} is not an http(s) URL")
