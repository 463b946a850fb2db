"""The output layer's own signal (sent with ``crawler.signals``, like Scrapy's).

:data:`feed_file_ready` is sent by :class:`newscrawl.output.feedstorage.AtomicFileFeedStorage`
when an atomic feed file is complete and fsynced, just before its ``NAME.part`` is
renamed to ``NAME``. Arguments: ``path`` (the name it is about to get). A handler that
raises keeps the file a ``.part`` (the next crawl promotes it). The emitted-articles
store's owner (:class:`newscrawl.output.emitted.EmittedArticles`) commits on it: a
published file's items are always recorded.
"""

from __future__ import annotations

feed_file_ready = object()
