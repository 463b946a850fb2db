"""Item validation: the checks an item passes before it is written.

Each failed check has a short reason, used in ``DropItem`` messages and in the
crawl stats (``newscrawl/dropped/<reason>``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import fastjsonschema


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    """The shipped JSON Schema of an output line."""
    text = resources.files("newscrawl").joinpath("schema/article.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> Any:
    # fastjsonschema compiles the schema to Python once: ~100x faster per item than an
    # interpreting validator, which matters when every item of a crawl is checked.
    return fastjsonschema.compile(article_schema())


def schema_errors(item: Mapping[str, Any]) -> list[str]:
    """The first schema violation of ``item`` as a one-element list (empty when valid).

    >>> schema_errors({**valid_item, "published": "yesterday"})  # doctest: +SKIP
    ['data.published must match pattern ^\\d{4}-...']
    """
    try:
        _validator()(dict(item))
    except fastjsonschema.JsonSchemaValueException as exc:
        return [exc.message]
    return []


def drop_reason(item: Mapping[str, Any], *, min_words: int = 40) -> str | None:
    """Why ``item`` must not be written, or None when it is fine.

    >>> drop_reason({"title": "", "word_count": 200})
    'no-title'
    """
    if not (item.get("title") or "").strip():
        return "no-title"
    if (item.get("word_count") or 0) < min_words:
        return "too-short"
    if schema_errors(item):
        return "schema-invalid"
    return None
