"""Retries that back off: Scrapy's RetryMiddleware, waiting before a 429/503 retry.

Scrapy retries a ``429 Too Many Requests`` or ``503 Service Unavailable`` at
once, which is the opposite of what the server asked for. :class:`BackoffRetryMiddleware`
waits first: the number of seconds (or the HTTP date) in the response's
``Retry-After`` header, else an exponential backoff (``NEWSCRAWL_RETRY_BACKOFF``
seconds, doubled on each further retry) — both capped by
``NEWSCRAWL_RETRY_AFTER_MAX``. Other retry codes and network errors are retried
as Scrapy does. It replaces ``scrapy.downloadermiddlewares.retry.RetryMiddleware``
in ``DOWNLOADER_MIDDLEWARES`` and reads the same ``RETRY_*`` settings.

The wait is an ``async`` sleep inside ``process_response``: the request stays
in the downloader meanwhile (so the crawl does not end early), other requests go on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

try:
    from scrapy.utils.asyncio import sleep
except ImportError:  # Scrapy < 2.18: the project's reactor is asyncio's
    from asyncio import sleep  # type: ignore[assignment]  # the same call: sleep(seconds)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

#: Status codes whose retry waits (the server asked us to slow down).
BACKOFF_CODES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The delay a ``Retry-After`` header asks for, in seconds; None when absent or unreadable.

    >>> retry_after_seconds(b"120")
    120.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT",
    ...                     now=datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc))
    30.0
    >>> retry_after_seconds(b"soon") is None
    True
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry like Scrapy, but wait before retrying a 429 or 503 (see the module doc)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSCRAWL_RETRY_BACKOFF")
        self.max_wait = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    # Scrapy awaits a coroutine process_response (2.13+); its RetryMiddleware stub declares
    # the older synchronous method with a spider argument.
    async def process_response(  # type: ignore[override]
            self, request: Request, response: Response) -> Request | Response:
        if (request.meta.get("dont_retry", False)
                or response.status not in self.retry_http_codes):
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if response.status in BACKOFF_CODES:
            await self.wait(request, response)
        return retry

    def delay_for(self, request: Request, response: Response) -> float:
        """Seconds to wait: ``Retry-After`` when given, else exponential backoff; capped."""
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            asked = self.backoff * 2 ** request.meta.get("retry_times", 0)
        return min(asked, self.max_wait)

    async def wait(self, request: Request, response: Response) -> None:
        delay = self.delay_for(request, response)
        if delay <= 0:
            return
        self.crawler.stats.inc_value("newscrawl/retry/backoff_count")
        # StatsCollector annotates counts as int; they are added, so seconds (float) work
        self.crawler.stats.inc_value("newscrawl/retry/backoff_seconds",
                                     delay)  # type: ignore[arg-type]
        logger.info("HTTP %s from %s: retrying in %.1f s", response.status, request.url, delay)
        await sleep(delay)
