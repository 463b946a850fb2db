"""Lenient JSON-LD reading and selection of the page's own article object.

Publishers' JSON-LD is often slightly broken: HTML comments or CDATA wrappers
around it, trailing commas, raw control characters inside strings, several
objects pasted one after another, or one script holding an array. We parse
with :mod:`json` first and fall back to a repaired text, then flatten every
object (``@graph``, arrays, nested values) so callers can pick by ``@type``.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

_SCRIPTS = etree.XPath(
    "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
_COMMENT_WRAP = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_CONTROL = re.compile(r"[\x00-\x1f]")
_JS_COMMENT = re.compile(r"^\s*//[^\n]*$|/\*.*?\*/", re.M | re.S)

#: Scripts longer than this are ignored: no article's metadata needs more, and the
#: lenient re-parsing below would spend seconds on a hostile multi-megabyte script.
MAX_JSONLD_CHARS = 1_000_000

#: schema.org types that denote an article (story) object.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle",
    "askpublicnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "report", "scholarlyarticle", "techarticle", "satiricalarticle", "advertisercontentarticle",
    "medicalscholarlyarticle", "discussionforumposting", "review", "criticreview",
})
#: Types that describe a page, used as a fallback source of dates and titles.
PAGE_TYPES = frozenset({"webpage", "itempage", "medicalwebpage", "collectionpage", "aboutpage",
                        "videoobject", "newsmediaorganization"})


def loads_lenient(text: str) -> list[Any]:
    """Every JSON value in one script's text, repairing common breakage.

    >>> loads_lenient('<!-- {"a": 1,} -->')
    [{'a': 1}]
    """
    if len(text) > MAX_JSONLD_CHARS:
        return []
    text = text.strip()
    if text[:1] in ("<", "/") or text[-1:] == ">":
        # Only then: the unanchored end alternative costs a regex attempt per character.
        text = _COMMENT_WRAP.sub("", text).strip()
    if not text:
        return []
    try:
        return [json.loads(text, strict=False)]
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", _JS_COMMENT.sub("", text))
    repaired = _CONTROL.sub(" ", repaired)
    values: list[Any] = []
    decoder = json.JSONDecoder(strict=False)
    pos, end = 0, len(repaired)
    while pos < end:
        while pos < end and repaired[pos] in " \t\r\n;,":
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = decoder.raw_decode(repaired, pos)
        except RecursionError:
            break  # nested past Python's limit: every later start would fail the same way
        except ValueError:
            # Skip to the next plausible object start and try again.
            nxt = repaired.find("{", pos + 1)
            if nxt < 0:
                break
            pos = nxt
            continue
        values.append(value)
    return values


def _flatten(value: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key, child in value.items():
            if isinstance(child, (dict, list)) and key not in ("@context",):
                yield from _flatten(child, depth + 1)


def types_of(obj: dict) -> list[str]:
    """The object's ``@type`` values as given (string or list)."""
    t = obj.get("@type")
    if isinstance(t, str):
        return [t.rsplit("/", 1)[-1]]
    if isinstance(t, list):
        return [x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)]
    return []


def read_jsonld(root: etree._Element, scripts: list[etree._Element] | None = None
                ) -> tuple[list[dict], list[dict]]:
    """(top-level objects, all objects flattened) from the page's JSON-LD scripts.

    Top-level means a value of a script, an element of a top-level array or of
    an ``@graph``; the flattened list adds everything nested inside them.
    ``scripts`` are the JSON-LD script elements when already collected.
    """
    top: list[dict] = []
    for script in _SCRIPTS(root) if scripts is None else scripts:
        text = script.text or ""
        for value in loads_lenient(text):
            stack = deque([value])  # popleft/extendleft: linear on 100 000-item arrays
            while stack:
                v = stack.popleft()
                if isinstance(v, list):
                    stack.extendleft(reversed(v))
                elif isinstance(v, dict):
                    graph = v.get("@graph")
                    if isinstance(graph, (list, dict)):
                        stack.extendleft(reversed(graph) if isinstance(graph, list) else [graph])
                        if types_of(v):
                            top.append(v)
                    else:
                        top.append(v)
    flat: list[dict] = []
    seen: set[int] = set()
    for obj in top:
        for o in _flatten(obj):
            if id(o) not in seen:
                seen.add(id(o))
                flat.append(o)
    return top, flat


def is_article(obj: dict) -> bool:
    return any(t.lower() in ARTICLE_TYPES for t in types_of(obj))


def first_str(value: Any, keys: Iterable[str] = ("name", "@value", "text")) -> str | None:
    """A string from a JSON-LD value that may be a string, a list or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        for item in value:
            s = first_str(item, keys)
            if s:
                return s
    if isinstance(value, dict):
        for k in keys:
            s = value.get(k)
            if isinstance(s, str) and s.strip():
                return s
    return None
