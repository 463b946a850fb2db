"""DOM vocabulary shared by metadata and body extraction: which tags are
blocks, which are structural non-story elements, how to read hints.

Hints are the class/id/role/aria-label/itemprop/data-* tokens of an element,
lower-cased. :func:`hint_words` additionally splits BEM/camelCase compounds
(``article__lead`` → ``article lead``) so rules can match whole words instead
of substrings ("lead" must not match "leaderboard").
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .._memo import BoundedMemo

#: Tags whose start and end break text into separate blocks.
BLOCK_TAGS = frozenset(["address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "legend", "noscript", "option"])
#: Structural non-story elements, never read (with everything inside them).
SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "math", "nav", "button", "input", "select", "textarea", "option", "optgroup", "label", "iframe", "frame", "frameset", "figure", "figcaption", "caption", "picture", "img", "video", "audio", "canvas", "object", "embed", "map", "area", "source", "track", "link", "meta", "head", "title", "dialog", "datalist", "output", "progress", "meter", "applet"])
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
LIST_TAGS = frozenset(("li", "dd", "dt"))
#: ARIA roles that mark structural page furniture, treated like the tag they stand for.
SKIP_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search",
                        "menu", "menubar", "toolbar", "dialog", "alertdialog"))

#: Class tokens of the common CSS conventions for hidden / screen-reader-only text.
HIDDEN_CLASSES = frozenset(("hidden", "visually-hidden", "visuallyhidden", "sr-only", "d-none",
                            "screen-reader-text", "screen-reader-only", "is-hidden", "u-hidden",
                            "hide", "invisible", "a11y-hidden", "offscreen", "sr-text",
                            "element-invisible", "vh", "is-visually-hidden", "u-visually-hidden",
                            "visuallyhidden-focusable", "hidden-visually", "display-none",
                            "displaynone", "is-invisible", "sr-only-focusable"))
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[\s_\-.:/]+")
_HINT_ATTRS = ("class", "id", "role", "aria-label", "itemprop")


def is_hidden(el: etree._Element) -> bool:
    """True for elements a browser would not show (hidden, aria-hidden, display:none)."""
    return hidden_attrs(el.attrib, el.tag)


def in_hidden_subtree(el: etree._Element) -> bool:
    """True when ``el`` or an ancestor is hidden (:func:`is_hidden`) or is a ``<noscript>``
    or ``<template>``: text a browser with scripts would not show."""
    node = el
    while node is not None:
        if isinstance(node.tag, str) and (is_hidden(node) or node.tag in ("noscript", "template")):
            return True
        node = node.getparent()
    return False


def hidden_attrs(attrs, tag: str) -> bool:
    """:func:`is_hidden` on an element's attribute mapping (a dict or lxml's ``attrib``),
    so a caller that already read the attributes does not read them again."""
    get = attrs.get
    if get("hidden") is not None:
        # React streaming parks server-rendered segments in <div hidden id="S:…">
        # and moves them into place on load: that content is shown.
        return not (get("id") or "").startswith("S:")
    aria = get("aria-hidden")
    if aria and aria.strip().lower() == "true" and tag != "p":
        # aria-hidden removes decoration (icons, duplicated labels) from assistive tech;
        # on a <p> it marks paywalled story text that is still drawn (blurred) on screen.
        return True
    style = get("style")
    if style and _DISPLAY_NONE.search(style):
        return True
    cls = get("class")
    return bool(cls) and hidden_class(cls)


@lru_cache(maxsize=16384)
def hidden_class(cls: str) -> bool:
    """True when a class attribute holds a hidden/screen-reader-only token (cached:
    a page repeats a few hundred class strings over thousands of elements)."""
    return not HIDDEN_CLASSES.isdisjoint(cls.lower().split())


def own_hints(el: etree._Element) -> list[str]:
    """The element's own hint tokens, lower-cased, in attribute order."""
    items = el.items()
    if not items:
        return []
    return list(_hints_entry(items)[0])


