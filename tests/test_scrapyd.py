"""Scheduling with scrapyd: a real scrapyd on 127.0.0.1, the project deployed with
``scrapyd-deploy`` through a ``[deploy]`` target, the ``news`` spider scheduled twice on a
local site — the first job writes every article, the second (the next "hour") none — and
once on the sample site, whose cleaning (rules read from inside the zipped egg, in a page
worker started from it) must remove exactly what a local crawl of the same site removes."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newscrawl.output.validation import schema_errors
from tests.conftest import FAST, ROOT, SAMPLES, StaticServer, read_jsonl, run_crawl
from tests.test_scheduled_crawl import read_lines, write_article, write_index

#: a scrapyd server and deploys: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + endpoint, data=body, timeout=30) as response:
        return json.loads(response.read())


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _copy_project(dest: Path, scrapyd_url: str) -> None:
    """The project as a user's checkout would be, its deploy target pointing at our scrapyd."""
    shutil.copytree(ROOT / "newscrawl", dest / "newscrawl",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    cfg = (ROOT / "scrapy.cfg").read_text("utf-8")
    assert "url = http://127.0.0.1:6800/" in cfg
    (dest / "scrapy.cfg").write_text(cfg.replace("http://127.0.0.1:6800/", scrapyd_url), "utf-8")


def _run_job(api: str, start_url: str, store: Path, *settings: str) -> dict:
    job = _api(api, "schedule.json", [
        ("project", "newscrawl"), ("spider", "news"),
        ("start_urls", start_url),
        ("setting", "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True"),
        ("setting", "AUTOTHROTTLE_ENABLED=False"), ("setting", "DOWNLOAD_DELAY=0"),
        ("setting", f"NEWSCRAWL_STORE={store}"), *(("setting", s) for s in settings)])
    assert job["status"] == "ok", job

    def finished():
        jobs = _api(api, "listjobs.json?project=newscrawl")
        return next((j for j in jobs["finished"] if j["id"] == job["jobid"]), None)

    return _wait_for(finished, 120, "the scrapyd job")


def test_scrapyd_deploy_and_scheduled_crawls(tmp_path: Path):
    site, daemon, project = tmp_path / "site", tmp_path / "scrapyd", tmp_path / "project"
    for n in range(1, 5):
        write_article(site, n)
    write_index(site, [1, 2, 3, 4])
    daemon.mkdir()
    port = _free_port()
    (daemon / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {daemon / 'eggs'}\nlogs_dir = {daemon / 'logs'}\n"
        f"dbs_dir = {daemon / 'dbs'}\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n",
        "utf-8")
    api = f"http://127.0.0.1:{port}/"
    scrapyd = subprocess.Popen([str(BIN / "scrapyd")], cwd=daemon, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        def up():
            try:
                return _api(api, "daemonstatus.json")["status"] == "ok"
            except OSError:
                return False

        _wait_for(up, 60, "scrapyd to start")
        _copy_project(project, api)
        deploy = subprocess.run([str(BIN / "scrapyd-deploy")], cwd=project, check=False,
                                capture_output=True, text=True, timeout=180)
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        assert '"status": "ok"' in deploy.stdout + deploy.stderr
        assert _api(api, "listspiders.json?project=newscrawl")["spiders"] == ["news"]

        with StaticServer(site) as server:
            store = tmp_path / "emitted.sqlite3"
            first = _run_job(api, f"{server.base}news/index.html", store)
            second = _run_job(api, f"{server.base}news/index.html", store)
        with StaticServer(SAMPLES) as samples:
            start = f"{samples.base}index.html"
            # one page worker: cleaning runs in a process started from the egg
            cleaned = _run_job(api, start, tmp_path / "samples.sqlite3",
                               "NEWSCRAWL_PAGE_WORKERS=1")
            local = run_crawl("-a", f"start_urls={start}", *FAST,
                              "-O", str(tmp_path / "local.jsonl"), cwd=tmp_path)
            assert local.returncode == 0, local.stderr[-3000:]
    finally:
        scrapyd.terminate()
        scrapyd.wait(timeout=30)

    log = (daemon / first["log_url"].lstrip("/")).read_text("utf-8")
    assert "'item_scraped_count': 4" in log, log[-3000:]
    assert "'item_scraped_count'" not in (daemon / second["log_url"].lstrip("/")).read_text()
    files = sorted((daemon / "output").glob("news-*.jsonl"))  # jobs run in scrapyd's folder
    assert [len(read_lines(p)) for p in files[:2]] == [4, 0]
    items = read_lines(files[0])
    assert sorted(i["url"].rsplit("/", 1)[1] for i in items) == [
        f"story-number-{n:04d}.html" for n in range(1, 5)]
    assert all(schema_errors(i) == [] for i in items)

    # Cleaning under scrapyd: the same paragraphs removed, by the same rules, as locally.
    job_log = (daemon / cleaned["log_url"].lstrip("/")).read_text("utf-8")
    assert "'newscrawl/workers/max_rss'" in job_log, job_log[-3000:]
    assert "worker-crashed" not in job_log
    assert len(files) == 3
    here, there = _removed(read_jsonl(tmp_path / "local.jsonl")), _removed(read_lines(files[2]))
    assert sum(map(len, here.values())) >= 40  # the sample site has that much boilerplate
    assert there == here


def _removed(items: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """Each article's removed paragraphs as (rule, text), by URL."""
    return {i["url"]: sorted((r["rule"], r["text"]) for r in i["removed"]) for i in items}
