"""Page metadata: canonical URL, title, authors, dates, language, section, tags.

Order of trust (first usable value wins, unless noted):

1. JSON-LD: the page's own article object (NewsArticle, Article, BlogPosting…,
   also inside ``@graph``/arrays; picked by URL or headline match when there
   are several);
2. OpenGraph and ``article:*`` properties;
3. ``<meta name=…>``: author, date, parsely-*, dc.*, sailthru.*, twitter:*;
4. microdata (``itemprop``) and ``<time datetime>`` near the headline;
5. bylines in the DOM (``rel=author``, byline/author class words).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from w3lib.url import canonicalize_url

from .authors import clean_person, split_names
from .jsonld import PAGE_TYPES, first_str, is_article, types_of
from .text import fold, normalize_text, unescape_text
from .titles import strip_site_suffix

_META = etree.XPath("//meta[@content]")
_LINK_CANONICAL = etree.XPath("//link[@href][contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '), ' canonical ')]")
_TITLE = etree.XPath("//title")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def collect_meta(root: etree._Element,
                 elements: list[etree._Element] | None = None) -> dict[str, list[str]]:
    """All ``<meta>`` contents by lower-cased name/property/itemprop/http-equiv.

    ``elements`` are the page's ``<meta>`` elements when already collected
    (:func:`~newscrawl.extraction.scan.scan`); else they are searched for.
    """
    meta: dict[str, list[str]] = {}
    for el in _META(root) if elements is None else elements:
        content = el.get("content")
        if content is None:
            continue
        content = content.strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                for k in key.lower().split():
                    meta.setdefault(k, []).append(content)
    return meta


def meta_first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            value = unescape_text(value)
            if value:
                return value
    return None


def _urls_of(obj: dict) -> set[str]:
    out = set()
    for key in ("url", "@id", "mainEntityOfPage"):
        v = obj.get(key)
        if isinstance(v, dict):
            v = v.get("@id") or v.get("url")
        if isinstance(v, str):
            out.add(_url_key(v))
    return out


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/")).lower()


def pick_article(flat: list[dict], top: list[dict], urls: list[str], titles: list[str]) -> dict | None:
    """The page's own article object among all JSON-LD objects.

    Preference: matching URL, then matching headline, then the first top-level
    article, then any article with a body or headline.
    """
    articles = [o for o in flat if is_article(o)]
    if not articles:
        return None
    if len(articles) == 1:
        return articles[0]
    keys = {_url_key(u) for u in urls if u}
    folded = {fold(t) for t in titles if t}
    for obj in articles:
        if keys & _urls_of(obj) and (obj.get("headline") or obj.get("articleBody")):
            return obj
    for obj in articles:
        if fold(first_str(obj.get("headline")) or "") in folded:
            return obj
    for obj in articles:
        if any(obj is t for t in top):
            return obj
    return articles[0]


def pick_page(flat: list[dict]) -> dict | None:
    for obj in flat:
        if any(t.lower() in PAGE_TYPES for t in types_of(obj)):
            return obj
    return None


def canonical_url(root: etree._Element, meta: dict, article: dict | None, url: str,
                  links: list[etree._Element] | None = None) -> str | None:
    """The page's canonical URL: ``<link rel=canonical>``, og:url, the article's url.

    ``links`` are the ``<link rel=canonical>`` elements when already collected.
    """
    for candidate in _canonical_candidates(root, meta, article, url, links):
        if _parses(candidate):
            return candidate
    return url or None


def _canonical_candidates(root, meta, article, url, links=None):
    for el in _LINK_CANONICAL(root) if links is None else links:
        href = (el.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "#")):
            yield _join(url, href)
            break
    og = meta_first(meta, "og:url")
    if og:
        yield _join(url, og)
    if article:
        for key in ("url", "mainEntityOfPage", "@id"):
            v = article.get(key)
            if isinstance(v, dict):
                v = v.get("@id") or v.get("url")
            if isinstance(v, str) and v.startswith(("http", "/")):
                yield _join(url, v)
                break


def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:  # e.g. "http://[broken" — an invalid IPv6 host
        return ""


def _parses(candidate: str) -> bool:
    """False for a URL that later canonicalisation would choke on (``http://x:8px/``)."""
    if not candidate:
        return False
    try:
        _ = urlsplit(candidate).port  # raises on "8px solid"
        canonical_form(candidate)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=256)
def canonical_form(url: str) -> str:
    """``canonicalize_url(url)`` without the fragment, remembered: :func:`canonical_url`
    tries the URL it picks this way, and the item's ``canonical_url`` is that same call
    on that same URL (:func:`newscrawl.output.assemble.item_fields`)."""
    return canonicalize_url(url, keep_fragments=False)


def language_of(root: etree._Element, meta: dict, article: dict | None) -> str | None:
    """Primary language subtag from markup (html lang, content-language, og:locale, JSON-LD)."""
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"),
                  meta_first(meta, "content-language", "language", "dc.language", "og:locale")]
    if article:
        candidates.append(first_str(article.get("inLanguage"), ("alternateName", "name")))
    for value in candidates:
        if not value:
            continue
        value = value.strip().split(",")[0].strip()
        if _LANG.match(value):
            primary = value.replace("_", "-").split("-")[0].lower()
            if primary not in ("x", "und", "i"):
                return primary
    return None


def jsonld_people(value: Any) -> tuple[list[str], list[str]]:
    """(people, organisations) from a JSON-LD author/creator value."""
    people: list[str] = []
    orgs: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            p, o = split_names(item)
            people += p
            orgs += o
        elif isinstance(item, dict):
            name = first_str(item.get("name")) or ""
            if not name:
                given, family = item.get("givenName"), item.get("familyName")
                if isinstance(given, str) and isinstance(family, str):
                    name = f"{given} {family}"
            types = {t.lower() for t in types_of(item)}
            if types & {"organization", "newsmediaorganization", "corporation", "organisation"}:
                n = unescape_text(name)
                if n:
                    orgs.append(n)
            else:
                ps, os_ = split_names(name)
                people += ps
                orgs += os_
    return _dedupe(people), _dedupe(orgs)


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


#: Where a keyword list is split: commas and semicolons (news-dev's pages use both as
#: separators, and neither inside a keyword once entities are decoded) …
_KEYWORD_SEP = re.compile(r"[,;]")
#: … except the commas of a value with a ", &" in it: "Business, Finance, & Economics"
#: is one section name written as a series.
_SERIES_COMMA = re.compile(r",\s*&")


def keywords(value: Any) -> list[str]:
    """A keyword list (a meta ``content``, a JSON-LD string or array of strings) as one
    keyword per entry: entities decoded, split on commas and semicolons, trimmed,
    de-duplicated ignoring case (first spelling and order kept).

    >>> keywords("Hong Kong,Protest;Asia Pacific, hong kong")
    ['Hong Kong', 'Protest', 'Asia Pacific']
    >>> keywords(["Natur &amp; Umwelt, Eisheilige", "Eisheilige"])
    ['Natur & Umwelt', 'Eisheilige']
    """
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    out = []
    for v in values:
        if isinstance(v, str):
            text = unescape_text(v)
            parts = text.split(";") if _SERIES_COMMA.search(text) else _KEYWORD_SEP.split(text)
            out += [t for t in map(normalize_text, parts) if t]
    return _dedupe(out)


__all__ = ["collect_meta", "meta_first", "pick_article", "pick_page", "canonical_url",
           "strip_site_suffix", "language_of", "jsonld_people", "keywords", "clean_person"]
