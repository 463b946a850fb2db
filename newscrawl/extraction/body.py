"""Find the story container among the page's text runs and turn it into blocks.

Scoring is paragraph-level, like readability: every run gives a weight to
its owner and all the owner's ancestors — long, low-link-density text counts
positively (in proportion to its length), link lists, short labels and
navigation-like runs negatively. The container is the element with the
highest total, after a boost for semantic story markers (``<article>``,
``itemprop=articleBody``, class/id words such as article-body, story-body,
entry-content). Because negative runs count, the winner is the tightest
element holding the story's paragraphs, and a story split over several sibling
containers is covered by their common parent when the gaps are small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from lxml import etree

from . import thresholds as T
from .authors import split_names
from .dom import own_hint_words, own_hints, words_of
from .model import HEADING, LEAD, LIST_ITEM, PARAGRAPH, QUOTE, Block
from .text import fold
from .walk import Run

_KIND = {"heading": HEADING, "list_item": LIST_ITEM, "quote": QUOTE, "paragraph": PARAGRAPH,
         "h1": HEADING}
#: Class/id word pairs that mark the story body.
_BODY_FIRST = frozenset(("article", "story", "entry", "post", "news", "content", "text", "main",
                         "artikel", "articulo", "nota", "single", "detail", "page", "body"))
_BODY_SECOND = frozenset(("body", "content", "text", "copy", "story", "inner", "article",
                          "artikel", "main", "container", "detail", "paragraphs", "entry"))
_STRONG_BODY = frozenset(("articlebody", "storybody", "entrycontent", "articletext",
                          "storytext", "bodytext", "articlecontent", "postcontent",
                          "storycontent", "post-body", "article-body", "story-body",
                          "entry-content", "article-text", "article-content", "post-content",
                          "richtext", "rich-text", "body-text", "articleBody", "text-block",
                          "paywall", "artikel-text", "article__body", "article__content",
                          "story__body", "content-body"))
_NEGATIVE_WORDS = frozenset(("related", "recommended", "recommendations", "sidebar", "teaser",
                             "teasers", "more", "promo", "popular", "trending", "newsletter",
                             "share", "sharing", "social", "comments", "footer", "header",
                             "nav", "navigation", "menu", "breadcrumb", "breadcrumbs", "widget",
                             "ad", "ads", "advert", "advertisement", "banner", "outbrain",
                             "taboola", "rail", "aside", "tags", "topics", "list", "carousel"))
#: Words that mark the standfirst / lead near the headline.
LEAD_WORDS = frozenset(("standfirst", "lead", "leadtext", "lede", "summary", "teaser", "dek",
                        "deck", "intro", "introduction", "description", "subtitle", "subline",
                        "excerpt", "abstract", "sapo", "chapo", "chapeau", "entradilla",
                        "subheadline", "subhead", "strapline", "kicker-text", "bajada",
                        "entradeta", "occhiello", "sommario", "catenaccio", "vorspann",
                        "header-text", "description-text", "headline-intro", "perex",
                        "ingress", "ingres", "lead-text", "summary-text", "underline"))
#: Words that veto a lead match: the element describes a picture or a video.
LEAD_VETO = frozenset(("image", "img", "photo", "picture", "media", "bild", "video", "gallery",
                       "carousel", "slide", "slideshow", "figure", "credit", "credits", "foto",
                       "imagedescription", "audio", "player", "teaser-list", "related"))
#: Words that mark bylines, datelines and article meta rows (not story text).
META_WORDS = frozenset(("byline", "bylines", "author", "authors", "autor", "dateline",
                        "timestamp", "date", "datetime", "published", "pubdate", "time",
                        "updated", "meta", "metadata", "credits", "reading", "readtime",
                        "breadcrumb", "breadcrumbs", "kicker", "eyebrow", "overline",
                        "category", "rubric", "tags", "share", "sharing",
                        # the same in the languages we meet most
                        "autoren", "autorin", "autores", "auteur", "auteurs", "autore",
                        "autori", "datum", "fecha", "teilen", "partager", "compartir"))
#: A byline written out: "By/Von/Par … Name" (prefix in any case, then a capital).
_BYLINE_TEXT = re.compile(
    r"^(?i:by|von|par|por|door|av|af|przez|di|de)\s+(?=[A-ZÀ-ÖØ-ÞĀ-Ž])")
#: A dateline row: digits and date punctuation, maybe a clock word ("11.03.2024, 08:30 Uhr").
_DATE_ROW = re.compile(r"^[\d\s.,:/\-–|]{6,}(?:uhr|h|am|pm|cet|cest|utc|gmt)?\.?$", re.IGNORECASE)
_END_PUNCT = re.compile(r"[.!?…:;\"'”»“)\]。！？」』）]$")
#: The characters of :data:`_END_PUNCT`'s class, for :func:`ends_like_prose`.
_END_CHARS = frozenset(".!?…:;\"'”»“)]。！？」』）")
_NO_WORDS: frozenset[str] = frozenset()
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
#: Text-level tags that are blocks but never story containers themselves.
_NOT_CONTAINER = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote",
                            "pre", "tr", "th", "caption", "summary", "legend", "hr", "ul", "ol",
                            "dl", "table", "tbody", "thead", "tfoot", "header", "footer"))


def ends_like_prose(text: str) -> bool:
    """Whether a text block ends as prose does, for the body's scoring: a sentence's end,
    a colon or semicolon, or any closing quote or bracket (wider than
    :func:`newscrawl.extraction.text.ends_like_sentence`, cleaning's test of a sentence).

    ``_END_PUNCT.search(text)`` told by the last character (or the one before a final
    newline, where ``$`` matches too): the regex tries its class at every position."""
    last = text[-1:]
    if last == "\n":
        last = text[-2:-1]
    return last in _END_CHARS


def text_weight(text: str) -> int:
    """Length in Latin-equivalent characters: a CJK/Hangul character says ~2.5 letters' worth."""
    if text.isascii():
        return len(text)
    return len(text) + (len(_WIDE.findall(text)) * 3 >> 1)


def run_weight(run: Run) -> float:
    """How much a run says "story text here" (positive) or "page furniture" (negative)."""
    text = run.text
    raw = len(text)
    if not raw:
        return 0.0
    n = raw if text.isascii() else text_weight(text)
    ld = run.link_chars / raw
    if run.kind in ("heading", "h1"):
        return -min(n, T.LINKED_HEADING_CAP) * T.LINKED_WEIGHT_FACTOR - T.LINKED_WEIGHT_OFFSET \
            if ld > T.LINKED_RUN_LD else 0.0
    if ld > T.LINKED_RUN_LD:
        return -min(n, T.LINKED_TEXT_CAP) * T.LINKED_WEIGHT_FACTOR - T.LINKED_WEIGHT_OFFSET
    if n < T.SHORT_RUN_CHARS:
        if ld > T.SHORT_LINKED_LD:
            return T.SHORT_LINKED_WEIGHT
        return T.SHORT_P_WEIGHT if run.tag == "p" else T.SHORT_OTHER_WEIGHT
    base = float(n)
    if n < T.MEDIUM_RUN_CHARS:
        base *= T.MEDIUM_RUN_FACTOR
    if ld > T.SOME_LINKS_LD:
        base *= T.SOME_LINKS_FACTOR
    if run.tag == "p":
        base *= T.P_FACTOR
    if ends_like_prose(text):
        base *= T.SENTENCE_FACTOR
    if run.kind == "list_item" and n < T.SHORT_ITEM_CHARS:
        base *= T.SHORT_ITEM_FACTOR
    return base * (1.0 - ld)


#: A teaser card: a linked headline, then (after at most this many short runs — author,
#: time, section label) a short excerpt paragraph (the values: :mod:`.thresholds`).
_CARD_GAP = T.CARD_GAP
_SHORT_RUN = T.CARD_SHORT_RUN
_EXCERPT_MAX = T.CARD_EXCERPT_MAX


def teaser_adjusted(weights: list[float], runs: list[Run]) -> list[float]:
    """Run weights with teaser-card excerpts turned negative.

    A related-articles or river list repeats cards of *linked headline → excerpt*;
    the excerpts are link-free prose, so by weight alone they look like story text
    and pull the container out to the list's common parent. An excerpt that
    follows a linked headline (only short runs between) counts against its
    container instead. Story cross-headings are not links, so the story's own
    paragraphs keep their weight.
    """
    out = list(weights)
    last_linked_heading = -10
    for i, run in enumerate(runs):
        n = len(run.text)
        if run.kind in ("heading", "h1"):
            last_linked_heading = i if n and run.link_chars > T.CARD_HEADING_LD * n else -10
            continue
        if last_linked_heading < 0:
            continue
        gap = i - last_linked_heading
        if gap > _CARD_GAP + 1:
            last_linked_heading = -10
            continue
        if run.kind == "paragraph" and _SHORT_RUN <= n <= _EXCERPT_MAX and out[i] > 0:
            out[i] = T.CARD_EXCERPT_FACTOR * out[i]
            last_linked_heading = -10
        elif n > _SHORT_RUN:
            last_linked_heading = -10
    return out


def _boost(el: etree._Element, tag: str) -> float:
    """The semantic story-marker factor of an element (1.0: none)."""
    get = el.get
    return _boost_of(tag, get("class"), get("id"), get("itemprop"))


@lru_cache(maxsize=16384)
def _boost_of(tag: str, cls: str | None, ident: str | None, itemprop: str | None) -> float:
    """:func:`_boost` by the strings it reads, cached: the candidate containers of a site's
    pages repeat their tag, class and id, and splitting those was most of the cost."""
    words = words_of(cls or "", ident or "", itemprop or "") if cls or ident or itemprop \
        else _NO_WORDS
    boost = 1.0
    if tag == "article":
        boost *= T.BOOST_ARTICLE
    elif tag == "main":
        boost *= T.BOOST_MAIN
    if "articlebody" in (itemprop or "").lower():
        boost *= T.BOOST_ITEMPROP
    classes = {t.lower() for t in (cls or "").split()}
    if classes & _STRONG_BODY or (ident or "").lower() in _STRONG_BODY:
        boost *= T.BOOST_STRONG
    elif words & _BODY_FIRST and words & _BODY_SECOND \
            and len(words & (_BODY_FIRST | _BODY_SECOND)) >= T.BOOST_PAIR_WORDS:
        boost *= T.BOOST_PAIR
    if words & _NEGATIVE_WORDS and not classes & _STRONG_BODY:
        boost *= T.BOOST_NEGATIVE
    return boost


def choose_container(runs: list[Run], spans: dict, body: etree._Element,
                     title_el: etree._Element | None = None) -> etree._Element | None:
    """The element that best holds the story's paragraphs, or None for no story text.

    Score = sum of run weights below the element, plus a bonus of half the
    semantic boost times its positive (story-like) weight — additive, so
    stacked markers on a wide wrapper cannot outweigh the junk it adds. An
    element holding several headlines (an infinite-scroll page's next
    stories) is penalised, and so is an element that neither holds the
    page's headline nor starts between it and the next ``<h1>`` (another story).
    """
    title_pos = next_pos = None
    if title_el is not None:
        for run in runs:
            if run.kind != "h1":
                continue
            if title_pos is None:
                if run.owner is title_el or any(a is title_el for a in run.owner.iterancestors()):
                    title_pos = run.pos
            elif run.owner is not title_el:
                next_pos = run.pos
                break
    scores: dict[etree._Element, float] = {}
    positive: dict[etree._Element, float] = {}
    h1s: dict[etree._Element, int] = {}
    has_title: set[etree._Element] = set()
    weights = teaser_adjusted([run_weight(run) for run in runs], runs)
    chains: dict[etree._Element, tuple[etree._Element, ...]] = {}
    for run, w in zip(runs, weights):
        is_h1 = run.kind == "h1"
        if not w and not is_h1:
            continue
        chain = ancestry(run.owner, body, chains)
        if w:
            for el in chain:
                scores[el] = scores.get(el, 0.0) + w
            if w > 0:
                for el in chain:
                    positive[el] = positive.get(el, 0.0) + w
        if is_h1:
            if title_el is not None and (
                    run.owner is title_el or any(a is title_el for a in run.owner.iterancestors())):
                has_title.update(chain)
            else:
                for el in chain:
                    h1s[el] = h1s.get(el, 0) + 1
    best, best_score = None, 0.0
    for el, score in scores.items():
        if score <= 0:
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _NOT_CONTAINER:
            continue
        score += (_boost(el, tag) - 1.0) * positive.get(el, 0.0) * T.BOOST_SHARE
        others = h1s.get(el, 0)
        if el in has_title:
            if others:
                score *= T.OTHER_STORIES_FACTOR
        elif others > (0 if title_el is not None else 1):
            score *= T.ELSEWHERE_FACTOR if title_el is not None else T.OTHER_STORIES_FACTOR
        elif title_pos is not None:
            start = spans.get(el, (0, 0))[0]
            if start < title_pos or (next_pos is not None and start > next_pos):
                score *= T.ELSEWHERE_FACTOR
        if score > best_score:
            best, best_score = el, score
    return best


def ancestry(el: etree._Element, stop: etree._Element,
             memo: dict[etree._Element, tuple[etree._Element, ...]]) -> tuple[etree._Element, ...]:
    """``el`` and its ancestors, nearest first, up to and including ``stop`` (else the root).

    ``memo`` maps elements to their finished chains: the runs of one page share
    most of their ancestors, so each parent is read once per page instead of once
    per run (scoring adds every run's weight to its whole chain).
    """
    found = memo.get(el)
    if found is not None:
        return found
    path: list[etree._Element] = []
    node = el
    tail: tuple[etree._Element, ...] = ()
    while node is not None:
        known = memo.get(node)
        if known is not None:
            tail = known
            break
        path.append(node)
        if node is stop:
            break
        node = node.getparent()
    for node in reversed(path):
        tail = (node, *tail)
        memo[node] = tail
    return tail


def hints_of(el: etree._Element, cache: dict) -> str:
    """Hint tokens of ``el`` and its ancestors up to (not including) ``<body>``, nearest first.

    ``cache`` maps elements to their finished hint string, so blocks sharing
    ancestors cost one attribute read per element overall.
    """
    chain: list[etree._Element] = []
    node = el
    tail = ""
    while node is not None and node.tag not in ("body", "html"):
        cached = cache.get(node)
        if cached is not None:
            tail = cached
            break
        chain.append(node)
        node = node.getparent()
    for node in reversed(chain):  # outermost first, so each level prepends its own tokens
        own = " ".join(own_hints(node))
        tail = f"{own} {tail}".strip() if own else tail
        cache[node] = tail
    return tail


def owner_hints(run: Run, words_cache: dict, container: etree._Element | None,
                max_depth: int) -> Iterator[frozenset[str]]:
    """The hint words (:func:`own_hint_words`, cached in ``words_cache``) of the run's
    owner and its ancestors, nearest first: at most ``max_depth`` elements, the last of
    them ``container`` when it is reached."""
    node = run.owner
    depth = 0
    while node is not None and depth < max_depth:
        words = words_cache.get(node)
        if words is None:
            words = own_hint_words(node)
            words_cache[node] = words
        yield words
        if node is container:
            break
        node = node.getparent()
        depth += 1


def is_meta_run(run: Run, words_cache: dict, container: etree._Element) -> bool:
    """True for bylines, datelines, kicker and share rows: article metadata, not text."""
    if len(run.text) > T.META_MAX_CHARS:
        return False
    if any(words & META_WORDS for words in owner_hints(run, words_cache, container, T.META_DEPTH)):
        return True
    text = run.text
    if len(text) <= T.DATE_ROW_MAX_CHARS and _DATE_ROW.match(text):
        return True
    if len(text) <= T.BYLINE_MAX_CHARS and _BYLINE_TEXT.match(text) \
            and len(text.split()) <= T.BYLINE_MAX_WORDS \
            and not ends_like_prose(text) and split_names(text, byline=True)[0]:
        return True
    return False


def is_lead_run(run: Run, words_cache: dict, container: etree._Element | None,
                description: str | tuple[str, ...]) -> bool:
    """True for a standfirst: lead-like class words, or a page description's text.

    ``description`` is one folded description or several (meta description,
    og:description and JSON-LD description often differ: any may be the standfirst).
    """
    n = len(run.text)
    if n < T.LEAD_MIN_CHARS or n > T.LEAD_MAX_CHARS:
        return False
    if run.link_chars / n > T.LEAD_MAX_LD:
        return False
    for words in owner_hints(run, words_cache, container, T.LEAD_DEPTH):
        if words & LEAD_VETO:
            return False
        if words & LEAD_WORDS:
            return True
    if description:
        f = fold(run.text)
        for d in (description,) if isinstance(description, str) else description:
            if f and d and (f == d or (len(d) > T.LEAD_PREFIX_MIN_CHARS and (
                    f.startswith(d[:-T.LEAD_PREFIX_SLACK])
                    or d.startswith(f[:-T.LEAD_PREFIX_SLACK])))):
                return True
    return False


def prune_link_lists(runs: list[Run], container: etree._Element) -> list[Run]:
    """Drop link lists inside the container: related-article lists, jump menus, share bars.

    A subtree goes when it has at least two runs, more than 60 % of its text is
    link text and none of its runs is a real paragraph. Single links ("Read
    more") are left to the cleaning layer, which records why it removes them.
    """
    agg: dict[etree._Element, list[int]] = {}
    memo: dict[etree._Element, tuple[etree._Element, ...]] = {}
    below: list[tuple[etree._Element, ...]] = []  # per run: its owner's chain below the container
    for run in runs:
        chain = ancestry(run.owner, container, memo)
        if chain and chain[-1] is container:
            chain = chain[:-1]
        below.append(chain)
        n = len(run.text)
        good = int(n > T.LINK_LIST_GOOD_CHARS and run.link_chars < T.LINK_LIST_GOOD_LD * n)
        for el in chain:
            a = agg.get(el)
            if a is None:
                agg[el] = [n, run.link_chars, 1, good]
            else:
                a[0] += n
                a[1] += run.link_chars
                a[2] += 1
                a[3] += good
    pruned = {el for el, (n, links, count, good) in agg.items()
              if count >= T.LINK_LIST_MIN_RUNS and links > T.LINK_LIST_LD * n and not good}
    if not pruned:
        return runs
    return [run for run, chain in zip(runs, below) if pruned.isdisjoint(chain)]


def make_blocks(runs: Iterable[Run], lead: Run | None, cache: dict) -> list[Block]:
    """Blocks in reading order, the lead (if any) first as LEAD."""
    blocks: list[Block] = []
    if lead is not None:
        blocks.append(_block(lead, LEAD, cache, 0))
    for run in runs:
        if run is lead:
            continue
        if run.lines:  # sentence-length lines split by <br>: a paragraph each (walk.br_texts)
            for line in run.lines:
                blocks.append(_block(run, _KIND[run.kind], cache, len(blocks), line))
            continue
        blocks.append(_block(run, _KIND[run.kind], cache, len(blocks)))
    return blocks


def _block(run: Run, kind: str, cache: dict, index: int, text: str | None = None) -> Block:
    n = len(run.text)
    return Block(text=run.text if text is None else text, kind=kind, tag=run.tag,
                 hints=hints_of(run.owner, cache), link_density=round(run.link_chars / n, 3) if n else 0.0, index=index)
