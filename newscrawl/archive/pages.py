"""Archived records into page outcomes: the ``warc`` run's page work, in batches.

:func:`read_records` takes the raw bytes of a batch of WARC records (as
:func:`newscrawl.archive.records.record_blocks` cuts a file) and runs each one through
what a crawl does to a fetched page, in a page worker (or in the crawl process when
``NEWSCRAWL_PAGE_WORKERS = 0``):

1. the record parsed and decoded (:func:`newscrawl.archive.records.parse_record`), skipped
   with its reason when it is bad input or not an HTML response;
2. :class:`RecordFilter`: ``redirect``, ``http-error``, ``robots``, ``not-http``,
   ``off-domain``, ``date`` (``--date record``);
3. the HTTP response a crawl's downloader would hand its spider: :func:`archived_response`
   (also :class:`newscrawl.archive.spider.ArchiveResponder`'s answer) and the crawl's
   charset rule (:class:`newscrawl.middlewares_safety.CharsetMiddleware`);
4. the ``news`` spider's page path: not-HTML, feed and sitemap bodies
   (:func:`newscrawl.pagepath.body_kind`; a feed or sitemap goes back to the spider as
   it is), :func:`newscrawl.api.read_page` and :func:`newscrawl.pagepath.page_outcome`
   (canonical twins, dates), then ``--language``.

The item's fields come back before cleaning: the crawl process sends them to the
cleaning worker of their site (:func:`newscrawl.pageworker.clean_many_in_worker`), as the
crawl's cleaning pipeline does, so that repetition counts see every page of a site.
The crawl process keeps only what needs the whole run: the progress of files, the
``resumed`` check, the stats, the item pipelines and the feeds
(:class:`newscrawl.archive.spider.WarcSpider`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newscrawl.api import read_page
from newscrawl.archive.records import ArchivedResponse, FileCounts, Skipped, parse_record
from newscrawl.discovery.sites import Site
from newscrawl.discovery.urls import site_of
from newscrawl.extraction.dates import parse_datetime
from newscrawl.extraction.profiles import find_profile_in
from newscrawl.pagepath import body_kind, page_outcome

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from scrapy.http import Request, Response

    from newscrawl.extraction.profiles import Profile

@dataclass(slots=True)
class RecordFilter:
    """The ``warc`` run's filters on a record and on an article's date."""

    domains: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    date_of: str = "article"
    languages: frozenset[str] = frozenset()

    def status_problem(self, entry: ArchivedResponse) -> str | None:
        """``redirect`` or ``http-error``: a crawl makes no item of those either."""
        if 300 <= entry.status < 400:
            return "redirect"
        if not 200 <= entry.status < 300:
            return "http-error"
        return None

    def unwanted(self, entry: ArchivedResponse) -> str | None:
        """Why the record is not read, after its status (None: read it)."""
        if entry.url.rsplit("?", 1)[0].endswith("/robots.txt"):
            return "robots"
        if not entry.url.startswith(("http://", "https://")):
            return "not-http"
        if self.domains:
            host = site_of(entry.url)
            if not any(host == d or host.endswith("." + d) for d in self.domains):
                return "off-domain"
        if self.date_of == "record" and self.out_of_range(entry.date):
            return "date"
        return None

    def too_old(self, published: str | None) -> bool:
        return self.date_of == "article" and self.out_of_range(published)

    def out_of_range(self, value: str | None) -> bool:
        """True when the date is before ``since`` or after ``until`` (undated: kept)."""
        if not value or (self.since is None and self.until is None):
            return False
        date = parse_datetime(value)
        if date is None:
            return False
        return bool((self.since and date < self.since) or (self.until and date > self.until))

    def language_ok(self, language: str | None) -> bool:
        return not self.languages or (language or "").lower() in self.languages


@dataclass(slots=True)
class ReadOptions:
    """What a batch of records is read with (plain values: sent to the page workers)."""

    filters: RecordFilter
    max_size: int
    profile_dirs: list[Path | Traversable] = field(default_factory=list)
    profiles_enabled: bool = True
    shared_tree: bool = False
    """Reuse Scrapy's parse of the page (``NEWSCRAWL_PAGE_WORKERS = 0``, as a crawl does)."""


