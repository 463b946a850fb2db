"""Article detection: is this page one article, or a hub to follow for links?

Decided before an item is made, from four signals in order of trust:

1. schema.org ``@type`` in JSON-LD (``NewsArticle``, ``BlogPosting``, … say yes;
   ``VideoObject``, ``CollectionPage``, ``ProfilePage``, … say no);
2. ``og:type`` (``article`` yes; ``video.*``, ``website``, ``profile`` no);
3. the URL's shape: dated paths, long slugs and numeric ids say yes (even below a
   hub word such as ``/weather/2024/…``); hub paths (``/tag/``, ``/author/``,
   ``/search``, ``/video/``, ``/gallery/`` …) and then ``og:type`` ``website`` say no;
4. the extracted body: an article has a run of real paragraphs.

The body also speaks when the markup is silent or wrong (see :func:`story_shape`): a
story of :data:`MIN_SHORT_STORY_WORDS` (40, validation's floor, so that a story a crawl
would write is not thrown away first) to :data:`MIN_STORY_WORDS` words is an article
(``short-story``) when its structure says story — a headline, prose paragraphs with
sentences (two, or one paragraph that is a short story by itself; a paragraph ending in a
colon introduces what follows and counts as one), one of them a real paragraph (20 words),
not a list of teasers or captions; and a long coherent prose text
(:data:`MIN_PROSE_OVER_HUB_WORDS` words in three paragraphs, or :data:`MIN_STORY_WORDS` in
any number under an article-shaped URL) outweighs an ``og:type`` such as ``video``,
``website`` or ``product`` that old or careless markup puts on every page
(``body-over-og-type``). A schema.org hub type and a hub path still say no. The
thresholds live in :mod:`newscrawl.extraction.thresholds`.
A WordPress-style query id on the site root (``/?p=521``) is an article URL, not the
front page.

Every verdict carries a :attr:`Verdict.confidence`: how sure detection is that the page
is an article, from the signal that decided (:data:`CONFIDENCE`; 0.5 and above is yes).

A site's own article URL pattern (``article_pattern`` in the sites file,
``-a article_pattern=``) outranks them all: a page whose URL does not match it is
never an article, and one that matches is not vetoed by a hub-looking path.
Without a pattern, a hub-looking path (the front page, ``/tag/…``, ``/video/…``
with no date, id or long slug after it) vetoes even a page that calls itself an
article — unless the page names, as its ``<link rel=canonical>`` (or ``og:url``), an
article-shaped URL of the same site: then it is judged by that address (a post reached
through the front page's URL, a redirect, a tracking landing). The canonical only ever
rescues: one that looks like a hub never vetoes an article URL.

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

from newscrawl.discovery.urls import site_of
from newscrawl.extraction.model import HEADING, count_words
from newscrawl.extraction.text import SENTENCE_END
from newscrawl.extraction.thresholds import (
    MIN_PROSE_OVER_HUB_WORDS,
    MIN_SHORT_STORY_WORDS,
    MIN_STORY_WORDS,
    REAL_PARAGRAPH_WORDS,
)

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

#: A WordPress-style post id in the query of the site root: ``/?p=521``, ``/?id=12345``.
_ARTICLE_QUERY = re.compile(r"(^|&)(p|id|story|storyid|article|articleid|post|newsid)=\d+(&|$)",
                            re.I)
#: A sentence end: ., !, ?, … (or a CJK full stop) with closing quotes or brackets after it.
_SENTENCE_END = re.compile(SENTENCE_END + r"(?=\s|$)")

#: How sure each deciding signal makes the verdict that the page is an article (0..1;
#: 0.5 and above means yes). Ordinal levels by signal, not probabilities fitted on data:
#: markup that names an article type is the surest, the body alone the least sure.
CONFIDENCE = {
    "jsonld-type": 0.95, "og-type": 0.9, "url-shape": 0.85, "body": 0.75,
    "body-over-og-type": 0.65, "short-story": 0.6,
    "no-story": 0.2, "hub-og-type": 0.1, "hub-url": 0.1, "hub-type": 0.05,
    "not-pattern": 0.02, "no document": 0.0,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    is_article: bool
    reason: str
    """Why: ``jsonld-type``, ``og-type``, ``url-shape``, ``body``, ``body-over-og-type``,
    ``short-story`` or, for a no, ``hub-type``, ``hub-og-type``, ``hub-url``, ``no-story``,
    ``not-pattern`` (``no document`` when there was no page to judge)."""

    @property
    def confidence(self) -> float:
        """How sure the verdict is that the page is an article (:data:`CONFIDENCE`)."""
        return CONFIDENCE.get(self.reason, 0.75 if self.is_article else 0.25)

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
    if article_pattern is None:
        url = _own_article_url(extraction, url)
    verdict = _verdict(extraction, url)
    if verdict.is_article and article_pattern is None and looks_like_hub_url(url):
        return Verdict(False, "hub-url")
    return verdict


def _own_article_url(extraction: Extraction, url: str) -> str:
    """The URL to judge the page by: its own canonical URL when it was fetched under a
    hub-looking one (the site root, ``/tag/…``) and names, on the same site, an
    article-shaped URL as its address (a post reached through the front page's
    address, a redirect, a tracking landing); else ``url``. Only ever a rescue: a
    canonical that looks like a hub (a CMS that points every page to the front page)
    never vetoes an article URL."""
    canonical = extraction.canonical_url
    if not canonical or canonical == url or not looks_like_hub_url(url):
        return url
    parts = urlsplit(canonical)
    if (site_of(canonical) == site_of(url) and _article_url(parts.path, parts.query)
            and not looks_like_hub_url(canonical)):
        return canonical
    return url


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
    parts = urlsplit(url)
    path = parts.path
    if og_type.startswith(_HUB_OG_STRONG):
        return _hub_og_or_prose(extraction, _article_url(path, parts.query))
    # A dated path, a numeric id or a long slug outweighs a hub word elsewhere in
    # the path (/weather/2024/04/26/storms…, /autoren/name/long-article-slug) and
    # an og:type "website" that many CMSs put on every page.
    if _article_url(path, parts.query) and has_story:
        return Verdict(True, "url-shape")
    if _HUB_PATH.search(path) or (path in ("", "/") and not _article_url(path, parts.query)):
        return Verdict(False, "hub-url")
    if og_type.startswith(_HUB_OG):
        return _hub_og_or_prose(extraction)
    if story_words >= MIN_STORY_WORDS:
        return Verdict(True, "body")
    if story_words >= MIN_SHORT_STORY_WORDS and story_shape(extraction).short_story:
        return Verdict(True, "short-story")
    return Verdict(False, "no-story")


def _hub_og_or_prose(extraction: Extraction, article_url: bool = False) -> Verdict:
    """A hub ``og:type`` says no unless a long coherent prose text says story; under an
    article URL (dated path, id, long slug) a coherent story of :data:`MIN_STORY_WORDS`
    prose words is enough, in however few paragraphs."""
    shape = story_shape(extraction)
    if shape.prose_over_hub or (article_url and shape.coherent
                                and shape.prose_words >= MIN_STORY_WORDS):
        return Verdict(True, "body-over-og-type")
    return Verdict(False, "hub-og-type")


def _article_url(path: str, query: str) -> bool:
    """A dated path, numeric id or long slug; or a post id in the query of the root."""
    if _ARTICLE_PATH.search(path):
        return True
    return path in ("", "/") and bool(_ARTICLE_QUERY.search(query))


@dataclass(frozen=True, slots=True)
class StoryShape:
    """What the extracted body looks like: how much of it is prose, in how many blocks.

    A *prose block* is a non-heading block of at least 6 words, less than half of it
    link text, with at least one sentence end (or ending in a colon: an introduction). Teaser lists fail the test by their
    linked headlines (at least half as many as the prose blocks), picture galleries by
    their captions (no prose block of :data:`_REAL_PARAGRAPH` words). A blog's own
    furniture — "« previous | Main", "Tweet", a plain cross-heading per item of a list
    post — does not count against the story.
    """

    words: int
    """Words of all non-heading blocks."""
    prose_words: int
    prose_blocks: int
    sentences: int
    longest: int
    """Words of the longest prose block."""
    linked_headings: int
    """Headings at least half of whose text is link text: a teaser's headline."""
    has_title: bool

    @property
    def coherent(self) -> bool:
        """Prose dominates: two thirds of the words, more than twice as many prose
        blocks as linked headlines, a real paragraph among them, a headline, and two
        sentences (or one paragraph of :data:`MIN_SHORT_STORY_WORDS` words: a post of
        one long sentence)."""
        return (self.has_title and self.longest >= _REAL_PARAGRAPH
                and (self.sentences >= 2 or self.longest >= MIN_SHORT_STORY_WORDS)
                and self.prose_words * 3 >= self.words * 2
                and self.prose_blocks > 2 * self.linked_headings)

    @property
    def short_story(self) -> bool:
        return self.coherent and self.prose_words >= MIN_SHORT_STORY_WORDS

    @property
    def prose_over_hub(self) -> bool:
        return (self.coherent and self.prose_blocks >= 3
                and self.prose_words >= MIN_PROSE_OVER_HUB_WORDS)


