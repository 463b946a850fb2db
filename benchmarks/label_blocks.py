"""Label every text block of every corpus page: story or boilerplate (and which kind).

Usage::

    python benchmarks/label_blocks.py ../shared/corpus/news-dev          # (re)label
    python benchmarks/label_blocks.py ../shared/corpus/news-dev --review 50 --category promotion
    python benchmarks/label_blocks.py ../shared/corpus/news-dev --apply reviewed.tsv

A block is the inline text of one block-level element (p, li, h1-h6, blockquote, div,
section … with text of its own; nested block elements are blocks of their own), after
dropping script/style. It is *story* when its normalised text matches a gold paragraph,
subheading or the headline (or is a part of one), otherwise boilerplate with a heuristic
category: promotion, navigation, caption, legal or other.

Only labels are written — ``benchmarks/labels/blocks.tsv`` with columns page_id, sha1
(of the normalised block text), category, checked — never corpus text; the benchmark
re-derives the text from the corpus. Rows marked checked (``y``, read by a person) keep
their category when the file is regenerated. ``--review`` prints unchecked boilerplate
blocks for reading; ``--apply FILE`` takes lines ``sha1 category`` (a sha1 prefix is
enough) and marks those blocks checked with that category.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.corpus import DEFAULT_CORPUS, iter_pages  # noqa: E402

LABELS = Path(__file__).with_name("labels") / "blocks.tsv"
CATEGORIES = ("story", "promotion", "navigation", "caption", "legal", "other")

_BLOCK_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 blockquote div section article aside header footer nav ul ol "
    "figure figcaption table tr td th form main dl dd dt pre address fieldset details "
    "summary caption body".split())
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "head")
_WORD = re.compile(r"\w+")

_PROMO_TEXT = re.compile(
    r"newsletter|sign ?up|subscri|abonn|donat|spende|support (us|our|independent|quality)|"
    r"unterstütz|soutenez|apoya|read (more|next|also)|more (on|from) |related|"
    r"lesen sie (auch|mehr)|mehr zum thema|auch interessant|weitere artikel|"
    r"lire aussi|à lire|leer más|lee también|te puede interesar|leggi anche|"
    r"follow (us|ap)|folgen sie|suivez|síguenos|seguici|download (our|the)|app\b|"
    r"advertisement|anzeige|werbung|publicité|publicidad|pubblicità|sponsored|"
    r"jetzt (lesen|abonnieren|testen)|mitglied werden|kostenlos|gratis|"
    r"click here|klicken sie|cliquez|haga clic|recommended|empfehl|podcast|"
    r"whatsapp|telegram|push|notification|benachrichtigung|inbox|e-?mail", re.I)
_PROMO_HINT = re.compile(
    r"newsletter|promo|related|teaser|recommend|outbrain|taboola|(?<![a-z])ads?(?![a-z])|"
    r"advert|sponsor|donat|support|subscri|paywall|share|social|readmore|read-more|"
    r"more-?stories|abo(?![a-z])|plus|signup|affiliate|commerce|shop", re.I)
_NAV_HINT = re.compile(
    r"(?<![a-z])(nav|navigation|menu|breadcrumbs?|header|footer|masthead|toolbar|"
    r"tags?|topics?|pagination|pager|sitemap|skip)(?![a-z])", re.I)
_CAPTION_HINT = re.compile(r"caption|credit|copyright|figure|image|photo|gallery|media",
                           re.I)
_CAPTION_TEXT = re.compile(
    r"^(foto|photo|bild|image|imagen|credit|quelle)\s*[:/]|/\s*(dpa|afp|ap|reuters|getty)|"
    r"getty images|imago|©|\(c\)", re.I)
_LEGAL_TEXT = re.compile(
    r"©|copyright|all rights reserved|alle rechte|tous droits|todos los derechos|"
    r"privacy|datenschutz|cookie|impressum|terms of (use|service)|nutzungsbedingungen|"
    r"mentions légales|aviso legal|agb\b", re.I)


@dataclass(slots=True)
class PageBlock:
    """One text block of a page, with what the heuristics and the review need."""

    text: str
    tag: str
    hints: str
    link_density: float
    sha1: str


def normalize(text: str) -> str:
    """NFKC, case-folded, single-spaced: the form blocks and gold are compared in."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def text_sha1(text: str) -> str:
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()


def page_blocks(html: bytes) -> list[PageBlock]:
    """Every block-level element's own inline text, in document order."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    etree.strip_elements(root, *_DROP_TAGS, etree.Comment, with_tail=False)
    out: list[PageBlock] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        parts: list[tuple[str, bool]] = []
        _inline(el, parts, in_link=False, top=True)
        text = " ".join("".join(t for t, _ in parts).split())
        if not _WORD.search(text):
            continue
        linked = sum(len(t.strip()) for t, link in parts if link)
        total = sum(len(t.strip()) for t, _ in parts) or 1
        out.append(PageBlock(text, el.tag, _hints(el), min(1.0, linked / total),
                             text_sha1(text)))
    return out


def _inline(el: etree._Element, parts: list[tuple[str, bool]], in_link: bool,
            top: bool = False) -> None:
    """Collect el's text, not descending into nested block-level elements."""
    if not top and isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
        parts.append((" ", False))
        return
    in_link = in_link or el.tag == "a"
    if el.tag == "br":
        parts.append((" ", False))
    if el.text:
        parts.append((el.text, in_link))
    for child in el:
        _inline(child, parts, in_link)
        if child.tail:
            parts.append((child.tail, in_link))


