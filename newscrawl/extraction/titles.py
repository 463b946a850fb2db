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
from collections.abc import Sequence
from functools import lru_cache
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree

from . import thresholds as T
from .dom import in_hidden_subtree
from .text import fold, normalize_text, text_of

#: Separators between a headline and a site or section name in a title.
TITLE_SEP = re.compile(r"\s+(?:[|\-–—:·•»«›‹/~*]|::)\s+|\s*::\s+|\s*[｜：]\s*")
#: A separator left at the start of a title ("» Headline :: Blog").
_LEADING_SEP = re.compile(r"^(?:[|·•»«›‹~*]|::)\s+")
#: "Site: Headline" — a colon with no space before it, tried only where the part
#: before it is a site name (a headline has colons too).
_COLON_PREFIX = re.compile(r"^(.{2,60}?):\s+(?=\S)")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")
#: Host labels that name no site: "www", mobile prefixes and the generic second levels.
_HOST_NOISE = frozenset(["www", "m", "mobile", "amp", "com", "co", "org", "net", "gov", "ac", "edu", "ne", "or"])
#: Class/id tokens of a page banner, logo or share box (not of an article's own header).
_BANNER_TOKEN = re.compile(
    r"(?:site|blog|page|top|main|global)?[-_]?"
    r"(?:logo|logos|banner|masthead|branding|brand|navbar|nav|navigation|menu|share|sharing|social|header|head)"
    r"(?:[-_]?(?:box|bar|area|wrap|wrapper|container|inner|links|buttons|title|name|block|logo|top))?",
    re.I)
#: An ancestor holding this many paragraphs wraps the story, not a banner.
_WRAPPER_PARAGRAPHS = 3
#: Characters a title part may add to the host's name and still name the site.
_HOST_TAIL = 6
_HOME_PATHS = frozenset(["", "/", "/index.html", "/index.htm", "/index.php", "/default.aspx", "/home"])
_STORY_TAGS = frozenset(["article", "main"])


@lru_cache(maxsize=256)
def host_keys(host: str) -> frozenset[str]:
    """The labels of ``host`` that can name the site, compacted ("news-sky" → "newssky").

    >>> sorted(host_keys("uk.eurosport.yahoo.com"))
    ['eurosport', 'yahoo']
    """
    labels = (host or "").lower().split(".")
    return frozenset(lab.replace("-", "") for lab in labels[:-1] if len(lab) > 2 and lab not in _HOST_NOISE)


def strip_site_suffix(title: str, site_names: list[str], host: str) -> str:
    """Remove a " | Site" / " - Site" suffix (or "Site | " / "Site: " prefix) naming the site.

    >>> strip_site_suffix("Storm hits coast | The Daily Harbor", ["The Daily Harbor"], "dailyharbor.example")
    'Storm hits coast'
    >>> strip_site_suffix("KalingaTimes.com: Storm hits coast", [], "www.kalingatimes.com")
    'Storm hits coast'
    """
    names = {fold(n) for n in site_names if n}
    keys = host_keys(host)
    title = _LEADING_SEP.sub("", title.strip())
    for _ in range(2):
        m = _COLON_PREFIX.match(title)
        if m and not TITLE_SEP.search(m.group(0)) and _is_site(m.group(1), names, keys):
            title = title[m.end():]
            continue
        parts = TITLE_SEP.split(title)
        if len(parts) < 2:
            break
        seps = TITLE_SEP.findall(title)
        last, first = parts[-1], parts[0]
        if _is_site(last, names, keys):
            title = title[: title.rfind(seps[-1])]
            continue
        if _is_site(first, names, keys):
            title = title[title.find(seps[0]) + len(seps[0]):]
            continue
        break
    return title.strip()


_NON_ALNUM = re.compile(r"[\W_]+")


def _compact(text: str) -> str:
    return _NON_ALNUM.sub("", fold(text))


