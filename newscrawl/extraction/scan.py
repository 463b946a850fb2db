"""One pass over the document for the elements metadata is read from.

Metadata sources sit in a handful of tags — ``<meta>``, ``<link>``,
``<title>``, ``<script type=application/ld+json>`` and ``<h1>`` — and lxml can
hand exactly those over in one C-level filtered iteration. Reading them here,
once, replaces a whole-document XPath scan per source (each of which costs
about as much as this entire pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

_TAGS = ("meta", "link", "title", "script", "h1")


@dataclass(slots=True)
class PageIndex:
    """The document's metadata-bearing elements, each list in document order."""

    metas: list[etree._Element] = field(default_factory=list)
    """``<meta>`` elements with a ``content`` attribute."""
    canonical_links: list[etree._Element] = field(default_factory=list)
    """``<link rel=canonical href=…>``."""
    titles: list[etree._Element] = field(default_factory=list)
    jsonld_scripts: list[etree._Element] = field(default_factory=list)
    h1s: list[etree._Element] = field(default_factory=list)
    scripts: list[etree._Element] = field(default_factory=list)
    """Other ``<script>`` elements (their text is not read here: it can be megabytes)."""


def scan(root: etree._Element) -> PageIndex:
    """Collect the page's meta, canonical link, title, JSON-LD script and h1 elements.

    >>> from lxml import etree
    >>> idx = scan(etree.fromstring("<html><head><title>T</title><meta name=a content=b>"
    ...                             "</head><body><h1>H</h1></body></html>", etree.HTMLParser()))
    >>> len(idx.metas), len(idx.titles), len(idx.h1s)
    (1, 1, 1)
    """
    idx = PageIndex()
    for el in root.iter(_TAGS):
        tag = el.tag
        if tag == "meta":
            if el.get("content") is not None:
                idx.metas.append(el)
        elif tag == "link":
            rel = el.get("rel")
            if rel and el.get("href") is not None and "canonical" in rel.lower().split():
                idx.canonical_links.append(el)
        elif tag == "script":
            kind = el.get("type")
            if kind and "ld+json" in kind.lower():
                idx.jsonld_scripts.append(el)
            else:
                idx.scripts.append(el)
        elif tag == "title":
            idx.titles.append(el)
        else:
            idx.h1s.append(el)
    return idx
