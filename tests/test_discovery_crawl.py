"""Discovery end to end: crawl a small local news site and get exactly its new articles.

The site (``tests/fixtures/discovery/``, templates filled with the server's address)
has a front page announcing its feed, a section with a deeper page, a tag hub, a
video page, robots.txt with a ``Sitemap:`` line and a disallowed ``/private/``
section, a sitemap index holding a Google News sitemap, a gzipped sitemap and an
old and a broken sitemap, and articles reachable by several URLs (tracking parameters, an AMP
twin, ``http`` and ``https``). Each test asserts the exact set of items and
checks the server's request log for what must never be fetched.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawl import settings as project_settings
from tests.conftest import FAST, LoopbackServer, read_jsonl, run_crawl

#: end-to-end crawls: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

# Every crawl runs in its own tmp_path: the emitted-articles store (NEWSCRAWL_STORE, a
# path relative to the working directory) starts empty each time.

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "discovery"
SINCE = "2024-05-01"

#: path → (headline, datePublished, schema.org type)
ARTICLES = {
    "2024/05/03/harbour-reopens.html": ("Harbour reopens after the spring storm",
                                        "2024-05-03T08:00:00+01:00", "NewsArticle"),
    "2024/05/04/bridge-vote.html": ("Council votes for the new tidal bridge",
                                    "2024-05-04T10:00:00+01:00", "NewsArticle"),
    "2024/05/05/ferry-strike.html": ("Ferry strike called off after late talks",
                                     "2024-05-05T09:00:00+01:00", "NewsArticle"),
    "2024/05/06/council-budget.html": ("Council passes its budget with a small surplus",
                                       "2024-05-06T09:00:00+01:00", "NewsArticle"),
    "2024/05/06/live-election-updates.html": ("Election night in Eastmouth: live updates",
                                              "2024-05-06T18:00:00+01:00", "LiveBlogPosting"),
    "2024/05/07/lighthouse-restored.html": ("Old lighthouse shines again after repairs",
                                            "2024-05-07T12:00:00+01:00", "NewsArticle"),
    # reachable only three links deep: beyond depth 2
    "2024/05/08/deep-story.html": ("A story three clicks away", "2024-05-08T12:00:00+01:00",
                                   "NewsArticle"),
    # too old: the first is only known old from its page, the others from feed/sitemap dates
    "2023/01/10/old-story.html": ("A quiet winter on the quays", "2023-01-10T12:00:00+00:00",
                                  "NewsArticle"),
    "2023/02/01/feed-old.html": ("An old feed story", "2023-02-01T07:00:00+00:00", "NewsArticle"),
    "2022/06/01/archive-old.html": ("An old archive story", "2022-06-01T12:00:00+00:00",
                                    "NewsArticle"),
    "2019/12/31/year-in-review.html": ("The year in review", "2019-12-31T12:00:00+00:00",
                                       "NewsArticle"),
    # disallowed by robots.txt
    "private/2024/05/02/secret-report.html": ("Staff report", "2024-05-02T12:00:00+01:00",
                                              "NewsArticle"),
    "private/2024/05/05/hidden.html": ("Hidden", "2024-05-05T09:00:00+01:00", "NewsArticle"),
}
EXPECTED = sorted(p for p in ARTICLES if p.startswith("2024/05/0") and "deep" not in p)
NEVER_REQUESTED = ["/private/", "/2024/05/08/deep-story.html", "/2023/02/01/feed-old.html",
                   "/2022/06/01/archive-old.html", "/sitemap-2019.xml",
                   "/2019/12/31/year-in-review.html", "elsewhere.example"]

_WORDS = ("harbour quay council ferry tide storm bridge budget crew captain lighthouse "
          "residents mayor engineers repairs morning evening weather river boats cargo "
          "market families visitors workers plan vote week year town coast island wind "
          "said told reported agreed expected planned opened closed returned waited").split()


def _paragraphs(seed: str, count: int = 8, words: int = 24) -> str:
    """Distinct, plain paragraphs for one article (about 190 words)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = " ".join(rng.choice(_WORDS) for _ in range(words))
        out.append(f"<p>{text.capitalize()}.</p>")
    return "\n".join(out)


