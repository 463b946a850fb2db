"""The two things a leasing scheduler needs from Scrapy's engine that it does not publish.

- which requests the engine still works on: a request leaves ``engine._slot.inprogress``
  only after its response (or failure) went through the callback, the item pipelines
  and the feed, and after the requests it produced were scheduled — exactly when its
  lease may go;
- a way to make an idle engine ask the scheduler again now rather than at its next
  5-second heartbeat, when other workers put requests in the shared frontier.

Both live on the engine's private slot (Scrapy 2.13 to 2.19, checked when the scheduler
opens): kept here, in one place, so a Scrapy upgrade has one file to look at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

UNSUPPORTED = ("newscrawl.distributed needs Scrapy's engine slot (engine._slot.inprogress, "
               "Scrapy 2.13-2.19); this Scrapy version does not have it")


def in_progress(crawler: Crawler) -> set[Request] | None:
    """The requests the engine has taken from the scheduler and not finished; None when
    the engine has no open spider (closing): then nothing can be said."""
    slot = getattr(crawler.engine, "_slot", None)
    return getattr(slot, "inprogress", None) if slot is not None else None


def wake(crawler: Crawler) -> None:
    """Make the engine ask the scheduler for requests on the next reactor turn."""
    slot = getattr(crawler.engine, "_slot", None)
    if slot is not None:
        slot.nextcall.schedule()
