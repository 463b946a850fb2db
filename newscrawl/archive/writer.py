"""Every page a crawl fetches, kept as WARC 1.1 (``NEWSCRAWL_WARC_DIR``).

:class:`WarcWriterMiddleware` is a downloader middleware placed next to the downloader
(priority 950, after Scrapy's HttpCompressionMiddleware at 590 and RedirectMiddleware at
600 on the way in). Responses reach it first, as received: a 3xx before it is followed,
robots.txt (fetched through the same middlewares), a 404, and bodies still in their
``Content-Encoding`` (gzip, br…), which a reader decodes as a browser would. The one
thing Twisted has already undone is the chunked transfer coding: its
``Transfer-Encoding`` header is kept as ``X-Crawler-Transfer-Encoding`` (Common Crawl's
convention), so that the record's body and headers agree. Scrapy does not keep the
reason phrase of the status line; the standard one is written.

Each exchange is a ``request`` record (the headers as sent, ``Host`` included) and a
``response`` record (``WARC-Target-URI``, ``WARC-Date``, ``WARC-IP-Address``, block and
payload digests, ``WARC-Concurrent-To`` linking the pair), each its own gzip member. warcio
builds and serialises the records; the digests (SHA-1, each computed once over the bytes in
memory, where warcio would stream them through again 16 KiB at a time) and the gzip member
(``zlib`` at ``NEWSCRAWL_WARC_GZIP_LEVEL``, where warcio's own gzip is fixed at level 9) are
done here: writing WARC is on the crawl process's path for every page, and the crawl process
is the crawl's limit (``benchmarks/warc_cost.py``, benchmarks/RESULTS.md).

On Scrapy's thread the middleware only takes an :class:`Exchange` (the headers as lists of
strings, the bodies by reference) and puts it on a bounded queue (``NEWSCRAWL_WARC_QUEUE``;
when full, the crawl waits). One :class:`WarcWriterThread` owns the files: it builds, digests,
gzips and writes each exchange's records in one ``write`` — zlib, SHA-1 and the file write
release the GIL — and when the spider closes it writes what is queued, then renames the last
file. A write that fails is cut back to the file's last whole exchange (or, if even that
fails, the file stays ``.part``, never published half-written); every failure is logged and
counted (``newscrawl/warc/errors``) and the response goes on to the crawl. Every file starts with a ``warcinfo`` record naming the crawl (run id, worker,
software). Files are named like the feeds —
``newscrawl-<start time>-<run id>[-<worker>]-00000.warc.gz`` (the worker's id in fleet
mode, so that each worker has its own files) — written as ``….warc.gz.part`` and renamed
when complete: a new file is started once one reaches ``NEWSCRAWL_WARC_MAX_SIZE`` bytes,
and the last one is renamed when the crawl closes. A crawl killed with SIGKILL leaves a
``.part`` file; :func:`repair_warc_parts` (run when the next crawl opens the folder) cuts
it after its last complete record and renames it.

Inert (``NotConfigured``) unless ``NEWSCRAWL_WARC_DIR`` is set.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import logging
import os
import queue
import threading
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import version
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.archive.records import GZIP_MAGIC, _gzip_members
from newscrawl.output.feedstorage import PART, _fsync_dir, promote_parts, run_uri_params

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

SUFFIX = ".warc.gz"
#: zlib's level for each record's gzip member unless ``NEWSCRAWL_WARC_GZIP_LEVEL`` says.
GZIP_LEVEL = 6
#: Exchanges waiting for the writer thread unless ``NEWSCRAWL_WARC_QUEUE`` says.
QUEUE_SIZE = 256
#: Responses answered from an archive (``python -m newscrawl warc``) carry this flag and
#: are never archived again.
FROM_ARCHIVE = "newscrawl-warc"


class WarcFiles:
    """Rotated, atomically published WARC files in ``folder`` (see module docstring)."""

    def __init__(self, folder: str | Path, stem: str, max_size: int,
                 info: dict[str, str], gzip_level: int = GZIP_LEVEL) -> None:
        self.folder = Path(folder)
        self.stem = stem
        self.max_size = max_size
        self.info = info
        self.gzip_level = gzip_level
        self.serial = 0
        self.raw: IO[bytes] | None = None
        # warcio serialises each record, uncompressed, into this buffer; _member gzips it
        self.buffer = io.BytesIO()
        self.builder = WARCWriter(self.buffer, gzip=False, warc_version="1.1")
        self.warcinfo_id = ""
        self.finished: list[Path] = []

    @property
    def path(self) -> Path:
        return self.folder / f"{self.stem}-{self.serial:05d}{SUFFIX}"

    def _open(self) -> IO[bytes]:
        self.folder.mkdir(parents=True, exist_ok=True)
        while self.path.exists() or Path(str(self.path) + PART).exists():
            self.serial += 1
        raw = open(str(self.path) + PART, "xb")  # noqa: SIM115 - closed in _finish()
        fcntl.flock(raw.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # held until renamed
        self.raw = raw
        record = self.builder.create_warcinfo_record(self.path.name, self.info)
        self.warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        raw.write(self._member(record))
        return raw

    def _member(self, record: Any) -> bytes:
        """``record`` serialised by warcio, as one gzip member."""
        self.buffer.seek(0)
        self.buffer.truncate()
        self.builder.write_record(record)
        with self.buffer.getbuffer() as data:
            return zlib.compress(data, self.gzip_level, 31)  # wbits 31: a gzip member

    def write(self, records: list[Any]) -> None:
        """Write ``records`` (one exchange) to the current file, then rotate if it is full."""
        raw = self.raw or self._open()
        members = []
        for record in records:
            record.rec_headers.add_header("WARC-Warcinfo-ID", self.warcinfo_id)
            members.append(self._member(record))
        end = raw.tell()
        try:
            raw.write(b"".join(members))
            raw.flush()  # a killed crawl's .part holds every exchange written so far
        except BaseException:
            self._cut(end)
            raise
        if raw.tell() >= self.max_size:
            self._finish()

    def _cut(self, end: int) -> None:
        """After a failed write: the file back to its last whole exchange, or, if even that
        fails, left as ``.part`` (never renamed: :func:`repair_warc_parts` cuts it)."""
        assert self.raw is not None
        try:
            self.raw.seek(end)
            self.raw.truncate(end)
            self.raw.flush()
        except OSError:
            logger.error("WARC file %s left as .part after a failed write", self.path)
            try:
                self.raw.close()
            except OSError:
                pass
            self.raw = None
            self.serial += 1

    def _finish(self) -> None:
        if self.raw is None:
            return
        self.raw.flush()
        os.fsync(self.raw.fileno())
        os.rename(str(self.path) + PART, self.path)
        _fsync_dir(self.folder)
        self.raw.close()
        self.finished.append(self.path)
        self.raw = None
        self.serial += 1

    def close(self) -> None:
        self._finish()

    def new_record(self, url: str, kind: str, http_headers: StatusAndHeaders,
                   body: bytes, warc_headers: dict[str, str]) -> Any:
        """A record of ``body`` (bytes, not copied) with its block and payload digests."""
        http_headers.compute_headers_buffer()  # the bytes warcio writes before the body
        block = hashlib.sha1(http_headers.headers_buff)  # noqa: S324 - the WARC digest, not a security hash
        block.update(body)
        digests = {"WARC-Payload-Digest": _sha1(hashlib.sha1(body)),  # noqa: S324
                   "WARC-Block-Digest": _sha1(block)}
        return self.builder.create_warc_record(url, kind, payload=io.BytesIO(body),
                                               length=len(body), http_headers=http_headers,
                                               warc_headers_dict={**warc_headers, **digests})


def _sha1(digest: Any) -> str:
    """A WARC digest header's value (warcio's form: ``sha1:`` and base32)."""
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


class Exchange(NamedTuple):
    """What the records of one fetch need, taken from Scrapy's objects on the reactor
    thread (a later middleware may change a response's headers in place)."""

    date: str
    ip_address: str | None
    protocol: str
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_url: str
    request_line: str
    request_headers: list[tuple[str, str]]
    request_body: bytes


def snapshot(request: Request, response: Response) -> Exchange:
    """The :class:`Exchange` of ``request`` and its ``response`` (no body is copied)."""
    protocol = response.protocol or "HTTP/1.1"
    headers: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        text = name.decode("latin-1")
        if text.lower() == "transfer-encoding":
            text = "X-Crawler-Transfer-Encoding"
        headers.extend((text, v.decode("latin-1")) for v in values)
    parts = urlparse_cached(request)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = [(n.decode("latin-1"), v.decode("latin-1"))
            for n, values in request.headers.items() for v in values]
    if not any(n.lower() == "host" for n, _ in sent):
        sent.insert(0, ("Host", parts.netloc))
    return Exchange(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    None if response.ip_address is None else str(response.ip_address),
                    protocol, response.url, response.status, headers, response.body,
                    request.url, f"{request.method} {target} {protocol}", sent, request.body)


def exchange_records(files: WarcFiles, exchange: Exchange) -> list[Any]:
    """The ``request`` and ``response`` records of one fetch."""
    warc_headers = {"WARC-Date": exchange.date}
    if exchange.ip_address is not None:
        warc_headers["WARC-IP-Address"] = exchange.ip_address
    try:
        phrase = HTTPStatus(exchange.status).phrase
    except ValueError:
        phrase = ""
    answer = files.new_record(
        exchange.url, "response",
        StatusAndHeaders(f"{exchange.status} {phrase}".strip(), exchange.headers,
                         protocol=exchange.protocol),
        exchange.body, warc_headers)
    question = files.new_record(
        exchange.request_url, "request",
        StatusAndHeaders(exchange.request_line, exchange.request_headers,
                         protocol=exchange.protocol, is_http_request=True),
        exchange.request_body, {**warc_headers, "WARC-Concurrent-To":
                                answer.rec_headers.get_header("WARC-Record-ID")})
    return [question, answer]


class WarcWriterThread(threading.Thread):
    """Builds, gzips and writes the records of each :class:`Exchange` put on its bounded
    queue, off the reactor's thread (zlib, SHA-1 and file writes release the GIL, and they
    are most of the writer's cost). The only thread that touches ``files``. A failed
    exchange is logged and counted (``errors``) and the thread goes on. :meth:`close`
    writes what is queued, then publishes the last file (``.part`` renamed).

    ``queue_size`` 0: no thread is started; :meth:`put` writes on the caller's thread (less
    CPU in all, for a machine with no core to spare; benchmarks/RESULTS.md)."""

    def __init__(self, files: WarcFiles, queue_size: int) -> None:
        super().__init__(name="newscrawl-warc-writer", daemon=True)
        self.files = files
        self.inline = queue_size <= 0
        self.queue: queue.Queue[Exchange | None] = queue.Queue(maxsize=max(1, queue_size))
        self.records_written = 0
        self.errors = 0

    def put(self, exchange: Exchange) -> None:
        if self.inline:
            self._write(exchange)
        else:
            self.queue.put(exchange)  # blocks when the writer is queue_size exchanges behind

    def _write(self, exchange: Exchange) -> None:
        try:
            self.files.write(exchange_records(self.files, exchange))
            self.records_written += 2
        except Exception:
            self.errors += 1
            logger.exception("WARC: could not archive %s", exchange.url)

    def _publish(self) -> None:
        try:
            self.files.close()
        except Exception:
            self.errors += 1
            logger.exception("WARC: could not publish %s", self.files.path)

    def run(self) -> None:
        while (exchange := self.queue.get()) is not None:
            self._write(exchange)
        self._publish()

    def close(self) -> None:
        if self.inline:
            self._publish()
            return
        self.queue.put(None)
        self.join()


class WarcWriterMiddleware:
    """Archive every fetched response, with its request, as WARC (module docstring)."""

    def __init__(self, crawler: Crawler, folder: str) -> None:
        self.crawler = crawler
        self.folder = Path(folder)
        self.max_size = crawler.settings.getint("NEWSCRAWL_WARC_MAX_SIZE")
        self.gzip_level = crawler.settings.getint("NEWSCRAWL_WARC_GZIP_LEVEL", GZIP_LEVEL)
        self.queue_size = crawler.settings.getint("NEWSCRAWL_WARC_QUEUE", QUEUE_SIZE)
        self.files: WarcFiles | None = None
        self.thread: WarcWriterThread | None = None
        self.errors = 0  # the reactor thread's; the writer thread counts its own

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        folder = crawler.settings.get("NEWSCRAWL_WARC_DIR")
        if not folder:
            raise NotConfigured  # no message: Scrapy would log a WARNING for every crawl
        middleware = cls(crawler, folder)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        repair_warc_parts(self.folder)
        run = run_uri_params({}, spider)
        settings = self.crawler.settings
        worker = settings.get("NEWSCRAWL_REDIS_WORKER_ID") if settings.get(
            "NEWSCRAWL_REDIS_URL") else ""
        stem = "-".join(p for p in ("newscrawl", run["time"], run["run_id"], worker) if p)
        info = {"software": f"newscrawl (warcio {version('warcio')})",
                "format": "WARC File Format 1.1",
                "isPartOf": f"newscrawl-{run['time']}-{run['run_id']}",
                "description": f"crawl by spider {spider.name}",
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "http-header-user-agent": settings.get("USER_AGENT") or ""}
        if worker:
            info["worker"] = worker
        self.files = WarcFiles(self.folder, stem, self.max_size, info, self.gzip_level)
        self.thread = WarcWriterThread(self.files, self.queue_size)
        if not self.thread.inline:
            self.thread.start()

    def spider_closed(self, spider: Spider) -> None:
        if self.files is None or self.thread is None:
            return
        self.thread.close()
        stats = self.crawler.stats
        stats.set_value("newscrawl/warc/records_written", self.thread.records_written)
        stats.set_value("newscrawl/warc/files_written", len(self.files.finished))
        if self.thread.errors + self.errors:
            stats.set_value("newscrawl/warc/errors", self.thread.errors + self.errors)

    def process_response(self, request: Request, response: Response) -> Response:
        if (self.thread is None or FROM_ARCHIVE in response.flags or "cached" in response.flags
                or urlparse_cached(request).scheme not in ("http", "https")):
            return response
        try:
            self.thread.put(snapshot(request, response))
        except Exception:  # never lose the page for its archive copy
            self.errors += 1
            logger.exception("WARC: could not archive %s", response.url)
        return response


def repair_warc_parts(folder: Path) -> list[Path]:
    """Promote the ``.warc.gz.part`` files a killed crawl left in ``folder``: cut each after
    its last complete record and rename it into place. Locked files (a live crawl's) are
    left alone. Returns the files made."""
    return promote_parts(folder, f"*{SUFFIX}{PART}", _promote)


def _promote(part: Path, fh: IO[bytes]) -> Path | None:
    import mmap

    end = 0
    if os.fstat(fh.fileno()).st_size:
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            if mm[:3] != GZIP_MAGIC:
                logger.error("left alone: %s is not a gzipped WARC file", part)
                return None
            for _offset, member_end, _data, problem in _gzip_members(mm, max_size=1 << 40):
                if problem is not None:
                    break
                end = member_end
    if end <= 0:
        part.unlink()
        logger.warning("removed an empty WARC file left by a killed crawl: %s", part)
        return None
    fh.truncate(end)
    fh.flush()
    os.fsync(fh.fileno())
    final = part.with_name(part.name[:-len(PART)])
    os.rename(part, final)
    _fsync_dir(final.parent)
    logger.warning("recovered a WARC file left by a killed crawl (%d bytes): %s", end, final)
    return final
