"""The User-Agent a site receives: ``newscrawl/0.1 (+CONTACT)``, never the ``{contact}``
placeholder, in a crawl and in both preview commands (read from a real local server's log)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler

import pytest
from scrapy.settings import Settings

from newscrawl import settings as project_settings
from newscrawl.useragent import ContactUserAgentAddon
from tests.conftest import FAST, LoopbackServer, run_crawl
from tests.test_preview import LOCAL, run_newscrawl, run_scrapy

#: end-to-end crawls and previews: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

DEFAULT_UA = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl)"
CONTACT = "mailto:crawler-team@example.org"


class _Recorder(BaseHTTPRequestHandler):
    """Answers every path with a small page; records (path, User-Agent) of each request."""

    seen: list[tuple[str, str | None]] = []
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        with self.lock:
            self.seen.append((self.path, self.headers.get("User-Agent")))
        body = b"<html><head><title>t</title></head><body><p>nothing here</p></body></html>"
        self.send_response(404 if self.path == "/robots.txt" else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    with LoopbackServer(_Recorder) as server:
        yield server


def _crawl(url: str, extra: tuple[str, ...], tmp_path) -> None:
    done = run_crawl("-a", f"start_urls={url}", "-s", "NEWSCRAWL_PAGE_WORKERS=0", *FAST,
                     *extra, "-O", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]


def _scrapy_preview(url: str, extra: tuple[str, ...], tmp_path) -> None:
    run_scrapy("preview", url, *LOCAL, *extra, cwd=tmp_path)


def _newscrawl_preview(url: str, extra: tuple[str, ...], tmp_path) -> None:
    run_newscrawl("preview", url, *LOCAL, *extra, cwd=tmp_path)


@pytest.mark.parametrize("run", [_crawl, _scrapy_preview, _newscrawl_preview],
                         ids=["crawl", "scrapy-preview", "newscrawl-preview"])
@pytest.mark.parametrize(("extra", "expected"), [
    ((), DEFAULT_UA),
    (("-s", f"NEWSCRAWL_CONTACT_URL={CONTACT}"), f"newscrawl/0.1 (+{CONTACT})"),
], ids=["default-contact", "contact-setting"])
def test_server_receives_filled_user_agent(recorder, tmp_path, run, extra, expected):
    run(recorder.base + "page.html", extra, tmp_path)
    paths = [path for path, _ in _Recorder.seen]
    assert "/robots.txt" in paths and "/page.html" in paths, _Recorder.seen
    assert {agent for _, agent in _Recorder.seen} == {expected}


def test_addon_keeps_the_priority_of_a_command_line_user_agent():
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("USER_AGENT", "mybot (+{contact}; {contact})", priority="cmdline")
    ContactUserAgentAddon().update_settings(settings)
    assert settings["USER_AGENT"] == ("mybot (+https://github.com/newscrawl/newscrawl; "
                                      "https://github.com/newscrawl/newscrawl)")
    assert settings.getpriority("USER_AGENT") == 40  # still above any project value