def _hints(el: etree._Element) -> str:
    tokens: list[str] = []
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        for attr in ("class", "id", "role", "aria-label"):
            tokens.extend((node.get(attr) or "").lower().split())
        if node.tag in ("nav", "header", "footer", "aside", "figure", "figcaption"):
            tokens.append(node.tag)
        node = node.getparent()
    return " ".join(tokens)


def _gold_texts(gold: dict) -> tuple[set[str], list[str]]:
    texts = [normalize(p) for p in gold.get("paragraphs", []) if p.strip()]
    texts += [normalize(s) for s in gold.get("subheadings", []) if s.strip()]
    if gold.get("title"):
        texts.append(normalize(gold["title"]))
    return set(texts), texts


def is_story(text: str, exact: set[str], gold: list[str]) -> bool:
    """Equal to a gold text, or a substantial part of one, or one with little around it."""
    norm = normalize(text)
    if norm in exact:
        return True
    if len(norm) >= 25 and any(norm in g and len(norm) >= 0.3 * len(g) for g in gold):
        return True
    return any(len(g) >= 25 and g in norm and len(g) >= 0.8 * len(norm) for g in gold)


def heuristic_category(block: PageBlock) -> str:
    """A first guess for a boilerplate block, refined by hand with --review/--apply."""
    words = len(block.text.split())
    if _CAPTION_TEXT.search(block.text) and words <= 25 or (
            _CAPTION_HINT.search(block.hints) and block.link_density < 0.5 and
            block.tag in ("figcaption", "div", "p", "span") and "caption" in block.hints):
        return "caption"
    if _LEGAL_TEXT.search(block.text) and words <= 60:
        return "legal"
    if _PROMO_TEXT.search(block.text) and words <= 80:
        return "promotion"
    if _NAV_HINT.search(block.hints) or (block.link_density >= 0.7 and words <= 12):
        return "navigation"
    if _PROMO_HINT.search(block.hints):
        return "promotion"
    return "other"


def iter_labels(corpus: Path) -> Iterator[tuple[str, PageBlock, str]]:
    """(page_id, block, heuristic category) for every distinct block of every page."""
    for page in iter_pages(corpus):
        exact, gold = _gold_texts(page.gold)
        seen: set[str] = set()
        for block in page_blocks(page.html):
            if block.sha1 in seen:
                continue
            seen.add(block.sha1)
            category = "story" if is_story(block.text, exact, gold) else \
                heuristic_category(block)
            yield page.id, block, category


def read_labels(path: Path = LABELS) -> dict[tuple[str, str], tuple[str, bool]]:
    """(page_id, sha1) → (category, checked) from a labels file; empty when missing."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["page_id"], r["sha1"]): (r["category"], r["checked"] == "y")
                for r in csv.DictReader(fh, delimiter="\t")}


def write_labels(rows: dict[tuple[str, str], tuple[str, bool]], path: Path = LABELS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("page_id\tsha1\tcategory\tchecked\n")
        for (page_id, sha1), (category, checked) in rows.items():
            fh.write(f"{page_id}\t{sha1}\t{category}\t{'y' if checked else 'n'}\n")


def relabel(corpus: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """Heuristic labels for all blocks, keeping the categories of checked rows."""
    old = read_labels()
    rows: dict[tuple[str, str], tuple[str, bool]] = {}
    for page_id, block, category in iter_labels(corpus):
        key = (page_id, block.sha1)
        previous = old.get(key)
        rows[key] = previous if previous and previous[1] else (category, False)
    write_labels(rows)
    return rows


def review(corpus: Path, count: int, category: str | None, seed: int) -> None:
    """Print unchecked boilerplate blocks (with their guess) for a person to read."""
    labels = read_labels()
    candidates = []
    for page in iter_pages(corpus):
        for block in page_blocks(page.html):
            label = labels.get((page.id, block.sha1))
            if not label or label[1] or label[0] == "story":
                continue
            if category and label[0] != category:
                continue
            candidates.append((page.id, block, label[0]))
    random.Random(seed).shuffle(candidates)
    shown: set[str] = set()
    for page_id, block, guess in candidates:
        if block.sha1 in shown:
            continue
        shown.add(block.sha1)
        print(f"{block.sha1[:10]}\t{guess}\t{page_id}\t{block.tag}\tld={block.link_density:.2f}"
              f"\t{block.hints[:60]}\t{block.text[:160]}")
        if len(shown) >= count:
            break


def apply(path: Path) -> int:
    """Mark the blocks listed in ``path`` (``sha1-prefix category``) checked."""
    labels = read_labels()
    wanted = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            prefix, category = line.split()[:2]
            if category not in CATEGORIES:
                raise SystemExit(f"{path}: unknown category {category!r}")
            wanted.append((prefix, category))
    changed = 0
    for key in labels:
        for prefix, category in wanted:
            if key[1].startswith(prefix):
                labels[key] = (category, True)
                changed += 1
    write_labels(labels)
    return changed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--review", type=int, metavar="N")
    parser.add_argument("--category", choices=CATEGORIES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--apply", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if args.apply:
        print(f"marked {apply(args.apply)} rows checked")
    elif args.review:
        review(corpus, args.review, args.category, args.seed)
    else:
        rows = relabel(corpus)
        counts = Counter(c for c, _ in rows.values())
        checked = sum(1 for _, ok in rows.values() if ok)
        print(f"{len(rows)} blocks labelled, {checked} checked: {dict(counts)}")


if __name__ == "__main__":
    main()
