"""RSS and CPU of a crawl over time, read from outside the crawl.

``crawl_throughput.py`` reports peaks from inside (Scrapy's ``memusage/max``, the
workers' ``newscrawl/workers/max_rss``). This script runs one full crawl of the same
generated site and samples ``/proc/<pid>/status`` of the crawl process and its page
workers every half second, so one can see *when* memory grows::

    python benchmarks/crawl_memory.py --articles 5000

Linux only (it reads ``/proc``); run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawl_throughput import CRAWL_SETTINGS, ROOT, start_site


def _rss_mib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        site, base = start_site(args.articles, workdir)
        folder = workdir / "crawl"
        folder.mkdir()
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
               "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        try:
            crawl = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={base}",
                 *CRAWL_SETTINGS, "-s", f"NEWSCRAWL_STORE={folder / 'emitted.sqlite3'}"],
                cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples: list[tuple[float, int, int]] = []
            cpu = (0.0, 0.0)
            while crawl.poll() is None:
                workers = _children(crawl.pid)
                own = _rss_mib(crawl.pid)
                if own:
                    # Workers end before the crawl process: keep their last total.
                    cpu = (_cpu_seconds(crawl.pid),
                           max(cpu[1], sum(map(_cpu_seconds, workers))))
                    samples.append((time.perf_counter() - start, own,
                                    sum(map(_rss_mib, workers))))
                time.sleep(args.every)
        finally:
            site.kill()
    seconds = time.perf_counter() - start
    print(f"{args.articles} articles in {seconds:.1f} s; CPU: crawl process {cpu[0]:.1f} s, "
          f"page workers {cpu[1]:.1f} s")
    print(f"peak RSS MiB: crawl process {max(s[1] for s in samples)}, "
          f"page workers {max(s[2] for s in samples)}\n")
    print("| s | crawl MiB | workers MiB |\n|---:|---:|---:|")
    step = max(1, len(samples) // 20)
    for at, own, workers in samples[::step]:
        print(f"| {at:.1f} | {own} | {workers} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
