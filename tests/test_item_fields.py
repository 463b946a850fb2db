"""Item fields downstream tools read: the one date form, split keyword lists, and the
column types the item class, the JSON Schema, ``hf_features()`` and the README agree on."""

from __future__ import annotations

import json
import re

import pytest

from newscrawl import extract_article
from newscrawl.extraction.dates import ITEM_DATE, normalize_date
from newscrawl.extraction.meta import keywords
from newscrawl.output.assemble import date_from_listing
from newscrawl.output.fields import ARTICLE_FIELDS, hf_features
from newscrawl.output.items import ArticleItem
from newscrawl.output.validation import article_schema
from newscrawl.settings import FEED_EXPORT_FIELDS
from tests.conftest import ROOT

# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("2024-05-03T17:47:42+02:00", "2024-05-03T17:47:42+02:00"),        # the page's offset kept
    ("2024-05-03T15:47:42.389Z", "2024-05-03T15:47:42+00:00"),         # Z, fraction dropped
    ("2024-05-03T15:47:42+0200", "2024-05-03T15:47:42+02:00"),
    ("2024-05-03T09:15:00-04:00", "2024-05-03T09:15:00-04:00"),
    ("2024-05-03 15:47", "2024-05-03T15:47:00+00:00"),                 # no zone: UTC
    ("03.05.2024, 17:47 Uhr", "2024-05-03T17:47:00+00:00"),
    ("2024-05-03", "2024-05-03T00:00:00+00:00"),                       # bare date: midnight UTC
    ("2024/05/03", "2024-05-03T00:00:00+00:00"),
    ("3. Mai 2024", "2024-05-03T00:00:00+00:00"),
    ("May 3, 2024 5:47 pm", "2024-05-03T17:47:00+00:00"),
    ("Fri, 03 May 2024 17:47:42 +0200", "2024-05-03T17:47:42+02:00"),
    ("Fri, 03 May 2024 17:47:42 GMT", "2024-05-03T17:47:42+00:00"),
    ("1714751262", "2024-05-03T15:47:42+00:00"),
    ("1714751262389", "2024-05-03T15:47:42+00:00"),                    # milliseconds
    ("2024年5月3日", "2024-05-03T00:00:00+00:00"),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_normalize_date_gives_the_one_form(raw, expected):
    assert normalize_date(raw) == expected
    if expected is not None:
        assert ITEM_DATE.match(expected)


def test_item_dates_keep_the_pages_text_beside_the_one_form():
    html = _page(head='<meta property="article:published_time" content="2024-05-03T17:47:42.5Z">'
                      '<meta property="article:modified_time" content="2024-05-04">')
    item = extract_article(html, "https://news.example/news/harbour-reopens-after-storm.html")
    assert (item["published"], item["published_raw"]) == (
        "2024-05-03T17:47:42+00:00", "2024-05-03T17:47:42.5Z")
    assert (item["modified"], item["modified_raw"]) == ("2024-05-04T00:00:00+00:00", "2024-05-04")


def test_date_from_listing_dates_only_an_undated_item():
    undated = {"published": None, "published_raw": None}
    assert date_from_listing(undated, "2024-05-05T10:00:00.250000+02:00") == "dated_by_listing"
    assert undated == {"published": "2024-05-05T10:00:00+02:00", "published_raw": None}
    dated = {"published": "2024-05-03T00:00:00+00:00", "published_raw": "2024-05-03"}
    assert date_from_listing(dated, "2024-05-05T10:00:00+00:00") == "page"
    assert dated["published"] == "2024-05-03T00:00:00+00:00"
    still = {"published": None, "published_raw": None}
    assert date_from_listing(still, None) == "undated"
    assert still["published"] is None


# --- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("Hong Kong,Protest,Asia Pacific", ["Hong Kong", "Protest", "Asia Pacific"]),
    (["Hong Kong,Protest,Asia Pacific"], ["Hong Kong", "Protest", "Asia Pacific"]),
    ("Aktuelle Audios aus NRW; Feuerwehrleute; AOD", ["Aktuelle Audios aus NRW",
                                                      "Feuerwehrleute", "AOD"]),
    (["Cooperative Governance &amp; Traditional Affairs (CoGTA)", "Gauteng"],
     ["Cooperative Governance & Traditional Affairs (CoGTA)", "Gauteng"]),
    ("Politics,Federal Politics,Politics, politics ", ["Politics", "Federal Politics"]),
    ("Business, Finance, & Economics", ["Business, Finance, & Economics"]),
    (" , ;", []),
    (["Osnabrück", 3, None, "Lesen"], ["Osnabrück", "Lesen"]),
    (None, []),
])
def test_keywords_splits_trims_and_deduplicates(value, expected):
    assert keywords(value) == expected


