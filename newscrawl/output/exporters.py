"""The JSON Lines exporter of the crawl's ``FEEDS`` (``FEED_EXPORTERS`` in settings.py).

Scrapy's :class:`~scrapy.exporters.JsonLinesItemExporter` builds each line field by
field through :class:`~itemadapter.ItemAdapter`: for every name in
``FEED_EXPORT_FIELDS`` a membership test, a field-metadata lookup, a serializer call
and a read, each a few Python calls deep — about a third of the feed's cost per item
and a visible share of the crawl process's time (benchmarks/RESULTS.md). When none of
that can change the result (a :class:`scrapy.Item` whose fields declare no
``serializer``, an exporter that does not override ``serialize_field``, a list of
fields to export, empty fields left out), this exporter reads the item once and
writes the same line; otherwise it is Scrapy's exporter unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import scrapy
from scrapy.exporters import BaseItemExporter, JsonLinesItemExporter
from scrapy.utils.python import to_bytes


@lru_cache(maxsize=64)
def _plain_fields(item_class: type[scrapy.Item]) -> bool:
    """True when no declared field of ``item_class`` has a serializer."""
    return not any("serializer" in meta for meta in item_class.fields.values())


class JsonLinesExporter(JsonLinesItemExporter):
    """:class:`~scrapy.exporters.JsonLinesItemExporter` with a direct path for plain items:
    the same bytes, written without the per-field adapter calls."""

    def _direct(self, item: Any) -> bool:
        return (isinstance(item, scrapy.Item) and not self.export_empty_fields
                and type(self).serialize_field is BaseItemExporter.serialize_field
                # A list of names, as FEED_EXPORT_FIELDS here. Without one, Scrapy's field
                # order differs between its versions: its own exporter decides.
                and isinstance(self.fields_to_export, (list, tuple))
                and all(isinstance(name, str) for name in self.fields_to_export)
                and _plain_fields(type(item)))

    def export_item(self, item: Any) -> None:
        if not self._direct(item):
            super().export_item(item)
            return
        values, names = dict(item), self.fields_to_export
        assert isinstance(names, (list, tuple))  # as _direct() found
        line = self.encoder.encode({name: values[name] for name in names if name in values}) + "\n"
        self.file.write(to_bytes(line, self.encoding))
