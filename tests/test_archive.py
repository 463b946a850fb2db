"""Archives: a crawl keeps every fetch as WARC, and ``python -m newscrawl warc`` turns WARC
files (our own, or shaped like Common Crawl's CC-NEWS) back into the crawl's items."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.sitegen import article_html
from newscrawl.archive.cli import expand_paths, parse_shard, shard
from newscrawl.archive.records import ArchivedResponse, FileCounts, Skipped, read_responses
from newscrawl.archive.writer import WarcFiles, repair_warc_parts
from tests.conftest import FAST, ROOT, SAMPLES, LoopbackServer, _QuietHandler, run_crawl

ARTICLE = (SAMPLES / "world/2024/05/03/port-strike-ends.html").read_bytes()
ENV = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(ROOT)}


def run_warc(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    """``python -m newscrawl warc ARGS…`` in a subprocess (no page worker: two cores are shared)."""
    return subprocess.run(
        [sys.executable, "-m", "newscrawl", "warc", *args, "-s", "NEWSCRAWL_STORE=",
         "-s", "LOG_LEVEL=INFO"],
        cwd=cwd, env={**os.environ, **ENV}, capture_output=True, text=True, timeout=timeout)


def items(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def stats_of(stderr: str) -> str:
    return stderr[stderr.index("Dumping Scrapy stats"):]


def stat(stderr: str, name: str) -> int:
    found = re.search(rf"'{re.escape(name)}': (\d+)", stats_of(stderr))
    return int(found.group(1)) if found else 0


# --- a crawl with WARC on -------------------------------------------------------------------
class ArchivedSiteHandler(_QuietHandler):
    """The samples, HTML gzipped (Content-Encoding), plus a redirect at /moved."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, directory=str(SAMPLES), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/index.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = Path(self.translate_path(self.path))
        if path.suffix != ".html" or not path.is_file():
            return super().do_GET()
        data = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def archived_crawl(tmp_path_factory):
    """One crawl of the samples with WARC on (small files: rotated), and its items."""
    folder = tmp_path_factory.mktemp("archived")
    with LoopbackServer(ArchivedSiteHandler) as server:
        result = run_crawl("-a", f"start_urls={server.base}moved", *FAST,
                           "-a", "allowed_domains=127.0.0.1",
                           "-s", f"NEWSCRAWL_WARC_DIR={folder / 'warc'}",
                           "-s", "NEWSCRAWL_WARC_MAX_SIZE=30000",
                           "-O", str(folder / "crawl.jsonl"))
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, server.base, result


@pytest.mark.slow
def test_crawl_writes_every_fetch_as_warc_records(archived_crawl):
    folder, base, result = archived_crawl
    files = sorted((folder / "warc").iterdir())
    assert len(files) > 1, "NEWSCRAWL_WARC_MAX_SIZE rotates files"
    assert all(re.fullmatch(r"newscrawl-[0-9TZ-]+-[0-9a-f]{8}-\d{5}\.warc\.gz", f.name)
               for f in files), [f.name for f in files]
    responses, requests, bodies = {}, {}, {}
    for path in files:
        with open(path, "rb") as fh:
            for n, record in enumerate(ArchiveIterator(fh)):  # every gzip member complete
                headers = record.rec_headers
                if n == 0:
                    assert record.rec_type == "warcinfo"
                    assert b"isPartOf: newscrawl-" in record.content_stream().read()
                    continue
                assert headers.protocol == "WARC/1.1"
                assert headers.get_header("WARC-Date") and headers.get_header("WARC-Target-URI")
                if record.rec_type == "response":
                    assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
                    responses[headers.get_header("WARC-Record-ID")] = record
                    bodies[headers.get_header("WARC-Target-URI")] = record.raw_stream.read()
                else:
                    assert record.rec_type == "request"
                    requests[headers.get_header("WARC-Concurrent-To")] = record
    assert set(requests) == set(responses), "each response has its request record"
    by_url = {r.rec_headers.get_header("WARC-Target-URI"): r for r in responses.values()}
    assert by_url[f"{base}moved"].http_headers.get_statuscode() == "301"
    assert by_url[f"{base}robots.txt"].http_headers.get_statuscode() == "200"
    page = by_url[f"{base}world/2024/05/03/port-strike-ends.html"]
    assert page.http_headers.get_header("Content-Encoding") == "gzip"
    assert bodies[f"{base}world/2024/05/03/port-strike-ends.html"][:2] == b"\x1f\x8b", (
        "the body as received, still gzipped")
    assert stat(result.stderr, "newscrawl/warc/records_written") == 2 * len(responses)


