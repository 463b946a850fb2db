"""The emitted-articles store in Redis, shared by a fleet; and the claim that makes
each article's emission exactly once.

:class:`RedisEmittedStore` is an :class:`~newscrawl.output.store.ArticleStore`, like the
SQLite store, and :class:`FleetArticles` (the fleet's
:class:`~newscrawl.output.emitted.EmittedArticles`, put in ``EXTENSIONS`` by the add-on
when ``NEWSCRAWL_REDIS_URL`` is set) owns it for the crawl. One hash maps each article's
:func:`~newscrawl.discovery.urls.url_key` to a JSON record; MinHash bands are sets.

A request handed back from a dead worker may be processed twice, and two URLs of one
article may be processed by two workers at once; both would pass the store's "not yet
emitted" check. So :class:`ClaimPipeline` (right after the emitted pipeline, right
before the feed) *claims* ``url_key|version`` (``HSETNX``, atomic with the check that
no such version is recorded): only the claimant writes the item; the others drop it
(``already-emitted``). ``record`` (after the line is in the file) turns the claim into
the record. A worker that dies between a line and its record leaves a claim in doubt:
whoever reclaims its leases first records the claims whose lines are in its files
(:meth:`RedisEmittedStore.settle`, :mod:`newscrawl.distributed.outputs`, same host), and
the rest are deleted with the leases, so its requests, processed again, write them. Only
when the files are on another host can a kill in that window write an article twice —
never zero times.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawl.discovery.urls import url_key
from newscrawl.distributed._imports import get_redis_from_settings
from newscrawl.distributed.keys import Keys, decoded
from newscrawl.output.emitted import EmittedArticles
from newscrawl.output.fingerprint import band_keys, content_hash, minhash, pack, similarity, unpack
from newscrawl.output.pipelines import _StatsPipeline
from newscrawl.output.store import Emitted, utc_now

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.crawler import Crawler

#: KEYS: emitted, claims, pending. ARGV: url key, version, worker. 1 = claimed.
_CLAIM = """
local rec = redis.call('HGET', KEYS[1], ARGV[1])
if rec and tonumber(cjson.decode(rec).version) >= tonumber(ARGV[2]) then return 0 end
local claim = ARGV[1] .. '|' .. ARGV[2]
if redis.call('HSETNX', KEYS[2], claim, ARGV[3]) == 0 then return 0 end
redis.call('SADD', KEYS[3], claim)
return 1
"""

#: KEYS: emitted, claims, pending (of the writer). ARGV: url key, JSON record, band key
#: prefix, version, writer. Insert or update (versions only go up; first-seen fields
#: kept), move the band index, and turn the writer's claim of this version into the record.
_RECORD = """
local new = cjson.decode(ARGV[2])
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  old = cjson.decode(old)
  for i, value in ipairs(old.bands) do
    redis.call('SREM', ARGV[3] .. (i - 1) .. ':' .. value, ARGV[1])
  end
  for _, f in ipairs({'id', 'canonical_url', 'duplicate_of', 'published', 'first_emitted'}) do
    new[f] = old[f]
  end
  if tonumber(old.version) > tonumber(new.version) then new.version = old.version end
end
for i, value in ipairs(new.bands) do
  redis.call('SADD', ARGV[3] .. (i - 1) .. ':' .. value, ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(new))
