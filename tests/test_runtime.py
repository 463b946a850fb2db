"""The garbage-collector threshold extension: set while the spider runs, put back after,
a clear error for a bad value."""

from __future__ import annotations

import gc

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.signalmanager import SignalManager
from scrapy.utils.test import get_crawler

from newscrawl.runtime import GcThreshold
from tests.conftest import FAST, run_crawl


@pytest.fixture
def thresholds():
    """Python's thresholds as the test found them, put back whatever the test does."""
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_threshold_is_set_while_the_spider_runs_and_put_back_after(thresholds):
    gc.set_threshold(700, 11, 12)
    crawler = get_crawler(Spider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": 10_000})
    crawler.signals = SignalManager(crawler)  # this extension's handlers only
    ext = GcThreshold.from_crawler(crawler)  # kept: signal handlers are weak references
    spider = Spider("s")
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    assert gc.get_threshold() == (10_000, 11, 12)
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert gc.get_threshold() == (700, 11, 12)
    assert not ext.opened


def _opened(threshold: int) -> GcThreshold:
    ext = GcThreshold.from_crawler(
        get_crawler(Spider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": threshold}))
    ext.spider_opened(Spider("s"))
    return ext


def test_overlapping_crawls_put_back_the_thresholds_found_before_the_first(thresholds):
    gc.set_threshold(700, 10, 10)
    first, second = _opened(10_000), _opened(20_000)
    assert gc.get_threshold() == (20_000, 10, 10)
    first.spider_closed(Spider("s"))
    assert gc.get_threshold()[0] == 20_000  # the second crawl still runs
    second.spider_closed(Spider("s"))
    second.spider_closed(Spider("s"))  # a second close counts once
    assert gc.get_threshold() == (700, 10, 10)


def test_setting_as_a_command_line_string(thresholds):
    crawler = get_crawler(Spider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": "5000"})
    ext = GcThreshold.from_crawler(crawler)
    ext.spider_opened(Spider("s"))
    assert gc.get_threshold()[0] == 5000
    ext.spider_closed(Spider("s"))


def test_zero_leaves_the_collector_alone():
    crawler = get_crawler(Spider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": 0})
    with pytest.raises(NotConfigured):
        GcThreshold.from_crawler(crawler)


@pytest.mark.parametrize("value", ["lots", -1, "-5", True, 2.5, None])
def test_bad_values_are_refused_with_the_setting_named(value):
    crawler = get_crawler(Spider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": value})
    with pytest.raises(ValueError, match=r"NEWSCRAWL_GC_THRESHOLD must be a whole number"):
        GcThreshold.from_crawler(crawler)


def test_a_crawl_with_a_bad_threshold_stops_with_the_reason(samples_server, tmp_path):
    result = run_crawl(*FAST, "-s", "NEWSCRAWL_GC_THRESHOLD=lots", "-s", "FEEDS={}",
                       "-a", f"start_urls={samples_server.base}", cwd=tmp_path)
    assert result.returncode == 2  # a user error: one line, no traceback
    assert "newscrawl: error: NEWSCRAWL_GC_THRESHOLD must be a whole number >= 0" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Crawled" not in result.stderr  # stopped before any request
