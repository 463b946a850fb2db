"""Scheduled crawls: each article written once, updates noticed, syndicated copies marked.

The store is opt-in, like Scrapy's ``JOBDIR``: :func:`store_path` is ``NEWSCRAWL_STORE``
(empty by default: a one-off crawl writes every article it finds, and the store lives in
memory for that crawl only), or the ``JOBDIR``'s ``emitted.sqlite3`` when a job folder is
given and ``NEWSCRAWL_STORE`` is not. An incremental crawl says so in its first lines
(:meth:`EmittedArticles.log_store`) and the summary says how many articles it held back.

- :class:`EmittedArticles`, an extension, owns the crawl's store (the fleet's subclass:
  :class:`newscrawl.distributed.store.FleetArticles`): opens it when first used, commits
  it before a feed file is published (:data:`~newscrawl.output.signals.feed_file_ready`),
  closes it with the spider. The two classes below find it with
  ``crawler.get_extension()``.
- :class:`EmittedPipeline` (last pipeline) compares an item with the store
  (:mod:`newscrawl.output.store`): unchanged → dropped (``already-emitted``); changed →
  written again with ``version`` n+1 and its ``modified`` date (``NEWSCRAWL_EMIT_UPDATES``);
  a body with an estimated similarity of ``NEWSCRAWL_NEAR_DUPLICATE_SIMILARITY`` to a stored
  one of another URL gets ``duplicate_of`` (dropped with ``NEWSCRAWL_DROP_NEAR_DUPLICATES``).
  It records an item in the store only on ``item_scraped``, after the feed exporter has
  written — and flushed — its line: a killed crawl never marks an unwritten item emitted.
  When the spider opens it first promotes the ``.part`` files a killed crawl left in the
  atomic feeds' folders, recording their items.
- :class:`StoredUrlsMiddleware` drops requests for already-stored articles found in feeds
  and sitemaps, unless the feed/sitemap lists them as changed since they were written or
  they were first written less than ``NEWSCRAWL_REFRESH_WINDOW`` ago.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.job import job_dir
from w3lib.url import file_uri_to_path

from newscrawl.discovery.dates import parse_duration
from newscrawl.distributed.keys import Keys
from newscrawl.extraction.dates import parse_datetime
from newscrawl.output.feedstorage import repair_parts
from newscrawl.output.fingerprint import content_hash, minhash, similarity
from newscrawl.output.pipelines import _StatsPipeline
from newscrawl.output.signals import feed_file_ready
from newscrawl.output.store import ArticleStore, Emitted, EmittedStore

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings


logger = logging.getLogger(__name__)

#: Discovery sources whose already-stored article URLs are not requested again.
FILTERED_SOURCES = ("feed", "sitemap")
#: Records per SQLite commit when every feed is atomic.
COMMIT_BATCH = 200
#: Where the store was by default before it became opt-in (named in the log when found).
LEGACY_STORE = ".newscrawl/emitted.sqlite3"
#: The store's file in a ``JOBDIR`` when ``NEWSCRAWL_STORE`` is not given.
JOBDIR_STORE = "emitted.sqlite3"


def store_path(settings: BaseSettings, spider: Spider | None = None) -> str:
    """The SQLite store of an incremental crawl, or "" for a one-off crawl (in memory).

    ``NEWSCRAWL_STORE`` when set; else, with a ``JOBDIR``, the job's own
    ``emitted.sqlite3``: a job killed and resumed then never writes an article twice,
    and the store goes with the job's folder. ``-s NEWSCRAWL_STORE=`` on the command line
    turns it off even then. The bundled demo (``scrapy crawl news`` without start points)
    uses a store only when one is given on the command line, so that it is repeatable.
    """
    given = (settings.getpriority("NEWSCRAWL_STORE") or 0) > SETTINGS_PRIORITIES["project"]
    if getattr(spider, "crawls_samples", False) and not given:
        return ""
    path = settings.get("NEWSCRAWL_STORE") or ""
    folder = None if path or given else job_dir(settings)  # job_dir() makes the folder
    if folder:
        path = str(Path(folder, JOBDIR_STORE))
    return path


def store_label(settings: BaseSettings, spider: Spider | None = None) -> str:
    """The store as the log names it: its path, the fleet's Redis key, or "" when off."""
    if settings.get("NEWSCRAWL_REDIS_URL"):
        return f"Redis {Keys(settings.get('NEWSCRAWL_REDIS_PREFIX')).emitted}"
    return store_path(settings, spider)




