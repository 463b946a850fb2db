"""WARC throughput: what archiving costs a crawl, and how fast ``warc`` reads it back.

Usage::

    python benchmarks/warc_throughput.py [--articles 5000] [--runs 1] [--sample 1000]
                                         [--no-cost] [--workers 0,1,2]

In one run, on a generated site (``benchmarks/sitegen.py``, 127.0.0.1):

1. the same crawl (``scrapy crawl news``) with ``NEWSCRAWL_WARC_DIR`` on and off,
   ``--runs`` times alternated: the time ratio is the cost of writing WARC (``--no-cost``:
   only the crawl with WARC, which makes the files read next);
2. the records of the WARC files read with the library alone (warcio, FastWARC) and with
   newscrawl's reader (``benchmarks/warc_read.py``);
3. the single-core extraction rate: ``newscrawl.extract_article`` (extraction, cleaning,
   validation) on ``--sample`` of the archived pages in this one process;
4. ``python -m newscrawl warc`` on the files with each ``--workers`` count of page
   workers (default: 1 and one per core): pages per second of the whole command (start-up
   included) and of the run itself (Scrapy's ``elapsed_time_seconds``, engine start to
   close), per core, the CPU seconds of the command and its workers, and against
   cores × the single-core rate (the target is ≥ 0.8).

The machine may be shared: the load average before each step is printed, and CPU seconds
next to wall seconds.
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

from benchmarks.crawl_throughput import ROOT, _children_cpu, crawl, start_site  # noqa: E402
from benchmarks.warc_read import read_rates  # noqa: E402
from newscrawl.archive.records import ArchivedResponse, read_responses  # noqa: E402

ENV = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(ROOT)}


def single_core_rate(paths: list[str], sample: int) -> tuple[int, float, float]:
    """(pages, seconds, CPU seconds) of ``extract_article`` on the first ``sample``
    archived pages."""
    from newscrawl import extract_article

    pages = [(e.url, e.body) for p in paths for e in read_responses(p)
             if isinstance(e, ArchivedResponse) and e.status == 200][:sample]
    extract_article(pages[0][1], pages[0][0])  # imports, models, rules: not timed
    start, cpu = time.perf_counter(), time.process_time()
    for url, body in pages:
        extract_article(body, url)
    return len(pages), time.perf_counter() - start, time.process_time() - cpu


def run_warc(folder: Path, output: Path, workers: str) -> dict[str, float]:
    """Seconds, CPU seconds (the command's and its page workers'), the run's own seconds,
    pages read and items written of ``python -m newscrawl warc``."""
    start, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl", "warc", str(folder), "-O", str(output),
         "-s", "NEWSCRAWL_STORE=", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0",
         "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}"],
        cwd=output.parent, env=ENV, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    pages = int(re.search(r"'response_received_count': (\d+)", result.stderr).group(1))
    run = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
    return {"seconds": seconds, "cpu": cpu, "run": run, "pages": pages,
            "items": output.read_bytes().count(b"\n")}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--no-cost", action="store_true",
                        help="crawl once, with WARC (no crawl without it: no cost figure)")
    parser.add_argument("--workers", default=None,
                        help="page-worker counts of the warc runs (default: 1,CORES)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    counts = (args.workers or f"1,{cores}").split(",")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        warc_dir = workdir / "warc"
        site, base = start_site(args.articles, workdir)
        crawls: dict[str, list[float]] = {"with WARC": [], "without": []}
        if args.no_cost:
            del crawls["without"]
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
        print(f"load before reading: {load()}", file=sys.stderr)
        rates = read_rates(paths, repeat=1)
        print(f"load before extract_article: {load()}", file=sys.stderr)
        sampled, single_seconds, single_cpu = single_core_rate(paths, args.sample)
        single = sampled / single_seconds
        runs = {}
        for w in counts:
            print(f"load before warc, {w} worker(s): {load()}", file=sys.stderr)
            runs[w] = run_warc(warc_dir, workdir / f"items-{w}.jsonl", w)
    print(f"WARC written: {len(paths)} file(s), {size / 2**20:.1f} MiB")
    if "without" in crawls:
        cost = [w / o for w, o in zip(crawls["with WARC"], crawls["without"], strict=True)]
        print(f"crawl with / without WARC: {statistics.median(cost):.3f}× "
              f"({', '.join(f'{c:.3f}' for c in cost)}); seconds with "
              f"{crawls['with WARC']}, without {crawls['without']}")
    print(f"load average now: {load()}")
    print("\n| step | pages | seconds | CPU s | pages/s | pages/s per core | × (cores × single) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (records, seconds) in rates.items():
        print(f"| read only, {name} | {records} | {seconds:.2f} | | {records / seconds:.0f} | "
              f"{records / seconds:.0f} | |")
    print(f"| extract_article, one core | {sampled} | {single_seconds:.2f} | {single_cpu:.2f} | "
          f"{single:.1f} | {single:.1f} | |")
    for workers, r in runs.items():
        for label, seconds in (("whole command", r["seconds"]), ("run only", r["run"])):
            rate = r["pages"] / seconds
            cpu = f"{r['cpu']:.1f}" if label == "whole command" else ""
            print(f"| warc, NEWSCRAWL_PAGE_WORKERS={workers}, {label} ({r['items']} items) | "
                  f"{r['pages']} | {seconds:.1f} | {cpu} | {rate:.1f} | {rate / cores:.1f} | "
                  f"{rate / (cores * single):.2f} |")
    best = max(r["pages"] / r["seconds"] for r in runs.values())
    best_run = max(r["pages"] / r["run"] for r in runs.values())
    print(f"\nbest warc rate / ({cores} cores × single-core rate {single:.1f}): "
          f"{best / (cores * single):.2f} (whole command), {best_run / (cores * single):.2f} "
          "(run only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
