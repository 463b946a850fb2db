"""Benchmark the cleaning stage on a corpus: extraction, then :class:`Cleaner`.

Usage::

    python benchmarks/cleaning.py ../shared/corpus/news-dev [--limit N] [--show lost|kept]

Reports

1. story loss: the share of gold paragraphs that cleaning removed (a removed block that
   equals a gold paragraph, or is a part of one, counts);
2. removal recall on labelled promotion blocks (``benchmarks/labels/blocks.tsv``) — the
   share absent from the kept output, over all labelled ones and over those extraction
   handed to cleaning — and the story-removal rate (labelled story blocks removed);
3. body precision / recall by the shingle metric of the kept non-heading blocks against
   the gold paragraphs, overall and per language of the Extraction;
4. removals per rule, and the paragraphs the repetition signal flagged but kept, by reason
   (``repeat/kept-long`` …). The cleaner runs as a crawl's does: one repetition tracker
   for the whole corpus (``--repeat-threshold``, the crawl's ``NEWSCRAWL_REPEAT_THRESHOLD``
   by default) and the crawl's ``NEWSCRAWL_MIN_WORDS``. news-dev holds at most four pages
   of a site, so at the default threshold of 3 repetition rarely fires there; 2 shows more;
5. with ``--timing``: the cleaner's time per page (median and 90th percentile over the
   pages, each page's time the best of ``--repeat`` runs on the same extraction, with the
   bundled rules and no repetition tracker, as ``extract_article`` runs it; garbage
   collection off while timing, as ``timeit`` does).

The corpus text is read at run time; only labels live in the repository.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.corpus import DEFAULT_CORPUS, iter_pages
from benchmarks.label_blocks import normalize, read_labels, text_sha1
from benchmarks.metrics import body_scores
from newscrawl import settings
from newscrawl.cleaning import Cleaner, RepetitionTracker
from newscrawl.extraction import HEADING, extract

MIN_LANGUAGE_PAGES = 5


@dataclass
class Report:
    pages: int = 0
    gold_paragraphs: int = 0
    lost_paragraphs: int = 0
    promo_total: int = 0
    promo_removed: int = 0
    promo_seen: int = 0
    promo_seen_removed: int = 0
    story_seen: int = 0
    story_removed: int = 0
    rules: Counter = field(default_factory=Counter)
    repeat_kept: Counter = field(default_factory=Counter)
    precision: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    recall: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    precision_before: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lost: list[tuple[str, str, str]] = field(default_factory=list)
    kept_junk: list[tuple[str, str, str]] = field(default_factory=list)
    inputs: list[tuple[list, dict]] = field(default_factory=list)
    """(blocks, clean() keyword arguments) per page, for :func:`time_cleaning`."""


def _matches_gold(text: str, gold: list[str]) -> str | None:
    """The gold paragraph the block is (equal to, a substantial part of, or a little more
    than); a teaser headline quoted inside a long paragraph does not count."""
    norm = normalize(text)
    for g in gold:
        if norm == g or (len(norm) >= 25 and norm in g and len(norm) >= 0.3 * len(g)) or (
                len(g) >= 25 and g in norm and len(g) >= 0.5 * len(norm)):
            return g
    return None


def run(corpus: Path, limit: int | None = None, only: str | None = None,
        repeat_threshold: int = settings.NEWSCRAWL_REPEAT_THRESHOLD) -> Report:
    """Extract and clean every page of ``corpus``; collect the figures."""
    labels = read_labels()
    by_page: dict[str, dict[str, str]] = defaultdict(dict)
    for (page_id, sha1), (category, _) in labels.items():
        by_page[page_id][sha1] = category
    cleaner = Cleaner(repetition=RepetitionTracker(threshold=repeat_threshold),
                      min_words=settings.NEWSCRAWL_MIN_WORDS)
    report = Report()
    for page in iter_pages(corpus, limit=limit, only=only):
        report.pages += 1
        extraction = extract(page.html, page.url)
        report.inputs.append((extraction.blocks, {
            "language": extraction.language, "site": urlsplit(page.url).hostname,
            "title": extraction.title}))
        result = cleaner.clean(extraction.blocks, language=extraction.language,
                               site=urlsplit(page.url).hostname, title=extraction.title)
        gold = [normalize(p) for p in page.gold["paragraphs"] if p.strip()]
        lang = (extraction.language or "unknown").split("-")[0]
        _score_loss(report, page.id, result, gold)
        _score_labels(report, page.id, extraction.blocks, result, by_page.get(page.id, {}))
        truth = "\n".join(page.gold["paragraphs"])
        kept = "\n".join(b.text for b in result.kept if b.kind != HEADING)
        before = "\n".join(b.text for b in extraction.blocks if b.kind != HEADING)
        precision, recall, _ = body_scores(kept, truth)
        for key in ("all", lang):
            report.precision[key].append(precision)
            report.recall[key].append(recall)
            report.precision_before[key].append(body_scores(before, truth)[0])
        for removal in result.removed:
            report.rules[removal.rule] += 1
        report.repeat_kept.update(result.repeat_kept)
        for block in result.kept:
            if block.kind != HEADING and not _matches_gold(block.text, gold):
                report.kept_junk.append((page.id, "kept", block.text))
    return report


def _score_loss(report: Report, page_id: str, result, gold: list[str]) -> None:
    lost: set[str] = set()
    for removal in result.removed:
        match = _matches_gold(removal.text, gold)
        if match is not None:
            lost.add(match)
            report.lost.append((page_id, removal.rule, removal.text))
    report.gold_paragraphs += len(set(gold))
    report.lost_paragraphs += len(lost)


def _score_labels(report: Report, page_id: str, blocks, result,
                  labels: dict[str, str]) -> None:
    kept_sha = {text_sha1(b.text) for b in result.kept}
    seen_sha = {text_sha1(b.text) for b in blocks}
    removed_sha = {text_sha1(r.text) for r in result.removed}
    for sha1, category in labels.items():
        if category == "story" and sha1 in seen_sha:
            report.story_seen += 1
            report.story_removed += sha1 in removed_sha and sha1 not in kept_sha
        if category != "promotion":
            continue
        report.promo_total += 1
        present = sha1 in kept_sha
        report.promo_removed += not present
        if sha1 in seen_sha:
            report.promo_seen += 1
            report.promo_seen_removed += not present


def time_cleaning(report: Report, repeat: int = 7) -> tuple[float, float]:
    """(median, 90th percentile) of the per-page cleaning time in milliseconds; each
    page's time is the best of ``repeat`` runs (the minimum filters out machine noise)."""
    cleaner = Cleaner()
    best = [float("inf")] * len(report.inputs)
    for blocks, kwargs in report.inputs:  # warm the per-language and hint caches
        cleaner.clean(blocks, **kwargs)
    enabled = gc.isenabled()
    gc.disable()  # as timeit does: a collection of the benchmark's own garbage is noise
    try:
        for _ in range(repeat):
            for i, (blocks, kwargs) in enumerate(report.inputs):
                start = time.perf_counter()
                cleaner.clean(blocks, **kwargs)
                best[i] = min(best[i], time.perf_counter() - start)
    finally:
        if enabled:
            gc.enable()
    if not best:
        return 0.0, 0.0
    ordered = sorted(best)
    return statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def format_report(report: Report) -> str:
    lines = [f"pages: {report.pages}"]
    loss = report.lost_paragraphs / max(report.gold_paragraphs, 1)
    lines.append(f"story loss: {report.lost_paragraphs}/{report.gold_paragraphs} gold paragraphs"
                 f" removed = {loss:.2%} (target <= 0.5%)")
    lines.append(f"promotion recall (all labelled): {report.promo_removed}/{report.promo_total}"
                 f" = {report.promo_removed / max(report.promo_total, 1):.2%}")
    lines.append(f"promotion recall (handed to cleaning): {report.promo_seen_removed}/"
                 f"{report.promo_seen} = "
                 f"{report.promo_seen_removed / max(report.promo_seen, 1):.2%} (target >= 95%)")
    lines.append(f"story blocks removed: {report.story_removed}/{report.story_seen} = "
                 f"{report.story_removed / max(report.story_seen, 1):.2%} (target <= 1%)")
    lines.append("body precision (kept non-heading blocks vs gold, shingles):")
    lines.append(f"  {'lang':8} {'pages':>5} {'before':>7} {'after':>7} {'recall':>7}")
    keys = sorted(report.precision, key=lambda k: (k != "all", -len(report.precision[k]), k))
    for key in keys:
        n = len(report.precision[key])
        flag = "" if key == "all" or n >= MIN_LANGUAGE_PAGES else "  (< 5 pages)"
        lines.append(f"  {key:8} {n:5d} {_mean(report.precision_before[key]):7.4f} "
                     f"{_mean(report.precision[key]):7.4f} {_mean(report.recall[key]):7.4f}{flag}")
    lines.append("removals per rule:")
    for rule, count in report.rules.most_common():
        lines.append(f"  {count:6d}  {rule}")
    for reason, count in sorted(report.repeat_kept.items()):
        lines.append(f"  {count:6d}  repeat/kept-{reason} (flagged by repetition, kept)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the cleaning stage.")
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--only", help="only page ids containing this")
    parser.add_argument("--show", choices=("lost", "kept"), help="list lost story / kept junk")
    parser.add_argument("--timing", action="store_true", help="also time the cleaner per page")
    parser.add_argument("--repeat", type=int, default=7, help="timing runs per page (best kept)")
    parser.add_argument("--repeat-threshold", type=int,
                        default=settings.NEWSCRAWL_REPEAT_THRESHOLD,
                        help="articles of a site a paragraph must be on to count as repeated")
    args = parser.parse_args(argv)
    report = run(Path(args.corpus), args.limit, args.only, args.repeat_threshold)
    print(format_report(report))
    if args.timing:
        median, p90 = time_cleaning(report, args.repeat)
        blocks = sum(len(b) for b, _ in report.inputs)
        print(f"cleaning time per page: median {median:.3f} ms, p90 {p90:.3f} ms "
              f"({report.pages} pages, {blocks} blocks; best of {args.repeat} runs; "
              "target median <= 1 ms)")
    if args.show == "lost":
        for page_id, rule, text in report.lost:
            print(f"LOST\t{page_id}\t{rule}\t{text[:200]}")
    elif args.show == "kept":
        for page_id, _, text in report.kept_junk:
            print(f"KEPT\t{page_id}\t{text[:200]}")


if __name__ == "__main__":
    main()
