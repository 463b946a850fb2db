"""The article's field names, id and column types, without Scrapy.

:mod:`newscrawl.output.items` builds the Scrapy item from these. Extraction's offline
API (:func:`newscrawl.extract_article`) and the page workers need only the names and
the id, and so do not import Scrapy and Twisted (0.3 s at every start of a page
worker, which the first pages of a crawl wait for).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

#: Fields every written item has, in output order.
ARTICLE_FIELDS = (
    "id", "url", "canonical_url", "title", "subtitle", "authors", "author_organizations",
    "published", "published_raw", "modified", "modified_raw", "language", "section", "tags",
    "site_name", "paragraphs", "subheadings", "body", "word_count", "crawled_at",
    "article_confidence", "article_reason", "removed",
)


def article_id(canonical_url: str) -> str:
    """A stable id for an article: a hash of its canonical URL.

    >>> article_id("https://example.com/a")
    'c4ed1c218d14a0f1'
    """
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


_STRING = {"dtype": "string", "_type": "Value"}
_INT = {"dtype": "int64", "_type": "Value"}
_FLOAT = {"dtype": "float64", "_type": "Value"}
_STRINGS = {"feature": _STRING, "_type": "Sequence"}

#: Every field a feed line may have (``FEED_EXPORT_FIELDS``) → its column type, in the
#: serialised form of ``datasets.Features``. A nullable string is a string column (Arrow
#: columns are nullable); a list of strings is a ``Sequence`` (read as a list in every
#: ``datasets`` version); ``removed`` is a list of ``{text, rule, at}`` structs.
_HF_FEATURES: dict[str, Any] = {
    "id": _STRING, "url": _STRING, "canonical_url": _STRING, "title": _STRING,
    "subtitle": _STRING, "authors": _STRINGS, "author_organizations": _STRINGS,
    "published": _STRING, "published_raw": _STRING, "modified": _STRING,
    "modified_raw": _STRING, "language": _STRING, "section": _STRING, "tags": _STRINGS,
    "site_name": _STRING, "paragraphs": _STRINGS, "subheadings": _STRINGS, "body": _STRING,
    "word_count": _INT, "crawled_at": _STRING,
    "article_confidence": _FLOAT, "article_reason": _STRING,
    "removed": [{"text": _STRING, "rule": _STRING, "at": _INT}],
    "version": _INT, "content_hash": _STRING, "duplicate_of": _STRING,
}


def hf_features() -> dict[str, Any]:
    """The column types of a feed line, as ``datasets.Features.from_dict`` takes them.

    Without them ``datasets.load_dataset("json", data_files=[a, b])`` infers each
    file's types apart and fails when a field is null in every row of one file
    (``duplicate_of`` usually is). newscrawl does not depend on ``datasets``::

        from datasets import Features, load_dataset
        features = Features.from_dict(hf_features())
        ds = load_dataset("json", data_files=["a.jsonl", "b.jsonl"], features=features)

    A field left out of a line (``removed`` with ``NEWSCRAWL_KEEP_REMOVED=False``) is
    read as null. Dates stay strings: parse the column (one form, see
    :func:`newscrawl.extraction.dates.normalize_date`) where it is used.

    >>> hf_features()["tags"]
    {'feature': {'dtype': 'string', '_type': 'Value'}, '_type': 'Sequence'}
    """
    return copy.deepcopy(_HF_FEATURES)