def check_digests(path: Path) -> dict[str, int]:
    """``warcio check`` on ``path``: the records by verdict of their digests."""
    verdicts: dict[str, int] = {}
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, check_digests=True):
            record.content_stream().read()
            verdict = {True: "pass", False: "fail", None: "none"}[record.digest_checker.passed]
            key = f"{record.rec_type}:{verdict}"
            verdicts[key] = verdicts.get(key, 0) + 1
    return verdicts


@pytest.mark.slow
def test_crawl_records_have_valid_block_and_payload_digests(archived_crawl):
    folder, _, _ = archived_crawl
    totals: dict[str, int] = {}
    for path in sorted((folder / "warc").iterdir()):
        for key, count in check_digests(path).items():
            totals[key] = totals.get(key, 0) + count
    assert set(totals) == {"warcinfo:pass", "request:pass", "response:pass"}, totals
    assert totals["request:pass"] == totals["response:pass"] > 5


def whole_records(path: Path) -> list[str]:
    """The kinds of ``path``'s records, each checked whole: its own gzip member, ending
    in the record's two CRLFs, its digests verified."""
    import zlib

    data, kinds = path.read_bytes(), []
    while data:
        inflater = zlib.decompressobj(31)
        record = inflater.decompress(data)
        assert inflater.eof and record.endswith(b"\r\n\r\n"), f"a cut record in {path}"
        kinds.append(re.search(rb"WARC-Type: (\w+)", record).group(1).decode())
        data = inflater.unused_data
    assert not any(k.endswith(":fail") for k in check_digests(path)), path
    return kinds


