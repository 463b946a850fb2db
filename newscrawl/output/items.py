"""The article item: one JSON object per article in the JSON Lines output.

The field list (:data:`~newscrawl.output.fields.ARTICLE_FIELDS`, kept with the article
id in the Scrapy-free :mod:`newscrawl.output.fields`), the item class here, the JSON
Schema in ``newscrawl/schema/article.schema.json`` and the README's table describe the
same thing; ``tests/test_schema.py`` fails when they drift apart.
"""

from __future__ import annotations

import scrapy

from newscrawl.output.fields import ARTICLE_FIELDS, article_id

__all__ = ["ARTICLE_FIELDS", "ArticleItem", "article_id"]


class ArticleItem(scrapy.Item):
    """One news article, as written to the feed."""

    id = scrapy.Field()
    """Stable identifier: the first 16 hex digits of the SHA-1 of the canonical URL."""
    url = scrapy.Field()
    """The URL the page was fetched from (after redirects)."""
    canonical_url = scrapy.Field()
    """The page's own canonical URL (rel=canonical, og:url), canonicalised; else ``url``."""
    title = scrapy.Field()
    """The headline, without the " | Site Name" suffix."""
    subtitle = scrapy.Field()
    """The standfirst / summary under the headline, or null. Also the first paragraph."""
    authors = scrapy.Field()
    """Names of the people who wrote the article (no "By", roles or e-mail addresses)."""
    author_organizations = scrapy.Field()
    """Organisations credited as author (news agencies, desks)."""
    published = scrapy.Field()
    """Publication time as ``YYYY-MM-DDTHH:MM:SS±HH:MM``, or null: the page's own offset
    when it gives one, else UTC (a time without a zone is taken as UTC, a bare date as its
    midnight UTC). An undated page listed with a date by a feed or sitemap entry has that
    date here and a null ``published_raw``."""
    published_raw = scrapy.Field()
    """The page's own text ``published`` was read from (a meta ``content``, a JSON-LD
    value, a ``<time datetime>``, a date line by the headline, the URL's date), or null."""
    modified = scrapy.Field()
    """Last modification time, in the same form as ``published``, or null."""
    modified_raw = scrapy.Field()
    """The page's own text ``modified`` was read from, or null."""
    language = scrapy.Field()
    """ISO 639-1 code from the page's markup, else detected from the body."""
    section = scrapy.Field()
    """The publisher's section (e.g. "World"), or null."""
    tags = scrapy.Field()
    """Keywords / tags the publisher attached."""
    site_name = scrapy.Field()
    """The publication's name (og:site_name, JSON-LD publisher)."""
    paragraphs = scrapy.Field()
    """The body: lead first, then story paragraphs, list items and quotes, in order."""
    subheadings = scrapy.Field()
    """Cross-headings inside the story, in order (not part of ``paragraphs``)."""
    body = scrapy.Field()
    """``paragraphs`` joined by blank lines."""
    word_count = scrapy.Field()
    """Number of words in ``body``."""
    crawled_at = scrapy.Field()
    """When the page was fetched, in the same form as ``published`` (offset ``+00:00``)."""
    article_confidence = scrapy.Field()
    """How sure article detection was that the page is an article, 0..1 (0.5 and
    above: yes); a level per deciding signal (:data:`newscrawl.discovery.detect.CONFIDENCE`)."""
    article_reason = scrapy.Field()
    """The signal that decided: ``jsonld-type``, ``og-type``, ``url-shape``, ``body`` …"""
    removed = scrapy.Field()
    """Paragraphs the cleaning dropped: ``[{"text": …, "rule": …}]``.
    Left out when ``NEWSCRAWL_KEEP_REMOVED`` is False."""
    version = scrapy.Field()
    """1 when first written; n+1 each time a later crawl found its text changed."""
    content_hash = scrapy.Field()
    """SHA-1 of ``body``: how a later crawl tells that the text changed."""
    duplicate_of = scrapy.Field()
    """``id`` of the first article with a near-identical body (a syndicated copy), or null."""
    blocks = scrapy.Field()
    """Internal: the candidate text blocks handed from extraction to cleaning.
    The cleaning pipeline replaces them with ``paragraphs``; never written."""
