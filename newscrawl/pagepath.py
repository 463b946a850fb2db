"""What a read page becomes: the one decision a crawl's ``parse_page`` and ``warc`` share.

:func:`page_outcome` takes a page as :func:`newscrawl.api.read_page` read it and says
what the page is for the crawl: an article item's fields (before cleaning), a page whose
article is another on-site page (its canonical twin, which a crawl fetches instead),
or a page skipped with a reason (``unparseable``, ``not-article``, ``too-old``). It
imports no Scrapy, so that the page workers run it on archived records
(:mod:`newscrawl.archive.pages`) exactly as the ``news`` spider runs it on fetched pages
(:meth:`newscrawl.spiders.news.NewsSpider.parse_page`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newscrawl.discovery.feeds import looks_like_feed
from newscrawl.discovery.sitemaps import looks_like_sitemap
from newscrawl.discovery.urls import page_key, strip_tracking
from newscrawl.output.assemble import date_from_listing, item_fields

if TYPE_CHECKING:
    from newscrawl.api import PageRead
    from newscrawl.discovery.sites import Site


@dataclass(slots=True)
class PageOutcome:
    """What a read page gives: ``fields`` (an article), ``canonical`` (read that page
    instead) or ``skip`` (a reason); ``stats`` are ``newscrawl/<name>`` counts to add."""

    fields: dict[str, Any] | None = None
    canonical: str | None = None
    skip: str | None = None
    stats: list[str] = field(default_factory=list)


def body_kind(body: bytes) -> str:
    """``feed``, ``sitemap`` or ``page``: how a crawl reads an HTML response's body."""
    if looks_like_feed(body):
        return "feed"
    if looks_like_sitemap(body):
        return "sitemap"
    return "page"


def canonical_target(canonical: str | None, url: str, site: Site,
                     via_canonical: bool = False) -> str | None:
    """The on-site page that the page at ``url`` names as canonical, when it is another.

    An AMP twin or a copy under other query parameters names its article; the article
    is read instead (once) and only it becomes an item. A page reached through its twin
    (``via_canonical``), or naming an off-site canonical (syndication), is kept."""
    if not canonical or via_canonical:
        return None
    if page_key(canonical) == page_key(url) or not site.allows(canonical):
        return None
    return strip_tracking(canonical)


def page_outcome(page: PageRead, url: str, site: Site, *, listed: str | None = None,
                 via_canonical: bool = False,
                 too_old: Callable[[str | None], bool] = lambda _date: False) -> PageOutcome:
    """The crawl's decision for a read page (see module docstring).

    ``listed`` is the date a feed or sitemap (or the WARC record) gave the page, used when
    the page has none; ``too_old(date)`` is the crawl's date filter."""
    extraction = page.extraction
    if extraction is None:
        return PageOutcome(skip="unparseable")
    if not page.verdict.is_article:
        return PageOutcome(skip="not-article")
    target = canonical_target(extraction.canonical_url, url, site, via_canonical)
    if target is not None:
        return PageOutcome(canonical=target)
    if too_old(extraction.published or listed):
        return PageOutcome(skip="too-old")
    fields = item_fields(extraction, url, canonical=page.canonical_url, verdict=page.verdict)
    stats = ["articles_found"]
    dating = date_from_listing(fields, listed)
    if dating != "page":  # newscrawl/dated_by_listing, newscrawl/undated
        stats.append(dating)
    return PageOutcome(fields=fields, stats=stats)
