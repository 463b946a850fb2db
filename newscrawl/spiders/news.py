"""The ``news`` spider: finds the articles of news sites and hands each page to extraction.

Start points (combine freely, comma-separated):

- ``-a start_urls=URL,…``  front and section pages, followed to ``-a depth=`` (default 2);
- ``-a feeds=URL,…``       RSS 2.0, Atom or RDF feeds;
- ``-a sitemaps=URL,…``    sitemaps, sitemap indexes and Google News sitemaps;
- ``-a since=2024-05-01`` or ``-a since=48h`` skips older articles.

Without any of them it crawls the bundled ``samples/`` site from disk (no network).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number

from newscrawl.discovery.dates import parse_date, parse_since
from newscrawl.discovery.detect import article_verdict, looks_like_hub_url
from newscrawl.discovery.feeds import looks_like_feed, parse_feed
from newscrawl.discovery.sitemaps import looks_like_sitemap, parse_sitemap
from newscrawl.discovery.urls import site_of, strip_tracking, url_key
from newscrawl.extraction import extract
from newscrawl.output.assemble import item_fields
from newscrawl.output.items import ArticleItem

_LINKS = LinkExtractor(deny_extensions=None, tags=("a", "area"), attrs=("href",), unique=True)
_FEED_LINKS = ("//link[@rel='alternate'][contains(@type,'rss') or contains(@type,'atom')]"
               "/@href")


def _split(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v.strip()]


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, start_urls: str | None = None, feeds: str | None = None,
                 sitemaps: str | None = None, depth: str | int | None = None,
                 since: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = _split(start_urls)
        self.feeds = _split(feeds)
        self.sitemaps = _split(sitemaps)
        self.depth_arg = depth
        self.since: datetime | None = parse_since(since) if since else None
        self.seen_keys: set[str] = set()

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        user_agent = settings.get("USER_AGENT") or ""
        if "{contact}" in user_agent:
            settings.set("USER_AGENT",
                         user_agent.replace("{contact}", settings.get("NEWSCRAWL_CONTACT_URL")),
                         priority=settings.getpriority("USER_AGENT"))

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_depth = int(spider.depth_arg if spider.depth_arg is not None
                               else settings.getint("NEWSCRAWL_DEPTH"))
        if not (spider.start_urls or spider.feeds or spider.sitemaps):
            spider.use_samples(Path(settings.get("NEWSCRAWL_SAMPLES_DIR")))
        spider.allowed_sites = {site_of(u) for u in spider.start_urls + spider.feeds
                                + spider.sitemaps}
        return spider

    def use_samples(self, folder: Path) -> None:
        """Crawl the bundled sample site from disk through ``file://`` URLs."""
        if not (folder / "index.html").exists():
            raise FileNotFoundError(f"NEWSCRAWL_SAMPLES_DIR has no index.html: {folder}")
        self.start_urls = [(folder / "index.html").as_uri()]
        self.feeds = [(folder / "feed.xml").as_uri()]
        self.sitemaps = [(folder / "sitemap.xml").as_uri()]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, dont_filter=True)
        for url in self.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, dont_filter=True)
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_page, cb_kwargs={"depth": 0})

    # --- feeds and sitemaps ---------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow each entry of a feed that is new enough."""
        for entry in parse_feed(response.body, response.url):
            yield from self.follow_article(entry.url, entry.published)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the sitemaps of an index and the articles of a sitemap."""
        body = response.body
        if gzip_magic_number(response):
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        for entry in parse_sitemap(body, response.url):
            if entry.is_sitemap:
                yield response.follow(entry.url, callback=self.parse_sitemap)
            else:
                yield from self.follow_article(entry.url, entry.published)

    def follow_article(self, url: str, published: str | None) -> Iterator[scrapy.Request]:
        if self.too_old(published):
            self.crawler.stats.inc_value("newscrawl/skipped/too-old")
            return
        yield from self.request_page(url, depth=self.max_depth)

    # --- HTML pages -----------------------------------------------------------------------
    def parse_page(self, response: Response, depth: int = 0) -> Iterator[Any]:
        """Make an item of an article page; follow the links of any other page.

        @sample world/2024/05/03/port-strike-ends.html
        @returns items 1 1
        @returns requests 0 0
        @scrapes id url canonical_url title published language blocks
        """
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newscrawl/skipped/not-html")
            return
        if looks_like_feed(response.body):
            yield from self.parse_feed(response)
            return
        if looks_like_sitemap(response.body):
            yield from self.parse_sitemap(response)
            return
        extraction = extract(response.body, response.url, encoding=response.encoding)
        if extraction is None:
            self.crawler.stats.inc_value("newscrawl/skipped/unparseable")
            return
        verdict = article_verdict(extraction, response.url)
        if verdict.is_article and not looks_like_hub_url(response.url):
            yield from self.article_item(extraction, response)
            return
        self.crawler.stats.inc_value("newscrawl/skipped/not-article")
        yield from self.follow_links(response, depth)

    def article_item(self, extraction, response: Response) -> Iterator[ArticleItem]:
        if self.too_old(extraction.published):
            self.crawler.stats.inc_value("newscrawl/skipped/too-old")
            return
        self.crawler.stats.inc_value("newscrawl/articles_found")
        yield ArticleItem(**item_fields(extraction, response.url))

    def follow_links(self, response: TextResponse, depth: int) -> Iterator[scrapy.Request]:
        if depth >= self.max_depth:
            return
        for href in response.xpath(_FEED_LINKS).getall():
            yield response.follow(href, callback=self.parse_feed)
        for link in _LINKS.extract_links(response):
            yield from self.request_page(link.url, depth=depth + 1)

    def request_page(self, url: str, depth: int) -> Iterator[scrapy.Request]:
        """A request for a page unless it is off-site or already on its way."""
        url = strip_tracking(url)
        if not self.on_site(url):
            self.crawler.stats.inc_value("newscrawl/skipped/off-site")
            return
        key = url_key(url)
        if key in self.seen_keys:
            self.crawler.stats.inc_value("newscrawl/skipped/duplicate")
            return
        self.seen_keys.add(key)
        yield scrapy.Request(url, callback=self.parse_page, cb_kwargs={"depth": depth})

    # --- policies -------------------------------------------------------------------------
    def on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "file":
            return all(u.startswith("file:") for u in self.start_urls + self.feeds + self.sitemaps)
        if parts.scheme not in ("http", "https"):
            return False
        site = site_of(url)
        return any(site == s or site.endswith("." + s) for s in self.allowed_sites)

    def too_old(self, published: str | None) -> bool:
        if self.since is None or not published:
            return False
        date = parse_date(published)
        return date is not None and date < self.since
