"""scrapy-redis's scheduler and queue, with leases: no request is lost when a worker dies.

:class:`LeasedQueue` is scrapy-redis's priority queue (a sorted set) whose ``pop``
leases instead of deleting, and whose ``push`` checks the dupefilter in the same
atomic script (:mod:`newscrawl.distributed.frontier`). :class:`LeasedScheduler` is
scrapy-redis's scheduler that releases a lease once the engine is done with its
request, and on close gives back what it did not finish. It never flushes the shared
frontier on close: the frontier belongs to the fleet, not to one worker.
"""

from __future__ import annotations

import itertools
import logging
from typing import TYPE_CHECKING, Any

from newscrawl.distributed import _engine
from newscrawl.distributed._imports import PriorityQueue, Scheduler
from newscrawl.distributed.frontier import Frontier, Heartbeat
from newscrawl.distributed.keys import Keys
from newscrawl.distributed.start_points import ensure_site

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class LeasedQueue(PriorityQueue):
    """A priority queue in Redis whose pop leases the request to this worker."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.settings
        self.frontier = Frontier(server, Keys(settings.get("NEWSCRAWL_REDIS_PREFIX")),
                                 settings.get("NEWSCRAWL_REDIS_WORKER_ID"))
        self.leases: dict[str, Request] = {}
        """This worker's leases: lease id -> the request the engine is working on."""
        self._ids = itertools.count()

    def push(self, request: Request) -> None:
        self.push_unless_seen(request, None)

    def push_unless_seen(self, request: Request, fingerprint: str | None) -> bool:
        """Push ``request`` unless ``fingerprint`` (None: no check) was seen; atomic."""
        return self.frontier.push(self._encode_request(request), -request.priority, fingerprint)

    def pop(self, timeout: int = 0) -> Request | None:
        lease_id = str(next(self._ids))
        data = self.frontier.pop(lease_id)
        if data is None:
            return None
        request = self._decode_request(data)
        self.leases[lease_id] = request
        return request

    def __len__(self) -> int:
        return self.frontier.waiting()


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler over a :class:`LeasedQueue`."""

    crawler: Crawler
    queue: LeasedQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler

    @property
    def frontier(self) -> Frontier:
        return self.queue.frontier

    def open(self, spider: Spider) -> None:
        super().open(spider)
        if _engine.in_progress(self.crawler) is None:
            raise RuntimeError(_engine.UNSUPPORTED)
        ttl = spider.settings.getfloat("NEWSCRAWL_REDIS_HEARTBEAT")
        self.frontier.beat(ttl)  # registered before the first pop
        self.heartbeat = Heartbeat(self.frontier, ttl)
        self.heartbeat.start()
        setattr(spider, "newscrawl_worker", self.frontier.worker)  # %(newscrawl_worker)s in FEEDS
        logger.info("distributed crawl: worker %s, %d requests waiting in the frontier",
                    self.frontier.worker, len(self.queue))

    def close(self, reason: str) -> None:
        """Stop heart-beating and give back the leases of requests not finished (a
        shutdown cuts them short). Leases are released only as the engine asks for its
        next request, and after a SIGTERM it asks no more: the requests it finished since
        are released first, or they would be given back and crawled twice."""
        if getattr(self, "heartbeat", None) is not None:
            self.heartbeat.stop()
        self.release_done()
        requeued = self.frontier.leave()
        if requeued:
            logger.info("gave %d unfinished requests back to the frontier", requeued)
            self.stats.inc_value("newscrawl/distributed/given_back", requeued)

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push_unless_seen(request, fingerprint):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """The next request of the shared frontier, leased to this worker — unless it
        already holds ``CONCURRENT_REQUESTS`` leases. Downloads are fast and reading
        pages (in page workers) is slow: without the cap, the first worker to start
        would take most of the frontier into its own queue while the others idle."""
        self.release_done()
        if len(self.queue.leases) >= self.crawler.settings.getint("CONCURRENT_REQUESTS"):
            return None
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
            ensure_site(self.spider, request, self.server, self.frontier.keys)
        return request

    def release_done(self) -> int:
        """Release the leases of requests the engine has finished; how many."""
        working = _engine.in_progress(self.crawler)
        if working is None:
            return 0
        done = [lid for lid, request in self.queue.leases.items() if request not in working]
        for lease_id in done:
            del self.queue.leases[lease_id]
        if done:
            self.frontier.release(*done)
            self.stats.inc_value("newscrawl/distributed/leases_released", len(done))
        return len(done)

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0
