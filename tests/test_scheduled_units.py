"""Units of scheduled crawls: fingerprints, the emitted-articles store, feed files, refresh."""

from __future__ import annotations

import fcntl
import gzip
import json
import logging
import sqlite3
import zlib
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.discovery.dates import parse_duration
from newscrawl.output.emitted import (
    EmittedArticles,
    atomic_feed_folders,
    refresh_due,
    store_path,
)
from newscrawl.output.feedstorage import AtomicFileFeedStorage, complete_lines, repair_parts
from newscrawl.output.fingerprint import (
    BANDS,
    band_keys,
    compute_band_keys,
    compute_minhash,
    content_hash,
    minhash,
    remember,
    similarity,
)
from newscrawl.output.logformatter import EXPECTED_DROPS, NewsLogFormatter
from newscrawl.output.pipelines import reasoned_drop
from newscrawl.output.signals import feed_file_ready
from newscrawl.output.store import (
    SCHEMA_VERSION,
    Emitted,
    EmittedStore,
    StoreVersionError,
    buckets,
)
from tests.test_scheduled_crawl import article_body

WIRE = "\n\n".join(article_body(900))
OTHER = "\n\n".join(article_body(901))


def _item(n: int, body: str, **extra) -> dict:
    return {"id": f"{n:016x}", "canonical_url": f"https://ex.com/a/{n}", "body": body, **extra}


def test_minhash_finds_edited_copies_and_not_other_stories():
    edited = WIRE.replace("\n\n", "\n\nAdditional reporting by the desk. ", 1)
    assert similarity(minhash(WIRE), minhash(edited)) >= 0.8
    assert similarity(minhash(WIRE), minhash(OTHER)) < 0.2
    assert content_hash(WIRE) != content_hash(edited)


def test_band_keys_come_from_what_a_worker_remembered_else_are_computed():
    signature = compute_minhash(OTHER + " once more")
    assert band_keys(signature) == compute_band_keys(signature)
    assert len(band_keys(signature)) == BANDS
    text = WIRE + " remembered"
    given = tuple(range(BANDS))  # not the real keys: shows that they are not recomputed
    remember(text, compute_minhash(text), given)
    assert band_keys(minhash(text)) == given


def test_store_records_versions_and_points_copies_at_the_original(tmp_path: Path):
    path = tmp_path / "d" / "emitted.sqlite3"
    store = EmittedStore(path)
    store.record(_item(1, WIRE), emitted_at="2024-05-03T10:00:00+00:00")
    assert store.near_duplicate(WIRE, "http://www.ex.com/a/1/?utm_source=x", 0.8) is None  # itself
    store.record(_item(2, WIRE + " Credit.", duplicate_of=f"{1:016x}"),
                 emitted_at="2024-05-03T10:05:00+00:00")
    assert store.near_duplicate(WIRE, "https://ex.com/a/3", 0.8) == f"{1:016x}"
    assert store.near_duplicate(OTHER, "https://ex.com/a/3", 0.8) is None
    assert store.near_duplicate(WIRE, "https://ex.com/a/3", 0) is None
    store.record(_item(1, OTHER, version=2), emitted_at="2024-05-04T10:00:00+00:00")
    store.record(_item(1, OTHER, version=1))  # a replayed older line never lowers the version
    store.close()
    reopened = EmittedStore(path)
    got = reopened.get("https://ex.com/a/1")
    assert (got.version, got.content_hash, got.first_emitted) == (
        2, content_hash(OTHER), "2024-05-03T10:00:00+00:00")
    assert len(reopened) == 2
    assert reopened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_update_replaces_the_old_bodys_bands():
    store = EmittedStore(":memory:")
    store.record(_item(1, WIRE))
    store.record(_item(1, OTHER, version=2))
    number = store.db.execute("SELECT n FROM articles WHERE key = ?",
                              (store.get("https://ex.com/a/1").key,)).fetchone()[0]
    found = store.db.execute("SELECT bucket FROM lsh WHERE article = ?", (number,)).fetchall()
    assert sorted(bucket for (bucket,) in found) == sorted(buckets(band_keys(minhash(OTHER))))
    assert store.db.execute("SELECT count(*) FROM lsh").fetchone()[0] == BANDS
    assert store.near_duplicate(WIRE, "https://ex.com/a/9", 0.8) is None  # the old body is gone
    assert store.near_duplicate(OTHER, "https://ex.com/a/9", 0.8) == f"{1:016x}"


#: The first layout of the store (no user_version), as newscrawl 0.x created it.
_V1_SCHEMA = """
CREATE TABLE articles (key TEXT PRIMARY KEY, id TEXT NOT NULL, canonical_url TEXT NOT NULL,
    content_hash TEXT NOT NULL, version INTEGER NOT NULL, minhash BLOB NOT NULL,
    duplicate_of TEXT, published TEXT, modified TEXT, first_emitted TEXT NOT NULL,
    last_emitted TEXT NOT NULL);
CREATE TABLE bands (band INTEGER NOT NULL, value INTEGER NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (band, value, key)) WITHOUT ROWID;
"""


