"""newscrawl: news websites to clean, structured article data.

The offline entry point is :func:`extract_article`; the crawler is the Scrapy
project around it (``scrapy crawl news``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract_article"]
__version__ = "0.1.0"


def extract_article(html: str | bytes, url: str, **kwargs: Any) -> dict[str, Any] | None:
    """Extract and clean the article on one page (see :func:`newscrawl.api.extract_article`)."""
    from newscrawl.api import extract_article as _extract_article

    return _extract_article(html, url, **kwargs)
