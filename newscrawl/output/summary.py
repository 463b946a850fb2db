"""End-of-crawl summary: items written, drops and skips by reason, in the log.

The same figures are in the stats (``newscrawl/…`` keys); this extension only
reads them back and logs them in one block so that a person sees at a glance
what a crawl produced and what it threw away.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

from newscrawl.output.emitted import store_label

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_GROUPS = (
    ("dropped items", "newscrawl/dropped/"),
    ("skipped pages", "newscrawl/skipped/"),
    ("failed requests", "newscrawl/failed/"),
    ("removed paragraphs", "newscrawl/removed/"),
    ("extraction errors", "newscrawl/extraction-errors/"),
)
#: Groups shown only when not empty.
_WHEN_FOUND = ("newscrawl/extraction-errors/",)
#: Scrapy's own counters of pages it skipped, shown in the skipped line under these names.
_SCRAPY_SKIPS = {"robotstxt/forbidden": "robots"}


#: Stats of articles an incremental crawl did not write because an earlier run had.
_HELD_BACK = ("newscrawl/dropped/already-emitted", "newscrawl/skipped/already-emitted")


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def summary_lines(self) -> list[str]:
        stats = self.stats.get_stats()
        lines = [
            f"pages fetched: {stats.get('response_received_count', 0)}",
            f"articles found: {stats.get('newscrawl/articles_found', 0)}"
            f" (undated: {stats.get('newscrawl/undated', 0)},"
            f" dated by their feed or sitemap entry: {stats.get('newscrawl/dated_by_listing', 0)})",
            f"items written: {stats.get('item_scraped_count', 0)}"
            f" (updated articles: {stats.get('newscrawl/updated', 0)},"
            f" near-duplicates: {stats.get('newscrawl/near_duplicates', 0)})",
        ]
        for label, prefix in _GROUPS:
            found = [(k[len(prefix):], v) for k, v in stats.items() if k.startswith(prefix)]
            if prefix == "newscrawl/skipped/":
                found += [(name, stats[k]) for k, name in _SCRAPY_SKIPS.items() if stats.get(k)]
            if not found and prefix in _WHEN_FOUND:
                continue
            counts = sorted(found, key=lambda kv: (-kv[1], kv[0]))
            total = sum(v for _, v in counts)
            detail = ", ".join(f"{name}={n}" for name, n in counts) or "none"
            lines.append(f"{label}: {total} ({detail})")
        held = self.held_back_line()
        if held:
            lines.insert(3, held)
        return lines

    def held_back_line(self) -> str | None:
        """Why an incremental crawl wrote less than it found, and how to have it all."""
        held = sum(self.stats.get_value(key, 0) for key in _HELD_BACK)
        if not held:
            return None
        settings = self.crawler.settings
        label = store_label(settings, self.crawler.spider)
        if settings.get("NEWSCRAWL_REDIS_URL"):
            return (f"held back {held} articles already written by this fleet "
                    f"(store {label}): a fleet writes each article once")
        return (f"held back {held} articles already written by earlier runs "
                f"(store {label}); -s NEWSCRAWL_STORE= writes them again")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        logger.info("newscrawl summary (%s):\n  %s", reason, "\n  ".join(self.summary_lines()))
