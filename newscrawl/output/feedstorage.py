"""Feed files a dataset can trust: written under a temporary name, renamed when complete.

:class:`AtomicFileFeedStorage` is Scrapy's file feed storage (registered for plain
paths and ``file://``) with two additions:

- every line the exporter writes reaches the operating system at once (flushed per
  item), so an item recorded as emitted in the store is really in a file;
- with the feed option ``"atomic": True`` (the default feed in ``settings.py``) it
  writes ``NAME.part``, fsyncs, sends :data:`~newscrawl.output.signals.feed_file_ready`
  (the store commits the file's items) and renames it to ``NAME`` in ``store()``: a
  reader of the output folder never sees a partial line. ``"gzip": True`` compresses the
  file (``NAME.gz``) with a sync flush after every line, so even a killed crawl's
  ``.part`` file decompresses up to its last item.

``-O file.jsonl`` and ``-o file.jsonl`` behave as in any Scrapy project (no ``.part``).

Rotation is Scrapy's own: ``FEED_EXPORT_BATCH_ITEM_COUNT`` (or the feed's
``batch_item_count``) starts a new file every N items. File names carry the run's start
time and a random run id (:func:`run_uri_params`), so the ``%(batch_id)d`` files of a
crawl resumed from a ``JOBDIR`` never overwrite the files of the run before it.

A crawl killed with SIGKILL leaves its last ``.part`` file behind; :func:`repair_parts`
(called when the next crawl opens) cuts a trailing partial line and renames it into place.
:func:`complete_lines` is the one reader of such a file (also for a fleet's dead
workers' files, :mod:`newscrawl.distributed.outputs`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.extensions.feedexport import FileFeedStorage
from twisted.python.failure import Failure

from newscrawl.output.signals import feed_file_ready

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

PART = ".part"


class LineFile:
    """The file a feed exporter writes to: each ``write()`` (one JSON line) is flushed
    to the OS, through a gzip stream with a sync flush when ``compress`` is set."""

    def __init__(self, raw: IO[bytes], compress: bool = False) -> None:
        self.raw = raw
        self.gzip = zlib.compressobj(6, zlib.DEFLATED, 31) if compress else None

    def write(self, data: bytes) -> int:
        if self.gzip is not None:
            self.raw.write(self.gzip.compress(data) + self.gzip.flush(zlib.Z_SYNC_FLUSH))
        else:
            self.raw.write(data)
        self.raw.flush()
        return len(data)

    def finish(self) -> None:
        """End the gzip stream and make the bytes durable (fsync); the file stays open."""
        if self.gzip is not None:
            self.raw.write(self.gzip.flush())
            self.gzip = None
        self.raw.flush()
        os.fsync(self.raw.fileno())

    def close(self) -> None:
        if not self.raw.closed:
            self.finish()
            self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed


class AtomicFileFeedStorage(FileFeedStorage):
    """File feed storage; with feed option ``atomic`` it writes ``.part`` and renames."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        options = feed_options or {}
        self.atomic = bool(options.get("atomic"))
        self.compress = bool(options.get("gzip"))
        if self.compress and not self.path.endswith(".gz"):
            self.path += ".gz"
        self.part = self.path + PART
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> AtomicFileFeedStorage:
        """``NEWSCRAWL_FEED_GZIP`` is the ``gzip`` option of atomic feeds that do not set it."""
        options = dict(feed_options or {})
        if options.get("atomic"):
            options.setdefault("gzip", crawler.settings.getbool("NEWSCRAWL_FEED_GZIP"))
        storage = cls(uri, feed_options=options)
        storage.crawler = crawler
        return storage

    def open(self, spider: Spider) -> IO[bytes]:
        if not self.atomic:
            return LineFile(super().open(spider), self.compress)  # type: ignore[return-value]
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if Path(self.path).exists():
            raise FileExistsError(f"feed file exists, refusing to overwrite: {self.path}")
        raw = open(self.part, "xb")  # noqa: SIM115 - closed in store()
        fcntl.flock(raw.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # held until renamed
        return LineFile(raw, self.compress)  # type: ignore[return-value]

    def store(self, file: IO[bytes]) -> None:
        if not self.atomic:
            file.close()
            return
        assert isinstance(file, LineFile)
        file.finish()
        if self.crawler is not None:  # the store records this file's items before it is published
            for _, result in self.crawler.signals.send_catch_log(feed_file_ready, path=self.path):
                if isinstance(result, Failure):  # logged already; the file stays a .part
                    result.raiseException()
        os.rename(self.part, self.path)  # still locked: repair_parts() cannot race us
        _fsync_dir(Path(self.path).parent)
        file.close()


def run_uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """``FEEDS`` ``uri_params``: ``%(time)s`` is the run's start time (the same for every
    batch of a run) and ``%(run_id)s`` a random id, so no run overwrites another's files."""
    run = getattr(spider, "_newscrawl_run", None)
    if run is None:
        start = datetime.now(UTC).replace(microsecond=0)
        run = (start.isoformat().replace(":", "-").replace("+00-00", "Z"), uuid.uuid4().hex[:8])
        spider._newscrawl_run = run  # type: ignore[attr-defined]
    params["time"], params["run_id"] = run
    return params


def repair_parts(folder: Path, on_line: Callable[[dict[str, Any]], None] | None = None
                 ) -> list[Path]:
    """Promote the ``.part`` files a killed crawl left in ``folder``: keep their complete
    lines, drop a trailing partial one, rename them into place. ``on_line`` is called
    with every kept item (to record it in the store). Files another live crawl is still
    writing are locked and left alone. Returns the files made."""
    return promote_parts(Path(folder), f"*{PART}", lambda part, fh: _promote(part, fh, on_line))


def promote_parts(folder: Path, pattern: str,
                  promote: Callable[[Path, IO[bytes]], Path | None]) -> list[Path]:
    """Call ``promote(part, fh)`` on each file of ``folder`` matching ``pattern`` that no
    live writer holds locked, the file open for update and locked meanwhile; a file
    renamed or removed before it is locked is passed over. Returns the paths ``promote``
    made (it returns None for a file it left alone or removed). The one walk of leftover
    ``.part`` files: feeds here, WARC files in :mod:`newscrawl.archive.writer`."""
    made = []
    for part in sorted(folder.glob(pattern)) if folder.is_dir() else []:
        try:
            with open(part, "r+b") as fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                if not part.exists():  # renamed by its writer meanwhile
                    continue
                final = promote(part, fh)
        except FileNotFoundError:
            continue
        if final is not None:
            made.append(final)
    return made


def complete_lines(data: bytes, compressed: bool) -> tuple[bytes, list[bytes]]:
    """What a feed file (or the ``.part`` of a crawl killed while writing it) holds: its
    bytes up to the last complete line (decompressed when ``compressed``: a ``.gz``
    feed), and those lines, blank ones left out. Raises ``zlib.error`` on a broken stream.

    >>> complete_lines(b'{"a": 1}\\n\\n{"a": 2}\\n{"a"', False)
    (b'{"a": 1}\\n\\n{"a": 2}\\n', [b'{"a": 1}', b'{"a": 2}'])
    """
    if compressed:
        data = zlib.decompressobj(31).decompress(data)
    complete = data[:data.rfind(b"\n") + 1]
    return complete, [line for line in complete.splitlines() if line.strip()]


def _promote(part: Path, fh: IO[bytes], on_line: Callable[[dict[str, Any]], None] | None
             ) -> Path | None:
    final = part.with_name(part.name[:-len(PART)])
    compressed = final.name.endswith(".gz")
    try:
        complete, lines = complete_lines(fh.read(), compressed)
        items = [json.loads(line) for line in lines]
    except (ValueError, zlib.error):
        logger.error("left alone: %s is not a JSON Lines file a killed crawl left", part)
        return None
    if not items:
        part.unlink()
        logger.warning("removed an empty feed file left by a killed crawl: %s", part)
        return None
    for item in items:  # recorded before the rename: a kill in between repeats both
        if on_line is not None:
            on_line(item)
    if compressed:
        repaired = part.with_name(part.name + ".tmp")
        with open(repaired, "wb") as out:
            out.write(zlib.compress(complete, wbits=31))
            out.flush()
            os.fsync(out.fileno())
        os.rename(repaired, final)
        part.unlink()
    else:
        fh.truncate(len(complete))
        fh.flush()
        os.fsync(fh.fileno())
        os.rename(part, final)
    _fsync_dir(final.parent)
    logger.warning("recovered %d items from a feed file left by a killed crawl: %s",
                   len(items), final)
    return final


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
