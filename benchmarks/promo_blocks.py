"""Promotional blocks in and near the story: how many cleaning removes, and how much
story it keeps (issue 23).

Usage::

    python benchmarks/promo_blocks.py [CORPUS_DIR ...] [--split dev|validation|all]
        [--show missed|lost] [--review] [--limit N]

For every page of each corpus (news-dev, dragnet and portals by default) it runs
``newscrawl.api.run_page(html, url, require_article=False)`` — extraction, then the
bundled cleaning rules, on every page whatever article detection says, so that the
figures are about cleaning, not detection — and looks at every *candidate* block
handed to cleaning (``PageRun.blocks``): kept, or removed with a reason
(``PageRun.cleaning.removed``, by block index).

* Blocks without a letter (rules, numbers) and the gold headline itself (the item's
  ``title``, not its body) are left out of both counts.
* A candidate is **story** when its text is in the gold body (equal to a gold paragraph,
  a substantial part of one, or a little more than one; :func:`benchmarks.cleaning.
  _matches_gold`). *Story kept* = story candidates kept / story candidates; *prose kept*
  the same over the story candidates of at least 20 words with under half of the text
  linked (dragnet's gold also holds dates, photo credits, captions and inline "Related:"
  links, which the other column counts as story).
* A candidate is **promotional** when its page id and text hash (SHA-1 of the normalised
  text, :func:`benchmarks.label_blocks.text_sha1`) are in the hand-labelled list
  ``benchmarks/labels/promo.tsv`` (columns corpus, page_id, sha1, kind), *and* it is not
  story. *Promo removed* = promotional candidates removed / promotional candidates,
  overall and per kind (donation, cross-promotion, subscription, newsletter, social,
  app, podcast, video, other). news-dev blocks that ``benchmarks/labels/blocks.tsv``
  marks ``promotion`` and checked (read by a person, before this benchmark) count as
  well, kind ``labelled`` when promo.tsv has no kind for them.

The labels are a measurement, kept apart from the rules: promo.tsv lists the blocks a
person read and judged promotional (blind to whether cleaning removed them). The
``--review`` listing (dev only; it refuses validation) shows every non-story candidate of up
to 40 words with its position, link density and fate. The 2026-12-04 labels were made from
the part of that listing whose text has a broad promotional vocabulary (support, donate,
member, subscribe, newsletter, follow, app, podcast, watch, "more from", … in several
languages; 884 distinct dev texts read), plus a random sample of 300 of the other distinct
texts (10 promotional blocks found there: the vocabulary covers most, not all, of the
promotion). Validation candidates were labelled the same way only after the rules were
frozen, and no rule was changed after reading them: their promo figure is held out.

What it cannot show: promotion that extraction never hands to cleaning (it is neither
kept nor removed here; the body F1 of ``benchmarks/extraction.py`` sees it), blocks
longer than 40 words (not listed for review), and promotion on pages nobody labelled.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.cleaning import _matches_gold  # noqa: E402
from benchmarks.corpus import CORPORA, CORPUS_ROOT, iter_pages, page_url  # noqa: E402
from benchmarks.label_blocks import normalize, read_labels, text_sha1  # noqa: E402

PROMO_LABELS = Path(__file__).with_name("labels") / "promo.tsv"
KINDS = ("donation", "cross-promotion", "subscription", "newsletter", "social", "app",
         "podcast", "video", "other")
REVIEW_MAX_WORDS = 40
PROSE_MIN_WORDS = 20


def read_promo_labels(path: Path = PROMO_LABELS) -> dict[tuple[str, str], str]:
    """(page_id, sha1) → kind, from promo.tsv; a sha1 prefix of 10+ digits is enough."""
    out: dict[tuple[str, str], str] = {}
    if not path.exists():
        return out
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["kind"] not in KINDS:
                raise ValueError(f"{path}: unknown kind {row['kind']!r}")
            out[(row["page_id"], row["sha1"])] = row["kind"]
    return out


def _lookup(labels: dict[tuple[str, str], str], page_id: str, sha1: str) -> str | None:
    kind = labels.get((page_id, sha1))
    if kind is not None:
        return kind
    for (pid, prefix), k in labels.items():
        if pid == page_id and sha1.startswith(prefix):
            return k
    return None


@dataclass
class Tally:
    pages: int = 0
    story: int = 0
    story_kept: int = 0
    prose: int = 0
    prose_kept: int = 0
    promo: Counter = field(default_factory=Counter)
    promo_removed: Counter = field(default_factory=Counter)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    lost: list[tuple[str, str, str]] = field(default_factory=list)


def is_prose(block) -> bool:
    """A paragraph of running text: at least PROSE_MIN_WORDS words, under half of it linked
    (the story blocks that are not a date, credit, caption label or related-link line)."""
    return len(block.text.split()) >= PROSE_MIN_WORDS and block.link_density < 0.5


def measure(corpus: Path, which: str, limit: int | None = None,
            review: list[str] | None = None, labels: Path = PROMO_LABELS) -> Tally:
    """Run every page of one split of ``corpus`` and count (see the module docstring);
    ``review`` collects the listing of unlabelled non-story candidates."""
    from newscrawl.api import run_page

    promo_labels = read_promo_labels(labels)
    checked: dict[tuple[str, str], str] = {}
    if corpus.name == "news-dev":
        for (page_id, sha1), (category, ok) in read_labels().items():
            if category == "promotion" and ok:
                checked[(page_id, sha1)] = "labelled"
    tally = Tally()
    for page in iter_pages(corpus, limit=limit, which=which):
        run = run_page(page.html, page_url(corpus.name, page), require_article=False)
        tally.pages += 1
        if run.cleaning is None:
            continue
        removed = {r.index: r.rule for r in run.cleaning.removed}
        gold = [normalize(p) for p in page.gold.get("paragraphs") or [] if p.strip()]
        title = normalize(page.gold.get("title") or "")
        n = len(run.blocks)
        for i, block in enumerate(run.blocks):
            rule = removed.get(i)
            sha1 = text_sha1(block.text)
            if not any(c.isalpha() for c in block.text) or normalize(block.text) == title:
                continue  # a rule, a number or the headline: neither story nor promotion
            if _matches_gold(block.text, gold):
                tally.story += 1
                tally.story_kept += rule is None
                if is_prose(block):
                    tally.prose += 1
                    tally.prose_kept += rule is None
                if rule is not None:
                    tally.lost.append((page.id, rule, block.text))
                continue
            kind = _lookup(promo_labels, page.id, sha1) or checked.get((page.id, sha1))
            if kind is not None:
                tally.promo[kind] += 1
                tally.promo_removed[kind] += rule is not None
                if rule is None:
                    tally.missed.append((page.id, kind, block.text))
            elif review is not None and len(block.text.split()) <= REVIEW_MAX_WORDS:
                review.append(f"{corpus.name}\t{page.id}\t{sha1[:12]}\t{i}/{n}\t"
                              f"{block.link_density:.2f}\t{rule or 'KEPT'}\t{block.text[:300]}")
    return tally


def format_rows(rows: list[tuple[str, str, Tally]]) -> str:
    head = (f"{'corpus':10} {'split':10} {'pages':>5} {'story kept':>18} {'prose kept':>18} "
            f"{'promo removed':>18}  by kind (removed/labelled)")
    lines = [head]
    for corpus, which, t in rows:
        promo, removed = sum(t.promo.values()), sum(t.promo_removed.values())
        kinds = " ".join(f"{k}:{t.promo_removed[k]}/{t.promo[k]}" for k in sorted(t.promo))
        sk = f"{t.story_kept}/{t.story}={t.story_kept / max(t.story, 1):.3f}"
        pk = f"{t.prose_kept}/{t.prose}={t.prose_kept / max(t.prose, 1):.3f}"
        pr = f"{removed}/{promo}={removed / max(promo, 1):.3f}" if promo else "–"
        lines.append(f"{corpus:10} {which:10} {t.pages:5d} {sk:>18} {pk:>18} {pr:>18}  {kinds}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*")
    parser.add_argument("--split", choices=("dev", "validation", "all"), default="all")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show", choices=("missed", "lost"),
                        help="list labelled promotion kept / story removed (dev only)")
    parser.add_argument("--review", action="store_true",
                        help="list unlabelled non-story candidates of dev pages for labelling")
    args = parser.parse_args(argv)
    corpora = [Path(c) for c in args.corpora] or [CORPUS_ROOT / c for c in CORPORA]
    splits = ["dev", "validation"] if args.split == "all" else [args.split]
    if (args.review or args.show) and splits != ["dev"]:
        parser.error("--review and --show read pages: dev only (--split dev)")
    rows, review = [], ([] if args.review else None)
    for corpus in corpora:
        for which in splits:
            tally = measure(corpus, which, args.limit, review)
            rows.append((corpus.name, which, tally))
            if args.show == "missed":
                for page_id, kind, text in tally.missed:
                    print(f"MISSED\t{page_id}\t{kind}\t{text[:240]}")
            elif args.show == "lost":
                for page_id, rule, text in tally.lost:
                    print(f"LOST\t{page_id}\t{rule}\t{text[:240]}")
    if review is not None:
        print("\n".join(review))
        return
    print(format_rows(rows))


if __name__ == "__main__":
    main()
