"""The emitted-articles store: what earlier crawls wrote, so that a re-run writes only news.

One SQLite file (``NEWSCRAWL_STORE``, opt-in, e.g. ``.newscrawl/emitted.sqlite3``; see
:func:`newscrawl.output.emitted.store_path`) keyed by
:func:`newscrawl.discovery.urls.url_key` of the canonical URL, with the body's hash, the version written, the page's dates and when it was
written. A second table is the banded MinHash (LSH) index for near-duplicates, one
integer bucket per band referring to the article's row number: its size grows with the
store, on disk, not in memory. The layout's version is the file's ``user_version``; an
older file is upgraded when opened. WAL mode and one commit per recorded
item — or per batch, when every line of the batch can be replayed after a kill (atomic
feeds: a killed crawl's ``.part`` file is recorded when the next crawl opens): a crawl
killed at any moment leaves a consistent file behind.

With no store asked for the same store lives in memory for one crawl only.

>>> store = EmittedStore(":memory:")
>>> store.record({"id": "c4ed1c218d14a0f1", "canonical_url": "https://ex.com/a",
...               "body": "text", "version": 1}, emitted_at="2024-05-03T10:00:00+00:00")
>>> store.get("https://ex.com/a").version
1
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from newscrawl.discovery.urls import url_key
from newscrawl.output.fingerprint import (
    BANDS,
    band_keys,
    content_hash,
    minhash,
    pack,
    similarity,
    unpack,
)

logger = logging.getLogger(__name__)

#: The store's layout, as ``PRAGMA user_version``: 2 since the band index refers to
#: articles by number (version 0, without the pragma, was the first layout: see
#: :meth:`EmittedStore._copy_from_v1`).
SCHEMA_VERSION = 2
_ARTICLE_COLUMNS = ("key, id, canonical_url, content_hash, version, minhash, duplicate_of,"
                    " published, modified, first_emitted, last_emitted")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    n INTEGER PRIMARY KEY,  -- the number the band index refers to (stable under VACUUM)
    key TEXT NOT NULL UNIQUE,
    id TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    minhash BLOB NOT NULL,
    duplicate_of TEXT,
    published TEXT,
    modified TEXT,
    first_emitted TEXT NOT NULL,
    last_emitted TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lsh (
    bucket INTEGER NOT NULL,  -- a band's key with the band's number in its low bits
    article INTEGER NOT NULL,
    PRIMARY KEY (bucket, article)
) WITHOUT ROWID;
"""
#: Low bits of a bucket that hold the band's number (see :func:`buckets`).
_BAND_BITS = 4
assert BANDS <= 1 << _BAND_BITS
_BUCKET_MARKS = ", ".join("?" * BANDS)
#: ``INSERT … RETURNING`` (SQLite 3.35+) gives the number of the row an upsert wrote.
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


class StoreVersionError(RuntimeError):
    """The store file was written by a newer newscrawl, in a layout this one cannot read."""


def buckets(bands: Sequence[int]) -> tuple[int, ...]:
    """The index entries of a signature's :func:`band_keys`: each band's key with its low
    bits replaced by the band's number, so one integer column (one index probe per
    band, small entries) stands for the (band, key) pair. Two bodies share a bucket
    when they share a band (and, once in 2**59, by chance: every candidate's
    similarity is checked against its signature anyway).

    >>> buckets((0b110101, 0b110101)) == (0b110000, 0b110001)
    True
    """
    mask = ~((1 << _BAND_BITS) - 1)
    return tuple((value & mask) | band for band, value in enumerate(bands))


@dataclass(frozen=True)
class Emitted:
    """One stored article: what was last written for its canonical URL."""

    key: str
    id: str
    content_hash: str
    version: int
    duplicate_of: str | None
    published: str | None
    modified: str | None
    first_emitted: str
    last_emitted: str


class ArticleStore(Protocol):
    """What the emitted pipeline and the stored-URLs middleware ask of a store: the
    SQLite :class:`EmittedStore` of a crawl, or the Redis store a fleet shares
    (:class:`newscrawl.distributed.store.RedisEmittedStore`)."""

    def __len__(self) -> int:
        """How many articles it holds."""
        ...

    def get(self, url: str) -> Emitted | None:
        """The stored article for ``url`` (any URL of it: the key is normalised), or None."""
        ...

    def near_duplicate(self, body: str, url: str, threshold: float) -> str | None:
        """The id of the first stored article (another URL) whose body has an estimated
        similarity of at least ``threshold`` to ``body``; the original when that was a copy."""
        ...

    def record(self, item: Mapping[str, Any], emitted_at: str | None = None, *,
               commit: bool = True) -> None:
        """Record that ``item`` was written; ``commit=False`` may leave it to :meth:`commit`."""
        ...

    def commit(self) -> None:
        """Make the records so far durable."""
        ...

    def close(self) -> None:
        ...


