"""Property: whatever the bytes, ``extract_article`` returns None or a schema-valid item.

Inputs are the sample pages mutated the way real pages break (cut short, ranges
lost, tags duplicated, NULs and garbage bytes, stray declarations) and soup built
from HTML fragments. Examples are kept few (the suite's time budget); hypothesis
remembers failing ones in ``.hypothesis/`` and replays them first.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl import extract_article
from newscrawl.output.validation import schema_errors
from tests.conftest import SAMPLES

URL = "https://www.dailyharbor.example/world/2024/05/03/some-story.html"
PAGES = [p.read_bytes() for p in sorted(SAMPLES.rglob("*.html"))]
#: Pieces that break parsers: NUL, lone markup, comment/CDATA openers, bad entities,
#: charset and JSON-LD openers, a BOM, invalid UTF-8.
NASTY = [b"\x00", b"<", b">", b"</div>", b"<div>", b"<p>", b"<script>", b"</script>", b"<!--",
         b"-->", b"<![CDATA[", b"]]>", b"&#0;", b"&#xD800;", b"&#99999999;", b"&", b"\xef\xbb\xbf",
         b"\xff\xfe", b"\xc3", b'<meta charset="shift_jis">', b'<meta charset="bogus">',
         b'<script type="application/ld+json">{"@type":"NewsArticle","headline":',
         b"<?xml version='1.0' encoding='latin-1'?>", b"<table><tr><td>", b"<h1>", b"</html>",
         b"<title>", b"<body>", b"<base href='javascript:x'>", b"\r", b"\x1b[31m"]

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated_pages(draw) -> bytes:
    page = draw(st.sampled_from(PAGES))
    for _ in range(draw(st.integers(1, 4))):
        n = len(page)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 4000)))
        op = draw(st.sampled_from(("truncate", "delete", "duplicate", "insert", "garbage")))
        if op == "truncate":
            page = page[:i]
        elif op == "delete":
            page = page[:i] + page[j:]
        elif op == "duplicate":
            page = page[:j] + page[i:j] * draw(st.integers(1, 3)) + page[j:]
        elif op == "insert":
            page = page[:i] + b"".join(draw(st.lists(st.sampled_from(NASTY), max_size=6))) + page[i:]
        else:
            page = page[:i] + draw(st.binary(max_size=64)) + page[i:]
    return page


html_soup = st.lists(st.one_of(st.sampled_from(NASTY), st.binary(max_size=30),
                               st.text(max_size=30).map(lambda s: s.encode("utf-8", "replace"))),
                     max_size=40).map(b"".join)


def _check(html: bytes, encoding: str | None = None) -> None:
    item = extract_article(html, URL, encoding=encoding)
    assert item is None or schema_errors(item) == []


@SETTINGS
@given(mutated_pages())
def test_mutated_samples_give_none_or_a_valid_item(html: bytes) -> None:
    _check(html)


@settings(SETTINGS, max_examples=100)
@given(html_soup, st.sampled_from([None, "utf-8", "cp1252", "shift_jis", "bogus-charset", ""]))
def test_html_soup_gives_none_or_a_valid_item(html: bytes, encoding: str | None) -> None:
    _check(html, encoding or None)


def test_unmutated_samples_still_work() -> None:
    # The property is not vacuous: the pages it mutates do give items.
    assert sum(extract_article(p, URL) is not None for p in PAGES) >= 8
