"""``scrapy crawl``, with an exit status a scheduler can act on.

Scrapy's own ``crawl`` command exits 1 only when the spider could not be created, and then
after the asyncio traceback of its start-up machinery. This one (it replaces Scrapy's:
``COMMANDS_MODULE`` commands are merged over the built-in ones) exits

- **0** when the crawl ran and fetched something;
- **1** when it fetched nothing — every start point failed or was refused (the summary's
  ``newscrawl/nothing_fetched`` stat, see :mod:`newscrawl.output.summary`) — or could not
  start because of a bug (its traceback is printed);
- **2** for a mistake in how it was started (an unknown spider or ``-a`` argument, a bad
  ``since``, a missing or broken sites file…: a :class:`~newscrawl.errors.UserError`),
  printed as one line ``newscrawl: error: …`` without a traceback, as Scrapy's own usage
  errors (an unknown option) exit 2.

scrapyd runs jobs through this command too (``scrapyd.runner`` calls Scrapy's
``execute()``): the process of a job whose crawl fetched nothing exits 1.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred

from newscrawl.errors import UserError
from newscrawl.output.summary import NOTHING_FETCHED

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

EXIT_NOTHING_FETCHED = 1
EXIT_USER_ERROR = 2


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        names = self.crawler_process.spider_loader.list()
        if args[0] not in names:  # Scrapy's loader would raise a KeyError with a traceback
            print(f"newscrawl: error: no spider {args[0]!r} (this project has: "
                  f"{', '.join(sorted(names))})", file=sys.stderr)
            self.exitcode = EXIT_USER_ERROR
            return
        crawler = self._create_crawler(args[0])
        outcome = _Outcome(self.crawler_process.crawl(crawler, **opts.spargs))
        self.crawler_process.start()
        error = outcome.error()
        if isinstance(error, UserError):
            print(f"newscrawl: error: {error}", file=sys.stderr)
            self.exitcode = EXIT_USER_ERROR
        elif error is not None:
            raise error  # a bug: Python prints the traceback and exits 1
        elif self.crawler_process.bootstrap_failed or _fetched_nothing(crawler):
            self.exitcode = EXIT_NOTHING_FETCHED


class _Outcome:
    """What became of one crawl: the exception it ended with, if any.

    Taking the exception from the asyncio task (or the Deferred) marks it as handled, so
    that asyncio does not log it again as "Task exception was never retrieved".
    """

    def __init__(self, done: Any) -> None:
        self.done = done
        self.failure: Failure | None = None
        if isinstance(done, Deferred):
            done.addErrback(self._keep)

    def _keep(self, failure: Failure) -> None:
        self.failure = failure

    def error(self) -> BaseException | None:
        if isinstance(self.done, asyncio.Future):
            if not self.done.done() or self.done.cancelled():
                return None
            return self.done.exception()
        return self.failure.value if self.failure is not None else None


def _fetched_nothing(crawler: Crawler) -> bool:
    return bool(crawler.stats and crawler.stats.get_value(NOTHING_FETCHED))