def render_site(base: str) -> dict[str, bytes]:
    """Every file of the test site, by URL path, with ``{base}`` filled in."""
    https = base.replace("http://", "https://", 1)
    files: dict[str, bytes] = {}
    for path in FIXTURES.rglob("*"):
        if path.is_file() and path.name != "article.html":
            rel = path.relative_to(FIXTURES).as_posix()
            text = path.read_text("utf-8").replace("{base_https}", https).replace("{base}", base)
            files["/" + rel] = text.encode("utf-8")
    files["/sitemap-archive.xml.gz"] = gzip.compress(files.pop("/sitemap-archive.xml"))
    files["/sitemap-broken.xml.gz"] = gzip.compress(b"<urlset>")[:12]  # truncated: logged, counted
    template = (FIXTURES / "article.html").read_text("utf-8")
    for rel, (title, date, kind) in ARTICLES.items():
        files["/" + rel] = _article(template, base, rel, title, date, kind)
    amp = "2024/05/03/harbour-reopens.html"
    files["/2024/05/03/harbour-reopens.amp.html"] = _article(
        template, base, amp, *ARTICLES[amp][:2], "NewsArticle", amp=True)
    files["/video/2024/05/03/harbour-clip.html"] = _article(
        template, base, "video/2024/05/03/harbour-clip.html", "Watch: the harbour reopens",
        "2024-05-03T09:00:00+01:00", "VideoObject", og_type="video.other")
    return files


def _article(template: str, base: str, path: str, title: str, date: str, kind: str, *,
             amp: bool = False, og_type: str = "article") -> bytes:
    html = template.format(base=base, path=path, title=title, date=date, schema_type=kind,
                           og_type=og_type, amp=" amp" if amp else "",
                           paragraphs=_paragraphs(path))
    return html.encode("utf-8")


_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
          ".txt": "text/plain", ".gz": "application/gzip"}


class SiteServer(LoopbackServer):
    """The test site on 127.0.0.1 (ephemeral port), logging every request it gets."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                server.log.append((time.monotonic(), self.path))
                status, headers, body = server.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

        self.files = files or {}
        self.log: list[tuple[float, str]] = []
        super().__init__(Handler)

    def answer(self, raw_path: str) -> tuple[int, dict[str, str], bytes]:
        path = raw_path.split("?", 1)[0].split("#", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        body = self.files.get(path)
        if body is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": _TYPES.get(Path(path).suffix, "text/plain")}, body

    def paths(self) -> list[str]:
        return [p for _, p in self.log]


@pytest.fixture
def news_site():
    with SiteServer() as server:
        server.files = render_site(server.base)
        yield server


def _stats(stderr: str) -> dict[str, int]:
    """Integer stats from the crawl log's stats dump."""
    return {k: int(v) for k, v in re.findall(r"'([\w/.:-]+)': (\d+)[,}]", stderr)}


def _sites_file(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f"""
[[site]]
name = "tide"
start_urls = ["{base}"]
sitemaps = ["{base}robots.txt"]
article_pattern = '/20\\d\\d/\\d\\d/\\d\\d/'
depth = 2
""", "utf-8")
    return path


