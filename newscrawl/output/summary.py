"""End-of-crawl summary: items written, drops and skips by reason, in the log.

The same figures are in the stats (``newscrawl/…`` keys); this extension only
reads them back and logs them in one block so that a person sees at a glance
what a crawl produced and what it threw away.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

from newscrawl.extraction._compiled import SPEEDUPS

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_GROUPS = (
    ("dropped items", "newscrawl/dropped/"),
    ("skipped pages", "newscrawl/skipped/"),
    ("failed requests", "newscrawl/failed/"),
    ("removed paragraphs", "newscrawl/removed/"),
)
#: Scrapy's own counters of pages it skipped, shown in the skipped line under these names.
_SCRAPY_SKIPS = {"robotstxt/forbidden": "robots"}


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        """Say whether extraction's compiled walk runs (:mod:`newscrawl.extraction._compiled`):
        a crawl without it is slower, and the log and stats are where that shows."""
        self.stats.set_value("newscrawl/speedups", int(SPEEDUPS))
        logger.info("speedups: %s", "on" if SPEEDUPS else "off")

    def summary_lines(self) -> list[str]:
        stats = self.stats.get_stats()
        lines = [
            f"pages fetched: {stats.get('response_received_count', 0)}",
            f"articles found: {stats.get('newscrawl/articles_found', 0)}",
            f"items written: {stats.get('item_scraped_count', 0)}"
            f" (updated articles: {stats.get('newscrawl/updated', 0)},"
            f" near-duplicates: {stats.get('newscrawl/near_duplicates', 0)})",
        ]
        for label, prefix in _GROUPS:
            found = [(k[len(prefix):], v) for k, v in stats.items() if k.startswith(prefix)]
            if prefix == "newscrawl/skipped/":
                found += [(name, stats[k]) for k, name in _SCRAPY_SKIPS.items() if stats.get(k)]
            counts = sorted(found, key=lambda kv: (-kv[1], kv[0]))
            total = sum(v for _, v in counts)
            detail = ", ".join(f"{name}={n}" for name, n in counts) or "none"
            lines.append(f"{label}: {total} ({detail})")
        return lines

    def spider_closed(self, spider: Spider, reason: str) -> None:
        logger.info("newscrawl summary (%s):\n  %s", reason, "\n  ".join(self.summary_lines()))
