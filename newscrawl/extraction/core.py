"""``extract``: one HTML page → :class:`~newscrawl.extraction.model.Extraction`.

The page is decoded and parsed once; metadata comes from the trust order in
:mod:`.meta`, the story blocks from :mod:`.walk` + :mod:`.body`. Every stage is
guarded: garbage input gives None (nothing parseable) or a partial result,
never an exception. A site :class:`~newscrawl.extraction.profiles.Profile`,
when given, overrides the generic rules with its selectors.
"""

from __future__ import annotations

import logging
import re
import traceback
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree

from . import meta as M
from . import thresholds as T
from ._compiled import walk
from .authors import is_agency
from .body import choose_container, is_lead_run, is_meta_run, make_blocks, prune_link_lists
from .dates import normalize_date
from .dom import in_hidden_subtree
from .flight import flight_html, is_flight_script
from .jsonld import first_str, read_jsonld, types_of
from .model import HEADING, LEAD, PARAGRAPH, Block, Extraction
from .parse import parse_html, parse_page
from .scan import scan
from .text import fold, normalize_text, text_of, unescape_text
from .titles import TITLE_SEP, choose_title
from .walk import Run

if TYPE_CHECKING:
    from .profiles import Profile

logger = logging.getLogger(__name__)

_TIME = etree.XPath(".//time[@datetime] | .//*[@itemprop='datePublished'][@datetime or @content]")
_ITEMPROP_NAME = etree.XPath(".//*[@itemprop='name']")
#: Paths of author pages (WordPress and most CMSs: /author/<slug>/).
_AUTHOR_PATHS = ("/author/", "/authors/", "/autor/", "/autoren/", "/auteur/")
#: Class words of byline elements (matched on the lower-cased class attribute).
_BYLINE_CLASS = re.compile(r"byline|author-?name|author__name|(?:^|\s)authors?(?:\s|$)")
_ARTICLE_BODY_SPLIT = re.compile(r"\s*\n\s*")
_WORDY = re.compile(r"[^\W_]")

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "published_time",
    "article:published", "datepublished", "pubdate", "publishdate", "publish-date",
    "publish_date", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dc.date", "dcterms.created", "dcterms.date", "date", "article.published", "og:pubdate",
    "article_date_original", "cxenseparse:recs:publishtime", "originalpublicationdate",
    "created", "creation_date", "citation_publication_date", "og:published_time",
    "release_date", "publication_date", "pub_date", "last-modified-date",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
    "modified_time", "dcterms.modified", "dc.date.modified", "last-modified", "lastmod",
    "article.updated", "updated_time", "revised", "cxenseparse:recs:articlemodified",
)
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl", "og:article:author", "article:author_name",
               "cxenseparse:author", "twitter:data1")


#: Story blocks kept per page: a long live blog has a few hundred; 80 000 is an attack.
MAX_BLOCKS = 2000


def extract(html: str | bytes | None, url: str, *, encoding: str | None = None,
            profile: Profile | None = None,
            tree: etree._Element | etree._ElementTree | None = None,
            problems: list[tuple[str, str]] | None = None) -> Extraction | None:
    """Metadata and story blocks of one page; None when there is no document at all.

    ``encoding`` is the HTTP header charset when known. ``tree`` is the page
    already parsed by lxml (e.g. ``response.selector.root`` in a Scrapy
    callback): it is used as is, ``html`` is then not decoded or parsed again
    (and may be None). Extraction only reads the tree, never changes it, so
    the caller's selectors stay valid. Never raises: a stage that fails leaves
    the result partial (or None), and appends ``(kind, message)`` to ``problems``
    when given (:func:`problem`), so that the caller can count and report it —
    a bug that broke one stage would otherwise degrade every page unseen.
    """
    if tree is not None:
        root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
        if not isinstance(getattr(root, "tag", None), str):
            return None
        if root.tag != "html":  # a fragment or sub-element: read it like a whole page
            parent = root.getparent()
            while parent is not None:
                root, parent = parent, parent.getparent()
    else:
        try:
            root = parse_page(html or b"", encoding)
        except Exception as exc:  # pragma: no cover - decoding is already defensive
            logger.debug("undecodable page %s", url, exc_info=True)
            _note(problems, "undecodable page", exc)
            return None
    if root is None:
        return None
    result = Extraction(url=url)
    try:
        _fill(result, root, url, profile)
    except (Exception, RecursionError) as exc:
        logger.debug("extraction failed part-way on %s", url, exc_info=True)
        _note(problems, "extraction failed part-way", exc)
    del result.blocks[MAX_BLOCKS:]  # bounds the cleaning's work on endless pages
    if not result.title and not result.blocks:
        try:
            if not _WORDY.search(text_of(root)):
                return None
        except Exception as exc:
            _note(problems, "page text unreadable", exc)
            return None
    return result