def refresh_due(stored: Emitted, listed: str | None, window: timedelta,
                now: datetime | None = None) -> bool:
    """Whether a stored article is worth fetching again: its feed/sitemap date is later
    than when it was last written, or it was first written less than ``window`` ago."""
    now = now or datetime.now(UTC)
    listed_date, last = parse_datetime(listed), parse_datetime(stored.last_emitted)
    if listed_date is not None and last is not None and listed_date > last:
        return True
    first = parse_datetime(stored.first_emitted)
    return first is not None and now - first < window


def atomic_feed_folders(settings: BaseSettings) -> list[Path]:
    """The folders of the ``FEEDS`` written atomically (where ``.part`` files may be left)."""
    folders = []
    for uri, options in settings.getdict("FEEDS").items():
        if not (options or {}).get("atomic"):
            continue
        path = file_uri_to_path(str(uri)) if str(uri).startswith("file:") else str(uri)
        folder = Path(path).parent
        if "%(" not in str(folder) and folder not in folders:
            folders.append(folder)
    return folders


class EmittedArticles:
    """The extension that owns the crawl's emitted-articles store (one per crawl).

    The store opens with its first use (:attr:`store`: no file for a crawl that finds
    nothing), commits when an atomic feed file is about to be published
    (:data:`~newscrawl.output.signals.feed_file_ready`) and closes when the spider
    closes. The pipeline and the middleware below find it with
    ``crawler.get_extension(EmittedArticles)``; a fleet's add-on puts its subclass
    :class:`newscrawl.distributed.store.FleetArticles` (the store in Redis) in its place.
    """

    #: Whether :meth:`log_store` counts the articles of a store whose label is no file.
    counts_without_file = False

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._store: ArticleStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        articles = cls(crawler)
        crawler.signals.connect(articles.feed_file_ready, signal=feed_file_ready)
        crawler.signals.connect(articles.spider_closed, signal=signals.spider_closed)
        return articles

    @classmethod
    def of(cls, crawler: Crawler) -> Self:
        """The crawl's instance (of this class or a subclass): it must be in ``EXTENSIONS``."""
        articles = crawler.get_extension(cls)
        if articles is None:
            raise RuntimeError(f"{cls.__module__}.{cls.__qualname__} is not in EXTENSIONS: "
                               "the emitted pipeline and middleware need it")
        return articles

    @property
    def store(self) -> ArticleStore:
        """The store, opened now if it is not yet."""
        if self._store is None:
            self._store = self.open_store()
        return self._store

    def open(self) -> None:
        """Open the store now (an unreadable or newer file stops the crawl at its start)."""
        self.store  # the property opens it

    def open_store(self) -> ArticleStore:
        """:func:`store_path`, or in memory when it is empty."""
        return EmittedStore(store_path(self.crawler.settings, self.crawler.spider) or ":memory:")

    def log_store(self) -> None:
        """One line at the start of the crawl: incremental (which store, how many articles
        it holds) or one-off — naming the store earlier runs left in the folder, if any."""
        label = store_label(self.crawler.settings, self.crawler.spider)
        if label:
            known = len(self.store) if self.counts_without_file or Path(label).is_file() else 0
            logger.info("incremental: store %s, %d articles already written", label, known)
        elif Path(LEGACY_STORE).is_file() and not getattr(self.crawler.spider,
                                                          "crawls_samples", False):
            logger.info("one-off crawl: every article found is written; -s NEWSCRAWL_STORE=%s"
                        " would write only those the earlier runs of this folder did not",
                        LEGACY_STORE)

    def commit(self) -> None:
        """Commit the store if it is open (nothing is opened for it)."""
        if self._store is not None:
            self._store.commit()

    def feed_file_ready(self, path: str) -> None:
        """An atomic feed file is about to be published: its items are recorded first."""
        self.commit()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.close()

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            store.commit()
            store.close()


