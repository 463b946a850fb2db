"""The page worker process: reads and cleans pages for a crawl process.

``python -m newscrawl.pageworker`` is started by :class:`newscrawl.workers.PagePool`
(the crawl side, with the protocol described there). This module is the worker side
and imports neither Scrapy nor Twisted nor asyncio: only extraction, cleaning and the
fingerprints, so that a worker is ready to read the first page a quarter of a second
after it starts (it was half a second with Scrapy's imports). Every page of a crawl's
first second waits for that: the front and section pages are read in a worker too,
before their links are followed.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import struct
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from newscrawl.api import PageRead, read_page
from newscrawl.cleaning import Cleaner, RepetitionTracker, load_rules
from newscrawl.output.assemble import clean_fields
from newscrawl.output.fingerprint import compute_band_keys, compute_minhash

if TYPE_CHECKING:
    from newscrawl.extraction.profiles import Profile

#: Settings a worker needs to build the crawl's cleaner.
CLEANER_SETTINGS = ("NEWSCRAWL_RULE_FILES", "NEWSCRAWL_REPEAT_MAX_SITES",
                    "NEWSCRAWL_REPEAT_MAX_ENTRIES", "NEWSCRAWL_REPEAT_THRESHOLD",
                    "NEWSCRAWL_MIN_WORDS")
#: A message's length, before the pickle of the call or reply.
HEADER = struct.Struct("!Q")


def crawl_cleaner(values: Mapping[str, Any]) -> Cleaner:
    """The crawl's cleaner: the bundled and configured rules, a repetition tracker, and
    the minimum body that repetition alone may not take a page below."""
    return Cleaner(load_rules(values["NEWSCRAWL_RULE_FILES"]), RepetitionTracker(
        max_sites=values["NEWSCRAWL_REPEAT_MAX_SITES"],
        max_entries_per_site=values["NEWSCRAWL_REPEAT_MAX_ENTRIES"],
        threshold=values["NEWSCRAWL_REPEAT_THRESHOLD"]),
        min_words=values["NEWSCRAWL_MIN_WORDS"])


_cleaner_values: Mapping[str, Any] | None = None
_cleaner: Cleaner | None = None


def start_worker(values: Mapping[str, Any]) -> None:
    """The first call a worker gets: the settings its cleaner is built from.

    The cleaner (a fifth of a second of rule compiling) is built with the first
    cleaning call, not here: the crawl's first pages are reads, and they need none.
    The crawl process has already loaded the rule files once, so a file that cannot
    be read stopped the crawl before any worker started."""
    global _cleaner_values, _cleaner
    _cleaner_values, _cleaner = values, None


def worker_cleaner() -> Cleaner:
    """This worker's cleaner, built on first use from :func:`start_worker`'s settings."""
    global _cleaner
    if _cleaner is None:
        if _cleaner_values is None:
            raise RuntimeError("called outside a page worker")
        _cleaner = crawl_cleaner(_cleaner_values)
    return _cleaner


def read_page_in_worker(body: bytes, url: str, encoding: str | None, profile: Profile | None,
                        article_pattern: re.Pattern[str] | None) -> PageRead:
    """:func:`newscrawl.api.read_page` of a fetched page, parsed in the worker."""
    return read_page(body, url, encoding=encoding, profile=profile,
                     article_pattern=article_pattern)


def clean_in_worker(fields: dict[str, Any], keep_removed: bool
                    ) -> tuple[tuple[dict[str, Any], list[str], dict[str, int]],
                               tuple[tuple[int, ...], tuple[int, ...]]]:
    """:func:`newscrawl.output.assemble.clean_fields` with the worker's cleaner (whose
    repetition counts see every page of the sites routed to this worker), and the
    MinHash of the cleaned body with its LSH band keys, which the emitted-articles store
    needs next (computed here, where there is CPU to spare, not in the crawl process)."""
    cleaned = clean_fields(worker_cleaner(), fields, keep_removed=keep_removed)
    signature = compute_minhash(cleaned[0]["body"])
    return cleaned, (signature, compute_band_keys(signature))


def clean_many_in_worker(inputs: list[dict[str, Any]], keep_removed: bool) -> list[Any]:
    """:func:`clean_in_worker` of several items (one call, one round trip: ``warc``'s
    batches of one site)."""
    return [clean_in_worker(fields, keep_removed) for fields in inputs]


def max_rss() -> int:
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
    the crawl process closes the pipe. The first call is :func:`start_worker`."""
    while True:
        header = inbox.read(HEADER.size)
        if len(header) < HEADER.size:
            return
        call_id, fn, args = pickle.loads(inbox.read(HEADER.unpack(header)[0]))
        try:
            reply = (call_id, True, fn(*args))
        except Exception as exc:  # sent back to the caller, who raises it
            reply = (call_id, False, _portable(exc))
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that does not pickle
            data = pickle.dumps((call_id, False, RuntimeError(f"unpicklable result: {exc!r}")))
        outbox.write(HEADER.pack(len(data)) + data)
        outbox.flush()


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives a pickle round trip, else a RuntimeError that names it.

    An exception class whose ``__init__`` takes other arguments than its message does
    not unpickle, and the crawl process, unable to read the reply, would take the
    worker for dead and lose the reason."""
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return RuntimeError(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")
    return exc


def main() -> None:
    """``python -m newscrawl.pageworker``: serve calls on stdin/stdout. Anything else
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
    main()
