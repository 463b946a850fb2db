"""Shared fixtures: a real HTTP server on 127.0.0.1 and a ``scrapy crawl`` runner."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass


class LoopbackServer:
    """An HTTP server on 127.0.0.1 (ephemeral port) in a thread, used as a context manager."""

    def __init__(self, handler: Callable[..., BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class StaticServer(LoopbackServer):
    """Serve a folder on 127.0.0.1 on an ephemeral port, in a thread."""

    def __init__(self, folder: Path) -> None:
        super().__init__(functools.partial(_QuietHandler, directory=str(folder)))


@pytest.fixture
def samples_server():
    with StaticServer(SAMPLES) as server:
        yield server


def run_crawl(*args: str, cwd: Path | None = None, timeout: float = 180,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``scrapy crawl news ARGS…`` in a subprocess with the project's settings."""
    full_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
                "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *args],
        cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


#: Settings for crawling the local test server quickly (still obeying robots.txt). No
#: emitted-articles store (a later ``-s NEWSCRAWL_STORE=path`` wins): every crawl writes
#: every article, and no test leaves a store behind in the checkout.
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True", "-s", "LOG_LEVEL=INFO",
        "-s", "NEWSCRAWL_STORE=")
