"""A worker's feed files, so that whoever reclaims a dead worker's work can read them.

A worker killed between writing an article's line and recording it in the store leaves
a claim behind that says neither "written" nor "not written". A reclaiming worker on the
same host reads the dead worker's files (registered here as ``host|/absolute/path``):
claims whose line is complete in a file are recorded (the article is written, and stays
written once), the others are dropped with the leases, to be written again. On another
host the files cannot be read and all of them are dropped: then an article can, rarely,
be written twice — never lost.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.extensions.feedexport import FeedExporter

from newscrawl.distributed.keys import Keys, decoded
from newscrawl.output.feedstorage import PART, complete_lines

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def feed_files(crawler: Crawler) -> set[str]:
    """The absolute paths of the local files this crawl's feeds write (now)."""
    exporter = crawler.get_extension(FeedExporter)
    paths = set()
    for slot in getattr(exporter, "slots", []) if exporter is not None else []:
        path = getattr(slot.storage, "path", None)
        if isinstance(path, str) and path:
            paths.add(os.path.abspath(path))
    return paths


def register_outputs(server: Redis, keys: Keys, worker: str, paths: set[str]) -> None:
    """Say which files ``worker`` writes on this host."""
    if paths:
        host = socket.gethostname()
        server.sadd(keys.outputs(worker), *(f"{host}|{p}" for p in sorted(paths)))


def written_items(server: Redis, keys: Keys, worker: str) -> list[dict[str, Any]]:
    """The items on complete lines of a (dead) worker's files that are on this host."""
    host = socket.gethostname()
    items: list[dict[str, Any]] = []
    for raw in server.smembers(keys.outputs(worker)):
        where, _, path = decoded(raw).partition("|")
        if where != host:
            continue
        for candidate in (path + PART, path):  # atomic feeds write NAME.part first
            if Path(candidate).is_file():
                items.extend(_items_in(Path(candidate)))
                break
    return items


def _items_in(path: Path) -> list[dict[str, Any]]:
    _, lines = complete_lines(path.read_bytes(), path.name.removesuffix(PART).endswith(".gz"))
    items = []
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "canonical_url" in item:
            items.append(item)
    return items
