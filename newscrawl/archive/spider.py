"""The ``warc`` spider: a crawl whose pages come from WARC files, not from the network.

:class:`WarcSpider` is the ``news`` spider with other start points: its ``start()``
yields one request per archived HTML response (:func:`newscrawl.archive.records.read_responses`),
and :class:`ArchiveResponder`, the first downloader middleware, answers each with its
archived response (status, headers, decoded body) before anything else sees the request.
Everything after is the crawl's own path: the downloader middlewares' ``process_response``
(charset detection), ``parse_page`` (detection and extraction in the page workers), the item
pipelines (cleaning, validation, near-duplicates), the feeds, the stats and the end-of-run
summary. It follows no links and fetches nothing: a request without an archived response
is refused (``newscrawl/skipped/warc-no-network``).

What is skipped, and why, is counted under ``newscrawl/skipped/warc-<reason>``: the bad
input of :mod:`newscrawl.archive.records`, ``not-html`` records, ``redirect`` and
``http-error`` responses (3xx, 4xx, 5xx: a crawl makes no item of them either),
``robots`` (robots.txt), ``off-domain`` (``-a domains=``), ``date`` (``-a since=``/``until=``
on the record's date), ``language`` and ``canonical-elsewhere`` (a page whose article is
another page, as an AMP twin: the crawl fetched that one instead, and so is it archived).
``newscrawl/warc/records/<type>`` counts the records read, ``newscrawl/warc/truncated``
the responses whose record is marked ``WARC-Truncated`` (read as they are).

Progress: :class:`FileProgress` marks a file done once every one of its records went all
the way (its item written, dropped, or no item); the ``state`` file lists the done files
(rewritten atomically) so that an interrupted run resumes after them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from newscrawl.archive.records import ArchivedResponse, FileCounts, Skipped, read_responses
from newscrawl.archive.writer import FROM_ARCHIVE
from newscrawl.discovery.dates import parse_since
from newscrawl.discovery.sites import Site, split_list
from newscrawl.discovery.urls import site_of
from newscrawl.extraction.dates import parse_datetime
from newscrawl.output.feedstorage import _fsync_dir
from newscrawl.spiders.news import NewsSpider
from newscrawl.workers import PagePool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

META = "newscrawl_warc"
META_FILE = "newscrawl_warc_file"
#: Settings of every ``warc`` run (a ``-s`` on the command line still wins): nothing to
#: fetch, nothing to wait for, no archive of the archive, and no emitted-articles store
#: (a re-extraction writes every article again).
RUN_SETTINGS = {
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    "NEWSCRAWL_WARC_DIR": "",
    "NEWSCRAWL_STORE": "",
    "NEWSCRAWL_REDIS_URL": "",
}


class ArchiveResponder:
    """Downloader middleware (first of all): the archived response of a ``warc`` request."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveResponder:
        return cls(crawler)

    def process_request(self, request: scrapy.Request) -> Response:
        entry: ArchivedResponse | None = request.meta.pop(META, None)
        if entry is None:
            self.crawler.stats.inc_value("newscrawl/skipped/warc-no-network")
            raise IgnoreRequest(f"warc run, no network: {request.url}")
        headers = Headers(entry.headers)
        cls = responsetypes.from_args(headers=headers, url=entry.url, body=entry.body)
        return cls(url=entry.url, status=entry.status, headers=headers, body=entry.body,
                   flags=[FROM_ARCHIVE], request=request)


class FileProgress:
    """Which WARC files are done: every record read and every request it made finished."""

    def __init__(self, state: str | None, done: Iterable[str] = ()) -> None:
        self.state = Path(state) if state else None
        self.done: list[str] = list(done)
        self.pending: Counter[str] = Counter()
        self.reading: set[str] = set()
        self.in_flight = 0
        """Records read and not yet all the way through (their pages are in memory)."""
        self.max_in_flight = 0

    def begin(self, path: str) -> None:
        self.reading.add(path)

    def add(self, path: str, n: int = 1) -> None:
        self.pending[path] += n
        self.in_flight += n
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def finish(self, path: str, n: int = 1) -> None:
        self.pending[path] -= n
        self.in_flight -= n
        self._check(path)

    def end(self, path: str) -> None:
        self.reading.discard(path)
        self._check(path)

    def _check(self, path: str) -> None:
        if path not in self.reading and self.pending[path] <= 0 and path not in self.done:
            del self.pending[path]
            self.done.append(path)
            self.save()

    def save(self) -> None:
        """Write the state file atomically (temporary file, fsync, rename)."""
        if self.state is None:
            return
        temporary = self.state.with_name(self.state.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as fh:
            json.dump({"done": self.done}, fh, indent=0)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, self.state)
        _fsync_dir(self.state.parent)


