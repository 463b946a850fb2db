"""The progress line: its text, silence off a terminal, and a real crawl on a pseudo-terminal."""

from __future__ import annotations

import io
import logging
import os
import pty
import subprocess
import sys
import threading

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.output.progress import ProgressLine, format_progress
from tests.conftest import FAST, ROOT, SAMPLES, StaticServer


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def make_progress(stream, interval: float = 2.0) -> ProgressLine:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_PROGRESS_INTERVAL": interval})
    return ProgressLine.from_crawler(crawler, stream=stream)


def test_format_progress():
    assert format_progress(pages=412, items=97, drops=6, pages_per_minute=131.4,
                           elapsed=190) == (
        "newscrawl 0:03:10  pages 412  items 97  drops 6  131 pages/min")
    assert format_progress(pages=0, items=0, drops=0, pages_per_minute=0,
                           elapsed=3 * 3600 + 5) == (
        "newscrawl 3:00:05  pages 0  items 0  drops 0  0 pages/min")


def test_silent_when_not_a_terminal_or_turned_off():
    with pytest.raises(NotConfigured):
        make_progress(io.StringIO())
    with pytest.raises(NotConfigured):
        make_progress(FakeTerminal(), interval=0)


def test_line_from_crawler_stats_with_rate_over_the_last_minute():
    stream = FakeTerminal()
    progress = make_progress(stream)
    progress.started = 100.0
    stats = progress.stats
    stats.set_value("response_received_count", 10)
    assert progress.line(100.0).endswith("pages 10  items 0  drops 0  0 pages/min")
    stats.set_value("response_received_count", 40)
    stats.set_value("item_scraped_count", 7)
    stats.set_value("item_dropped_count", 2)
    assert progress.line(130.0) == (
        "newscrawl 0:00:30  pages 40  items 7  drops 2  60 pages/min")
    stats.set_value("response_received_count", 100)
    # the sample at 100 s is now older than the minute: the rate is over 130..190 s
    assert progress.line(190.0).endswith("pages 100  items 7  drops 2  60 pages/min")


def test_show_rewrites_one_line_and_log_records_clear_it():
    stream = FakeTerminal()
    progress = make_progress(stream)
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("newscrawl.test_progress")
    logging.getLogger().addHandler(handler)
    try:
        progress.attach()
        progress.show()
        progress.show()
        logger.warning("something happened")
        progress.finish()
    finally:
        logging.getLogger().removeHandler(handler)
    line = "newscrawl 0:00:00  pages 0  items 0  drops 0  0 pages/min"
    assert stream.getvalue() == (f"\r\x1b[K{line}\r\x1b[K{line}\r\x1b[Ksomething happened\n"
                                 f"\r\x1b[K{line}\n")
    assert not handler.filters  # the filter goes with the crawl


@pytest.mark.slow
def test_real_crawl_shows_the_line_only_on_a_terminal():
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "scrapy", "crawl", "news", *FAST, "-s", "LOG_LEVEL=WARNING",
            "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.2", "-s", "FEEDS={}"]
    with StaticServer(SAMPLES) as server:
        args += ["-a", f"start_urls={server.base}", "-a", "depth=1"]
        piped = subprocess.run(args, env=env, capture_output=True, text=True, check=False,
                               timeout=120)
        master, slave = pty.openpty()
        chunks: list[bytes] = []
        reader = threading.Thread(target=_drain, args=(master, chunks), daemon=True)
        reader.start()
        on_tty = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=slave,
                                check=False, timeout=120)
        os.close(slave)
        reader.join(timeout=10)
    assert piped.returncode == 0 and "pages/min" not in piped.stderr and "\r" not in piped.stderr
    assert on_tty.returncode == 0
    tty_text = b"".join(chunks).decode("utf-8", "replace")
    lines = [part for part in tty_text.split("\r\x1b[K") if part.startswith("newscrawl ")]
    assert lines, tty_text
    assert lines[-1].startswith("newscrawl 0:00:") and "  items " in lines[-1]
    assert lines[-1].rstrip("\r\n").endswith(" pages/min")


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
