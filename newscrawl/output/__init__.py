"""The output layer: how an article item is written, from the spider to a published file.

**The item.** The spider (:mod:`newscrawl.spiders.news`) reads a page (in a page worker,
:mod:`newscrawl.workers`) and yields an :class:`~newscrawl.output.items.ArticleItem`
(:func:`~newscrawl.output.assemble.item_fields`) that still holds its candidate
``blocks``. Scrapy hands it to ``ITEM_PIPELINES`` (settings.py), in this order
(:mod:`newscrawl.output.pipelines`, then :mod:`newscrawl.output.emitted`):

1. ``CleaningPipeline`` (100) judges the blocks (the cleaning layer, in the page worker
   of the item's site) and turns them into ``paragraphs``, ``subheadings``, ``body``;
2. ``ValidationPipeline`` (200) drops an item without a title, with too little body, or
   that breaks the JSON Schema (:mod:`newscrawl.output.validation`);
3. ``DuplicatesPipeline`` (300) drops a second item for a canonical URL of this crawl;
4. ``EmittedPipeline`` (400) compares the item with the emitted-articles store: an
   unchanged article is dropped (``already-emitted``), a changed one gets ``version``
   n+1, a near-copy of another gets ``duplicate_of``;
5. in a fleet only, ``ClaimPipeline`` (450, :mod:`newscrawl.distributed.store`) claims the
   article's version in Redis: only the claimant writes it.

Every drop has a reason, counted under ``newscrawl/dropped/<reason>`` and logged by
:mod:`newscrawl.output.logformatter`; the end-of-crawl summary
(:mod:`newscrawl.output.summary`) adds them up.

**The feed.** What passes reaches Scrapy's feed exporter (``FEEDS``), which writes it as
one JSON line (:mod:`newscrawl.output.exporters`) to the file of
:class:`~newscrawl.output.feedstorage.AtomicFileFeedStorage`: flushed to the operating
system with every line; with the ``atomic`` option (the default feed) to ``NAME.part``.
Then Scrapy sends ``item_scraped``, and only then is the item recorded in the store —
the line is in the file first, so a killed crawl never counts an unwritten item as
written.

**The store.** One extension owns it for the crawl:
:class:`~newscrawl.output.emitted.EmittedArticles` (a SQLite
:class:`~newscrawl.output.store.EmittedStore`: ``NEWSCRAWL_STORE``, the ``JOBDIR``'s,
or in memory), or in a fleet :class:`~newscrawl.distributed.store.FleetArticles` (the
Redis store), both an :class:`~newscrawl.output.store.ArticleStore`. The pipeline and
:class:`~newscrawl.output.emitted.StoredUrlsMiddleware` (which skips already-written
articles found in feeds and sitemaps) find it with ``crawler.get_extension()``.

**Publishing.** When a feed file is complete (the crawl ends, or a batch of
``FEED_EXPORT_BATCH_ITEM_COUNT`` items), the storage fsyncs ``NAME.part``, sends
:data:`~newscrawl.output.signals.feed_file_ready` — on which the store's owner commits
the records of the file's items (recorded in batches when every feed is atomic and
unrotated, else committed one by one) —
and renames it to ``NAME``: a published file's items are always recorded, and a reader
of the folder never sees a partial line. A crawl killed before the rename leaves
``NAME.part``; the next crawl's ``EmittedPipeline`` promotes it when it opens
(:func:`~newscrawl.output.feedstorage.repair_parts`: complete lines kept, recorded,
renamed), as a fleet worker reads a dead worker's files
(:mod:`newscrawl.distributed.outputs`) — both with
:func:`~newscrawl.output.feedstorage.complete_lines`.
"""
