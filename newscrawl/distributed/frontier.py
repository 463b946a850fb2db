"""The shared frontier in Redis: atomic push, leased pop, and taking back a dead worker's work.

Stock scrapy-redis pops a request destructively: a worker killed between the pop and
the end of its callback loses the request, and with it every link the page would have
led to. Here a pop *moves* the request (one Lua script, atomic) from the frontier into
the worker's lease hash; the lease is deleted only once the engine is done with the
request (response handled, items written, new requests pushed). A worker's heartbeat
key expires a few seconds after it stops; any other worker that finds an expired
heartbeat moves that worker's leases back to the frontier (:meth:`Frontier.reclaim`).

Dupefilter check and push are one script too: a fingerprint is never marked seen
without its request being in the frontier.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from newscrawl.distributed.keys import Keys, decoded

if TYPE_CHECKING:
    from redis import Redis

logger = logging.getLogger(__name__)

#: KEYS: dupefilter, frontier. ARGV: fingerprint ('' = don't filter), score, request.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

#: KEYS: frontier, leases, workers. ARGV: lease id, worker. The best request moves into
#: the lease hash; the worker is (again) registered, so its leases are always visible.
_POP = """
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
redis.call('SADD', KEYS[3], ARGV[2])
return r[1]
"""

#: KEYS: heartbeat, leases, frontier, workers, feeding, start_urls, pending, claims, outputs.
#: ARGV: worker, force ('1': even with a live heartbeat, for a worker closing itself).
#: Leases go back to the frontier, half-fed start points back to start_urls, claims of
#: items perhaps never written are dropped. Returns the number of requests re-queued,
#: or -1 when the worker is alive.
_RECLAIM = """
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
  local i = string.find(v, '|', 1, true)
  redis.call('ZADD', KEYS[3], string.sub(v, 1, i - 1), string.sub(v, i + 1))
  n = n + 1
end
for _, u in ipairs(redis.call('LRANGE', KEYS[5], 0, -1)) do
  redis.call('RPUSH', KEYS[6], u)
end
for _, c in ipairs(redis.call('SMEMBERS', KEYS[7])) do
  if redis.call('HGET', KEYS[8], c) == ARGV[1] then redis.call('HDEL', KEYS[8], c) end
end
redis.call('DEL', KEYS[2], KEYS[5], KEYS[7], KEYS[9])
redis.call('SREM', KEYS[4], ARGV[1])
return n
"""

#: KEYS: frontier, start_urls, workers. ARGV: prefix. Work anywhere in the fleet:
#: waiting requests + pushed start points + leases and half-fed start points of every
#: registered worker, alive or dead.
_OUTSTANDING = """
local n = redis.call('ZCARD', KEYS[1]) + redis.call('LLEN', KEYS[2])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  n = n + redis.call('HLEN', ARGV[1] .. ':leases:' .. w)
      + redis.call('LLEN', ARGV[1] .. ':feeding:' .. w)
end
return n
"""


class Frontier:
    """One worker's view of the shared frontier: its id, its leases, its heartbeat."""

    def __init__(self, server: Redis, keys: Keys, worker: str) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._reclaim = server.register_script(_RECLAIM)
        self._outstanding = server.register_script(_OUTSTANDING)

    def push(self, data: bytes, score: float, fingerprint: str | None) -> bool:
        """Add a serialised request unless ``fingerprint`` was seen; True when added."""
        return bool(self._push(keys=[self.keys.dupefilter, self.keys.frontier],
                               args=[fingerprint or "", score, data]))

    def pop(self, lease_id: str) -> bytes | None:
        """Take the best waiting request, leased to this worker under ``lease_id``."""
        return self._pop(keys=[self.keys.frontier, self.keys.leases(self.worker),
                               self.keys.workers], args=[lease_id, self.worker])

    def release(self, *lease_ids: str) -> None:
        """The engine is done with these requests: forget their leases."""
        if lease_ids:
            self.server.hdel(self.keys.leases(self.worker), *lease_ids)

    def beat(self, ttl: float) -> None:
        """Say this worker is alive for ``ttl`` more seconds."""
        pipe = self.server.pipeline()
        pipe.set(self.keys.heartbeat(self.worker), 1, px=int(ttl * 1000))
        pipe.sadd(self.keys.workers, self.worker)
        pipe.execute()

    def reclaim(self, worker: str, force: bool = False) -> int:
        """Put a dead worker's leases back; -1 (nothing done) while it is alive."""
        k = self.keys
        return int(self._reclaim(
            keys=[k.heartbeat(worker), k.leases(worker), k.frontier, k.workers,
                  k.feeding(worker), k.start_urls, k.pending(worker), k.claims,
                  k.outputs(worker)],
            args=[worker, "1" if force else "0"]))

    def dead_workers(self) -> list[str]:
        """Registered workers whose heartbeat expired."""
        others = sorted(decoded(w) for w in self.server.smembers(self.keys.workers))
        return [w for w in others  # one call per worker: a fleet is tens of workers
                if w != self.worker and not self.server.exists(self.keys.heartbeat(w))]

    def reclaim_dead(self) -> int:
        """Reclaim the leases of every registered worker whose heartbeat expired."""
        return sum(max(self.reclaim(worker), 0) for worker in self.dead_workers())

    def leave(self) -> int:
        """This worker stops: its unfinished leases go back, its heartbeat goes away."""
        requeued = self.reclaim(self.worker, force=True)
        self.server.delete(self.keys.heartbeat(self.worker))
        return requeued

    def waiting(self) -> int:
        """Requests waiting in the frontier."""
        return int(self.server.zcard(self.keys.frontier))

    def outstanding(self) -> int:
        """Work left anywhere in the fleet (waiting, pushed, or leased to any worker)."""
        return int(self._outstanding(
            keys=[self.keys.frontier, self.keys.start_urls, self.keys.workers],
            args=[self.keys.prefix]))


class Heartbeat(threading.Thread):
    """Renews a worker's heartbeat every ``ttl / 3`` seconds until :meth:`stop`.

    A thread, not a reactor timer: a reactor busy with a burst of responses may not get
    to a timer for seconds, and a live worker must never look dead to the others.
    """

    def __init__(self, frontier: Frontier, ttl: float) -> None:
        super().__init__(name="newscrawl-heartbeat", daemon=True)
        self.frontier = frontier
        self.ttl = ttl
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.ttl / 3):
            try:
                self.frontier.beat(self.ttl)
            except Exception as exc:  # noqa: BLE001 - keep beating through Redis outages
                logger.warning("heartbeat failed, retrying: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
        self.join()
