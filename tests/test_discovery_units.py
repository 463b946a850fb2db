"""Discovery's pure helpers: URL keys, feeds, sitemaps, dates, article detection."""

from __future__ import annotations

import doctest
from datetime import datetime, timezone

import pytest

from newscrawl import middlewares
from newscrawl.discovery import dates, feeds, sitemaps, sites, urls
from newscrawl.discovery.detect import article_verdict
from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.urls import de_amp, strip_tracking, url_key
from newscrawl.extraction.model import Block, Extraction


@pytest.mark.parametrize("module", [dates, feeds, sitemaps, sites, urls, middlewares])
def test_docstring_examples(module):
    failures, _ = doctest.testmod(module)
    assert failures == 0


@pytest.mark.parametrize("variant", [
    "https://www.ex.com/news/2024/05/03/a-story.html",
    "http://ex.com/news/2024/05/03/a-story.html",
    "https://ex.com/news/2024/05/03/a-story.html?utm_source=rss&utm_medium=feed",
    "https://ex.com/news/2024/05/03/a-story.html?fbclid=abc#comments",
    "https://ex.com/news/2024/05/03/a-story.amp.html",
    "https://amp.ex.com/news/2024/05/03/a-story.html",
])
def test_every_way_to_an_article_has_one_key(variant):
    assert url_key(variant) == "https://ex.com/news/2024/05/03/a-story.html"


def test_meaningful_query_parameters_are_kept():
    assert strip_tracking("https://ex.com/story?id=42&gclid=x&mc_cid=y") == "https://ex.com/story?id=42"
    assert url_key("https://ex.com/story?id=42") != url_key("https://ex.com/story?id=43")


def test_amp_segment_and_prefix_words():
    assert de_amp("https://ex.com/amp/news/x") == "https://ex.com/news/x"
    assert de_amp("https://ex.com/ampersand/x") == "https://ex.com/ampersand/x"


def test_atom_and_rdf_feeds():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><title>One</title><link rel="alternate" href="https://ex.com/1"/>
      <link rel="enclosure" href="https://ex.com/1.mp3"/><published>2024-05-03T10:00:00+02:00</published></entry>
      </feed>"""
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
      xmlns:dc="http://purl.org/dc/elements/1.1/"><item><title>Two</title><link>https://ex.com/2</link>
      <dc:date>2024-05-01</dc:date></item></rdf:RDF>"""
    assert [(e.url, e.published, e.title) for e in parse_feed(atom, "https://ex.com/feed")] == [
        ("https://ex.com/1", "2024-05-03T10:00:00+02:00", "One")]
    assert [(e.url, e.published) for e in parse_feed(rdf, "https://ex.com/feed")] == [
        ("https://ex.com/2", "2024-05-01T00:00:00+00:00")]
    assert parse_feed(b"<html><body>no feed</body></html>", "https://ex.com/") == []
    assert parse_feed(b"\x00\xff garbage", "https://ex.com/") == []


def test_since_accepts_dates_and_ages():
    now = datetime(2024, 5, 3, 12, tzinfo=timezone.utc)
    assert dates.parse_since("48h", now=now) == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert dates.parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="since='soon'"):
        dates.parse_since("soon")


def _extraction(words: int, **kw) -> Extraction:
    return Extraction(url="u", blocks=[Block(text="word " * words)], **kw)


@pytest.mark.parametrize(("extraction", "url", "expected"), [
    (_extraction(200, jsonld_types=["NewsArticle"]), "https://ex.com/x", (True, "jsonld-type")),
    (_extraction(200, og_type="article"), "https://ex.com/x", (True, "og-type")),
    (_extraction(200, jsonld_types=["VideoObject"], og_type="video.other"), "https://ex.com/v/1",
     (False, "hub-type")),
    (_extraction(200, og_type="website"), "https://ex.com/", (False, "hub-url")),
    (_extraction(200, og_type="website"), "https://ex.com/about-us", (False, "hub-og-type")),
    (_extraction(200, og_type="website"), "https://ex.com/kultur/2024/04/theater-premiere.html",
     (True, "url-shape")),
    (_extraction(200), "https://ex.com/weather/2024/04/26/storms-tornadoes-iowa/", (True, "url-shape")),
    (_extraction(200), "https://ex.com/autoren/jane-doe/was-lesen-die-philippinen-heute",
     (True, "url-shape")),
    (_extraction(200), "https://ex.com/archive/63076", (True, "url-shape")),
    (_extraction(200, og_type="video.other"), "https://ex.com/2024/05/04/drone-footage-of-port",
     (False, "hub-og-type")),
    (_extraction(200), "https://ex.com/tag/ukraine", (False, "hub-url")),
    (_extraction(60), "https://ex.com/2024/05/03/port-strike-ends", (True, "url-shape")),
    (_extraction(60), "https://ex.com/about", (False, "no-story")),
    (_extraction(5, jsonld_types=["NewsArticle"]), "https://ex.com/x", (False, "no-story")),
    (_extraction(200, jsonld_types=["NewsArticle"]), "https://ex.com/tag/x", (False, "hub-url")),
    (_extraction(200, jsonld_types=["LiveBlogPosting"]), "https://ex.com/live/2024/05/06/vote",
     (True, "jsonld-type")),
])
def test_article_verdict(extraction, url, expected):
    verdict = article_verdict(extraction, url)
    assert (verdict.is_article, verdict.reason) == expected


def test_a_page_key_keeps_amp_twins_apart():
    article = "https://ex.com/news/2024/05/03/a-story.html"
    assert urls.page_key("http://www.ex.com/news/2024/05/03/a-story.html?utm_source=x") == \
        urls.page_key(article)
    amp = "https://ex.com/news/2024/05/03/a-story.amp.html"
    assert urls.page_key(amp) != urls.page_key(article)
    assert url_key("https://ex.com/news/2024/05/03/a-story.amp.html") == url_key(article)


def test_robots_txt_sitemaps_and_a_broken_sitemap():
    robots = b"User-agent: *\nDisallow: /private/\nSitemap: /news.xml\nsitemap: https://ex.com/b.xml.gz\n"
    assert sitemaps.robots_sitemaps(robots, "https://ex.com/robots.txt") == [
        "https://ex.com/news.xml", "https://ex.com/b.xml.gz"]
    assert sitemaps.parse_sitemap(b"<html>not a sitemap</html>", "https://ex.com/") == []
    assert sitemaps.parse_sitemap(b"\x1f\x8b\x00garbage", "https://ex.com/") == []


@pytest.mark.parametrize(("header", "retry_times", "expected"), [
    (b"1", 0, 1.0), (b"3600", 0, 60.0), (None, 0, 2.0), (None, 2, 8.0), (b"later", 1, 4.0),
])
def test_retry_delay_honours_retry_after_with_a_cap(header, retry_times, expected):
    from scrapy.http import Request, Response
    from scrapy.settings import Settings

    from newscrawl import settings as project

    settings = Settings({k: getattr(project, k) for k in dir(project) if k.isupper()})
    settings.set("NEWSCRAWL_RETRY_AFTER_MAX", 60)
    middleware = middlewares.BackoffRetryMiddleware(settings)
    request = Request("https://ex.com/a", meta={"retry_times": retry_times})
    response = Response("https://ex.com/a", status=429,
                        headers={"Retry-After": header} if header else {})
    assert middleware.delay_for(request, response) == expected
