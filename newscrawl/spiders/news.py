"""The ``news`` spider: finds the articles of news sites and hands each page to extraction.

Start points (combine freely, comma-separated):

- ``-a start_urls=URL,…``  front and section pages, followed to ``-a depth=`` (default 2);
- ``-a feeds=URL,…``       RSS 2.0, Atom or RDF feeds (start pages' ``<link rel=alternate>``
  feeds are found too);
- ``-a sitemaps=URL,…``    sitemaps, sitemap indexes, Google News sitemaps, gzipped or not;
  a ``…/robots.txt`` URL stands for the sitemaps its ``Sitemap:`` lines announce;
- ``-a sites=FILE``        a TOML sites file, one ``[[site]]`` per site
  (see :mod:`newscrawl.discovery.sites`);
- ``-a since=2024-05-01`` or ``-a since=48h`` skips older articles;
- ``-a allowed_domains=``, ``-a article_pattern=``, ``-a profile=`` as in a sites file.

Without any of them it crawls the ``samples/`` site of the project (beside ``scrapy.cfg``;
``NEWSCRAWL_SAMPLES_DIR`` to choose another) from disk (no network).
Any other argument name, a start point argument given empty or holding something that is not a
URL stops the crawl before it starts (:class:`~newscrawl.errors.UserError`: one line, exit
status 2); scrapyd's ``_job`` and ``_version`` are accepted.

Every request carries ``meta``: ``newscrawl_site`` (the site's name), ``newscrawl_source``
(where its URL was found: ``start``, ``link``, ``feed`` or ``sitemap``),
``newscrawl_kind`` (``page``, ``feed``, ``sitemap`` or ``robots``) and, for pages a
feed or sitemap dated, ``newscrawl_listed_date`` (ISO 8601).
"""

from __future__ import annotations

import difflib
import logging
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.conf import closest_scrapy_cfg
from scrapy.utils.gz import gunzip, gzip_magic_number

from newscrawl.api import PageRead, read_page
from newscrawl.discovery.dates import parse_since
from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.sitemaps import parse_sitemap, robots_sitemaps
from newscrawl.discovery.sites import (
    Site,
    SitesFileError,
    compile_pattern,
    load_sites,
    parse_depth,
    split_list,
    start_url_list,
)
from newscrawl.discovery.urls import page_key, strip_tracking, url_key
from newscrawl.errors import UserError
from newscrawl.extraction.dates import parse_datetime
from newscrawl.extraction.profiles import (
    PROFILE_DIR,
    Profile,
    ProfileError,
    find_profile_in,
    load_profile,
    require_profiles,
)
from newscrawl.output.items import ArticleItem
from newscrawl.pagepath import PageOutcome, body_kind, page_outcome
from newscrawl.workers import PagePool, WorkerCrashed, read_page_in_worker, worker_count

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from scrapy.crawler import Crawler


logger = logging.getLogger(__name__)

_HREFS = "//a/@href | //area/@href"
_IGNORED_SUFFIXES = tuple(f".{ext}" for ext in IGNORED_EXTENSIONS)
#: How many hrefs of one page are looked at, per link that may be followed.
_SCAN_FACTOR = 5
_FEED_LINKS = ("//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
               "[contains(@type, 'rss') or contains(@type, 'atom') or contains(@type, 'rdf')]"
               "/@href")


#: The spider's own arguments (``-a NAME=VALUE``), in the order the README lists them.
ARGUMENTS = ("start_urls", "feeds", "sitemaps", "sites", "depth", "since",
             "allowed_domains", "article_pattern", "profile")
#: Arguments scrapyd adds to every job it runs (``schedule.json``): accepted, unused.
SCHEDULER_ARGUMENTS = ("_job", "_version")


def check_arguments(extra: dict[str, Any]) -> None:
    """Refuse spider arguments the spider does not know (a typo like ``-a start_url=``).

    Scrapy sets every unknown argument as a spider attribute and carries on, so a
    misspelt start point would quietly crawl the bundled samples instead.

    >>> check_arguments({"_job": "7f3e"})
    >>> check_arguments({"start_url": "https://ex.com/"})
    Traceback (most recent call last):
    ...
    newscrawl.errors.UserError: unknown spider argument -a start_url (did you mean start_urls?); known: start_urls, feeds, sitemaps, sites, depth, since, allowed_domains, article_pattern, profile
    """
    unknown = [name for name in extra if name not in SCHEDULER_ARGUMENTS]
    if not unknown:
        return
    names = ", ".join(f"-a {name}" for name in unknown)
    hints = [match for name in unknown
             for match in difflib.get_close_matches(name, ARGUMENTS, n=1)]
    hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
    plural = "s" if len(unknown) > 1 else ""
    raise UserError(f"unknown spider argument{plural} {names}{hint}; "
                    f"known: {', '.join(ARGUMENTS)}")