def test_comma_joined_article_tags_become_one_tag_each():
    head = ('<meta property="article:tag" content="Hong Kong,Protest,Asia Pacific">'
            '<meta property="article:tag" content="Protest; Police">')
    item = extract_article(_page(head=head), "https://news.example/news/harbour-reopens-after-storm.html")
    assert item["tags"] == ["Hong Kong", "Protest", "Asia Pacific", "Police"]


def test_jsonld_keywords_array_of_one_joined_string_is_split():
    item = extract_article(_page(keywords=["Hong Kong,Protest;Asia Pacific"]),
                           "https://news.example/news/harbour-reopens-after-storm.html")
    assert item["tags"] == ["Hong Kong", "Protest", "Asia Pacific"]


# --- column types ---------------------------------------------------------------------------

#: The README's words for the schema's types.
_README_TYPES = {"string": "string", ("string", "null"): "string/null", "integer": "integer",
                 "number": "number",
                 ("array", "string"): "list of strings", ("array", "object"): "list of objects"}


def _schema_type(spec: dict) -> str | tuple[str, ...]:
    kind = spec["type"]
    if kind == "array":
        return ("array", spec["items"]["type"])
    return tuple(kind) if isinstance(kind, list) else kind


def _feature_of(spec: dict):
    """The ``datasets.Features`` entry a schema property calls for."""
    kind = _schema_type(spec)
    value = {"string": "string", ("string", "null"): "string", "integer": "int64",
             "number": "float64"}
    if kind in value:
        return {"dtype": value[kind], "_type": "Value"}
    if kind == ("array", "string"):
        return {"feature": {"dtype": "string", "_type": "Value"}, "_type": "Sequence"}
    return [{name: _feature_of(sub) for name, sub in spec["items"]["properties"].items()}]


def test_every_schema_property_states_its_type():
    for name, spec in article_schema()["properties"].items():
        assert "$ref" not in spec, name
        assert _schema_type(spec) in _README_TYPES, name
        if isinstance(spec["type"], list):
            assert spec["type"] == ["string", "null"], name


def test_schema_features_and_item_class_agree_field_by_field():
    properties = article_schema()["properties"]
    item_fields = set(ArticleItem.fields) - {"blocks"}
    assert list(hf_features()) == list(properties) == list(FEED_EXPORT_FIELDS)
    assert set(properties) == item_fields
    assert set(ARTICLE_FIELDS) <= item_fields
    for name, spec in properties.items():
        assert hf_features()[name] == _feature_of(spec), name


def test_readme_item_table_gives_each_fields_schema_type():
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("## The item"):]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([a-z/ ]+) \|", table, re.M))
    properties = article_schema()["properties"]
    assert set(rows) == set(properties)
    for name, spec in properties.items():
        assert rows[name] == _README_TYPES[_schema_type(spec)], name


def test_hf_features_is_json_and_a_fresh_copy():
    features = hf_features()
    assert json.loads(json.dumps(features)) == features
    features["tags"]["_type"] = "changed"
    assert hf_features()["tags"]["_type"] == "Sequence"


# --- pages ----------------------------------------------------------------------------------

_BODY = "".join(f"<p>Paragraph {i} of the harbour story tells residents what the storm did to "
                f"the quay, the ferry and the boats that were moored there overnight.</p>"
                for i in range(6))


def _page(head: str = "", keywords: list[str] | None = None) -> str:
    jsonld = {"@context": "https://schema.org", "@type": "NewsArticle",
              "headline": "Harbour reopens after the storm"}
    if keywords is not None:
        jsonld["keywords"] = keywords
    return (f'<html lang="en"><head><title>Harbour reopens after the storm</title>{head}'
            f'<script type="application/ld+json">{json.dumps(jsonld)}</script></head>'
            f"<body><article><h1>Harbour reopens after the storm</h1>{_BODY}</article>"
            "</body></html>")
