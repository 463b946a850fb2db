"""Bytes → text → lxml tree, the way a browser would, without ever raising.

Decoding order (what browsers do): byte-order mark, then the HTTP header
charset, then ``<meta charset>`` / ``http-equiv`` in the document, then a
sniff (:func:`sniff_encoding`: UTF-8, a detected non-Latin legacy charset, else
cp1252) — :func:`w3lib.encoding.html_to_unicode` implements that order. One deviation: without a header charset, a
document whose bytes are valid non-ASCII UTF-8 is read as UTF-8 even when its
``<meta>`` declares a legacy charset (re-saved pages keep stale declarations). The text is then cleaned of NULs and other
control characters (libxml2 truncates documents at a NUL) and of any XML
declaration (lxml refuses ``str`` input carrying an encoding declaration), and
parsed once with lxml's forgiving HTML parser. Most pages are valid UTF-8 that all of this
leaves as it is: :func:`parse_page` tells them by one pass over their bytes
(:func:`plain_utf8`) and parses those bytes without making the text.
"""

from __future__ import annotations

import re

from lxml import etree
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
)

from .jsonld import MAX_JSONLD_CHARS

#: Control characters libxml2 chokes on (NUL truncates the document), as bytes to delete.
_CONTROL_BYTES = bytes((*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20)))
#: The same, one by one: ``bytes.__contains__`` finds a single byte with memchr.
_CONTROL_SINGLES = tuple(bytes((b,)) for b in _CONTROL_BYTES)
#: A leading XML declaration / BOM that would confuse the HTML parser.
_XML_DECL = re.compile(r"^\s*(?:\ufeff)?\s*<\?xml[^>]*\?>", re.I)
#: The ASCII characters ``str.isspace`` (and so ``\s`` in :data:`_XML_DECL`) takes for
#: whitespace, as bytes: a page's leading run of them.
_ASCII_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c\x1c-\x1f]*")
#: :func:`utf8_flags`' bits.
UTF8_VALID, UTF8_ASCII, UTF8_CONTROL = 1, 2, 4
#: Longest page text parsed (~5 MB): news pages carry far less outside their scripts.
MAX_HTML_CHARS = 5_000_000
#: Tags dropped from a document nested too deep even for the huge parser.
_WRAPPER_TAGS = re.compile(rb"</?(?:div|span|section|font|center|b|i|em|strong|a)\b[^<>]{0,500}>",
                           re.I)
_BULK_OPEN = re.compile(r"<(script|style)\b[^>]{0,2000}>", re.I)
_BULK_CLOSE = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}

#: ``collect_ids=False``: libxml2 would otherwise hash every ``id`` attribute for XPath's
#: ``id()``, which nothing here calls; building and freeing that table is ~3 % of a parse.
_OPTIONS = dict(recover=True, remove_comments=True, remove_pis=True, no_network=True,
                encoding="utf-8", default_doctype=False, collect_ids=False)
_PARSER = etree.HTMLParser(**_OPTIONS)
#: Used only when a document is nested deeper than libxml2's default limit (256).
_HUGE_PARSER = etree.HTMLParser(huge_tree=True, **_OPTIONS)


#: Detector guesses trusted for an undeclared page: scripts a Western fallback would
#: garble. Any other guess (detectors confuse cp1252 with cp1257 …) means windows-1252.
_SNIFFABLE = frozenset((
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb18030", "gb2312", "gbk", "big5",
    "big5hkscs", "euc_kr", "cp949", "cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5",
    "mac_cyrillic", "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6",
    "cp874", "tis_620", "cp1258"))


