"""WARC throughput: what archiving costs a crawl, and how fast ``warc`` reads it back.

Usage::

    python benchmarks/warc_throughput.py [--articles 5000] [--runs 1] [--sample 1000]

In one run, on a generated site (``benchmarks/sitegen.py``, 127.0.0.1):

1. the same crawl (``scrapy crawl news``) with ``NEWSCRAWL_WARC_DIR`` on and off,
   ``--runs`` times alternated: the time ratio is the cost of writing WARC;
2. the records of the WARC files read with the library alone (warcio, FastWARC) and with
   newscrawl's reader (``benchmarks/warc_read.py``);
3. the single-core extraction rate: ``newscrawl.extract_article`` (extraction, cleaning,
   validation) on ``--sample`` of the archived pages in this one process;
4. ``python -m newscrawl warc`` on the files, with the default page workers (``auto``)
   and with one page worker per core: pages per second, per core, and against
   cores × the single-core rate (the target is ≥ 0.8).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.crawl_throughput import ROOT, crawl, start_site  # noqa: E402
from benchmarks.warc_read import read_rates  # noqa: E402
from newscrawl.archive.records import ArchivedResponse, read_responses  # noqa: E402

ENV = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(ROOT)}


def single_core_rate(paths: list[str], sample: int) -> tuple[int, float]:
    """(pages, seconds) of ``extract_article`` on the first ``sample`` archived pages."""
    from newscrawl import extract_article

    pages = [(e.url, e.body) for p in paths for e in read_responses(p)
             if isinstance(e, ArchivedResponse) and e.status == 200][:sample]
    extract_article(pages[0][1], pages[0][0])  # imports, models, rules: not timed
    start = time.perf_counter()
    for url, body in pages:
        extract_article(body, url)
    return len(pages), time.perf_counter() - start


def run_warc(folder: Path, output: Path, workers: str) -> tuple[float, int, int]:
    """(seconds, pages answered, items written) of ``python -m newscrawl warc``."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl", "warc", str(folder), "-O", str(output),
         "-s", "NEWSCRAWL_STORE=", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0",
         "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}"],
        cwd=output.parent, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    pages = int(re.search(r"'response_received_count': (\d+)", result.stderr).group(1))
    return seconds, pages, output.read_bytes().count(b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=1000)
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        warc_dir = workdir / "warc"
        site, base = start_site(args.articles, workdir)
        crawls: dict[str, list[float]] = {"with WARC": [], "without": []}
        try:
            for n in range(max(1, args.runs)):
                for label in crawls:
                    extra = ["-s", f"NEWSCRAWL_WARC_DIR={warc_dir if n == 0 else workdir / f'w{n}'}"
                             ] if label == "with WARC" else []
                    seconds, _cpu, items, _peak = crawl(["crawl", "news", *extra], base,
                                                        workdir / f"{label.split()[0]}-{n}")
                    crawls[label].append(seconds)
                    print(f"crawl {label}: {seconds:.1f} s, {items} items", file=sys.stderr)
        finally:
            site.kill()
        paths = sorted(str(p) for p in warc_dir.glob("*.warc.gz"))
        size = sum(Path(p).stat().st_size for p in paths)
        rates = read_rates(paths, repeat=1)
        sampled, single_seconds = single_core_rate(paths, args.sample)
        single = sampled / single_seconds
        runs = {w: run_warc(warc_dir, workdir / f"items-{w}.jsonl", w) for w in ("auto", str(cores))}
    cost = [w / o for w, o in zip(crawls["with WARC"], crawls["without"], strict=True)]
    print(f"WARC written: {len(paths)} file(s), {size / 2**20:.1f} MiB")
    print(f"crawl with / without WARC: {statistics.median(cost):.3f}× "
          f"({', '.join(f'{c:.3f}' for c in cost)}); seconds with "
          f"{crawls['with WARC']}, without {crawls['without']}")
    print("\n| step | pages | seconds | pages/s | pages/s per core |")
    print("|---|---:|---:|---:|---:|")
    for name, (records, seconds) in rates.items():
        print(f"| read only, {name} | {records} | {seconds:.2f} | {records / seconds:.0f} | "
              f"{records / seconds:.0f} |")
    print(f"| extract_article, one core | {sampled} | {single_seconds:.1f} | {single:.1f} | "
          f"{single:.1f} |")
    for workers, (seconds, pages, items) in runs.items():
        rate = pages / seconds
        print(f"| warc, NEWSCRAWL_PAGE_WORKERS={workers} ({items} items) | {pages} | "
              f"{seconds:.1f} | {rate:.1f} | {rate / cores:.1f} |")
    best = max(pages / seconds for seconds, pages, _ in runs.values())
    print(f"\nbest warc rate / ({cores} cores × single-core rate): {best / (cores * single):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