def own_hint_words(el: etree._Element) -> frozenset[str]:
    """:func:`hint_words` of :func:`own_hints`: the whole words of the element's hints."""
    items = el.items()
    if not items:
        return _EMPTY
    entry = _hints_entry(items)
    words = entry[1]
    if words is None:
        words = entry[1] = frozenset(hint_words(list(entry[0])))
    return words


#: Hint tokens (and their words, filled on demand) by an element's attribute items.
#: A page repeats a few dozen attribute sets (``class="article-text"``) over its
#: paragraphs and their ancestors, and blocks, bylines and standfirst checks all
#: read them: splitting each set once beats five attribute reads and splits per call.
_MAX_HINTS = 16384
_HINTS: BoundedMemo[tuple[tuple[str, str], ...], list] = BoundedMemo(_MAX_HINTS)
#: Attribute sets longer than this (inline JSON, long styles) are not kept: bounded memory.
_MAX_HINT_KEY_CHARS = 500


def _hints_entry(items: list[tuple[str, str]]) -> list:
    key = tuple(items)
    entry = _HINTS.get(key)
    if entry is None:
        entry = [_hint_tokens(items), None]
        if sum(len(name) + len(value) for name, value in items) <= _MAX_HINT_KEY_CHARS:
            _HINTS.put(key, entry)
    return entry


def _hint_tokens(items: list[tuple[str, str]]) -> tuple[str, ...]:
    """The hint tokens of one attribute set, lower-cased, none empty.

    Called for every attribute set new to the process; ``str.split`` splits at the
    whitespace ``\\s+`` would and leaves no empty token to filter out."""
    attrs = dict(reversed(items))  # the first of a repeated name, as el.get() reads it
    out: list[str] = []
    for name in _HINT_ATTRS:
        value = attrs.get(name)
        if value:
            out += value.lower().split()
    for name, value in items:
        if isinstance(name, str) and name.startswith("data-") and name != "data-src":
            if len(name) > 5:
                out.append(name[5:].lower())
            if value and len(value) <= 40 and not value.startswith(("http", "/", "{", "[")):
                out += value.lower().split()
    return tuple(out)


def hint_words(tokens: str | list[str]) -> set[str]:
    """Whole words inside hint tokens (``articleBody__lead-text`` → article, body, lead, text)."""
    if isinstance(tokens, str):
        tokens = tokens.split()
    return _words(" ".join(tokens))


def _words(joined: str) -> set[str]:
    """The lower-cased words of whitespace-separated tokens, camelCase split first.

    Called for every class/id/hint string new to the process. ASCII strings (nearly
    all) are lower-cased whole, after the camelCase split only when they hold an
    upper-case letter (hint tokens never do), and the parts go into the set as they
    come; other strings lower-case each part by itself, as context can change a
    letter's lower case (a Greek final sigma before a ``.``)."""
    if joined.isascii():
        low = joined.lower()
        if low != joined:
            low = _CAMEL.sub(" ", joined).lower()
        words = set(_SPLIT.split(low))
        words.discard("")
        return words
    return {part.lower() for part in _SPLIT.split(_CAMEL.sub(" ", joined)) if part}


def raw_words(el: etree._Element) -> frozenset[str]:
    """:func:`hint_words` of the element's class and id, camelCase split before lower-casing."""
    get = el.get
    cls, ident, itemprop = get("class"), get("id"), get("itemprop")
    if not (cls or ident or itemprop):
        return _EMPTY
    return words_of(cls or "", ident or "", itemprop or "")


_EMPTY: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)
def words_of(cls: str, ident: str, itemprop: str = "") -> frozenset[str]:
    """Lower-cased words of class/id/itemprop strings (cached per distinct string triple:
    the regex work is done once per class string, not once per element)."""
    return frozenset(_words(f"{cls} {ident} {itemprop}"))