local claim = ARGV[1] .. '|' .. ARGV[4]
if redis.call('HGET', KEYS[2], claim) == ARGV[5] then redis.call('HDEL', KEYS[2], claim) end
redis.call('SREM', KEYS[3], claim)
return 1
"""


class RedisEmittedStore:
    """The emitted-articles store of a fleet, in Redis (see the module docstring)."""

    def __init__(self, server: Redis, keys: Keys, worker: str) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self._claim = server.register_script(_CLAIM)
        self._record = server.register_script(_RECORD)
        self._prepared: dict[tuple[str, int], str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisEmittedStore:
        settings = crawler.settings
        return cls(get_redis_from_settings(settings), Keys(settings["NEWSCRAWL_REDIS_PREFIX"]),
                   settings["NEWSCRAWL_REDIS_WORKER_ID"])

    def close(self) -> None:
        """Nothing to close: the connection pool goes with the process."""

    def commit(self) -> None:
        """Nothing to commit: every record is one atomic Redis call, made at once."""

    def __len__(self) -> int:
        return int(self.server.hlen(self.keys.emitted))

    def get(self, url: str) -> Emitted | None:
        """The stored article for ``url`` (any URL of it: the key is normalised), or None."""
        key = url_key(url)
        raw = self.server.hget(self.keys.emitted, key)
        return _emitted(key, json.loads(raw)) if raw else None

    def near_duplicate(self, body: str, url: str, threshold: float) -> str | None:
        """The id of the first stored article (another URL) whose body has an estimated
        similarity of at least ``threshold`` to ``body``; the original when that was a copy."""
        if not 0 < threshold <= 1 or not body:
            return None
        signature, key = minhash(body), url_key(url)
        pipe = self.server.pipeline(transaction=False)
        for band, value in enumerate(band_keys(signature)):
            pipe.smembers(self.keys.band(band, value))
        candidates = sorted({k.decode() for members in pipe.execute() for k in members} - {key})
        if not candidates:
            return None
        records = [json.loads(raw) for raw in self.server.hmget(self.keys.emitted, candidates)
                   if raw]
        for record in sorted(records, key=lambda r: (r["first_emitted"], r["canonical_url"])):
            if similarity(signature, unpack(bytes.fromhex(record["minhash"]))) >= threshold:
                return record.get("duplicate_of") or record["id"]
        return None

    def record(self, item: Mapping[str, Any], emitted_at: str | None = None, *,
               commit: bool = True, writer: str | None = None) -> None:
        """Record that ``item`` was written (insert or update; versions only go up) and
        release the writer's (this worker's) claim on it. Called right after the line is
        written: the record was prepared at claim time, so that this is one Redis call.
        It is durable at once, ``commit`` or not."""
        key, version = url_key(item["canonical_url"]), int(item.get("version") or 1)
        prepared = self._prepared.pop((key, version), None)
        record = prepared if prepared is not None and emitted_at is None else \
            self.prepare(item, emitted_at)
        writer = writer or self.worker
        self._record(keys=[self.keys.emitted, self.keys.claims, self.keys.pending(writer)],
                     args=[key, record, f"{self.keys.prefix}:band:", version, writer])

    def settle(self, dead: str, written: list[dict[str, Any]]) -> int:
        """Record the claims of a dead worker whose lines are in its files (``written``):
        those articles were written, and must not be written again. How many."""
        pending = {decoded(c) for c in self.server.smembers(self.keys.pending(dead))}
        settled = 0
        for item in written:
            claim = f"{url_key(item['canonical_url'])}|{int(item.get('version') or 1)}"
            if claim in pending:
                self.record(item, writer=dead)
                settled += 1
        return settled

    def prepare(self, item: Mapping[str, Any], emitted_at: str | None = None) -> str:
        """The JSON record of ``item`` (its MinHash costs milliseconds: done before)."""
        body = item.get("body") or ""
        signature = minhash(body)
        when = emitted_at or utc_now()
        record = {
            "id": item["id"], "canonical_url": item["canonical_url"],
            "content_hash": item.get("content_hash") or content_hash(body),
            "minhash": pack(signature).hex(),
            "bands": [str(v) for v in band_keys(signature)],
            "duplicate_of": item.get("duplicate_of"), "published": item.get("published"),
            "modified": item.get("modified"), "first_emitted": when, "last_emitted": when,
            "version": int(item.get("version") or 1),
        }
        return json.dumps(record)

    def claim(self, item: Mapping[str, Any]) -> bool:
        """Take the right to write this version of the item's article: False when that
        version (or a later one) is recorded or another writer holds it. The record is
        prepared now, to be written in one call once the line is in the file."""
        key, version = url_key(item["canonical_url"]), int(item.get("version") or 1)
        claimed = bool(self._claim(
            keys=[self.keys.emitted, self.keys.claims, self.keys.pending(self.worker)],
            args=[key, version, self.worker]))
        if claimed:
            self._prepared[(key, version)] = self.prepare(item)
        return claimed


def _emitted(key: str, record: dict[str, Any]) -> Emitted:
    return Emitted(key, record["id"], record["content_hash"], record["version"],
                   record.get("duplicate_of"), record.get("published"), record.get("modified"),
                   record["first_emitted"], record["last_emitted"])


class FleetArticles(EmittedArticles):
    """The emitted-articles extension of a fleet worker: the store is the fleet's, in Redis."""

    counts_without_file = True

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        #: The store (no connection is made before its first call).
        self.fleet = RedisEmittedStore.from_crawler(crawler)

    def open_store(self) -> RedisEmittedStore:
        return self.fleet


class ClaimPipeline(_StatsPipeline):
    """The last pipeline of a distributed crawl: only the claimant of an article writes it."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.store = FleetArticles.of(crawler).fleet

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        if not self.store.claim(dict(adapter)):
            raise self.drop("already-emitted", adapter, "written by another worker")
        return item
