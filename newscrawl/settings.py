"""Scrapy settings for newscrawl.

Every ``NEWSCRAWL_*`` setting has its default here and is listed in the README.
Override any of them with ``-s NAME=VALUE`` on the command line.
"""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# --- newscrawl's own settings ------------------------------------------------------------
#: Folder of the sample site crawled by ``scrapy crawl news`` without arguments. Empty: the
#: ``samples/`` folder beside the project's ``scrapy.cfg`` (the current directory's, else that
#: of the checkout newscrawl runs from); an installed package has none of its own.
NEWSCRAWL_SAMPLES_DIR = ""
#: Contact URL put in the User-Agent so site owners can reach whoever runs the crawl.
NEWSCRAWL_CONTACT_URL = "https://github.com/newscrawl/newscrawl"
#: Keep the ``removed`` field (paragraphs dropped by cleaning, with their rule).
NEWSCRAWL_KEEP_REMOVED = True
#: Items whose body has fewer words are dropped (reason ``too-short``); the repetition
#: signal alone never takes a body below it (its removals are undone).
NEWSCRAWL_MIN_WORDS = 40
#: Extra cleaning rule files (TOML, same format as newscrawl/cleaning/rules/*.toml).
NEWSCRAWL_RULE_FILES: list[str] = []
#: Site profiles: use newscrawl/profiles/*.toml (and NEWSCRAWL_PROFILE_DIRS) for matching sites.
NEWSCRAWL_PROFILES_ENABLED = True
NEWSCRAWL_PROFILE_DIRS: list[str] = []
#: Repetition signal: a paragraph seen on this many articles of one site is boilerplate,
#: within the cleaner's bounds (long paragraphs need another signal; at most half a body).
NEWSCRAWL_REPEAT_THRESHOLD = 3
#: Bounds of the per-site repetition counter (sites kept, paragraphs kept per site).
NEWSCRAWL_REPEAT_MAX_SITES = 1000
NEWSCRAWL_REPEAT_MAX_ENTRIES = 5000
#: Default link depth from start pages (front and section pages); ``-a depth=`` overrides.
NEWSCRAWL_DEPTH = 2
#: Allow requests to private, loopback and link-local addresses (off: no intranet, no
#: cloud metadata; checked after DNS and on every redirect). Tests of 127.0.0.1 set it.
NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES = False
#: Processes that read (parse, extract) and clean pages beside the crawl's own (see
#: newscrawl/workers.py): "auto" = one per spare core (at most 4), 0 = all in the crawl process.
NEWSCRAWL_PAGE_WORKERS = "auto"
#: Bytes of responses being processed at once before Scrapy stops taking new requests
#: (Scrapy's default is 5 MB). With page workers the callbacks wait for them, so without a
#: tighter bound hundreds of small pages queue up in memory for no gain in speed (measured
#: in benchmarks/RESULTS.md); a response larger than this is still processed, alone.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
#: Items (and requests) of one response processed at once. Scrapy starts this many asyncio
#: tasks for every response, whatever it yields (100 by default: ~150 kB and ~100 task
#: switches per page); a news page yields one item, a hub's requests are queued without
#: waiting. Raise it for a spider whose pages yield many items to pipelines that wait.
CONCURRENT_ITEMS = 1
#: Links followed from one page at most (a page of 100 000 links is an attack, not a hub).
NEWSCRAWL_MAX_LINKS_PER_PAGE = 1000
#: Seconds between updates of the one-line progress display (pages, items, drops,
#: pages/min) shown when stderr is a terminal; 0 turns it off. See newscrawl.output.progress.
NEWSCRAWL_PROGRESS_INTERVAL = 2.0
#: Young-generation threshold of Python's cyclic garbage collector while a crawl runs
#: (Python's default: 700); 0 leaves it alone. See newscrawl/runtime.py: 10-20 % faster.
NEWSCRAWL_GC_THRESHOLD = 10_000

