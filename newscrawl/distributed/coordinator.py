"""One worker's part in the fleet, on a timer: reaping, start points, batch end.

Every second, on the reactor, a worker (whose heartbeat is a thread the scheduler
runs, :class:`~newscrawl.distributed.frontier.Heartbeat`)

1. gives back the leases of workers whose heartbeat expired (killed, frozen, cut off):
   a SIGKILLed worker cannot clean up after itself, so the others do;
2. turns start points pushed to ``newscrawl:start_urls`` into requests;
3. releases the leases of requests its engine has finished;
4. closes the spider once it is idle and the whole fleet has had no work — nothing
   waiting, pushed, or leased to any worker, live or dead — for
   ``NEWSCRAWL_REDIS_IDLE_CLOSE`` seconds (0: never; a long-running fleet waits for
   new start points). The batch's dupefilter and "seeded" flag are then deleted so
   that the next batch starts afresh.

Scrapy's own idle close is suspended (``DontCloseSpider``): an idle worker's frontier
may fill again at any moment from other workers.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newscrawl.discovery.sites import SitesFileError
from newscrawl.distributed import _engine
from newscrawl.distributed._imports import redis
from newscrawl.distributed.keys import decoded
from newscrawl.distributed.outputs import feed_files, register_outputs, written_items
from newscrawl.distributed.start_points import (
    parse_start_point,
    publish_sites,
    register_site,
    site_requests,
)
from newscrawl.distributed.store import FleetArticles

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from newscrawl.distributed.scheduler import LeasedScheduler

logger = logging.getLogger(__name__)

#: Start points taken from the pushed list per tick.
FEED_BATCH = 100


class Coordinator:
    """The extension that runs a worker's timer (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("NEWSCRAWL_REDIS_URL"):
            raise NotConfigured
        self.crawler = crawler
        self.idle_close = settings.getfloat("NEWSCRAWL_REDIS_IDLE_CLOSE")
        self.idle_since: float | None = None
        self.closing = False
        self.loop: task.LoopingCall | None = None
        self.outputs: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Coordinator:
        coordinator = cls(crawler)
        crawler.signals.connect(coordinator.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(coordinator.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(coordinator.spider_closed, signal=signals.spider_closed)
        return coordinator

    @property
    def scheduler(self) -> LeasedScheduler:
        return self.crawler.engine.scheduler  # type: ignore[return-value]

    def spider_opened(self, spider: Spider) -> None:
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(1.0, now=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def spider_idle(self, spider: Spider) -> None:
        if not self.closing:
            raise DontCloseSpider

    def tick(self) -> None:
        """One round of the timer; a Redis outage is logged and retried next round."""
        if self.closing:
            return
        try:
            self._tick()
        except redis.RedisError as exc:
            logger.warning("Redis unreachable, retrying: %s", exc)

    def _tick(self) -> None:
        frontier = self.scheduler.frontier
        stats = self.crawler.stats
        requeued = sum(self.reclaim(worker) for worker in frontier.dead_workers())
        if requeued:
            logger.warning("gave %d requests of dead workers back to the frontier", requeued)
            stats.inc_value("newscrawl/distributed/reclaimed", requeued)
        self.feed_start_points()
        self.publish_outputs()
        self.scheduler.release_done()
        if frontier.waiting():
            # Requests other workers put in the frontier: ask for them now, not at the
            # engine's 5-second heartbeat (the engine never counts as idle while the
            # frontier has requests waiting). A busy engine takes none (it backs out).
            _engine.wake(self.crawler)
        if not self.crawler.engine.spider_is_idle():
            self.idle_since = None
            return
        if frontier.outstanding():
            self.idle_since = None
            return
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if self.idle_close > 0 and now - self.idle_since >= self.idle_close:
            self.end_batch()

    def reclaim(self, worker: str) -> int:
        """A dead worker's lines found in its files are recorded (on the same host), then
        its leases go back to the frontier and its other claims are dropped."""
        frontier = self.scheduler.frontier
        settled = FleetArticles.of(self.crawler).fleet.settle(
            worker, written_items(frontier.server, frontier.keys, worker))
        if settled:
            logger.info("recorded %d articles a dead worker (%s) wrote", settled, worker)
            self.crawler.stats.inc_value("newscrawl/distributed/settled", settled)
        return max(frontier.reclaim(worker), 0)

    def publish_outputs(self) -> None:
        """Register this worker's feed files (new ones appear with batches)."""
        paths = feed_files(self.crawler)
        if paths - self.outputs:
            frontier = self.scheduler.frontier
            register_outputs(frontier.server, frontier.keys, frontier.worker, paths)
            self.outputs |= paths

    def feed_start_points(self) -> None:
        """Schedule the start points pushed to ``start_urls``, each moved atomically into
        this worker's ``feeding`` list first, so that a kill here loses none."""
        frontier = self.scheduler.frontier
        spider: Any = self.crawler.spider  # the news spider (its ``sites``)
        server, keys = frontier.server, frontier.keys
        for _ in range(FEED_BATCH):
            raw = server.lmove(keys.start_urls, keys.feeding(frontier.worker), "LEFT", "RIGHT")
            if raw is None:
                return
            try:
                site = parse_start_point(raw, list(spider.sites))
            except SitesFileError as exc:
                logger.warning("ignored start point %r: %s", raw, exc)
                self.crawler.stats.inc_value("newscrawl/distributed/bad_start_points")
            else:
                publish_sites(server, keys, [site])
                register_site(spider, site)
                for request in site_requests(spider, site):
                    self.crawler.engine.crawl(request)
                self.crawler.stats.inc_value("newscrawl/distributed/start_points")
                logger.info("start point from %s: %s", keys.start_urls, decoded(raw))
            server.lrem(keys.feeding(frontier.worker), 1, decoded(raw))  # raw was UTF-8 above

    def end_batch(self) -> None:
        """The fleet has been out of work long enough: forget this batch and close."""
        keys = self.scheduler.frontier.keys
        self.scheduler.frontier.server.delete(keys.dupefilter, keys.seeded)
        logger.info("no work in the fleet for %ss: closing", self.idle_close)
        self.closing = True
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="finished"))
