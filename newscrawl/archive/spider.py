"""The ``warc`` spider: a crawl whose pages come from WARC files, not from the network.

:class:`WarcSpider`'s ``start()`` yields *items*, not requests (Scrapy ≥ 2.13 takes
items from ``start()`` into the item pipelines). It cuts each file into records
(:func:`newscrawl.archive.records.record_blocks`: the gzip members, cheap) and hands them
in batches to the page workers, which run the crawl's page path on each
(:func:`newscrawl.archive.pages.read_records`: the record parsed, the filters, the
response a crawl's downloader would give, detection and extraction, the
:func:`newscrawl.pagepath.page_outcome` a crawl's ``parse_page`` takes); the items'
cleaning goes in batches to the cleaning worker of their site, as the cleaning
pipeline routes it. Here stay the progress of files, the stats, and the item pipelines
(validation, near-duplicates), the feeds and the end-of-run summary, which see the
items as a crawl's. With ``NEWSCRAWL_PAGE_WORKERS = 0`` the batches are read in this
process and the cleaning pipeline cleans, as in a crawl without workers. No record goes
through Scrapy's request path (a Request, the downloader middlewares, a callback): that
was ~5 ms of this process per page. It follows no links and fetches nothing: a request
made anyway is refused by :class:`ArchiveResponder` (``newscrawl/skipped/warc-no-network``).

What is skipped, and why, is counted under ``newscrawl/skipped/warc-<reason>``: the bad
input of :mod:`newscrawl.archive.records`, ``not-html`` records, ``redirect`` and
``http-error`` responses (3xx, 4xx, 5xx: a crawl makes no item of them either),
``resumed`` (the output already holds its item), ``robots`` (robots.txt), ``off-domain``
(``-a domains=``), ``date`` (``-a since=``/``until=`` on the record's date), ``language``
and ``canonical-elsewhere`` (a page whose article is another page, as an AMP twin: the
crawl fetched that one instead, and so is it archived); the page path's own reasons keep
a crawl's names (``not-article``, ``unparseable``, ``too-old``, ``worker-crashed``).
``newscrawl/warc/records/<type>`` counts the records read, ``newscrawl/warc/truncated``
the responses whose record is marked ``WARC-Truncated`` (read as they are), and
``response_received_count`` the archived responses read as pages (a crawl's "pages
fetched").

Progress: :class:`FileProgress` marks a file done once every one of its records went all
the way (its item written or dropped, or no item); the ``state`` file lists the done
files (rewritten atomically) so that an interrupted run resumes after them. At most
2 × ``CONCURRENT_REQUESTS`` records are in flight (read, in a worker, their items in the
pipelines).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newscrawl.archive.pages import (
    ReadOptions,
    RecordFilter,
    RecordOutcome,
    archived_response,
    host_site,
    read_records,
)
from newscrawl.archive.records import ArchivedResponse, record_blocks
from newscrawl.archive.writer import FROM_ARCHIVE
from newscrawl.discovery.dates import parse_since
from newscrawl.discovery.sites import Site, split_list
from newscrawl.discovery.urls import site_of
from newscrawl.middlewares_safety import CharsetMiddleware
from newscrawl.output.assemble import CLEANING_INPUTS
from newscrawl.output.feedstorage import _fsync_dir
from newscrawl.output.fingerprint import remember
from newscrawl.output.items import ArticleItem
from newscrawl.output.pipelines import apply_cleaning_result
from newscrawl.output.summary import FETCHED
from newscrawl.spiders.news import NewsSpider
from newscrawl.workers import PagePool, WorkerCrashed, clean_many_in_worker

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

META = "newscrawl_warc"
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
        return archived_response(entry, request, [FROM_ARCHIVE])


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


#: Records in one batch to a page worker, at most (fewer when ``CONCURRENT_REQUESTS`` is low).
BATCH_RECORDS = 32

Batch = tuple[list[RecordOutcome], Counter[str], list[Any]]


class WarcSpider(NewsSpider):
    """The ``news`` spider's page path over archived records (see module docstring)."""

    name = "warc"

    def __init__(self, files: Iterable[str] = (), state: str | None = None,
                 done_urls: Iterable[str] = (), since: str | None = None,
                 until: str | None = None, date: str = "article", domains: str | None = None,
                 language: str | None = None, **kwargs: Any) -> None:
        super().__init__(since=since, **kwargs)
        end = parse_since(until) if until else None
        if end is not None and until and re.fullmatch(r"\d{4}-\d{2}-\d{2}", until.strip()):
            end += timedelta(days=1, microseconds=-1)  # a day: all of it
        if date not in ("article", "record"):
            raise ValueError(f"-a date must be 'article' or 'record', not {date!r}")
        self.until = end
        self.date_of = date
        self.filters = RecordFilter(
            domains=tuple(d.lower().removeprefix("www.") for d in split_list(domains)),
            since=self.since, until=end, date_of=date,
            languages=frozenset(code.lower() for code in split_list(language)))
        self.files = [str(f) for f in files]
        self.done_urls = set(done_urls)
        self.progress = FileProgress(state, load_state(state) if state else ())
        self.item_files: dict[int, str] = {}
        """The file of each item in the pipelines (by ``id``): done when its signal comes."""
        self.reader: asyncio.Future[None] | None = None
        """The file being cut into batches (:meth:`read_file`), cancelled if the run stops."""
        self.room = asyncio.Event()
        """Set when a record is done: reading waits on it while enough are in flight."""
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
        crawler.signals.connect(spider.closed_run, signal=signals.spider_closed)
        return spider

    # --- start points: the archived records, read into items --------------------------------
    async def start(self) -> AsyncIterator[Any]:
        pool = PagePool.for_crawler(self.crawler)
        pool.start()
        stats = self.crawler.stats
        max_size = self.settings.getint("DOWNLOAD_MAXSIZE") or 1 << 40
        options = ReadOptions(self.filters, max_size, list(self.profile_dirs),
                              self.profiles_enabled, shared_tree=pool.inline)
        for path in self.files:
            if path in self.progress.done:
                stats.inc_value("newscrawl/warc/files_resumed")
                continue
            self.progress.begin(path)
            counts: Counter[str] = Counter()
            done: asyncio.Queue[asyncio.Future[Batch] | None] = asyncio.Queue()
            self.reader = asyncio.ensure_future(self.read_file(path, pool, options, done))
            while (batch := await done.get()) is not None:
                for item in await self.items_of(batch.result(), path, counts):
                    yield item
            await self.reader  # its exception, if any
            for kind, n in counts.items():
                stats.inc_value(f"newscrawl/warc/records/{kind}", n)
            stats.inc_value("newscrawl/warc/files")
            self.progress.end(path)

    async def read_file(self, path: str, pool: PagePool, options: ReadOptions,
                        done: asyncio.Queue[asyncio.Future[Batch] | None]) -> None:
        """Cut the file into records and send them in batches to be read; each batch, once
        read, goes into ``done`` (then None). Runs beside ``start()``, which takes the
        items out as batches finish (in any order), so that the workers never wait for
        the crawl process to hand them the next batch. At most 2 × ``CONCURRENT_REQUESTS``
        records are in flight: reading waits while that many are read and not done."""
        limit = 2 * max(1, self.settings.getint("CONCURRENT_REQUESTS"))
        lanes = max(1, pool.workers)
        size = max(1, min(BATCH_RECORDS, limit // (4 * lanes)))
        running: set[asyncio.Future[Batch]] = set()

        def finished(task: asyncio.Future[Batch]) -> None:
            running.discard(task)
            done.put_nowait(task)

        def send(records: list[tuple[int, bytes]]) -> None:
            task = asyncio.ensure_future(self.read_batch(pool, records, options))
            running.add(task)
            task.add_done_callback(finished)

        try:
            batch: list[tuple[int, bytes]] = []
            for offset, data, problem in record_blocks(path, options.max_size):
                while self.progress.in_flight >= limit:  # bounded memory: wait for room
                    if batch:
                        send(batch)
                        batch = []
                    self.room.clear()
                    await self.room.wait()
                self.progress.add(path)
                if problem is not None:
                    failed: asyncio.Future[Batch] = asyncio.get_running_loop().create_future()
                    failed.set_result(([RecordOutcome(offset, skip=f"warc-{problem}")],
                                       Counter(), [None]))
                    done.put_nowait(failed)
                    continue
                batch.append((offset, data))
                if len(batch) >= size:
                    send(batch)
                    batch = []
                    await asyncio.sleep(0)  # let finished batches through
            if batch:
                send(batch)
            while running:
                await asyncio.wait(set(running))
        finally:
            done.put_nowait(None)

    async def read_batch(self, pool: PagePool, batch: list[tuple[int, bytes]],
                         options: ReadOptions) -> Batch:
        """The batch's outcomes (read in a worker, the next in turn), and the cleaning of
        its items (by the worker of their site: :class:`~newscrawl.output.pipelines.CleaningPipeline`'s
        routing); without workers, both here (the cleaning pipeline cleans)."""
        if pool.inline:
            outcomes, counts = read_records(batch, options)
            return outcomes, counts, [None] * len(outcomes)
        try:
            outcomes, counts = await pool.call(read_records, batch, options)
        except WorkerCrashed:  # one record at a time: only the one that kills a worker is lost
            outcomes, counts = [], Counter()
            for record in batch:
                try:
                    some, more = await pool.call(read_records, [record], options)
                except WorkerCrashed:
                    some, more = [RecordOutcome(record[0], skip="worker-crashed")], Counter()
                outcomes.extend(some)
                counts.update(more)
        routes: dict[str, list[int]] = defaultdict(list)
        for index, outcome in enumerate(outcomes):
            if outcome.fields is not None and outcome.url not in self.done_urls:
                routes[site_of(outcome.fields["canonical_url"])].append(index)
        keep_removed = self.settings.getbool("NEWSCRAWL_KEEP_REMOVED")
        results = await asyncio.gather(*(
            pool.call(clean_many_in_worker,
                      [{n: outcomes[i].fields.get(n) for n in CLEANING_INPUTS}  # type: ignore[union-attr]
                       for i in indexes], keep_removed, route=route)
            for route, indexes in routes.items()), return_exceptions=True)
        cleaned: list[Any] = [None] * len(outcomes)
        for indexes, result in zip(routes.values(), results, strict=True):
            if isinstance(result, WorkerCrashed):
                continue  # left with its blocks: the cleaning pipeline cleans it here
            if isinstance(result, BaseException):
                raise result
            for index, one in zip(indexes, result, strict=True):
                cleaned[index] = one
        return outcomes, counts, cleaned

    async def items_of(self, batch: Batch, path: str, counts: Counter[str]) -> list[Any]:
        """The items of a read batch, each record's outcome counted (see :meth:`take`)."""
        outcomes, more, cleaned = batch
        counts.update(more)
        items = []
        for outcome, clean in zip(outcomes, cleaned, strict=True):
            if outcome.document is not None:
                await self.read_document(outcome.document)
            item = self.take(outcome, clean, path)
            if item is not None:
                items.append(item)
        return items

    def take(self, outcome: RecordOutcome, cleaned: Any, path: str) -> ArticleItem | None:
        """Count a record's outcome; its item (then done when the pipelines are), or None
        (the record is done)."""
        stats = self.crawler.stats
        item = None
        if outcome.skip is not None and not outcome.answered and outcome.skip not in (
                "warc-redirect", "warc-http-error"):
            logger.info("skipped a record (%s) at byte %d of %s%s",
                        outcome.skip.removeprefix("warc-"),
                        outcome.offset, path, f": {outcome.url}" if outcome.url else "")
        if outcome.empty:
            pass  # a request, warcinfo, metadata… record: counted by type
        elif outcome.answered and outcome.url in self.done_urls:
            self.skip("warc-resumed", outcome.url)
        elif not outcome.read:
            self.skip(outcome.skip or "warc-unread", outcome.url)
        else:
            stats.inc_value("response_received_count")  # the summary's "pages fetched"
            stats.inc_value(FETCHED)  # a 2xx response handed to the page path
            if outcome.truncated:
                stats.inc_value("newscrawl/warc/truncated")
            if outcome.problems:
                self.extraction_errors(outcome.problems, outcome.url)
            for name in outcome.stats:  # articles_found, dated_by_listing, undated
                stats.inc_value(f"newscrawl/{name}")
            if outcome.skip is not None:
                self.skip(outcome.skip, outcome.url)
            elif outcome.fields is not None:
                item = ArticleItem(**outcome.fields)
                if cleaned is not None:
                    (fields, _rules, _counts), (signature, bands) = cleaned
                    remember(fields["body"], signature, bands)  # for the near-duplicates
                    apply_cleaning_result(ItemAdapter(item), cleaned[0], stats)
        if item is not None:
            self.item_files[id(item)] = path
        else:
            self.record_done(path)
        return item

    def record_done(self, path: str) -> None:
        self.progress.finish(path)
        self.room.set()

    async def read_document(self, entry: ArchivedResponse) -> None:
        """A feed or sitemap: read as a crawl reads it (its skips counted), nothing followed."""
        meta = {"newscrawl_site": site_of(entry.url), "newscrawl_source": "warc",
                "newscrawl_kind": "page"}
        response = archived_response(entry, scrapy.Request(entry.url, meta=meta),
                                     [FROM_ARCHIVE])
        response = CharsetMiddleware().process_response(response.request, response)  # type: ignore[arg-type]
        await self.parse_page(response)

    def unwanted(self, entry: ArchivedResponse) -> str | None:
        """Why the record is not read (None: it is read): the status, a resumed run's
        item, then :meth:`RecordFilter.unwanted`."""
        reason = self.filters.status_problem(entry)
        if reason is None and entry.url in self.done_urls:
            return "resumed"
        return reason or self.filters.unwanted(entry)

    # --- the page path: the news spider's, with no link to follow -----------------------
    def follow_links(self, response: Any, site: Site, depth: int) -> Iterable[scrapy.Request]:
        return ()

    def request_canonical(self, url: str, response: Response,
                          site: Site) -> Iterable[scrapy.Request]:
        self.skip("warc-canonical-elsewhere", response.url)
        return ()

    def request_page(self, url: str, site: Site, depth: int, source: str,
                     listed: str | None = None) -> Iterator[scrapy.Request]:
        return iter(())  # a feed's or sitemap's entries: nothing is fetched

    def site_of_response(self, response: Response) -> Site:
        return host_site(response.url)

    def too_old(self, published: str | None) -> bool:
        return self.filters.too_old(published)

    def out_of_range(self, value: str | None) -> bool:
        return self.filters.out_of_range(value)

    # --- progress ---------------------------------------------------------------------------
    def item_done(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        path = self.item_files.pop(id(item), None)
        if path is not None:
            self.record_done(path)

    def closed_run(self, spider: Any, reason: str) -> None:
        """A run that read everything removes its state file: the next run starts afresh."""
        if self.reader is not None and not self.reader.done():
            self.reader.cancel()  # stopped early (Ctrl-C, CloseSpider): read no further
        self.crawler.stats.set_value("newscrawl/warc/max_in_flight", self.progress.max_in_flight)
        state = self.progress.state
        if (reason == "finished" and state is not None and state.exists()
                and set(self.progress.done) >= set(self.files)):
            state.unlink()
