"""Item validation: the checks an item passes before it is written.

Each failed check has a short reason, used in ``DropItem`` messages and in the
crawl stats (``newscrawl/dropped/<reason>``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import fastjsonschema

from newscrawl.datafiles import DataFileError, bundled

SCHEMA = ("schema", "article.schema.json")
"""Where the JSON Schema is shipped, inside the package (read with importlib.resources)."""


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    """The shipped JSON Schema of an output line.

    :class:`~newscrawl.datafiles.DataFileError` when it cannot be read: without it no item
    could be validated, so the crawl stops at start-up (:class:`ValidationPipeline
    <newscrawl.output.pipelines.ValidationPipeline>` loads it) instead of dropping them all.
    """
    path = bundled(*SCHEMA)
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(str(path), None, f"cannot read the bundled JSON schema ({exc}): the "
                            "installed newscrawl package is incomplete; reinstall it") from exc


@lru_cache(maxsize=1)
def validator() -> Any:
    """The compiled validator of :func:`article_schema` (compiled once per process)."""
    # fastjsonschema compiles the schema to Python once: ~100x faster per item than an
    # interpreting validator, which matters when every item of a crawl is checked.
    return fastjsonschema.compile(article_schema())


def schema_errors(item: Mapping[str, Any]) -> list[str]:
    """The first schema violation of ``item`` as a one-element list (empty when valid).

    >>> schema_errors({**valid_item, "published": "yesterday"})  # doctest: +SKIP
    ['data.published must match pattern ^\\d{4}-...']
    """
    try:
        validator()(dict(item))
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
