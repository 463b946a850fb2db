"""Read a corpus in the news-dev format: ``gold.jsonl`` plus ``pages/<id>.html.gz``.

The corpora are never copied into this repository; every benchmark takes their
paths as arguments (default: ``shared/corpus/<name>`` in the nearest parent
directory of the checkout that has one, e.g. ``../shared/corpus`` beside the main
checkout, ``../../shared/corpus`` beside a worktree).

**The validation split.** :func:`split` puts about a quarter of every corpus in a
fixed *validation* split that is reported, never tuned on: no rule, threshold or
word list may be chosen by looking at a validation page or at the validation
rows of a benchmark. The rule is a hash of the page id, so it is the same on
every machine and for every corpus in this format, and needs no list kept beside
the corpus. It is per page rather than one whole corpus held out, so every corpus
has dev pages to analyse errors on and validation pages to confirm a change on;
the price is that a site with many pages (dragnet's blogs.nfl.com, the four
portals) has pages on both sides, which is why site-specific rules stay banned.
news-dev's validation rows are not blind: all of news-dev was tuned on before
the split existed; they are reported for regressions only.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


def _corpus_root() -> Path:
    """``shared/corpus`` in the nearest parent of this checkout that has one."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "shared" / "corpus"


CORPUS_ROOT = _corpus_root()
DEFAULT_CORPUS = CORPUS_ROOT / "news-dev"
#: The corpora of the multi-corpus extraction benchmark, in table order.
CORPORA = ("news-dev", "dragnet", "portals")

#: Fixed before any score of the split was seen; only the split sizes were checked.
_SPLIT_SALT = b"newscrawl-validation:"

Split = Literal["dev", "validation"]


def split(page_id: str) -> Split:
    """``"validation"`` for about one page id in four, ``"dev"`` for the rest.

    The first 32 bits of SHA-1(salt + id), modulo 4, are 0 for validation.

    >>> split("dragnet-100"), split("dragnet-105")
    ('dev', 'validation')
    """
    digest = hashlib.sha1(_SPLIT_SALT + page_id.encode("utf-8")).hexdigest()
    return "validation" if int(digest[:8], 16) % 4 == 0 else "dev"


#: The URL a page without one in its gold is given: a path with no date, id, slug or hub
#: word, so that every system decides from the page alone.
PLACEHOLDER = "https://corpus.invalid/{corpus}/{id}"


def page_url(corpus: str, page: Page) -> str:
    """The page's gold URL, or the neutral placeholder when the gold has none."""
    return page.url or PLACEHOLDER.format(corpus=corpus, id=page.id)


@dataclass(slots=True)
class Page:
    id: str
    url: str | None
    """The gold URL; None where the corpus does not know it (many dragnet pages)."""
    html: bytes
    gold: dict

    @property
    def language_hint(self) -> str:
        """The country part of the id (``de-Spiegel-…`` → ``de``), for grouping."""
        return self.id.split("-", 1)[0]

    @property
    def split(self) -> Split:
        return split(self.id)


def iter_pages(corpus: str | Path = DEFAULT_CORPUS, limit: int | None = None,
               only: str | None = None, which: str = "all") -> Iterator[Page]:
    """Yield the corpus pages in gold order; ``only`` keeps ids containing it,
    ``which`` (``dev``, ``validation`` or ``all``) keeps one split."""
    if which not in ("dev", "validation", "all"):
        raise ValueError(f"split {which!r}: expected dev, validation or all")
    corpus = Path(corpus)
    with open(corpus / "gold.jsonl", encoding="utf-8") as fh:
        count = 0
        for line in fh:
            gold = json.loads(line)
            if only and only not in gold["id"]:
                continue
            if which != "all" and split(gold["id"]) != which:
                continue
            path = corpus / "pages" / f"{gold['id']}.html.gz"
            if not path.exists():
                continue
            yield Page(gold["id"], gold.get("url"), gzip.decompress(path.read_bytes()), gold)
            count += 1
            if limit and count >= limit:
                return
