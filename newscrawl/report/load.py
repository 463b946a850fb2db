"""Read items back from JSON Lines feeds (plain or gzipped)."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class FeedError(ValueError):
    """A feed file that cannot be read as JSON Lines."""


def iter_items(paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    """Every JSON object of every file, in file and line order.

    ``.gz`` files are decompressed. Blank lines are skipped; a line that is not a JSON
    object raises :class:`FeedError` naming the file and line, because figures computed
    over a silently truncated feed would mislead.

    >>> list(iter_items([]))
    []
    """
    for path in paths:
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8") as fh:
                yield from _parse_lines(fh, path)
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            raise FeedError(f"{path}: cannot read ({exc})") from exc


def read_items(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """All items of ``paths`` as a list (see :func:`iter_items`)."""
    return list(iter_items(paths))


def _parse_lines(lines: Iterable[str], path: Path) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FeedError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict):
            raise FeedError(f"{path}:{number}: not a JSON object")
        yield item
