"""The feed's JSON Lines exporter writes exactly what Scrapy's writes."""

from __future__ import annotations

import io

import pytest
import scrapy
from scrapy.exporters import JsonLinesItemExporter

from newscrawl.output.exporters import JsonLinesExporter
from newscrawl.output.items import ArticleItem
from newscrawl.settings import FEED_EXPORT_FIELDS


def _article() -> ArticleItem:
    return ArticleItem(
        id="a1b2c3d4e5f60718", url="https://news.example/a?x=1", title="Grève à Zürich \u2028",
        canonical_url="https://news.example/a", authors=["Ana Núñez"], tags=[],
        paragraphs=["Erster Absatz.", "Second \"quoted\" paragraph."], subheadings=[],
        body="Erster Absatz.\n\nSecond \"quoted\" paragraph.", word_count=5, language="de",
        removed=[{"rule": "newsletter", "text": "Sign up"}], published=None)


class _Serialized(scrapy.Item):
    title = scrapy.Field(serializer=str.upper)
    body = scrapy.Field()


def _lines(exporter_class: type, item: scrapy.Item, **options: object) -> bytes:
    out = io.BytesIO()
    exporter = exporter_class(out, encoding="utf-8", **options)
    exporter.start_exporting()
    exporter.export_item(item)
    exporter.finish_exporting()
    return out.getvalue()


@pytest.mark.parametrize("options", [
    {"fields_to_export": FEED_EXPORT_FIELDS},
    {},
    {"fields_to_export": ["title", "id", "missing"]},
    {"fields_to_export": {"title": "headline", "id": "id"}},
    {"fields_to_export": ["title", "id", "missing"], "export_empty_fields": True},
    {"encoding": None},
])
def test_exporter_writes_the_bytes_scrapys_exporter_writes(options: dict) -> None:
    options = {"encoding": "utf-8", **options}
    encoding = options.pop("encoding")
    item = _article()
    ours = io.BytesIO()
    JsonLinesExporter(ours, encoding=encoding, **options).export_item(item)
    scrapys = io.BytesIO()
    JsonLinesItemExporter(scrapys, encoding=encoding, **options).export_item(item)
    assert ours.getvalue() == scrapys.getvalue()
    assert ours.getvalue().endswith(b"\n") and ours.getvalue().count(b"\n") == 1


def test_exporter_applies_field_serializers_like_scrapy() -> None:
    item = _Serialized(title="quiet", body="text")
    assert _lines(JsonLinesExporter, item) == _lines(JsonLinesItemExporter, item)
    assert b'"QUIET"' in _lines(JsonLinesExporter, item)


def test_exporter_handles_plain_dicts_like_scrapy() -> None:
    item = {"title": "T", "body": "B"}
    assert _lines(JsonLinesExporter, item) == _lines(JsonLinesItemExporter, item) \
        == b'{"title": "T", "body": "B"}\n'


def test_crawl_settings_use_the_exporter_for_every_json_lines_name() -> None:
    from newscrawl import settings

    assert {settings.FEED_EXPORTERS[name] for name in ("jsonlines", "jsonl", "jl")} == {
        "newscrawl.output.exporters.JsonLinesExporter"}


def test_exporter_takes_its_direct_path_only_where_scrapys_would_change_nothing() -> None:
    def direct(item: object, **options: object) -> bool:
        return JsonLinesExporter(io.BytesIO(), **options)._direct(item)

    assert direct(_article(), fields_to_export=FEED_EXPORT_FIELDS)
    assert direct(_article(), fields_to_export=("title", "id"))
    assert not direct(_article())
    assert not direct(_article(), fields_to_export={"title": "headline"})
    assert not direct(_article(), export_empty_fields=True)
    assert not direct(_Serialized(title="t"))
    assert not direct({"title": "t"})
