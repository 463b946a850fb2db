"""Distributed crawling: worker processes on one frontier in a real redis-server.

Each test starts its own ``redis-server`` on a free port of 127.0.0.1 (no persistence)
and crawls a generated site served by :class:`tests.conftest.StaticServer`: 10 section
pages linking 50 small articles each (JSON-LD ``NewsArticle``, unique ~150-word bodies).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from tests.conftest import FAST, ROOT, StaticServer

#: Redis servers and crawl subprocesses: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "distributed"
SECTIONS, PER_SECTION = 10, 50

_WORDS = [
    "harbour", "council", "ferry", "tide", "market", "budget", "vote", "river", "school",
    "bridge", "station", "museum", "festival", "storm", "farmer", "engineer", "nurse", "court",
    "mayor", "island", "factory", "library", "stadium", "orchestra", "railway", "clinic",
    "bakery", "lighthouse", "canal", "garden", "archive", "laboratory", "theatre", "workshop",
    "village", "district", "minister", "report", "survey", "plan", "road", "tunnel", "port",
    "cargo", "fishing", "weather", "summer", "winter", "spring", "autumn"]
_VERBS = ["approved", "reopened", "delayed", "expanded", "celebrated", "reviewed", "funded",
          "opposed", "welcomed", "rebuilt", "measured", "announced", "questioned", "finished"]


def _paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(3):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 14))]
        words.insert(2, rng.choice(_VERBS))
        sentences.append(" ".join(words).capitalize() + f" on day {rng.randint(1, 9999)}.")
    return " ".join(sentences)


def build_site(root: Path) -> list[str]:
    """Write the front page, the section pages and the articles; the articles' paths."""
    article = (FIXTURES / "article.html").read_text(encoding="utf-8")
    listing = (FIXTURES / "section.html").read_text(encoding="utf-8")
    paths, sections = [], []
    for s in range(SECTIONS):
        section, name, links = f"section-{s:02d}", f"Section {s:02d}", []
        for a in range(PER_SECTION):
            rng = random.Random(s * 1000 + a)
            day = f"{1 + a % 28:02d}"
            path = f"{section}/2024/05/{day}/story-{s:02d}-{a:03d}.html"
            title = f"Story {a} of {name}: the {rng.choice(_WORDS)} {rng.choice(_VERBS)}"
            body = "\n".join(f"<p>{_paragraph(rng)}</p>" for _ in range(4))
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(article.format(
                title=title, section=section, section_name=name, author=f"Reporter {s}-{a}",
                published=f"2024-05-{day}T10:00:00+00:00", paragraphs=body), encoding="utf-8")
            links.append(f'<li><a href="/{path}">{title}</a></li>')
            paths.append(path)
        (root / section / "index.html").write_text(
            listing.format(section_name=name, links="\n".join(links)), encoding="utf-8")
        sections.append(f'<li><a href="/{section}/index.html">{name}</a></li>')
    (root / "index.html").write_text(
        listing.format(section_name="The Fleet Gazette", links="\n".join(sections)),
        encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("fleet-site")
    paths = build_site(root)
    with StaticServer(root) as server:
        yield server.base, {server.base + p for p in paths}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


def start_worker(name: str, redis_url: str, cwd: Path, *args: str) -> subprocess.Popen:
    """``scrapy crawl news`` as fleet worker ``name``, logging to ``cwd/<name>.log``;
    ``args`` come last (a ``-s`` there wins)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
           "PYTHONPATH": str(ROOT)}
    log = open(cwd / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "news",
         "-s", f"NEWSCRAWL_REDIS_URL={redis_url}", "-s", f"NEWSCRAWL_REDIS_WORKER_ID={name}",
         "-s", "NEWSCRAWL_REDIS_IDLE_CLOSE=3", "-s", "NEWSCRAWL_REDIS_HEARTBEAT=3",
         *FAST, "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
         "-O", "out/articles.jsonl", *args],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def fleet(site_base: str, redis_url: str, cwd: Path, n: int = 3) -> list[subprocess.Popen]:
    return [start_worker(f"w{i}", redis_url, cwd, "-a", f"start_urls={site_base}index.html")
            for i in range(n)]


def wait(workers: list[subprocess.Popen], timeout: float = 90) -> list[int]:
    deadline = time.monotonic() + timeout
    return [w.wait(max(1.0, deadline - time.monotonic())) for w in workers]


def read_lines(path: Path, allow_partial: bool = False) -> list[str]:
    """The complete JSON lines of a feed file; a killed writer may leave a partial last one."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines[-1]:
        assert allow_partial, f"{path} ends in a partial line"
    return [line.decode() for line in lines[:-1] if line.strip()]


def urls_written(out: Path, killed: str | None = None) -> Counter[str]:
    import json

    counts: Counter[str] = Counter()
    for path in sorted(out.glob("articles-*.jsonl")):
        for line in read_lines(path, allow_partial=path.name == f"articles-{killed}.jsonl"):
            counts[json.loads(line)["url"]] += 1
    return counts


def assert_fleet_state_clean(redis_url: str) -> None:
    """After a batch: no request waiting or leased, no claim held, no worker registered."""
    client = redis.Redis.from_url(redis_url)
    assert client.zcard("newscrawl:requests") == 0
    assert client.hlen("newscrawl:claims") == 0
    assert client.smembers("newscrawl:workers") == set()
    assert sorted(client.scan_iter("newscrawl:leases:*")) == []
    assert sorted(client.scan_iter("newscrawl:pending:*")) == []
    assert client.exists("newscrawl:seeded", "newscrawl:dupefilter") == 0


def test_three_workers_write_each_article_once(site, redis_url, tmp_path):
    base, articles = site
    codes = wait(fleet(base, redis_url, tmp_path))
    logs = {p.name: p.read_text() for p in tmp_path.glob("w*.log")}
    assert codes == [0, 0, 0], logs
    counts = urls_written(tmp_path / "out")
    assert set(counts) == articles
    assert set(counts.values()) == {1}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "articles-w0.jsonl", "articles-w1.jsonl", "articles-w2.jsonl"]
    # Idle workers take requests others put in the frontier within a second: all work.
    per_worker = [len(read_lines(p)) for p in sorted((tmp_path / "out").iterdir())]
    assert min(per_worker) >= 20, per_worker
    assert sum("newscrawl/distributed/seeded" in log for log in logs.values()) == 1
    # a fleet is incremental: each worker names the fleet's store when it starts
    assert all(re.search(r"INFO: incremental: store Redis newscrawl:emitted, \d+ articles "
                         r"already written\n", log) for log in logs.values()), logs
    assert_fleet_state_clean(redis_url)


