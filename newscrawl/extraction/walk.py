"""One pass over the page body that turns the DOM into text runs.

A *run* is the text between two block boundaries: block tags and double
``<br>`` start a new run, inline tags do not (``<b>har</b>bour`` stays
"harbour"). Each run remembers its owner (the nearest block element), its
kind (heading, list item, quote, paragraph), how much of it is link text, and
its position in a pre-order counter so containment in any block element is a
range check instead of an ancestor walk. Structural non-story subtrees
(scripts, navigation, forms, media, captions, hidden elements, asides, page
header/footer, comment sections) are skipped during the same pass.

This module is the walk's one definition in Python. ``_speedups.pyx`` holds its
compiled twin, which reads this module's public names (the tag sets, the class/id
verdicts and their memo); :mod:`._compiled` chooses between the two, and the
extraction passes take the walk from there. Nothing here imports the compiled module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .._memo import BoundedMemo
from . import thresholds as T
from .dom import (
    BLOCK_TAGS,
    HIDDEN_CLASSES,
    SKIP_ROLES,
    SKIP_TAGS,
    hidden_attrs,
    words_of,
)
from .text import ends_like_sentence, normalize_text

#: Class/id words that mark a comment section (skipped unless it holds the headline).
COMMENT_WORDS = frozenset(("comments", "comment", "kommentare", "commentaires", "comentarios",
                           "commenti", "disqus", "reactions", "leserkommentare", "comms"))
COMMENT_QUALIFIERS = frozenset(("section", "area", "list", "container", "wrapper", "thread",
                                "block", "box", "widget", "form", "respond", "module", "count",
                                "link", "button", "teaser"))
BR = "\x01"  # stands for <br> inside a run; control chars were stripped from the source
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # what split() does not strip
_BR_SPLIT = re.compile(r"\x01\s*\x01[\s\x01]*")
_HAS_H1 = etree.XPath("boolean(.//h1)")
#: Broken markup sometimes leaves the story inside an unclosed aside/form/footer.
_HOLDS_STORY = etree.XPath(
    "boolean(.//h1 or .//article or .//main or .//*[@itemprop='articleBody'])")
#: Class/id words of structural non-story furniture: consent dialogs, captions.
SKIP_WORDS = frozenset(("cookie", "cookies", "consent", "gdpr", "onetrust", "cmp", "caption",
                        "figcaption", "captions", "usercentrics", "didomi", "sourcepoint",
                        "embed", "embedded", "embeds", "lightbox"))
#: Class tokens of embedded third-party posts (they render as iframes).
EMBED_CLASSES = frozenset(("twitter-tweet", "instagram-media", "tiktok-embed", "fb-post",
                           "wp-embedded-content", "reddit-embed-bq", "bluesky-embed",
                           "twitter-timeline", "imgur-embed-pub", "mastodon-embed"))


#: Kind of text a block tag contributes; any other block tag says "paragraph".
#: Attributes that can hide an element or give it a furniture role.
_RARE_NAMES = frozenset(("hidden", "aria-hidden", "style", "role"))
SECTIONING_SKIP = frozenset(("aside", "footer", "form"))
BLOCK_KIND = {"h1": "h1", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
               "h6": "heading", "blockquote": "quote", "li": "list_item", "dd": "list_item",
               "dt": "list_item"}


@dataclass(slots=True)
class Run:
    text: str
    owner: etree._Element
    kind: str  # "h1", "heading", "list_item", "quote", "paragraph"
    tag: str
    link_chars: int
    pos: int
    lines: tuple[str, ...] = ()  # its paragraphs, when it is sentence-length lines split by <br>


#: Class/id words of embeds and captions: a wrapper so named that holds several real
#: paragraphs is the story itself (CSS utility names such as "embed-responsive" or
#: "caption-text" are put on story wrappers too), not the furniture it names.
_SOFT_SKIP_WORDS = frozenset(("caption", "captions", "embed", "embedded", "embeds"))
HOLDS_PARAGRAPHS = etree.XPath("count(p[string-length(normalize-space()) > 80]) >= 2")

#: Verdicts of :func:`class_id_verdict`.
NO, YES, SKIP_WORD, SOFT_SKIP_WORD, COMMENT, COMMENT_ID, HIDDEN, NEXT_STORY = range(8)


#: Digest boxes beside the story: key points, AI summaries, fact boxes. They restate
#: the story (or are editorial extras); publishers' own text exports leave them out.
DIGEST_WORDS = frozenset(("keypoints", "takeaways", "tldr", "factbox", "faktenbox", "infobox",
                          "aisummary", "zusammenfassung", "summarybox", "highlightsbox"))
#: Word pairs with the same meaning ("key-points", "ai_summary", "fact box" …).
DIGEST_PAIRS = (frozenset(("key", "points")), frozenset(("key", "takeaways")),
                frozenset(("ai", "summary")), frozenset(("fact", "box")),
                frozenset(("facts", "box")), frozenset(("info", "box")),
                frozenset(("summary", "box")), frozenset(("key", "facts")),
                frozenset(("news", "sum")), frozenset(("auf", "einen", "blick")))


#: Boxes a reader opens on demand ("expandable-box", "collapsible_box"): background,
#: people and glossary boxes set beside the story, shut by default; text exports leave
#: them out. Accordions are not here: an FAQ explainer may be the story itself. The two
#: words must be adjacent in one class/id token ("toggle box-shadow" is no such box).
_EXTRA_BOX = re.compile(
    r"(?:^|[\s_-])(?:expandable|collapsible|expander|toggle)[-_]?box(?=$|[\s_-])",
    re.IGNORECASE)


def is_digest(words: frozenset[str]) -> bool:
    """True for the class/id words of a key-points / AI-summary / fact box."""
    return not words.isdisjoint(DIGEST_WORDS) or any(pair <= words for pair in DIGEST_PAIRS)


#: Class/id tokens of the next story appended below this one (infinite scroll:
#: ``<div class="under-article"><article id="second-article">``), the words adjacent in
#: one token ("nextArticle", "next_story"; not "article-body has-next").
_NEXT_STORY_TOKEN = re.compile(
    r"(?:^|[\s_-])(?:next|second|under|following)[-_]?(?:article|story)(?=$|[\s_-])",
    re.IGNORECASE)


def is_next_story(cls: str, ident: str) -> bool:
    """True for the class/id of a following article's wrapper."""
    return bool(_NEXT_STORY_TOKEN.search(cls) or _NEXT_STORY_TOKEN.search(ident))