def problem(what: str, exc: BaseException) -> tuple[str, str]:
    """A failed stage as ``(kind, message)``: the kind is the exception's class (one
    regression, one kind, whatever the page); the message says what failed, the
    exception and where it was raised.

    >>> problem("extraction failed part-way", KeyError("x"))
    ('KeyError', "extraction failed part-way: KeyError: 'x'")
    """
    kind = type(exc).__name__
    message = f"{what}: {kind}: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        message += f" (in {last.name}, {last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
    return kind, message


def _note(problems: list[tuple[str, str]] | None, what: str, exc: BaseException) -> None:
    if problems is not None:
        problems.append(problem(what, exc))


def _fill(ex: Extraction, root: etree._Element, url: str, profile: Profile | None) -> None:
    body = root.find("body")
    if body is None:
        body = root
    idx = scan(root)
    meta = M.collect_meta(root, idx.metas)
    top, flat = read_jsonld(root, idx.jsonld_scripts)
    ex.jsonld_types = _dedupe([t for o in top for t in types_of(o)])
    ex.og_type = M.meta_first(meta, "og:type")

    og_title = M.meta_first(meta, "og:title")
    tw_title = M.meta_first(meta, "twitter:title")
    title_tags = idx.titles
    title_tag = normalize_text(text_of(title_tags[0])) if title_tags else None
    canonical_guess = M.meta_first(meta, "og:url")
    link_canon = [el.get("href") for el in idx.canonical_links]
    article = M.pick_article(flat, top, [url, canonical_guess or ""] + link_canon,
                             [og_title or "", tw_title or "", title_tag or ""])
    page = M.pick_page(flat)
    ex.canonical_url = M.canonical_url(root, meta, article, url, idx.canonical_links)

    # Site name.
    publisher = article.get("publisher") if article else None
    site_names = [M.meta_first(meta, "og:site_name"), first_str(publisher),
                  M.meta_first(meta, "application-name", "apple-mobile-web-app-title")]
    ex.site_name = next((unescape_text(s) for s in site_names if s and unescape_text(s)), None)

    # Headline.
    host = urlsplit(url).hostname or ""
    h1_els = [h for h in idx.h1s if not in_hidden_subtree(h)]
    h1s = [(h, normalize_text(text_of(h))) for h in h1_els]
    h1s = [(h, t) for h, t in h1s if t]
    headline = unescape_text(first_str(article.get("headline"))) if article else ""
    if not headline and article:
        headline = unescape_text(first_str(article.get("name")))
    ex.title, title_el = _choose_title(h1s, headline, og_title, tw_title, title_tag,
                                       [s for s in site_names if s], host, profile, root)

    # Authors.
    ex.authors, ex.author_organizations = _authors(root, meta, article, ex.site_name, profile,
                                                   title_tag)

    # Body (needed before dates: the time[datetime] fallback looks near the story).
    runs, spans = walk(body)
    container = None
    if profile is not None and profile.body:
        container = profile.pick_body(root)
    if container is None:
        container = choose_container(runs, spans, body, title_el)
    descriptions = [M.meta_first(meta, "og:description"), M.meta_first(meta, "description"),
                    M.meta_first(meta, "twitter:description"),
                    unescape_text(first_str(article.get("description"))) if article else None]
    description = tuple(dict.fromkeys(f for f in map(fold, descriptions) if f))
    ex.blocks = _story_blocks(runs, spans, container, title_el, description, profile, root)
    article_body = first_str(article.get("articleBody")) if article else None
    if article_body:
        ex.blocks = _jsonld_fallback(ex.blocks, article_body)
    if container is not None and ex.blocks:
        ex.blocks = _bold_byline(ex, container)
    if _story_chars(ex.blocks) < T.FLIGHT_MIN_STORY_CHARS and idx.scripts:
        ex.blocks = _flight_fallback(ex.blocks, idx.scripts)

    lead = next((b for b in ex.blocks if b.kind == LEAD), None)
    ex.subtitle = lead.text if lead else None

    # Dates.
    (ex.published, ex.published_raw), (ex.modified, ex.modified_raw) = _dates(
        meta, article, page, container, title_el, profile, root, url)

    # Language, section, tags.
    ex.language = M.language_of(root, meta, article) or _detect_language(ex.blocks)
    section = first_str(article.get("articleSection")) if article else None
    ex.section = unescape_text(section or M.meta_first(meta, "article:section", "parsely-section",
                                                        "section", "category")) or None
    tags = M.keywords(meta.get("article:tag", []))
    if not tags and article:
        tags = M.keywords(article.get("keywords"))
    if not tags:
        tags = M.keywords(M.meta_first(meta, "news_keywords", "keywords", "parsely-tags"))
    ex.tags = tags


def _choose_title(h1s, headline, og_title, tw_title, title_tag, site_names, host, profile, root):
    """The profile's headline element when it has one, else :func:`.titles.choose_title`."""
    if profile is not None and profile.headline:
        el = profile.pick_headline(root)
        if el is not None:
            text = normalize_text(text_of(el))
            if text:
                return text, el
    return choose_title(h1s, headline, og_title, tw_title, title_tag, site_names, host, root)


def _authors(root, meta, article, site_name, profile, title_tag=None):
    """(people, organisations) credited as authors, from the first source that names people.

    Sources in order: profile selectors, JSON-LD author/creator, author meta
    tags, microdata ``itemprop=author``, ``rel=author`` links, byline elements.
    A source that only credits organisations (an agency, the site itself) is
    remembered and used when no later source names a person. Names equal to
    the site name, and host-like names ("example.de"), count as organisations.
    """
    site = fold(site_name)
    # The <title> names the site after a separator ("Headline - Lesotho Times"): an
    # "author" equal to such a part is the publication, not a person.
    title_parts = [fold(t) for t in TITLE_SEP.split(title_tag or "")]
    if len(title_parts) > 1:
        longest = max(title_parts, key=len)
        site_parts = {t for t in title_parts if t and t != longest}
    else:
        site_parts = set()
    first_orgs: list[str] = []
    known_orgs: set[str] = set()  # organisations named by an earlier source

    def settle(people: list[str], orgs: list[str]) -> tuple[list[str], list[str]]:
        out_people = []
        for p in people:
            f = fold(p)
            if (site and (f == site or f.replace(" ", "") == site.replace(" ", ""))) \
                    or f in site_parts or f in known_orgs or _HOSTLIKE.search(p):
                orgs.append(p)
            else:
                out_people.append(p)
        return _dedupe(out_people), _dedupe(orgs)

    for source in _author_sources(root, meta, article, profile):
        people, orgs = settle(*source)
        if people:
            return people, orgs
        if orgs and not first_orgs:
            first_orgs = orgs
        known_orgs.update(fold(o) for o in orgs)
    return [], first_orgs


_HOSTLIKE = re.compile(r"\w\.(?:[a-z]{2,3}|com|net|org|info)$", re.IGNORECASE)


def _author_sources(root, meta, article, profile):
    """Yield (people, organisations) per author source, most trusted first."""
    if profile is not None and profile.author:
        people: list[str] = []
        orgs: list[str] = []
        for el in profile.pick_authors(root):
            p, o = M.split_names(el.get("content") or normalize_text(text_of(el)))
            people += p
            orgs += o
        yield people, orgs
    if article:
        for key in ("author", "creator"):
            if article.get(key):
                yield M.jsonld_people(article.get(key))
                break
    for key in AUTHOR_META:
        people, orgs = [], []
        for value in meta.get(key, ()):
            if value.startswith(("http://", "https://", "/", "@")) or "@" in value:
                continue
            p, o = M.split_names(value)
            people += p
            orgs += o
        if people or orgs:
            yield people, orgs
    dom = _byline_elements(root)
    people = []
    for el in _first_group(dom.itemprop):
        names = _ITEMPROP_NAME(el)
        if names:
            for n in names:
                people += M.split_names(n.get("content") or normalize_text(text_of(n)))[0]
        else:
            people += M.split_names(el.get("content") or normalize_text(text_of(el)))[0]
    yield people, []
    people = []
    for el in _first_group(dom.rel):
        people += M.split_names(normalize_text(text_of(el)))[0]
    yield people, []
    people = []
    for el in _first_group(dom.author_links):
        people += M.split_names(normalize_text(text_of(el)))[0]
    yield people, []
    for el in dom.bylines[:T.BYLINE_ELEMENTS]:
        text = normalize_text(text_of(el))
        m = _BYLINE_PREFIX.search(text)
        if m:
            text = text[m.end():]
        p, o = M.split_names(_DATE_TAIL.split(text)[0], byline=True)
        if p or o:
            yield p, o
            break


_BOLD_P = etree.XPath(".//p[count(*) = 1][strong or b]")


def _bold_byline(ex: Extraction, container: etree._Element) -> list[Block]:
    """Blocks without a byline set as a bold name paragraph at the story's start or end.

    Many CMS stories credit the writer in a paragraph holding only ``<strong>Name</strong>``
    (first or last paragraph). When metadata named no person, that name becomes the
    author; either way the paragraph is a credit, not story text, and is dropped.
    """
    blocks = ex.blocks
    body = [i for i, b in enumerate(blocks) if b.kind == PARAGRAPH]
    if not body:
        return blocks
    ends = {i for i in body[:T.BOLD_BYLINE_FIRST] + body[-T.BOLD_BYLINE_LAST:]
            if len(blocks[i].text) <= T.BOLD_BYLINE_MAX_CHARS}
    if not ends:
        return blocks
    wanted = {blocks[i].text: i for i in ends}
    found: dict[int, str] = {}
    for p in _BOLD_P(container):
        if p.text and p.text.strip():
            continue
        text = normalize_text(text_of(p))
        if text in wanted and text == normalize_text(text_of(p[0])):
            people = M.split_names(text)[0]
            if len(people) == 1 \
                    and T.BOLD_BYLINE_MIN_WORDS <= len(people[0].split()) <= T.BOLD_BYLINE_MAX_WORDS \
                    and people[0] == text \
                    and all(w[:1].isupper() or not w[:1].islower() for w in text.split()):
                found[wanted[text]] = text
    if not found:
        return blocks
    authors = {fold(a) for a in ex.authors}
    drop = set()
    for i, name in found.items():
        if not ex.authors:
            ex.authors = [name.title() if name.isupper() else name]
            authors = {fold(name)}
            # Organisations credited so far were the site standing in for the writer.
            ex.author_organizations = [o for o in ex.author_organizations if is_agency(o)]
        if fold(name) in authors:
            drop.add(i)
    if not drop:
        return blocks
    out = [b for i, b in enumerate(blocks) if i not in drop]
    for n, b in enumerate(out):
        b.index = n
    return out


class _BylineElements:
    """Byline candidates of the page body, in document order, found in one pass."""

    __slots__ = ("itemprop", "rel", "author_links", "bylines")

    def __init__(self) -> None:
        self.itemprop: list = []  # itemprop="author"
        self.rel: list = []  # <a rel="author">
        self.author_links: list = []  # <a href=".../author/...">
        self.bylines: list = []  # class="byline" / "author-name" / "author" …


def _byline_elements(root: etree._Element) -> _BylineElements:
    """All four DOM author sources in one pass over the body.

    Evaluated only when metadata named no person. One pass reading two or
    three attributes per element costs about a quarter of the four whole-document
    XPath scans it replaces (libxml2 evaluates attribute predicates slowly).
    """
    out = _BylineElements()
    body = root.find("body")
    top = body if body is not None else root
    for el in top.iter(etree.Element):  # no comments
        get = el.get
        itemprop = get("itemprop")
        if itemprop and "author" in itemprop.split():
            out.itemprop.append(el)
        if el.tag == "a":
            rel = get("rel")
            if rel and "author" in rel.split():
                out.rel.append(el)
            href = get("href")
            if href and _is_author_href(href):
                out.author_links.append(el)
        cls = get("class")
        if cls and _is_byline_class(cls):
            out.bylines.append(el)
    return out


def _is_author_href(href: str) -> bool:
    """Whether a link goes to an author page."""
    return _AUTHOR_PATH_PART in href and any(p in href for p in _AUTHOR_PATHS)


#: What every one of :data:`_AUTHOR_PATHS` contains: most links are ruled out by one test.
_AUTHOR_PATH_PART = "/aut"


@lru_cache(maxsize=16384)
def _is_byline_class(cls: str) -> bool:
    """Whether a class attribute names a byline element (cached: a page repeats its
    class strings over hundreds of elements)."""
    low = cls.lower()
    return ("yline" in low or "uthor" in low) and _BYLINE_CLASS.search(low) is not None


def _first_group(els: list) -> list:
    """The first element and those near it: the story's byline, not the author credits
    of the teaser lists further down the page (which use the same markup).

    Near = inside the first element's ancestor three levels up.
    """
    if len(els) < 2:
        return list(els)
    anchor = els[0]
    for _ in range(T.BYLINE_GROUP_LEVELS):
        parent = anchor.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        anchor = parent
    out = []
    for el in els:
        node = el
        for _ in range(T.BYLINE_GROUP_DEPTH):
            if node is None or node is anchor:
                break
            node = node.getparent()
        if node is anchor:
            out.append(el)
    return out


_BYLINE_PREFIX = re.compile(r"(?:^|\s)(?:by|von|par|por|di|door|av|af|przez)\s+(?=\w)", re.IGNORECASE)
_DATE_TAIL = re.compile(r"\s(?:\d{1,2}[./]|\d{4}|updated|aktualisiert|published|veröffentlicht|stand:)", re.IGNORECASE)


def _dates(meta, article, page, container, title_el, profile, root, url
           ) -> tuple[tuple[str | None, str | None], tuple[str | None, str | None]]:
    """``(published, published_raw), (modified, modified_raw)``: each date in the item's
    one form (:func:`~newscrawl.extraction.dates.normalize_date`) beside the text it was
    read from, the first readable one in trust order."""
    return (_first_date(_published_texts(meta, article, page, container, title_el, profile,
                                         root, url)),
            _first_date(_modified_texts(meta, article)))


def _first_date(texts) -> tuple[str | None, str | None]:
    """``(normalised, raw)`` of the first of ``texts`` that reads as a date, else Nones."""
    for raw in texts:
        value = normalize_date(raw)
        if value:
            return value, raw.strip()
    return None, None


def _published_texts(meta, article, page, container, title_el, profile, root, url):
    """Where a publication date may be written, most trusted first (read lazily)."""
    if profile is not None and profile.date:
        for el in profile.pick_dates(root):
            yield el.get("datetime") or el.get("content") or normalize_text(text_of(el))
    if article:
        yield first_str(article.get("datePublished"))
        yield first_str(article.get("dateCreated"))
    for key in PUBLISHED_META:
        yield from meta.get(key, ())
    yield from _times_near_story(container, title_el)
    if page:
        yield first_str(page.get("datePublished"))
    yield from _date_texts_near_story(container, title_el)
    m = _URL_DATE.search(url)
    if m:
        yield url[m.start(1):m.end(3)]


def _modified_texts(meta, article):
    if article:
        yield first_str(article.get("dateModified"))
    for key in MODIFIED_META:
        yield from meta.get(key, ())


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-]([0-3]\d)(?:/|[-_]|$)")
_DATE_CLASS = etree.XPath(
    ".//*[contains(translate(@class, 'DATEIMPUBLSH', 'dateimpublsh'), 'date') or "
    "contains(translate(@class, 'TIME', 'time'), 'time') or "
    "contains(translate(@class, 'PUBLISHED', 'published'), 'publish') or "
    "contains(translate(@class, 'META', 'meta'), 'meta')]")


def _story_scopes(container, title_el) -> list[etree._Element]:
    """Where the article's own date is written: the headline's block (up to three
    levels above the ``<h1>``, below ``<body>``), then the story container."""
    scopes = []
    if title_el is not None:
        node = title_el
        for _ in range(T.HEADLINE_BLOCK_LEVELS):
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            node = parent
        scopes.append(node)
    if container is not None:
        scopes.append(container)
    return scopes


def _date_texts_near_story(container, title_el):
    """Dates written out in date/time/meta elements by the headline or atop the story."""
    for scope in _story_scopes(container, title_el):
        for el in _DATE_CLASS(scope)[:T.DATE_ELEMENTS]:
            text = normalize_text(text_of(el))
            if T.DATE_TEXT_MIN_CHARS <= len(text) <= T.DATE_TEXT_MAX_CHARS:
                yield text


def _times_near_story(container, title_el):
    """``<time datetime>`` values of the article itself: in the headline's block or the story."""
    for scope in _story_scopes(container, title_el):
        for el in _TIME(scope):
            yield el.get("datetime") or el.get("content")


def _story_blocks(runs: list[Run], spans, container, title_el, description: str | tuple[str, ...],
                  profile: Profile | None, root) -> list[Block]:
    if container is None:
        return []
    start, end = spans.get(container, (0, -1))
    if title_el is not None and title_el in spans:
        t_start, t_end = spans[title_el]
        if start <= t_start < end and _headline_below_story(runs, start, end, t_end):
            t_start = t_end = None  # not the story's top: nothing before it is a kicker
    else:
        t_start = t_end = None
    words_cache: dict = {}
    inside: list[Run] = []
    before: list[Run] = []
    excluded = profile.excluded(root) if profile is not None else None
    chosen = profile.paragraphs(container) if profile is not None and profile.paragraph else None
    for run in runs:
        if excluded and _in_excluded(run.owner, excluded):
            continue
        if chosen is not None and start <= run.pos < end and not _in_excluded(run.owner, chosen):
            continue
        if start <= run.pos < end:
            if run.kind == "h1":
                continue
            if t_end is not None and start <= t_start < end and run.pos < t_end:
                continue  # kicker, breadcrumbs before the headline
            inside.append(run)
        elif run.pos < start and (t_end is None or run.pos >= t_end):
            before.append(run)
    inside = prune_link_lists(inside, container)
    # Meta rows (byline, dateline, share bar) at the top of the story are not text.
    first_good = next((i for i, r in enumerate(inside) if len(r.text) > T.FIRST_PARAGRAPH_CHARS),
                      len(inside))
    kept: list[Run] = []
    for i, run in enumerate(inside):
        if is_meta_run(run, words_cache, container) and (
                i <= first_good or len(run.text) < T.LATE_META_MAX_CHARS):
            continue
        kept.append(run)
    # The standfirst: inside the container before the first long paragraph, or between
    # the headline and the container.
    # Descriptions in order of trust: the first one (with the class words) is tried on
    # every candidate before a less trusted one may pick the standfirst.
    descs = (description,) if isinstance(description, str) else tuple(description)
    lead = None
    for desc in (descs[:1], *((d,) for d in descs[1:])) if descs else ((),):
        for run in kept[: max(first_good, 1) + 1]:
            if run.kind in ("paragraph", "heading") and is_lead_run(run, words_cache, container, desc):
                lead = run
                break
        if lead is None and before and t_end is not None:
            for run in before[-T.LEAD_BEFORE_RUNS:]:
                if run.kind in ("paragraph", "heading") and is_lead_run(run, words_cache, None, desc):
                    if not is_meta_run(run, words_cache, container):
                        lead = run
                        break
        if lead is not None:
            break
    if lead is not None and lead in kept:
        kept = [r for r in kept if r is not lead]
    hint_cache: dict = {}
    return make_blocks(kept, lead, hint_cache)


def _headline_below_story(runs: list[Run], start: int, end: int, t_end: int) -> bool:
    """True when the container's runs before the headline hold more than
    :data:`~.thresholds.HEADLINE_BELOW_STORY_RATIO` times the text of the runs after it:
    the headline is not at the top of the story (a page whose ``<h1>`` is laid out below
    the post, or a box title under it), so the text before it is the story, not a kicker
    and breadcrumbs to skip."""
    before = after = 0
    for run in runs:
        if start <= run.pos < end and run.kind != "h1":
            if run.pos < t_end:
                before += len(run.text)
            else:
                after += len(run.text)
    return before > T.HEADLINE_BELOW_STORY_RATIO * after


def _in_excluded(el, excluded: set) -> bool:
    node = el
    while node is not None:
        if node in excluded:
            return True
        node = node.getparent()
    return False


def _story_chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks if b.kind not in (HEADING, LEAD))


