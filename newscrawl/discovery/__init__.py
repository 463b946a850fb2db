"""Discovery: what to fetch. Pure functions (URLs, feeds, sitemaps, article
detection) used by the spiders in :mod:`newscrawl.spiders`."""
