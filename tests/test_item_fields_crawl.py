"""A crawl's output as downstream tools read it: one date form, raw dates, typed columns,
and what ``-a since=`` does with undated pages.

One crawl (module fixture) of a small site on 127.0.0.1: article pages whose dates are
written every way pages write them (offset, ``Z``, no zone, bare day, RFC 2822, Unix
time, a date line by the headline), linked from the front page; an undated page that
only a feed lists, with a date; an undated page reached only by a link; and an undated
page the feed dates before ``since``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from newscrawl.output.fields import hf_features
from tests.conftest import FAST, read_jsonl, run_crawl
from tests.test_discovery_crawl import SiteServer

#: an end-to-end crawl: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fields"
SINCE = "2024-05-01"

#: The documented form of every date an item carries, spelled out here on its own
#: (README "Dates"): ISO 8601 to the second with an explicit numeric offset.
ONE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

#: path → (title, extra <head> markup, JSON-LD date properties, date line by the headline)
PAGES = {
    "news/port-strike-talks-resume.html": (
        "Port strike talks resume", "",
        {"datePublished": "2024-05-03T17:47:42.389+02:00", "dateModified": "2024-05-04T08:00:00Z"},
        ""),
    "news/council-approves-tidal-bridge.html": (
        "Council approves the tidal bridge",
        '<meta property="article:published_time" content="2024-05-03 15:47">', {}, ""),
    "news/lighthouse-keeper-retires-today.html": (
        "Lighthouse keeper retires", "", {"datePublished": "2024-05-03"}, ""),
    "news/fishing-quotas-cut-again.html": (
        "Fishing quotas cut again",
        '<meta name="pubdate" content="Fri, 03 May 2024 17:47:42 +0200">', {}, ""),
    "news/new-ferry-enters-service.html": (
        "New ferry enters service", '<meta name="publishdate" content="1714751262">', {}, ""),
    "news/storm-damages-sea-wall.html": (
        "Storm damages the sea wall", "", {}, '<p class="date">May 3, 2024 5:47 pm</p>'),
    # undated pages: the first is listed by the feed with a date, the second only linked,
    # the third listed with a date before SINCE
    "news/ferry-timetable-changes-summer.html": ("Ferry timetable changes", "", {}, ""),
    "news/harbour-museum-opens-doors.html": ("Harbour museum opens its doors", "", {}, ""),
    "news/harbour-wall-repaired-winter.html": ("Harbour wall repaired", "", {}, ""),
}
LINKED = [p for p in PAGES if p not in ("news/ferry-timetable-changes-summer.html",
                                        "news/harbour-wall-repaired-winter.html")]

#: path → (published, published_raw, modified, modified_raw) in the written item
EXPECTED_DATES = {
    "news/port-strike-talks-resume.html": (
        "2024-05-03T17:47:42+02:00", "2024-05-03T17:47:42.389+02:00",
        "2024-05-04T08:00:00+00:00", "2024-05-04T08:00:00Z"),
    "news/council-approves-tidal-bridge.html": (
        "2024-05-03T15:47:00+00:00", "2024-05-03 15:47", None, None),
    "news/lighthouse-keeper-retires-today.html": (
        "2024-05-03T00:00:00+00:00", "2024-05-03", None, None),
    "news/fishing-quotas-cut-again.html": (
        "2024-05-03T17:47:42+02:00", "Fri, 03 May 2024 17:47:42 +0200", None, None),
    "news/new-ferry-enters-service.html": (
        "2024-05-03T15:47:42+00:00", "1714751262", None, None),
    "news/storm-damages-sea-wall.html": (
        "2024-05-03T17:47:00+00:00", "May 3, 2024 5:47 pm", None, None),
    "news/ferry-timetable-changes-summer.html": ("2024-05-05T10:00:00+02:00", None, None, None),
    "news/harbour-museum-opens-doors.html": (None, None, None, None),
}

_WORDS = ("harbour quay council ferry tide storm bridge budget crew captain lighthouse "
          "residents mayor engineers repairs morning evening weather river boats cargo "
          "market families visitors workers plan vote week year town coast island").split()


def _paragraphs(seed: str) -> str:
    rng = random.Random(seed)
    return "\n".join(f"<p>{' '.join(rng.choice(_WORDS) for _ in range(24)).capitalize()}.</p>"
                     for _ in range(8))


def render_site(base: str) -> dict[str, bytes]:
    template = (FIXTURES / "article.html").read_text("utf-8")
    files = {"/robots.txt": b"User-agent: *\nAllow: /\n",
             "/feed.xml": (FIXTURES / "feed.xml").read_text("utf-8").replace(
                 "{base}", base).encode("utf-8")}
    links = "".join(f'<li><a href="/{p}">{PAGES[p][0]}</a></li>' for p in LINKED)
    files["/index.html"] = (
        '<!DOCTYPE html><html lang="en"><head><title>The Eastmouth Tide</title>'
        '<meta property="og:type" content="website"></head>'
        f"<body><h1>The Eastmouth Tide</h1><ul>{links}</ul></body></html>").encode("utf-8")
    for path, (title, head, dates, dateline) in PAGES.items():
        jsonld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                             "headline": title, **dates,
                             "author": {"@type": "Person", "name": "Ada Quill"}})
        files["/" + path] = template.format(
            base=base, path=path, title=title, head=head, jsonld=jsonld, dateline=dateline,
            paragraphs=_paragraphs(path)).encode("utf-8")
    return files


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """The crawl's items by path, its stats dump and log, and the paths requested."""
    tmp_path = tmp_path_factory.mktemp("fields-crawl")
    with SiteServer() as server:
        server.files = render_site(server.base)
        out = tmp_path / "out.jsonl"
        result = run_crawl("-a", f"start_urls={server.base}", "-a", f"feeds={server.base}feed.xml",
                           "-a", f"since={SINCE}", "-O", str(out), *FAST, cwd=tmp_path)
        requested = server.paths()
    assert result.returncode == 0, result.stderr[-3000:]
    items = {item["url"][len(server.base):]: item for item in read_jsonl(out)}
    stats = {k: int(v) for k, v in re.findall(r"'([\w/.:-]+)': (\d+)[,}]", result.stderr)}
    return items, stats, result.stderr, requested


