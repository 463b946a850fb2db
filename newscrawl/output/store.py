"""The emitted-articles store: what earlier crawls wrote, so that a re-run writes only news.

One SQLite file (``NEWSCRAWL_STORE``, default ``.newscrawl/emitted.sqlite3`` under the
current directory) keyed by :func:`newscrawl.discovery.urls.url_key` of the canonical
URL, with the body's hash, the version written, the page's dates and when it was
written. A second table is the banded MinHash (LSH) index for near-duplicates: its size
grows with the store, on disk, not in memory. WAL mode and one commit per recorded
item — or per batch, when every line of the batch can be replayed after a kill (atomic
feeds: a killed crawl's ``.part`` file is recorded when the next crawl opens): a crawl
killed at any moment leaves a consistent file behind.

With ``NEWSCRAWL_STORE`` empty the same store lives in memory for one crawl only.

>>> store = EmittedStore(":memory:")
>>> store.record({"id": "c4ed1c218d14a0f1", "canonical_url": "https://ex.com/a",
...               "body": "text", "version": 1}, emitted_at="2024-05-03T10:00:00+00:00")
>>> store.get("https://ex.com/a").version
1
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl.discovery.urls import url_key
from newscrawl.output.fingerprint import band_keys, content_hash, minhash, pack, similarity, unpack

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,
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
CREATE TABLE IF NOT EXISTS bands (
    band INTEGER NOT NULL,
    value INTEGER NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (band, value, key)
) WITHOUT ROWID;
"""


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
        self.db.executescript(_SCHEMA)

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
        bands = band_keys(signature)
        clause = " OR ".join("(b.band = ? AND b.value = ?)" for _ in bands)
        params = [v for band, value in enumerate(bands) for v in (band, value)]
        rows = self.db.execute(
            "SELECT DISTINCT a.key, a.id, a.minhash, a.duplicate_of, a.first_emitted, a.rowid"
            f" FROM bands b JOIN articles a ON a.key = b.key WHERE ({clause})"
            " ORDER BY a.first_emitted, a.rowid", params).fetchall()
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
        old = self.db.execute("SELECT minhash FROM articles WHERE key = ?", (key,)).fetchone()
        self.db.execute(
            "INSERT INTO articles (key, id, canonical_url, content_hash, version, minhash,"
            " duplicate_of, published, modified, first_emitted, last_emitted)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET content_hash = excluded.content_hash,"
            " version = max(version, excluded.version), minhash = excluded.minhash,"
            " modified = excluded.modified, last_emitted = excluded.last_emitted",
            (key, item["id"], item["canonical_url"], item.get("content_hash") or content_hash(body),
             int(item.get("version") or 1), pack(signature), item.get("duplicate_of"),
             item.get("published"), item.get("modified"), when, when))
        if old is not None:  # an update: its old bands go, found by the primary key
            self.db.executemany("DELETE FROM bands WHERE band = ? AND value = ? AND key = ?",
                                [(band, value, key) for band, value
                                 in enumerate(band_keys(unpack(old[0])))])
        self.db.executemany("INSERT OR IGNORE INTO bands (band, value, key) VALUES (?, ?, ?)",
                            [(band, value, key) for band, value
                             in enumerate(band_keys(signature))])
        if commit:
            self.db.commit()
