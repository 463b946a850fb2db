"""``extract_article``: the whole page-to-item path, offline, without Scrapy.

It runs the same steps as a crawl — extraction, article detection, cleaning,
validation — and returns the item a crawl would write for the page (minus
crawl-wide state: repetition counts across pages, the emitted-articles store).
:func:`run_page` is the same path keeping what each step found, for tools such
as ``python -m newscrawl preview``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newscrawl.cleaning import Cleaner, load_rules
from newscrawl.discovery.detect import Verdict, article_verdict
from newscrawl.discovery.urls import site_of
from newscrawl.extraction import extract
from newscrawl.extraction.meta import canonical_form
from newscrawl.output.assemble import apply_cleaning, item_fields
from newscrawl.output.fields import ARTICLE_FIELDS
from newscrawl.output.validation import drop_reason
from newscrawl.settings import NEWSCRAWL_MIN_WORDS

if TYPE_CHECKING:
    from newscrawl.cleaning import CleaningResult
    from newscrawl.extraction.model import Block, Extraction
    from newscrawl.extraction.profiles import Profile


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    """A cleaner with the bundled rules, built once per process."""
    return Cleaner(load_rules())


@dataclass(slots=True)
class PageRun:
    """One page through extraction, article detection, cleaning and validation."""

    verdict: str
    """Why the page is (or is not) an article: a detection reason, or ``no document``."""
    is_article: bool = False
    confidence: float = 0.0
    """How sure detection is that the page is an article (:attr:`Verdict.confidence`)."""
    blocks: list[Block] = field(default_factory=list)
    """The candidate blocks handed to cleaning, in reading order."""
    cleaning: CleaningResult | None = None
    item: dict[str, Any] | None = None
    """The item's fields as a crawl writes them (even when validation would drop it)."""
    dropped: str | None = None
    """Why validation drops the item (``too-short`` …), or None."""


@dataclass(slots=True)
class PageRead:
    """What reading a page found: its extraction (None: no document) and whether it is
    an article. Plain data, so that it comes back from a page worker."""

    extraction: Extraction | None
    verdict: Verdict
    canonical_url: str | None = None
    """An article's item ``canonical_url`` (:func:`~newscrawl.extraction.meta.canonical_form`
    of the page's canonical URL), worked out where the page was read: extraction has
    just canonicalised that URL once, and remembers it there, not in a crawl process
    that gets the page back from a page worker."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """Stages of extraction that failed on the page, as ``(kind, message)``
    (:func:`newscrawl.extraction.core.problem`): the crawl counts them in its stats
    (``newscrawl/extraction-errors/<kind>``) and logs the first of each kind."""


def read_page(html: str | bytes | None, url: str, *, encoding: str | None = None,
              profile: Profile | None = None, article_pattern: re.Pattern[str] | None = None,
              tree: Any = None) -> PageRead:
    """Extraction and article detection of one page: the first step of every page.

    ``tree`` is the page already parsed (a crawl's ``response.selector.root``); when
    the parse it comes from gave up on pathological markup (no blocks), the page is
    parsed again by extraction's own guarded parser.
    """
    problems: list[tuple[str, str]] = []
    extraction = extract(html, url, encoding=encoding, profile=profile, tree=tree,
                         problems=problems)
    if tree is not None and html is not None and (extraction is None or not extraction.blocks):
        extraction = extract(html, url, encoding=encoding, profile=profile, problems=problems)
    problems = list(dict.fromkeys(problems))  # a stage that failed on both parses: once
    if extraction is None:
        return PageRead(None, Verdict(False, "no document"), problems=problems)
    verdict = article_verdict(extraction, url, article_pattern)
    canonical = None
    if verdict.is_article:
        try:
            canonical = canonical_form(extraction.canonical_url or url)
        except ValueError:  # left to item_fields, where it fails as it always did
            pass
    return PageRead(extraction, verdict, canonical, problems)


def run_page(html: str | bytes, url: str, *, encoding: str | None = None,
             profile: Profile | None = None, cleaner: Cleaner | None = None,
             min_words: int = NEWSCRAWL_MIN_WORDS, crawled_at: str | None = None,
             require_article: bool = True) -> PageRun:
    """Run one page through the crawl's steps and keep what each found.

    With ``require_article=False`` a page that detection does not call an article is
    cleaned and made an item all the same (``is_article`` stays False)."""
    page = read_page(html, url, encoding=encoding, profile=profile)
    extraction, verdict = page.extraction, page.verdict
    if extraction is None or (require_article and not verdict.is_article):
        return PageRun(verdict=verdict.reason, confidence=verdict.confidence)
    fields = item_fields(extraction, url, crawled_at, canonical=page.canonical_url,
                         verdict=verdict)
    blocks = fields["blocks"]
    result = (cleaner or default_cleaner()).clean(
        blocks, language=extraction.language, site=site_of(fields["canonical_url"]),
        title=extraction.title)
    fields = apply_cleaning(fields, result)
    return PageRun(verdict=verdict.reason, is_article=verdict.is_article,
                   confidence=verdict.confidence, blocks=blocks, cleaning=result,
                   item={name: fields[name] for name in ARTICLE_FIELDS if name in fields},
                   dropped=drop_reason(fields, min_words=min_words))


def extract_article(html: str | bytes, url: str, *, encoding: str | None = None,
                    min_words: int = NEWSCRAWL_MIN_WORDS, crawled_at: str | None = None,
                    require_article: bool = True) -> dict[str, Any] | None:
    """Extract and clean the article on one page; None when the page is not an article
    or validation would drop its item.

    ``html`` is the page as fetched (bytes are decoded like a browser would,
    using ``encoding`` as the HTTP header's charset when given). ``min_words``
    defaults to the crawl's ``NEWSCRAWL_MIN_WORDS``.

    ``require_article=False`` returns the main text of any page, whatever article
    detection says (a hub's teaser text, a page whose markup calls it a video …);
    the item's ``article_confidence`` and ``article_reason`` then tell how sure, and
    why, detection was that it is an article. Validation still applies: pass
    ``min_words=0`` as well to get even a text too short for a crawl to write.
    """
    run = run_page(html, url, encoding=encoding, min_words=min_words, crawled_at=crawled_at,
                   require_article=require_article)
    if run.item is None or run.dropped is not None:
        return None
    return run.item