def load_state(state: str | Path) -> list[str]:
    """The files an interrupted run finished (none when there is no state file)."""
    try:
        return list(json.loads(Path(state).read_text(encoding="utf-8"))["done"])
    except FileNotFoundError:
        return []


class WarcSpider(NewsSpider):
    """The ``news`` spider's page path over archived responses (see module docstring)."""

    name = "warc"

    def __init__(self, files: Iterable[str] = (), state: str | None = None,
                 done_urls: Iterable[str] = (), since: str | None = None,
                 until: str | None = None, date: str = "article", domains: str | None = None,
                 language: str | None = None, **kwargs: Any) -> None:
        super().__init__(since=since, **kwargs)
        self.until: datetime | None = parse_since(until) if until else None
        if self.until is not None and until and re.fullmatch(r"\d{4}-\d{2}-\d{2}", until.strip()):
            self.until += timedelta(days=1, microseconds=-1)  # a day: all of it
        if date not in ("article", "record"):
            raise ValueError(f"-a date must be 'article' or 'record', not {date!r}")
        self.date_of = date
        self.files = [str(f) for f in files]
        self.domains = [d.lower().removeprefix("www.") for d in split_list(domains)]
        self.languages = {code.lower() for code in split_list(language)}
        self.done_urls = set(done_urls)
        self.progress = FileProgress(state, load_state(state) if state else ())
        self.host_sites: dict[str, Site] = {}
        self.sites = [Site("warc")]  # not the samples: every page is read as its own site's

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        for name, value in RUN_SETTINGS.items():
            settings.set(name, value, priority="spider")
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares["newscrawl.archive.spider.ArchiveResponder"] = 1  # before all others
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares,
                     priority=max(settings.getpriority("DOWNLOADER_MIDDLEWARES") or 0, 30))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider.item_done, signal=signal)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        crawler.signals.connect(spider.closed_run, signal=signals.spider_closed)
        return spider

    # --- start points: the archived responses ---------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        PagePool.for_crawler(self.crawler).start()
        stats = self.crawler.stats
        max_size = self.settings.getint("DOWNLOAD_MAXSIZE") or 1 << 40
        for path in self.files:
            if path in self.progress.done:
                stats.inc_value("newscrawl/warc/files_resumed")
                continue
            self.progress.begin(path)
            counts = FileCounts()
            for entry in read_responses(path, max_size=max_size, counts=counts):
                request = self.request_for(entry, path)
                if request is not None:
                    await self.room()
                    self.progress.add(path)
                    yield request
            for kind, n in counts.records.items():
                stats.inc_value(f"newscrawl/warc/records/{kind}", n)
            stats.inc_value("newscrawl/warc/files")
            self.progress.end(path)

    async def room(self) -> None:
        """Wait while the crawl has enough in hand: Scrapy takes whatever ``start()`` yields
        into its scheduler while its downloader is busy, and each of these requests holds
        its page, so without this a file's pages would all be in memory before the first
        is read. At most 2 × ``CONCURRENT_REQUESTS`` records are in flight (downloading,
        being read, their items in the pipelines)."""
        engine = self.crawler.engine
        limit = 2 * max(1, self.settings.getint("CONCURRENT_REQUESTS"))
        while engine is not None and engine.running and (
                engine.needs_backout() or self.progress.in_flight >= limit):
            await asyncio.sleep(0.005)

    def request_for(self, entry: ArchivedResponse | Skipped, path: str) -> scrapy.Request | None:
        """The request answered by ``entry``, or None (counted) when it is not read."""
        if isinstance(entry, Skipped):
            logger.info("skipped a record (%s) at byte %d of %s%s", entry.reason, entry.offset,
                        path, f": {entry.url}" if entry.url else "")
            self.skip(f"warc-{entry.reason}", entry.url)
            return None
        reason = self.unwanted(entry)
        if reason is not None:
            self.skip(f"warc-{reason}", entry.url)
            return None
        if entry.truncated:
            self.crawler.stats.inc_value("newscrawl/warc/truncated")
        meta = {META: entry, META_FILE: path, "newscrawl_site": site_of(entry.url),
                "newscrawl_source": "warc", "newscrawl_kind": "page"}
        if entry.date:
            meta["newscrawl_listed_date"] = entry.date  # the article's date when it has none
        return scrapy.Request(entry.url, callback=self.parse_page, errback=self.request_failed,
                              meta=meta, dont_filter=True)

    def unwanted(self, entry: ArchivedResponse) -> str | None:
        if 300 <= entry.status < 400:
            return "redirect"
        if not 200 <= entry.status < 300:
            return "http-error"
        if entry.url in self.done_urls:
            return "resumed"
        if entry.url.rsplit("?", 1)[0].endswith("/robots.txt"):
            return "robots"
        if not entry.url.startswith(("http://", "https://")):
            return "not-http"
        if self.domains:
            host = site_of(entry.url)
            if not any(host == d or host.endswith("." + d) for d in self.domains):
                return "off-domain"
        if self.date_of == "record" and self.out_of_range(entry.date):
            return "date"
        return None

    # --- the page path: the news spider's, with no link to follow -----------------------
    async def parse_page(self, response: Response, depth: int = 0) -> list[Any]:
        output = [o for o in await super().parse_page(response, depth)
                  if not isinstance(o, scrapy.Request)]
        if self.languages:
            kept = [o for o in output if (o.get("language") or "").lower() in self.languages]
            if len(kept) < len(output):
                self.skip("warc-language", response.url)
            output = kept
        path = response.meta.get(META_FILE)
        if path is not None:
            self.progress.add(path, len(output))
            self.progress.finish(path)
        return output

    def follow_links(self, response: Any, site: Site, depth: int) -> Iterable[scrapy.Request]:
        return ()

    def request_canonical(self, url: str, response: Response,
                          site: Site) -> Iterable[scrapy.Request]:
        self.skip("warc-canonical-elsewhere", response.url)
        return ()

    def site_of_response(self, response: Response) -> Site:
        """A site of the response's own host: its on-site canonical links count as such."""
        host = site_of(response.url) or "warc"
        site = self.host_sites.get(host)
        if site is None:
            site = self.host_sites[host] = Site(host, allowed_domains=[host])
        return site

    def too_old(self, published: str | None) -> bool:
        return self.date_of == "article" and self.out_of_range(published)

    def out_of_range(self, value: str | None) -> bool:
        """True when the date is before ``since`` or after ``until`` (undated: kept)."""
        if not value or (self.since is None and self.until is None):
            return False
        date = parse_datetime(value)
        if date is None:
            return False
        return bool((self.since and date < self.since) or (self.until and date > self.until))

    # --- progress ---------------------------------------------------------------------------
    def item_done(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        path = response.meta.get(META_FILE) if response is not None else None
        if path is not None:
            self.progress.finish(path)

    def callback_failed(self, failure: Failure, response: Response, spider: Any) -> None:
        path = response.meta.get(META_FILE)
        if path is not None:
            self.progress.finish(path)

    def request_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        path = request.meta.get(META_FILE) if request is not None else None
        logger.warning("archived response not read (%s): %s", failure.getErrorMessage(),
                       request.url if request is not None else "?")
        if path is not None:
            self.progress.finish(path)

    def closed_run(self, spider: Any, reason: str) -> None:
        """A run that read everything removes its state file: the next run starts afresh."""
        self.crawler.stats.set_value("newscrawl/warc/max_in_flight", self.progress.max_in_flight)
        state = self.progress.state
        if (reason == "finished" and state is not None and state.exists()
                and set(self.progress.done) >= set(self.files)):
            state.unlink()
