"""A small threaded HTTP server on 127.0.0.1 that produces one fault per path.

Used by the hostile-input tests to check that a crawl survives each fault,
retries what is worth retrying and counts the rest. Paths:

=========================  =====================================================
``/``                      index linking to every path below and the good pages
``/news/2024/05/0N/…``     good article pages (``good_article(n)``)
``/redirect-loop/<n>``     302 to ``/redirect-loop/<n+1>``, for ever
``/redirect?to=URL``       302 to URL (any host: metadata, loopback, off-site)
``/status/<code>``         that status, always
``/once/<code>/<n>``       that status the first time (429 with Retry-After: 1),
                           then good article ``n``
``/slow``                  sleeps 8 s before answering (beyond the test's timeout)
``/reset``                 promises 50 000 bytes, sends 1 000, resets the socket
``/trickle``               one byte every 0.2 s, for 20 s
``/bomb``                  64 MB of zeros gzipped to ~64 KB, ``Content-Encoding: gzip``
``/huge``                  a 20 MB page with ``Content-Length``
``/huge-stream``           a 20 MB page without length (read until close)
``/binary``                random bytes served as ``text/html``
``/deep``                  an article inside 10 000 nested ``<div>``
``/links``                 100 000 links on one page
``/charset/<enc>?…``       article in ``<enc>``; ``header=0`` and ``meta=0`` drop the
                           declaration from the ``Content-Type`` header / the page
=========================  =====================================================

Every request path is appended to :attr:`FaultServer.log`.
"""

from __future__ import annotations

import gzip
import io
import random
import socket
import struct
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, urlsplit

#: Text in each charset test page: one paragraph per script, as a browser shows it.
CHARSET_TEXT = {
    "cp1252": "Café owners in Zürich say “déjà vu” as prices rise — naïve hopes fade.",
    "shift_jis": "東京の港湾労働者は月曜日にストライキを終え、船の積み下ろしが再開された。",
    "gb18030": "北京的码头工人周一结束了罢工，船只的装卸工作重新开始。",
    "windows-1251": "Докеры в порту Санкт-Петербурга завершили забастовку в понедельник.",
}
CHARSET_LANG = {"cp1252": "en", "shift_jis": "ja", "gb18030": "zh", "windows-1251": "ru"}
GOOD_COUNT = 4

_WORDS = ["harbour", "workers", "returned", "to", "the", "docks", "on", "Monday", "after", "a", "week", "of", "talks", "that", "ended", "with", "a", "new", "agreement", "on", "pay", "shifts", "and", "safety", "rules", "for", "the", "container", "terminal"]


def good_path(n: int) -> str:
    return f"/news/2024/05/0{n}/good-story-{n}.html"


def article_html(title: str, paragraphs: list[str], *, lang: str = "en",
                 head_extra: str = "", published: str = "2024-05-03T08:00:00+00:00") -> str:
    """A plain news article page: JSON-LD NewsArticle, one ``<h1>``, paragraphs."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{head_extra}<title>{title}</title>'
            f'<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}">'
            f'<script type="application/ld+json">{{"@context": "https://schema.org", '
            f'"@type": "NewsArticle", "headline": "{title}", "datePublished": "{published}", '
            f'"author": {{"@type": "Person", "name": "Ana Ruiz"}}}}</script></head>'
            f'<body><article><h1>{title}</h1>{body}</article></body></html>')


def good_paragraphs(n: int) -> list[str]:
    rng = random.Random(n)
    return [" ".join(rng.choice(_WORDS) for _ in range(30)).capitalize() + "."
            for _ in range(5)]


def good_article(n: int) -> str:
    return article_html(f"Good story number {n} about the harbour", good_paragraphs(n))


def charset_paragraphs(enc: str, tag: str = "") -> list[str]:
    """The paragraphs of a charset page; ``tag`` keeps pages apart (no repeated paragraphs)."""
    text = CHARSET_TEXT[enc]
    return [f"{text} {tag}{letter}" if tag else text for letter in "abcdefghijkl"]


def charset_tag(header: bool, meta: bool) -> str:
    """Letters only: the repetition signal ignores digits."""
    return ("header" if header else "") + ("meta" if meta else "") or "none"


def charset_page(enc: str, meta: bool, tag: str = "") -> bytes:
    head = f'<meta charset="{enc}">' if meta else ""
    html = article_html(f"{CHARSET_TEXT[enc][:20]} {tag}".strip(), charset_paragraphs(enc, tag),
                        lang=CHARSET_LANG[enc], head_extra=head)
    return html.encode(enc)


@cache
def gzip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """``size`` zero bytes, gzipped (about 1/1000 of the size)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            gz.write(chunk)
    return buf.getvalue()


