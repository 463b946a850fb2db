"""Scrapy add-ons of the output layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class DefaultFeedAddon:
    """``-o``/``-O`` write where they say, and only there.

    Scrapy merges command-line feeds into the ``FEEDS`` setting, so the project's
    default ``output/news-….jsonl`` feed would be written as well. Feeds marked
    ``"newscrawl_default": True`` are dropped when any other feed is configured.
    (An add-on, because Scrapy re-applies the command-line settings to a crawler
    after ``Spider.update_settings``; add-ons run after that.)
    """

    def update_settings(self, settings: BaseSettings) -> None:
        feeds = settings.getdict("FEEDS")
        defaults = [uri for uri, options in feeds.items() if options.get("newscrawl_default")]
        if defaults and len(defaults) < len(feeds):
            settings.set("FEEDS", {uri: options for uri, options in feeds.items()
                                   if uri not in defaults},
                         priority=settings.getpriority("FEEDS") or "project")
