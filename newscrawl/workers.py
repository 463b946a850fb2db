"""Page work off the crawl's own core: worker processes for extraction and cleaning.

Scrapy runs every callback and item pipeline on one thread, so a crawl uses one
core however many the machine has. Downloading costs little CPU; reading a page
(parse, extraction, article detection) and cleaning its blocks cost most of it.
:class:`PagePool` runs those pure functions in ``NEWSCRAWL_PAGE_WORKERS`` worker
processes while the reactor goes on downloading, and hands the results back to the
spider callback or pipeline that awaits them; the callbacks stay the same code with
an ``await`` in front of the page work.

- ``NEWSCRAWL_PAGE_WORKERS = "auto"`` (default): one worker per core beyond the
  crawl's own, at most :data:`MAX_AUTO_WORKERS`; none on a one-core machine.
  ``0``: everything in the crawl process (and the spider shares Scrapy's parse of
  the page with extraction).
- Workers are ``python -m newscrawl.pageworker`` processes (:mod:`newscrawl.pageworker`,
  the worker side, imports no Scrapy), started when the spider starts (:meth:`PagePool.start`,
  else with the first page) and stopped when the spider closes (or when the crawl
  process dies: a worker ends when its stdin closes); their peak memory goes to the stats as
  ``newscrawl/workers/max_rss``. Calls and results travel as length-prefixed pickles
  over the worker's stdin and stdout, read and written by the crawl's event loop:
  no threads in the crawl process, and, unlike :mod:`multiprocessing`'s ``spawn``,
  no re-import of the script that started the crawl.
- Cleaning of one site always goes to the same worker, so the per-site repetition
  counts (:class:`newscrawl.cleaning.RepetitionTracker`) see all of its pages.
- A worker that dies (a crash in a C library, the kernel's OOM killer) is replaced;
  the calls it held are tried once more on the new worker, and a call that kills a
  worker twice raises :class:`WorkerCrashed` (the spider counts the page as skipped,
  ``worker-crashed``). The crawl goes on.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from scrapy import signals

# The worker side, named here too for the crawl's callers (``pool.call(read_page_in_worker,
# …)`` pickles the function as ``newscrawl.pageworker.read_page_in_worker``).
from newscrawl.pageworker import (
    CLEANER_SETTINGS,
    HEADER,
    clean_in_worker,
    clean_many_in_worker,
    crawl_cleaner,
    max_rss,
    read_page_in_worker,
    start_worker,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["CLEANER_SETTINGS", "MAX_AUTO_WORKERS", "PagePool", "PageWorkers", "WorkerCrashed",
           "clean_in_worker", "clean_many_in_worker", "cleaner_settings", "crawl_cleaner", "read_page_in_worker",
           "worker_count"]

#: Workers ``auto`` starts at most: past a few, the crawl process itself is the limit.
MAX_AUTO_WORKERS = 4


class WorkerCrashed(RuntimeError):
    """A call that a worker process died on, twice."""


def worker_count(value: Any, cores: int | None = None) -> int:
    """``NEWSCRAWL_PAGE_WORKERS`` as a number of processes (``auto``: spare cores).

    >>> worker_count("auto", cores=2), worker_count("auto", cores=1), worker_count("3")
    (1, 0, 3)
    """
    if value is None or str(value).strip().lower() in ("", "auto"):
        if cores is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
                os.cpu_count() or 1)
        return max(0, min(cores - 1, MAX_AUTO_WORKERS))
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"NEWSCRAWL_PAGE_WORKERS: expected auto or a number, got {value!r}") from None
    if count < 0:
        raise ValueError(f"NEWSCRAWL_PAGE_WORKERS: expected auto or a number >= 0, got {count}")
    return count


def cleaner_settings(settings: BaseSettings) -> dict[str, Any]:
    """The settings a cleaner is built from, as plain values a worker can receive."""
    return {"NEWSCRAWL_RULE_FILES": settings.getlist("NEWSCRAWL_RULE_FILES"),
            **{name: settings.getint(name) for name in CLEANER_SETTINGS[1:]}}


#: Bytes a pipe to or from a worker holds (Linux's default is 64 KiB, ten pages' results).
PIPE_BYTES = 1 << 20


def _widen_pipe(pipe: Any) -> None:
    """Let the pipe hold :data:`PIPE_BYTES`, where the system allows (Linux): with the
    default 64 KiB a worker blocks writing results whenever the crawl process is busy
    elsewhere for a moment, and sits idle though calls are waiting for it."""
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)  # None too without fcntl (Windows)
    if setpipe is None or pipe is None:
        return
    try:
        fcntl.fcntl(pipe.fileno(), setpipe, PIPE_BYTES)
    except OSError:  # above /proc/sys/fs/pipe-max-size, or not a pipe: keep the default
        pass


class _WorkerDied(Exception):
    pass


class _Worker:
    """One worker process and the calls it has not answered yet."""

    def __init__(self, cleaner_values: dict[str, Any]) -> None:
        package_root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
        self.process = subprocess.Popen([sys.executable, "-m", "newscrawl.pageworker"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        _widen_pipe(self.process.stdin)
        _widen_pipe(self.process.stdout)
        self.pending: dict[int, asyncio.Future] = {}
        self.ids = itertools.count(1)
        self.alive = True
        self.started = asyncio.ensure_future(self._connect(cleaner_values))

    async def _connect(self, cleaner_values: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        self.reader = asyncio.StreamReader(limit=2**31, loop=loop)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(self.reader),
                                     self.process.stdout)
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                            self.process.stdin)
        self.writer = asyncio.StreamWriter(transport, protocol, None, loop)
        self.listener = asyncio.ensure_future(self._listen())
        ready = loop.create_future()
        self._send(0, start_worker, (cleaner_values,), ready)
        await ready

    def _send(self, call_id: int, fn: Callable, args: tuple, future: asyncio.Future) -> None:
        data = pickle.dumps((call_id, fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        self.pending[call_id] = future
        self.writer.write(HEADER.pack(len(data)) + data)

    async def call(self, fn: Callable[..., T], args: tuple) -> T:
        await self.started
        if not self.alive:
            raise _WorkerDied
        future = asyncio.get_running_loop().create_future()
        self._send(next(self.ids), fn, args, future)
        try:
            await self.writer.drain()  # backpressure: a busy worker slows the callers down
        except ConnectionError:
            pass  # the listener fails the pending calls
        return await future

    async def _listen(self) -> None:
        try:
            while True:
                size = HEADER.unpack(await self.reader.readexactly(HEADER.size))[0]
                call_id, ok, value = pickle.loads(await self.reader.readexactly(size))
                future = self.pending.pop(call_id)
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception:  # pragma: no cover - a garbled stream: treat as dead
            logger.exception("page worker %d sent an unreadable reply", self.process.pid)
        self.alive = False
        for future in self.pending.values():
            if not future.done():
                future.set_exception(_WorkerDied())
        self.pending.clear()

    async def close(self) -> int:
        """End the process after its pending calls; its peak RSS (0 when unknown)."""
        peak = 0
        try:
            await self.started
            if self.alive:
                peak = await self.call(max_rss, ())
            self.writer.close()
        except Exception:  # a dead or broken worker: no figure
            pass
        await asyncio.get_running_loop().run_in_executor(None, self._reap)
        return peak

    def _reap(self) -> None:
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()


class PagePool:
    """Worker processes for page work. With no workers, :meth:`call` runs in the caller."""

    def __init__(self, workers: int, cleaner_values: dict[str, Any],
                 stats: Any = None) -> None:
        self.workers = workers
        self.cleaner_values = cleaner_values
        self.stats = stats
        self._workers: list[_Worker | None] = [None] * workers
        self._turn = itertools.cycle(range(workers)) if workers else None

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> PagePool:
        """The crawl's pool: its :class:`PageWorkers` extension's."""
        workers = crawler.get_extension(PageWorkers)
        if workers is None:
            raise RuntimeError("newscrawl.workers.PageWorkers is not in EXTENSIONS: "
                               "the spiders and the cleaning pipeline need it")
        return workers.pool

    def start(self) -> None:
        """Start every worker process now, not with the first call.

        The crawl's first pages (front page, sections) are read in a worker: a worker
        started while Scrapy is still fetching them is ready sooner. Needs a running
        event loop (call it from ``async def start()`` or later)."""
        for index in range(self.workers):
            self._worker(index)

    @property
    def inline(self) -> bool:
        """True when page work runs in the crawl process itself."""
        return self.workers == 0

    def lane(self, route: str | None = None) -> int:
        """The worker a call goes to: the one ``route`` maps to, else the next in turn."""
        if route is not None:
            return zlib.crc32(route.encode("utf-8")) % self.workers
        return next(self._turn)  # type: ignore[arg-type]

    async def call(self, fn: Callable[..., T], *args: Any, route: str | None = None,
                   lane: int | None = None) -> T:
        """``fn(*args)`` in a worker (``lane``, else the one ``route`` maps to, else the
        next in turn).

        ``fn`` must be a module-level function and its arguments and result must
        pickle. An exception ``fn`` raises is raised here.
        """
        if self.inline:
            return fn(*args)
        index = lane if lane is not None else self.lane(route)
        for _attempt in (1, 2):
            worker = self._worker(index)
            try:
                return await worker.call(fn, args)
            except _WorkerDied:
                self._replace(index, worker)
        raise WorkerCrashed(f"a page worker died twice running {fn.__name__}")

    def _worker(self, index: int) -> _Worker:
        worker = self._workers[index]
        if worker is None:
            worker = self._workers[index] = _Worker(self.cleaner_values)
        return worker

    def _replace(self, index: int, dead: _Worker) -> None:
        if self._workers[index] is dead:  # the first caller to notice replaces it
            logger.error("page worker %d (pid %d) died; starting a new one", index,
                         dead.process.pid)
            if self.stats is not None:
                self.stats.inc_value("newscrawl/workers/crashed")
            dead.kill()
            self._workers[index] = None

    async def close(self) -> None:
        """Stop the workers (after their pending calls), recording their peak memory."""
        workers = [w for w in self._workers if w is not None]
        self._workers = [None] * self.workers
        peak = max(await asyncio.gather(*(w.close() for w in workers)), default=0)
        if peak and self.stats is not None:
            self.stats.max_value("newscrawl/workers/max_rss", peak)


class PageWorkers:
    """The extension that owns the crawl's :class:`PagePool` (``PagePool.for_crawler``):
    made with its first use (a bad ``NEWSCRAWL_PAGE_WORKERS`` stops the crawl there) and
    closed when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._pool: PagePool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageWorkers:
        workers = cls(crawler)
        crawler.signals.connect(workers.spider_closed, signal=signals.spider_closed)
        return workers

    @property
    def pool(self) -> PagePool:
        if self._pool is None:
            settings = self.crawler.settings
            self._pool = PagePool(worker_count(settings.get("NEWSCRAWL_PAGE_WORKERS")),
                                  cleaner_settings(settings), self.crawler.stats)
        return self._pool

    async def spider_closed(self, spider: Any, reason: str) -> None:
        if self._pool is not None:
            await self._pool.close()