#: Letters from the most to the least frequent in English text (class names follow
#: suit): :func:`substring_pattern` anchors each word at its rarest letter.
_LETTER_ORDER = "etaoinshrdlcumwfgypbvkjxqz"


def substring_pattern(words: set[str] | frozenset[str]) -> re.Pattern[str]:
    """A regex that finds any of ``words`` as a substring, each word anchored at its
    rarest letter.

    ``re`` tries the whole pattern at every position that holds a possible first
    character (the search's one fast skip), and a flat ``a|b|c`` alternation then tries
    its branches one by one. Here every match starts at a word's rarest letter
    ("cookie" at its ``k``: ``k(?:ie(?<=cookie)|…)``, the rest of the word checked
    forwards, then the whole word behind): a dozen rare first letters leave a fifth
    of the positions to try, not three quarters. A word holding another one is left
    out: the shorter one already matches.

    >>> pattern = substring_pattern({"comment", "comments", "cookie"})
    >>> bool(pattern.search("my-cookies")), bool(pattern.search("commen-t"))
    (True, False)
    """
    rank = {char: i for i, char in enumerate(_LETTER_ORDER)}
    groups: dict[str, dict] = {}
    for word in words:
        if any(other != word and other in word for other in words):
            continue
        at = max(range(len(word)), key=lambda i: (rank.get(word[i], -1), -i))
        node = groups.setdefault(word[at], {})
        for char in word[at + 1:]:
            node = node.setdefault(char, {})
        node.setdefault("", []).append(word)

    def branch(node: dict) -> str:
        alts = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        alts += [f"(?<={re.escape(word)})" for word in sorted(node.get("", ()))]
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return re.compile("|".join(re.escape(char) + branch(node)
                               for char, node in sorted(groups.items())))


