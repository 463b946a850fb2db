"""Distributed crawling, piece by piece, on a real redis-server (no crawl, no mocks)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time

import pytest
import redis
from scrapy.settings import Settings

from newscrawl.discovery.sites import Site, SitesFileError
from newscrawl.distributed.addon import RedisAddon, worker_feed_uri
from newscrawl.distributed.frontier import Frontier
from newscrawl.distributed.keys import Keys
from newscrawl.distributed.start_points import parse_start_point, site_from_json, site_to_json
from newscrawl.distributed.store import RedisEmittedStore
from tests.conftest import ROOT
from tests.test_distributed import redis_url  # noqa: F401 - the fixture

KEYS = Keys("t")


@pytest.fixture
def server(redis_url):  # noqa: F811
    return redis.Redis.from_url(redis_url)


def test_pop_leases_and_release_forgets(server):
    a = Frontier(server, KEYS, "a")
    assert a.push(b"req-1", -0, "fp1") is True
    assert a.push(b"req-1-again", -0, "fp1") is False  # same fingerprint: filtered
    assert a.push(b"req-2", -5, None) is True  # priority 5 comes first
    assert a.pop("0") == b"req-2"
    assert a.pop("1") == b"req-1"
    assert a.pop("2") is None
    assert server.hgetall(KEYS.leases("a")) == {b"0": b"-5|req-2", b"1": b"0|req-1"}
    assert a.outstanding() == 2
    a.release("0", "1")
    assert a.outstanding() == 0


def test_dead_workers_leases_go_back_live_ones_stay(server):
    alive, dead, reaper = (Frontier(server, KEYS, w) for w in ("alive", "dead", "reaper"))
    for frontier in (alive, dead):
        frontier.beat(0.3)
        frontier.push(frontier.worker.encode(), -1, None)
    assert {alive.pop("0"), dead.pop("0")} == {b"alive", b"dead"}
    alive.beat(60)
    time.sleep(0.4)  # dead's heartbeat expires
    assert reaper.reclaim_dead() == 1
    assert server.zrange(KEYS.frontier, 0, -1, withscores=True) == [(b"dead", -1.0)]
    assert server.exists(KEYS.leases("dead")) == 0
    assert server.smembers(KEYS.workers) == {b"alive"}
    assert server.hlen(KEYS.leases("alive")) == 1
    assert reaper.reclaim_dead() == 0


def test_leaving_worker_gives_back_unfinished_work(server):
    w = Frontier(server, KEYS, "w")
    w.beat(60)
    w.push(b"r", 0, None)
    w.pop("0")
    server.rpush(KEYS.feeding("w"), b"https://ex.com/")
    assert w.leave() == 1
    assert server.zcard(KEYS.frontier) == 1
    assert server.lrange(KEYS.start_urls, 0, -1) == [b"https://ex.com/"]
    assert server.exists(KEYS.heartbeat("w"), KEYS.leases("w"), KEYS.feeding("w")) == 0
    assert server.smembers(KEYS.workers) == set()


def _item(version: int = 1, body: str = "one two three four five six seven") -> dict:
    return {"id": "i1", "canonical_url": "https://ex.com/a", "body": body, "version": version,
            "published": "2024-05-03T10:00:00+00:00", "modified": None, "duplicate_of": None}


def test_an_article_version_is_claimed_once_and_recorded(server):
    a, b = RedisEmittedStore(server, KEYS, "a"), RedisEmittedStore(server, KEYS, "b")
    assert a.claim(_item()) is True
    assert b.claim(_item()) is False  # a is writing it
    assert a.get("https://ex.com/a") is None
    a.record(_item())
    stored = b.get("http://www.ex.com/a/")
    assert (stored.id, stored.version, stored.duplicate_of) == ("i1", 1, None)
    assert len(b) == 1
    assert b.claim(_item()) is False  # recorded
    assert server.hlen(KEYS.claims) == 0
    assert b.claim(_item(2, "changed text")) is True
    b.record(_item(2, "changed text"))
    assert a.get("https://ex.com/a").version == 2


def test_claims_of_a_dead_writer_are_dropped_with_its_leases(server):
    store = RedisEmittedStore(server, KEYS, "dead")
    Frontier(server, KEYS, "dead").beat(0.2)
    assert store.claim(_item()) is True
    time.sleep(0.3)
    Frontier(server, KEYS, "reaper").reclaim_dead()
    assert RedisEmittedStore(server, KEYS, "other").claim(_item()) is True


def test_near_duplicates_of_another_url_are_found(server):
    store = RedisEmittedStore(server, KEYS, "w")
    text = " ".join(f"word{i}" for i in range(200))
    store.record({**_item(body=text), "id": "orig"})
    assert store.near_duplicate(text + " credit", "https://ex.com/copy", 0.8) == "orig"
    assert store.near_duplicate(text, "https://ex.com/a", 0.8) is None  # itself
    assert store.near_duplicate("something else entirely here", "https://ex.com/b", 0.8) is None


def test_pushed_start_points():
    known = [Site("harbor", start_urls=["https://www.harbor.example/"], depth=1)]
    page = parse_start_point(b"https://harbor.example/world/", known)
    assert (page.name, page.start_urls, page.depth) == ("harbor", ["https://harbor.example/world/"], 1)
    new = parse_start_point(" https://other.example/ ", known)
    assert (new.name, new.allowed_domains) == ("other.example", ["other.example"])
    table = parse_start_point('{"name": "o", "feeds": "https://o.example/rss", "depth": 0}', [])
    assert (table.name, table.feeds, table.depth) == ("o", ["https://o.example/rss"], 0)
    assert site_from_json(site_to_json(table)) == table
    for bad in ("ftp://x.example/", "{}", '{"feeds": [1]}', '{"url": "https://x.example"}', "[1"):
        with pytest.raises(SitesFileError):
            parse_start_point(bad, known)


def test_addon_is_inert_without_the_setting():
    settings = Settings({"NEWSCRAWL_REDIS_URL": "", "FEEDS": {"a.jsonl": {}}})
    RedisAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert list(settings.getdict("FEEDS")) == ["a.jsonl"]


def test_addon_switches_scheduler_store_and_feeds():
    settings = Settings({"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0",
                         "NEWSCRAWL_REDIS_PREFIX": "p", "NEWSCRAWL_REDIS_WORKER_ID": "",
                         "FEEDS": {"out/a.jsonl": {"format": "jsonlines"}}})
    RedisAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "newscrawl.distributed.scheduler.LeasedScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["SCHEDULER_QUEUE_KEY"] == "p:requests"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert settings["NEWSCRAWL_REDIS_WORKER_ID"].count("-") >= 2
    assert settings["ITEM_PIPELINES"]["newscrawl.distributed.store.ClaimPipeline"] == 450
    # the fleet's store owner takes the place of the one-machine one
    assert settings["EXTENSIONS"]["newscrawl.output.emitted.EmittedArticles"] is None
    assert settings["EXTENSIONS"]["newscrawl.distributed.store.FleetArticles"] == 505
    assert list(settings.getdict("FEEDS")) == ["out/a-%(newscrawl_worker)s.jsonl"]
    assert worker_feed_uri("x-%(run_id)s.jsonl") == "x-%(run_id)s.jsonl"


def test_missing_extra_names_it():
    code = ("import sys; sys.modules['redis'] = None\n"
            "import newscrawl.distributed._imports")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    assert "pip install 'newscrawl[redis]'" in result.stderr


def test_requests_survive_the_queue_encoding():
    # the queue pickles request dicts, as scrapy-redis does: callbacks by name
    from scrapy import Request
    from scrapy.utils.request import request_from_dict

    from newscrawl.spiders.news import NewsSpider

    spider = NewsSpider(start_urls="https://ex.com/")
    request = Request("https://ex.com/a", callback=spider.parse_page, cb_kwargs={"depth": 1},
                      meta={"newscrawl_site": "arguments"})
    back = request_from_dict(pickle.loads(pickle.dumps(request.to_dict(spider=spider))),
                             spider=spider)
    assert (back.url, back.callback, back.cb_kwargs, back.meta["newscrawl_site"]) == (
        request.url, spider.parse_page, {"depth": 1}, "arguments")


def test_a_dead_writers_claims_whose_lines_it_wrote_are_recorded(server, tmp_path):
    import json

    from newscrawl.distributed.outputs import register_outputs, written_items

    dead = RedisEmittedStore(server, KEYS, "dead")
    written, unwritten = _item(), {**_item(), "canonical_url": "https://ex.com/b", "id": "i2"}
    assert dead.claim(written) and dead.claim(unwritten)
    feed = tmp_path / "out-dead.jsonl"
    feed.write_text(json.dumps(written) + "\n" + json.dumps(unwritten)[:30])  # killed mid-line
    register_outputs(server, KEYS, "dead", {str(feed)})
    reaper = RedisEmittedStore(server, KEYS, "reaper")
    assert reaper.settle("dead", written_items(server, KEYS, "dead")) == 1
    assert reaper.get("https://ex.com/a").id == "i1"
    assert Frontier(server, KEYS, "reaper").reclaim("dead") == 0
    assert reaper.claim(written) is False  # written once, stays written once
    assert reaper.claim(unwritten) is True  # to be written again
    assert server.exists(KEYS.outputs("dead"), KEYS.pending("dead")) == 0


def test_readme_lists_the_distributed_settings():
    from newscrawl import settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [n for n in dir(settings) if n.startswith("NEWSCRAWL_REDIS_")]
    assert len(names) == 5
    for name in names:
        assert f"| `{name}` |" in readme