def _v1_store(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """A first-layout file holding (key, id, body, first_emitted) rows, written as the
    first layout's record() wrote them."""
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    for key, ident, body, when in rows:
        signature = minhash(body)
        db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, 1, ?, NULL, NULL, NULL, ?, ?)",
                   (key, ident, key, content_hash(body), array("Q", signature).tobytes(),
                    when, when))
        db.executemany("INSERT INTO bands VALUES (?, ?, ?)",
                       [(band, value, key) for band, value in enumerate(band_keys(signature))])
    db.commit()
    db.close()


def test_a_first_layout_store_is_upgraded_in_place(tmp_path):
    path = tmp_path / "emitted.sqlite3"
    _v1_store(path, [("https://ex.com/a/2", f"{2:016x}", OTHER, "2024-05-02T10:00:00+00:00"),
                     ("https://ex.com/a/1", f"{1:016x}", WIRE, "2024-05-01T10:00:00+00:00")])
    store = EmittedStore(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {name for (name,) in store.db.execute("SELECT name FROM sqlite_master")}
    assert "bands" not in tables and "articles_v1" not in tables
    assert [row[0] for row in store.db.execute("SELECT key FROM articles ORDER BY n")] == [
        "https://ex.com/a/2", "https://ex.com/a/1"]  # the old row order
    got = store.get("https://ex.com/a/1")
    assert (got.id, got.content_hash, got.version, got.first_emitted) == (
        f"{1:016x}", content_hash(WIRE), 1, "2024-05-01T10:00:00+00:00")
    assert store.db.execute("SELECT count(*) FROM lsh").fetchone()[0] == 2 * BANDS
    assert store.near_duplicate(WIRE, "https://ex.com/a/3", 0.8) == f"{1:016x}"
    assert store.near_duplicate(OTHER, "https://ex.com/a/3", 0.8) == f"{2:016x}"
    store.record(_item(1, OTHER, version=2))  # an update replaces the migrated buckets
    assert store.near_duplicate(WIRE, "https://ex.com/a/3", 0.8) is None
    store.close()
    reopened = EmittedStore(path)  # a second opening finds the new layout: nothing to do
    assert len(reopened) == 2 and reopened.get("https://ex.com/a/1").version == 2


def test_a_store_of_a_newer_layout_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "emitted.sqlite3"
    EmittedStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreVersionError, match="newer than this newscrawl"):
        EmittedStore(path)


def test_buckets_hold_the_band_number_in_their_low_bits():
    bands = band_keys(minhash(WIRE))
    assert [bucket & 0xF for bucket in buckets(bands)] == list(range(BANDS))
    assert [bucket >> 4 for bucket in buckets(bands)] == [value >> 4 for value in bands]
    assert all(0 <= bucket < 1 << 63 for bucket in buckets(bands))  # an SQLite integer


def test_refresh_window_and_listed_dates():
    now = datetime(2024, 5, 10, tzinfo=UTC)
    stored = Emitted("k", "i", "h", 1, None, None, None,
                     first_emitted="2024-05-09T12:00:00+00:00",
                     last_emitted="2024-05-09T12:00:00+00:00")
    assert refresh_due(stored, None, parse_duration("24h"), now)
    assert not refresh_due(stored, None, parse_duration("6h"), now)
    assert not refresh_due(stored, "2024-05-09T11:00:00Z", parse_duration(0), now)
    assert refresh_due(stored, "2024-05-09T13:00:00Z", parse_duration(0), now)
    assert parse_duration("7d") == timedelta(days=7) and parse_duration("90") == timedelta(seconds=90)
    with pytest.raises(ValueError, match="duration"):
        parse_duration("soon")


def test_atomic_storage_writes_part_then_renames(tmp_path: Path):
    storage = AtomicFileFeedStorage(str(tmp_path / "out" / "f.jsonl"),
                                    feed_options={"atomic": True})
    fh = storage.open(None)
    fh.write(b'{"a": 1}\n')
    assert (tmp_path / "out" / "f.jsonl.part").read_bytes() == b'{"a": 1}\n'  # flushed
    assert not (tmp_path / "out" / "f.jsonl").exists()
    storage.store(fh)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["f.jsonl"]
    with pytest.raises(FileExistsError):
        AtomicFileFeedStorage(str(tmp_path / "out" / "f.jsonl"),
                              feed_options={"atomic": True}).open(None)
    plain = AtomicFileFeedStorage(str(tmp_path / "p.jsonl"), feed_options={"overwrite": True})
    fh = plain.open(None)
    fh.write(b"{}\n")
    assert (tmp_path / "p.jsonl").read_bytes() == b"{}\n"  # -O: same name, flushed per line
    plain.store(fh)


