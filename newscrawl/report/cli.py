"""The ``preview``, ``stats`` and ``report`` subcommands of ``python -m newscrawl``.

    python -m newscrawl preview PAGE.html|URL [--url URL] [--json] [--color auto|always|never]
    python -m newscrawl stats FEED.jsonl[.gz]… [--json]
    python -m newscrawl report FEED.jsonl[.gz]… -o report.html [--sample N]

``preview`` of an http(s) URL fetches it with the project's settings (robots.txt,
User-Agent, retries), exactly like ``scrapy preview URL``; a file (or ``file://`` URL) is
read from disk.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from newscrawl.report.load import FeedError, read_items

_URL_SCHEMES = ("http://", "https://")


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Register ``preview``, ``stats`` and ``report`` on ``python -m newscrawl``'s parser."""
    from newscrawl.commands.preview import add_output_options

    p = sub.add_parser("preview", help="show one page's item with removed paragraphs and rules")
    p.add_argument("target", help="an HTML file (.html or .html.gz), - for standard input, "
                                  "or an http(s) URL to fetch with the project's settings")
    p.add_argument("--url", help="the page's URL when TARGET is a file (default: file:// URL)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy setting for fetching a URL (may be repeated)")
    add_output_options(p)
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser("stats", help="figures over JSON Lines output, as terminal tables")
    p.add_argument("files", nargs="+", help="feed files (.jsonl or .jsonl.gz)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("report", help="a self-contained HTML report with charts and samples")
    p.add_argument("files", nargs="+", help="feed files (.jsonl or .jsonl.gz)")
    p.add_argument("-o", "--output", default="report.html", help="where to write the report")
    p.add_argument("--sample", type=int, default=10,
                   help="how many items with removed paragraphs to show (default 10)")
    p.add_argument("--title", default=None, help="the report's title")
    p.set_defaults(func=cmd_report)


def cmd_preview(args: argparse.Namespace) -> int:
    from newscrawl.commands.preview import print_preview
    from newscrawl.report.preview import preview_page, site_profile

    if args.target.startswith(_URL_SCHEMES):
        return _preview_url(args)
    if args.target.startswith("file://"):  # a saved page named by its URL: read from disk
        args.url = args.url or args.target
        args.target = url2pathname(urlsplit(args.target).path)
    url = args.url or (Path(args.target).resolve().as_uri() if args.target != "-"
                       else "file:///stdin")
    try:
        html = _read_page(args.target)
    except OSError as exc:
        print(f"{args.target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    preview = preview_page(html, url, profile=site_profile(url))
    return print_preview(preview, as_json=args.json, color=args.color)


def _preview_url(args: argparse.Namespace) -> int:
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.project import get_project_settings

    from newscrawl.commands.preview import (
        apply_preview_settings,
        fetch_error,
        fetch_url,
        preview_fetched,
        print_preview,
    )

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    settings = get_project_settings()
    apply_preview_settings(settings)
    try:
        settings.setdict(dict(s.split("=", 1) for s in args.set), priority="cmdline")
    except ValueError:
        print("-s takes NAME=VALUE", file=sys.stderr)
        return 2
    fetched = fetch_url(AsyncCrawlerProcess(settings), args.target)
    preview = preview_fetched(fetched, settings)
    if preview is None:
        print(f"{args.target}: {fetch_error(fetched)}", file=sys.stderr)
        return 1
    return print_preview(preview, as_json=args.json, color=args.color)


def cmd_stats(args: argparse.Namespace) -> int:
    from newscrawl.report.stats import compute_stats, render_stats

    try:
        stats = compute_stats(read_items(args.files))
    except FeedError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        json.dump(stats.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_stats(stats))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from newscrawl.report.report_html import render_report

    try:
        items = read_items(args.files)
    except FeedError as exc:
        print(exc, file=sys.stderr)
        return 2
    title = args.title or "newscrawl report: " + ", ".join(Path(f).name for f in args.files)
    html = render_report(items, title=title, sample=args.sample)
    Path(args.output).write_text(html, encoding="utf-8")
    print(f"{args.output}: {len(items)} items", file=sys.stderr)
    return 0


def _read_page(path: str) -> bytes:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return gzip.decompress(data) if path.endswith(".gz") else data
