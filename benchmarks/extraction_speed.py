"""Extraction speed: newscrawl against its peers, side by side in one run.

Usage::

    python benchmarks/extraction_speed.py CORPUS_DIR [--repeat 3] [--limit N]

For every page of the corpus (HTML already in memory) it times, interleaved in a
rotating order so that machine drift hits all alike:

- ``newscrawl.extract_article`` (extraction + cleaning + validation),
- trafilatura's ``extract`` with default settings,
- readability-lxml's ``Document(html).summary()``,
- newspaper4k's ``Article.download(input_html=…)`` + ``parse()``,
- bare ``lxml.html.fromstring`` — the floor: no extractor can be faster than one parse.

It prints median and p95 milliseconds per page, pages per second on one core, and
the ratios of the medians to trafilatura's and to the floor. Absolute times on a
shared machine are noise; the ratios are what we track. Peers come from the
``bench`` extra (``pip install -e .[bench]``).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import DEFAULT_CORPUS, iter_pages, page_url  # noqa: E402
from newscrawl.extraction._compiled import SPEEDUPS  # noqa: E402


def _peers(required: bool = True) -> dict[str, Callable[[bytes, str], object]]:
    """The extractors to time, each as ``f(html_bytes, url)``; peers imported here only.

    Without ``required``, a peer that is not installed is left out (CI runs the script
    on a tiny input with the ``test`` extra only, to keep it working).
    """
    import lxml.html

    from newscrawl import extract_article

    timed: dict[str, Callable[[bytes, str], object]] = {
        "newscrawl": lambda html, url: extract_article(html, url)}
    try:
        import trafilatura

        timed["trafilatura"] = lambda html, url: trafilatura.extract(html, url=url)
        from readability import Document

        timed["readability"] = lambda html, url: Document(html).summary()
        from newspaper import Article
    except ImportError as exc:  # pragma: no cover - depends on the environment
        if required:
            raise SystemExit(f"{exc.name} is missing: pip install -e .[bench]") from exc
    else:
        def newspaper4k(html: bytes, url: str) -> object:
            article = Article(url, fetch_images=False)
            article.download(input_html=html.decode("utf-8", "replace"))
            article.parse()
            return article.text

        timed["newspaper4k"] = newspaper4k
    timed["lxml-parse"] = lambda html, url: lxml.html.fromstring(html)
    return timed


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run(corpus: Path, repeat: int, limit: int | None,
        required: bool = True) -> dict[str, list[float]]:
    peers = _peers(required)
    names = list(peers)
    pages = list(iter_pages(corpus, limit=limit))
    urls = [page_url(corpus.name, page) for page in pages]  # dragnet's gold lacks many
    for page, url in zip(pages[:3], urls, strict=False):  # warm-up: imports, caches, rules
        for fn in peers.values():
            fn(page.html, url)
    times: dict[str, list[float]] = {name: [] for name in names}
    gc.disable()
    try:
        for round_ in range(repeat):
            for i, (page, url) in enumerate(zip(pages, urls, strict=True)):
                shift = (i + round_) % len(names)
                for name in names[shift:] + names[:shift]:
                    start = time.perf_counter()
                    try:
                        peers[name](page.html, url)
                    except Exception:  # a peer failing on a page still costs its time
                        pass
                    times[name].append((time.perf_counter() - start) * 1000)
                gc.collect()
    finally:
        gc.enable()
    return times


def report(times: dict[str, list[float]]) -> str:
    medians = {name: statistics.median(v) for name, v in times.items()}
    lines = [
        "| extractor | median ms | p95 ms | pages/s/core | × trafilatura | × lxml parse |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    peer = medians.get("trafilatura")
    for name, values in times.items():
        lines.append(
            f"| {name} | {medians[name]:.2f} | {_p95(values):.2f} | "
            f"{1000 / statistics.mean(values):.1f} | "
            f"{f'{medians[name] / peer:.2f}' if peer else '–'} | "
            f"{medians[name] / medians['lxml-parse']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--peers-optional", action="store_true",
                        help="leave out peers that are not installed instead of failing")
    args = parser.parse_args(argv)
    times = run(Path(args.corpus), args.repeat, args.limit, required=not args.peers_optional)
    print(f"{len(next(iter(times.values())))} timings per extractor "
          f"({args.repeat} passes), interleaved; newscrawl's compiled walk "
          f"{'on' if SPEEDUPS else 'off (not built, or NEWSCRAWL_PURE_PYTHON set)'}\n")
    print(report(times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
