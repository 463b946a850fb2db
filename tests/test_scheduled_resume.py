"""A crawl killed with SIGKILL midway and restarted with the same JOBDIR and store: every
article of a 200-article site is written exactly once across the two runs' files, and a
reader polling the output folder meanwhile never parses a broken line."""

from __future__ import annotations

import functools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newscrawl.output.validation import schema_errors
from tests.conftest import FAST, ROOT
from tests.test_scheduled_crawl import publish_sitemap, read_lines, write_article, write_index

#: crawls killed and resumed: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

ARTICLES = 200


class _SlowHandler(SimpleHTTPRequestHandler):
    """Static files, each article a little slow, so that a kill lands midway."""

    def do_GET(self) -> None:
        if "/story-" in self.path:
            time.sleep(0.02)
        super().do_GET()

    def log_message(self, format: str, *args) -> None:
        pass


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


class _Reader(threading.Thread):
    """Polls the output folder like a downstream loader: parses every finished file."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder, self.stop, self.errors, self.reads = folder, threading.Event(), [], 0

    def run(self) -> None:
        while not self.stop.is_set():
            for path in sorted(self.folder.glob("news-*.jsonl")):
                try:
                    with open(path, encoding="utf-8") as fh:
                        data = fh.read()
                except FileNotFoundError:
                    continue
                if data and not data.endswith("\n"):
                    self.errors.append(f"{path.name}: no final newline")
                for line in data.splitlines():
                    try:
                        json.loads(line)
                    except ValueError as exc:
                        self.errors.append(f"{path.name}: {exc}")
                self.reads += 1
            time.sleep(0.01)


def _command(base: str, jobdir: Path, rotate: bool) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sitemaps={base}sitemap.xml",
            *FAST, "-s", "NEWSCRAWL_STORE=.newscrawl/emitted.sqlite3", "-s", f"JOBDIR={jobdir}", "-s", "CONCURRENT_REQUESTS=2",
            *(["-s", "FEED_EXPORT_BATCH_ITEM_COUNT=25"] if rotate else [])]


def _part_lines(folder: Path) -> int:
    try:
        return sum(p.read_bytes().count(b"\n") for p in folder.glob("*.part"))
    except FileNotFoundError:  # renamed while counted
        return 0


def _midway(store: Path, output: Path, rotate: bool) -> bool:
    """Kill midway and mid-file. Rotated files (every 25 items) commit the store per
    item; a single atomic file commits it in batches, so its .part file tells."""
    if rotate:
        return _stored(store) >= 55 and 5 <= _stored(store) % 25 <= 20
    return _part_lines(output) >= 60


@pytest.mark.parametrize("rotate", [True, False], ids=["rotated-files", "one-file-batched-commits"])
def test_killed_crawl_resumed_writes_every_article_exactly_once(tmp_path: Path, rotate: bool):
    site, work, jobdir = tmp_path / "site", tmp_path / "work", tmp_path / "job"
    (work / "output").mkdir(parents=True)
    numbers = list(range(1, ARTICLES + 1))
    for n in numbers:
        write_article(site, n)
    write_index(site, numbers)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(ROOT)}
    store = work / ".newscrawl" / "emitted.sqlite3"
    handler = functools.partial(_SlowHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    reader = _Reader(work / "output")
    reader.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        publish_sitemap(site, base)
        first = subprocess.Popen(_command(base, jobdir, rotate), cwd=work, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        # kill midway and mid-file: a .part file is open
        while (not _midway(store, work / "output", rotate)
               and first.poll() is None and time.monotonic() < deadline):
            time.sleep(0.01)
        assert first.poll() is None, "the first crawl ended before it could be killed"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        killed_files = sorted(p.name for p in (work / "output").iterdir())
        assert any(name.endswith(".part") for name in killed_files), killed_files
        assert _stored(store) < ARTICLES
        if not rotate:  # lines written but not committed: the next crawl records them
            assert _stored(store) < _part_lines(work / "output")

        second = subprocess.run(_command(base, jobdir, rotate), cwd=work, env=env, check=False,
                                capture_output=True, text=True, timeout=240)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "'newscrawl/jobdir_recovered': 1" in second.stderr
    finally:
        reader.stop.set()
        reader.join(timeout=10)
        httpd.shutdown()
        httpd.server_close()

    files = sorted((work / "output").iterdir())
    assert not [p for p in files if not p.name.endswith(".jsonl")], files
    assert len({p.name.rsplit("-", 1)[0] for p in files}) == 2  # two runs, names never reused
    items = [item for path in files for item in read_lines(path)]
    for item in items:
        assert schema_errors(item) == [], item["url"]
    counts = Counter(item["url"].rsplit("/", 1)[1] for item in items)
    assert sorted(counts) == sorted(f"story-number-{n:04d}.html" for n in numbers)
    assert set(counts.values()) == {1}, [k for k, v in counts.items() if v > 1]
    assert _stored(store) == ARTICLES
    assert reader.errors == [] and reader.reads > 0