@pytest.mark.slow
def test_a_crawl_stopped_midway_publishes_only_whole_records(tmp_path):
    with LoopbackServer(ArchivedSiteHandler) as server:
        result = run_crawl("-a", f"start_urls={server.base}index.html", *FAST,
                           "-a", "allowed_domains=127.0.0.1",
                           "-s", "CLOSESPIDER_PAGECOUNT=6", "-s", "CONCURRENT_REQUESTS=4",
                           "-s", f"NEWSCRAWL_WARC_DIR={tmp_path / 'warc'}",
                           "-s", "NEWSCRAWL_WARC_MAX_SIZE=20000", "-s", "NEWSCRAWL_WARC_QUEUE=2",
                           "-O", str(tmp_path / "crawl.jsonl"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "closespider_pagecount" in result.stderr
    files = sorted((tmp_path / "warc").iterdir())
    assert files and all(f.name.endswith(".warc.gz") for f in files), files  # no .part left
    kinds = [k for f in files for k in whole_records(f)]
    assert kinds.count("warcinfo") == len(files)
    assert kinds.count("request") == kinds.count("response") >= 6
    assert stat(result.stderr, "newscrawl/warc/records_written") == len(kinds) - len(files)
    assert stat(result.stderr, "newscrawl/warc/files_written") == len(files)


@pytest.mark.slow
def test_a_failing_warc_writer_is_logged_and_counted_and_the_crawl_goes_on(
        archived_crawl, tmp_path):
    folder, _, _ = archived_crawl
    not_a_folder = tmp_path / "warc"
    not_a_folder.write_text("a file where the WARC folder should be")
    with LoopbackServer(ArchivedSiteHandler) as server:
        result = run_crawl("-a", f"start_urls={server.base}moved", *FAST,
                           "-a", "allowed_domains=127.0.0.1",
                           "-s", f"NEWSCRAWL_WARC_DIR={not_a_folder}",
                           "-O", str(tmp_path / "crawl.jsonl"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    fetched = stat(result.stderr, "downloader/response_count")
    assert fetched > 5
    assert stat(result.stderr, "newscrawl/warc/errors") == fetched
    assert "WARC: could not archive" in result.stderr
    assert stat(result.stderr, "newscrawl/warc/records_written") == 0
    assert len(items(tmp_path / "crawl.jsonl")) == len(items(folder / "crawl.jsonl")), (
        "every page still crawled and extracted")


@pytest.mark.slow
def test_warc_reextracts_the_crawls_items_exactly(archived_crawl, tmp_path):
    folder, _, _ = archived_crawl
    result = run_warc(str(folder / "warc"), "-O", str(tmp_path / "re.jsonl"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    crawled = {i["url"]: i for i in items(folder / "crawl.jsonl")}
    again = {i["url"]: i for i in items(tmp_path / "re.jsonl")}
    assert len(crawled) >= 5 and sorted(again) == sorted(crawled)
    for url, item in crawled.items():
        assert {**again[url], "crawled_at": None} == {**item, "crawled_at": None}, url
    summary = result.stderr[result.stderr.index("newscrawl summary"):]
    assert f"items written: {len(crawled)}" in summary
    assert "warc-redirect=1" in summary
    assert not (tmp_path / "re.jsonl.warc-progress").exists(), "a finished run removes its state"


# --- a CC-NEWS-shaped file, made with the library -------------------------------------------
def write_records(path: Path, records: list[tuple], version: str = "1.0",
                  compress: bool = True) -> None:
    """Records ``(kind, url, statusline, http headers, payload, WARC headers)`` via warcio."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress, warc_version=version)
        for kind, url, status, headers, payload, extra in records:
            http = None
            if status is not None:
                http = StatusAndHeaders(status, headers, protocol="HTTP/1.1",
                                        is_http_request=kind == "request")
            record = writer.create_warc_record(
                url, kind, payload=io.BytesIO(payload), length=len(payload),
                http_headers=http, warc_headers_dict=extra)
            writer.write_record(record)


def page(url: str, body: bytes, headers: tuple = (), extra: dict | None = None) -> tuple:
    return ("response", url, "200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers],
            body, extra or {})


def chunked(body: bytes) -> bytes:
    half = len(body) // 2
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:half], body[half:])) + b"0\r\n\r\n"


def cc_news_records() -> list[tuple]:
    html = [article_html(i).encode() for i in range(4)]
    site = "https://news.example.org/2024/05/"
    return [
        ("warcinfo", "", None, [], b"software: StormCrawler (CC-NEWS)\r\n", {}),
        ("request", f"{site}a.html", "GET /2024/05/a.html HTTP/1.1",
         [("Host", "news.example.org")], b"", {}),
        page(f"{site}a.html", chunked(html[0]), [("Transfer-Encoding", "chunked")]),
        ("metadata", f"{site}a.html", None, [], b"fetchTimeMs: 120\r\n",
         {"Content-Type": "application/warc-fields"}),
        page(f"{site}b.html", gzip.compress(html[1]), [("Content-Encoding", "gzip")]),
        page(f"{site}c.html", html[2][:len(html[2]) - 200], (),
             {"WARC-Truncated": "length"}),
        ("response", f"{site}photo.jpg", "200 OK", [("Content-Type", "image/jpeg")],
         b"\xff\xd8\xff\xe0" + b"\0" * 500, {}),
        ("response", f"{site}old.html", "301 Moved Permanently",
         [("Location", f"{site}a.html")], b"", {}),
        page("https://other.example.com/2024/05/d.html", html[3]),
    ]


def test_read_responses_decodes_a_cc_news_shaped_file(tmp_path):
    path = tmp_path / "CC-NEWS-20240501000000-00001.warc.gz"
    write_records(path, cc_news_records())
    counts = FileCounts()
    entries = list(read_responses(path, counts=counts))
    found = {e.url.rsplit("/", 1)[1]: e for e in entries}
    html = [article_html(i).encode() for i in range(3)]
    assert found["a.html"].body == html[0], "chunked transfer coding undone"
    assert found["b.html"].body == html[1], "Content-Encoding: gzip decoded"
    assert not any(k.lower() in ("content-encoding", "transfer-encoding")
                   for k, _ in found["b.html"].headers + found["a.html"].headers)
    assert found["c.html"].truncated == "length"
    assert isinstance(found["photo.jpg"], Skipped) and found["photo.jpg"].reason == "not-html"
    assert isinstance(found["old.html"], ArchivedResponse) and found["old.html"].status == 301
    assert counts.records == {"warcinfo": 1, "request": 1, "metadata": 1, "response": 6}


@pytest.mark.slow
def test_warc_command_reads_cc_news_with_filters(tmp_path):
    path = tmp_path / "cc" / "CC-NEWS-20240501000000-00001.warc.gz"
    path.parent.mkdir()
    write_records(path, cc_news_records())
    result = run_warc(str(tmp_path / "cc"), "-O", str(tmp_path / "out.jsonl.gz"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    urls = sorted(i["url"].rsplit("/", 1)[1] for i in items(tmp_path / "out.jsonl.gz"))
    assert urls == ["a.html", "b.html", "c.html", "d.html"]
    assert stat(result.stderr, "newscrawl/skipped/warc-not-html") == 1
    assert stat(result.stderr, "newscrawl/skipped/warc-redirect") == 1
    assert stat(result.stderr, "newscrawl/warc/truncated") == 1
    assert stat(result.stderr, "newscrawl/warc/records/metadata") == 1
    only = run_warc(str(path), "-O", str(tmp_path / "only.jsonl"), "--domains", "example.org",
                    "--since", "2024-05-02", "--until", "2024-05-03", cwd=tmp_path)
    assert only.returncode == 0, only.stderr[-3000:]
    # sitegen's article i is dated 2024-05-(1 + i): b (i=1) and c (i=2) are in the range
    assert sorted(i["url"].rsplit("/", 1)[1] for i in items(tmp_path / "only.jsonl")) == [
        "b.html", "c.html"]
    assert stat(only.stderr, "newscrawl/skipped/warc-off-domain") == 1
    assert stat(only.stderr, "newscrawl/skipped/too-old") == 1
    language = run_warc(str(path), "-O", str(tmp_path / "de.jsonl"), "--language", "de",
                        cwd=tmp_path)
    assert items(tmp_path / "de.jsonl") == []
    assert stat(language.stderr, "newscrawl/skipped/warc-language") == 4


def test_warc_command_refuses_a_missing_file(tmp_path):
    result = run_warc(str(tmp_path / "nope.warc.gz"), "-O", str(tmp_path / "o.jsonl"),
                      cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"no such file: {tmp_path / 'nope.warc.gz'}")


# --- bad input -------------------------------------------------------------------------------
def member(record: tuple, version: str = "1.1") -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version=version)
    kind, url, status, headers, payload, extra = record
    writer.write_record(writer.create_warc_record(
        url, kind, payload=io.BytesIO(payload), length=len(payload),
        http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        warc_headers_dict=extra))
    return buffer.getvalue()


def bad_file() -> tuple[bytes, list[str]]:
    """Good records between a corrupt gzip member, a wrong Content-Length, a record over
    the size limit, and a last record cut short."""
    html = [article_html(i).encode() for i in range(5)]
    good = [member(page(f"https://ex.org/g{i}.html", html[i])) for i in range(4)]
    corrupt = bytearray(member(page("https://ex.org/corrupt.html", html[4])))
    corrupt[len(corrupt) // 2: len(corrupt) // 2 + 40] = b"\xff" * 40
    wrong = gzip.decompress(member(page("https://ex.org/wrong.html", html[4])))
    wrong = re.sub(rb"Content-Length: (\d+)\r\n\r\nHTTP",
                   lambda m: b"Content-Length: %d\r\n\r\nHTTP" % (int(m.group(1)) + 999), wrong)
    huge = member(page("https://ex.org/huge.html", b"<html><body>" + b"x " * 3_000_000))
    cut = member(page("https://ex.org/cut.html", html[4]))
    data = (good[0] + bytes(corrupt) + good[1] + gzip.compress(wrong) + good[2] + huge
            + good[3] + cut[:len(cut) // 2])
    return data, [f"https://ex.org/g{i}.html" for i in range(4)]


def test_bad_records_are_skipped_with_a_reason_and_the_rest_read(tmp_path):
    data, good = bad_file()
    (tmp_path / "bad.warc.gz").write_bytes(data)
    entries = list(read_responses(tmp_path / "bad.warc.gz", max_size=1_000_000))
    assert [e.url for e in entries if isinstance(e, ArchivedResponse)] == good
    assert sorted(e.reason for e in entries if isinstance(e, Skipped)) == [
        "bad-length", "corrupt-gzip", "cut-short", "too-large"]


def test_bad_records_in_an_uncompressed_file(tmp_path):
    def plain(name: str, i: int) -> bytes:
        return gzip.decompress(member(page(f"https://ex.org/{name}.html", article_html(i).encode())))

    wrong = re.sub(rb"Content-Length: (\d+)\r\n\r\nHTTP",
                   lambda m: b"Content-Length: %d\r\n\r\nHTTP" % (int(m.group(1)) + 999),
                   plain("wrong", 5))
    data = (plain("g0", 0) + plain("broken", 1)[:300] + wrong + plain("g2", 2)
            + plain("g3", 3)[:-300])
    (tmp_path / "bad.warc").write_bytes(data)
    entries = list(read_responses(tmp_path / "bad.warc"))
    assert [e.url for e in entries if isinstance(e, ArchivedResponse)] == [
        "https://ex.org/g0.html", "https://ex.org/g2.html"]
    assert [e.reason for e in entries if isinstance(e, Skipped)] == [
        "bad-length", "bad-length", "cut-short"]


@pytest.mark.slow
def test_warc_command_on_bad_input_writes_the_good_items(tmp_path):
    data, good = bad_file()
    (tmp_path / "bad.warc.gz").write_bytes(data)
    result = run_warc(str(tmp_path / "bad.warc.gz"), "-O", str(tmp_path / "out.jsonl"),
                      "-s", "DOWNLOAD_MAXSIZE=1000000", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(i["url"] for i in items(tmp_path / "out.jsonl")) == good
    for reason in ("corrupt-gzip", "bad-length", "too-large", "cut-short"):
        assert stat(result.stderr, f"newscrawl/skipped/warc-{reason}") == 1, reason


# --- the writer's files ----------------------------------------------------------------------
def test_a_killed_crawls_part_file_is_cut_after_its_last_complete_record(tmp_path):
    files = WarcFiles(tmp_path, "newscrawl-x", 1 << 30, {"software": "test"})
    for i in range(3):
        files.write([files.new_record(f"https://ex.org/{i}", "response",
                                      StatusAndHeaders("200 OK", [], protocol="HTTP/1.1"),
                                      b"<p>%d</p>" % i, {})])
    part = tmp_path / "newscrawl-x-00000.warc.gz.part"
    part.write_bytes(part.read_bytes()[:-25])  # a record half written when the crawl died
    files.raw.close()  # the dead crawl's lock goes with it
    assert repair_warc_parts(tmp_path) == [tmp_path / "newscrawl-x-00000.warc.gz"]
    with open(tmp_path / "newscrawl-x-00000.warc.gz", "rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds == ["warcinfo", "response", "response"]


def write_pages(folder: Path, level: int, pages: int = 3) -> Path:
    files = WarcFiles(folder, "newscrawl-x", 1 << 30, {"software": "test"}, gzip_level=level)
    body = b"<html><body>" + b"<p>The harbour council met on Tuesday.</p>" * 200
    for i in range(pages):
        files.write([files.new_record(f"https://ex.org/{i}", "response",
                                      StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                                       protocol="HTTP/1.1"),
                                      body + b"%d" % i, {})])
    files.close()
    return files.finished[0]


def test_each_record_is_one_gzip_member_at_the_gzip_level_set(tmp_path):
    import zlib

    sizes = {}
    for level in (0, 1, 9):
        path = write_pages(tmp_path / str(level), level)
        data, members = path.read_bytes(), 0
        while data:  # one gzip member after another, each a whole record
            inflater = zlib.decompressobj(31)
            record = inflater.decompress(data)
            assert record.startswith(b"WARC/1.1\r\n") and record.endswith(b"\r\n\r\n")
            data, members = inflater.unused_data, members + 1
        assert members == 4  # warcinfo + 3 responses
        assert check_digests(path) == {"warcinfo:pass": 1, "response:pass": 3}
        sizes[level] = path.stat().st_size
    assert sizes[0] > 3 * 8000 > sizes[1] >= sizes[9]  # level 0 stores, 1 and 9 compress


class FailingOnce:
    """A file whose first write fails after writing half its data (a full disk)."""

    def __init__(self, raw) -> None:
        self.raw, self.failed = raw, False

    def write(self, data: bytes) -> int:
        if not self.failed:
            self.failed = True
            self.raw.write(data[:len(data) // 2])
            raise OSError(28, "No space left on device")
        return self.raw.write(data)

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


def test_a_failed_write_leaves_no_half_record_in_the_finished_file(tmp_path):
    files = WarcFiles(tmp_path, "newscrawl-x", 1 << 30, {"software": "test"})
    record = lambda i: files.new_record(  # noqa: E731
        f"https://ex.org/{i}", "response", StatusAndHeaders("200 OK", [], protocol="HTTP/1.1"),
        b"<p>%d</p>" % i * 500, {})
    files.write([record(0)])
    files.raw = FailingOnce(files.raw)
    with pytest.raises(OSError, match="No space"):
        files.write([record(1)])
    files.write([record(2)])
    files.close()
    assert whole_records(files.finished[0]) == ["warcinfo", "response", "response"]
    with open(files.finished[0], "rb") as fh:
        urls = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)]
    assert urls == [None, "https://ex.org/0", "https://ex.org/2"]


def test_every_record_names_the_warcinfo_of_its_own_file(tmp_path):
    files = WarcFiles(tmp_path, "newscrawl-x", 3000, {"software": "test"})
    for i in range(6):
        files.write([files.new_record(f"https://ex.org/{i}", "response",
                                      StatusAndHeaders("200 OK", [], protocol="HTTP/1.1"),
                                      os.urandom(1500), {})])
    files.close()
    assert len(files.finished) >= 3
    for path in files.finished:
        with open(path, "rb") as fh:
            records = [r.rec_headers for r in ArchiveIterator(fh)]
        info = records[0].get_header("WARC-Record-ID")
        assert [h.get_header("WARC-Warcinfo-ID") for h in records[1:]] == [info] * (
            len(records) - 1), path


def test_a_queue_of_zero_writes_on_the_callers_thread(tmp_path):
    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler

    from newscrawl.archive.writer import WarcWriterMiddleware
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_WARC_DIR": str(tmp_path),
                                       "NEWSCRAWL_WARC_QUEUE": "0",
                                       "NEWSCRAWL_WARC_MAX_SIZE": "1000000"})
    crawler.stats.open_spider()
    middleware = WarcWriterMiddleware.from_crawler(crawler)
    middleware.spider_opened(NewsSpider(start_urls="https://ex.org/"))
    assert not middleware.thread.is_alive()
    url = "https://ex.org/a.html"
    response = Response(url, status=200, headers={"Content-Type": "text/html"}, body=b"<p>a</p>")
    assert middleware.process_response(Request(url), response) is response
    part = next(tmp_path.glob("*.warc.gz.part"))
    assert whole_records(part) == ["warcinfo", "request", "response"], "written at once"
    middleware.spider_closed(None)
    assert [p.name.endswith(".warc.gz") for p in tmp_path.iterdir()] == [True]
    assert crawler.stats.get_value("newscrawl/warc/records_written") == 2


def test_the_gzip_level_comes_from_the_setting(tmp_path):
    from scrapy.utils.test import get_crawler

    from newscrawl.archive.writer import WarcWriterMiddleware
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_WARC_DIR": str(tmp_path),
                                       "NEWSCRAWL_WARC_GZIP_LEVEL": "2"})
    middleware = WarcWriterMiddleware.from_crawler(crawler)
    middleware.spider_opened(NewsSpider(start_urls="https://ex.org/"))
    assert middleware.files.gzip_level == 2


def test_fleet_workers_write_their_own_files(tmp_path):
    from scrapy.utils.test import get_crawler

    from newscrawl.archive.writer import WarcWriterMiddleware
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_WARC_DIR": str(tmp_path),
                                       "NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0",
                                       "NEWSCRAWL_REDIS_WORKER_ID": "host-12-abc"})
    middleware = WarcWriterMiddleware.from_crawler(crawler)
    middleware.spider_opened(NewsSpider(start_urls="https://ex.org/"))
    assert middleware.files.stem.endswith("-host-12-abc")
    assert middleware.files.info["worker"] == "host-12-abc"


# --- many files: shards, resume --------------------------------------------------------------
def many_files(folder: Path, files: int, per_file: int) -> list[str]:
    """``files`` WARC files of ``per_file`` distinct articles each; returns every URL."""
    folder.mkdir(parents=True, exist_ok=True)
    urls = []
    for f in range(files):
        records = []
        for i in range(per_file):
            n = f * per_file + i
            urls.append(f"https://gazette.example/news/story-{n}.html")
            records.append(page(urls[-1], article_html(n).encode()))
        write_records(folder / f"part-{f:03d}.warc.gz", records, version="1.1")
    return urls


def test_shards_cover_every_record_once(tmp_path):
    many_files(tmp_path / "w", 7, 3)
    paths = expand_paths([str(tmp_path / "w")])
    assert parse_shard("3/3") == (3, 3)
    seen = []
    for index in range(1, 4):
        for path in shard(paths, index, 3):
            seen += [e.record_id for e in read_responses(path)]
    everything = [e.record_id for p in paths for e in read_responses(p)]
    assert len(everything) == 21 and sorted(seen) == sorted(everything)
    with pytest.raises(ValueError):
        parse_shard("0/3")


@pytest.mark.slow
def test_records_are_read_no_faster_than_the_crawl_takes_them(tmp_path):
    urls = many_files(tmp_path / "w", 1, 300)
    result = run_warc(str(tmp_path / "w"), "-O", str(tmp_path / "out.jsonl"),
                      "-s", "CONCURRENT_REQUESTS=16", "-s", "NEWSCRAWL_PAGE_WORKERS=1",
                      cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(items(tmp_path / "out.jsonl")) == len(urls)
    # pages read, downloading, in the page worker, their items in the pipelines: at most
    # 2 × CONCURRENT_REQUESTS (+1: a page's item is counted before the page is done)
    assert 0 < stat(result.stderr, "newscrawl/warc/max_in_flight") <= 33


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["0", "1"])
def test_an_interrupted_run_resumes_and_writes_every_item_once(tmp_path, workers):
    urls = many_files(tmp_path / "w", 8, 60)
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "newscrawl", "warc", str(tmp_path / "w"), "-O", str(output),
               "-s", "NEWSCRAWL_STORE=", "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}"]
    first = subprocess.Popen(command, cwd=tmp_path, env={**os.environ, **ENV},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = tmp_path / "out.jsonl.warc-progress"
    deadline = time.monotonic() + 200
    while time.monotonic() < deadline and first.poll() is None:
        if state.exists() and json.loads(state.read_text() or '{"done": []}')["done"]:
            if output.exists() and output.read_bytes().count(b"\n") > 90:
                break
        time.sleep(0.05)
    assert first.poll() is None, "the run ended before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait()
    written = len(items(output))
    assert 0 < written < len(urls)
    again = run_warc(str(tmp_path / "w"), "-O", str(output), "-s",
                     f"NEWSCRAWL_PAGE_WORKERS={workers}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "resuming: " in again.stderr
    assert stat(again.stderr, "newscrawl/warc/files_resumed") >= 1
    union = [i["url"] for i in items(output)]
    assert sorted(union) == sorted(urls), "every record's item exactly once"
    assert not state.exists()


@pytest.mark.slow
def test_shards_run_on_a_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed "
                        "(pip install 'newscrawl[dask]')")
    from dask.distributed import Client, LocalCluster

    from newscrawl.archive.engine import run_shard

    urls = many_files(tmp_path / "w", 5, 4)
    outputs = [str(tmp_path / f"items-{i}.jsonl") for i in (1, 2, 3)]
    extra = ("-s", "NEWSCRAWL_PAGE_WORKERS=0", "-s", "NEWSCRAWL_STORE=")
    with (LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                       host="127.0.0.1") as cluster, Client(cluster) as client):
        futures = [client.submit(run_shard, [str(tmp_path / "w")], i, 3, outputs[i - 1], extra,
                                 pure=False) for i in (1, 2, 3)]
        shards = client.gather(futures)
    assert [s["returncode"] for s in shards] == [0, 0, 0], shards
    union = [i["url"] for out in outputs for i in items(Path(out))]
    assert sorted(union) == sorted(urls)
    assert all(items(Path(out)) for out in outputs), "five files over three shards: none empty"


def test_record_dates_filter_before_extraction():
    from newscrawl.archive.spider import WarcSpider

    spider = WarcSpider(since="2024-05-02", until="2024-05-03", date="record",
                        domains="example.org")

    def entry(url: str, date: str) -> ArchivedResponse:
        return ArchivedResponse(url, 200, [], b"<html></html>", date, "<urn:x>", 0)

    assert spider.unwanted(entry("https://example.org/a", "2024-05-01T23:59:59Z")) == "date"
    assert spider.unwanted(entry("https://example.org/a", "2024-05-03T23:00:00Z")) is None
    assert spider.unwanted(entry("https://example.org/a", "2024-05-04T00:00:01Z")) == "date"
    assert spider.unwanted(entry("https://www.example.com/a", "2024-05-02")) == "off-domain"
    assert not spider.too_old("2020-01-01"), "record mode leaves the article's date alone"
    with pytest.raises(ValueError):
        WarcSpider(date="published")


@pytest.mark.slow
def test_warc_reads_records_without_a_request_each_with_and_without_workers(tmp_path):
    urls = many_files(tmp_path / "w", 2, 40)
    runs = {}
    for workers in ("0", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        result = run_warc(str(tmp_path / "w"), "-O", str(out), "-s",
                          f"NEWSCRAWL_PAGE_WORKERS={workers}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        # the records became items in the page path: no Scrapy request, no download
        assert stat(result.stderr, "downloader/request_count") == 0
        assert stat(result.stderr, "scheduler/enqueued") == 0
        assert stat(result.stderr, "response_received_count") == len(urls)
        assert stat(result.stderr, "newscrawl/fetched") == len(urls)
        assert stat(result.stderr, "newscrawl/warc/records/response") == len(urls)
        assert stat(result.stderr, "newscrawl/articles_found") == len(urls)
        assert "nothing could be fetched" not in result.stderr
        runs[workers] = {i["url"]: {**i, "crawled_at": None} for i in items(out)}
    assert sorted(runs["0"]) == sorted(urls)
    assert runs["0"] == runs["2"], "in the crawl process or in two page workers: one result"


def test_read_records_gives_each_record_its_outcome(tmp_path):
    from newscrawl.archive.pages import ReadOptions, RecordFilter, read_records
    from newscrawl.archive.records import record_blocks

    path = tmp_path / "cc.warc.gz"
    write_records(path, cc_news_records())
    blocks = [(offset, data) for offset, data, problem in record_blocks(path)]
    outcomes, counts = read_records(blocks, ReadOptions(
        RecordFilter(domains=("example.org",)), max_size=1 << 20, profiles_enabled=False))
    assert len(outcomes) == len(blocks) == 9, "one outcome a record"
    by_url = {o.url.rsplit("/", 1)[-1]: o for o in outcomes if not o.empty}
    assert [o.empty for o in outcomes].count(True) == 3  # warcinfo, request, metadata
    assert sorted(u for u, o in by_url.items() if o.fields) == ["a.html", "b.html", "c.html"]
    assert by_url["c.html"].truncated and by_url["a.html"].stats == ["articles_found"]
    assert by_url["photo.jpg"].skip == "warc-not-html" and not by_url["photo.jpg"].answered
    assert by_url["old.html"].skip == "warc-redirect"
    assert by_url["d.html"].skip == "warc-off-domain" and by_url["d.html"].answered
    assert "blocks" in by_url["a.html"].fields, "cleaned by the site's worker, not here"
    assert counts == {"warcinfo": 1, "request": 1, "metadata": 1, "response": 6}
