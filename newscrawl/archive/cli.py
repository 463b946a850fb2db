"""``python -m newscrawl warc FILE_OR_GLOB… -O items.jsonl``: WARC files into items.

The files (``.warc``, ``.warc.gz``; a folder stands for the WARC files under it; globs
are expanded here too) are sorted, optionally cut to one shard (``--shard I/N``: every
N-th file starting with the I-th, 1 ≤ I ≤ N, so that N processes started with
I = 1…N read each file exactly once), and read by :class:`newscrawl.archive.spider.WarcSpider`
in one Scrapy crawl with the project's settings (``-s NAME=VALUE`` as for ``scrapy crawl``).

Resume: the run keeps ``OUTPUT.warc-progress`` (or ``--state FILE``), the list of the
files it finished. When a run is interrupted (Ctrl-C, a kill, a crash) the same command
resumes: the finished files are skipped, the output is kept (a partial last line cut) and
appended to, and the records of an unfinished file whose item the output already holds
are skipped, so every article is written once. A run that completes removes the file.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any

WARC_SUFFIXES = (".warc", ".warc.gz")


class UsageError(ValueError):
    """A command-line mistake: one message, exit status 2."""


def expand_paths(arguments: list[str]) -> list[str]:
    """The sorted absolute paths of the WARC files that ``arguments`` name."""
    found: set[str] = set()
    for argument in arguments:
        if Path(argument).is_dir():
            matches = [str(p) for p in Path(argument).rglob("*")
                       if p.is_file() and p.name.endswith(WARC_SUFFIXES)]
            if not matches:
                raise UsageError(f"no .warc or .warc.gz file under {argument}")
        elif glob.has_magic(argument):
            matches = [p for p in glob.glob(argument, recursive=True) if Path(p).is_file()]
            if not matches:
                raise UsageError(f"no file matches {argument}")
        elif Path(argument).is_file():
            matches = [argument]
        else:
            raise UsageError(f"no such file: {argument}")
        found.update(os.path.abspath(m) for m in matches)
    return sorted(found)


def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` as ``(I, N)``, 1 ≤ I ≤ N.

    >>> parse_shard("2/3")
    (2, 3)
    """
    index, _, count = value.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise UsageError(f"--shard must be I/N (as 2/8), not {value!r}") from None
    if not 1 <= i <= n:
        raise UsageError(f"--shard {value}: I must be between 1 and N")
    return i, n


def shard(paths: list[str], index: int, count: int) -> list[str]:
    """Shard ``index`` of ``count`` (1-based) of the sorted paths: every count-th one.

    >>> shard(["a", "b", "c", "d", "e"], 2, 2)
    ['b', 'd']
    """
    return sorted(paths)[index - 1::count]


def read_output(path: Path) -> set[str]:
    """The URLs of the items of an interrupted run's output, which is repaired in place:
    a partial last line is cut (and a gzipped file rewritten as one complete stream, so
    that the resumed run can append to it)."""
    if not path.exists():
        return set()
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        data = zlib.decompressobj(31).decompress(raw) if raw else b""
    else:
        data = raw
    complete = data[:data.rfind(b"\n") + 1]
    urls = set()
    for line in complete.splitlines():
        if line.strip():
            urls.add(json.loads(line)["url"])
    if path.name.endswith(".gz"):
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as fh:
            fh.write(gzip.compress(complete))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    elif len(complete) < len(raw):
        with open(path, "r+b") as fh:
            fh.truncate(len(complete))
    return urls


def add_subcommand(sub: Any) -> None:
    p = sub.add_parser("warc", help="read WARC files (own crawls' or CC-NEWS) into items",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="FILE_OR_GLOB",
                   help="WARC files (.warc, .warc.gz), globs, or folders holding them")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("-O", dest="overwrite", metavar="FILE",
                     help="write the items to FILE (.jsonl, or .jsonl.gz), replacing it")
    out.add_argument("-o", dest="append", metavar="FILE", help="append the items to FILE")
    p.add_argument("--since", help="articles from this date on (2024-05-01, or 48h)")
    p.add_argument("--until", help="articles up to this date")
    p.add_argument("--date", choices=("article", "record"), default="article",
                   help="what --since/--until look at: the article's date (else the "
                   "record's, for an undated article) or the record's WARC-Date "
                   "(checked before extraction: cheaper)")
    p.add_argument("--domains", help="only these domains (and their subdomains), comma-separated")
    p.add_argument("--language", help="only articles in these languages (en,de)")
    p.add_argument("--shard", help="read only shard I of N of the sorted files (1-based: 1/4…4/4)")
    p.add_argument("--state", help="the progress file (default: OUTPUT.warc-progress)")
    p.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy or NEWSCRAWL_* setting, as for scrapy crawl")
    p.set_defaults(func=cmd_warc)


def cmd_warc(args: argparse.Namespace) -> int:
    try:
        return run_warc(args)
    except UsageError as exc:
        print(f"python -m newscrawl warc: {exc}", file=sys.stderr)
        return 2


def run_warc(args: argparse.Namespace) -> int:
    paths = expand_paths(args.paths)
    if args.shard:
        paths = shard(paths, *parse_shard(args.shard))
    output = Path(args.overwrite or args.append)
    state = Path(args.state) if args.state else output.with_name(output.name + ".warc-progress")
    resuming = state.exists()
    done_urls = read_output(output) if resuming else set()
    overrides = {}
    for pair in args.settings:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s expects NAME=VALUE, not {pair!r}")
        overrides[name] = value

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from newscrawl.archive.spider import FileProgress, WarcSpider, load_state

    settings = get_project_settings()
    settings.setdict(overrides, priority="cmdline")
    feed = {"format": "jsonlines", "overwrite": bool(args.overwrite) and not resuming}
    if output.name.endswith(".gz"):
        feed["gzip"] = True
    settings.set("FEEDS", {str(output): feed}, priority="cmdline")
    if not resuming:
        FileProgress(str(state)).save()  # from now on, an interruption is resumable
    elif load_state(state):
        print(f"resuming: {len(load_state(state))} file(s) already done ({state})",
              file=sys.stderr)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WarcSpider)
    process.crawl(crawler, files=paths, state=str(state), done_urls=done_urls,
                  since=args.since, until=args.until, date=args.date, domains=args.domains,
                  language=args.language)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    return 0 if reason == "finished" else 1
