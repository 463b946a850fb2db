"""Every tuning threshold of the story extraction (:mod:`.body`, :mod:`.core`), named in
one place.

Each value says what it bounds and how it was set. None of them was measured one by one:
they came in by hand while the extraction was written against news-dev (the commit named
is the one that brought the value in; ``git log -S`` finds it), and the corpus scores of
``benchmarks/extraction.py`` in ``benchmarks/RESULTS.md`` are for all of them together.
Change one only with those scores (dev, never validation) before and after.

``body.py`` and ``core.py`` read them as ``T.NAME`` (``from . import thresholds as T``).
The compiled walk (``_speedups.pyx``) reads none of them itself: :mod:`.walk` reads
BR_LINE_MIN in ``br_texts``, which both walks call.
Lengths are in characters of the run text unless said otherwise; "ld" is link density
(link characters / all characters).
"""

from __future__ import annotations

# --- run weights (body.run_weight): how much a text run says "story text here" ----------

#: Link density above which a run is a link (heading or text): it weighs negatively.
#: Set by hand on news-dev (ff59462).
LINKED_RUN_LD = 0.5
#: A linked heading weighs -(min(length, this) × LINKED_WEIGHT_FACTOR) - LINKED_WEIGHT_OFFSET.
#: Set by hand on news-dev (ff59462).
LINKED_HEADING_CAP = 150
#: A linked text run weighs the same with its length capped here. Set by hand on news-dev
#: (ff59462).
LINKED_TEXT_CAP = 300
#: Weight per (capped) character of a linked run. Set by hand on news-dev (ff59462).
LINKED_WEIGHT_FACTOR = 0.6
#: Fixed penalty of a linked run on top of its per-character weight. Set by hand on news-dev
#: (ff59462).
LINKED_WEIGHT_OFFSET = 10
#: Runs shorter than this (weighted length) are labels, not text: a small fixed penalty.
#: Set by hand on news-dev (ff59462).
SHORT_RUN_CHARS = 25
#: A short run with more link density than this is a link label. Set by hand on news-dev
#: (ff59462).
SHORT_LINKED_LD = 0.2
#: Weight of a short linked run. Set by hand on news-dev (ff59462).
SHORT_LINKED_WEIGHT = -8.0
#: Weight of a short ``<p>`` (a label in a paragraph tag is still paragraph-like). Set by
#: hand on news-dev (ff59462).
SHORT_P_WEIGHT = -1.0
#: Weight of any other short run. Set by hand on news-dev (ff59462).
SHORT_OTHER_WEIGHT = -4.0
#: Runs shorter than this count at MEDIUM_RUN_FACTOR of their length. Set by hand on news-dev
#: (ff59462).
MEDIUM_RUN_CHARS = 80
#: The factor of a run shorter than MEDIUM_RUN_CHARS. Set by hand on news-dev (ff59462).
MEDIUM_RUN_FACTOR = 0.35
#: Link density above which a run counts at SOME_LINKS_FACTOR. Set by hand on news-dev
#: (ff59462).
SOME_LINKS_LD = 0.25
#: The factor of a run with more links than SOME_LINKS_LD. Set by hand on news-dev (ff59462).
SOME_LINKS_FACTOR = 0.3
#: The factor of a ``<p>`` run (paragraph tags say "text"). Set by hand on news-dev (ff59462).
P_FACTOR = 1.25
#: The factor of a run that ends a sentence. Set by hand on news-dev (ff59462).
SENTENCE_FACTOR = 1.1
#: List items shorter than this count at SHORT_ITEM_FACTOR (menus are lists). Set by hand on
#: news-dev (ff59462).
SHORT_ITEM_CHARS = 120
#: The factor of a short list item. Set by hand on news-dev (ff59462).
SHORT_ITEM_FACTOR = 0.4

# --- teaser cards (body.teaser_adjusted) -------------------------------------------------

#: A teaser card: a linked headline, then (after at most this many short runs — author,
#: time, section label) a short excerpt paragraph. Set by hand on news-dev (9711956).
CARD_GAP = 3
#: Runs up to this length may sit between a card's headline and its excerpt; an excerpt is
#: at least this long. Set by hand on news-dev (9711956).
CARD_SHORT_RUN = 40
#: An excerpt is at most this long (a longer paragraph is story text). Set by hand on
#: news-dev (9711956).
CARD_EXCERPT_MAX = 500
#: A heading with more link density than this opens a card. Set by hand on news-dev
#: (9711956).
CARD_HEADING_LD = 0.5
#: An excerpt's weight becomes its weight × this (negative: it counts against its
#: container). Set by hand on news-dev (9711956).
CARD_EXCERPT_FACTOR = -0.5

# --- story-marker boost of a candidate container (body._boost_of) ------------------------

