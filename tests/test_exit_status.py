"""The exit status of ``scrapy crawl news`` and of ``python -m newscrawl``, as cron sees it.

0: the crawl fetched something; 1: it fetched nothing (every start point failed or was
refused) or a bug stopped it (with its traceback); 2: a user error at start-up, printed
as one line ``newscrawl: error: …`` and nothing else — no traceback, no crawl.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST, ROOT, StaticServer, read_jsonl, run_crawl
from tests.test_scheduled_crawl import write_article, write_index

QUICK = (*FAST, "-s", "NEWSCRAWL_PAGE_WORKERS=0", "-s", "RETRY_ENABLED=False")
#: QUICK without the private-address switch, for the tests of the address guard.
GUARDED = tuple(part for pair in zip(QUICK[::2], QUICK[1::2], strict=True)
                if pair[1] != "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True" for part in pair)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _assert_user_error(result: subprocess.CompletedProcess, message: str, out: Path, *,
                       prefix: bool = False) -> None:
    """Exit 2, the message exactly once on its own line (or starting it, with ``prefix``),
    no traceback, nothing crawled."""
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.count(message) == 1, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, errors
    if prefix:
        assert errors[0].startswith(f"newscrawl: error: {message}"), errors
    else:
        assert errors == [f"newscrawl: error: {message}"]
    assert "Traceback" not in result.stderr
    assert "Spider opened" not in result.stderr
    assert not out.exists()


# --- 2: user errors at start-up --------------------------------------------------------------

def test_a_misspelt_argument_stops_the_crawl_naming_the_known_ones(tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = run_crawl("-a", "start_url=https://ex.com/", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(
        result, "unknown spider argument -a start_url (did you mean start_urls?); known: "
        "start_urls, feeds, sitemaps, sites, depth, since, allowed_domains, article_pattern, "
        "profile", out)
    assert "file://" not in result.stderr  # the samples were not crawled instead


@pytest.mark.slow
def test_several_unknown_arguments_are_named_together(tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = run_crawl("-a", "colour=red", "-a", "name=x", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(result, "unknown spider arguments -a colour, -a name; known: "
                       "start_urls, feeds, sitemaps, sites, depth, since, allowed_domains, "
                       "article_pattern, profile", out)


def test_an_unreadable_since_is_one_line(tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = run_crawl("-a", "since=yesterdayish", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(result, "-a since='yesterdayish': expected a date like 2024-05-01 "
                       "or an age like 30s, 30m, 48h, 7d or 2w", out)


def test_a_missing_sites_file_is_one_line(tmp_path: Path):
    out, missing = tmp_path / "o.jsonl", tmp_path / "nope.toml"
    result = run_crawl("-a", f"sites={missing}", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(result, f"{missing}: cannot read sites file", out, prefix=True)


def test_a_broken_sites_file_is_one_line(tmp_path: Path):
    out, path = tmp_path / "o.jsonl", tmp_path / "sites.toml"
    path.write_text('[[site]]\nname = "x"\nstart_urls = "https://ex.com/"\ndepht = 2\n', "utf-8")
    result = run_crawl("-a", f"sites={path}", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(result, f"{path}, line 4: unknown key 'depht' in [[site]] (known: name, "
                       "start_urls, feeds, sitemaps, allowed_domains, article_pattern, depth, "
                       "profile)", out)


def test_a_start_point_that_is_not_a_url_is_one_line(tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = run_crawl("-a", "start_urls=notaurl", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(result, "-a start_urls: 'notaurl' is not an http(s) URL "
                       "(expected https://host/…)", out)


@pytest.mark.parametrize("name", ["start_urls", "feeds", "sitemaps"])
def test_an_empty_start_point_argument_does_not_crawl_the_samples(tmp_path: Path, name: str):
    """``-a start_urls=$URL`` with the variable unset would otherwise crawl the demo."""
    out = tmp_path / "o.jsonl"
    result = run_crawl("-a", f"{name}=", "-O", str(out), *QUICK, cwd=tmp_path)
    _assert_user_error(result, f"-a {name}= is empty: give one URL or more, comma-separated",
                       out)


def test_a_bad_setting_read_by_the_spider_is_one_line(tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = run_crawl("-a", "start_urls=https://ex.com/", "-O", str(out), *FAST,
                       "-s", "NEWSCRAWL_PAGE_WORKERS=many", cwd=tmp_path)
    _assert_user_error(result, "NEWSCRAWL_PAGE_WORKERS: expected auto or a number, "
                       "got 'many'", out)


def test_a_bug_at_start_up_keeps_its_traceback(tmp_path: Path):
    """Not a user error: the exception is shown with its traceback once, exit 1."""
    spiders = tmp_path / "buggy_spiders.py"
    spiders.write_text(
        "from newscrawl.spiders.news import NewsSpider\n\n"
        "class Buggy(NewsSpider):\n    name = 'buggy'\n\n"
        "    def __init__(self, **kwargs):\n        raise KeyError('a bug in __init__')\n",
        "utf-8")
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "buggy", "-s", "SPIDER_MODULES=buggy_spiders",
         "-s", "FEEDS={}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.count("Traceback (most recent call last)") == 1
    assert result.stderr.count("KeyError: 'a bug in __init__'") == 1
    assert "newscrawl: error" not in result.stderr
    assert "Task exception was never retrieved" not in result.stderr


# --- 1: nothing could be fetched -------------------------------------------------------------

NOTHING = "nothing could be fetched: every start point failed or was refused"


@pytest.mark.slow
def test_a_closed_port_exits_1_without_a_traceback(tmp_path: Path):
    url = f"http://127.0.0.1:{_closed_port()}/news/index.html"
    result = run_crawl("-a", f"start_urls={url}", "-O", str(tmp_path / "o.jsonl"), *QUICK,
                       cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.count(
        f"ERROR: {NOTHING} (failed: connection-refused=1) (exit status 1)\n") == 1
    assert "robots.txt not fetched (connection-refused) for " + url in result.stderr
    assert "Traceback" not in result.stderr
    assert "'newscrawl/nothing_fetched': 1" in result.stderr


@pytest.mark.slow
def test_loopback_refused_by_the_guard_exits_1_naming_the_setting(tmp_path: Path):
    with StaticServer(tmp_path) as server:
        url = f"{server.base}news/index.html"
        result = run_crawl("-a", f"start_urls={url}", "-O", str(tmp_path / "o.jsonl"),
                           *GUARDED, cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert (f"refused (unsafe-address): {url} — not a public address; "
            "-s NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True allows it\n") in result.stderr
    assert result.stderr.count(
        f"ERROR: {NOTHING} (skipped: unsafe-address=1); loopback and private addresses are "
        "refused unless -s NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True (exit status 1)\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_every_request_failing_exits_1(tmp_path: Path):
    """The server answers, but only 404s: robots.txt's own 404 is no page either."""
    (tmp_path / "site").mkdir()
    with StaticServer(tmp_path / "site") as server:
        result = run_crawl("-a", f"start_urls={server.base}news/index.html",
                           "-a", f"feeds={server.base}rss.xml",
                           "-O", str(tmp_path / "o.jsonl"), *QUICK, cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.count(f"ERROR: {NOTHING} (failed: http-404=2) (exit status 1)\n") == 1


# --- 0: a crawl that fetched something --------------------------------------------------------

@pytest.mark.slow
def test_a_normal_crawl_exits_0_also_with_scrapyd_job_arguments(tmp_path: Path):
    """scrapyd adds ``-a _job=… -a _version=…`` to every job: they are not typos."""
    site = tmp_path / "site"
    for n in (1, 2):
        write_article(site, n)
    write_index(site, [1, 2])
    out = tmp_path / "o.jsonl"
    with StaticServer(site) as server:
        result = run_crawl("-a", f"start_urls={server.base}news/index.html",
                           "-a", "_job=7f3e2a", "-a", "_version=r1", "-O", str(out), *QUICK,
                           cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_jsonl(out)) == 2
    assert NOTHING not in result.stderr and "nothing_fetched" not in result.stderr
    assert "'newscrawl/fetched': 3" in result.stderr  # the section page and two articles


# --- python -m newscrawl extract --------------------------------------------------------------

def test_extract_of_a_missing_file_is_one_line(tmp_path: Path):
    missing = tmp_path / "missing.html"
    result = subprocess.run([sys.executable, "-m", "newscrawl", "extract", str(missing)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{missing}: No such file or directory\n"


# --- the summary's verdict --------------------------------------------------------------------

@pytest.mark.parametrize(("redis_url", "expected"), [("", 1), ("redis://127.0.0.1:6379/0", None)])
def test_a_distributed_worker_that_fetched_nothing_is_no_failure(redis_url: str, expected):
    """Another worker of the fleet may have fetched the whole batch."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from newscrawl.output.summary import NOTHING_FETCHED, CrawlSummary

    crawler = get_crawler(Spider, settings_dict={"NEWSCRAWL_REDIS_URL": redis_url})
    crawler.stats.open_spider()
    CrawlSummary.from_crawler(crawler).spider_closed(Spider("s"), "finished")
    assert crawler.stats.get_value(NOTHING_FETCHED) == expected


@pytest.mark.slow
def test_an_unknown_spider_name_is_one_line(tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "newz", "-O", str(out)], cwd=tmp_path,
        env={**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
             "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=180)
    _assert_user_error(result, "no spider 'newz' (this project has: news)", out)
