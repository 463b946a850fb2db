"""The HTTP responses of a WARC file, each one decoded or skipped with a reason.

:func:`read_responses` reads WARC 1.0 and 1.1 files, gzipped (one gzip member per
record, as Common Crawl and every crawler write them) or not, and yields for every
``response`` record either an :class:`ArchivedResponse` (status, headers, body decoded
of its chunked transfer coding and of its ``Content-Encoding``) or a :class:`Skipped`
that says why it is not one. Records of other types (``warcinfo``, ``request``,
``metadata``, ``revisit``…) are counted in :class:`FileCounts`, not yielded.

Bad input never stops a file: a corrupt gzip member, a record cut short by the end of
the file, a wrong ``Content-Length`` or a record larger than ``max_size`` is one
:class:`Skipped` (reason ``corrupt-gzip``, ``cut-short``, ``bad-length``, ``too-large``,
``bad-record``), and reading goes on at the next gzip member (or, in an uncompressed
file, at the next ``WARC/1.`` line). Memory stays bounded by ``max_size``: a 2 GB
response is decompressed through (to find where the next record starts) and dropped,
never held.

The WARC syntax (record headers, HTTP headers, chunked and compressed bodies) is
parsed by warcio; this module only finds where each record starts (the gzip members, or
``Content-Length`` in an uncompressed file) so that one bad record costs only itself.
It imports no Scrapy.
"""

from __future__ import annotations

import io
import mmap
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.bufferedreaders import BufferedReader
from warcio.recordloader import ArchiveLoadFailed, ArcWarcRecordLoader

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
#: Decompressed bytes taken at once.
_CHUNK = 1 << 20
#: Compressed bytes fed to the decompressor at once: a record's gzip member is a few KiB,
#: and what follows it in the chunk is copied once more (``unused_data``) at its end.
_INPUT_CHUNK = 1 << 16
#: Room for the WARC and HTTP headers of a record beyond its body's ``max_size``.
_HEADER_ROOM = 1 << 16
#: Content types read as pages; the rest are ``not-html`` (an absent type is sniffed).
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Headers that describe the body as stored, dropped once the body is decoded.
_CODING_HEADERS = frozenset({"transfer-encoding", "content-encoding", "content-length"})


@dataclass(slots=True)
class ArchivedResponse:
    """One archived HTTP response, ready to be answered to a request for ``url``."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    """The HTTP headers as archived, less those of the codings the body was decoded of."""
    body: bytes
    date: str
    """The record's ``WARC-Date`` (ISO 8601)."""
    record_id: str
    offset: int
    """Where the record starts in its file (of its gzip member, in a gzipped file)."""
    truncated: str | None = None
    """The record's ``WARC-Truncated`` reason (``length``, ``time``…), if any."""


@dataclass(slots=True)
class Skipped:
    """A response record (or a stretch of the file) that gave no response, and why."""

    reason: str
    offset: int
    url: str = ""
    detail: str = ""


@dataclass(slots=True)
class FileCounts:
    """What a file held, by record type (``response``, ``request``, ``warcinfo``…)."""

    records: Counter[str] = field(default_factory=Counter)


def read_responses(path: str | Path, *, max_size: int = 16 * 1024 * 1024,
                   counts: FileCounts | None = None,
                   html_only: bool = True) -> Iterator[ArchivedResponse | Skipped]:
    """Every response record of the WARC file at ``path``, decoded or skipped (see module)."""
    counts = counts if counts is not None else FileCounts()
    for offset, data, problem in record_blocks(path, max_size):
        if problem is not None:
            yield Skipped(problem, offset)
            continue
        yield from parse_record(data, offset, max_size, counts, html_only)


def record_blocks(path: str | Path, max_size: int = 16 * 1024 * 1024
                  ) -> Iterator[tuple[int, bytes, str | None]]:
    """``(offset, record bytes, problem)`` for each record of the file, not yet parsed:
    the gzip members decompressed (or the records of an uncompressed file cut at their
    ``Content-Length``), a bad stretch as ``(offset, b"", reason)``. Cheap (zlib and
    slicing): :func:`parse_record` is the costly half, run where there are cores."""
    with open(path, "rb") as fh:
        if Path(path).stat().st_size == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            blocks = _gzip_members(mm, max_size) if mm[:3] == GZIP_MAGIC else _plain_records(
                mm, max_size)
            for offset, _end, data, problem in blocks:
                yield offset, data, problem


def _gzip_members(mm: mmap.mmap, max_size: int
                  ) -> Iterator[tuple[int, int, bytes, str | None]]:
    """``(offset, end, decompressed member, problem)`` for each gzip member of the file."""
    limit = max_size + _HEADER_ROOM
    view = memoryview(mm)
    pos, end = 0, len(mm)
    try:
        while pos < end:
            member = zlib.decompressobj(31)
            parts: list[bytes] = []
            size, read, problem = 0, pos, None
            try:
                while not member.eof:
                    if read >= end:
                        problem = "cut-short"
                        break
                    data: memoryview | bytes = view[read:read + _INPUT_CHUNK]
                    read += len(data)
                    while data and not member.eof:
                        out = member.decompress(data, _CHUNK)
                        data = member.unconsumed_tail
                        if problem is None:
                            size += len(out)
                            parts.append(out)
                            if size > limit:
                                problem, parts = "too-large", []
            except zlib.error:
                problem = "corrupt-gzip"
            if problem in ("corrupt-gzip", "cut-short") and not member.eof:
                yield pos, end, b"", problem
                following = mm.find(GZIP_MAGIC, pos + 1)
                if following < 0:
                    return
                pos = following
                continue
            done = read - len(member.unused_data)
            yield pos, done, b"".join(parts), problem
            pos = done
            while pos < end and mm[pos:pos + 3] != GZIP_MAGIC:  # padding, junk
                following = mm.find(GZIP_MAGIC, pos)
                if following < 0:
                    if mm[pos:end].strip(b"\x00\r\n "):
                        yield pos, end, b"", "corrupt-gzip"
                    return
                yield pos, following, b"", "corrupt-gzip"
                pos = following
    finally:
        view.release()


