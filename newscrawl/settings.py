"""Scrapy settings for newscrawl.

Every ``NEWSCRAWL_*`` setting has its default here and is listed in the README.
Override any of them with ``-s NAME=VALUE`` on the command line.
"""

from pathlib import Path

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# --- newscrawl's own settings ------------------------------------------------------------
#: Folder of the bundled sample site crawled by ``scrapy crawl news`` without arguments.
NEWSCRAWL_SAMPLES_DIR = str(Path(__file__).resolve().parent.parent / "samples")
#: Contact URL put in the User-Agent so site owners can reach whoever runs the crawl.
NEWSCRAWL_CONTACT_URL = "https://github.com/newscrawl/newscrawl"
#: Keep the ``removed`` field (paragraphs dropped by cleaning, with their rule).
NEWSCRAWL_KEEP_REMOVED = True
#: Items whose body has fewer words are dropped (reason ``too-short``).
NEWSCRAWL_MIN_WORDS = 40
#: Extra cleaning rule files (TOML, same format as newscrawl/cleaning/rules/*.toml).
NEWSCRAWL_RULE_FILES = []
#: Site profiles: use newscrawl/profiles/*.toml (and NEWSCRAWL_PROFILE_DIRS) for matching sites.
NEWSCRAWL_PROFILES_ENABLED = True
NEWSCRAWL_PROFILE_DIRS = []
#: Repetition signal: a paragraph seen on this many articles of one site is boilerplate.
NEWSCRAWL_REPEAT_THRESHOLD = 3
#: Bounds of the per-site repetition counter (sites kept, paragraphs kept per site).
NEWSCRAWL_REPEAT_MAX_SITES = 1000
NEWSCRAWL_REPEAT_MAX_ENTRIES = 5000
#: Default link depth from start pages (front and section pages); ``-a depth=`` overrides.
NEWSCRAWL_DEPTH = 2

# --- politeness ---------------------------------------------------------------------------
#: ``{contact}`` is replaced by NEWSCRAWL_CONTACT_URL.
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
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- limits on what a page may cost -------------------------------------------------------
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10

# --- development: Scrapy's HTTP cache, one flag away (-s HTTPCACHE_ENABLED=True) ----------
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

# --- pipeline and output ------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.output.pipelines.CleaningPipeline": 100,
    "newscrawl.output.pipelines.ValidationPipeline": 200,
    "newscrawl.output.pipelines.DuplicatesPipeline": 300,
}
EXTENSIONS = {
    "newscrawl.output.summary.CrawlSummary": 500,
}
SPIDER_CONTRACTS = {
    "newscrawl.spiders.contracts.SampleContract": 5,
}
FEEDS = {
    "output/news-%(time)s.jsonl": {"format": "jsonlines", "encoding": "utf8"},
}
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = [
    "id", "url", "canonical_url", "title", "subtitle", "authors", "author_organizations",
    "published", "modified", "language", "section", "tags", "site_name", "paragraphs",
    "subheadings", "body", "word_count", "crawled_at", "removed",
    "version", "content_hash", "duplicate_of",
]
FEED_STORE_EMPTY = True

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
