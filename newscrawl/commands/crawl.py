"""``scrapy crawl``: Scrapy's own command, with a user's mistake at start-up shown as one
logged line (and exit status 1) instead of asyncio's "Task exception was never retrieved"
and a traceback.

The mistakes are those of :data:`USER_ERRORS`: no sample site for the no-argument demo, a
rule, profile, sites or data file that cannot be used, package data missing from the
install. Their messages say what to do; a traceback would only hide them. Any other
exception is logged with its traceback, as before.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred

from newscrawl.cleaning.rules import RuleFileError
from newscrawl.datafiles import DataFileError
from newscrawl.discovery.sites import SitesFileError
from newscrawl.extraction.profiles import ProfileError
from newscrawl.spiders.news import SamplesNotFound

if TYPE_CHECKING:
    import argparse

    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: Exceptions that are a user's to fix, shown as their message alone.
USER_ERRORS: tuple[type[Exception], ...] = (
    SamplesNotFound, RuleFileError, ProfileError, SitesFileError, DataFileError)


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        crawl = self.crawler_process.crawl(self._create_crawler(args[0]), **opts.spargs)
        if isinstance(crawl, Deferred):  # CrawlerProcess (FORCE_CRAWLER_PROCESS)
            crawl.addErrback(_log_user_error)
        self.crawler_process.start()
        if isinstance(crawl, asyncio.Task) and crawl.done() and not crawl.cancelled():
            _log_task_error(crawl)
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1


def _log_user_error(failure: Failure) -> Failure | None:
    """Errback of a Twisted crawl: a user error becomes one logged line."""
    if failure.check(*USER_ERRORS):
        logger.error("%s", failure.value)
        return None
    return failure


def _log_task_error(task: asyncio.Task[Any]) -> None:
    """The exception an asyncio crawl ended with, logged: its message alone for a user
    error, with the traceback otherwise (reading it keeps asyncio from logging it again)."""
    error = task.exception()
    if error is None:
        return
    if isinstance(error, USER_ERRORS):
        logger.error("%s", error)
    else:
        logger.error("the crawl failed to start", exc_info=error)
