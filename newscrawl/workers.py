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
- Workers are ``python -m newscrawl.workers`` processes, started with the first page
  and stopped when the spider closes (or when the crawl process dies: a worker ends
  when its stdin closes); their peak memory goes to the stats as
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
import re
import signal
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar
from weakref import WeakKeyDictionary

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from scrapy import signals

from newscrawl.api import PageRead, read_page
from newscrawl.cleaning import Cleaner, RepetitionTracker, load_rules
from newscrawl.output.assemble import clean_fields
from newscrawl.output.fingerprint import compute_band_keys, compute_minhash

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from newscrawl.extraction.profiles import Profile

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Workers ``auto`` starts at most: past a few, the crawl process itself is the limit.
MAX_AUTO_WORKERS = 4
#: Settings a worker needs to build the crawl's cleaner.
CLEANER_SETTINGS = ("NEWSCRAWL_RULE_FILES", "NEWSCRAWL_REPEAT_MAX_SITES",
                    "NEWSCRAWL_REPEAT_MAX_ENTRIES", "NEWSCRAWL_REPEAT_THRESHOLD")

_POOLS: WeakKeyDictionary[Crawler, PagePool] = WeakKeyDictionary()


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


def crawl_cleaner(values: Mapping[str, Any]) -> Cleaner:
    """The crawl's cleaner: the bundled and configured rules and a repetition tracker."""
    return Cleaner(load_rules(values["NEWSCRAWL_RULE_FILES"]), RepetitionTracker(
        max_sites=values["NEWSCRAWL_REPEAT_MAX_SITES"],
        max_entries_per_site=values["NEWSCRAWL_REPEAT_MAX_ENTRIES"],
        threshold=values["NEWSCRAWL_REPEAT_THRESHOLD"]))


# --- in the worker process --------------------------------------------------------------
_worker_cleaner: Cleaner | None = None


def _start_worker(values: dict[str, Any]) -> None:
    global _worker_cleaner
    _worker_cleaner = crawl_cleaner(values)


def read_page_in_worker(body: bytes, url: str, encoding: str | None, profile: Profile | None,
                        article_pattern: re.Pattern[str] | None) -> PageRead:
    """:func:`newscrawl.api.read_page` of a fetched page, parsed in the worker."""
    return read_page(body, url, encoding=encoding, profile=profile,
                     article_pattern=article_pattern)


def clean_in_worker(fields: dict[str, Any], keep_removed: bool
                    ) -> tuple[tuple[dict[str, Any], list[str]],
                               tuple[tuple[int, ...], tuple[int, ...]]]:
    """:func:`newscrawl.output.assemble.clean_fields` with the worker's cleaner (whose
    repetition counts see every page of the sites routed to this worker), and the
    MinHash of the cleaned body with its LSH band keys, which the emitted-articles store
    needs next (computed here, where there is CPU to spare, not in the crawl process)."""
    assert _worker_cleaner is not None, "called outside a page worker"
    cleaned = clean_fields(_worker_cleaner, fields, keep_removed=keep_removed)
    signature = compute_minhash(cleaned[0]["body"])
    return cleaned, (signature, compute_band_keys(signature))


def _max_rss() -> int:
    """This process's peak resident memory in bytes (0 where it cannot be read).

    Linux's ``VmHWM`` first: ``ru_maxrss`` survives ``exec``, so in a worker started by
    fork + exec it is the crawl process's size at that moment, not the worker's own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    """A worker's loop: read a call, run it, write its result (or its exception), until
    the crawl process closes the pipe. The first call is :func:`_start_worker`."""
    while True:
        header = inbox.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        call_id, fn, args = pickle.loads(inbox.read(_HEADER.unpack(header)[0]))
        try:
            reply = (call_id, True, fn(*args))
        except Exception as exc:  # sent back to the caller, who raises it
            reply = (call_id, False, exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that does not pickle
            data = pickle.dumps((call_id, False, RuntimeError(f"unpicklable result: {exc!r}")))
        outbox.write(_HEADER.pack(len(data)) + data)
        outbox.flush()


_HEADER = struct.Struct("!Q")


# --- in the crawl process ---------------------------------------------------------------
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
        self.process = subprocess.Popen([sys.executable, "-m", "newscrawl.workers"],
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
        self._send(0, _start_worker, (cleaner_values,), ready)
        await ready  # a worker that cannot build the cleaner fails every call with the reason

    def _send(self, call_id: int, fn: Callable, args: tuple, future: asyncio.Future) -> None:
        data = pickle.dumps((call_id, fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        self.pending[call_id] = future
        self.writer.write(_HEADER.pack(len(data)) + data)

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
                size = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))[0]
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
                peak = await self.call(_max_rss, ())
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
        """The crawl's pool, made once and closed when the spider closes."""
        pool = _POOLS.get(crawler)
        if pool is None:
            count = worker_count(crawler.settings.get("NEWSCRAWL_PAGE_WORKERS"))
            pool = _POOLS[crawler] = cls(count, cleaner_settings(crawler.settings), crawler.stats)
            crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

    @property
    def inline(self) -> bool:
        """True when page work runs in the crawl process itself."""
        return self.workers == 0

    async def call(self, fn: Callable[..., T], *args: Any, route: str | None = None) -> T:
        """``fn(*args)`` in a worker (the one ``route`` maps to, else the next in turn).

        ``fn`` must be a module-level function and its arguments and result must
        pickle. An exception ``fn`` raises is raised here.
        """
        if self.inline:
            return fn(*args)
        index = (zlib.crc32(route.encode("utf-8")) % self.workers if route is not None
                 else next(self._turn))  # type: ignore[arg-type]
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
        peaks = await asyncio.gather(*(w.close() for w in workers))
        if peaks and max(peaks) and self.stats is not None:
            self.stats.max_value("newscrawl/workers/max_rss", max(peaks))


def _main() -> None:
    """``python -m newscrawl.workers``: serve calls on stdin/stdout. Anything else
    the page work prints goes to stderr, never into the reply stream. Ctrl-C in the
    terminal reaches the whole process group: the crawl process decides when to stop
    (it closes the pipe), so the worker ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        serve(sys.stdin.buffer, outbox)
    except (BrokenPipeError, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    _main()