@dataclass(slots=True)
class RecordOutcome:
    """What one record gave: an item's fields (``fields``, before cleaning), a feed or
    sitemap for the spider (``document``), or a skip (``skip``: ``newscrawl/skipped/<skip>``,
    ``warc-<reason>`` for the run's own reasons, the crawl's names for the page path's:
    ``not-html``, ``not-article``, ``unparseable``, ``too-old``)."""

    offset: int
    url: str = ""
    skip: str | None = None
    detail: str = ""
    empty: bool = False
    """The record is no response (a request, warcinfo, metadata…): nothing to read."""
    answered: bool = False
    """The record passed the status check: a ``resumed`` run may skip it as such."""
    read: bool = False
    """The record passed every filter: its response was read as a page."""
    truncated: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)
    stats: list[str] = field(default_factory=list)
    fields: dict[str, Any] | None = None
    document: ArchivedResponse | None = None


def archived_response(entry: ArchivedResponse, request: Request | None = None,
                      flags: list[str] | None = None) -> Response:
    """The Scrapy response of an archived HTTP response (the class its headers and body
    call for: ``HtmlResponse``, ``TextResponse``, ``Response``…)."""
    from scrapy.http import Headers
    from scrapy.responsetypes import responsetypes

    headers = Headers(entry.headers)
    cls = responsetypes.from_args(headers=headers, url=entry.url, body=entry.body)
    return cls(url=entry.url, status=entry.status, headers=headers, body=entry.body,
               flags=list(flags or ()), request=request)


_sites: dict[str, Site] = {}


def host_site(url: str) -> Site:
    """The site of the URL's own host: its on-site canonical links count as such."""
    host = site_of(url) or "warc"
    site = _sites.get(host)
    if site is None:
        site = _sites[host] = Site(host, allowed_domains=[host])
    return site


def read_records(records: list[tuple[int, bytes]], options: ReadOptions
                 ) -> tuple[list[RecordOutcome], Counter[str]]:
    """One outcome per record (see module docstring), and the records read by type."""
    counts = FileCounts()
    outcomes: list[RecordOutcome] = []
    for offset, data in records:
        entries = list(parse_record(data, offset, options.max_size, counts))
        outcomes.extend(read_record(entry, options) for entry in entries)
        if not entries:  # not a response record
            outcomes.append(RecordOutcome(offset, empty=True))
    return outcomes, counts.records


def read_record(entry: ArchivedResponse | Skipped, options: ReadOptions) -> RecordOutcome:
    if isinstance(entry, Skipped):
        return RecordOutcome(entry.offset, entry.url, f"warc-{entry.reason}", entry.detail)
    filters = options.filters
    outcome = RecordOutcome(entry.offset, entry.url)
    reason = filters.status_problem(entry)
    if reason is not None:
        outcome.skip = f"warc-{reason}"
        return outcome
    outcome.answered = True
    reason = filters.unwanted(entry)
    if reason is not None:
        outcome.skip = f"warc-{reason}"
        return outcome
    outcome.read = True
    outcome.truncated = bool(entry.truncated)
    from scrapy.http import TextResponse

    from newscrawl.middlewares_safety import CharsetMiddleware

    response = CharsetMiddleware().process_response(None, archived_response(entry))  # type: ignore[arg-type]
    if not isinstance(response, TextResponse):
        outcome.skip = "not-html"
        return outcome
    if body_kind(response.body) != "page":
        outcome.document = entry  # the spider follows nothing, but counts what it finds
        return outcome
    site = host_site(entry.url)
    profile: Profile | None = (find_profile_in(entry.url, options.profile_dirs)
                               if options.profiles_enabled else None)
    tree = None
    if options.shared_tree:
        from newscrawl.spiders.news import _shared_tree

        tree = _shared_tree(response)
    page = read_page(response.body, entry.url, encoding=response.encoding, profile=profile,
                     article_pattern=site.article_pattern, tree=tree)
    outcome.problems = page.problems
    decided = page_outcome(page, entry.url, site, listed=entry.date or None,
                           too_old=filters.too_old)
    if decided.canonical is not None:
        outcome.skip = "warc-canonical-elsewhere"
    elif decided.skip is not None:
        outcome.skip = decided.skip
    elif decided.fields is not None and not filters.language_ok(decided.fields.get("language")):
        outcome.skip = "warc-language"
        outcome.stats = decided.stats
    else:
        outcome.fields, outcome.stats = decided.fields, decided.stats
    return outcome