def sniff_encoding(body: bytes) -> str:
    """The encoding of a page that declares none, as a browser's detector picks it.

    UTF-8 when the bytes are UTF-8; else the detector's guess when it is a
    non-Latin legacy encoding (Shift_JIS, GB18030, windows-1251 …); else
    windows-1252, the browsers' fallback.

    >>> sniff_encoding("Докеры в порту завершили забастовку".encode("cp1251"))
    'cp1251'
    """
    sample = body[:65536]
    if len(body) > len(sample):
        # End the sample on a newline, space or ">": bytes no multi-byte character uses,
        # so the cut does not leave half a character for the decoders to choke on.
        cut = max(sample.rfind(b"\n"), sample.rfind(b" "), sample.rfind(b">"))
        sample = sample[:cut + 1] if cut > 0 else sample
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(body) > len(sample) and exc.start >= len(sample) - 3:
            return "utf-8"  # valid up to a character the cut split in two
    try:
        from charset_normalizer import from_bytes  # imported lazily: rarely needed

        best = from_bytes(sample).best()
    except Exception:
        best = None
    return best.encoding if best is not None and best.encoding in _SNIFFABLE else "cp1252"


def decode_html(html: str | bytes, encoding: str | None = None) -> str:
    """The page as text, decoded like a browser (BOM > header > meta > sniff).

    ``encoding`` is the charset from the HTTP ``Content-Type`` header, if known.
    """
    return decode_source(html, encoding)[0]


def decode_source(html: str | bytes, encoding: str | None = None) -> tuple[str, bytes | None]:
    """:func:`decode_html`'s text, plus ``html`` itself when that text is exactly ``html``
    read as UTF-8 (most pages), else None.

    :func:`parse_html` hands lxml UTF-8 bytes; given these it need not encode the
    text back (a copy of the whole page, a tenth of a parse).
    """
    if isinstance(html, str):
        return html, None
    header = f"text/html; charset={encoding}" if encoding else None
    bom = read_bom(html)[0]
    if not encoding and bom is None:
        # Pages re-saved as UTF-8 keep their old <meta charset>; a document that is
        # valid, non-ASCII UTF-8 is UTF-8 whatever it declares (legacy bytes almost
        # never form valid multi-byte UTF-8 sequences by chance).
        declared = html_body_declared_encoding(html)
        if declared and declared.replace("-", "").lower() != "utf8" and not html.isascii():
            try:
                return html.decode("utf-8"), html
            except UnicodeDecodeError:
                pass
    try:
        used, text = html_to_unicode(header, html, auto_detect_fun=sniff_encoding)
    except Exception:  # an unknown codec name in the header or the document
        try:
            used, text = html_to_unicode(None, html, auto_detect_fun=sniff_encoding)
        except Exception:
            return html.decode("utf-8", "replace"), None
    # Read as UTF-8 with nothing replaced (no U+FFFD at all, to be sure) and no BOM cut
    # off: the text encodes back to exactly these bytes.
    if used == "utf-8" and bom is None and "\ufffd" not in text:
        return text, html
    return text, None