# --- politeness ---------------------------------------------------------------------------
#: ``{contact}`` is replaced by NEWSCRAWL_CONTACT_URL (newscrawl/useragent.py), in crawls and
#: previews alike; ``-s USER_AGENT=...`` may use it too.
USER_AGENT = "newscrawl/0.1 (+{contact})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: A 429/503 retry waits: ``Retry-After`` when the server sends it, else this many seconds
#: doubled on each further retry (newscrawl.middlewares.BackoffRetryMiddleware) ...
NEWSCRAWL_RETRY_BACKOFF = 2.0
#: ... and never longer than this (seconds).
NEWSCRAWL_RETRY_AFTER_MAX = 120.0
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- limits on what a page may cost -------------------------------------------------------
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10

# --- safety: public addresses and http(s) only, redirects kept on the crawl's sites --------
TWISTED_DNS_RESOLVER = "newscrawl.middlewares_safety.PublicAddressResolver"
#: A request that fails for good is logged once, as "failed (<reason>): <url>" (WARNING), by
#: FailureMiddleware; Scrapy's own "Gave up retrying" line is kept for DEBUG logs.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.middlewares_safety.SafetyMiddleware": 40,  # before robots.txt is fetched
    "newscrawl.middlewares_safety.FailureMiddleware": 45,  # counts failed/<reason>
    "newscrawl.middlewares_safety.CharsetMiddleware": 560,  # after decompression
    # retries that wait on 429/503 (Retry-After, backoff) replace Scrapy's RetryMiddleware
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.BackoffRetryMiddleware": 550,
    # next to the downloader: responses as received (before decompression and redirects)
    "newscrawl.archive.writer.WarcWriterMiddleware": 950,  # inert unless NEWSCRAWL_WARC_DIR
}

# --- archives: every fetched page kept as WARC (newscrawl/archive/) -----------------------
#: Folder of the WARC 1.1 files a crawl writes (request and response records of every
#: fetch, redirects and robots.txt included; see newscrawl/archive/writer.py). Empty: off.
NEWSCRAWL_WARC_DIR = ""
#: A new WARC file is started once one reaches this many bytes (gzipped).
NEWSCRAWL_WARC_MAX_SIZE = 1_000_000_000
#: zlib level (0-9) of each record's gzip member. On real news pages (111 KiB) 6 takes 0.63 of
#: level 9's time (warcio's own, fixed) for files 1 % larger; 1 takes 0.24 for 18 % larger
#: (benchmarks/warc_cost.py --gzip-corpus, benchmarks/RESULTS.md).
NEWSCRAWL_WARC_GZIP_LEVEL = 6
#: Exchanges queued for the WARC writer thread; when it is this far behind, the crawl waits.
#: 0: no thread, records written on Scrapy's thread (less CPU in all, more on the reactor's).
NEWSCRAWL_WARC_QUEUE = 256

# --- development: Scrapy's HTTP cache, one flag away (-s HTTPCACHE_ENABLED=True) ----------
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

# --- scheduled crawls: emitted-articles store, updates, near-duplicates, feed files -------
#: SQLite file of the articles already written (relative to the current directory), opt-in
#: like JOBDIR: with ``-s NEWSCRAWL_STORE=.newscrawl/emitted.sqlite3`` a re-run writes only
#: new and changed articles. Empty (the default): a one-off crawl writes every article it
#: finds (the store is in memory for that crawl), or, with a JOBDIR, the store is the job's
#: ``JOBDIR/emitted.sqlite3`` (``-s NEWSCRAWL_STORE=`` on the command line: none even then).
NEWSCRAWL_STORE = ""
#: Write an article again (``version`` n+1, its ``modified`` date) when its text changed.
NEWSCRAWL_EMIT_UPDATES = True
#: Stored articles found in feeds and sitemaps are fetched again only when listed with a
#: later date than when they were written, or first written less than this long ago.
NEWSCRAWL_REFRESH_WINDOW = "24h"
#: Bodies this similar (estimated Jaccard of word 3-shingles, MinHash) to an earlier article
#: of another URL are near-duplicates: ``duplicate_of`` names it. 0 turns the check off.
NEWSCRAWL_NEAR_DUPLICATE_SIMILARITY = 0.8
#: Drop near-duplicates (``near-duplicate``) instead of writing them with ``duplicate_of``.
NEWSCRAWL_DROP_NEAR_DUPLICATES = False
#: Gzip the default feed's files (``.jsonl.gz``), flushed line by line.
NEWSCRAWL_FEED_GZIP = False

