"""Hostile pages through ``extract_article``, offline: never raise, stay bounded, keep the story.

Each page is built from the same plain article (``tests/faultserver.py``) with one
fault added, so the expected output is exact: the article's title and paragraphs.
"""

from __future__ import annotations

import random
import time

import pytest

from newscrawl import extract_article
from newscrawl.output.validation import schema_errors
from tests.faultserver import (
    CHARSET_TEXT,
    article_html,
    charset_page,
    deep_page,
    good_article,
    good_paragraphs,
    links_page,
)

URL = "https://news.example/news/2024/05/03/harbour-story.html"
TITLE = "Harbour talks end"
PARAS = good_paragraphs(3)


def _item(html: str | bytes, *, budget: float = 10.0, **kwargs) -> dict | None:
    """extract_article within ``budget`` seconds; the item (if any) must be schema-valid."""
    start = time.perf_counter()
    item = extract_article(html, URL, **kwargs)
    assert time.perf_counter() - start < budget
    if item is not None:
        assert schema_errors(item) == []
    return item


def _page(**kwargs) -> str:
    return article_html(TITLE, PARAS, **kwargs)


def _assert_story(item: dict | None, title: str = TITLE) -> None:
    assert item is not None
    assert item["title"] == title
    assert item["paragraphs"] == PARAS


# --- broken markup ------------------------------------------------------------------------

def test_truncated_page_keeps_what_arrived():
    html = _page()
    cut = html.index(PARAS[3])  # mid-body: three paragraphs arrived, nothing closed
    item = _item(html[:cut + 40])
    assert item["title"] == TITLE
    assert item["paragraphs"] == PARAS[:3] + [PARAS[3][:40]]


def test_page_without_head_body_or_closing_tags():
    html = f"<title>{TITLE}</title><h1>{TITLE}" + "".join(f"<p>{p}" for p in PARAS)
    _assert_story(_item(html))


def test_nul_bytes_and_garbage_do_not_cut_the_page():
    html = _page().replace("<p>", "<p>\x00\x07").encode() + b"\xff\xfe\x00garbage"
    _assert_story(_item(html))


def test_binary_served_as_html_is_not_an_article():
    assert _item(random.Random(7).randbytes(200_000)) is None


# --- size and shape -----------------------------------------------------------------------

def test_twenty_megabyte_page_is_bounded():
    # 20 MB of script before the story: dropped before parsing, the story survives.
    script = "<script>" + "var x = 1;" * 2_000_000 + "</script>"
    _assert_story(_item(_page(head_extra=script), budget=8))


def test_endless_article_is_capped():
    html = article_html(TITLE, PARAS * 8000)  # 40 000 paragraphs, ~8 MB
    item = _item(html, budget=15)
    assert item is not None and item["title"] == TITLE
    assert 0 < len(item["paragraphs"]) <= 2000


@pytest.mark.parametrize("levels", [3000, 10_000])
def test_dom_nested_ten_thousand_levels_deep(levels: int):
    # Past libxml2's 2048-level limit the wrapper tags are dropped, as browsers flatten.
    item = _item(deep_page(levels))
    assert item is not None and item["title"] == "Deep story"
    assert item["paragraphs"] == good_paragraphs(99)


def test_deeply_nested_inline_tags_do_not_hang():
    assert _item("<html><body>" + "<p><b><i>" * 5000 + "x</body></html>") is None


def test_dom_nested_a_thousand_levels_keeps_the_story():
    item = _item(deep_page(1000))
    assert item is not None and item["paragraphs"] == good_paragraphs(99)


def test_hundred_thousand_links_is_not_an_article():
    assert _item(links_page(100_000), budget=10) is None


def test_ten_thousand_character_title():
    title = ("Harbour " * 1250).strip()
    item = _item(article_html(title, PARAS))
    assert item["title"] == title and item["paragraphs"] == PARAS


# --- JSON-LD ------------------------------------------------------------------------------

def _jsonld(text: str) -> str:
    return _page(head_extra=f'<script type="application/ld+json">{text}</script>')


@pytest.mark.parametrize("text", [
    '{"@type": "NewsArticle", "headline": ',                       # cut short
    "{'@type': 'NewsArticle'}",                                    # not JSON
    ('[1, "x", null, true, {"@type": 5, "headline": {"a": 1}, "datePublished": [3],'
     ' "author": 7, "keywords": {"x": 1}, "publisher": [[]]}]'),     # wrong types everywhere
    '"NewsArticle"',
    "[" * 200_000,                                                 # nested past the recursion limit
    '{"a":' * 100_000,
    "[" + ",".join(["1"] * 300_000) + "]",                         # a huge flat array
    '{"@type": "NewsArticle", "articleBody": "' + "word " * 1_000_000 + '"}',  # 5 MB
    '{"@graph": ' * 5000 + "{}" + "}" * 5000,
], ids=["cut", "single-quotes", "wrong-types", "string", "deep-array", "deep-object",
        "flat-array", "huge", "deep-graph"])
def test_broken_jsonld_leaves_the_dom_story(text: str):
    _assert_story(_item(_jsonld(text), budget=5))


# --- dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2999-01-01T00:00:00Z", "2024-13-45T99:99:99", "0000-00-00",
                                   "yesterday", "", "9" * 5000])
def test_future_or_unparseable_dates(value: str):
    item = _item(_page(published=value))
    assert item["title"] == TITLE
    # The page's date is not believed; the URL's /2024/05/03/ is.
    assert item["published"] == "2024-05-03T00:00:00+00:00"
    assert item["published_raw"] == "2024/05/03"


# --- charsets: decoded as a browser decodes them ------------------------------------------

@pytest.mark.parametrize("enc", sorted(CHARSET_TEXT))
@pytest.mark.parametrize("header,meta", [(True, False), (False, True), (True, True),
                                         (False, False)],
                         ids=["header", "meta", "both", "undeclared"])
def test_legacy_charsets(enc: str, header: bool, meta: bool):
    item = _item(charset_page(enc, meta), encoding=enc if header else None)
    assert item is not None
    assert item["paragraphs"][0] == CHARSET_TEXT[enc]


def test_good_article_baseline():
    item = _item(good_article(1))
    assert item["title"] == "Good story number 1 about the harbour"


@pytest.mark.parametrize("href", ["http://news.example:8px solid/x", "http://[broken/x",
                                  "http://news.example:99999/x"])
def test_unparseable_canonical_url_falls_back_to_the_page_url(href: str):
    # Found by the property test: a CSS fragment pasted into rel=canonical.
    item = _item(_page(head_extra=f'<link rel="canonical" href="{href}">'))
    _assert_story(item)
    assert item["canonical_url"] == URL


@pytest.mark.parametrize("enc", ["shift_jis", "gb18030", "utf-8"])
def test_undeclared_charset_of_a_long_page(enc: str):
    # Over the 64 KB the detector reads, in text without spaces: the cut must not split
    # a character and mislead it.
    text = "東京の港湾労働者は月曜日にストライキを終えた" if enc != "gb18030" else "北京的码头工人周一结束了罢工"
    paras = [text * 40 + "。"] * 60
    html = article_html(text[:8], paras, lang="ja" if enc == "shift_jis" else "zh").encode(enc)
    assert len(html) > 65536
    item = _item(html)
    assert item is not None and item["paragraphs"][0] == paras[0]
