"""The sites file: TOML, data only; mistakes are reported with the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newscrawl.discovery.detect import article_verdict
from newscrawl.discovery.sites import Site, SitesFileError, load_sites
from newscrawl.extraction.model import Block, Extraction

GOOD = '''# two sites
[[site]]
name = "tide"
start_urls = ["https://www.tide.example/", "https://www.tide.example/world/"]
feeds = "https://www.tide.example/rss.xml"
sitemaps = ["https://tide.example/robots.txt"]
article_pattern = '/20\\d\\d/\\d\\d/\\d\\d/'
depth = 1
profile = "profiles/tide.toml"

[[site]]
name = "herald"
sitemaps = ["https://news.herald.example/news-sitemap.xml"]
allowed_domains = ["herald.example"]
'''


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    return path


def test_a_good_file_gives_one_site_per_table(tmp_path: Path):
    tide, herald = load_sites(_write(tmp_path, GOOD))
    assert (tide.name, tide.feeds, tide.depth) == ("tide", ["https://www.tide.example/rss.xml"], 1)
    assert tide.allowed_domains == ["tide.example"]  # from the URLs, www. folded
    assert tide.article_pattern.pattern == r"/20\d\d/\d\d/\d\d/"
    assert tide.profile == str(tmp_path / "profiles" / "tide.toml")  # next to the file
    assert (herald.depth, herald.profile, herald.article_pattern) == (None, None, None)
    assert herald.allows("https://www.herald.example/2024/a") and herald.allows("http://news.herald.example/b")
    assert not herald.allows("https://herald.example.evil.com/") and not herald.allows("ftp://herald.example/")


@pytest.mark.parametrize(("text", "message"), [
    ('[[site]]\nname = "a"\nstart_urls = ["https://a.example/"\n',
     r"line 3: invalid TOML: Unclosed array"),
    ('[[site]]\nname = "a\nfeeds = []\n', r"line 2: invalid TOML"),
    ('[[site]]\nname = "a"\nstart_urls = ["https://a.example/"]\n\n[[site]]\nname = "b"\n'
     'feeds = ["https://b.example/rss"]\nstart_url = "https://b.example/"\n',
     r"line 8: unknown key 'start_url' in \[\[site\]\] \(known: name, start_urls, "),
    ('sites = []\n', r"line 1: unknown key 'sites': a sites file holds only \[\[site\]\] tables"),
    ('# nothing\n', r"no \[\[site\]\] tables"),
    ('[[site]]\nstart_urls = ["https://a.example/"]\n', r"line 1: \[\[site\]\] needs a name"),
    ('[[site]]\nname = "a"\n', r"line 1: site 'a' has no start_urls, feeds or sitemaps"),
    ('[[site]]\nname = "a"\nfeeds = ["https://a.example/rss"]\ndepth = "two"\n',
     r"line 4: depth must be a whole number >= 0, got 'two'"),
    ('[[site]]\nname = "a"\nfeeds = ["https://a.example/rss"]\narticle_pattern = "/(20"\n',
     r"line 4: article_pattern '/\(20' is not a regex"),
    ('[[site]]\nname = "a"\nfeeds = [3]\n', r"line 3: feeds must be a string or a list of strings"),
    ('[[site]]\nname = "a"\nfeeds = ["javascript:alert(1)"]\n',
     r"line 3: feeds: .* is not an http"),
    ('[[site]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n[[site]]\nname = "a"\n'
     'feeds = ["https://a.example/atom"]\n', r"site name 'a' is used twice"),
])
def test_mistakes_name_the_file_and_line(tmp_path: Path, text: str, message: str):
    path = _write(tmp_path, text)
    with pytest.raises(SitesFileError, match=re.escape(str(path)) + r".*" + message):
        load_sites(path)


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SitesFileError, match="cannot read sites file"):
        load_sites(tmp_path / "nope.toml")


def _article(url_words: int = 200) -> Extraction:
    return Extraction(url="u", blocks=[Block(text="word " * url_words)],
                      jsonld_types=["NewsArticle"])


def test_the_article_pattern_outranks_the_other_signals():
    pattern = re.compile(r"/story/\d+")
    assert article_verdict(_article(), "https://ex.com/about", pattern).reason == "not-pattern"
    # a hub-looking path is no veto when the site's pattern says article
    assert article_verdict(_article(), "https://ex.com/video/story/12", pattern).is_article
    assert not article_verdict(_article(), "https://ex.com/video/story/12").is_article


def test_sites_default_to_their_own_hosts():
    site = Site("s", feeds=["https://www.ex.com/rss"], sitemaps=["http://news.ex.org/s.xml"])
    assert site.allowed_domains == ["ex.com", "news.ex.org"]
    assert site.allows("https://ex.com/a") and site.allows("https://news.ex.org/a")
    assert not site.allows("https://ex.org/a")


def test_a_key_after_a_blank_line_is_named_on_its_own_line(tmp_path: Path):
    """The blank line before ``bogus`` was counted as its line (``^\\s*`` ran over the line
    break); the site profile's line finder had it right: one finder now, datafiles.line_of."""
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nname = "a"\n\n   bogus = 1\n', encoding="utf-8")
    with pytest.raises(SitesFileError) as info:
        load_sites(str(path))
    assert str(info.value).startswith(f"{path}, line 4: unknown key 'bogus' in [[site]]")
