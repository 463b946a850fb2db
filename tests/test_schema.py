"""The item class, the JSON Schema, the feed's field list and the README agree."""

from __future__ import annotations

import re

from newscrawl.output.items import ARTICLE_FIELDS, ArticleItem
from newscrawl.output.validation import article_schema, drop_reason, schema_errors
from newscrawl.settings import FEED_EXPORT_FIELDS
from tests.conftest import ROOT

GOOD = {
    "id": "c4ed1c218d14a0f1", "url": "https://example.com/a", "canonical_url": "https://example.com/a",
    "title": "A headline", "subtitle": None, "authors": ["Jane Doe"], "author_organizations": [],
    "published": "2024-05-03T10:00:00+02:00", "modified": None, "language": "en",
    "section": "World", "tags": [], "site_name": "Example", "paragraphs": ["word " * 50],
    "subheadings": [], "body": "word " * 50, "word_count": 50,
    "crawled_at": "2024-05-03T10:00:00+00:00", "removed": [{"text": "Donate", "rule": "dom:donate"}],
}


def test_schema_properties_are_the_item_fields():
    schema_fields = set(article_schema()["properties"])
    item_fields = set(ArticleItem.fields) - {"blocks"}
    assert set(ARTICLE_FIELDS) <= schema_fields
    assert set(FEED_EXPORT_FIELDS) == schema_fields
    assert set(ARTICLE_FIELDS) <= item_fields


def test_readme_documents_every_article_field():
    readme = (ROOT / "README.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)`", readme, re.M))
    documented |= set(re.findall(r"^\| `[a-z_]+`, `([a-z_]+)`", readme, re.M))
    assert set(ARTICLE_FIELDS) - documented == set()


def test_valid_item_passes_and_broken_ones_fail_with_reasons():
    assert schema_errors(GOOD) == []
    assert drop_reason(GOOD) is None
    assert drop_reason({**GOOD, "title": "  "}) == "no-title"
    assert drop_reason({**GOOD, "word_count": 3}) == "too-short"
    assert drop_reason({**GOOD, "published": "yesterday"}) == "schema-invalid"
    assert schema_errors({**GOOD, "published": "yesterday"}) == [
        "data.published must match pattern "
        r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"]
    assert schema_errors({**GOOD, "colour": "red"}) == ["data must not contain {'colour'} properties"]
