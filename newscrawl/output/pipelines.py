"""Item pipelines, in the order ``ITEM_PIPELINES`` runs them:

1. :class:`CleaningPipeline` judges each candidate block (the cleaning layer) and
   turns the blocks into ``paragraphs``, ``subheadings``, ``body`` and ``removed``;
2. :class:`ValidationPipeline` drops items without a title, with too little body or
   that break the JSON Schema — with a reason, counted in the stats;
3. :class:`DuplicatesPipeline` drops a second item for the same canonical URL;
then the emitted-articles pipeline (:mod:`newscrawl.output.emitted`), and Scrapy's
``FEEDS`` write what is left as JSON Lines: the whole way is in :mod:`newscrawl.output`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.cleaning import Cleaner, load_rules
from newscrawl.cleaning.ruleset import bundled_rule_files
from newscrawl.discovery.urls import site_of, url_key
from newscrawl.output.assemble import CLEANING_INPUTS, CLEANING_OUTPUTS, clean_fields
from newscrawl.output.fingerprint import remember
from newscrawl.output.logformatter import drop_level
from newscrawl.output.validation import drop_reason, schema_errors, validator
from newscrawl.workers import (
    PagePool,
    WorkerCrashed,
    clean_in_worker,
    cleaner_settings,
    crawl_cleaner,
)

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def reasoned_drop(reason: str, url: str, detail: str = "") -> DropItem:
    """A plain ``DropItem`` (Scrapy's ``item_dropped_reasons_count/DropItem`` stays as it
    is) that keeps its reason, URL and detail apart for the log line
    (:class:`newscrawl.output.logformatter.NewsLogFormatter`); an expected reason carries
    a ``log_level`` below WARNING."""
    drop = DropItem(f"{reason}: {url}" + (f" ({detail})" if detail else ""),
                    log_level=drop_level(reason))
    drop.reason, drop.url, drop.detail = reason, url, detail  # type: ignore[attr-defined]
    return drop


class _StatsPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def drop(self, reason: str, adapter: ItemAdapter, detail: str = "") -> DropItem:
        """Count the drop under ``newscrawl/dropped/<reason>`` and build the exception."""
        self.stats.inc_value(f"newscrawl/dropped/{reason}")
        self.stats.inc_value("newscrawl/dropped")
        return reasoned_drop(reason, str(adapter.get("url")), detail)


class CleaningPipeline(_StatsPipeline):
    """Remove promotional and boilerplate blocks, recording the rule for each.

    The cleaning runs in a page worker when the crawl has them
    (:mod:`newscrawl.workers`; one site's items always in the same one), else here.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.cleaner_values = cleaner_settings(crawler.settings)
        # A broken rule file, or bundled rules missing from the install, stop the crawl now
        # (the bundled rules are compiled where they are used: in the page workers).
        if self.cleaner_values["NEWSCRAWL_RULE_FILES"]:
            load_rules(self.cleaner_values["NEWSCRAWL_RULE_FILES"])
        else:
            bundled_rule_files()
        self._cleaner: Cleaner | None = None
        self.keep_removed = crawler.settings.getbool("NEWSCRAWL_KEEP_REMOVED")

    @property
    def cleaner(self) -> Cleaner:
        """The cleaner of this process, built when first needed: with page workers, only
        if a worker died on an item."""
        if self._cleaner is None:
            self._cleaner = crawl_cleaner(self.cleaner_values)
        return self._cleaner

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        if "blocks" not in adapter:
            return item
        pool = PagePool.for_crawler(self.crawler)
        inputs = {name: adapter.get(name) for name in CLEANING_INPUTS}
        cleaned = None
        if not pool.inline:
            try:
                cleaned, (signature, bands) = await pool.call(
                    clean_in_worker, inputs, self.keep_removed,
                    route=site_of(adapter["canonical_url"]))
                remember(cleaned[0]["body"], signature, bands)  # for the emitted-articles store
            except WorkerCrashed:  # the item is not lost: it is cleaned here instead
                pass
        if cleaned is None:
            cleaned = clean_fields(self.cleaner, inputs, keep_removed=self.keep_removed)
        apply_cleaning_result(adapter, cleaned, self.stats)
        return item


def apply_cleaning_result(adapter: ItemAdapter, cleaned: tuple[dict[str, Any], list[str],
                                                               dict[str, int]],
                          stats: StatsCollector) -> None:
    """Put the cleaned fields in place of the item's ``blocks`` and count the removed
    blocks' rules and the cleaning's counts (the cleaning pipeline's and ``warc``'s)."""
    fields, removed_rules, counts = cleaned
    del adapter["blocks"]
    for name in CLEANING_OUTPUTS:
        if name in fields:
            adapter[name] = fields[name]
    for rule in removed_rules:
        stats.inc_value(f"newscrawl/removed/{rule}")
    for name, count in counts.items():
        stats.inc_value(f"newscrawl/{name}", count)


class ValidationPipeline(_StatsPipeline):
    """Drop items that must not reach the dataset, each with a reason."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.min_words = crawler.settings.getint("NEWSCRAWL_MIN_WORDS")
        validator()  # no schema, no crawl: a missing schema stops the crawl now

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        reason = drop_reason(dict(adapter), min_words=self.min_words)
        if reason:
            detail = "; ".join(schema_errors(dict(adapter))[:3]) if reason == "schema-invalid" else ""
            raise self.drop(reason, adapter, detail)
        return item


class DuplicatesPipeline(_StatsPipeline):
    """One article, one item: drop a second item whose canonical URL has the same key."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        key = url_key(adapter["canonical_url"])
        if key in self.seen:
            raise self.drop("duplicate", adapter)
        self.seen.add(key)
        self.stats.inc_value("newscrawl/items_passed")
        return item
