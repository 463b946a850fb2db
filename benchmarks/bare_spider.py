"""The floor for crawl benchmarks: the same discovery as ``news``, no extraction.

It follows the same links to the same depth and yields only ``{"url": …}`` for
each page the news spider would have extracted, so that the difference in time
between the two crawls is the cost of extraction, cleaning and validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from newscrawl.spiders.news import NewsSpider


class BareSpider(NewsSpider):
    name = "bare"
    #: No pipelines, and no page workers: it reads no page (the news spider starts its
    #: workers when it starts, and a bare crawl would otherwise pay for one it never uses).
    custom_settings = {"ITEM_PIPELINES": {}, "NEWSCRAWL_PAGE_WORKERS": 0}

    def parse_page(self, response: Response, depth: int = 0, **kwargs: Any) -> Iterator[Any]:
        site = self.site_of_response(response)
        if depth >= self.max_depth(site):
            yield {"url": response.url}
            return
        yield from self.follow_links(response, site, depth)
