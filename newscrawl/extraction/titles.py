"""Headlines: the article title from a page's metadata, ``<h1>`` and ``<title>``.

Pure functions on strings and lxml elements (no Scrapy). :func:`choose_title`
takes the candidates :func:`~newscrawl.extraction.core.extract` collected
(JSON-LD headline, og:title, twitter:title, the visible ``<h1>`` elements,
``<title>``) and returns the headline and the story's ``<h1>`` element.
Site names are stripped by what the page says elsewhere — ``og:site_name``,
``application-name``, the publisher, the host name — never by a list of sites.
"""

from __future__ import annotations

import re

from lxml import etree

from .text import fold

#: Separators between a headline and a site or section name in a title.
TITLE_SEP = re.compile(r"\s+(?:[|\-–—:·•»/~*]|::)\s+|\s*[｜：]\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")


def strip_site_suffix(title: str, site_names: list[str], host: str) -> str:
    """Remove a " | Site" / " - Site" suffix (or "Site | " prefix) naming the site.

    >>> strip_site_suffix("Storm hits coast | The Daily Harbor", ["The Daily Harbor"], "dailyharbor.example")
    'Storm hits coast'
    """
    names = {fold(n) for n in site_names if n}
    host_key = host.removeprefix("www.").split(".")[0].lower().replace("-", "")
    for _ in range(2):
        parts = TITLE_SEP.split(title)
        if len(parts) < 2:
            break
        seps = TITLE_SEP.findall(title)
        last, first = parts[-1], parts[0]
        if _is_site(last, names, host_key):
            title = title[: title.rfind(seps[-1])]
            continue
        if _is_site(first, names, host_key):
            title = title[title.find(seps[0]) + len(seps[0]):]
            continue
        break
    return title.strip()


def _is_site(part: str, names: set[str], host_key: str) -> bool:
    f = fold(part)
    if not f:
        return False
    if f in names:
        return True
    compact = f.replace(" ", "")
    if host_key and len(host_key) > 2 and (compact == host_key or compact.startswith(host_key)
                                           or host_key.startswith(compact) and len(compact) > 3):
        return True
    return any(n and (f.startswith(n) or n.startswith(f)) and len(f) > 3 for n in names) and len(f.split()) <= 5


def choose_title(h1s: list[tuple[etree._Element, str]], headline: str | None, og_title: str | None,
                 tw_title: str | None, title_tag: str | None, site_names: list[str],
                 host: str) -> tuple[str | None, etree._Element | None]:
    """The headline text and the story's ``<h1>`` element (None when there is none).

    Text, in order of trust: JSON-LD headline, og:title, twitter:title, the
    matching ``<h1>``, ``<title>`` — each with a " | Site" suffix removed. A
    value that is another candidate plus a " | Section" tail is cut back to
    that candidate; a value truncated with an ellipsis is replaced by the full
    candidate it abbreviates. The element is the ``<h1>`` whose text matches a
    metadata title (else the first visible ``<h1>``): the body uses it to
    find the story's start and the standfirst.
    """
    metas = [strip_site_suffix(t, site_names, host) for t in (headline, og_title, tw_title) if t]
    tag_title = strip_site_suffix(title_tag, site_names, host) if title_tag else ""
    keys = {fold(t) for t in metas + [tag_title] if fold(t)}
    title_el = None
    h1_text = ""
    for el, text in h1s:
        if fold(text) in keys:
            title_el, h1_text = el, text
            break
    if title_el is None:
        for el, text in h1s:
            f = fold(text)
            if len(f) > 15 and any(f in k or k in f for k in keys if len(k) > 15):
                title_el, h1_text = el, text
                break
    if title_el is None and h1s:
        title_el, h1_text = h1s[0]
    candidates = [t for t in metas + [h1_text, tag_title] if t]
    if not candidates:
        return None, title_el
    value = candidates[0]
    for other in candidates[1:]:
        if len(other) < len(value) and value.startswith(other) and TITLE_SEP.match(value[len(other):]):
            value = other
    m = _ELLIPSIS.search(value)
    if m:
        stem = fold(value[: m.start()])
        for other in candidates:
            if len(other) > len(value) and fold(other).startswith(stem) and not _ELLIPSIS.search(other):
                value = other
                break
    return value, title_el


__all__ = ["TITLE_SEP", "strip_site_suffix", "choose_title"]
