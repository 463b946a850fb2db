"""End-of-crawl summary: items written, drops and skips by reason, in the log.

The same figures are in the stats (``newscrawl/…`` keys); this extension
reads them back and logs them in one block so that a person sees at a glance
what a crawl produced and what it threw away.

It also counts ``newscrawl/fetched``, the responses the spider was handed (2xx answers
to its own requests; robots.txt is Scrapy's, error statuses are failures). A crawl that
ends with none — every start point failed or was refused — sets
``newscrawl/nothing_fetched`` and logs an error saying why; the ``crawl`` command then
exits with status 1 (:mod:`newscrawl.commands.crawl`). Workers of a distributed crawl
(``NEWSCRAWL_REDIS_URL``) are exempt: another worker may have fetched the batch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.http.request import NO_CALLBACK

from newscrawl.extraction._compiled import SPEEDUPS
from newscrawl.middlewares_safety import ALLOW_SETTING
from newscrawl.output.emitted import store_label

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

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
#: Responses handed to the spider (see the module docstring).
FETCHED = "newscrawl/fetched"
#: Set to 1 when a crawl fetched nothing: the ``crawl`` command's exit status is then 1.
NOTHING_FETCHED = "newscrawl/nothing_fetched"


#: Stats of articles an incremental crawl did not write because an earlier run had.
_HELD_BACK = ("newscrawl/dropped/already-emitted", "newscrawl/skipped/already-emitted")


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.distributed = bool(crawler.settings.get("NEWSCRAWL_REDIS_URL"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        """Say whether extraction's compiled walk runs (:mod:`newscrawl.extraction._compiled`):
        a crawl without it is slower, and the log and stats are where that shows."""
        self.stats.set_value("newscrawl/speedups", int(SPEEDUPS))
        logger.info("speedups: %s", "on" if SPEEDUPS else "off")

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if request.callback is not NO_CALLBACK and 200 <= response.status < 300:
            self.stats.inc_value(FETCHED)

    def reasons(self, prefix: str) -> dict[str, int]:
        """The counts under ``prefix`` (and Scrapy's own skips), by reason, largest first."""
        stats = self.stats.get_stats()
        found = [(k[len(prefix):], v) for k, v in stats.items() if k.startswith(prefix)]
        if prefix == "newscrawl/skipped/":
            found += [(name, stats[k]) for k, name in _SCRAPY_SKIPS.items() if stats.get(k)]
        return dict(sorted(found, key=lambda kv: (-kv[1], kv[0])))

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
            counts = self.reasons(prefix)
            if not counts and prefix in _WHEN_FOUND:
                continue
            detail = ", ".join(f"{name}={n}" for name, n in counts.items()) or "none"
            lines.append(f"{label}: {sum(counts.values())} ({detail})")
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

    def nothing_fetched_message(self) -> str:
        """Why nothing was fetched: the skips and failures, and the setting that allows
        private addresses when the address guard refused some."""
        parts = []
        for label, prefix in (("skipped", "newscrawl/skipped/"), ("failed", "newscrawl/failed/")):
            counts = self.reasons(prefix)
            if counts:
                parts.append(f"{label}: " + ", ".join(f"{k}={n}" for k, n in counts.items()))
        message = "nothing could be fetched: every start point failed or was refused"
        if parts:
            message += f" ({'; '.join(parts)})"
        if "unsafe-address" in self.reasons("newscrawl/skipped/"):
            message += (f"; loopback and private addresses are refused unless "
                        f"-s {ALLOW_SETTING}=True")
        return message + " (exit status 1)"

    def spider_closed(self, spider: Spider, reason: str) -> None:
        logger.info("newscrawl summary (%s):\n  %s", reason, "\n  ".join(self.summary_lines()))
        if not self.stats.get_value(FETCHED) and not self.distributed:
            self.stats.set_value(NOTHING_FETCHED, 1)
            logger.error("%s", self.nothing_fetched_message())