@pytest.mark.parametrize("how", ["arguments", "sites-file"])
def test_crawl_finds_exactly_the_new_articles(news_site: SiteServer, tmp_path: Path, how: str):
    base = news_site.base
    out = tmp_path / "out.jsonl"
    if how == "arguments":
        start = ["-a", f"start_urls={base}", "-a", f"sitemaps={base}robots.txt",
                 "-a", "depth=2"]
    else:
        start = ["-a", f"sites={_sites_file(tmp_path, base)}"]
    result = run_crawl(*start, "-a", f"since={SINCE}", "-O", str(out), *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    items = read_jsonl(out)

    assert sorted(item["url"] for item in items) == [base + p for p in EXPECTED]
    assert sorted(item["canonical_url"] for item in items) == [base + p for p in EXPECTED]
    assert len({item["id"] for item in items}) == len(EXPECTED)
    # each item says how sure article detection was: these pages name NewsArticle in JSON-LD
    assert {(item["article_reason"], item["article_confidence"]) for item in items} == {
        ("jsonld-type", 0.95)}

    requested = news_site.paths()
    for never in NEVER_REQUESTED:
        assert not [p for p in requested if never in p], f"{never} was requested"
    pages = [p for p in requested if p != "/robots.txt"]
    assert len(pages) == len(set(pages)), "a page was requested twice"
    assert "/2023/01/10/old-story.html" in requested  # only its page says it is old
    assert "/sitemap-archive.xml.gz" in requested and "/feed.xml" in requested

    stats = _stats(result.stderr)
    assert stats["newscrawl/articles_found"] == len(EXPECTED)
    assert stats["robotstxt/forbidden"] == 2
    assert stats["newscrawl/skipped/too-old"] == 3
    assert stats["newscrawl/skipped/old-sitemap"] == 1
    assert stats["newscrawl/skipped/empty-sitemap"] == 1  # the broken gzip
    assert stats["newscrawl/skipped/off-site"] == 1
    assert stats["newscrawl/skipped/not-article"] == 6  # front, world, page 2, tag, video, about
    assert stats["newscrawl/skipped/duplicate"] >= 5
    assert not [k for k in stats if k.startswith("newscrawl/failed")]  # no https:// request made
    summary = result.stderr[result.stderr.index("newscrawl summary"):]
    assert f"articles found: {len(EXPECTED)}" in summary
    assert f"items written: {len(EXPECTED)}" in summary
    assert "robots=2" in summary and "too-old=3" in summary


class RecordMeta(BaseSpiderMiddleware):
    """Logs each request's ``newscrawl_*`` meta (for the test below to read)."""

    def get_processed_request(self, request, response):
        meta = {k: v for k, v in request.meta.items() if k.startswith("newscrawl_")}
        logging.getLogger("record-meta").info("META %s %s", request.url, json.dumps(meta))
        return request


def test_feed_argument_alone_uses_feed_dates(news_site: SiteServer, tmp_path: Path):
    base = news_site.base
    out = tmp_path / "out.jsonl"
    middlewares = {**project_settings.SPIDER_MIDDLEWARES, f"{__name__}.RecordMeta": 900}
    result = run_crawl("-a", f"feeds={base}feed.xml", "-a", "since=2024-05-04",
                       "-s", f"SPIDER_MIDDLEWARES={json.dumps(middlewares)}",
                       "-O", str(out), *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [item["url"] for item in read_jsonl(out)] == [base + "2024/05/05/ferry-strike.html"]
    requested = news_site.paths()
    assert "/2024/05/05/ferry-strike.html" in requested  # tracking parameters stripped
    assert not [p for p in requested if "harbour" in p or "old" in p]  # dated out by the feed
    metas = dict(re.findall(r"META (\S+) (\{.*\})", result.stderr))
    assert {url: json.loads(meta) for url, meta in metas.items()} == {
        f"{base}feed.xml": {"newscrawl_site": "arguments", "newscrawl_source": "start",
                            "newscrawl_kind": "feed"},
        f"{base}2024/05/05/ferry-strike.html": {
            "newscrawl_site": "arguments", "newscrawl_source": "feed", "newscrawl_kind": "page",
            "newscrawl_listed_date": "2024-05-05T08:00:00+00:00"},
    }


def test_a_broken_sites_file_is_named_with_its_line(tmp_path: Path):
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nname = "x"\nstart_urls = ["https://ex.com/"]\nfeeds = "a"\n'
                    'depht = 2\n', "utf-8")
    result = run_crawl("-a", f"sites={path}", *FAST, cwd=tmp_path)
    assert result.returncode != 0
    assert f"{path}, line 5: unknown key 'depht'" in result.stderr


# --- retries that wait ----------------------------------------------------------------------
class FlakyServer(SiteServer):
    """Answers each listed path's first request with an error status, then the article."""

    FIRST = {"/2024/05/03/a.html": (429, {"Retry-After": "1"}),
             "/2024/05/03/b.html": (503, {}),
             "/2024/05/03/c.html": (429, {"Retry-After": "3600"})}

    def answer(self, raw_path: str) -> tuple[int, dict[str, str], bytes]:
        if raw_path in self.FIRST and self.paths().count(raw_path) == 1:
            status, headers = self.FIRST[raw_path]
            return status, {"Content-Type": "text/plain", **headers}, b"slow down"
        return super().answer(raw_path)


def test_429_and_503_are_retried_after_a_wait(tmp_path: Path):
    template = (FIXTURES / "article.html").read_text("utf-8")
    with FlakyServer() as server:
        server.files = {path: _article(template, server.base, path[1:], f"Story {path[-6]}",
                                       "2024-05-03T08:00:00+00:00", "NewsArticle")
                        for path in FlakyServer.FIRST}
        out = tmp_path / "out.jsonl"
        urls = ",".join(server.base + path[1:] for path in FlakyServer.FIRST)
        result = run_crawl("-a", f"start_urls={urls}", "-O", str(out), *FAST,
                           "-s", "NEWSCRAWL_RETRY_BACKOFF=0.5", "-s", "NEWSCRAWL_RETRY_AFTER_MAX=2",
                           cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        assert len(read_jsonl(out)) == 3
        times = {path: [t for t, p in server.log if p == path] for path in FlakyServer.FIRST}
    gaps = {path[-6:-5]: t[1] - t[0] for path, t in times.items() if len(t) == 2}
    assert sorted(gaps) == ["a", "b", "c"], times
    assert gaps["a"] >= 1.0  # Retry-After: 1
    assert gaps["b"] >= 0.5  # no Retry-After: NEWSCRAWL_RETRY_BACKOFF
    assert 2.0 <= gaps["c"] < 10  # Retry-After: 3600, capped by NEWSCRAWL_RETRY_AFTER_MAX
    assert _stats(result.stderr)["newscrawl/retry/backoff_count"] == 3