#: Words of the longest prose block of a coherent story (:data:`REAL_PARAGRAPH_WORDS`).
_REAL_PARAGRAPH = REAL_PARAGRAPH_WORDS


def story_shape(extraction: Extraction) -> StoryShape:
    """The :class:`StoryShape` of the extraction's blocks (only asked when the
    markup and the URL have not decided: the whole body is scanned)."""
    words = prose_words = prose_blocks = sentences = longest = linked_headings = 0
    for block in extraction.blocks:
        linked = block.link_density >= 0.5
        if block.kind == HEADING:
            linked_headings += linked
            continue
        n = count_words(block.text)
        words += n
        ends = len(_SENTENCE_END.findall(block.text)) or _ends_as_intro(block.text)
        if n >= 6 and ends and not linked:
            prose_words += n
            prose_blocks += 1
            sentences += ends
            longest = max(longest, n)
    return StoryShape(words, prose_words, prose_blocks, sentences, longest, linked_headings,
                      bool(extraction.title))


def _ends_as_intro(text: str) -> int:
    """1 when ``text`` ends with a colon, as a sentence introducing what follows does
    ("… to learn more about the new feature:" before a video or a list), else 0."""
    return int(text.rstrip().endswith((":", "\uff1a")))


def _story_words(extraction: Extraction) -> int:
    """Words of the story's non-heading blocks, counted up to :data:`MIN_STORY_WORDS`.

    Only the thresholds (30 and :data:`MIN_STORY_WORDS`) are ever compared, so the
    count stops once it reaches the larger one: a long story is not scanned to its end
    (the word regex over every block cost as much as the whole decision otherwise).
    """
    total = 0
    for block in extraction.blocks:
        if block.kind != HEADING:
            total += count_words(block.text)
            if total >= MIN_STORY_WORDS:
                break
    return total


def looks_like_hub_url(url: str) -> bool:
    """True for URLs of tag, author, search, video and gallery index pages.

    A dated path, numeric id or long slug is an article's, whatever hub word
    precedes it: ``/weather/2024/04/26/storms-…`` is not a hub; nor is the root with
    a post id in its query (``/?p=521``).
    """
    parts = urlsplit(url)
    path = parts.path
    if path in ("", "/"):
        return not _ARTICLE_QUERY.search(parts.query)
    return bool(_HUB_PATH.search(path)) and not _ARTICLE_PATH.search(path)
