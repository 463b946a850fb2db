"""Read RSS 2.0, Atom and RDF (RSS 1.0) feeds into entries: URL, date, title.

Namespace-agnostic (feeds in the wild mix them freely), parsed with lxml in
recover mode with entities and network access off. Relative links are joined
with the feed's URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from newscrawl.extraction.dates import parse_datetime

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
_ITEMS = etree.XPath("//*[local-name()='item' or local-name()='entry']")
_TEXT = {name: etree.XPath(f"string(*[local-name()='{name}'])")
         for name in ("link", "guid", "pubDate", "published", "updated", "date", "title")}
_ATOM_LINKS = etree.XPath("*[local-name()='link'][@href]")


@dataclass(slots=True)
class FeedEntry:
    url: str
    published: str | None = None
    """ISO 8601 with offset, or None when the feed gives no date."""
    title: str | None = None


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """The entries of a feed, in feed order; [] for anything that is not a feed.

    >>> parse_feed(b"<rss><channel><item><link>a.html</link>"
    ...            b"<pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate></item></channel></rss>",
    ...            "https://ex.com/feed.xml")
    [FeedEntry(url='https://ex.com/a.html', published='2024-05-03T10:00:00+00:00', title=None)]
    """
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    entries = []
    for node in _ITEMS(root):
        link = _entry_link(node)
        if not link:
            continue
        date = next((d for d in (parse_datetime(_TEXT[k](node)) for k in
                                 ("pubDate", "published", "date", "updated")) if d), None)
        title = " ".join(_TEXT["title"](node).split()) or None
        entries.append(FeedEntry(urljoin(base_url, link), date.isoformat() if date else None, title))
    return entries


def _entry_link(node: etree._Element) -> str:
    for link in _ATOM_LINKS(node):
        if link.get("rel", "alternate") == "alternate":
            return link.get("href", "").strip()
    link = _TEXT["link"](node).strip()
    if link:
        return link
    guid = node.find("{*}guid")
    if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
        return guid.text.strip()
    return ""
