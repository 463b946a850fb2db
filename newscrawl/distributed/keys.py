"""The Redis keys a fleet shares, all under one prefix (``NEWSCRAWL_REDIS_PREFIX``).

Two fleets (or a test and a crawl) can share one Redis database with different
prefixes. ``start_urls`` is the list to push new start points to while workers run.

>>> Keys("newscrawl").start_urls
'newscrawl:start_urls'
>>> Keys("newscrawl").leases("w1")
'newscrawl:leases:w1'
"""

from __future__ import annotations

from dataclasses import dataclass


def decoded(value: bytes | str) -> str:
    """A name or member read back from Redis (the fleet's client answers bytes) as text.

    >>> decoded(b"w1"), decoded("w1")
    ('w1', 'w1')
    """
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Keys:
    """Key names under ``prefix``; per-worker keys are methods taking the worker id."""

    prefix: str

    @property
    def frontier(self) -> str:
        """Sorted set of serialised requests waiting to be fetched (score: -priority)."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """Set of request fingerprints ever scheduled in this batch."""
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        """Set of worker ids that may hold leases."""
        return f"{self.prefix}:workers"

    @property
    def start_urls(self) -> str:
        """List of start points pushed while workers run (a URL or a JSON site table)."""
        return f"{self.prefix}:start_urls"

    @property
    def sites(self) -> str:
        """Hash: site name -> JSON site table, so every worker knows every site."""
        return f"{self.prefix}:sites"

    @property
    def seeded(self) -> str:
        """Set (NX) by the worker that pushed the ``-a`` start points of this batch."""
        return f"{self.prefix}:seeded"

    @property
    def emitted(self) -> str:
        """Hash: url_key -> JSON record of the article written (the emitted store)."""
        return f"{self.prefix}:emitted"

    @property
    def claims(self) -> str:
        """Hash: ``url_key|version`` -> worker writing that version right now."""
        return f"{self.prefix}:claims"

    def band(self, band: int, value: int) -> str:
        """Set of url_keys whose SimHash has ``value`` in ``band`` (near duplicates)."""
        return f"{self.prefix}:band:{band}:{value}"

    def leases(self, worker: str) -> str:
        """Hash: lease id -> ``score|request`` taken by ``worker`` and not yet done."""
        return f"{self.prefix}:leases:{worker}"

    def heartbeat(self, worker: str) -> str:
        """Expiring key: exists while ``worker`` is alive."""
        return f"{self.prefix}:heartbeat:{worker}"

    def feeding(self, worker: str) -> str:
        """List of start points ``worker`` took from ``start_urls`` and is scheduling."""
        return f"{self.prefix}:feeding:{worker}"

    def outputs(self, worker: str) -> str:
        """Set of ``host|/path`` feed files ``worker`` writes (read when it dies)."""
        return f"{self.prefix}:outputs:{worker}"

    def pending(self, worker: str) -> str:
        """Set of claims (``url_key|version``) ``worker`` holds but has not recorded."""
        return f"{self.prefix}:pending:{worker}"
