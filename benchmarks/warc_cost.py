"""What writing WARC costs a crawl (issue 25: ≤ 10 % of crawl time), measured so that
a 10 % cost can be told from a busy machine's noise.

Usage::

    python benchmarks/warc_cost.py [--articles 2000] [--pairs 4] [--writer-pages 2000]
    python benchmarks/warc_cost.py --gzip-corpus ../shared/corpus/*/pages

On a generated site (``benchmarks/sitegen.py``, 127.0.0.1), the same crawl
(``scrapy crawl news``, the settings of ``benchmarks/crawl_throughput.py``) runs with
``NEWSCRAWL_WARC_DIR`` on and off, interleaved A B B A A B …: ``--pairs`` pairs, each pair's
order the reverse of the one before, so that a machine getting busier or quieter weighs on
both sides alike. For every run it prints

- the wall time;
- the CPU seconds (user + system) of the crawl process itself and of its children (the
  page workers), read from ``/proc/<pid>/stat`` of the exited, not yet reaped process
  (``waitid(WNOWAIT)``): exact, and separate, where ``RUSAGE_CHILDREN`` would only give
  the sum;
- the CPU seconds of the crawl process's main thread alone, polled every 50 ms from
  ``/proc/<pid>/task/<pid>/stat`` (the last reading before it exits): Scrapy's reactor
  runs there, and it is the crawl's limit; a WARC writer thread's work is not in it;
- the load average when it started.

and for each measure the median of the pairs' with / without ratios and their spread
(min–max). **CPU seconds are the robust figure on a shared machine**: another agent's
job stretches the wall time of whichever run it lands on, but it does not add CPU
seconds to our processes (apart from a little cache and frequency effect). The crawl
process's CPU is the one to watch: it is the crawl's limit (the page workers take the
extraction off it), and the WARC writer runs in it.

``--writer-pages`` then times the writer alone, in this process: the responses of one
of the with-WARC runs' files, handed again to :class:`WarcWriterMiddleware` (as Scrapy
would) into a scratch folder, CPU milliseconds per page (``time.process_time``), once per
gzip level in ``--levels``, all threads' and the calling (reactor's) thread's alone; the
crawl process's CPU per item is printed next to it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.crawl_throughput import CRAWL_SETTINGS, ROOT, start_site  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def run_crawl(base: str, folder: Path, warc: Path | None, warc_settings: list[str] | None = None) -> dict:
    """One ``scrapy crawl news`` in ``folder``: wall time, own and children's CPU.

    ``warc_settings`` (``NAME=VALUE``) are given to the crawl with WARC on only."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
           "PYTHONPATH": str(ROOT)}
    folder.mkdir(parents=True)
    extra = ["-s", f"NEWSCRAWL_WARC_DIR={warc}"] if warc else []
    if warc:
        for setting in warc_settings or ():
            extra += ["-s", setting]
    load = os.getloadavg()[0]
    with open(folder / "crawl.log", "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={base}",
             *CRAWL_SETTINGS, "-s", f"NEWSCRAWL_STORE={folder / 'emitted.sqlite3'}", *extra],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=log)
        main_thread = 0.0  # the crawl process's main (reactor) thread, polled
        while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is None:
            main_thread = _thread_cpu(proc.pid) or main_thread
            time.sleep(0.05)
        wall = time.perf_counter() - start  # exited, still a zombie: its times are readable
        stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        proc.wait()
    if proc.returncode:
        raise RuntimeError((folder / "crawl.log").read_text()[-2000:])
    utime, stime, cutime, cstime = (int(v) / TICK for v in stat[11:15])
    items = sum(p.read_bytes().count(b"\n") for p in (folder / "output").glob("*.jsonl"))
    size = sum(p.stat().st_size for p in warc.glob("*.warc.gz")) if warc else 0
    return {"wall": wall, "own": utime + stime, "main": main_thread,
            "children": cutime + cstime,
            "cpu": utime + stime + cutime + cstime, "items": items, "load": load,
            "warc_bytes": size}


def _thread_cpu(pid: int) -> float | None:
    """CPU seconds so far of the main thread of process ``pid`` (``None`` once gone)."""
    try:
        stat = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(stat[11]) + int(stat[12])) / TICK


def writer_cost(paths: list[Path], pages: int, levels: list[int | None]) -> dict:
    """CPU ms per page of :class:`WarcWriterMiddleware` alone, per gzip level."""
    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler
    from warcio.archiveiterator import ArchiveIterator

    from newscrawl.archive.writer import WarcWriterMiddleware
    from newscrawl.spiders.news import NewsSpider

    exchanges = []
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, no_record_parse=False):
                if record.rec_type != "response" or len(exchanges) >= pages:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                headers = {n: v for n, v in record.http_headers.headers
                           if n.lower() != "x-crawler-transfer-encoding"}
                status = int(record.http_headers.get_statuscode())
                body = record.content_stream().read()
                exchanges.append((Request(url, headers={"User-Agent": "bench"}),
                                  Response(url, status=status, headers=headers, body=body,
                                           protocol="HTTP/1.1")))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for level in levels:
            settings = {"NEWSCRAWL_WARC_DIR": f"{tmp}/{level}",
                        "NEWSCRAWL_WARC_MAX_SIZE": "1000000000"}
            if level is not None:
                settings["NEWSCRAWL_WARC_GZIP_LEVEL"] = str(level)
            crawler = get_crawler(NewsSpider, settings)
            crawler.stats.open_spider()
            middleware = WarcWriterMiddleware.from_crawler(crawler)
            middleware.spider_opened(NewsSpider(start_urls="http://127.0.0.1/"))
            start, own = time.process_time(), time.thread_time()
            for request, response in exchanges:
                middleware.process_response(request, response)
            own = time.thread_time() - own  # the reactor's thread: what the crawl waits for
            middleware.spider_closed(None)
            seconds = time.process_time() - start  # every thread's
            size = sum(p.stat().st_size for p in Path(f"{tmp}/{level}").glob("*.warc.gz"))
            results[level] = (len(exchanges), seconds, own, size)
    return results