# --- distributed crawling: many workers on one frontier in Redis (newscrawl[redis]) -------
#: ``redis://host:6379/0`` makes this process a fleet worker (newscrawl/distributed/addon.py):
#: scrapy-redis scheduler and dupefilter with leases, emitted store in Redis. Empty: off.
NEWSCRAWL_REDIS_URL = ""
#: Prefix of every Redis key of the fleet (start points are pushed to PREFIX:start_urls).
NEWSCRAWL_REDIS_PREFIX = "newscrawl"
#: Close once the fleet had no work (nothing waiting or leased anywhere) for this many
#: seconds; 0 keeps the worker waiting for new start points.
NEWSCRAWL_REDIS_IDLE_CLOSE = 30
#: A worker silent this many seconds is dead: the others re-queue the requests it held.
NEWSCRAWL_REDIS_HEARTBEAT = 10
#: This worker's name in Redis and in its feed file names; empty: ``host-pid-random``.
NEWSCRAWL_REDIS_WORKER_ID = ""
ADDONS = {
    "newscrawl.output.addons.DefaultFeedAddon": -10,  # -o/-O replace the default feed
    "newscrawl.distributed.addon.RedisAddon": 0,  # inert unless NEWSCRAWL_REDIS_URL is set
    "newscrawl.useragent.ContactUserAgentAddon": 10,  # USER_AGENT's {contact} filled in
}

# --- pipeline and output ------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.output.pipelines.CleaningPipeline": 100,
    "newscrawl.output.pipelines.ValidationPipeline": 200,
    "newscrawl.output.pipelines.DuplicatesPipeline": 300,
    "newscrawl.output.emitted.EmittedPipeline": 400,
}
EXTENSIONS = {
    "newscrawl.output.summary.CrawlSummary": 500,
    # the emitted-articles store's owner (a fleet's add-on puts its own in its place)
    "newscrawl.output.emitted.EmittedArticles": 505,
    "newscrawl.output.jobdir.KilledJobGuard": 510,
    "newscrawl.output.progress.ProgressLine": 520,
    "newscrawl.runtime.GcThreshold": 530,
    "newscrawl.workers.PageWorkers": 540,  # the page-worker processes' owner
}
SPIDER_CONTRACTS = {
    "newscrawl.spiders.contracts.SampleContract": 5,
}
SPIDER_MIDDLEWARES = {
    "newscrawl.output.emitted.StoredUrlsMiddleware": 800,
}
#: One file per run (per batch with FEED_EXPORT_BATCH_ITEM_COUNT), named by the run's start
#: time and a random run id; written as ``.part`` and renamed when complete.
FEEDS = {
    "output/news-%(time)s-%(run_id)s-%(batch_id)03d.jsonl": {
        "format": "jsonlines", "encoding": "utf8", "atomic": True,
        # Dropped when -o/-O (or another feed) is given: see output/addons.py.
        "newscrawl_default": True,
        "uri_params": "newscrawl.output.feedstorage.run_uri_params",
    },
}
FEED_STORAGES = {
    "": "newscrawl.output.feedstorage.AtomicFileFeedStorage",
    "file": "newscrawl.output.feedstorage.AtomicFileFeedStorage",
}
#: Scrapy's JSON Lines exporter with a direct path for plain items (same bytes; see
#: newscrawl/output/exporters.py).
FEED_EXPORTERS = {
    name: "newscrawl.output.exporters.JsonLinesExporter" for name in ("jsonlines", "jsonl", "jl")
}
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = [
    "id", "url", "canonical_url", "title", "subtitle", "authors", "author_organizations",
    "published", "published_raw", "modified", "modified_raw", "language", "section", "tags",
    "site_name", "paragraphs", "subheadings", "body", "word_count", "crawled_at",
    "article_confidence", "article_reason", "removed",
    "version", "content_hash", "duplicate_of",
]
FEED_STORE_EMPTY = True

LOG_LEVEL = "INFO"
#: Expected drops (already-emitted, duplicate, too-short, …) are one DEBUG line each,
#: ``dropped (<reason>): <url>``, not a WARNING with the whole item (output/logformatter.py).
LOG_FORMATTER = "newscrawl.output.logformatter.NewsLogFormatter"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