def test_every_date_of_a_crawl_has_the_one_documented_form(crawl):
    items, _, _, _ = crawl
    assert sorted(items) == sorted(EXPECTED_DATES)
    for path, item in items.items():
        for field in ("published", "modified", "crawled_at"):
            value = item[field]
            assert value is None or ONE_FORM.match(value), (path, field, value)
        assert ONE_FORM.match(item["crawled_at"])
        assert item["crawled_at"].endswith("+00:00")


def test_dates_are_normalised_beside_the_pages_raw_text(crawl):
    items, _, _, _ = crawl
    got = {path: (item["published"], item["published_raw"], item["modified"],
                  item["modified_raw"]) for path, item in items.items()}
    assert got == EXPECTED_DATES


def test_undated_page_listed_by_a_dated_feed_entry_takes_the_listed_date(crawl):
    items, stats, _, requested = crawl
    listed = items["news/ferry-timetable-changes-summer.html"]
    assert listed["published"] == "2024-05-05T10:00:00+02:00"  # the feed's pubDate
    assert stats["newscrawl/dated_by_listing"] == 1
    assert listed["published_raw"] is None  # the page said nothing
    # the undated page the feed dates before since is skipped before any request
    assert "/news/harbour-wall-repaired-winter.html" not in requested
    assert stats["newscrawl/skipped/too-old"] == 1


def test_undated_page_found_by_links_is_kept_and_counted_undated(crawl):
    items, stats, log, _ = crawl
    assert stats["newscrawl/undated"] == 1
    summary = log[log.index("newscrawl summary"):]
    assert "articles found: 8 (undated: 1, dated by their feed or sitemap entry: 1)" in summary
    linked = items["news/harbour-museum-opens-doors.html"]  # kept although since is given
    assert (linked["published"], linked["published_raw"]) == (None, None)


def _json_type_fits(value, feature) -> bool:
    """Whether a feed value fits a column of ``hf_features()`` (None fits any column)."""
    if value is None:
        return True
    if isinstance(feature, list):
        return isinstance(value, list) and all(
            isinstance(v, dict) and set(v) <= set(feature[0])
            and all(_json_type_fits(x, feature[0][k]) for k, x in v.items()) for v in value)
    if feature["_type"] == "Sequence":
        return isinstance(value, list) and all(_json_type_fits(v, feature["feature"])
                                               for v in value)
    if feature["dtype"] == "string":
        return isinstance(value, str)
    if feature["dtype"] == "float64":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return feature["dtype"] == "int64" and isinstance(value, int) and not isinstance(value, bool)


def test_every_value_of_a_crawl_fits_its_hf_features_column(crawl):
    items, _, _, _ = crawl
    features = hf_features()
    for path, item in items.items():
        assert set(item) <= set(features), path
        for field, value in item.items():
            assert _json_type_fits(value, features[field]), (path, field, value)