def gzip_levels(folders: list[str], levels: list[int], pages: int = 800) -> list[tuple]:
    """(level, pages, ms CPU per page, compressed / raw) of ``zlib.compress`` (one gzip
    member, as the writer makes) on ``pages`` HTML files spread over ``folders``."""
    import gzip
    import zlib

    files = sorted(f for folder in folders for f in Path(folder).rglob("*")
                   if f.name.endswith((".html", ".htm", ".html.gz")))
    files = [files[i * len(files) // pages] for i in range(min(pages, len(files)))]  # spread
    datas = [gzip.decompress(f.read_bytes()) if f.name.endswith(".gz") else f.read_bytes()
             for f in files]
    raw = sum(map(len, datas))
    rows = []
    for level in levels:
        best = float("inf")
        for _ in range(3):  # the best of three: the least disturbed by other jobs
            start = time.process_time()
            size = sum(len(zlib.compress(d, level, 31)) for d in datas)
            best = min(best, time.process_time() - start)
        rows.append((level, len(datas), best * 1000 / len(datas), size / raw))
    return rows


def spread(values: list[float]) -> str:
    return (f"median {statistics.median(values):.3f}× "
            f"(min {min(values):.3f}, max {max(values):.3f}; "
            f"pairs {', '.join(f'{v:.3f}' for v in values)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--writer-pages", type=int, default=2000,
                        help="pages for the writer-alone timing (0: skip it)")
    parser.add_argument("--levels", default="default",
                        help="gzip levels for the writer-alone timing, e.g. 'default,9,6,1' "
                             "('default': the writer's setting as it is)")
    parser.add_argument("--gzip-corpus", nargs="*", default=[], metavar="FOLDER",
                        help="only time zlib's levels 9..1 on the HTML pages under FOLDER… "
                             "(e.g. ../shared/corpus/*/pages) and exit")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the crawls with WARC on, e.g. "
                             "NEWSCRAWL_WARC_QUEUE=0 (the writer on Scrapy's thread)")
    args = parser.parse_args(argv)
    if args.gzip_corpus:
        rows = gzip_levels(args.gzip_corpus, [9, 6, 5, 4, 3, 2, 1])
        print("| gzip level | pages | ms CPU per page | compressed / raw |")
        print("|---:|---:|---:|---:|")
        for level, pages, ms, ratio in rows:
            print(f"| {level} | {pages} | {ms:.3f} | {ratio:.3f} |")
        return 0
    levels = [None if v == "default" else int(v) for v in args.levels.split(",")]
    runs: list[tuple[str, int, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        site, base = start_site(args.articles, workdir)
        try:
            for n in range(max(1, args.pairs)):
                order = ("with", "without") if n % 2 == 0 else ("without", "with")
                for label in order:
                    warc = workdir / f"warc-{n}" if label == "with" else None
                    result = run_crawl(base, workdir / f"{label}-{n}", warc, args.set)
                    runs.append((label, n, result))
                    print(f"pair {n} {label:7} wall {result['wall']:6.1f} s  CPU own "
                          f"{result['own']:6.1f} s  main thread {result['main']:6.1f} s  children {result['children']:6.1f} s  "
                          f"items {result['items']}  load {result['load']:.1f}",
                          file=sys.stderr)
        finally:
            site.kill()
        writer = (writer_cost(sorted((workdir / "warc-0").glob("*.warc.gz")),
                              args.writer_pages, levels) if args.writer_pages else {})
    print(f"\n{args.articles}-article site, {args.pairs} pairs, interleaved "
          f"(with/without, then without/with, …); load average 1 min at each start\n")
    print("| pair | WARC | wall s | CPU crawl process s | of it, main thread s "
          "| CPU page workers s | CPU total s | items | WARC MiB | load |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, n, r in runs:
        print(f"| {n} | {label} | {r['wall']:.1f} | {r['own']:.1f} | {r['main']:.1f} | "
              f"{r['children']:.1f} | "
              f"{r['cpu']:.1f} | {r['items']} | {r['warc_bytes'] / 2**20:.1f} | "
              f"{r['load']:.1f} |")
    pairs = [(next(r for lab, m, r in runs if m == n and lab == "with"),
              next(r for lab, m, r in runs if m == n and lab == "without"))
             for n in range(max(1, args.pairs))]
    print()
    for key, name in (("wall", "wall time"), ("own", "CPU, crawl process"),
                      ("main", "CPU, crawl process's main (reactor) thread"),
                      ("cpu", "CPU, crawl process + page workers")):
        print(f"with / without, {name}: {spread([w[key] / o[key] for w, o in pairs])}")
    own_per_page = statistics.median(w["own"] / max(1, w["items"]) for w, _ in pairs) * 1000
    extra = statistics.median((w["own"] - o["own"]) / max(1, w["items"]) for w, o in pairs)
    print(f"crawl process CPU per item with WARC: {own_per_page:.2f} ms; "
          f"extra with WARC: {extra * 1000:.2f} ms per item")
    for level, (pages, seconds, own, size) in writer.items():
        print(f"writer alone, gzip level {level if level is not None else 'as set'}: {pages} "
              f"pages, {seconds * 1000 / pages:.3f} ms CPU per page (all threads), "
              f"{own * 1000 / pages:.3f} ms on the calling thread, {size / 2**20:.2f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
