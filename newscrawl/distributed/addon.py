"""The add-on that turns a crawl into a fleet worker when ``NEWSCRAWL_REDIS_URL`` is set.

Registered in ``ADDONS`` (settings.py) and inert without the setting: nothing then
imports Redis. With it, at add-on priority (a command-line ``-s`` still wins):

- ``SCHEDULER``/``DUPEFILTER_CLASS``: scrapy-redis's scheduler and dupefilter, with the
  leasing queue of :mod:`newscrawl.distributed.scheduler`, on keys under
  ``NEWSCRAWL_REDIS_PREFIX``;
- the emitted-articles store moves to Redis (:mod:`newscrawl.distributed.store`):
  :class:`~newscrawl.distributed.store.FleetArticles` takes the place of the extension
  :class:`~newscrawl.output.emitted.EmittedArticles`, and
  :class:`~newscrawl.distributed.store.ClaimPipeline` runs last;
- :class:`~newscrawl.distributed.seeding.SeedOnce` pushes the ``-a`` start points once
  per batch, :class:`~newscrawl.distributed.coordinator.Coordinator` heart-beats, reaps,
  feeds pushed start points and ends the batch;
- every worker writes its own files: a ``FEEDS`` path without ``%(run_id)s`` gets
  ``-%(newscrawl_worker)s`` before its extension (``-O out.jsonl`` →
  ``out-<worker>.jsonl``).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
from importlib import import_module
from typing import TYPE_CHECKING

from newscrawl.distributed.keys import Keys

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

PACKAGE = "newscrawl.distributed"
#: The extension that owns a one-machine crawl's store, replaced by the fleet's.
LOCAL_STORE = "newscrawl.output.emitted.EmittedArticles"
#: The place of the fleet's in ``EXTENSIONS`` (the one's in settings.py).
STORE_ORDER = 505
#: A feed path containing one of these is already unique per process.
_UNIQUE = ("%(run_id)s", "%(newscrawl_worker)s")


def new_worker_id() -> str:
    """``host-pid-random``: unique even when a pid is reused after a crash.

    >>> new_worker_id().count("-") >= 2
    True
    """
    host = re.sub(r"[^A-Za-z0-9_.]+", "_", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(3)}"


def worker_feed_uri(uri: str) -> str:
    """A feed URI made unique per worker, unless it is already.

    >>> worker_feed_uri("out/articles.jsonl")
    'out/articles-%(newscrawl_worker)s.jsonl'
    >>> worker_feed_uri("file:///tmp/a-%(run_id)s.jsonl")
    'file:///tmp/a-%(run_id)s.jsonl'
    """
    if any(marker in uri for marker in _UNIQUE) or uri in ("-", "stdout:"):
        return uri
    head, slash, name = uri.rpartition("/")
    stem, dot, ext = name.partition(".")
    return f"{head}{slash}{stem}-%(newscrawl_worker)s{dot}{ext}"


class RedisAddon:
    """Switch scheduler, dupefilter, store and feeds to the fleet's (see module docstring)."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSCRAWL_REDIS_URL")
        if not url:
            return
        import_module(f"{PACKAGE}._imports")  # a clear error when the extra is missing
        keys = Keys(settings.get("NEWSCRAWL_REDIS_PREFIX"))
        worker = settings.get("NEWSCRAWL_REDIS_WORKER_ID") or new_worker_id()
        settings.set("NEWSCRAWL_REDIS_WORKER_ID", worker,
                     priority=settings.getpriority("NEWSCRAWL_REDIS_WORKER_ID") or "addon")
        for name, value in {
            "REDIS_URL": url,
            "SCHEDULER": f"{PACKAGE}.scheduler.LeasedScheduler",
            "SCHEDULER_QUEUE_CLASS": f"{PACKAGE}.scheduler.LeasedQueue",
            "SCHEDULER_QUEUE_KEY": keys.frontier,
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "SCHEDULER_PERSIST": True,
        }.items():
            settings.set(name, value, priority="addon")
        settings["ITEM_PIPELINES"][f"{PACKAGE}.store.ClaimPipeline"] = 450
        settings["EXTENSIONS"][LOCAL_STORE] = None
        settings["EXTENSIONS"][f"{PACKAGE}.store.FleetArticles"] = STORE_ORDER
        settings["SPIDER_MIDDLEWARES"][f"{PACKAGE}.seeding.SeedOnce"] = 5
        settings["EXTENSIONS"][f"{PACKAGE}.coordinator.Coordinator"] = 520
        feeds = {worker_feed_uri(str(uri)): options
                 for uri, options in settings.getdict("FEEDS").items()}
        settings.set("FEEDS", feeds, priority=settings.getpriority("FEEDS") or "addon")
        logger.info("distributed crawl on %s as worker %s", _redacted(url), worker)


def _redacted(url: str) -> str:
    """The Redis URL without its password, for the log."""
    return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)