def test_atomic_storage_signals_before_the_rename_and_a_failed_handler_keeps_the_part(
        tmp_path: Path):
    crawler = get_crawler(Spider)
    seen = []

    def ready(path: str) -> None:  # the store commits here: the file is not published yet
        seen.append((path, sorted(p.name for p in (tmp_path / "out").iterdir())))

    crawler.signals.connect(ready, signal=feed_file_ready)
    path = str(tmp_path / "out" / "f.jsonl")
    storage = AtomicFileFeedStorage.from_crawler(crawler, path, feed_options={"atomic": True})
    fh = storage.open(None)
    fh.write(b'{"a": 1}\n')
    storage.store(fh)
    assert seen == [(path, ["f.jsonl.part"])]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["f.jsonl"]

    def broken(path: str) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    crawler.signals.connect(broken, signal=feed_file_ready)
    path = str(tmp_path / "out" / "g.jsonl")
    storage = AtomicFileFeedStorage.from_crawler(crawler, path, feed_options={"atomic": True})
    fh = storage.open(None)
    fh.write(b'{"a": 2}\n')
    with pytest.raises(sqlite3.OperationalError):
        storage.store(fh)
    fh.close()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["f.jsonl", "g.jsonl.part"]


def test_the_store_owner_opens_on_use_and_commits_before_a_feed_file_is_published(
        tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    crawler = get_crawler(Spider, {"NEWSCRAWL_STORE": str(path)})
    articles = EmittedArticles.from_crawler(crawler)
    crawler.signals.send_catch_log(feed_file_ready, path="x.jsonl")
    assert not path.exists()  # nothing opened for it
    articles.store.record(_item(1, WIRE), commit=False)
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    crawler.signals.send_catch_log(feed_file_ready, path="x.jsonl")
    assert other.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    articles.store.record(_item(2, OTHER), commit=False)
    articles.spider_closed(Spider("s"), "finished")  # closed with a last commit
    assert other.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    other.close()


def test_complete_lines_cut_a_killed_writers_last_line():
    assert complete_lines(b'{"a": 1}\n\n{"a": 2}\n{"a"', False) == (
        b'{"a": 1}\n\n{"a": 2}\n', [b'{"a": 1}', b'{"a": 2}'])
    gz = zlib.compressobj(6, zlib.DEFLATED, 31)
    data = gz.compress(b'{"a": 1}\n{"a"') + gz.flush(zlib.Z_SYNC_FLUSH)
    assert complete_lines(data, True) == (b'{"a": 1}\n', [b'{"a": 1}'])
    assert complete_lines(b"", False) == (b"", [])
    with pytest.raises(zlib.error):
        complete_lines(b"not gzip at all", True)


def test_repair_parts_keeps_complete_lines_and_skips_live_files(tmp_path: Path):
    lines = [json.dumps({"id": f"{n:016x}", "canonical_url": f"https://ex.com/{n}",
                         "body": OTHER[n * 200:(n + 1) * 200]}) for n in range(3)]
    (tmp_path / "a.jsonl.part").write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:9])
    gz = zlib.compressobj(6, zlib.DEFLATED, 31)
    chunks = [gz.compress(line.encode() + b"\n") + gz.flush(zlib.Z_SYNC_FLUSH) for line in lines]
    # killed while writing the third line: no gzip trailer, half a deflate block
    (tmp_path / "b.jsonl.gz.part").write_bytes(chunks[0] + chunks[1] + chunks[2][:40])
    (tmp_path / "c.jsonl.part").write_text('{"id": "trunc')
    live = open(tmp_path / "d.jsonl.part", "wb")  # noqa: SIM115 - a crawl still writing
    fcntl.flock(live.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    seen = []
    made = repair_parts(tmp_path, seen.append)
    live.close()
    assert [p.name for p in made] == ["a.jsonl", "b.jsonl.gz"]
    assert (tmp_path / "a.jsonl").read_text() == lines[0] + "\n" + lines[1] + "\n"
    with gzip.open(tmp_path / "b.jsonl.gz", "rt") as fh:
        assert fh.read().splitlines() == lines[:2]
    assert [i["id"] for i in seen] == [f"{0:016x}", f"{1:016x}"] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.jsonl.gz", "d.jsonl.part"]


def test_atomic_feed_folders_from_settings():
    settings = Settings({"FEEDS": {
        "output/news-%(time)s.jsonl": {"format": "jsonlines", "atomic": True},
        "file:///data/x-%(batch_id)d.jsonl": {"format": "jsonlines", "atomic": True},
        "%(name)s/y.jsonl": {"format": "jsonlines", "atomic": True},
        "plain.jsonl": {"format": "jsonlines"}}})
    assert atomic_feed_folders(settings) == [Path("output"), Path("/data")]


def _settings(**cmdline: str) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict(cmdline, priority="cmdline")
    return settings


class _Samples:
    crawls_samples = True


def test_store_path_is_opt_in_and_a_jobdir_keeps_its_own():
    assert project_settings.NEWSCRAWL_STORE == ""
    assert store_path(_settings()) == ""  # a one-off crawl: in memory
    assert store_path(_settings(NEWSCRAWL_STORE="s.sqlite3")) == "s.sqlite3"
    assert store_path(_settings(JOBDIR="crawls/a")) == str(Path("crawls/a", "emitted.sqlite3"))
    assert store_path(_settings(JOBDIR="crawls/a", NEWSCRAWL_STORE="s.sqlite3")) == "s.sqlite3"
    assert store_path(_settings(JOBDIR="crawls/a", NEWSCRAWL_STORE="")) == ""  # asked: none
    assert store_path(_settings(JOBDIR="crawls/a"), _Samples()) == ""  # the demo is repeatable
    assert store_path(_settings(NEWSCRAWL_STORE="s.sqlite3"), _Samples()) == "s.sqlite3"


def _dropped(exception: BaseException, **settings) -> dict:
    crawler = get_crawler(Spider, {"LOG_FORMATTER": project_settings.LOG_FORMATTER, **settings})
    spider = Spider.from_crawler(crawler, name="news")
    item = {"url": "https://ex.com/a/1", "paragraphs": ["text " * 500]}
    assert isinstance(crawler.logformatter, NewsLogFormatter)
    return crawler.logformatter.dropped(item, exception, None, spider)


@pytest.mark.parametrize("reason", sorted(EXPECTED_DROPS))
def test_an_expected_drop_is_one_debug_line_without_the_item(reason: str):
    logged = _dropped(reasoned_drop(reason, "https://ex.com/a/1"))
    assert logged["level"] == logging.DEBUG
    assert logged["msg"] % logged["args"] == f"dropped ({reason}): https://ex.com/a/1"
    detailed = _dropped(reasoned_drop(reason, "https://ex.com/a/1", "of 00000000000000aa"))
    assert detailed["msg"] % detailed["args"] == (
        f"dropped ({reason}): https://ex.com/a/1 (of 00000000000000aa)")


def test_an_unexpected_drop_keeps_scrapys_warning_with_the_item():
    logged = _dropped(reasoned_drop("schema-invalid", "https://ex.com/a/1", "data.title"))
    assert logged["level"] == logging.WARNING
    text = logged["msg"] % logged["args"]
    assert text.startswith("Dropped: schema-invalid: https://ex.com/a/1 (data.title)")
    assert "'paragraphs':" in text
    assert _dropped(DropItem("other pipeline"))["level"] == logging.WARNING
    # a DropItem that asked for a lower level: its message, never the item
    quiet = _dropped(DropItem("seen it", log_level="INFO"))
    assert (quiet["level"], quiet["msg"] % quiet["args"]) == (logging.INFO, "dropped: seen it")
    # Scrapy's setting still decides the level of drops without one
    assert _dropped(DropItem("x"), DEFAULT_DROPITEM_LOG_LEVEL="ERROR")["level"] == logging.ERROR


def _summary(stats: dict[str, int], **settings: str) -> list[str]:
    from newscrawl.output.summary import CrawlSummary

    crawler = get_crawler(Spider, settings)
    crawler.stats.set_stats(dict(stats))
    return CrawlSummary(crawler).summary_lines()


def test_the_summary_says_in_one_line_what_was_held_back_and_how_to_write_it():
    held = {"newscrawl/dropped/already-emitted": 30, "newscrawl/skipped/already-emitted": 2}
    lines = _summary(held, NEWSCRAWL_STORE=".newscrawl/emitted.sqlite3")
    assert lines[3] == ("held back 32 articles already written by earlier runs "
                        "(store .newscrawl/emitted.sqlite3); -s NEWSCRAWL_STORE= writes them again")
    assert [line for line in lines if "held back" in line] == [lines[3]]
    fleet = _summary(held, NEWSCRAWL_REDIS_URL="redis://127.0.0.1:1/0",
                     NEWSCRAWL_REDIS_PREFIX="news")
    assert fleet[3] == ("held back 32 articles already written by this fleet "
                        "(store Redis news:emitted): a fleet writes each article once")
    assert not [line for line in _summary({}) if "held back" in line or "extraction" in line]
    errors = _summary({"newscrawl/extraction-errors/TypeError": 3,
                       "newscrawl/extraction-errors/RecursionError": 1})
    assert errors[-1] == "extraction errors: 4 (TypeError=3, RecursionError=1)"
