"""Extraction errors are counted and the first of each kind is a WARNING (issue 22, item 10).

Extraction never raises: a stage that fails leaves the page's extraction partial. The
failure comes back with the page (over the pipe from a page worker) as a ``(kind,
message)`` problem; the crawl counts it under ``newscrawl/extraction-errors/<kind>``."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from newscrawl.api import read_page
from newscrawl.extraction import core, extract
from tests.conftest import FAST, ROOT, StaticServer, run_crawl
from tests.test_scheduled_crawl import article_body, article_html, write_article, write_index

FAULT = Path(__file__).parent / "fixtures" / "extraction_fault"
PAGE = article_html("Story number 1 about the harbour", article_body(1))
URL = "https://ex.com/news/2026/11/20/story-number-0001.html"


def _broken(*args, **kwargs):
    raise TypeError("planted regression")


def test_a_failed_stage_is_reported_with_the_partial_result(monkeypatch):
    problems: list[tuple[str, str]] = []
    assert extract(PAGE, URL, problems=problems).title == "Story number 1 about the harbour"
    assert problems == []
    monkeypatch.setattr(core, "_authors", _broken)
    partial = extract(PAGE, URL, problems=problems)
    assert partial is not None and partial.authors == []
    assert len(problems) == 1
    kind, message = problems[0]
    assert kind == "TypeError"
    assert re.fullmatch(r"extraction failed part-way: TypeError: planted regression "
                        r"\(in _broken, test_extraction_errors\.py:\d+\)", message), message
    assert extract(PAGE, URL) is not None  # without a list: partial, silent, never raises


def test_read_page_carries_the_problems_through_a_pickle(monkeypatch):
    monkeypatch.setattr(core, "_authors", _broken)
    page = read_page(PAGE.encode(), URL)
    assert [kind for kind, _ in page.problems] == ["TypeError"]
    assert pickle.loads(pickle.dumps(page)).problems == page.problems  # a page worker's reply
    from parsel import Selector  # a crawl's own parse, then extraction's: one problem, once
    tree = Selector(text=PAGE).root
    assert [kind for kind, _ in read_page(PAGE.encode(), URL, tree=tree).problems] == [
        "TypeError"]


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["0", "1"])
def test_a_regression_in_extraction_warns_once_and_is_counted(tmp_path: Path, workers: str):
    site = tmp_path / "site"
    for n in range(1, 4):
        write_article(site, n)
    write_index(site, [1, 2, 3])
    with StaticServer(site) as server:
        result = run_crawl(*FAST, "-a", f"start_urls={server.base}news/index.html",
                           "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}", "-O", "out.jsonl",
                           cwd=tmp_path, env={"PYTHONPATH": f"{FAULT}:{ROOT}"})
    log = result.stderr
    assert result.returncode == 0, log[-3000:]
    warnings = [line for line in log.splitlines() if "WARNING: extraction error" in line]
    assert len(warnings) == 1, warnings
    assert re.search(r"WARNING: extraction error \(TypeError\) on \S+story-number-000\d\.html: "
                     r"extraction failed part-way: TypeError: planted regression \(in "
                     r"_broken_authors, sitecustomize\.py:\d+\); the item may be incomplete\. "
                     r"Further ones are counted in newscrawl/extraction-errors/TypeError",
                     warnings[0]), warnings[0]
    assert "'newscrawl/extraction-errors/TypeError': 3" in log
    assert "  extraction errors: 3 (TypeError=3)" in log
    assert ("'newscrawl/workers/max_rss'" in log) == (workers == "1")  # read in a worker