#: Factor of an ``<article>`` element. Set by hand on news-dev (ff59462).
BOOST_ARTICLE = 1.15
#: Factor of a ``<main>`` element. Set by hand on news-dev (ff59462).
BOOST_MAIN = 1.05
#: Factor of ``itemprop=articleBody``. Set by hand on news-dev (ff59462).
BOOST_ITEMPROP = 1.4
#: Factor of a strong body class or id (article-body, entry-content …). Set by hand on
#: news-dev (ff59462).
BOOST_STRONG = 1.35
#: Factor of a class/id word pair such as story + text. Set by hand on news-dev (ff59462).
BOOST_PAIR = 1.2
#: Distinct body words a class/id needs for BOOST_PAIR. Set by hand on news-dev (ff59462).
BOOST_PAIR_WORDS = 2
#: Factor of a negative class/id word (related, sidebar …). Set by hand on news-dev
#: (ff59462).
BOOST_NEGATIVE = 0.7

# --- container choice (body.choose_container) ---------------------------------------------

#: Share of (boost - 1) × positive weight added to a container's score. Set by hand on
#: news-dev (ff59462).
BOOST_SHARE = 0.5
#: Score factor of a container holding the headline and other ``<h1>`` stories; also of one
#: holding more than one ``<h1>`` when the page has no headline element. Set by hand on
#: news-dev (ff59462).
OTHER_STORIES_FACTOR = 0.6
#: Score factor of a container holding another story's ``<h1>`` but not the headline, or
#: starting outside the headline's story. Set by hand on news-dev (5607a11).
ELSEWHERE_FACTOR = 0.3

# --- meta rows: bylines, datelines, share bars (body.is_meta_run) -------------------------

#: Runs longer than this are never meta rows. Set by hand on news-dev (ff59462).
META_MAX_CHARS = 160
#: Elements looked at for meta class words: the run's owner and its ancestors, this many.
#: Set by hand on news-dev (ff59462).
META_DEPTH = 4
#: A dateline row is at most this long. Set by hand on news-dev (d743a61).
DATE_ROW_MAX_CHARS = 40
#: A written-out byline ("By Name") is at most this long ... Set by hand on news-dev
#: (d743a61).
BYLINE_MAX_CHARS = 100
#: ... and at most this many words. Set by hand on news-dev (d743a61).
BYLINE_MAX_WORDS = 10

# --- the standfirst (body.is_lead_run) ------------------------------------------------------

#: A lead is at least this long ... Set by hand on news-dev (ff59462).
LEAD_MIN_CHARS = 30
#: ... and at most this long. Set by hand on news-dev (ff59462).
LEAD_MAX_CHARS = 1200
#: A lead has at most this link density. Set by hand on news-dev (ff59462).
LEAD_MAX_LD = 0.3
#: Elements looked at for lead class words: the run's owner and its ancestors, this many.
#: Set by hand on news-dev (ff59462).
LEAD_DEPTH = 3
#: A description longer than this matches a run that starts like it (not only an equal
#: one). Set by hand on news-dev (d743a61).
LEAD_PREFIX_MIN_CHARS = 40
#: Characters cut off the end of both texts before the prefix match (a trailing "…" or a
#: word cut short). Set by hand on news-dev (d743a61).
LEAD_PREFIX_SLACK = 5

# --- <br> lines as paragraphs (walk.br_texts) -----------------------------------------------

#: A run split by single <br>s becomes a paragraph per line when every line before the
#: last is at least this long and ends as a sentence does (issue 23: stories typed as lines
#: in one <div>/<td>/<font>/<p>). A short sentence's length, so that addresses, verse and
#: title lists stay one text. Set by hand, not measured (b2633e9); benchmarks/RESULTS.md
#: "<br> runs as paragraphs" has the corpus scores with it.
BR_LINE_MIN = 40

# --- link lists inside the container (body.prune_link_lists) ------------------------------

#: A run longer than this with link density under LINK_LIST_GOOD_LD is a real paragraph:
#: it saves its subtree. Set by hand on news-dev (5607a11).
LINK_LIST_GOOD_CHARS = 150
#: See LINK_LIST_GOOD_CHARS. Set by hand on news-dev (5607a11).
LINK_LIST_GOOD_LD = 0.2
#: A link list has at least this many runs ... Set by hand on news-dev (5607a11).
LINK_LIST_MIN_RUNS = 2
#: ... and more than this share of link text. Set by hand on news-dev (5607a11).
LINK_LIST_LD = 0.6

# --- story blocks (core._story_blocks) -------------------------------------------------------

#: The first run longer than this is the story's first real paragraph: meta rows and the
#: lead are looked for before it. Set by hand on news-dev (ff59462).
FIRST_PARAGRAPH_CHARS = 200
#: After the first real paragraph, a meta row is dropped only when shorter than this.
#: Set by hand on news-dev (ff59462).
LATE_META_MAX_CHARS = 60
#: Runs between the headline and the container looked at for the lead (the last this many).
#: Set by hand on news-dev (ff59462).
LEAD_BEFORE_RUNS = 8

# --- bold byline paragraph (core._bold_byline) ---------------------------------------------