def _flight_fallback(blocks: list[Block], scripts: list) -> list[Block]:
    """Story blocks from the React flight payload when the DOM held (almost) no story.

    The payload's HTML is parsed on its own and read with the same walk and
    container rules as a page; its blocks replace the DOM's when they say more.
    """
    flight_scripts = [s for s in scripts if is_flight_script(s)]
    if not flight_scripts:
        return blocks
    html = flight_html(flight_scripts)
    if not html:
        return blocks
    root = parse_html(f"<html><body><div>{html}</div></body></html>")
    body = root.find("body") if root is not None else None
    if body is None:
        return blocks
    runs, spans = walk(body)
    container = choose_container(runs, spans, body)
    if container is None:
        return blocks
    start, end = spans.get(container, (0, -1))
    inside = prune_link_lists([r for r in runs if start <= r.pos < end and r.kind != "h1"],
                              container)
    found = make_blocks(inside, None, {})
    for b in found:
        b.hints = f"{b.hints} rsc-payload".strip()
    if _story_chars(found) <= _story_chars(blocks):
        return blocks
    lead = [b for b in blocks if b.kind == LEAD]
    out = lead + found
    for n, b in enumerate(out):
        b.index = n
    return out


def _jsonld_fallback(blocks: list[Block], article_body: str) -> list[Block]:
    """Use JSON-LD ``articleBody`` when the DOM gave (almost) no story text."""
    dom_len = sum(len(b.text) for b in blocks if b.kind not in (HEADING, LEAD))
    if len(article_body) < T.JSONLD_BODY_MIN_CHARS \
            or dom_len >= T.JSONLD_DOM_SHARE * len(article_body):
        return blocks
    paras = [normalize_text(p) for p in _ARTICLE_BODY_SPLIT.split(article_body)]
    paras = [unescape_text(p) for p in paras if p]
    if _MD_MARKERS.search(article_body):
        paras = _strip_markdown(paras)
    paras = _join_wrapped(paras)
    if len(paras) == 1 and len(paras[0]) > T.JSONLD_SPLIT_CHARS:
        paras = _split_sentences(paras[0])
    lead = [b for b in blocks if b.kind == LEAD]
    out = list(lead)
    for p in paras:
        out.append(Block(text=p, kind=PARAGRAPH, tag="script", hints="jsonld articlebody",
                         link_density=0.0, index=len(out)))
    return out


