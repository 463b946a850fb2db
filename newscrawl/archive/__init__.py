"""Archives: every fetched page kept as WARC while crawling (:mod:`.writer`), and WARC
files — our own or Common Crawl's CC-NEWS — read back into the same items
(:mod:`.records`, :mod:`.spider`, ``python -m newscrawl warc``)."""
