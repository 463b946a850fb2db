"""A one-line progress display for crawls run on an interactive terminal.

Every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds the :class:`ProgressLine` extension
rewrites one line on standard error with pages fetched, items written, items dropped and
the fetch rate over the last minute::

    newscrawl 0:03:10  pages 412  items 97  drops 6  131 pages/min

It does nothing when standard error is not a terminal (logs redirected to a file, CI,
cron): there Scrapy's periodic ``LogStats`` lines remain the record. Log records that
arrive while the line is shown clear it first, so they start on a clean line.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from typing import TYPE_CHECKING, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

#: Seconds of history the pages-per-minute figure is computed over.
RATE_WINDOW = 60.0
_CLEAR = "\r\x1b[K"


def format_progress(*, pages: int, items: int, drops: int, pages_per_minute: float,
                    elapsed: float) -> str:
    """The progress line's text (no control characters).

    >>> format_progress(pages=412, items=97, drops=6, pages_per_minute=131.4, elapsed=190)
    'newscrawl 0:03:10  pages 412  items 97  drops 6  131 pages/min'
    """
    seconds = max(0, int(elapsed))
    clock = f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return (f"newscrawl {clock}  pages {pages}  items {items}  drops {drops}  "
            f"{pages_per_minute:.0f} pages/min")


def is_interactive(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (False for files, pipes and closed streams)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressLine:
    """Scrapy extension: the progress line, only when standard error is a terminal."""

    def __init__(self, stats: StatsCollector, interval: float, stream: TextIO) -> None:
        self.stats = stats
        self.interval = interval
        self.stream = stream
        self.started = time.monotonic()
        self.history: deque[tuple[float, int]] = deque()
        self.shown = False
        self.task: AsyncioLoopingCall | LoopingCall | None = None
        self._filter = _ClearBeforeLog(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler, stream: TextIO | None = None) -> ProgressLine:
        stream = stream if stream is not None else sys.stderr
        interval = crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL")
        if interval <= 0 or not is_interactive(stream):
            raise NotConfigured
        ext = cls(crawler.stats, interval, stream)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.attach()
        self.task = create_looping_call(self.show)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.finish()

    def attach(self) -> None:
        """Start the clock; make log handlers on the same stream clear the line first."""
        self.started = time.monotonic()
        for handler in self._handlers():
            handler.addFilter(self._filter)

    def finish(self) -> None:
        """Show the final figures, end the line, and detach from the log handlers."""
        self.show()
        self.stream.write("\n")
        self.stream.flush()
        self.shown = False
        for handler in self._handlers():
            handler.removeFilter(self._filter)

    def show(self) -> None:
        """Rewrite the line from the current stats."""
        self.stream.write(_CLEAR + self.line(time.monotonic()))
        self.stream.flush()
        self.shown = True

    def line(self, now: float) -> str:
        """The progress text at monotonic time ``now`` (records it for the rate)."""
        pages = self.stats.get_value("response_received_count", 0)
        self.history.append((now, pages))
        while len(self.history) > 1 and now - self.history[0][0] > RATE_WINDOW:
            self.history.popleft()
        then, pages_then = self.history[0]
        rate = (pages - pages_then) * 60 / (now - then) if now > then else 0.0
        return format_progress(pages=pages, items=self.stats.get_value("item_scraped_count", 0),
                               drops=self.stats.get_value("item_dropped_count", 0),
                               pages_per_minute=rate, elapsed=now - self.started)

    def clear(self) -> None:
        """Erase the line before something else is written to the terminal."""
        if self.shown:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self.shown = False

    def _handlers(self) -> list[logging.Handler]:
        return [h for h in logging.getLogger().handlers
                if getattr(h, "stream", None) is self.stream]


class _ClearBeforeLog(logging.Filter):
    """A handler filter that erases the progress line before a record is written."""

    def __init__(self, progress: ProgressLine) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True