def deep_page(levels: int = 10_000) -> str:
    inner = article_html("Deep story", good_paragraphs(99))
    head, _, rest = inner.partition("<body>")
    return head + "<body>" + "<div>" * levels + rest.replace("</body>", "</div>" * levels + "</body>")


def links_page(count: int = 100_000) -> str:
    links = "".join(f'<a href="/tag/t{i}.html">t{i}</a> ' for i in range(count))
    return f"<html><head><title>Tags</title></head><body><div>{links}</div></body></html>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.log.append(self.path)
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        segs = [s for s in path.split("/") if s]
        try:
            self.route(path, segs, query)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, path: str, segs: list[str], query: dict[str, str]) -> None:
        if path == "/":
            return self.send(200, self.server.index().encode())
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path.startswith("/news/"):
            n = int(segs[-1].split("-")[-1].split(".")[0])
            return self.send(200, good_article(n).encode())
        if segs[:1] == ["redirect-loop"]:
            n = int(segs[1]) if len(segs) > 1 else 0
            return self.send(302, b"", headers={"Location": f"/redirect-loop/{n + 1}"})
        if path == "/redirect":
            return self.send(302, b"", headers={"Location": query.get("to", "/")})
        if segs[:1] == ["status"]:
            return self.send(int(segs[1]), b"<html><body>error</body></html>")
        if segs[:1] == ["once"]:
            return self.once(int(segs[1]), int(segs[2]))
        if path == "/slow":
            time.sleep(8)
            return self.send(200, good_article(98).encode())
        if path == "/reset":
            return self.reset()
        if path == "/trickle":
            return self.trickle()
        if path == "/bomb":
            return self.send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
        if path == "/huge":
            return self.send(200, b"<html><body><p>" + b"x" * (20 * 1024 * 1024) + b"</p>")
        if path == "/huge-stream":
            return self.stream(20 * 1024 * 1024)
        if path == "/binary":
            return self.send(200, random.Random(7).randbytes(200_000))
        if path == "/deep":
            return self.send(200, deep_page().encode())
        if path == "/links":
            return self.send(200, links_page(int(query.get("n", 100_000))).encode())
        if segs[:1] == ["charset"]:
            enc = segs[1]
            tag = charset_tag(query.get("header", "1") == "1", query.get("meta", "1") == "1")
            body = charset_page(enc, meta=query.get("meta", "1") == "1", tag=tag)
            ctype = "text/html" + (f"; charset={enc}" if query.get("header", "1") == "1" else "")
            return self.send(200, body, ctype)
        return self.send(404, b"<html><body>not found</body></html>")

    # --- ways of answering ------------------------------------------------------------------
    def send(self, status: int, body: bytes, ctype: str = "text/html",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def once(self, status: int, n: int) -> None:
        with self.server.lock:
            first = self.path not in self.server.answered
            self.server.answered.add(self.path)
        if first:
            return self.send(status, b"<html><body>busy</body></html>",
                             headers={"Retry-After": "1"} if status == 429 else None)
        return self.send(200, good_article(n).encode())

    def reset(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "50000")
        self.end_headers()
        self.wfile.write(b"<html><body><p>" + b"partial " * 125)
        self.wfile.flush()
        # SO_LINGER 0: close() sends RST instead of FIN, a reset mid-body.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.2)
            if self.server.stopping.is_set():
                break

    def stream(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"y" * 65536
        for _ in range(size // len(chunk)):
            self.wfile.write(chunk)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, links: list[str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.links = links
        self.log: list[str] = []
        self.lock = threading.Lock()
        self.answered: set[str] = set()
        self.stopping = threading.Event()

    def handle_error(self, request, client_address) -> None:
        pass  # clients hang up on /huge, /trickle …: that is the point, not an error

    def index(self) -> str:
        items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in self.links)
        return f"<html><head><title>Front page</title></head><body><ul>{items}</ul></body></html>"


#: The faulty paths linked from the index, besides the good articles.
FAULT_PATHS = ("/redirect-loop/0", "/status/404", "/status/500", "/status/503", "/slow",
               "/reset", "/trickle", "/bomb", "/huge", "/huge-stream", "/binary", "/deep",
               "/links", "/once/429/5", "/once/503/6")


class FaultServer:
    """The fault server on an ephemeral 127.0.0.1 port, in a thread (a context manager)."""

    def __init__(self, links: list[str] | None = None) -> None:
        if links is None:
            links = [good_path(n) for n in range(1, GOOD_COUNT + 1)] + list(FAULT_PATHS)
        self.httpd = _Server(links)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def log(self) -> list[str]:
        with self.httpd.lock:
            return list(self.httpd.log)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
