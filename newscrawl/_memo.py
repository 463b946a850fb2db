"""One bounded memo for the hand-written caches of extraction and cleaning.

A crawl runs for days and meets millions of distinct class strings, hint strings and
tokens: every memo that outlives a page must be bounded. :class:`BoundedMemo` is a plain
``dict`` (reads are ``memo.get(key)``, the C method, as fast as before) whose :meth:`put`
empties it when it is full, then stores. Emptying the whole memo, rather than evicting
the least recently used entry, costs nothing per read; the working set of a site comes
back within a page or two. (``functools.lru_cache`` stays where a function is memoised
whole: it is LRU, and its wrapper is not worth it on the hot paths that use this.)

>>> memo = BoundedMemo(2)
>>> memo.put("a", 1), memo.put("b", 2)
(1, 2)
>>> memo.put("c", 3)  # full: emptied first
3
>>> dict(memo)
{'c': 3}
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(dict[K, V]):
    """A memo of at most ``maxsize`` entries, emptied when a new key finds it full."""

    __slots__ = ("maxsize",)

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be >= 1, not {maxsize}")
        super().__init__()
        self.maxsize = maxsize

    def put(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (emptying the memo first when it is full and the key
        is new) and return it: ``found = memo.put(key, compute(key))``."""
        if len(self) >= self.maxsize and key not in self:
            self.clear()
        self[key] = value
        return value

    def __repr__(self) -> str:
        return f"BoundedMemo(maxsize={self.maxsize}, {len(self)} entries)"
