"""``python -m newscrawl report``: one self-contained HTML file, checked as markup and,
from a real crawl of the samples, rendered in headless Chromium (console errors, charts,
a screenshot)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.report.load import read_items
from newscrawl.report.report_html import pick_samples, render_report
from tests.conftest import FAST, ROOT, read_jsonl, run_crawl

ITEMS = Path(__file__).parent / "fixtures" / "report" / "items.jsonl"
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def marks(page: str, chart: str) -> list[str]:
    """The ``data-series`` of every bar of one chart."""
    svg = re.search(rf'<svg class="chart" data-chart="{chart}".*?</svg>', page, re.DOTALL).group(0)
    return [html.unescape(s) for s in re.findall(r'<rect class="mark" data-series="([^"]*)"', svg)]


def test_report_charts_and_samples():
    page = render_report(read_items([ITEMS]), title="fixture", generated_at="2024-05-04 12:00 UTC")
    charts = re.findall(r'<svg class="chart" data-chart="([^"]+)"', page)
    assert charts == ["per-day", "coverage", "words", "removals"]
    # stacked by site, bottom first: 05-01 a ×3; 05-02 a, b; 05-03 c (undated left out)
    assert marks(page, "per-day") == ["a.example", "a.example", "b.example", "c.example"]
    assert "1 item without a publication date is not in the chart." in page
    assert len(marks(page, "coverage")) == 11
    assert marks(page, "words") == ["<100", "100-249", "250-499", "500-999", "1000-1999", "2000+"]
    assert marks(page, "removals") == ["dom:newsletter", "dom:ad", "text:en:donation-appeal",
                                       "shape:link-list"]
    assert "<title>2024-05-01 · a.example: 3</title>" in page
    titles = re.findall(r'<article class="sample"><h3><a href="[^"]*">([^<]*)</a>', page)
    assert titles == ["Bridge opens", "Budget passes", "A long read", "Ferry returns"]
    assert ('<p class="removed"><span class="rule">text:en:donation-appeal</span> '
            '<del>Please support our journalism</del></p>') in page


def test_report_is_self_contained_and_escaped():
    items = read_items([ITEMS])
    items[0] = {**items[0], "title": "<script>alert(1)</script> & co",
                "removed": [{"text": "<b>Subscribe</b>", "rule": "dom:newsletter"}]}
    page = render_report(items, title="t <x>")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<del>&lt;b&gt;Subscribe&lt;/b&gt;</del>" in page
    assert "<title>t &lt;x&gt;</title>" in page
    for external in ("src=", "<link", "@import", "url(", "<img", "<iframe"):
        assert external not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs == [html.escape(i["url"]) for i in pick_samples(items, 10)]


def test_pick_samples_covers_rules_first():
    items = read_items([ITEMS])
    assert [i["id"] for i in pick_samples(items, 10)] == ["a1", "b1", "c1", "a2"]
    assert [i["id"] for i in pick_samples(items, 2)] == ["a1", "b1"]
    assert pick_samples([], 3) == []


def test_empty_report():
    assert '<p class="empty">no items</p>' in render_report([], title="empty")


@pytest.fixture(scope="module")
def crawl_report(tmp_path_factory, request):
    """Crawl the samples over HTTP, then ``python -m newscrawl report`` of the output."""
    from tests.conftest import SAMPLES, StaticServer

    out = tmp_path_factory.mktemp("report")
    with StaticServer(SAMPLES) as server:
        done = run_crawl("-a", f"start_urls={server.base}", *FAST,
                         "-O", str(out / "items.jsonl"), cwd=out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "\r" not in done.stderr  # no progress line when stderr is not a terminal
    assert read_jsonl(out / "items.jsonl"), f"the crawl wrote no items:\n{done.stderr[-3000:]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "newscrawl", "report", str(out / "items.jsonl"),
                           "-o", str(out / "report.html"), "--title", "samples"], cwd=out,
                          env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_report_cli_of_a_crawl(crawl_report):
    items = read_jsonl(crawl_report / "items.jsonl")
    page = (crawl_report / "report.html").read_text("utf-8")
    assert len(items) == 8
    assert page.count('<article class="sample">') == 8
    assert len(marks(page, "per-day")) == 8
    assert page.count("<del>") == sum(len(i["removed"]) for i in items)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_report_renders_in_chromium(crawl_report, tmp_path):
    report = (crawl_report / "report.html").as_uri()
    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", report).stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-charts="4"' in body and 'data-charts-rendered="4"' in body, body
    assert json.loads(html.unescape(re.search(r'data-errors="([^"]*)"', body).group(1))) == []
    drawn = dict(re.findall(r'data-chart="([^"]+)"[^>]*data-marks-drawn="(\d+)"', dom))
    assert drawn == {"per-day": "8", "coverage": str(len(marks(dom, "coverage")) - _zero(dom)),
                     "words": "3", "removals": str(len(marks(dom, "removals")))}
    shot = tmp_path / "report.png"
    _chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1200,2000",
              report)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 2000)
    print(f"screenshot: {shot}")


def _zero(dom: str) -> int:
    """Coverage bars of fields no item has (drawn with zero width)."""
    svg = re.search(r'data-chart="coverage".*?</svg>', dom, re.DOTALL).group(0)
    return len(re.findall(r'class="mark"[^>]*width="0\.0"', svg))


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, check=False, timeout=90)


def test_removed_paragraphs_are_struck_through_where_they_stood():
    item = {"url": "https://a.example/x", "title": "T", "paragraphs": ["one", "two", "three"],
            "removed": [{"text": "Sign up", "rule": "dom:newsletter", "at": 1},
                        {"text": "© 2024", "rule": "text:copyright", "at": 3},
                        {"text": "old entry", "rule": "dom:ad"}]}
    page = render_report([item], title="order")
    body = page[page.index('<div class="text">'):]
    order = re.findall(r"<p(?: class=\"removed\")?>(?:<span[^>]*>[^<]*</span> <del>)?([^<]+)", body)
    assert order[:6] == ["one", "Sign up", "two", "three", "© 2024", "old entry"]