def _is_site(part: str, names: set[str], keys: frozenset[str]) -> bool:
    f = fold(part)
    if not f:
        return False
    if f in names:
        return True
    compact = f.replace(" ", "")
    alnum = _compact(part)
    for key in keys:
        # "dailyharbor" + "com"/"online", not "freerangelibrarian" + "iamtheman"
        if (compact == key or compact.startswith(key) and len(compact) - len(key) <= _HOST_TAIL
                or key.startswith(compact) and len(compact) > 3):
            return True
        # "Yahoo! Eurosport UK" on uk.eurosport.yahoo.com: a short part holding a host label
        if len(key) > 3 and key in alnum and len(f.split()) <= 4:
            return True
    return any(n and (f.startswith(n) or n.startswith(f)) and len(f) > 3 for n in names) and len(f.split()) <= 5


def _title_sides(title: str) -> list[tuple[str, str]]:
    """(left, right) at each separator of ``title``, the colon prefix form included."""
    sides = [(title[: m.start()], title[m.end():]) for m in TITLE_SEP.finditer(title)]
    m = _COLON_PREFIX.match(title)
    if m:
        sides.append((m.group(1), title[m.end():]))
    return sides


def title_site_parts(title: str | None, texts: list[str], site_names: Sequence[str] = (),
                     host: str = "") -> list[str]:
    """The ``texts`` (e.g. ``<h1>`` texts) that are one end of ``title`` at a separator,
    the other end holding words: the site's name, when the text sits in the banner.

    >>> title_site_parts("Seth's Blog: The importance of going first", ["Seth's Blog"])
    ["Seth's Blog"]
    """
    if not title:
        return []
    names = {fold(n) for n in site_names if n}
    keys = host_keys(host)
    out = []
    for left, right in _title_sides(title):
        fl, fr = fold(left), fold(right)
        for text in texts:
            f = fold(text)
            other = right if f == fl else left if f == fr else ""
            # the other end naming the site makes ``text`` the headline ("Headline - waz.de")
            if f and fold(other) and not _is_site(other, names, keys):
                out.append(text)
    return list(dict.fromkeys(out))


def _home_link(href: str | None, host: str) -> bool:
    if href is None:
        return False
    href = href.strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.query or parts.fragment:
        return False
    if parts.netloc and host and parts.netloc.lower().removeprefix("www.") != host.lower().removeprefix("www."):
        return False
    return parts.path in _HOME_PATHS


def is_banner_heading(el: etree._Element, text: str, site_names: list[str], host: str) -> bool:
    """True for an ``<h1>`` that is a logo, the site's name or a share box, not a headline:
    its text is a site name or the host, it is tiny, it sits in a home link, a ``<nav>``
    or an element whose class/id names a banner, logo or share box (up to the nearest
    ``<article>``/``<main>``, whose own header is the story's)."""
    f = fold(text)
    if len(f) < 4:
        return True
    names = {fold(n) for n in site_names if n}
    if f in names or _compact(text) in host_keys(host):
        return True
    for node in el.iterancestors():
        tag = node.tag
        if not isinstance(tag, str) or tag in _STORY_TAGS or tag == "body":
            break
        if tag == "nav" or (tag == "a" and _home_link(node.get("href"), host)):
            return True
        tokens = (node.get("class") or "").split() + (node.get("id") or "").split()
        if any(_BANNER_TOKEN.fullmatch(t) for t in tokens):
            return sum(1 for _ in islice(node.iter("p"), _WRAPPER_PARAGRAPHS)) < _WRAPPER_PARAGRAPHS
    return False


