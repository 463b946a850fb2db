"""The article's field names and id, without Scrapy.

:mod:`newscrawl.output.items` builds the Scrapy item from these. Extraction's offline
API (:func:`newscrawl.extract_article`) and the page workers need only the names and
the id, and so do not import Scrapy and Twisted (0.3 s at every start of a page
worker, which the first pages of a crawl wait for).
"""

from __future__ import annotations

import hashlib

#: Fields every written item has, in output order.
ARTICLE_FIELDS = (
    "id", "url", "canonical_url", "title", "subtitle", "authors", "author_organizations",
    "published", "modified", "language", "section", "tags", "site_name",
    "paragraphs", "subheadings", "body", "word_count", "crawled_at",
    "article_confidence", "article_reason",
    "removed",
)


def article_id(canonical_url: str) -> str:
    """A stable id for an article: a hash of its canonical URL.

    >>> article_id("https://example.com/a")
    'c4ed1c218d14a0f1'
    """
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]
