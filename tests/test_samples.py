"""Golden-file tests: every article of samples/ against its expected JSON, offline
and through real crawls (file:// by default, HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawl import extract_article
from tests.conftest import FAST, SAMPLES, read_jsonl, run_crawl

EXPECTED = sorted(SAMPLES.rglob("*.expected.json"))
ARTICLES = {p.relative_to(SAMPLES).as_posix().replace(".expected.json", ".html"): p
            for p in EXPECTED}
NON_ARTICLES = ["index.html", "world/index.html", *(
    p.relative_to(SAMPLES).as_posix() for p in (SAMPLES / "tag").glob("*.html")), *(
    p.relative_to(SAMPLES).as_posix() for p in (SAMPLES / "video").rglob("*.html"))]

#: The seed page's chrome and promotion: none of it may reach any field but ``removed``.
SEED_CHROME = [
    "Stay up to date with notifications", "Not now Yes please", "Your support helps us",
    "Your support makes all the difference", "Thank you for registering",
    "Please refresh your browser", "Follow AP’s coverage", "Show all 7", "{display:", "min-height",
]


def _expected(rel: str) -> dict:
    return json.loads(ARTICLES[rel].read_text("utf-8"))


def _assert_matches(item: dict, expected: dict, rel: str) -> None:
    for key, value in expected.items():
        if key in ("canonical_url",) and "://" not in str(value):
            continue
        assert item.get(key) == value, f"{rel}: field {key!r}"


def _assert_no_chrome(item: dict) -> None:
    visible = json.dumps({k: v for k, v in item.items() if k != "removed"}, ensure_ascii=False)
    for chrome in SEED_CHROME:
        assert chrome not in visible


def test_samples_have_enough_pages():
    assert len(ARTICLES) >= 6
    assert len(NON_ARTICLES) >= 4


@pytest.mark.parametrize("rel", sorted(ARTICLES))
def test_extract_article_matches_expected_json(rel: str):
    html = (SAMPLES / rel).read_bytes()
    item = extract_article(html, f"https://www.dailyharbor.example/{rel}")
    assert item is not None, f"{rel} gave no item"
    _assert_matches(item, _expected(rel), rel)
    _assert_no_chrome(item)


@pytest.mark.parametrize("rel", NON_ARTICLES)
def test_non_article_pages_give_no_item(rel: str):
    html = (SAMPLES / rel).read_bytes()
    assert extract_article(html, f"https://www.dailyharbor.example/{rel}") is None


def _check_crawl_items(items: list[dict], base_path: str) -> None:
    by_rel = {}
    for item in items:
        path = urlsplit(item["url"]).path
        assert path.startswith(base_path), item["url"]
        by_rel[path[len(base_path):]] = item
    assert sorted(by_rel) == sorted(ARTICLES)
    assert len(items) == len(ARTICLES), "an article was written twice"
    for rel, item in by_rel.items():
        _assert_matches(item, _expected(rel), rel)
        _assert_no_chrome(item)


@pytest.mark.slow
def test_crawl_over_http_writes_exactly_the_sample_articles(samples_server, tmp_path: Path):
    base = samples_server.base
    out = tmp_path / "out.jsonl"
    result = run_crawl("-a", f"start_urls={base}index.html", "-a", f"feeds={base}feed.xml",
                       "-a", f"sitemaps={base}sitemap.xml", "-O", str(out), *FAST,
                       "-s", "NEWSCRAWL_STORE=")  # no store: every run writes every article
    assert result.returncode == 0, result.stderr[-3000:]
    _check_crawl_items(read_jsonl(out), "/")
    assert "newscrawl summary" in result.stderr


@pytest.mark.slow
def test_default_crawl_reads_samples_from_disk_into_timestamped_feed(tmp_path: Path):
    result = run_crawl(cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    files = list((tmp_path / "output").glob("news-*.jsonl"))
    assert len(files) == 1, files
    _check_crawl_items(read_jsonl(files[0]), SAMPLES.as_posix() + "/")
    # The demo crawl is repeatable, and -O writes only where it says.
    again = run_crawl("-O", "again.jsonl", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert list((tmp_path / "output").glob("news-*.jsonl")) == files
    _check_crawl_items(read_jsonl(tmp_path / "again.jsonl"), SAMPLES.as_posix() + "/")


@pytest.mark.slow
def test_scrapy_check_passes():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run([sys.executable, "-m", "scrapy", "check", "news"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "OK" in result.stderr + result.stdout