#: A bold-name credit paragraph is at most this long. Set by hand on news-dev (d743a61).
BOLD_BYLINE_MAX_CHARS = 40
#: Paragraphs looked at for it: this many first ... Set by hand on news-dev (d743a61).
BOLD_BYLINE_FIRST = 2
#: ... and this many last. Set by hand on news-dev (d743a61).
BOLD_BYLINE_LAST = 4
#: The name has at least this many words ... Set by hand on news-dev (d743a61).
BOLD_BYLINE_MIN_WORDS = 2
#: ... and at most this many. Set by hand on news-dev (d743a61).
BOLD_BYLINE_MAX_WORDS = 4

# --- authors from the page body (core._author_sources, core._first_group) ------------------

#: Byline elements (class="byline" …) tried, in page order. Set by hand on news-dev
#: (6f9073a).
BYLINE_ELEMENTS = 4
#: The story's byline group: elements inside the first one's ancestor this many levels up.
#: Set by hand on news-dev (d743a61).
BYLINE_GROUP_LEVELS = 3
#: How far up from an element the group's ancestor is looked for. Set by hand on news-dev
#: (d743a61).
BYLINE_GROUP_DEPTH = 12

# --- dates near the story (core._story_scopes, core._date_texts_near_story) ---------------

#: The headline's block: up to this many levels above the ``<h1>``. Set by hand on news-dev
#: (ec5a7f9).
HEADLINE_BLOCK_LEVELS = 3
#: The runs inside the story container before the headline are dropped as kicker and
#: breadcrumbs unless they hold more than this many times the text after it: then the
#: headline is not the story's top (an ``<h1>`` laid out below the post), and they are the
#: story. Set on dragnet dev (2026-12-04, issue 23): at 1 a left column before a headline
#: in the same container (1.1-1.3 times the story's text) was taken; 2 keeps it out.
HEADLINE_BELOW_STORY_RATIO = 2
#: Date/time/meta elements read per scope. Set by hand on news-dev (ec5a7f9).
DATE_ELEMENTS = 12
#: A written-out date is at least this long ... Set by hand on news-dev (ec5a7f9).
DATE_TEXT_MIN_CHARS = 6
#: ... and at most this long. Set by hand on news-dev (ec5a7f9).
DATE_TEXT_MAX_CHARS = 80

# --- fallbacks when the DOM gave (almost) no story (core._jsonld_fallback, _flight_fallback) -

#: The React flight payload is read when the DOM's story text is shorter than this.
#: Set by hand on news-dev (d743a61).
FLIGHT_MIN_STORY_CHARS = 400
#: JSON-LD articleBody is used only when at least this long ... Set by hand on news-dev
#: (5607a11).
JSONLD_BODY_MIN_CHARS = 150
#: ... and when the DOM's story text is shorter than this share of it. Set by hand on
#: news-dev (ff59462).
JSONLD_DOM_SHARE = 0.35
#: An articleBody in one paragraph longer than this is split into sentence groups ...
#: Set by hand on news-dev (ff59462).
JSONLD_SPLIT_CHARS = 1500
#: ... of just over this many characters each. Set by hand on news-dev (ff59462).
JSONLD_GROUP_CHARS = 400

# --- headline (titles.choose_title) -------------------------------------------------------

#: An ``<h1>`` and a metadata title longer than this match when one contains the other.
#: Set by hand on news-dev (ff59462).
TITLE_CONTAINS_MIN_CHARS = 15

# --- language (core._detect_language) ------------------------------------------------------

#: Blocks whose text is given to the language detector ... Set by hand on news-dev (ff59462).
LANGUAGE_BLOCKS = 30
#: ... at most this many characters of it ... Set by hand on news-dev (ff59462).
LANGUAGE_MAX_CHARS = 5000
#: ... and no detection under this many. Set by hand on news-dev (ff59462).
LANGUAGE_MIN_CHARS = 20

# --- article detection (discovery.detect): when the body alone makes a page an article ----
# Read by :mod:`newscrawl.discovery.detect` (which names them in its module doc); words are
# counted with :func:`newscrawl.extraction.model.count_words`.

#: Words a page's story needs before the body alone can make it an article. Set by hand on
#: news-dev (the body signal's first floor).
MIN_STORY_WORDS = 120
#: Words of prose a shorter story needs when its structure says story (``short-story``).
#: Set to the crawl's validation floor (``NEWSCRAWL_MIN_WORDS``, 40): a story that validation
#: would write is not thrown away by detection first. It was 50; 40 was measured on the dev
#: splits of news-dev, dragnet and portals (benchmarks/RESULTS.md, 2026-12-04, issue 23).
MIN_SHORT_STORY_WORDS = 40
#: Words of prose that outweigh a hub ``og:type`` (``body-over-og-type``). Set by hand on
#: dragnet dev (issue 23, k-detect's predecessor).
MIN_PROSE_OVER_HUB_WORDS = 150
#: Words of the longest prose block of a coherent story: one real paragraph (a picture
#: caption has fewer than 15). Set by hand on dragnet dev.
REAL_PARAGRAPH_WORDS = 20
