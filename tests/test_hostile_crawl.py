"""Crawls against a server that misbehaves on purpose (``tests/faultserver.py``).

Every good page's item must be written whatever the other pages do; each fault
is retried where that makes sense, then counted under ``newscrawl/failed/<reason>``
and logged once per URL; nothing reaches a private address unless allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FAST, read_jsonl, run_crawl
from tests.faultserver import GOOD_COUNT, FaultServer

#: end-to-end crawls of a fault server: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

#: Short timeout and one retry keep the fault crawl at a few seconds.
QUICK = ("-s", "DOWNLOAD_TIMEOUT=4", "-s", "RETRY_TIMES=1")


def _safe_args() -> tuple[str, ...]:
    """FAST minus ``-s NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True``: the safe default."""
    out: list[str] = []
    args = list(FAST)
    i = 0
    while i < len(args):
        if args[i] == "-s" and args[i + 1].startswith("NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES"):
            i += 2
            continue
        out.append(args[i])
        i += 1
    return tuple(out)


def _stats(stderr: str, prefix: str) -> dict[str, int]:
    """``prefix<name>: n`` entries of the stats dump."""
    return {m[0]: int(m[1]) for m in re.findall(rf"'{re.escape(prefix)}([^']+)': (\d+)", stderr)}


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    """One crawl over the index of the fault server: every fault at once."""
    out = tmp_path_factory.mktemp("faults") / "items.jsonl"
    with FaultServer() as server:
        proc = run_crawl("-a", f"start_urls={server.base}", "-a", "depth=1", "-O", str(out),
                         *FAST, *QUICK, cwd=out.parent)
        log = server.log
    return proc, read_jsonl(out) if out.exists() else [], log, server.base


def test_fault_crawl_writes_every_good_page(fault_crawl):
    proc, items, _, base = fault_crawl
    assert proc.returncode == 0, proc.stderr[-3000:]
    urls = sorted(item["url"].removeprefix(base) for item in items)
    good = [f"news/2024/05/0{n}/good-story-{n}.html" for n in range(1, GOOD_COUNT + 1)]
    # /once/… answer 429 (Retry-After) or 503 first, then the article: retried and written;
    # /deep is an article inside 10 000 nested <div>.
    assert urls == sorted(good + ["once/429/5", "once/503/6", "deep"])


def test_fault_crawl_counts_each_failure_once(fault_crawl):
    proc, _, _, _ = fault_crawl
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _stats(proc.stderr, "newscrawl/failed/") == {
        "redirect-loop": 1, "http-404": 1, "http-500": 1, "http-503": 1,
        "timeout": 2,          # /slow, /trickle
        "connection-lost": 1,  # /reset
        "too-large": 3,        # /huge (Content-Length), /huge-stream, /bomb (decompressed)
    }
    failed_lines = re.findall(r"WARNING: failed \(([^)]+)\): (\S+)", proc.stderr)
    assert len(failed_lines) == len({url for _, url in failed_lines}) == 10
    assert "failed requests: 10 (too-large=3, timeout=2, connection-lost=1, http-404=1, " \
           "http-500=1, http-503=1, redirect-loop=1)" in proc.stderr


def test_fault_crawl_never_crashes(fault_crawl):
    proc, _, _, _ = fault_crawl
    assert "Traceback" not in proc.stderr
    assert "Spider error" not in proc.stderr
    assert "'log_count/CRITICAL'" not in proc.stderr
    # Failures are expected here: logged as one WARNING line per URL, never as errors.
    assert "'log_count/ERROR'" not in proc.stderr


def test_fault_crawl_retries_what_is_worth_retrying(fault_crawl):
    proc, _, log, _ = fault_crawl
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert log.count("/status/500") == 2  # RETRY_TIMES=1
    assert log.count("/status/404") == 1  # a 404 is final
    assert log.count("/once/429/5") == 2
    assert log.count("/reset") == 2
    assert log.count("/bomb") == 1        # too large is final
    assert len([p for p in log if p.startswith("/redirect-loop/")]) == 11  # REDIRECT_MAX_TIMES+1


def test_gzip_bomb_is_cut_at_download_maxsize(fault_crawl):
    proc, _, _, base = fault_crawl
    assert re.search(r"failed \(too-large\): " + re.escape(base) + r"bomb — Ignored response .* "
                     r"exceeded DOWNLOAD_MAXSIZE \(16777216 B\) during decompression", proc.stderr)
    # The crawl's memory stayed far below the 64 MB the bomb expands to, twice over.
    peak = int(re.search(r"'memusage/max': (\d+)", proc.stderr)[1])
    assert peak < 400 * 1024 * 1024


# --- safety: nothing private without NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES ---------------------

def test_private_addresses_are_refused_by_default(tmp_path: Path):
    with FaultServer() as server:
        port = server.port
        starts = [f"http://127.0.0.1:{port}/",          # loopback literal
                  f"http://localhost:{port}/",          # a local name
                  f"http://127.1:{port}/",              # a name resolving to loopback
                  f"http://2130706433:{port}/",         # another one (127.0.0.1 as a number)
                  "http://169.254.169.254/latest/meta-data/",  # cloud metadata
                  f"http://[::1]:{port}/"]
        proc = run_crawl("-a", "start_urls=" + ",".join(starts), "-O", str(tmp_path / "o.jsonl"),
                         *_safe_args(), cwd=tmp_path)
        log = server.log
    assert proc.returncode == 1, proc.stderr[-3000:]  # nothing could be fetched
    assert log == []
    assert _stats(proc.stderr, "newscrawl/skipped/") == {"unsafe-address": 6}
    refused = re.findall(r"refused \(unsafe-address\): (\S+)", proc.stderr)
    assert sorted(refused) == sorted(starts)
    assert "Traceback" not in proc.stderr


def test_redirects_to_private_or_off_site_hosts_are_refused(tmp_path: Path):
    """Through an HTTP proxy (the fault server) a public-looking site redirects inwards."""
    with FaultServer() as server:
        port = server.port
        targets = ["http://169.254.169.254/latest/meta-data/", f"http://127.0.0.1:{port}/news/x",
                   f"http://127.1:{port}/news/y", "http://elsewhere.example/news/z",
                   "ftp://news.example/file", "file:///etc/passwd"]
        starts = [f"http://news.example/redirect?to={t}" for t in targets]
        proc = run_crawl("-a", "start_urls=" + ",".join(starts), "-O", str(tmp_path / "o.jsonl"),
                         *_safe_args(), cwd=tmp_path,
                         env={"http_proxy": f"http://127.0.0.1:{port}", "no_proxy": ""})
        log = server.log
    assert proc.returncode == 1, proc.stderr[-3000:]  # every start point refused or failed
    assert sorted(log) == sorted(["http://news.example/robots.txt", *starts])
    # 127.1 is another site before it is a loopback name: refused as off-site first.
    assert _stats(proc.stderr, "newscrawl/skipped/") == {
        "unsafe-address": 2, "off-site-redirect": 2}
    # Scrapy follows no redirect to ftp:// or file://: the 302 itself is the failure.
    assert _stats(proc.stderr, "newscrawl/failed/") == {"http-302": 2}


def test_off_site_redirect_refused_even_when_private_allowed(tmp_path: Path):
    with FaultServer() as server:
        start = f"{server.base}redirect?to=http://elsewhere.example/news/2024/05/03/a.html"
        proc = run_crawl("-a", f"start_urls={start}", "-O", str(tmp_path / "o.jsonl"),
                         *FAST, cwd=tmp_path)
    assert _stats(proc.stderr, "newscrawl/skipped/") == {"off-site-redirect": 1}
    assert "refused (off-site-redirect): http://elsewhere.example/news/2024/05/03/a.html" \
        in proc.stderr


# --- charsets over HTTP: header, <meta>, both or neither -----------------------------------

def test_crawl_decodes_legacy_charsets_like_a_browser(tmp_path: Path):
    from tests.faultserver import CHARSET_TEXT, charset_paragraphs, charset_tag
    variants = {"header": "header=1&meta=0", "meta": "header=0&meta=1",
                "both": "header=1&meta=1", "undeclared": "header=0&meta=0"}
    with FaultServer(links=[]) as server:
        starts = [f"{server.base}charset/{enc}?{query}"
                  for enc in CHARSET_TEXT for query in variants.values()]
        out = tmp_path / "o.jsonl"
        proc = run_crawl("-a", "start_urls=" + ",".join(starts), "-O", str(out), *FAST,
                         cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {item["url"].removeprefix(server.base): item["paragraphs"] for item in read_jsonl(out)}
    assert got == {f"charset/{enc}?{query}": charset_paragraphs(
                       enc, charset_tag(query[7] == "1", query[-1] == "1"))
                   for enc in CHARSET_TEXT for query in variants.values()}


def test_links_of_one_page_are_capped(tmp_path: Path):
    # 100 000 links: the spider looks at a bounded number of them, not all.
    with FaultServer(links=[]) as server:
        proc = run_crawl("-a", f"start_urls={server.base}links?n=100000", "-a", "depth=1",
                         "-O", str(tmp_path / "o.jsonl"), *FAST,
                         "-s", "NEWSCRAWL_MAX_LINKS_PER_PAGE=20", cwd=tmp_path)
        log = server.log
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p for p in log if p.startswith("/tag/")) == sorted(
        f"/tag/t{i}.html" for i in range(20))
    assert _stats(proc.stderr, "newscrawl/skipped/").get("too-many-links") == 1
    assert f"followed the first 20 links of {server.base}links?n=100000, no more" in proc.stderr