def _plain_records(mm: mmap.mmap, max_size: int
                   ) -> Iterator[tuple[int, int, bytes, str | None]]:
    """``(offset, end, record bytes, problem)`` for each record of an uncompressed file."""
    pos, end = 0, len(mm)
    while pos < end:
        if mm[pos:pos + 2] in (b"\r\n", b"\n\n") or mm[pos:pos + 1] == b"\n":
            pos += 1
            continue
        header_end = mm.find(b"\r\n\r\n", pos, pos + _HEADER_ROOM)
        length = _content_length(mm[pos:header_end]) if header_end > 0 and mm[
            pos:pos + len(WARC_MAGIC)] == WARC_MAGIC else None
        if length is None:
            problem, following = "bad-record", mm.find(WARC_MAGIC, pos + 1)
        else:
            body_end = header_end + 4 + length
            following = body_end + 4
            if body_end > end:
                problem, following = "cut-short", -1
            elif mm[body_end:following] != b"\r\n\r\n":
                problem, following = "bad-length", mm.find(WARC_MAGIC, pos + 1)
            elif length > max_size + _HEADER_ROOM:
                problem = "too-large"
            else:
                problem = None
        yield pos, following, (mm[pos:following] if problem is None else b""), problem
        if following < 0:
            return
        pos = following


def _content_length(header: bytes) -> int | None:
    for line in header.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def parse_record(data: bytes, offset: int, max_size: int, counts: FileCounts,
                 html_only: bool = True) -> Iterator[ArchivedResponse | Skipped]:
    """The response (or the skip) of one record's bytes; other record types are counted."""
    other = _other_type(data)
    if other is not None:  # a request, warcinfo, metadata… record: counted, not parsed
        counts.records[other] += 1
        return
    stream = BufferedReader(io.BytesIO(data))
    try:
        record = ArcWarcRecordLoader().parse_record_stream(stream, known_format="warc")
    except (ArchiveLoadFailed, ValueError, IndexError, KeyError) as exc:
        counts.records["unreadable"] += 1
        yield Skipped("bad-record", offset, detail=str(exc)[:200])
        return
    kind = record.rec_type or "unknown"
    counts.records[kind] += 1
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    declared = record.length or 0
    start = _headers_size(data)
    block = len(data) - start
    if block < declared or data[start + declared:].strip(b"\r\n"):
        if kind == "response":
            yield Skipped("bad-length", offset, url,
                          f"Content-Length {declared}, block of {block} bytes")
        return
    if kind != "response":
        return
    if record.http_headers is None or not record.http_headers.get_statuscode():
        yield Skipped("not-http", offset, url)
        return
    status = int(record.http_headers.get_statuscode())
    headers = record.http_headers.headers
    if html_only and not _is_html(record.http_headers.get_header("Content-Type")):
        yield Skipped("not-html", offset, url)
        return
    try:
        body = record.content_stream().read(max_size + 1)
    except Exception as exc:  # noqa: BLE001 - any decoder error: the record is skipped
        yield Skipped("undecodable", offset, url, f"{type(exc).__name__}: {exc}"[:200])
        return
    if len(body) > max_size:
        yield Skipped("too-large", offset, url)
        return
    yield ArchivedResponse(
        url=url, status=status, body=body,
        headers=[(k, v) for k, v in headers if k.lower() not in _CODING_HEADERS],
        date=record.rec_headers.get_header("WARC-Date") or "",
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        offset=offset, truncated=record.rec_headers.get_header("WARC-Truncated"))


def _other_type(data: bytes) -> str | None:
    """The ``WARC-Type`` of a well-formed record that is no response (half the records of
    a crawl's own files are its requests), read from its WARC headers alone; None for a
    response or for anything warcio should judge (no ``WARC/1.`` line, no type, a block
    that does not match its ``Content-Length``)."""
    end = data.find(b"\r\n\r\n", 0, _HEADER_ROOM)
    if end < 0 or not data.startswith(WARC_MAGIC):
        return None
    kind, length = None, None
    for line in data[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"warc-type":
            kind = value.strip().decode("latin-1")
        elif name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return None
    if not kind or kind == "response" or length is None:
        return None
    tail = data[end + 4 + length:] if end + 4 + length <= len(data) else None
    return kind if tail is not None and not tail.strip(b"\r\n") else None


def _headers_size(data: bytes) -> int:
    """Bytes of a record's WARC headers (through the blank line that ends them)."""
    end = data.find(b"\r\n\r\n")
    return len(data) if end < 0 else end + 4


def _is_html(content_type: str | None) -> bool:
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
