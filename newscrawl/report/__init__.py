"""See what a crawl did: a page preview, figures over JSON Lines output, an HTML report.

- :mod:`newscrawl.report.preview` — one page's item with kept and removed paragraphs in
  reading order (``python -m newscrawl preview``, ``scrapy preview``);
- :mod:`newscrawl.report.stats` — articles per site and day, field coverage, word counts,
  removals per rule, duplicates (``python -m newscrawl stats``);
- :mod:`newscrawl.report.report_html` — the same figures as a self-contained HTML page with
  charts and a sample of items (``python -m newscrawl report``).

Nothing here changes what a crawl writes; these modules only read it back.
"""
