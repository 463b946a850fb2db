"""Read a corpus in the news-dev format: ``gold.jsonl`` plus ``pages/<id>.html.gz``.

The corpus is never copied into this repository; every benchmark takes its path
as an argument (default ``../shared/corpus/news-dev`` next to the checkout).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-dev"


@dataclass(slots=True)
class Page:
    id: str
    url: str
    html: bytes
    gold: dict

    @property
    def language_hint(self) -> str:
        """The country part of the id (``de-Spiegel-…`` → ``de``), for grouping."""
        return self.id.split("-", 1)[0]


def iter_pages(corpus: str | Path = DEFAULT_CORPUS, limit: int | None = None,
               only: str | None = None) -> Iterator[Page]:
    """Yield the corpus pages in gold order; ``only`` keeps ids containing it."""
    corpus = Path(corpus)
    with open(corpus / "gold.jsonl", encoding="utf-8") as fh:
        count = 0
        for line in fh:
            gold = json.loads(line)
            if only and only not in gold["id"]:
                continue
            path = corpus / "pages" / f"{gold['id']}.html.gz"
            if not path.exists():
                continue
            yield Page(gold["id"], gold["url"], gzip.decompress(path.read_bytes()), gold)
            count += 1
            if limit and count >= limit:
                return
