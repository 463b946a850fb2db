"""Process tuning for the crawl: the cyclic garbage collector's young-generation threshold.

Python runs a young-generation collection after every 700 net allocations of container
objects. A crawl allocates requests, responses, deferreds, futures and items at a high
rate, and almost none of them end up in reference cycles: on the 5 000-article benchmark
site (``benchmarks/crawl_throughput.py``) the crawl process ran about 1 000 young
collections, 0.5–0.9 ms each, that found 650 cyclic objects in all, plus nine full
collections of 80 ms each. With the threshold at 10 000 the same crawl runs about 30
collections in 0.1–0.2 s, and finishes 10–20 % sooner (benchmarks/RESULTS.md).
Reference counting still frees everything acyclic at once; only cyclic garbage waits
longer, as every generation is collected about fourteen times less often (peak memory
grew 6.2 % from 1 000 to 5 000 pages with it, 4.5 % without, one run each).

:class:`GcThreshold` sets ``NEWSCRAWL_GC_THRESHOLD`` when the spider opens and puts the
thresholds it found back when the last spider of the process closes (several crawls in
one process, tests), so it changes nothing outside a crawl. ``0`` leaves Python's
thresholds alone.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.errors import UserError

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class GcThreshold:
    """Scrapy extension: the young-generation threshold of ``gc`` while the spider runs."""

    #: Spiders of this process running under a raised threshold, and the thresholds
    #: found before the first of them opened (put back when the last one closes).
    _running = 0
    _found: tuple[int, ...] | None = None

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.opened = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcThreshold:
        value = crawler.settings.get("NEWSCRAWL_GC_THRESHOLD")
        try:
            threshold = -1 if isinstance(value, (bool, float)) else int(value)
        except (TypeError, ValueError):
            threshold = -1
        if threshold < 0:
            raise UserError(f"NEWSCRAWL_GC_THRESHOLD must be a whole number >= 0 (0 leaves"
                             f" Python's garbage collector alone), not {value!r}")
        if threshold == 0:
            raise NotConfigured("NEWSCRAWL_GC_THRESHOLD is 0")
        ext = cls(threshold)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        cls = GcThreshold  # one count per process, subclasses included
        if cls._running == 0:
            cls._found = gc.get_threshold()
        found = cls._found
        assert found is not None  # set by the first spider opened, kept until the last closes
        cls._running += 1
        self.opened = True
        gc.set_threshold(self.threshold, *gc.get_threshold()[1:])
        logger.debug("garbage collector threshold %d (was %d)", self.threshold, found[0])

    def spider_closed(self, spider: Spider) -> None:
        if not self.opened:
            return
        self.opened = False
        cls = GcThreshold
        cls._running -= 1
        if cls._running == 0 and cls._found is not None:
            gc.set_threshold(*cls._found)
            cls._found = None