class EmittedPipeline(_StatsPipeline):
    """Versions, change detection and near-duplicates against the emitted-articles store."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.articles = EmittedArticles.of(crawler)
        settings = crawler.settings
        self.emit_updates = settings.getbool("NEWSCRAWL_EMIT_UPDATES")
        self.similarity = settings.getfloat("NEWSCRAWL_NEAR_DUPLICATE_SIMILARITY")
        self.drop_near = settings.getbool("NEWSCRAWL_DROP_NEAR_DUPLICATES")
        #: Items passed but not yet written (their near-duplicates are not in the store yet).
        self.pending: dict[str, tuple[str, tuple[int, ...]]] = {}

    def open_spider(self, spider: Spider | None = None) -> None:
        feeds = self.crawler.settings.getdict("FEEDS")
        #: Records are committed in batches when every feed is atomic and not rotated:
        #: the lines of an unfinished batch are in a ``.part`` file that the next crawl
        #: records (below), and the file is published only after a commit
        #: (:meth:`EmittedArticles.feed_file_ready`). A plain file feed (``-o``), or
        #: rotation (whose last line is written after its file is published), gets a
        #: commit per line.
        rotated = self.crawler.settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT") or any(
            (o or {}).get("batch_item_count") for o in feeds.values())
        self.batched = bool(feeds) and not rotated and all(
            (o or {}).get("atomic") for o in feeds.values())
        self.uncommitted = 0
        path = store_path(self.crawler.settings, self.crawler.spider)
        if path and Path(path).is_file():  # an unreadable or newer store stops the crawl now
            self.articles.open()
        self.articles.log_store()
        for folder in atomic_feed_folders(self.crawler.settings):
            for _ in repair_parts(folder, lambda item: self.articles.store.record(item)):
                self.stats.inc_value("newscrawl/recovered_files")
        # Connected here, after the feed exporter's handler: the line is written first.
        self.crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.crawler.signals.disconnect(self.item_scraped, signal=signals.item_scraped)
        self.articles.commit()  # closed by its owner, when the spider closes

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("body") or ""
        adapter["content_hash"] = content_hash(body)
        store = self.articles.store  # opened with the first item: no file for empty crawls
        stored = store.get(adapter["canonical_url"])
        if stored is None:
            adapter["version"] = 1
            adapter["duplicate_of"] = (self._pending_duplicate(body) or store.near_duplicate(
                body, adapter["canonical_url"], self.similarity))
        elif stored.content_hash == adapter["content_hash"]:
            raise self.drop("already-emitted", adapter)
        elif not self.emit_updates:
            raise self.drop("update-not-emitted", adapter)
        else:
            adapter["version"] = stored.version + 1
            adapter["modified"] = adapter.get("modified") or adapter.get("crawled_at")
            adapter["duplicate_of"] = stored.duplicate_of
            self.stats.inc_value("newscrawl/updated")
        if adapter["duplicate_of"]:
            self.stats.inc_value("newscrawl/near_duplicates")
            if self.drop_near:
                raise self.drop("near-duplicate", adapter, f"of {adapter['duplicate_of']}")
        if 0 < self.similarity <= 1 and body:
            self.pending[adapter["id"]] = (adapter["duplicate_of"] or adapter["id"], minhash(body))
        return item

    def _pending_duplicate(self, body: str) -> str | None:
        if not (0 < self.similarity <= 1 and body and self.pending):
            return None
        signature = minhash(body)
        for original, other in self.pending.values():
            if similarity(signature, other) >= self.similarity:
                return original
        return None

    def item_scraped(self, item: Any, response: Response | None = None,
                     spider: Spider | None = None) -> None:
        """The item's line is in the feed: record it as emitted."""
        adapter = ItemAdapter(item)
        store = self.articles.store
        store.record(adapter, commit=not self.batched)
        if self.batched:
            self.uncommitted += 1
            if self.uncommitted >= COMMIT_BATCH:
                store.commit()
                self.uncommitted = 0
        self.pending.pop(str(adapter.get("id")), None)


class StoredUrlsMiddleware(BaseSpiderMiddleware):
    """Skip already-stored articles found in feeds and sitemaps (``already-emitted``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.articles = EmittedArticles.of(crawler)
        self.window = parse_duration(crawler.settings.get("NEWSCRAWL_REFRESH_WINDOW"))

    def get_processed_request(self, request: Request, response: Response | None
                              ) -> Request | None:
        if request.meta.get("newscrawl_kind", "page") != "page":
            return request
        if response is None or _source(request, response) not in FILTERED_SOURCES:
            return request
        stored = self.articles.store.get(request.url)
        if stored is None or refresh_due(stored, request.meta.get("newscrawl_listed_date"),
                                         self.window):
            return request
        self.crawler.stats.inc_value("newscrawl/skipped/already-emitted")
        return None


def _source(request: Request, response: Response) -> str | None:
    """Where a request was found: the spider's ``newscrawl_source`` meta, else the
    callback that parsed the response (``parse_feed``/``parse_sitemap``)."""
    source = request.meta.get("newscrawl_source")
    if source:
        return source
    callback = getattr(response.request, "callback", None) if response.request else None
    name = getattr(callback, "__name__", "")
    return {"parse_feed": "feed", "parse_sitemap": "sitemap"}.get(name)
