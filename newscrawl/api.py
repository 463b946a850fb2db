"""``extract_article``: the whole page-to-item path, offline, without Scrapy.

It runs the same steps as a crawl — extraction, article detection, cleaning,
validation — and returns the item a crawl would write for the page (minus
crawl-wide state: repetition counts across pages, the emitted-articles store).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from newscrawl.cleaning import Cleaner, load_rules
from newscrawl.discovery.detect import article_verdict
from newscrawl.extraction import extract
from newscrawl.output.assemble import apply_cleaning, item_fields
from newscrawl.output.items import ARTICLE_FIELDS
from newscrawl.output.validation import drop_reason

DEFAULT_MIN_WORDS = 40


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    """A cleaner with the bundled rules, built once per process."""
    return Cleaner(load_rules())


def extract_article(html: str | bytes, url: str, *, encoding: str | None = None,
                    min_words: int = DEFAULT_MIN_WORDS,
                    crawled_at: str | None = None) -> dict[str, Any] | None:
    """Extract and clean the article on one page; None when the page is not an article.

    ``html`` is the page as fetched (bytes are decoded like a browser would,
    using ``encoding`` as the HTTP header's charset when given).

    >>> item = extract_article(open("samples/world/index.html", "rb").read(),
    ...                        "https://www.dailyharbor.example/world/")  # doctest: +SKIP
    """
    extraction = extract(html, url, encoding=encoding)
    if extraction is None or not article_verdict(extraction, url).is_article:
        return None
    fields = item_fields(extraction, url, crawled_at)
    host = _host(fields["canonical_url"])
    result = default_cleaner().clean(fields["blocks"], language=extraction.language,
                                     site=host, title=extraction.title)
    fields = apply_cleaning(fields, result)
    if drop_reason(fields, min_words=min_words):
        return None
    return {name: fields[name] for name in ARTICLE_FIELDS if name in fields}


def _host(url: str) -> str:
    from urllib.parse import urlsplit
    return (urlsplit(url).hostname or "").removeprefix("www.")