#: Signs that an ``articleBody`` is the CMS's markdown source, not plain text: links
#: written ``[text](https://…)``, block directives ``+++dropcap`` / ``[#image: …]``.
_MD_MARKERS = re.compile(r"\]\((?:https?:)?/[^)\s]*\)|^\+\+\+|\[#\w+:", re.MULTILINE)
#: A paragraph that is only a markdown directive: "+++", "+++dropcap", "[#image: /p/1]",
#: "{: legacyType="feature-small"}" — layout instructions, never text.
_MD_DIRECTIVE = re.compile(r"^(?:\+\+\+[\w-]*|\[#\w+:[^\]]*\]|\{:[^}]*\})$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?:)?/[^)\s]*\)")
_MD_ATTRS = re.compile(r"\{:[^}]*\}")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*{1,2}([^*\s](?:[^*]*[^*\s])?)\*{1,2}(?![\w*])")


#: A line that stops mid-sentence (no closing punctuation) ...
_OPEN_END = re.compile(r"[^.!?…:;\"'”’»)\]]$")
#: ... and one that carries on in lower case: the two are one hard-wrapped paragraph.
_LOWER_START = re.compile(r"^[a-zß-öø-ÿ]")


def _join_wrapped(paras: list[str]) -> list[str]:
    """Lines of an ``articleBody`` wrapped mid-sentence joined back ("… upgrading to a
    web" + "browser that" + "supports HTML5" + "video"): a line that does not end a
    sentence followed by one starting in lower case continues it."""
    out: list[str] = []
    for p in paras:
        if out and _LOWER_START.match(p) and _OPEN_END.search(out[-1]):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


