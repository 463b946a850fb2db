"""Text normalisation shared by metadata and body extraction.

Every string extraction hands on goes through :func:`normalize_text`: HTML
entities are already decoded by the parser, so this collapses whitespace
(including no-break spaces), drops invisible characters that break word
matching (soft hyphens, zero-width spaces/joiners, word joiners, stray BOMs,
bidi marks) and applies Unicode NFC so that equal-looking strings compare equal.
"""

from __future__ import annotations

import html
import re
import unicodedata

from lxml import etree

#: Invisible characters removed outright (they split words for search and metrics).
#: This and :data:`CONTROL_CHARS` are read by the compiled walk (``_speedups.pyx``) too.
INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2061\u2062\u2063\u2064\u180e"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")
#: C0/C1 control characters other than tab/newline/carriage return.
CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
#: Either of the two above, for one scan that rules both out.
_ODD = re.compile(f"[{INVISIBLE_CHARS}{CONTROL_CHARS}]")
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")

#: A sentence's end: a full stop, ``!``, ``?``, ``…`` or their CJK forms, then any closing
#: quotes and brackets (``Shares rose.``, ``“We won!”``, ``(see below.)``); a closer
#: alone ends none ("Listen (3 min)", "MDR (Engin Haupt)", "Comment (RSS)").
SENTENCE_END = "[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\\]]*"
_ENDS_SENTENCE = re.compile(SENTENCE_END + "$")


def ends_like_sentence(text: str) -> bool:
    """Whether ``text`` ends as a sentence does (:data:`SENTENCE_END`): the one test of it
    in cleaning and article detection.

    >>> ends_like_sentence("Shares rose 4 percent."), ends_like_sentence("Photo (AP)")
    (True, False)
    """
    return _ENDS_SENTENCE.search(text) is not None


def normalize_text(text: str | None) -> str:
    """Whitespace-collapsed, invisible-character-free NFC text ('' for None).

    >>> normalize_text("  har\\u00adbour\\u200b  \\n town\\xa0hall ")
    'harbour town hall'
    """
    if not text:
        return ""
    if text.isascii():  # fast path: most runs; no invisibles, nothing to compose
        if _CONTROL.search(text):
            text = _CONTROL.sub(" ", text)
        return " ".join(text.split())
    if _ODD.search(text):  # one scan for both kinds: most text holds neither
        if _INVISIBLE_RE.search(text):
            text = _INVISIBLE_RE.sub("", text)
        if _CONTROL.search(text):
            text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())  # str.split() splits on exactly the characters \s matches
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def unescape_text(text: str | None) -> str:
    """Decode entities left in attribute or JSON strings, then normalise.

    Meta ``content`` values and JSON-LD strings are sometimes double-escaped
    (``&amp;quot;``); decoding twice at most handles that without touching text
    that merely contains an ampersand.

    >>> unescape_text("Tom &amp;amp; Jerry&#8217;s")
    'Tom & Jerry’s'
    """
    if not text:
        return ""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return normalize_text(text)


def fold(text: str | None) -> str:
    """A comparison key: normalised, case-folded, punctuation-insensitive.

    >>> fold("“Hello,”  World!")
    'hello world'
    """
    text = unicodedata.normalize("NFKC", normalize_text(text)).casefold()
    return " ".join(_WORD.findall(text))


#: XPath string() compiled once: ``el.xpath("string()")`` compiles it on every call.
_STRING = etree.XPath("string()")


def text_of(el: etree._Element) -> str:
    """All text inside ``el`` (XPath ``string()``), not yet normalised."""
    return str(_STRING(el))
