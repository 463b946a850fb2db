"""Page workers (newscrawl/workers.py): page work in other processes, same results."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.api import read_page
from newscrawl.cleaning import RuleFileError
from newscrawl.extraction.model import Block
from newscrawl.output.fingerprint import compute_band_keys, minhash
from newscrawl.workers import (
    PagePool,
    WorkerCrashed,
    clean_in_worker,
    crawl_cleaner,
    read_page_in_worker,
    worker_count,
)
from tests.conftest import FAST, SAMPLES, read_jsonl, run_crawl

CLEANER = {"NEWSCRAWL_RULE_FILES": [], "NEWSCRAWL_REPEAT_MAX_SITES": 100,
           "NEWSCRAWL_REPEAT_MAX_ENTRIES": 100, "NEWSCRAWL_REPEAT_THRESHOLD": 3,
           "NEWSCRAWL_MIN_WORDS": 0}
ARTICLE = SAMPLES / "world" / "2024" / "05" / "03" / "port-strike-ends.html"
TOPICS = ("the budget", "a new bridge", "school meals")
BOILER = "The Harbour Gazette is owned by Gazette Media Group of Springfield."
#: A story is more than its site's boilerplate (repetition takes at most half a body).
STORY_TAIL = "A vote is expected next month, after a consultation that runs to the summer."


class Stats(dict):
    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] = self.get(key, 0) + count

    def max_value(self, key: str, value: int) -> None:
        self[key] = max(self.get(key, value), value)


def fail(message: str) -> None:
    raise ValueError(message)


def die() -> None:
    os._exit(3)


def run(coroutine_function, *args):
    return asyncio.run(coroutine_function(*args))


def test_worker_count_auto_uses_the_spare_cores_and_rejects_nonsense():
    assert [worker_count("auto", cores=n) for n in (1, 2, 3, 16)] == [0, 1, 2, 4]
    assert worker_count(None, cores=2) == 1 and worker_count(0) == 0 and worker_count("2") == 2
    for bad in ("many", -1):
        with pytest.raises(ValueError, match="NEWSCRAWL_PAGE_WORKERS"):
            worker_count(bad)


def test_a_page_read_in_a_worker_equals_the_page_read_here():
    body, url = ARTICLE.read_bytes(), "https://harbourgazette.example/world/2024/05/03/port-strike-ends.html"

    async def scenario():
        pool = PagePool(1, CLEANER)
        try:
            remote = await pool.call(read_page_in_worker, body, url, "utf-8", None, None)
            pid = await pool.call(os.getpid)
        finally:
            await pool.close()
        return remote, pid

    remote, pid = run(scenario)
    here = read_page(body, url, encoding="utf-8")
    assert pid != os.getpid()
    assert remote.verdict == here.verdict and remote.verdict.is_article
    assert remote.extraction == here.extraction


def test_one_sites_cleaning_goes_to_one_worker_so_repetition_counts_stay_whole():
    """Three articles of a site with the same paragraph: the third loses it
    (``repeat:site``, threshold 3) although two workers share the work."""
    def fields(site: str, n: int) -> dict:
        return {"canonical_url": f"https://{site}/news/{n}.html", "language": "en",
                "title": f"Story {n}",
                "blocks": [Block(f"The council met and talked about {TOPICS[n]} in {site}. "
                                 f"{STORY_TAIL}"), Block(BOILER)]}

    async def scenario():
        pool = PagePool(2, CLEANER)
        removed = {}
        try:
            for n in range(3):
                for site in ("a.example", "b.example", "c.example"):
                    (cleaned, rules, _), (signature, bands) = await pool.call(
                        clean_in_worker, fields(site, n), True, route=site)
                    assert signature == minhash(cleaned["body"])
                    assert bands == compute_band_keys(signature)
                    removed[site, n] = rules
        finally:
            await pool.close()
        return removed

    removed = run(scenario)
    for site in ("a.example", "b.example", "c.example"):
        assert [removed[site, n] for n in range(3)] == [[], [], ["repeat:site"]]


def test_an_exception_in_the_worker_is_raised_to_the_caller():
    async def scenario():
        pool = PagePool(1, CLEANER)
        try:
            with pytest.raises(ValueError, match="bad page"):
                await pool.call(fail, "bad page")
            return await pool.call(os.getpid)
        finally:
            await pool.close()

    assert run(scenario) != os.getpid()


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux pipes only")
def test_the_pipes_to_a_worker_hold_a_megabyte_so_it_never_waits_on_a_busy_crawl():
    import fcntl

    from newscrawl.workers import PIPE_BYTES

    async def scenario():
        pool = PagePool(1, CLEANER)
        try:
            await pool.call(os.getpid)
            process = pool._workers[0].process
            return [fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ)
                    for pipe in (process.stdin, process.stdout)]
        finally:
            await pool.close()

    assert PIPE_BYTES == 1 << 20
    assert run(scenario) == [PIPE_BYTES, PIPE_BYTES]


@pytest.mark.slow
def test_a_dead_worker_is_replaced_and_only_the_call_that_kills_it_fails():
    stats = Stats()

    async def scenario():
        pool = PagePool(1, CLEANER, stats)
        try:
            first = await pool.call(os.getpid)
            with pytest.raises(WorkerCrashed):
                await pool.call(die)
            second = await pool.call(os.getpid)
        finally:
            await pool.close()
        return first, second

    first, second = run(scenario)
    assert first != second  # a new process
    assert stats["newscrawl/workers/crashed"] == 2  # the call was tried twice
    assert stats["newscrawl/workers/max_rss"] > 10 * 2**20  # the live worker's peak


def test_worker_peak_memory_is_its_own_not_the_crawl_process_size_at_start():
    """``ru_maxrss`` survives exec: a worker started by a big crawl process would report
    that process's size. The stat must be the worker's own peak."""
    ballast = bytearray(400 * 2**20)
    for i in range(0, len(ballast), 4096):  # touched: resident in this process
        ballast[i] = 1
    stats = Stats()

    async def scenario():
        pool = PagePool(1, CLEANER, stats)
        try:
            await pool.call(os.getpid)
        finally:
            await pool.close()

    run(scenario)
    assert len(ballast) == 400 * 2**20
    assert 10 * 2**20 < stats["newscrawl/workers/max_rss"] < 300 * 2**20


def test_inline_pool_runs_in_the_caller():
    async def scenario():
        pool = PagePool(0, CLEANER)
        assert pool.inline
        return await pool.call(os.getpid)

    assert run(scenario) == os.getpid()


def test_a_worker_reads_pages_before_and_without_its_cleaner():
    """The cleaner is built with the first cleaning call: reads never wait for it, and
    settings it cannot be built from fail the cleaning calls only, with the reason."""
    body, url = ARTICLE.read_bytes(), "https://harbourgazette.example/world/2024/05/03/port-strike-ends.html"
    broken = {**CLEANER, "NEWSCRAWL_RULE_FILES": ["/nonexistent/rules.toml"]}
    blocks = [Block(text="One paragraph of story text.", index=0)]

    async def scenario():
        pool = PagePool(1, broken)
        try:
            page = await pool.call(read_page_in_worker, body, url, "utf-8", None, None)
            with pytest.raises(RuleFileError, match="/nonexistent/rules.toml"):
                await pool.call(clean_in_worker, {"blocks": blocks, "title": "T"}, False)
            return page
        finally:
            await pool.close()

    assert run(scenario).verdict.is_article


def test_start_launches_every_worker_before_the_first_call():
    async def scenario():
        pool = PagePool(2, CLEANER)
        try:
            pool.start()
            started = [w.process.pid for w in pool._workers]
            answered = {await pool.call(os.getpid) for _ in range(2)}
            return started, answered
        finally:
            await pool.close()

    started, answered = run(scenario)
    assert len(set(started)) == 2 and answered == set(started)


def test_the_worker_side_and_the_offline_api_import_no_scrapy():
    """A page worker starts without Scrapy, Twisted and asyncio (a third of a second
    of imports that the crawl's first pages waited for)."""
    code = ("import sys, newscrawl.pageworker, newscrawl.api; "
            "print(sorted(m for m in ('scrapy', 'twisted', 'asyncio') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"


class Unpicklable(Exception):
    def __init__(self, page: str, reason: str) -> None:
        super().__init__(f"{page}: {reason}")


def raise_unpicklable() -> None:
    raise Unpicklable("page.html", "broken")


def test_an_exception_that_does_not_unpickle_reaches_the_caller_by_name():
    async def scenario():
        pool = PagePool(1, CLEANER, stats := Stats())
        try:
            with pytest.raises(RuntimeError, match=r"test_workers\.Unpicklable: page\.html: broken"):
                await pool.call(raise_unpicklable)
            return stats
        finally:
            await pool.close()

    assert "newscrawl/workers/crashed" not in run(scenario)  # the worker lived on


def test_crawl_cleaner_reads_the_crawl_settings():
    cleaner = crawl_cleaner({**CLEANER, "NEWSCRAWL_REPEAT_THRESHOLD": 2})
    assert cleaner.repetition is not None and cleaner.repetition.threshold == 2


@pytest.mark.slow
def test_samples_crawl_with_two_workers_writes_what_the_inline_crawl_writes(tmp_path: Path):
    outputs = {}
    for workers in (0, 2):
        out = tmp_path / f"w{workers}.jsonl"
        result = run_crawl("-O", str(out), *FAST, "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}",
                           cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "newscrawl/workers/crashed" not in result.stderr
        assert ("newscrawl/workers/max_rss" in result.stderr) == bool(workers)
        items = sorted(read_jsonl(out), key=lambda item: item["id"])
        for item in items:
            item.pop("crawled_at")
        outputs[workers] = json.dumps(items, sort_keys=True)
    assert len(json.loads(outputs[0])) == 8
    assert outputs[2] == outputs[0]


def test_a_bad_worker_count_stops_the_crawl_before_it_starts(tmp_path: Path):
    result = run_crawl("-O", str(tmp_path / "out.jsonl"), *FAST,
                       "-s", "NEWSCRAWL_PAGE_WORKERS=many", cwd=tmp_path)
    assert result.returncode != 0
    assert "NEWSCRAWL_PAGE_WORKERS: expected auto or a number, got 'many'" in result.stderr
    assert not (tmp_path / "out.jsonl").exists() or (tmp_path / "out.jsonl").read_text() == ""
