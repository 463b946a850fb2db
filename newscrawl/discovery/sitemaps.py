"""Read XML sitemaps and sitemap indexes, including Google News sitemaps.

Scrapy's own sitemap parser drops the ``news:`` fields, so we read them here:
``news:publication_date`` lets a ``since`` window skip old articles before any
request is made, and ``news:title`` is kept for the logs. Sitemaps announced in
robots.txt (``Sitemap:`` lines) are read with protego, the parser Scrapy uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from protego import Protego

from newscrawl.extraction.dates import parse_datetime

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
_LOCS = etree.XPath("*[local-name()='url' or local-name()='sitemap']")
_TEXT = {
    "loc": etree.XPath("string(*[local-name()='loc'])"),
    "lastmod": etree.XPath("string(*[local-name()='lastmod'])"),
    "news_date": etree.XPath(
        "string(*[local-name()='news']/*[local-name()='publication_date'])"),
    "news_title": etree.XPath("string(*[local-name()='news']/*[local-name()='title'])"),
}


@dataclass(slots=True)
class SitemapEntry:
    url: str
    is_sitemap: bool = False
    """True for the entries of a sitemap index (they are sitemaps themselves)."""
    published: str | None = None
    """``news:publication_date``, else ``lastmod``, as ISO 8601."""
    title: str | None = None


def looks_like_sitemap(body: bytes) -> bool:
    head = body[:2048]
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(body: bytes, base_url: str) -> list[SitemapEntry]:
    """The entries of a sitemap or sitemap index; [] for anything else.

    >>> parse_sitemap(b'<urlset><url><loc>a.html</loc><news><publication_date>2024-05-03'
    ...               b'</publication_date><title>A</title></news></url></urlset>', "https://ex.com/s.xml")
    [SitemapEntry(url='https://ex.com/a.html', is_sitemap=False, published='2024-05-03T00:00:00+00:00', title='A')]
    """
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None or etree.QName(root).localname not in ("urlset", "sitemapindex"):
        return []
    is_index = etree.QName(root).localname == "sitemapindex"
    entries = []
    for node in _LOCS(root):
        loc = _TEXT["loc"](node).strip()
        if not loc:
            continue
        date = parse_datetime(_TEXT["news_date"](node)) or parse_datetime(_TEXT["lastmod"](node))
        title = " ".join(_TEXT["news_title"](node).split()) or None
        entries.append(SitemapEntry(urljoin(base_url, loc), is_index,
                                    date.isoformat() if date else None, title))
    return entries


def robots_sitemaps(body: bytes, robots_url: str) -> list[str]:
    """The sitemap URLs a robots.txt announces, in file order.

    >>> robots_sitemaps(b"User-agent: *\\nDisallow: /x/\\nSitemap: https://ex.com/s.xml\\n",
    ...                 "https://ex.com/robots.txt")
    ['https://ex.com/s.xml']
    """
    text = body.decode("utf-8", errors="replace")
    return [urljoin(robots_url, url.strip()) for url in Protego.parse(text).sitemaps]
