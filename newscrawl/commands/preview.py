"""``scrapy preview URL``: what a crawl makes of one page, fetched with the project's settings.

Prints the item's fields, then the story blocks in reading order — kept ones plain, each
removed one marked with the cleaning rule that removed it (red and struck through on a
terminal). ``--json`` prints the same as JSON. ``python -m newscrawl preview`` shares
this code and also takes a saved file.

    scrapy preview https://www.example-news.com/2024/05/03/story.html
    scrapy preview --json https://www.example-news.com/2024/05/03/story.html | jq .blocks
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.datatypes import SequenceExclude

from newscrawl.cleaning import Cleaner, load_rules
from newscrawl.extraction.profiles import PROFILE_DIR
from newscrawl.report.preview import Preview, preview_page, render_preview, site_profile

if TYPE_CHECKING:
    from argparse import ArgumentParser, Namespace
    from collections.abc import AsyncIterator

    from scrapy.crawler import CrawlerProcessBase
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

#: Settings a preview runs with on top of the project's (``-s`` still overrides them): no
#: feed file, no item pipelines (their stores stay untouched: a preview writes nothing), no
#: progress line or periodic stats, only warnings in the log.
PREVIEW_SETTINGS = {
    "FEEDS": {},
    "ITEM_PIPELINES": {},
    "LOG_LEVEL": "WARNING",
    "LOGSTATS_INTERVAL": 0,
    "NEWSCRAWL_PROGRESS_INTERVAL": 0,
}


@dataclass(slots=True)
class Fetched:
    """The outcome of fetching one URL: the response's parts, or an error message."""

    url: str
    body: bytes = b""
    encoding: str | None = None
    status: int = 0
    error: str | None = None


class PreviewSpider(scrapy.Spider):
    """Fetch one URL through the project's middlewares and keep the response."""

    name = "newscrawl-preview"

    def __init__(self, url: str, sink: list[Fetched], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.sink = sink

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed, dont_filter=True,
                             meta={"handle_httpstatus_list": SequenceExclude(range(300, 400))})

    def keep(self, response: Response) -> None:
        encoding = getattr(response, "encoding", None)
        self.sink.append(Fetched(response.url, response.body, encoding, response.status))

    def failed(self, failure: Failure) -> None:
        self.sink.append(Fetched(self.url, error=f"{failure.type.__name__}: {failure.value}"))


def fetch_url(process: CrawlerProcessBase, url: str) -> Fetched:
    """Fetch ``url`` with ``process`` (its settings: robots.txt, User-Agent, retries…)."""
    sink: list[Fetched] = []
    process.crawl(PreviewSpider, url=url, sink=sink)
    process.start()
    return sink[0] if sink else Fetched(url, error="nothing fetched (see the log)")


def preview_fetched(fetched: Fetched, settings: BaseSettings) -> Preview | None:
    """The preview of a fetched page, with the project's profiles and rule files; None on
    errors."""
    if fetched.error or fetched.status >= 400:
        return None
    cleaner = Cleaner(load_rules(settings.getlist("NEWSCRAWL_RULE_FILES")))
    profile = None
    if settings.getbool("NEWSCRAWL_PROFILES_ENABLED"):
        profile = site_profile(fetched.url,
                               [PROFILE_DIR, *settings.getlist("NEWSCRAWL_PROFILE_DIRS")])
    return preview_page(fetched.body, fetched.url, encoding=fetched.encoding, cleaner=cleaner,
                        min_words=settings.getint("NEWSCRAWL_MIN_WORDS"), profile=profile)


def print_preview(preview: Preview, *, as_json: bool, color: str,
                  out: TextIO | None = None) -> int:
    """Write the preview (text or JSON); 0 for an article, 1 for any other page."""
    out = out or sys.stdout
    if as_json:
        json.dump(preview.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        use_color = color == "always" or (color == "auto" and out.isatty())
        out.write(render_preview(preview, color=use_color))
    return 0 if preview.is_article else 1


def add_output_options(parser: ArgumentParser) -> None:
    """``--json`` and ``--color``, shared by ``scrapy preview`` and ``python -m newscrawl``."""
    parser.add_argument("--json", action="store_true", help="print the preview as JSON")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text: auto (on a terminal), always or never")


def fetch_error(fetched: Fetched) -> str:
    """A one-line message for a failed fetch."""
    return fetched.error or f"HTTP {fetched.status}"


def apply_preview_settings(settings: BaseSettings) -> None:
    """Put :data:`PREVIEW_SETTINGS` above the project's settings, below the command line's."""
    settings.setdict(PREVIEW_SETTINGS, priority="spider")


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <url>"

    def short_desc(self) -> str:
        return "Show the item of one page, with removed paragraphs and their rules"

    def long_desc(self) -> str:
        return __doc__ or self.short_desc()

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        add_output_options(parser)

    def process_options(self, args: list[str], opts: Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        apply_preview_settings(self.settings)

    def run(self, args: list[str], opts: Namespace) -> None:
        if len(args) != 1 or "://" not in args[0]:
            raise UsageError("give one URL (for a saved file: python -m newscrawl preview FILE)")
        assert self.crawler_process is not None and self.settings is not None
        fetched = fetch_url(self.crawler_process, args[0])
        preview = preview_fetched(fetched, self.settings)
        if preview is None:
            print(f"{args[0]}: {fetch_error(fetched)}", file=sys.stderr)
            self.exitcode = 1
            return
        self.exitcode = print_preview(preview, as_json=opts.json, color=opts.color)
