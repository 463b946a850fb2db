"""``warc`` of two checkouts on the same WARC files, interleaved: wall and CPU seconds.

Usage::

    git archive main | tar -x -C /tmp/old   # the code to compare with (copy the built
    cp newscrawl/extraction/_speedups*.so /tmp/old/newscrawl/extraction/   # module too)
    python benchmarks/warc_before_after.py --old /tmp/old WARC_DIR [--rounds 2]

Each round runs ``python -m newscrawl warc WARC_DIR`` with the old code (``PYTHONPATH``) and
this checkout's, with 1 and 2 page workers, and ``extract_article`` on 1 000 of the pages,
printing pages/s of the whole command and of the run (``elapsed_time_seconds``) and the CPU
seconds of the command and its page workers. On a shared machine run several rounds:
neighbours move the wall clock more than the code does.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SINGLE = """
import glob, sys, time
from newscrawl import extract_article
from newscrawl.archive.records import ArchivedResponse, read_responses
pages = [(e.url, e.body) for p in sorted(glob.glob(sys.argv[1] + '/**/*.warc*', recursive=True))
         for e in read_responses(p) if isinstance(e, ArchivedResponse) and e.status == 200][:1000]
extract_article(pages[0][1], pages[0][0])
t, c = time.perf_counter(), time.process_time()
for url, body in pages:
    extract_article(body, url)
print(len(pages), time.perf_counter() - t, time.process_time() - c)
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_warc(code: Path, warc: str, workers: int, output: Path) -> str:
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(code)}
    start, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl", "warc", warc, "-O", str(output),
         "-s", "NEWSCRAWL_STORE=", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0",
         "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}"],
        env=env, capture_output=True, text=True, cwd=output.parent)
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    pages = int(re.search(r"'response_received_count': (\d+)", result.stderr).group(1))
    run = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
    items = output.read_bytes().count(b"\n")
    return (f"{pages} pages, {items} items: {wall:.1f} s ({pages / wall:.1f}/s), run {run:.1f} s "
            f"({pages / run:.1f}/s), CPU {cpu:.1f} s ({1000 * cpu / pages:.2f} ms/page)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warc", help="a folder of WARC files")
    parser.add_argument("--old", required=True, help="the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            for label, code, workers in (("old, 1 worker", Path(args.old), 1),
                                         ("new, 1 worker", ROOT, 1),
                                         ("new, 2 workers", ROOT, 2),
                                         ("extract_article", ROOT, 0),
                                         ("old, 2 workers", Path(args.old), 2)):
                load = os.getloadavg()[0]
                if label == "extract_article":
                    env = {**os.environ, "PYTHONPATH": str(ROOT)}
                    out = subprocess.run([sys.executable, "-c", SINGLE, args.warc], env=env,
                                         capture_output=True, text=True, check=True).stdout
                    pages, wall, cpu = out.split()
                    line = (f"{pages} pages {float(wall):.2f} s, {float(cpu):.2f} CPU s: "
                            f"{int(pages) / float(wall):.1f} pages/s, "
                            f"{1000 * float(cpu) / int(pages):.2f} CPU ms/page")
                else:
                    line = run_warc(code, args.warc, workers, Path(tmp) / f"{n}-{workers}.jsonl")
                print(f"round {n}, load {load:.2f}, {label}: {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
