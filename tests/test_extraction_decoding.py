"""``parse_page`` hands a page that is plain UTF-8 to the parser as it is, and gives the
same tree as decoding it first (``decode_source`` → ``clean_source`` → ``parse_html``)
for every page, plain or not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newscrawl.extraction import parse
from newscrawl.extraction.parse import (
    MAX_HTML_CHARS,
    UTF8_ASCII,
    UTF8_CONTROL,
    UTF8_VALID,
    clean_source,
    decode_source,
    parse_html,
    parse_page,
    plain_utf8,
)

PAGE = "<html><head><meta charset='utf-8'><title>Café</title></head><body><p>Grüße</p></body></html>"


def decoded_tree(html: str | bytes, encoding: str | None = None):
    """The tree of the path that always decodes first."""
    raw, utf8 = decode_source(html, encoding)
    text = clean_source(raw)
    return parse_html(text, utf8 if text is raw else None)


def serialized(root) -> str | None:
    return None if root is None else etree.tostring(root.getroottree(), encoding="unicode")


def test_a_utf8_page_is_parsed_without_decoding_it(monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(parse, "decode_source", no_decoding)
    for html, encoding in ((PAGE.encode(), None), (PAGE.encode(), "UTF8"),
                           (PAGE.replace("utf-8", "windows-1252").encode(), None),
                           (PAGE.replace(" charset='utf-8'", "").encode(), None)):
        assert plain_utf8(html, encoding) == UTF8_VALID
        assert parse_page(html, encoding).findtext(".//p") == "Grüße"
    ascii_page = b"\n  <p>a\x00b</p>"
    assert plain_utf8(ascii_page) == UTF8_VALID | UTF8_ASCII | UTF8_CONTROL
    assert parse_page(ascii_page).findtext(".//p") == "ab"


@pytest.mark.parametrize(("html", "encoding"), [
    ("\ufeff" + PAGE, None),  # a byte-order mark
    ("<?xml version='1.0' encoding='utf-8'?>" + PAGE, None),  # an XML declaration
    (" \n<?XML version='1.0'?>" + PAGE, None),
    ("\xa0<?xml version='1.0'?>" + PAGE, None),  # after whitespace that is not ASCII
    ("é" + PAGE, None),  # text before the markup: the check would need the decoder's view
    (PAGE, "latin-1"),  # the header names another charset
    (PAGE, "no-such-codec"),  # or one unknown: the document's then counts
    (PAGE.replace("é", "e").replace("ü", "u").replace("ß", "ss")
     .replace("utf-8", "windows-1252"), None),  # ASCII that declares a legacy charset
    ("   \n ", None),
    ("", None),
])
def test_pages_that_are_not_plain_utf8_are_decoded_first(html, encoding):
    data = html.encode()
    assert plain_utf8(data, encoding) == 0
    assert serialized(parse_page(data, encoding)) == serialized(decoded_tree(data, encoding))


def test_invalid_utf8_and_an_overlong_page_are_decoded_first():
    assert plain_utf8(PAGE.encode("cp1252")) == 0
    assert plain_utf8(PAGE.encode()[:-3] + b"\xed\xa0\x80") == 0  # a surrogate
    long_page = PAGE.encode().replace(b"<p>", b"<p>" + b"x" * MAX_HTML_CHARS)
    assert plain_utf8(long_page) == 0


_PIECES = st.sampled_from([
    "<html>", "<head>", "<meta charset='utf-8'>", "<meta charset='windows-1252'>",
    "<meta http-equiv='Content-Type' content='text/html; charset=shift_jis'>",
    "<meta charset='utf-16'>", "<?xml version='1.0' encoding='utf-8'?>", "<?xml?>",
    "<title>T</title>", "<body>", "<p>", "</p>", "text ", " ", "\n", "\t", "\xa0", "\u3000",
    "\ufeff", "\x00", "\x0b", "\x1f", "é", "日本", "\U0001f600", "\ufffd", "<!-- c -->",
])
_RAW = st.sampled_from([b"\x80", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x93"])


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_PIECES.map(str.encode), _RAW), max_size=30).map(b"".join),
       st.sampled_from([None, "utf-8", "utf8", "latin-1", "shift_jis", "bogus", "utf-16"]))
def test_the_plain_path_gives_the_decoded_paths_tree(html: bytes, encoding: str | None):
    if plain_utf8(html, encoding):
        assert clean_source(decode_source(html, encoding)[0]) == html.decode("utf-8")
    assert serialized(parse_page(html, encoding)) == serialized(decoded_tree(html, encoding))