#: Every word a class/id verdict looks for, as lower-case substrings (for a word pair,
#: one of its words): a class/id pair holding none of them is plain, told by one search
#: per string. Most of a page's class/id strings are plain, and many ids are new to the
#: crawl (they carry post numbers): the word split they would need was the walk's
#: costliest part.
VERDICT_HINT_WORDS = (
    EMBED_CLASSES | SKIP_WORDS | COMMENT_WORDS | DIGEST_WORDS
    | {"kommentar", "comentario", "points", "takeaways", "summary", "fact", "info", "sum",
       "blick", "expand", "collapsible", "toggle", "next", "second", "under", "following"})
_VERDICT_HINT = substring_pattern(VERDICT_HINT_WORDS)


#: Bits of :func:`_class_flags`.
_HIDDEN_BIT, _HINT_BIT = 1, 2
#: :func:`_class_flags` by class string, shared across pages: a site's classes come
#: back on every page with new ids (post numbers), which miss the triple memo.
_MAX_CLASS_FLAGS = 50_000
_CLASS_FLAGS: BoundedMemo[str, int] = BoundedMemo(_MAX_CLASS_FLAGS)  # a crawl runs for days


def _class_flags(cls: str) -> int:
    """``_HIDDEN_BIT`` when the class attribute holds a hidden/screen-reader-only token
    (:func:`.dom.hidden_class`), ``_HINT_BIT`` when it holds a verdict word: both from one
    lower-casing, remembered per class string (a plain dict read by :func:`class_id_verdict`
    itself: an ``lru_cache`` wrapper and a call per new string cost more than the
    search did)."""
    flags = _CLASS_FLAGS.get(cls)
    if flags is None:
        low = cls.lower()
        flags = _CLASS_FLAGS.put(cls, (not HIDDEN_CLASSES.isdisjoint(low.split()))
                                 | (_VERDICT_HINT.search(low) is not None) << 1)
    return flags


def _class_verdict(cls: str, ident: str, is_p: bool) -> int:
    """What the class/id strings alone say about an element: :func:`class_id_verdict` without its
    one-search prefilter (the tests check they agree)."""
    if cls and not EMBED_CLASSES.isdisjoint(cls.lower().split()):
        return YES
    if is_next_story(cls, ident):
        return NEXT_STORY
    words = words_of(cls, ident)
    if is_digest(words) or _EXTRA_BOX.search(cls) or _EXTRA_BOX.search(ident):
        return SKIP_WORD
    hits = words & SKIP_WORDS
    if hits:
        return SOFT_SKIP_WORD if hits <= _SOFT_SKIP_WORDS else SKIP_WORD
    if is_p or not words & COMMENT_WORDS:
        return NO
    if ident.lower() in ("comments", "comment", "disqus_thread", "respond", "kommentare"):
        return COMMENT_ID
    if not words & COMMENT_QUALIFIERS and len(words) > 2:
        return NO
    return COMMENT


def _decide(el: etree._Element, verdict: int) -> bool:
    """Turn a class/id verdict into skip / keep, checking the subtree where it must.

    The compiled walk (``_speedups.pyx``) makes these checks on libxml2's nodes: keep
    the two in step (``tests/test_speedups.py`` compares them)."""
    if verdict == NO:
        return False
    if verdict in (YES, COMMENT_ID, HIDDEN):
        return True
    if verdict == SKIP_WORD:
        return not _HOLDS_STORY(el)
    if verdict == SOFT_SKIP_WORD:
        return not _HOLDS_STORY(el) and not HOLDS_PARAGRAPHS(el)
    if verdict == NEXT_STORY:
        return False  # decided in walk(): only after the page's headline
    return not _HAS_H1(el)


#: Verdicts by (tag, class, id), shared across pages: sites repeat their markup.
VERDICTS: dict[tuple[str, str | None, str | None], int] = {}
MAX_VERDICTS = 100_000