class NewsSpider(scrapy.Spider):
    name = "news"

    # Set by from_crawler, from the crawl's settings:
    crawls_samples: bool
    default_depth: int
    extraction_error_kinds: set[str]
    profile_dirs: list[Path | Traversable]
    profiles_enabled: bool
    site_profiles: dict[str, Profile | None]
    by_name: dict[str, Site]

    def __init__(self, start_urls: str | None = None, feeds: str | None = None,
                 sitemaps: str | None = None, depth: str | int | None = None,
                 since: str | None = None, sites: str | None = None,
                 allowed_domains: str | None = None, article_pattern: str | None = None,
                 profile: str | None = None, **kwargs: Any) -> None:
        check_arguments(kwargs)
        if sites is not None and not sites.strip():
            raise SitesFileError("-a sites= is empty: give the path of a sites file")
        self.sites: list[Site] = load_sites(sites) if sites else []
        super().__init__(**kwargs)
        self.since: datetime | None = parse_since(since) if since else None
        arguments = Site("arguments", start_url_list(start_urls, "start_urls"),
                         start_url_list(feeds, "feeds"), start_url_list(sitemaps, "sitemaps"),
                         split_list(allowed_domains),
                         compile_pattern(article_pattern, "-a article_pattern"),
                         parse_depth(depth, "-a depth"), profile or None)
        if arguments.urls:
            self.sites.append(arguments)
        self.seen_keys: set[str] = set()
        """:func:`url_key` of every page requested or refused as a duplicate."""
        self.requested_pages: set[str] = set()
        """:func:`page_key` of every page requested (an AMP twin and its article differ)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.crawls_samples = not spider.sites
        """True for the no-argument demo crawl of the bundled samples: it writes every
        sample article on every run (see ``newscrawl.output.emitted.store_path``)."""
        if spider.crawls_samples:
            spider.sites = [samples_site(samples_folder(settings.get("NEWSCRAWL_SAMPLES_DIR")))]
        spider.default_depth = settings.getint("NEWSCRAWL_DEPTH")
        spider.extraction_error_kinds = set()
        """Kinds of extraction error already logged at WARNING in this crawl."""
        user_dirs = [Path(d) for d in settings.getlist("NEWSCRAWL_PROFILE_DIRS")]
        spider.profile_dirs = [PROFILE_DIR, *user_dirs]
        spider.profiles_enabled = settings.getbool("NEWSCRAWL_PROFILES_ENABLED")
        # Profiles the crawl was told to use must be there: a missing folder stops it now.
        for directory in spider.profile_dirs if spider.profiles_enabled else user_dirs:
            require_profiles(directory)
        spider.site_profiles = {s.name: spider.load_site_profile(s) for s in spider.sites}
        spider.by_name = {s.name: s for s in spider.sites}
        try:  # a bad value stops the crawl here, not in the first page's callback
            worker_count(settings.get("NEWSCRAWL_PAGE_WORKERS"))
        except ValueError as exc:
            raise UserError(str(exc)) from None
        return spider

    # --- start points (the union over all sites, read by other components) ------------------
    @property
    def start_urls(self) -> list[str]:  # type: ignore[override]
        return [u for s in self.sites for u in s.start_urls]

    @property
    def feeds(self) -> list[str]:
        return [u for s in self.sites for u in s.feeds]

    @property
    def sitemaps(self) -> list[str]:
        return [u for s in self.sites for u in s.sitemaps]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # The page workers start importing now, while the first pages download.
        PagePool.for_crawler(self.crawler).start()
        for site in self.sites:
            for url in site.feeds:
                yield self.document_request(url, site, "start", "feed")
            for url in site.sitemaps:
                kind = "robots" if urlsplit(url).path.endswith("/robots.txt") else "sitemap"
                yield self.document_request(url, site, "start", kind)
            for url in site.start_urls:
                self.seen_keys.add(url_key(url))
                self.requested_pages.add(page_key(url))
                yield scrapy.Request(url, callback=self.parse_page, cb_kwargs={"depth": 0},
                                     meta=self.meta(site, "start", "page"), dont_filter=True)

    # --- robots.txt, feeds and sitemaps -----------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the sitemaps a robots.txt announces."""
        site = self.site_of_response(response)
        for url in robots_sitemaps(response.body, response.url):
            yield self.document_request(url, site, "start", "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow each entry of a feed that is new enough."""
        site = self.site_of_response(response)
        entries = parse_feed(response.body, response.url)
        if not entries:
            self.skip("empty-feed", response.url)
        for entry in entries:
            yield from self.follow_listed(entry.url, entry.published, site, "feed")

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the sitemaps of an index and the articles of a sitemap."""
        site = self.site_of_response(response)
        body = self.sitemap_body(response)
        entries = parse_sitemap(body, response.url) if body else []
        if not entries:
            self.skip("empty-sitemap", response.url)
        for entry in entries:
            if not entry.is_sitemap:
                yield from self.follow_listed(entry.url, entry.published, site, "sitemap")
            elif self.too_old(entry.published):
                self.skip("old-sitemap", entry.url)
            else:
                yield self.document_request(entry.url, site, "sitemap", "sitemap")

    def sitemap_body(self, response: Response) -> bytes | None:
        """The sitemap's XML, gunzipped when it is a ``.gz`` file; None when unreadable."""
        if not gzip_magic_number(response):
            return response.body
        try:
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            logger.warning("unreadable gzipped sitemap %s: %s", response.url, exc)
            return None

    def follow_listed(self, url: str, listed: str | None, site: Site,
                      source: str) -> Iterator[scrapy.Request]:
        """A page listed by a feed or sitemap: skipped before any request when too old."""
        if self.too_old(listed):
            self.skip("too-old", url)
            return
        yield from self.request_page(url, site, self.max_depth(site), source, listed)

    # --- HTML pages -----------------------------------------------------------------------
    async def parse_page(self, response: Response, depth: int = 0) -> list[Any]:
        """Make an item of an article page; follow the links of any other page.

        A coroutine returning its output as a list (not an async generator): Scrapy
        then handles the output as it does a plain callback's, which costs less per page.

        @sample world/2024/05/03/port-strike-ends.html
        @returns items 1 1
        @returns requests 0 0
        @scrapes id url canonical_url title published language blocks
        """
        if not isinstance(response, TextResponse):
            self.skip("not-html", response.url)
            return []
        kind = body_kind(response.body)
        if kind == "feed":
            return list(self.parse_feed(response))
        if kind == "sitemap":
            return list(self.parse_sitemap(response))
        site = self.site_of_response(response)
        try:
            page = await self.read(response, site)
        except WorkerCrashed:
            self.skip("worker-crashed", response.url)
            return []
        if page.problems:
            self.extraction_errors(page.problems, response.url)
        outcome = page_outcome(page, response.url, site,
                               listed=response.meta.get("newscrawl_listed_date"),
                               via_canonical=bool(response.meta.get("newscrawl_via_canonical")),
                               too_old=self.too_old)
        return list(self.take_outcome(outcome, response, site, depth))

    async def read(self, response: TextResponse, site: Site) -> PageRead:
        """Extraction and article detection of the page: in a page worker, or here
        sharing Scrapy's parse of the page (``NEWSCRAWL_PAGE_WORKERS = 0``)."""
        profile = self.profile_for(site, response.url)
        pool = PagePool.for_crawler(self.crawler)
        if pool.inline:
            return read_page(response.body, response.url, encoding=response.encoding,
                             profile=profile, article_pattern=site.article_pattern,
                             tree=_shared_tree(response))
        return await pool.call(read_page_in_worker, response.body, response.url,
                               response.encoding, profile, site.article_pattern)

    def take_outcome(self, outcome: PageOutcome, response: TextResponse, site: Site,
                     depth: int) -> Iterator[Any]:
        """The crawl's output for a read page (:func:`newscrawl.pagepath.page_outcome`):
        its item, a request for its canonical twin, or its links (a page that is no
        article), each skip counted."""
        if outcome.canonical is not None:
            yield from self.request_canonical(outcome.canonical, response, site)
            return
        if outcome.skip is not None:
            self.skip(outcome.skip, response.url)
            if outcome.skip == "not-article":
                yield from self.follow_links(response, site, depth)
            return
        for name in outcome.stats:  # articles_found, dated_by_listing, undated
            self.crawler.stats.inc_value(f"newscrawl/{name}")
        if outcome.fields is not None:
            yield ArticleItem(**outcome.fields)

    def follow_links(self, response: TextResponse, site: Site,
                     depth: int) -> Iterable[scrapy.Request]:
        """Follow a hub page's links (and a start page's announced feeds) within the depth."""
        if depth == 0:
            for href in response.xpath(_FEED_LINKS).getall():
                yield self.document_request(response.urljoin(href), site, "link", "feed")
        if depth >= self.max_depth(site):
            return
        yield from self.follow_hrefs(response, site, depth + 1)

    def follow_hrefs(self, response: TextResponse, site: Site,
                     depth: int) -> Iterator[scrapy.Request]:
        """Requests for the page's links, in page order, at most NEWSCRAWL_MAX_LINKS_PER_PAGE.

        Bounded before any per-link work: a page with 100 000 links costs the
        XPath and at most ``_SCAN_FACTOR`` × the cap URL joins, not 100 000 of them.
        """
        cap = self.settings.getint("NEWSCRAWL_MAX_LINKS_PER_PAGE") or 1_000_000
        followed = 0
        for href in response.xpath(_HREFS).getall()[: cap * _SCAN_FACTOR]:
            url = response.urljoin(href.strip())
            if not url.startswith(("http://", "https://", "file://")):
                continue
            if urlsplit(url).path.lower().endswith(_IGNORED_SUFFIXES):
                continue
            for request in self.request_page(url, site, depth, "link"):
                followed += 1
                yield request
            if followed >= cap:
                self.skip("too-many-links", response.url)
                logger.info("followed the first %d links of %s, no more "
                            "(NEWSCRAWL_MAX_LINKS_PER_PAGE)", cap, response.url)
                return

    # --- requests -------------------------------------------------------------------------
    def request_page(self, url: str, site: Site, depth: int, source: str,
                     listed: str | None = None) -> Iterator[scrapy.Request]:
        """A request for a page unless it is off-site or already on its way."""
        url = strip_tracking(url)
        if not site.allows(url):
            self.skip("off-site", url)
            return
        key = url_key(url)
        if key in self.seen_keys:
            self.skip("duplicate", url)
            return
        self.seen_keys.add(key)
        self.requested_pages.add(page_key(url))
        meta = self.meta(site, source, "page")
        if listed:
            meta["newscrawl_listed_date"] = listed
        yield scrapy.Request(url, callback=self.parse_page, cb_kwargs={"depth": depth},
                             meta=meta)

    def request_canonical(self, url: str, response: Response,
                          site: Site) -> Iterable[scrapy.Request]:
        key = page_key(url)
        if key in self.requested_pages:
            self.skip("duplicate", response.url)
            return
        self.requested_pages.add(key)
        self.seen_keys.add(url_key(url))
        meta = self.meta(site, "link", "page")
        meta["newscrawl_via_canonical"] = True
        if response.meta.get("newscrawl_listed_date"):
            meta["newscrawl_listed_date"] = response.meta["newscrawl_listed_date"]
        yield scrapy.Request(url, callback=self.parse_page,
                             cb_kwargs={"depth": self.max_depth(site)}, meta=meta)

    def document_request(self, url: str, site: Site, source: str, kind: str) -> scrapy.Request:
        """A request for robots.txt, a feed or a sitemap of ``site``."""
        callback = {"robots": self.parse_robots, "feed": self.parse_feed,
                    "sitemap": self.parse_sitemap}[kind]
        return scrapy.Request(url, callback=callback, meta=self.meta(site, source, kind))

    @staticmethod
    def meta(site: Site, source: str, kind: str) -> dict[str, Any]:
        return {"newscrawl_site": site.name, "newscrawl_source": source, "newscrawl_kind": kind}

    # --- policies -------------------------------------------------------------------------
    def site_of_response(self, response: Response) -> Site:
        """The site a response was requested for (the first site for foreign requests)."""
        name: str | None = response.meta.get("newscrawl_site")
        site = self.by_name.get(name) if name is not None else None
        return site or self.site_for_url(response.url) or self.sites[0]

    def site_for_url(self, url: str) -> Site | None:
        return next((s for s in self.sites if s.allows(url)), None)

    def on_site(self, url: str) -> bool:
        """True when the URL belongs to any of the crawl's sites (read by the safety guard)."""
        return self.site_for_url(url) is not None

    def max_depth(self, site: Site) -> int:
        return self.default_depth if site.depth is None else site.depth

    def too_old(self, published: str | None) -> bool:
        if self.since is None or not published:
            return False
        date = parse_datetime(published)
        return date is not None and date < self.since

    def extraction_errors(self, problems: list[tuple[str, str]], url: str) -> None:
        """Count the stages of extraction that failed on a page under
        ``newscrawl/extraction-errors/<kind>``; the first of each kind in the crawl is a
        WARNING (a regression would otherwise degrade every item unseen), the rest DEBUG."""
        for kind, message in problems:
            self.crawler.stats.inc_value(f"newscrawl/extraction-errors/{kind}")
            if kind in self.extraction_error_kinds:
                logger.debug("extraction error (%s) on %s: %s", kind, url, message)
                continue
            self.extraction_error_kinds.add(kind)
            logger.warning("extraction error (%s) on %s: %s; the item may be incomplete. "
                           "Further ones are counted in newscrawl/extraction-errors/%s",
                           kind, url, message, kind)

    def skip(self, reason: str, url: str) -> None:
        """Count a page not made into an item under ``newscrawl/skipped/<reason>``."""
        self.crawler.stats.inc_value(f"newscrawl/skipped/{reason}")
        logger.debug("skipped (%s): %s", reason, url)

    # --- site profiles --------------------------------------------------------------------
    def load_site_profile(self, site: Site) -> Profile | None:
        """The profile a site names: a ``.toml`` path or a profile name in the profile dirs."""
        if not site.profile:
            return None
        candidates = [Path(site.profile)] if site.profile.endswith(".toml") else [
            d / f"{site.profile}.toml" for d in self.profile_dirs]
        for path in candidates:
            if path.is_file():
                try:
                    return load_profile(path)
                except ProfileError as exc:  # the user's own file: one line, no traceback
                    raise SitesFileError(str(exc)) from None
        raise SitesFileError(f"site {site.name!r}: no profile {site.profile!r} "
                             f"(looked for {', '.join(map(str, candidates))})")

    def profile_for(self, site: Site, url: str) -> Profile | None:
        """The site's own profile, else one matching the URL's host when profiles are on."""
        profile = self.site_profiles.get(site.name)
        if profile is not None or not self.profiles_enabled:
            return profile
        return find_profile_in(url, self.profile_dirs)


#: Pages up to this size share Scrapy's parse (``response.selector``) with extraction;
#: larger ones, and pages with NUL bytes, get extraction's own guarded parse.
SHARED_PARSE_MAX_BYTES = 2 * 1024 * 1024


def _shared_tree(response: TextResponse) -> Any:
    """The lxml root of the response's selector, when it is safe to reuse: one HTML
    parse per page serves both extraction and the link selectors."""
    body = response.body
    if len(body) > SHARED_PARSE_MAX_BYTES or b"\x00" in body:
        return None
    try:
        root = response.selector.root
    except (ValueError, TypeError):
        return None
    return root if getattr(root, "tag", None) == "html" else None


class SamplesNotFound(UserError):
    """The no-argument demo crawl found no sample site; the message says what to do."""


def samples_folder(setting: str | None) -> Path:
    """The folder of the sample site crawled when no start point is given.

    ``NEWSCRAWL_SAMPLES_DIR`` when set; else ``samples/`` of the Scrapy project: beside
    the ``scrapy.cfg`` of the current directory (or a parent of it), else beside the
    ``scrapy.cfg`` of the source checkout newscrawl runs from (an editable install). An
    installed package (``pip install``, a scrapyd egg) has no samples of its own: raises
    :class:`SamplesNotFound` naming where it looked and what to do.
    """
    if setting:
        candidates = [Path(setting)]
    else:
        configs = (closest_scrapy_cfg(), closest_scrapy_cfg(str(resources.files("newscrawl"))))
        candidates = list(dict.fromkeys(Path(cfg).parent / "samples" for cfg in configs if cfg))
    for folder in candidates:
        if (folder / "index.html").is_file():
            return folder.resolve()
    where = (f"NEWSCRAWL_SAMPLES_DIR ({candidates[0]}) has no index.html" if setting else
             "no samples/index.html beside scrapy.cfg" + (
                 f" (looked in {', '.join(map(str, candidates))})" if candidates else
                 " (no scrapy.cfg in this folder or its parents)"))
    raise SamplesNotFound(
        f"no sample site to crawl: {where}. Give start points (-a start_urls=URL, -a feeds=, "
        "-a sitemaps= or -a sites=FILE), run the crawl in a newscrawl checkout (the folder "
        "of scrapy.cfg and samples/), or set -s NEWSCRAWL_SAMPLES_DIR=FOLDER")


def samples_site(folder: Path) -> Site:
    """The bundled sample site, crawled from disk through ``file://`` URLs."""
    if not (folder / "index.html").is_file():
        raise SamplesNotFound(f"NEWSCRAWL_SAMPLES_DIR has no index.html: {folder}")
    return Site("samples", start_urls=[(folder / "index.html").as_uri()],
                feeds=[(folder / "feed.xml").as_uri()],
                sitemaps=[(folder / "sitemap.xml").as_uri()])
