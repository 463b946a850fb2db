"""The ``-a`` start points of a batch are pushed to the shared frontier once, by one worker.

Every worker of a fleet is usually started with the same command line. The first
worker to set ``newscrawl:seeded`` (``SET NX``) lets the spider's ``start()`` requests
through to the (shared) scheduler and publishes its sites' rules; the others drop them
and work on what is in the frontier. A worker given no start point at all (the spider
then falls back to the bundled samples) seeds nothing: it only serves the frontier.
The key is deleted when a batch ends (:mod:`newscrawl.distributed.coordinator`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawl.distributed._imports import get_redis_from_settings
from newscrawl.distributed.keys import Keys
from newscrawl.distributed.start_points import is_samples_only, publish_sites

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SeedOnce(BaseSpiderMiddleware):
    """Let ``start()`` through on the first worker of a batch only."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.keys = Keys(settings.get("NEWSCRAWL_REDIS_PREFIX"))
        self.worker = settings.get("NEWSCRAWL_REDIS_WORKER_ID")
        self.server = get_redis_from_settings(settings)
        spider = crawler.spider
        self.samples_only = is_samples_only(spider)
        self.sites = list(getattr(spider, "sites", []))
        """The sites the worker was started with (sites learned later are appended)."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.samples_only:
            logger.info("no start points given: serving the shared frontier and %s",
                        self.keys.start_urls)
            return
        if not self.server.set(self.keys.seeded, self.worker, nx=True):
            owner = self.server.get(self.keys.seeded)
            logger.info("start points of this batch already pushed (by %s): not again",
                        owner.decode() if isinstance(owner, bytes) else owner)
            return
        publish_sites(self.server, self.keys, self.sites)
        self.crawler.stats.set_value("newscrawl/distributed/seeded", 1)
        own = {site.name for site in self.sites}
        async for output in start:  # start() also walks sites learned meanwhile: not those
            site = getattr(output, "meta", {}).get("newscrawl_site")
            if site is None or site in own:
                yield output
