"""The one place the optional Redis dependencies are imported.

``redis`` (the client) and ``scrapy-redis`` (scheduler, queue, dupefilter) are the
``redis`` extra: ``pip install newscrawl[redis]``. Nothing imports them unless
``NEWSCRAWL_REDIS_URL`` is set, so a plain crawl never needs them.
"""

from __future__ import annotations

MISSING = ("NEWSCRAWL_REDIS_URL is set but the Redis client is not installed: "
           "pip install 'newscrawl[redis]' (redis and scrapy-redis)")

try:
    import redis
    from scrapy_redis.connection import get_redis_from_settings
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue
    from scrapy_redis.scheduler import Scheduler
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(MISSING) from exc

__all__ = ["PriorityQueue", "RFPDupeFilter", "Scheduler", "get_redis_from_settings", "redis"]
