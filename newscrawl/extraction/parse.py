"""Bytes → text → lxml tree, the way a browser would, without ever raising.

Decoding order (what browsers do): byte-order mark, then the HTTP header
charset, then ``<meta charset>`` / ``http-equiv`` in the document, then a
UTF-8 sniff with cp1252 as the last resort — :func:`w3lib.encoding.html_to_unicode`
implements exactly that order. One deviation: without a header charset, a
document whose bytes are valid non-ASCII UTF-8 is read as UTF-8 even when its
``<meta>`` declares a legacy charset (re-saved pages keep stale declarations). The text is then cleaned of NULs and other
control characters (libxml2 truncates documents at a NUL) and of any XML
declaration (lxml refuses ``str`` input carrying an encoding declaration), and
parsed once with lxml's forgiving HTML parser.
"""

from __future__ import annotations

import re

from lxml import etree
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, read_bom

#: Control characters libxml2 chokes on (NUL truncates the document).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: A leading XML declaration / BOM that would confuse the HTML parser.
_XML_DECL = re.compile(r"^\s*(?:\ufeff)?\s*<\?xml[^>]*\?>", re.I)

_OPTIONS = dict(recover=True, remove_comments=True, remove_pis=True, no_network=True,
                encoding="utf-8", default_doctype=False)
_PARSER = etree.HTMLParser(**_OPTIONS)
#: Used only when a document is nested deeper than libxml2's default limit (256).
_HUGE_PARSER = etree.HTMLParser(huge_tree=True, **_OPTIONS)


def decode_html(html: str | bytes, encoding: str | None = None) -> str:
    """The page as text, decoded like a browser (BOM > header > meta > sniff).

    ``encoding`` is the charset from the HTTP ``Content-Type`` header, if known.
    """
    if isinstance(html, str):
        return html
    header = f"text/html; charset={encoding}" if encoding else None
    if not encoding and read_bom(html)[0] is None:
        # Pages re-saved as UTF-8 keep their old <meta charset>; a document that is
        # valid, non-ASCII UTF-8 is UTF-8 whatever it declares (legacy bytes almost
        # never form valid multi-byte UTF-8 sequences by chance).
        declared = html_body_declared_encoding(html)
        if declared and declared.replace("-", "").lower() != "utf8" and not html.isascii():
            try:
                return html.decode("utf-8")
            except UnicodeDecodeError:
                pass
    try:
        _, text = html_to_unicode(header, html)
    except Exception:  # an unknown codec name in the header or the document
        try:
            _, text = html_to_unicode(None, html)
        except Exception:
            text = html.decode("utf-8", "replace")
    return text


def clean_source(text: str) -> str:
    """Drop NULs, control characters, a leading BOM and an XML declaration."""
    text = _CONTROL.sub("", text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return _XML_DECL.sub("", text, count=1)


def parse_html(text: str) -> etree._Element | None:
    """The document's root element, or None when nothing parseable is there."""
    if not text or not text.strip():
        return None
    data = text.encode("utf-8", "replace")
    try:
        # Encode ourselves: the parser then ignores <meta charset> (already applied).
        root = etree.fromstring(data, _PARSER)
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
            # Too deep for the default limit: the rest of the page was dropped.
            root = etree.fromstring(data, _HUGE_PARSER)
        return root
    except Exception:  # lxml raises XMLSyntaxError/ParserError on hopeless input
        return None