def utf8_flags(data: bytes) -> int:
    """Whether ``data`` is valid UTF-8 (:data:`UTF8_VALID`), all ASCII (:data:`UTF8_ASCII`)
    and holds a control byte that :func:`parse_html` deletes (:data:`UTF8_CONTROL`); 0 when
    it is not valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return 0
    return (UTF8_VALID | (UTF8_ASCII if data.isascii() else 0)
            | (UTF8_CONTROL if any(map(data.__contains__, _CONTROL_SINGLES)) else 0))


def plain_utf8(html: bytes, encoding: str | None = None) -> int:
    """:func:`utf8_flags` of ``html`` when :func:`decode_source` reads it as UTF-8 and
    :func:`clean_source` leaves that text as it is — the text is then exactly ``html``
    decoded, and :func:`parse_page` parses ``html`` without making the text — else 0.

    That is, for most pages: valid UTF-8, no byte-order mark, no charset other than
    UTF-8 in the HTTP header, none in the document either or one that
    :func:`decode_source` overrules, not too long, and no XML declaration (the first
    character that is not whitespace is ASCII and starts no ``<?xml``).
    """
    if len(html) > MAX_HTML_CHARS or read_bom(html)[0] is not None:
        return 0
    if encoding and http_content_type_encoding(f"text/html; charset={encoding}") != "utf-8":
        return 0  # another charset, or one unknown (decode_source then reads the document's)
    space = _ASCII_SPACE.match(html)  # always a match: the pattern takes the empty string
    start = space.end() if space is not None else 0
    if start == len(html) or html[start] >= 0x80 or html[start:start + 5].lower() == b"<?xml":
        return 0
    flags = utf8_flags(html)
    if not flags or encoding:
        return flags
    declared = html_body_declared_encoding(html)
    if declared is None or declared == "utf-8" or not flags & UTF8_ASCII:
        return flags  # sniffed as UTF-8, declared so, or decode_source's override
    return 0


def parse_page(html: str | bytes, encoding: str | None = None) -> etree._Element | None:
    """The page's root element: :func:`decode_source`, :func:`clean_source` and
    :func:`parse_html`, where a page that is plain UTF-8 (:func:`plain_utf8`) goes to the
    parser as it is, without being decoded to text first (that text would be thrown
    away: a tenth of a parse)."""
    if isinstance(html, bytes):
        flags = plain_utf8(html, encoding)
        if flags:
            return _parse(html.translate(None, _CONTROL_BYTES) if flags & UTF8_CONTROL
                          else html)
    raw, utf8 = decode_source(html, encoding)
    text = clean_source(raw)
    # The page's bytes stand for the text unless cleaning changed it.
    return parse_html(text, utf8 if text is raw else None)


def clean_source(text: str) -> str:
    """Drop a leading BOM and an XML declaration (control characters go in :func:`parse_html`).

    A page over :data:`MAX_HTML_CHARS` loses its scripts and styles (JSON-LD kept)
    and is then cut to that length, which bounds parsing time and memory.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_HTML_CHARS:
        text = _drop_bulk(text)[:MAX_HTML_CHARS]
    return _XML_DECL.sub("", text, count=1)


def _drop_bulk(text: str) -> str:
    """``text`` without the bodies of ``<script>`` (JSON-LD aside) and ``<style>``; linear."""
    out: list[str] = []
    pos = 0
    for m in _BULK_OPEN.finditer(text):
        if m.start() < pos:
            continue
        close = _BULK_CLOSE[m[1].lower()].search(text, m.end())
        if close is None:
            break
        out.append(text[pos:m.end()])
        keep = "ld+json" in m[0].lower() and close.start() - m.end() <= MAX_JSONLD_CHARS
        pos = m.end() if keep else close.start()
    out.append(text[pos:])
    return "".join(out)


def parse_html(text: str, utf8: bytes | None = None) -> etree._Element | None:
    """The document's root element, or None when nothing parseable is there.

    ``utf8`` is ``text`` encoded as UTF-8 when the caller has it (the page's own bytes,
    :func:`decode_source`), saving the encoding here.
    """
    if not text or text.isspace():  # not strip(): that copies a page ending in a newline
        return None
    # NULs and other C0 controls go here, on bytes: a C-speed delete (no UTF-8 sequence
    # holds a byte below 0x20), where a regex over the text cost half a parse. Nearly no
    # page has one: a memchr per byte value rules them out in two thirds of the delete's
    # time, and the page is then not copied.
    if utf8 is None:
        utf8 = text.encode("utf-8", "replace")
    has_control = any(map(utf8.__contains__, _CONTROL_SINGLES))
    return _parse(utf8.translate(None, _CONTROL_BYTES) if has_control else utf8)


def _parse(data: bytes) -> etree._Element | None:
    """Parse UTF-8 bytes without control characters; None when lxml finds nothing."""
    try:
        # Encode ourselves: the parser then ignores <meta charset> (already applied).
        root = etree.fromstring(data, _PARSER)
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
            # Too deep for the default limit: the rest of the page was dropped.
            root = etree.fromstring(data, _HUGE_PARSER)
            if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _HUGE_PARSER.error_log):
                # Deeper than 2048 (10 000 nested <div>): browsers flatten such nesting;
                # dropping the wrapper tags, which hold no text, keeps the story.
                root = etree.fromstring(_WRAPPER_TAGS.sub(b" ", data), _HUGE_PARSER)
        return root
    except Exception:  # lxml raises XMLSyntaxError/ParserError on hopeless input
        return None