def test_killed_worker_loses_nothing(site, redis_url, tmp_path):
    base, articles = site
    workers = fleet(base, redis_url, tmp_path)
    out = tmp_path / "out"

    def lines(pattern: str) -> int:
        return sum(p.read_bytes().count(b"\n") for p in out.glob(pattern))

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # midway, by the fleet's progress; w0 busy too
        # ... and holding requests, which the others must then take over (killed between
        # two leases, it would leave nothing to give back).
        if lines("articles-w0.jsonl") >= 5 and lines("*.jsonl") >= 150 \
                and client.hlen("newscrawl:leases:w0") >= 2:
            break
        time.sleep(0.02)
    assert workers[0].poll() is None, "w0 finished before it could be killed"
    workers[0].send_signal(signal.SIGKILL)
    codes = wait(workers)
    logs = {p.name: p.read_text() for p in tmp_path.glob("w*.log")}
    assert codes == [-signal.SIGKILL, 0, 0], logs
    counts = urls_written(tmp_path / "out", killed="w0")
    assert set(counts) == articles
    assert set(counts.values()) == {1}
    assert any("of dead workers back to the frontier" in logs[f"w{i}.log"] for i in (1, 2))
    assert_fleet_state_clean(redis_url)


def test_worker_without_arguments_crawls_pushed_start_points(site, redis_url, tmp_path):
    base, articles = site
    client = redis.Redis.from_url(redis_url)
    client.rpush("newscrawl:start_urls", f"{base}section-03/index.html", "not a url")
    worker = start_worker("w0", redis_url, tmp_path)
    assert wait([worker]) == [0], (tmp_path / "w0.log").read_text()
    counts = urls_written(tmp_path / "out")
    assert set(counts) == {a for a in articles if "/section-03/" in a}
    assert set(counts.values()) == {1}
    log = (tmp_path / "w0.log").read_text()
    assert "ignored start point b'not a url'" in log
    assert "'newscrawl/distributed/start_points': 1," in log
    assert client.llen("newscrawl:start_urls") == 0
    assert_fleet_state_clean(redis_url)


def test_idle_close_zero_waits_and_sigterm_gives_work_back(site, redis_url, tmp_path):
    base, articles = site
    client = redis.Redis.from_url(redis_url)
    client.rpush("newscrawl:start_urls", f"{base}section-05/index.html")
    worker = start_worker("w0", redis_url, tmp_path, "-s", "NEWSCRAWL_REDIS_IDLE_CLOSE=0")
    feed = tmp_path / "out" / "articles-w0.jsonl"

    def lines() -> int:
        return feed.read_bytes().count(b"\n") if feed.exists() else 0

    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and lines() < PER_SECTION:
        time.sleep(0.1)
    time.sleep(4)  # longer than the 3 s the other tests close after
    assert worker.poll() is None
    client.rpush("newscrawl:start_urls", f"{base}section-06/index.html")  # still served
    while time.monotonic() < deadline and lines() < PER_SECTION + 5:
        time.sleep(0.02)
    worker.send_signal(signal.SIGTERM)  # midway through section 6
    assert wait([worker]) == [0]
    assert client.smembers("newscrawl:workers") == set()
    assert sorted(client.scan_iter("newscrawl:leases:*")) == []
    left = client.zcard("newscrawl:requests")
    assert 0 < left <= PER_SECTION - 5
    # Every section-6 request is either finished (its article written) or given back,
    # never both: a request finished after the SIGTERM is released, not handed on.
    written = sum("/section-06/" in url for url in urls_written(tmp_path / "out"))
    assert written + left == PER_SECTION
    successor = start_worker("w1", redis_url, tmp_path)  # no start point: serves the frontier
    assert wait([successor]) == [0], (tmp_path / "w1.log").read_text()
    counts = urls_written(tmp_path / "out")
    assert set(counts) == {a for a in articles if "/section-05/" in a or "/section-06/" in a}
    assert set(counts.values()) == {1}
    assert_fleet_state_clean(redis_url)
