"""One reader of date values and one of durations (issue 24: look-alike helpers).

Discovery (feeds, sitemaps, ``-a since=``, the store's dates) and extraction (pages) had
a parser each and they disagreed; the cases where they did are pinned here with the
reading that is right, and every caller now goes through
:func:`newscrawl.extraction.dates.parse_datetime`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.discovery.dates import DURATION_UNITS, parse_duration, parse_since
from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.sitemaps import parse_sitemap
from newscrawl.errors import UserError
from newscrawl.extraction.dates import normalize_date, parse_datetime

NOW = datetime(2024, 5, 3, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("raw, expected", [
    # Discovery's reading was right, extraction's wrong:
    # RFC 5322 allows leaving out the day of the week; the page's "+0200" was dropped
    # (10:00 UTC, two hours late) because "03 May 2024" was read as a text date.
    ("03 May 2024 10:00:00 +0200", "2024-05-03T10:00:00+02:00"),
    # ISO 8601 hour without minutes: the hour was dropped (midnight).
    ("2024-05-03T10Z", "2024-05-03T10:00:00+00:00"),
    # ISO week date (2024, week 18, Friday): not read at all.
    ("2024-W18-5", "2024-05-03T00:00:00+00:00"),
    # RFC 850, which parsedate reads: not read at all.
    ("Friday, 03-May-24 10:00:00 GMT", "2024-05-03T10:00:00+00:00"),
    # Extraction's reading was right, discovery's wrong (None: no date):
    ("2024-05-03T10:00:00 UTC", "2024-05-03T10:00:00+00:00"),
    ("Fri, 03 May 2024", "2024-05-03T00:00:00+00:00"),
    ("May 3, 2024", "2024-05-03T00:00:00+00:00"),
    ("2024-5-3", "2024-05-03T00:00:00+00:00"),
    ("1714730400", "2024-05-03T10:00:00+00:00"),
    ("2024-05-03T10:00:00+02:00[Europe/Berlin]", "2024-05-03T10:00:00+02:00"),
    # ... and a placeholder year is no date (discovery read year 1, older than any since=,
    # so a sitemap entry with it was skipped though nothing says how old it is).
    ("0001-01-01T00:00:00Z", None),
    ("0001-01-01", None),
])
def test_the_readings_the_two_parsers_disagreed_on(raw, expected):
    assert normalize_date(raw) == expected
    moment = parse_datetime(raw)
    assert (moment and moment.replace(microsecond=0).isoformat()) == expected


def test_parse_datetime_is_always_aware():
    assert parse_datetime("2024-05-03 10:00") == datetime(2024, 5, 3, 10, tzinfo=timezone.utc)
    assert parse_datetime("2024-05-03") == datetime(2024, 5, 3, tzinfo=timezone.utc)
    assert parse_datetime("Fri, 03 May 2024 10:00:00 +0200") == datetime(
        2024, 5, 3, 10, tzinfo=timezone(timedelta(hours=2)))
    assert parse_datetime("2024-05-03T10:00:00.5Z").microsecond == 500000
    assert parse_datetime(None) is None and parse_datetime("  ") is None


def test_feeds_and_sitemaps_read_dates_as_pages_do():
    rss = (b"<rss><channel><item><link>https://ex.com/1</link>"
           b"<pubDate>03 May 2024 10:00:00 +0200</pubDate></item>"
           b"<item><link>https://ex.com/2</link><pubDate>May 3, 2024</pubDate></item>"
           b"</channel></rss>")
    assert [(e.url, e.published) for e in parse_feed(rss, "https://ex.com/feed")] == [
        ("https://ex.com/1", "2024-05-03T10:00:00+02:00"),
        ("https://ex.com/2", "2024-05-03T00:00:00+00:00")]
    sitemap = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b"<url><loc>https://ex.com/a</loc><lastmod>0001-01-01</lastmod></url>"
               b"<url><loc>https://ex.com/b</loc><lastmod>2024-05-03T10:00:00 UTC</lastmod></url>"
               b"</urlset>")
    entries = parse_sitemap(sitemap, "https://ex.com/sitemap.xml")
    assert [(e.url, e.published) for e in entries] == [
        ("https://ex.com/a", None), ("https://ex.com/b", "2024-05-03T10:00:00+00:00")]


@pytest.mark.parametrize("raw, seconds", [
    ("0", 0), ("90", 90), (90, 90), (None, 0),
    ("30s", 30), ("30S", 30), ("30m", 1800), ("24h", 86400), ("7d", 604800), ("2w", 1209600),
    (" 48 h ", 172800),
])
def test_parse_duration_units(raw, seconds):
    assert parse_duration(raw) == timedelta(seconds=seconds)


def test_duration_unit_table():
    assert DURATION_UNITS == {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@pytest.mark.parametrize("raw", ["soon", "1.5h", "-3h", "3y", "h", ""])
def test_parse_duration_error_message(raw):
    with pytest.raises(ValueError) as caught:
        parse_duration(raw)
    assert str(caught.value) == (
        "expected a duration: a number of seconds, or one with a unit s, m, h, d or w "
        f"(30s, 30m, 24h, 7d, 2w); got {raw!r}")


@pytest.mark.parametrize("raw, expected", [
    ("30s", NOW - timedelta(seconds=30)),          # refused before: the refresh window took it
    ("30m", NOW - timedelta(minutes=30)),
    ("48h", NOW - timedelta(hours=48)),
    ("7d", NOW - timedelta(days=7)),
    ("2W", NOW - timedelta(weeks=2)),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
    ("20240501", datetime(2024, 5, 1, tzinfo=timezone.utc)),   # a bare number is a date
    ("May 1, 2024", datetime(2024, 5, 1, tzinfo=timezone.utc)),
    ("Wed, 01 May 2024 10:00:00 GMT", datetime(2024, 5, 1, 10, tzinfo=timezone.utc)),
])
def test_since_takes_the_durations_the_settings_take(raw, expected):
    assert parse_since(raw, now=NOW) == expected


@pytest.mark.parametrize("raw", ["soon", "3600", "3y"])
def test_since_error_message(raw):
    with pytest.raises(UserError) as caught:
        parse_since(raw, now=NOW)
    assert str(caught.value) == (f"-a since={raw!r}: expected a date like 2024-05-01 or an age "
                                 "like 30s, 30m, 48h, 7d or 2w")


def test_a_zone_the_reader_does_not_know_is_no_date():
    """Not 19:20 UTC, two hours late (a FAZ page's first date candidate): the page's next
    candidate, ``2023-04-28T19:20:36+0200``, is the one taken."""
    assert parse_datetime("Fri Apr 28 19:20:36 CEST 2023") is None
    assert normalize_date("Fri Apr 28 19:20:36 GMT 2023") == "2023-04-28T19:20:36+00:00"