def class_id_verdict(tag: str, cls: str | None, ident: str | None) -> int:
    """Everything the tag, class and id strings say about an element (memoised by the
    caller per distinct triple: a page repeats a few hundred over thousands of elements).

    Called once per triple new to the process (a new site brings thousands, and ids
    with post numbers keep coming), so written for speed: the class flags read straight
    from their dict, and one search of the id for a verdict word (a class/id pair with
    none is plain) before :func:`_class_verdict` is asked."""
    if cls:
        flags = _CLASS_FLAGS.get(cls)
        if flags is None:
            flags = _class_flags(cls)
        if flags & _HIDDEN_BIT:
            return HIDDEN
        if tag == "body":
            return NO
        if not (flags & _HINT_BIT or (ident and _VERDICT_HINT.search(ident.lower()))):
            return NO
    elif not ident or tag == "body" or not _VERDICT_HINT.search(ident.lower()):
        return NO
    verdict = _class_verdict(cls or "", ident or "", tag == "p")
    if tag in ("article", "main") and verdict != NEXT_STORY:
        return NO
    return verdict


def run_texts(raw: str) -> list[str]:
    """The texts of one run's raw text: split at double ``<br>`` (``BR``), each piece
    :func:`.text.normalize_text`-ed, the empty ones left out.

    >>> run_texts(" One\\x01 two \\x01\\n\\x01 three ")
    ['One two', 'three']
    """
    out = []
    for piece in _BR_SPLIT.split(raw) if BR in raw else (raw,):
        if piece.isascii() and not _ASCII_CONTROL.search(piece):
            text = " ".join(piece.split())  # normalize_text's result, minus its checks
        else:
            text = normalize_text(piece)
        if text:
            out.append(text)
    return out


def br_texts(raw: str) -> list[tuple[str, tuple[str, ...]]]:
    """:func:`run_texts` of a run's raw text holding a ``BR``, each text with its lines
    (the texts between single ``<br>`` s) when every line before the last reads as a
    paragraph: at least :data:`.thresholds.BR_LINE_MIN` characters, ending as a sentence
    does (:func:`.text.ends_like_sentence`; "He said:" does not), else with none.
    Pages made before ``<p>`` per paragraph was usual put a story in one ``<div>``/
    ``<td>``/``<p>`` as such lines; addresses, verse, lists of titles and hard-wrapped
    text have short lines or lines that end mid-sentence, and stay one paragraph. The run
    is scored as one text; its lines become its blocks (:func:`.body.make_blocks`).

    Both walks (this module's and ``_speedups.pyx``) call it for the runs holding a ``BR``.

    >>> line = "The council met on Tuesday and approved the budget."
    >>> br_texts(f"{line}\x01{line}\x01\x01Short\x01end") == [
    ...     (f"{line} {line}", (line, line)), ("Short end", ())]
    True
    >>> br_texts(f"{line}\x01San Carlos.\x01{line}")[0][1]
    ()
    """
    out = []
    for piece in _BR_SPLIT.split(raw):
        texts = run_texts(piece)
        if not texts:
            continue
        lines: tuple[str, ...] = ()
        if BR in piece:
            found = [text for line in piece.split(BR) for text in run_texts(line)]
            if len(found) >= 2 and all(len(line) >= T.BR_LINE_MIN and ends_like_sentence(line)
                                       for line in found[:-1]):
                lines = tuple(found)
        out.append((texts[0], lines))
    return out


