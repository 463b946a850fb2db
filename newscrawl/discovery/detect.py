"""Article detection: is this page one article, or a hub to follow for links?

Decided before an item is made, from four signals in order of trust:

1. schema.org ``@type`` in JSON-LD (``NewsArticle``, ``BlogPosting``, … say yes;
   ``VideoObject``, ``CollectionPage``, ``ProfilePage``, … say no);
2. ``og:type`` (``article`` yes; ``video.*``, ``website``, ``profile`` no);
3. the URL's shape: dated paths, long slugs and numeric ids say yes (even below a
   hub word such as ``/weather/2024/…``); hub paths (``/tag/``, ``/author/``,
   ``/search``, ``/video/``, ``/gallery/`` …) and then ``og:type`` ``website`` say no;
4. the extracted body: an article has a run of real paragraphs.

A site's own article URL pattern (``article_pattern`` in the sites file,
``-a article_pattern=``) outranks them all: a page whose URL does not match it is
never an article, and one that matches is not vetoed by a hub-looking path.
Without a pattern, a hub-looking path (the front page, ``/tag/…``, ``/video/…``
with no date, id or long slug after it) vetoes even a page that calls itself an
article.

A **live blog** (schema.org ``LiveBlogPosting``) is an article: one item per
crawl, whose paragraphs are its updates in page order. It is decided like any
other article (type first, then body); a re-crawl that finds new updates writes
the page again (the item's ``content_hash`` changes), so a live blog is not
frozen at its first state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newscrawl.extraction.model import count_words

if TYPE_CHECKING:
    from newscrawl.extraction.model import Extraction

ARTICLE_TYPES = frozenset(t.lower() for t in (
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "AskPublicNewsArticle",
    "SatiricalArticle", "BlogPosting", "LiveBlogPosting", "Report", "TechArticle",
    "ScholarlyArticle", "Review", "Opinion",
))
HUB_TYPES = frozenset(t.lower() for t in (
    "VideoObject", "VideoGallery", "ImageGallery", "CollectionPage", "ItemList",
    "SearchResultsPage", "ProfilePage", "Person", "MediaGallery", "Clip", "Episode",
    "PodcastEpisode", "Event", "Product", "Recipe", "ContactPage", "AboutPage",
))
_HUB_OG_STRONG = ("video", "profile", "music", "book", "product")
_HUB_OG = _HUB_OG_STRONG + ("website",)
_HUB_PATH = re.compile(
    r"/(tags?|topics?|themen?|thema|autor(en)?|authors?|search|suche|recherche|buscar|"
    r"videos?|galler(y|ies)|fotos?|photos?|bilder|category|categories|kategorie|rubrik|"
    r"section|sections|page|archive|archiv|live-tv|podcasts?|newsletters?|login|account|"
    r"subscribe|abo|shop|weather|wetter|horoscope)(/|$)", re.I)
_ARTICLE_PATH = re.compile(
    r"/(19|20)\d\d[/-]\d\d?([/-]\d\d?)?/"  # a date in the path
    r"|\d{5,}"                               # a numeric id
    r"|/[^/]*[a-z0-9]+-[a-z0-9]+-[a-z0-9]+-[^/]*[a-z0-9](\.html?)?/?$",  # a slug of 3+ words
    re.I)

#: Words a page's story needs before the body alone can make it an article.
MIN_STORY_WORDS = 120


@dataclass(frozen=True, slots=True)
class Verdict:
    is_article: bool
    reason: str
    """Why: ``jsonld-type``, ``og-type``, ``url-shape``, ``body`` or, for a no,
    ``hub-type``, ``hub-og-type``, ``hub-url``, ``no-story``, ``not-pattern``."""

    def __reduce__(self) -> tuple:
        # A page worker sends one per page; a frozen slots dataclass otherwise pickles
        # through dataclasses' generic state functions (a fields() walk per object).
        return Verdict, (self.is_article, self.reason)


def article_verdict(extraction: Extraction, url: str,
                    article_pattern: re.Pattern[str] | None = None) -> Verdict:
    """Decide whether the extracted page is an article (see the module doc).

    ``article_pattern`` is searched in the whole URL.
    """
    if article_pattern is not None and not article_pattern.search(url):
        return Verdict(False, "not-pattern")
    verdict = _verdict(extraction, url)
    if verdict.is_article and article_pattern is None and looks_like_hub_url(url):
        return Verdict(False, "hub-url")
    return verdict


def _verdict(extraction: Extraction, url: str) -> Verdict:
    types = {t.lower() for t in extraction.jsonld_types}
    story_words = _story_words(extraction)
    has_story = story_words >= 30
    if types & ARTICLE_TYPES:
        return Verdict(has_story, "jsonld-type" if has_story else "no-story")
    og_type = (extraction.og_type or "").lower()
    if og_type == "article":
        return Verdict(has_story, "og-type" if has_story else "no-story")
    if types & HUB_TYPES:
        return Verdict(False, "hub-type")
    if og_type.startswith(_HUB_OG_STRONG):
        return Verdict(False, "hub-og-type")
    path = urlsplit(url).path
    # A dated path, a numeric id or a long slug outweighs a hub word elsewhere in
    # the path (/weather/2024/04/26/storms…, /autoren/name/long-article-slug) and
    # an og:type "website" that many CMSs put on every page.
    if _ARTICLE_PATH.search(path) and has_story:
        return Verdict(True, "url-shape")
    if _HUB_PATH.search(path) or path in ("", "/"):
        return Verdict(False, "hub-url")
    if og_type.startswith(_HUB_OG):
        return Verdict(False, "hub-og-type")
    if story_words >= MIN_STORY_WORDS:
        return Verdict(True, "body")
    return Verdict(False, "no-story")


def _story_words(extraction: Extraction) -> int:
    """Words of the story's non-heading blocks, counted up to :data:`MIN_STORY_WORDS`.

    Only the thresholds (30 and :data:`MIN_STORY_WORDS`) are ever compared, so the
    count stops once it reaches the larger one: a long story is not scanned to its end
    (the word regex over every block cost as much as the whole decision otherwise).
    """
    total = 0
    for block in extraction.blocks:
        if block.kind != "heading":
            total += count_words(block.text)
            if total >= MIN_STORY_WORDS:
                break
    return total


def looks_like_hub_url(url: str) -> bool:
    """True for URLs of tag, author, search, video and gallery index pages.

    A dated path, numeric id or long slug is an article's, whatever hub word
    precedes it: ``/weather/2024/04/26/storms-…`` is not a hub.
    """
    path = urlsplit(url).path
    if path in ("", "/"):
        return True
    return bool(_HUB_PATH.search(path)) and not _ARTICLE_PATH.search(path)
