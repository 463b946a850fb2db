"""``python -m newscrawl``: offline tools around the extractor.

    python -m newscrawl extract PAGE.html [--url URL]    print the item as JSON
    python -m newscrawl preview PAGE.html|URL            the item, kept and removed paragraphs
    python -m newscrawl stats FEED.jsonl…                figures over a crawl's output
    python -m newscrawl report FEED.jsonl… -o report.html   the same as an HTML report
    python -m newscrawl warc FILE.warc.gz… -O items.jsonl  WARC files (CC-NEWS too) into items
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _read_page(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        import gzip

        data = gzip.decompress(data)
    return data


def cmd_extract(args: argparse.Namespace) -> int:
    from newscrawl import extract_article

    url = args.url or (Path(args.file).resolve().as_uri() if args.file != "-" else "file:///stdin")
    try:
        html = _read_page(args.file)
    except (OSError, EOFError) as exc:  # missing, unreadable, not gzip, truncated gzip
        print(f"{args.file}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    if args.any_page:  # the main text whatever detection and the word floor say
        item = extract_article(html, url, require_article=False, min_words=0)
    else:
        item = extract_article(html, url)
    if item is None:
        what = "no main text" if args.any_page else "not an article"
        print(f"{args.file}: {what} (no item)", file=sys.stderr)
        return 1
    json.dump(item, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m newscrawl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract the article of one saved page as JSON")
    p.add_argument("file", help="an HTML file (.html or .html.gz), or - for standard input")
    p.add_argument("--url", help="the page's URL (default: the file's file:// URL)")
    p.add_argument("--any-page", action="store_true",
                   help="the main text of any page, whatever article detection says "
                        "(article_confidence tells how sure it was)")
    p.set_defaults(func=cmd_extract)
    from newscrawl.report.cli import add_subcommands

    add_subcommands(sub)
    from newscrawl.archive.cli import add_subcommand as add_warc

    add_warc(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