def _heading_on(texts: list[str], root: etree._Element | None, skip: set[str],
               site_names: list[str], host: str) -> tuple[str, etree._Element] | None:
    """The visible ``<h1>``–``<h3>`` (no banner) whose text is one of ``texts``, the
    earliest text first, then ``<h1>`` before ``<h2>`` before ``<h3>``; None when none is."""
    if root is None or not texts:
        return None
    wanted: dict[str, int] = {}
    for i, t in enumerate(texts):
        wanted.setdefault(fold(t), i)
    best: tuple[int, int, str, etree._Element] | None = None
    for rank, tag in enumerate(("h1", "h2", "h3")):
        for el in root.iter(tag):
            text = normalize_text(text_of(el))
            f = fold(text)
            if f in wanted and f not in skip and not in_hidden_subtree(el) and not is_banner_heading(el, text, site_names, host):
                key = (wanted[f], rank)
                if best is None or key < best[:2]:
                    best = (*key, text, el)
                break
        if best is not None and best[0] == 0:  # the first text found: no later tag beats it
            break
    return (best[2], best[3]) if best else None


def choose_title(h1s: list[tuple[etree._Element, str]], headline: str | None, og_title: str | None,
                 tw_title: str | None, title_tag: str | None, site_names: list[str],
                 host: str, root: etree._Element | None = None
                 ) -> tuple[str | None, etree._Element | None]:
    """The headline text and the story's ``<h1>`` element (None when there is none).

    Site names are those the page states (``site_names``: og:site_name,
    application-name, the publisher), the host's labels, and a banner ``<h1>`` that
    is one end of the ``<title>`` ("Seth's Blog: The importance of going first").
    Text, in order of trust: JSON-LD headline, og:title, twitter:title, the
    matching ``<h1>``, ``<title>`` — each with its site-name part removed. A
    value that is another candidate plus a " | Section" tail is cut back to
    that candidate; a value truncated with an ellipsis is replaced by the full
    candidate it abbreviates. The element is the ``<h1>`` whose text matches a
    metadata title, else the first visible ``<h1>`` that is no logo, site name
    or share box (:func:`is_banner_heading`): the body uses it to find the
    story's start and the standfirst. Without metadata, an ``<h1>``–``<h3>``
    that is one side of the ``<title>`` at a separator is the headline.
    """
    # An <h1> at one end of the <title> is the site's name when it sits in the banner
    # (else it may be the headline: "Dam bursts | News | Valley Times").
    meta_keys = {fold(t) for t in (headline, og_title, tw_title) if t}
    ends = set(title_site_parts(title_tag, [t for _, t in h1s if fold(t) not in meta_keys],
                                site_names, host))
    site_parts = [t for el, t in h1s if t in ends and is_banner_heading(el, t, site_names, host)]
    names = list(site_names) + site_parts
    metas = [strip_site_suffix(t, names, host) for t in (headline, og_title, tw_title) if t]
    tag_title = strip_site_suffix(title_tag, names, host) if title_tag else ""
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
            if len(f) > T.TITLE_CONTAINS_MIN_CHARS and any(
                    f in k or k in f for k in keys if len(k) > T.TITLE_CONTAINS_MIN_CHARS):
                title_el, h1_text = el, text
                break
    skip = {fold(t) for t in site_parts}
    if title_el is None and metas:
        # no <h1> agrees: the story's heading may be an <h2>/<h3> (logo <h1> above it)
        found = _heading_on(metas, root, skip, names, host)
        if found is not None:
            title_el = found[1]
    elif title_el is None and title_tag:
        # no metadata: a heading that is one side of the <title> (the other the site)
        site_keys, site_set = host_keys(host), {fold(n) for n in names if n}
        sides = sorted({s for pair in _title_sides(title_tag) for s in pair
                        if len(fold(s)) > 7 and not _is_site(s, site_set, site_keys)},
                       key=len, reverse=True)
        found = _heading_on(sides, root, skip, names, host)
        if found is not None:
            h1_text, title_el = found
            tag_title = h1_text
    if title_el is None and not h1_text:
        for el, text in h1s:
            if fold(text) not in skip and not is_banner_heading(el, text, names, host):
                title_el, h1_text = el, text
                break
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


__all__ = ["TITLE_SEP", "strip_site_suffix", "choose_title", "is_banner_heading", "title_site_parts",
           "host_keys"]
