"""Resuming a ``JOBDIR`` crawl that was killed rather than paused.

Scrapy saves a ``JOBDIR``'s request queue when a crawl closes (Ctrl-C once, SIGTERM).
After SIGKILL or a power cut the saved state is stale or half-written: ``requests.seen``
may hold requests whose queue entries were lost, and the resumed crawl would then never
fetch those articles. :class:`KilledJobGuard` leaves a marker in ``JOBDIR`` while a crawl
runs and removes it when the crawl closes; finding it at start-up means the last run was
killed, so it discards the request queue and ``requests.seen`` and discovery starts again.
Nothing is written twice: the emitted-articles store skips what the killed run wrote.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MARKER = "newscrawl.running"


class KilledJobGuard:
    """Discard a killed crawl's request queue so that its resume rediscovers every page."""

    def __init__(self, crawler: Crawler) -> None:
        folder = job_dir(crawler.settings)
        if not folder:
            raise NotConfigured
        self.crawler = crawler
        self.marker = Path(folder, MARKER)
        self.recovered = self.marker.exists()
        if self.recovered:
            logger.warning("the last crawl in JOBDIR %s was killed: its request queue cannot "
                           "be trusted, starting discovery again", folder)
            shutil.rmtree(Path(folder, "requests.queue"), ignore_errors=True)
            Path(folder, "requests.seen").unlink(missing_ok=True)
        self.marker.write_text(str(os.getpid()), encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KilledJobGuard:
        guard = cls(crawler)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self, spider: Spider) -> None:
        if self.recovered:
            self.crawler.stats.set_value("newscrawl/jobdir_recovered", 1)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.marker.unlink(missing_ok=True)
