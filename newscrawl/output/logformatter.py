"""How dropped items are logged: expected drops in one short line, the rest as Scrapy does.

Scrapy logs every dropped item at WARNING with the whole item pretty-printed
(``Dropped: <reason>`` and the item's repr, kilobytes per article). Most of
newscrawl's drops are the crawl working as intended — an article already written by
an earlier run, a second URL of one article, a page too short to be a story — and a
re-run of a scheduled crawl drops almost everything it finds. Those drops are raised
with a ``log_level`` below WARNING (``DropItem(message, log_level=…)``, Scrapy 2.13;
see :data:`EXPECTED_DROPS`) and :class:`NewsLogFormatter` (``LOG_FORMATTER``) logs them
as one line, ``dropped (<reason>): <url>``, without the item. Each is counted under
``newscrawl/dropped/<reason>`` and in the end-of-crawl summary. A drop nobody expects
(``schema-invalid``: a bug in newscrawl's output) keeps Scrapy's WARNING with the item,
which is what one needs to see to fix it; errors in pipelines stay Scrapy's ERROR.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure

#: Drop reasons that are the crawl working as intended: logged at DEBUG in one line.
EXPECTED_DROPS = frozenset({
    "already-emitted",     # written by an earlier run (or another worker of a fleet)
    "update-not-emitted",  # changed, but NEWSCRAWL_EMIT_UPDATES is off
    "near-duplicate",      # NEWSCRAWL_DROP_NEAR_DUPLICATES asked for it
    "duplicate",           # a second URL of one article in this crawl
    "too-short",           # fewer than NEWSCRAWL_MIN_WORDS words
    "no-title",            # a page without a headline
})
#: The level of an expected drop's line: DEBUG, like Scrapy's "Filtered duplicate request"
#: and newscrawl's "skipped (<reason>): <url>"; the summary counts them at INFO.
EXPECTED_DROP_LEVEL = "DEBUG"
DROPPED_LINE = "dropped (%(reason)s): %(url)s%(detail)s"


def drop_level(reason: str) -> str | None:
    """The ``log_level`` of a ``DropItem`` for ``reason``: DEBUG when expected, else None
    (Scrapy's ``DEFAULT_DROPITEM_LOG_LEVEL``, WARNING)."""
    return EXPECTED_DROP_LEVEL if reason in EXPECTED_DROPS else None


class NewsLogFormatter(LogFormatter):
    """``LOG_FORMATTER``: a drop below WARNING is one line (reason and URL), not the item."""

    def dropped(self, item: Any, exception: BaseException,
                response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        if result["level"] >= logging.WARNING:
            return result
        reason = getattr(exception, "reason", None)  # see output/pipelines.py: reasoned_drop
        if reason is None:  # another pipeline's quiet DropItem: its message, no item
            return {"level": result["level"], "msg": "dropped: %(exception)s",
                    "args": {"exception": exception}}
        detail = getattr(exception, "detail", "")
        return {"level": result["level"], "msg": DROPPED_LINE,
                "args": {"reason": reason, "url": getattr(exception, "url", ""),
                         "detail": f" ({detail})" if detail else ""}}
