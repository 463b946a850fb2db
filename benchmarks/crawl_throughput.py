"""Crawl throughput: the full pipeline against a bare crawl of the same site.

Usage::

    python benchmarks/crawl_throughput.py [--articles 5000] [--small 1000] [--runs 1]

Starts ``benchmarks/sitegen.py`` (a generated site on 127.0.0.1), then runs (each
with a fresh emitted-articles store file, as a first scheduled crawl has), one
after the other, ``scrapy crawl news`` (extraction, cleaning, validation, store, feed)
and the bare spider of ``benchmarks/bare_spider.py`` (same discovery, yields only
the URL) over ``--articles`` articles (``--runs`` times, alternated: on a shared
machine one pair can be off by a fifth), and the full crawl again over ``--small``
articles. It prints pages per second for each, the ratio of the full crawl's time
to the bare one's, and the peak RSS at both sizes: the crawl process's (Scrapy's
``memusage/max``) plus its page workers' (``newscrawl/workers/max_rss``).

It also prints the CPU seconds (user + system) of each crawl, page workers included,
and their ratio. The full crawl extracts in page workers beside the crawl process, so it
keeps two cores busy where the bare crawl keeps one. Its time ratio holds while a second
core is free, and its CPU ratio is what it costs when no core is free.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRAWL_SETTINGS = [
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
    "-s", "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True",
    "-s", "MEMUSAGE_CHECK_INTERVAL_SECONDS=1", "-s", "LOG_LEVEL=INFO",
    "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0",
]


def start_site(articles: int, workdir: Path) -> tuple[subprocess.Popen, str]:
    port_file = workdir / f"port-{articles}"
    proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "sitegen.py"),
                             str(articles), str(port_file)])
    for _ in range(1200):  # the site renders its pages first (~2 s for 5 000)
        if port_file.exists() and port_file.read_text():
            return proc, f"http://127.0.0.1:{port_file.read_text()}/"
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the generated site did not start")


def crawl(command: list[str], base: str, folder: Path) -> tuple[float, float, int, int]:
    """Run one crawl in ``folder``; return (seconds, CPU seconds, items written, peak RSS
    in bytes). The CPU seconds include the page workers': the crawl process waits for
    them, so they are its children's and then ours.

    Both crawls write the project's default feed (``output/…jsonl``, written as
    ``.part`` and renamed), as a scheduled crawl does."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
           "PYTHONPATH": str(ROOT)}
    folder.mkdir(parents=True)
    start, cpu = time.perf_counter(), _children_cpu()
    store = folder / "emitted.sqlite3"  # a fresh store file, as a first scheduled crawl has
    result = subprocess.run([sys.executable, "-m", "scrapy", *command,
                             "-a", f"start_urls={base}", *CRAWL_SETTINGS,
                             "-s", f"NEWSCRAWL_STORE={store}"],
                            cwd=folder, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    items = sum(path.read_bytes().count(b"\n") for path in (folder / "output").glob("*.jsonl"))
    # The crawl process's peak plus its page workers' (NEWSCRAWL_PAGE_WORKERS) peak.
    peak = sum(int(m.group(1)) for m in re.finditer(
        r"'(?:memusage|newscrawl/workers)/max(?:_rss)?': (\d+)", result.stderr))
    return seconds, cpu, items, peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1,
                        help="full and bare crawls of --articles, alternated this many times; "
                             "the ratio reported is the median of the pairs'")
    args = parser.parse_args(argv)
    bare = ["runspider", str(ROOT / "benchmarks" / "bare_spider.py")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        pair = (("full", ["crawl", "news"]), ("bare", bare))
        for articles, runs in ((args.articles, pair * max(1, args.runs)),
                               (args.small, (("full", ["crawl", "news"]),))):
            site, base = start_site(articles, workdir)
            try:
                for n, (label, command) in enumerate(runs):
                    seconds, cpu, items, peak = crawl(command, base,
                                                      workdir / f"{label}-{articles}-{n}")
                    rows.append((label, articles, seconds, cpu, items, peak))
            finally:
                site.kill()
    print("| crawl | articles | items | seconds | pages/s | CPU seconds | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, articles, seconds, cpu, items, peak in rows:
        print(f"| {label} | {articles} | {items} | {seconds:.1f} | {items / seconds:.1f} | "
              f"{cpu:.1f} | {peak / 2**20:.0f} |")
    fulls = [r for r in rows if r[0] == "full" and r[1] == args.articles]
    bares = [r for r in rows if r[0] == "bare"]
    small = rows[-1]
    ratios = [f[2] / b[2] for f, b in zip(fulls, bares, strict=True)]
    cpu_ratios = [f[3] / b[3] for f, b in zip(fulls, bares, strict=True)]
    peak = statistics.median(f[5] for f in fulls)
    print(f"\nfull / bare time: {_ratios(ratios)}; "
          f"peak RSS {args.small}→{args.articles} pages: "
          f"{(peak - small[5]) / small[5] * 100:+.1f} %" if small[5] else "")
    print(f"full / bare CPU: {_ratios(cpu_ratios)}")
    return 0


def _ratios(ratios: list[float]) -> str:
    """The median ratio, and each pair's when there are several."""
    each = f" (pairs: {', '.join(f'{r:.2f}×' for r in ratios)})" if len(ratios) > 1 else ""
    return f"{statistics.median(ratios):.2f}×{each}"


if __name__ == "__main__":
    sys.exit(main())