def _strip_markdown(paras: list[str]) -> list[str]:
    """The text of a markdown ``articleBody``: directive paragraphs dropped, links and
    emphasis reduced to their words (``[a paper](https://…)`` → "a paper"), attribute
    lists (``{: .small}``) removed. Only called when the body shows markdown markers."""
    out = []
    for p in paras:
        if _MD_DIRECTIVE.match(p):
            continue
        p = _MD_EMPHASIS.sub(r"\1", _MD_ATTRS.sub("", _MD_LINK.sub(r"\1", p))).strip()
        if p:
            out.append(p)
    return out


_SENTENCE_GROUP = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜÀ-Ý\"“„«])")


def _split_sentences(text: str) -> list[str]:
    sentences = _SENTENCE_GROUP.split(text)
    out, cur = [], ""
    for s in sentences:
        cur = f"{cur} {s}".strip()
        if len(cur) > T.JSONLD_GROUP_CHARS:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def _detect_language(blocks: list[Block]) -> str | None:
    text = " ".join(b.text for b in blocks[:T.LANGUAGE_BLOCKS])[:T.LANGUAGE_MAX_CHARS]
    if len(text) < T.LANGUAGE_MIN_CHARS:
        return None
    try:
        import py3langid  # imported lazily: loading the model takes a moment
    except ImportError:  # pragma: no cover - optional until installed
        return None
    try:
        lang, _ = py3langid.classify(text)
    except Exception:
        return None
    return lang


def _dedupe(items):
    seen = set()
    out = []
    for item in items:
        key = item.casefold() if isinstance(item, str) else item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