def utc_now() -> str:
    """Now, ISO 8601 UTC to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class EmittedStore:
    """SQLite store of emitted articles and their MinHash band index."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._open_schema()

    def _open_schema(self) -> None:
        """Create the tables, or bring a first-layout file to this one, in one write
        transaction (a second crawl opening the same file waits, then finds it done)."""
        if self._layout() == SCHEMA_VERSION:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self._layout()
            tables = {row[0] for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            upgrade = version < SCHEMA_VERSION and "bands" in tables
            if upgrade:  # the first layout's table moves aside for the new one
                self.db.execute("ALTER TABLE articles RENAME TO articles_v1")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            if upgrade:
                self._copy_from_v1()
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    def _layout(self) -> int:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} has layout {version}, newer than this newscrawl's"
                f" ({SCHEMA_VERSION}): use a newer newscrawl or another NEWSCRAWL_STORE")
        return version

    def _copy_from_v1(self) -> None:
        """The first layout keyed the band index by the article's URL key, one (band,
        value, key) row per band; this one refers to the article's number, one bucket
        per band: half the file, and a recorded article's index work (insert, commit,
        near-duplicate query) at about a third of its cost. Every article keeps its row
        order (the near-duplicate tie-break)."""
        logger.info("upgrading the emitted-articles store %s to layout %d",
                    self.path, SCHEMA_VERSION)
        self.db.execute(f"INSERT INTO articles ({_ARTICLE_COLUMNS})"
                        f" SELECT {_ARTICLE_COLUMNS} FROM articles_v1 ORDER BY rowid")
        self.db.execute(
            f"INSERT OR IGNORE INTO lsh (bucket, article) SELECT"
            f" ((b.value >> {_BAND_BITS}) << {_BAND_BITS}) | b.band, a.n"
            " FROM bands b JOIN articles a ON a.key = b.key")
        self.db.execute("DROP TABLE bands")
        self.db.execute("DROP TABLE articles_v1")

    def close(self) -> None:
        self.db.close()

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def get(self, url: str) -> Emitted | None:
        """The stored article for ``url`` (any URL of it: the key is normalised), or None."""
        row = self.db.execute(
            "SELECT key, id, content_hash, version, duplicate_of, published, modified,"
            " first_emitted, last_emitted FROM articles WHERE key = ?", (url_key(url),)).fetchone()
        return Emitted(*row) if row else None

    def near_duplicate(self, body: str, url: str, threshold: float) -> str | None:
        """The id of the first stored article (another URL) whose body has an estimated
        similarity of at least ``threshold`` to ``body``; the original when that was a copy."""
        if not 0 < threshold <= 1 or not body:
            return None
        signature, key = minhash(body), url_key(url)
        rows = self.db.execute(
            "SELECT DISTINCT a.key, a.id, a.minhash, a.duplicate_of, a.first_emitted, a.n"
            " FROM lsh b JOIN articles a ON a.n = b.article"
            f" WHERE b.bucket IN ({_BUCKET_MARKS}) ORDER BY a.first_emitted, a.n",
            buckets(band_keys(signature))).fetchall()
        for other_key, other_id, other_signature, original, _, _ in rows:
            if other_key != key and similarity(signature, unpack(other_signature)) >= threshold:
                return original or other_id
        return None

    def commit(self) -> None:
        """Make the records so far durable (see ``record(commit=False)``)."""
        self.db.commit()

    def record(self, item: Mapping[str, Any], emitted_at: str | None = None, *,
               commit: bool = True) -> None:
        """Record that ``item`` was written (insert or update; versions only go up).

        ``commit=False`` leaves the record in the open transaction, for a caller that
        commits in batches (:meth:`commit`) and can replay what a kill loses."""
        key, body = url_key(item["canonical_url"]), item.get("body") or ""
        signature = minhash(body)
        when = emitted_at or utc_now()
        old = self.db.execute("SELECT n, minhash FROM articles WHERE key = ?", (key,)).fetchone()
        cursor = self.db.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET content_hash = excluded.content_hash,"
            " version = max(version, excluded.version), minhash = excluded.minhash,"
            " modified = excluded.modified, last_emitted = excluded.last_emitted"
            + (" RETURNING n" if _RETURNING else ""),
            (key, item["id"], item["canonical_url"], item.get("content_hash") or content_hash(body),
             int(item.get("version") or 1), pack(signature), item.get("duplicate_of"),
             item.get("published"), item.get("modified"), when, when))
        number = (cursor.fetchall() if _RETURNING else self.db.execute(  # all: the statement ends
            "SELECT n FROM articles WHERE key = ?", (key,)).fetchall())[0][0]
        if old is not None:  # an update: its old buckets go, found by the primary key
            self.db.executemany("DELETE FROM lsh WHERE bucket = ? AND article = ?",
                                [(bucket, old[0]) for bucket
                                 in buckets(band_keys(unpack(old[1])))])
        self.db.executemany("INSERT OR IGNORE INTO lsh (bucket, article) VALUES (?, ?)",
                            [(bucket, number) for bucket in buckets(band_keys(signature))])
        if commit:
            self.db.commit()