def walk(body: etree._Element) -> tuple[list[Run], dict[etree._Element, tuple[int, int]]]:
    """(runs in reading order, pre-order span of every block element) under ``body``.

    This loop touches every element of the page, so it is written for speed:
    two attribute reads per element (class, id) plus an attribute count (the
    rarer hiding attributes are looked for only where there are more), a
    verdict memo per (tag, class, id) shared across pages, no function call
    for inline text, and lengths summed only when a run is flushed.
    """
    runs: list[Run] = []
    spans: dict[etree._Element, tuple[int, int]] = {}
    starts: dict[etree._Element, int] = {}
    stack: list[etree._Element] = []  # open block elements
    kinds: list[str] = []  # kind contributed by each open block
    special: list[str] = []  # the non-paragraph kinds among them, innermost last
    parts: list[str] = []  # text pieces of the current run
    lparts: list[str] = []  # the pieces that sit inside links
    in_link = 0
    counter = 0
    article_depth = 0
    skipped: etree._Element | None = None  # the element whose subtree was just skipped
    seen_h1 = False  # the page's headline was passed: a "next article" wrapper is another story
    verdicts = VERDICTS
    if len(verdicts) > MAX_VERDICTS:  # bounded: a crawl meets millions of class strings
        verdicts.clear()
    strip = str.strip

    def flush() -> None:
        raw = "".join(parts)
        if raw.isspace():  # the whitespace between block tags: most flushes
            parts.clear()
            lparts.clear()
            return
        if lparts:  # the run's link share needs both lengths; most runs hold no link
            lchars = sum(map(len, map(strip, lparts)))
            tchars = sum(map(len, map(strip, parts)))
        else:
            lchars = tchars = 0
        parts.clear()
        lparts.clear()
        if not stack:
            return
        owner = stack[-1]
        kind = special[-1] if special else "paragraph"
        if BR in raw:
            for text, lines in br_texts(raw):
                link_chars = int(lchars * len(text) / tchars) if lchars and tchars else 0
                runs.append(Run(text, owner, kind, owner.tag, link_chars, counter, lines))
            return
        for text in run_texts(raw):
            link_chars = int(lchars * len(text) / tchars) if lchars and tchars else 0
            runs.append(Run(text, owner, kind, owner.tag, link_chars, counter))

    # "comment"/"pi" events: iterwalk skips those nodes otherwise, and with them their
    # tails ("Bron: <!-- -->BELGA") in trees parsed with comments kept (Scrapy's).
    walker = etree.iterwalk(body, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if not isinstance(tag, str):  # comment or processing instruction
                continue
            if tag in SKIP_TAGS:
                skipped = el
                walker.skip_subtree()
                continue
            cls = el.get("class")
            ident = el.get("id")
            if cls is None and ident is None:  # a quarter of the elements: no memo lookup
                verdict = NO
                named = 0
            else:
                key = (tag, cls, ident)
                known = verdicts.get(key)
                if known is None:
                    known = verdicts[key] = class_id_verdict(tag, cls, ident)
                verdict = known
                named = (cls is not None) + (ident is not None)
            skip = False
            # hidden/aria-hidden/style/role are rare: look for them only on elements with
            # more attributes than class/id (one C call), not with six reads per element.
            if len(el.attrib) > named and not _RARE_NAMES.isdisjoint(el.keys()):
                role = el.get("role")
                if hidden_attrs(el.attrib, tag):
                    skip = True
                elif role and role.strip().lower() in SKIP_ROLES and tag not in ("article", "main"):
                    skip = not _HOLDS_STORY(el)
            if skip or verdict == HIDDEN:
                skip = True
            elif tag in SECTIONING_SKIP:
                skip = not _HOLDS_STORY(el)
            elif tag == "header" and not article_depth:
                skip = not _HAS_H1(el) and not _HOLDS_STORY(el)
            elif verdict == NEXT_STORY:
                skip = seen_h1  # the next story, appended below this page's headline
            elif verdict:
                skip = _decide(el, verdict)
            if skip:
                skipped = el
                walker.skip_subtree()
                continue
            if tag == "br":
                parts.append(BR)
                continue
            if tag == "h1":
                seen_h1 = True
            if tag in BLOCK_TAGS or "-" in tag:
                if parts:
                    flush()
                counter += 1
                stack.append(el)
                starts[el] = counter
                kind = BLOCK_KIND.get(tag, "paragraph")
                kinds.append(kind)
                if kind != "paragraph":
                    special.append(kind)
                if tag == "article" or tag == "main":
                    article_depth += 1
            elif tag == "a":
                in_link += 1
            text = el.text
            if text:
                parts.append(text)
                if in_link:
                    lparts.append(text)
            continue
        # end (or a comment/PI, whose tag is not a string: it only has a tail)
        if el is skipped:  # skip_subtree(): its own end event comes right after the start
            skipped = None
        elif stack and stack[-1] is el:  # every block element walked into is on the stack
            if parts:
                flush()
            counter += 1
            stack.pop()
            if kinds.pop() != "paragraph":
                special.pop()
            spans[el] = (starts.pop(el), counter)
            if tag == "article" or tag == "main":
                article_depth -= 1
        elif tag == "a":
            in_link -= 1
        text = el.tail
        if text:
            parts.append(text)
            if in_link:
                lparts.append(text)
    if parts:
        flush()
    return runs, spans
