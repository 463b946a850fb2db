"""Scheduled crawls against a generated local site: each article written once, a changed
one written again as version 2, syndicated copies marked, stored sitemap URLs skipped."""

from __future__ import annotations

import gzip
import json
import random
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newscrawl.output.validation import schema_errors
from tests.conftest import FAST, StaticServer, run_crawl

#: repeated end-to-end crawls: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

#: The store the README's scheduled crawls use (opt-in: ``-s NEWSCRAWL_STORE=…``).
STORE = ".newscrawl/emitted.sqlite3"

_VOCABULARY = (
    "council harbour river station budget mayor vote plan city ferry school board bridge "
    "storm rain coast market price wage union strike court judge trial police report "
    "hospital doctor nurse patient water energy power grid wind solar road rail train bus "
    "airport flight delay season festival music museum library theatre park garden farm "
    "harvest fish boat port cargo ship crew worker company profit loss share investor bank "
    "loan rate tax minister party election campaign poll voter street house rent family "
    "child student teacher exam result science study data survey research team game match "
    "league coach player goal crowd ticket stadium police fire rescue volunteer charity"
).split()
_VERBS = "said announced reported confirmed warned expected approved rejected opened closed".split()


def article_body(seed: int, words: int = 150) -> list[str]:
    """Three paragraphs of plausible, unique English sentences (``words`` words in all)."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(3):
        sentence_words: list[str] = []
        sentences = []
        while sum(len(s.split()) for s in sentences) < words // 3:
            sentence_words = [rng.choice(_VOCABULARY) for _ in range(7)]
            sentence_words.insert(2, rng.choice(_VERBS))
            sentences.append(" ".join(sentence_words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


def article_html(title: str, paragraphs: list[str], published: str = "2026-11-20T08:00:00Z"
                 ) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": published, "author": {"@type": "Person", "name": "Jo Reporter"},
          "publisher": {"@type": "Organization", "name": "Test Gazette"}}
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title} | Test Gazette</title>"
            f'<meta property="og:type" content="article">'
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f'<body><header><a href="/">Test Gazette</a></header><main><article>'
            f'<h1>{title}</h1><p class="byline">By Jo Reporter</p>\n{body}\n'
            f"</article></main></body></html>")


def article_path(n: int) -> str:
    return f"news/2026/11/20/story-number-{n:04d}.html"


def write_article(root: Path, n: int, seed: int | None = None,
                  paragraphs: list[str] | None = None) -> None:
    path = root / article_path(n)
    path.parent.mkdir(parents=True, exist_ok=True)
    title = f"Story number {n} about the harbour"
    path.write_text(article_html(title, paragraphs or article_body(seed or n)), "utf-8")


def write_index(root: Path, numbers: list[int], lastmod: dict[int, str] | None = None) -> None:
    """A section page linking every article and a sitemap listing them."""
    links = "\n".join(f'<li><a href="/{article_path(n)}">Story {n}</a></li>' for n in numbers)
    (root / "news").mkdir(parents=True, exist_ok=True)
    (root / "news" / "index.html").write_text(
        f'<!doctype html><html lang="en"><head><title>News | Test Gazette</title></head>'
        f"<body><h1>News</h1><ul>{links}</ul></body></html>", "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    lastmod = lastmod or {}
    urls = "".join(
        f"<url><loc>{{base}}{article_path(n)}</loc>"
        f"<lastmod>{lastmod.get(n, '2026-11-20T08:00:00+00:00')}</lastmod></url>"
        for n in numbers)
    (root / "sitemap.template").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', "utf-8")


def publish_sitemap(root: Path, base: str) -> None:
    template = (root / "sitemap.template").read_text("utf-8")
    (root / "sitemap.xml").write_text(template.replace("{base}", base), "utf-8")


def read_lines(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def output_items(folder: Path) -> list[dict]:
    """Every item of every finished feed file in ``folder``, schema-checked."""
    items = []
    for path in sorted(folder.glob("news-*.jsonl*")):
        assert not path.name.endswith(".part"), path
        for item in read_lines(path):
            assert schema_errors(item) == [], (path, item["url"])
            items.append(item)
    return items


def crawl(workdir: Path, *args: str) -> tuple[list[dict], str]:
    """Crawl in ``workdir`` with the project's default feed, incremental (``STORE``; a
    later ``-s NEWSCRAWL_STORE=`` wins); the items of the files this run made, and its log."""
    before = set((workdir / "output").glob("*")) if (workdir / "output").exists() else set()
    result = run_crawl(*FAST, "-s", f"NEWSCRAWL_STORE={STORE}", *args, cwd=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    new = sorted(set((workdir / "output").glob("*")) - before)
    assert new, "the run wrote no feed file"
    assert not [p for p in new if p.name.endswith(".part")], new
    items = []
    for path in new:
        assert re.fullmatch(r"news-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-[0-9a-f]{8}-\d{3}\.jsonl(\.gz)?",
                            path.name), path.name
        for item in read_lines(path):
            assert schema_errors(item) == [], item["url"]
            items.append(item)
    return items, result.stderr


def _by_number(items: list[dict]) -> dict[int, dict]:
    return {int(re.search(r"story-number-(\d+)", i["url"]).group(1)): i for i in items}


def test_second_crawl_writes_nothing_third_writes_the_changed_and_the_new(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    for n in range(1, 9):
        write_article(site, n)
    wire = article_body(900)  # one agency story republished by two "outlets" of the site
    write_article(site, 9, paragraphs=wire)
    write_article(site, 10, paragraphs=[wire[0], wire[1], wire[2] + " Additional reporting."])
    write_index(site, list(range(1, 11)))
    with StaticServer(site) as server:
        start = ("-a", f"start_urls={server.base}news/index.html")

        first, _ = crawl(work, *start)
        by_n = _by_number(first)
        assert sorted(by_n) == list(range(1, 11)) and len(first) == 10
        assert {i["version"] for i in first} == {1}
        assert all(len(i["content_hash"]) == 40 for i in first)
        dups = {n: by_n[n]["duplicate_of"] for n in (9, 10)}
        assert dups in ({9: None, 10: by_n[9]["id"]}, {9: by_n[10]["id"], 10: None})
        assert all(by_n[n]["duplicate_of"] is None for n in range(1, 9))

        second, log = crawl(work, *start)
        assert second == []
        assert "already-emitted=10" in log

        write_article(site, 3, seed=303)
        write_article(site, 11)
        write_index(site, list(range(1, 12)))
        third, _ = crawl(work, *start)
        by_n = _by_number(third)
        assert sorted(by_n) == [3, 11] and len(third) == 2
        assert by_n[3]["version"] == 2 and by_n[3]["modified"] is not None
        assert by_n[11]["version"] == 1
        assert by_n[3]["id"] == _by_number(first)[3]["id"]
        assert by_n[3]["content_hash"] != _by_number(first)[3]["content_hash"]
    assert (work / ".newscrawl" / "emitted.sqlite3").exists()


def test_store_off_writes_everything_and_near_duplicates_can_be_dropped(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    wire = article_body(900)
    write_article(site, 1)
    write_article(site, 2, paragraphs=wire)
    write_article(site, 3, paragraphs=[wire[0], wire[1], wire[2] + " Additional reporting."])
    write_index(site, [1, 2, 3])
    with StaticServer(site) as server:
        args = ("-a", f"start_urls={server.base}news/index.html", "-s", "NEWSCRAWL_STORE=",
                "-s", "NEWSCRAWL_DROP_NEAR_DUPLICATES=True")
        first, log = crawl(work, *args)
        assert len(first) == 2 and "near-duplicate=1" in log
        assert 1 in _by_number(first)
        again, _ = crawl(work, *args)
        assert len(again) == 2
    assert not (work / ".newscrawl").exists()


def test_stored_sitemap_urls_are_fetched_again_only_when_listed_as_changed(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    for n in range(1, 8):
        write_article(site, n)
    write_index(site, list(range(1, 8)))
    with StaticServer(site) as server:
        publish_sitemap(site, server.base)
        args = ("-a", f"sitemaps={server.base}sitemap.xml", "-s", "NEWSCRAWL_REFRESH_WINDOW=0",
                "-s", "NEWSCRAWL_FEED_GZIP=True", "-s", "FEED_EXPORT_BATCH_ITEM_COUNT=3")
        first, _ = crawl(work, *args)
        assert sorted(_by_number(first)) == list(range(1, 8))
        files = sorted((work / "output").glob("*.jsonl.gz"))
        assert [len(read_lines(p)) for p in files] == [3, 3, 1]
        assert len({p.name.rsplit("-", 1)[0] for p in files}) == 1  # one run: one time, one id

        # article 5 changes, and the sitemap says so: only it is fetched again
        write_article(site, 5, seed=505)
        now = datetime.now(UTC).isoformat()
        write_index(site, list(range(1, 8)), lastmod={5: now})
        publish_sitemap(site, server.base)
        second, log = crawl(work, *args)
        assert [(i["url"].rsplit("/", 1)[1], i["version"]) for i in second] == [
            ("story-number-0005.html", 2)]
        assert "'newscrawl/skipped/already-emitted': 6" in log
        assert "'response_received_count': 3" in log  # robots.txt, the sitemap, article 5
    assert len(output_items(work / "output")) == 8


def test_a_store_of_a_newer_layout_stops_the_crawl_with_the_reason(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    write_article(site, 1)
    write_index(site, [1])
    (work / ".newscrawl").mkdir(parents=True)
    db = sqlite3.connect(work / STORE)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with StaticServer(site) as server:
        result = run_crawl(*FAST, "-s", f"NEWSCRAWL_STORE={STORE}",
                           "-a", f"start_urls={server.base}news/index.html", cwd=work)
    assert result.returncode == 1
    assert "has layout 99, newer than this newscrawl's" in result.stderr
    assert "downloader/request_count" not in result.stderr  # stopped before any request
    assert not list(work.glob("output/*.jsonl*"))


#: FAST without its ``-s NEWSCRAWL_STORE=``: the project's own default.
DEFAULT_SETTINGS = FAST[:-2]
assert FAST[-2:] == ("-s", "NEWSCRAWL_STORE=")


def test_a_one_off_run_writes_what_it_finds_whatever_earlier_runs_wrote(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    for n in range(1, 4):
        write_article(site, n)
    write_index(site, [1, 2, 3])
    with StaticServer(site) as server:
        start = ("-a", f"start_urls={server.base}news/index.html")
        first, log = crawl(work, *start)
        assert len(first) == 3
        assert f"incremental: store {STORE}, 0 articles already written" in log
        assert "held back" not in log

        again, log = crawl(work, *start)
        assert again == []
        assert f"incremental: store {STORE}, 3 articles already written" in log
        held = [line for line in log.splitlines() if "held back" in line]
        assert held == [f"  held back 3 articles already written by earlier runs (store {STORE});"
                        " -s NEWSCRAWL_STORE= writes them again"]

        # the one-off run, with the project's defaults, in the same folder
        result = run_crawl(*DEFAULT_SETTINGS, *start, "-O", "feed.jsonl", cwd=work)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_lines(work / "feed.jsonl")) == 3
    assert "incremental:" not in result.stderr and "held back" not in result.stderr
    assert (f"one-off crawl: every article found is written; -s NEWSCRAWL_STORE={STORE} would"
            in result.stderr)  # the store of the earlier runs is named
    assert "'newscrawl/dropped/already-emitted'" not in result.stderr


def test_a_jobdir_crawl_keeps_its_store_in_the_job_folder(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    for n in range(1, 4):
        write_article(site, n)
    write_index(site, [1, 2, 3])
    with StaticServer(site) as server:
        args = (*DEFAULT_SETTINGS, "-a", f"start_urls={server.base}news/index.html",
                "-s", "JOBDIR=job", "-O", "feed.jsonl")
        first = run_crawl(*args, cwd=work)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "incremental: store job/emitted.sqlite3, 0 articles already written" in first.stderr
        assert len(read_lines(work / "feed.jsonl")) == 3
        again = run_crawl(*args, cwd=work)
    assert "incremental: store job/emitted.sqlite3, 3 articles already written" in again.stderr
    with sqlite3.connect(work / "job" / "emitted.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert not (work / ".newscrawl").exists()


_DROP_LINE = re.compile(r"^\S+ \S+ \[scrapy\.core\.scraper\] DEBUG: dropped \(([a-z-]+)\): (\S+)$")


def test_a_rerun_logs_each_expected_drop_in_one_short_debug_line(tmp_path: Path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    for n in range(1, 5):
        write_article(site, n)
    short = " ".join(article_body(5, words=150)[0].split()[:34])  # a story, but < 40 words
    write_article(site, 5, paragraphs=[short])
    write_index(site, [1, 2, 3, 4, 5])
    with StaticServer(site) as server:
        start = ("-a", f"start_urls={server.base}news/index.html")
        first, log = crawl(work, *start)  # at INFO: counted, not logged one by one
        assert len(first) == 4
        assert "'newscrawl/dropped/too-short': 1" in log
        assert "dropped (" not in log and "Dropped:" not in log

        again, log = crawl(work, *start, "-s", "LOG_LEVEL=DEBUG")
    assert again == []
    assert "'paragraphs':" not in log and "Dropped:" not in log  # no item pretty-printed
    drops = [_DROP_LINE.match(line) for line in log.splitlines() if "dropped (" in line]
    assert all(drops), [line for line in log.splitlines() if "dropped (" in line]
    by_reason: dict[str, list[str]] = {}
    for match in drops:
        by_reason.setdefault(match[1], []).append(match[2])
    assert {r: sorted(urls) for r, urls in by_reason.items()} == {
        "already-emitted": [f"{server.base}{article_path(n)}" for n in range(1, 5)],
        "too-short": [f"{server.base}{article_path(5)}"]}
    assert all(len(m[0]) < 200 for m in drops)
    assert "'newscrawl/dropped/already-emitted': 4" in log
    assert "'newscrawl/dropped/too-short': 1" in log
    assert "'item_dropped_reasons_count/DropItem': 5" in log  # Scrapy's own count, as before
    assert "WARNING" not in log
