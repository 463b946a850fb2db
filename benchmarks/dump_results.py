"""Every page of a corpus through the crawl's steps, one JSON line per page: to compare
two versions of the code byte for byte.

Usage::

    python benchmarks/dump_results.py CORPUS_DIR --out results.jsonl
    cmp before.jsonl after.jsonl   # or: python benchmarks/dump_results.py --diff A B

Each line holds the page id, the article verdict, the validation drop reason, the
extraction (metadata and every candidate block, as :func:`dataclasses.asdict` has it)
and the item a crawl would write (``crawled_at`` fixed). The script imports the
``newscrawl`` its interpreter finds, not the checkout it sits in, so that one copy of it
runs on two checkouts (``cd /other/checkout && .venv/bin/python …/dump_results.py``); it
reads the corpus itself (``gold.jsonl`` plus ``pages/<id>.html.gz``) for the same reason.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
from pathlib import Path


def _plain(obj: object) -> object:
    """A dataclass as a dict (its own fields only: slots dataclasses have no ``__dict__``)."""
    return dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else repr(obj)


def dump(corpus: Path, out: Path) -> int:
    """Write the results of every page of ``corpus`` to ``out``; the number of pages."""
    import newscrawl
    from newscrawl.api import read_page, run_page

    print(f"newscrawl from {Path(newscrawl.__file__).parent}", file=sys.stderr)
    count = 0
    with open(corpus / "gold.jsonl", encoding="utf-8") as gold, \
            open(out, "w", encoding="utf-8") as fh:
        for line in gold:
            record = json.loads(line)
            page_id = record["id"]
            url = record["url"] or f"https://corpus.invalid/{page_id}"  # dragnet's may be null
            path = corpus / "pages" / f"{page_id}.html.gz"
            if not path.exists():
                continue
            html = gzip.decompress(path.read_bytes())
            extraction = read_page(html, url).extraction  # for pages that are no article too
            run = run_page(html, url, crawled_at="2000-01-01T00:00:00Z")
            result = {"id": page_id, "verdict": run.verdict, "dropped": run.dropped,
                      "extraction": extraction and dataclasses.asdict(extraction),
                      "cleaning": run.cleaning and _plain(run.cleaning), "item": run.item}
            fh.write(json.dumps(result, ensure_ascii=False, sort_keys=True, default=str) + "\n")
            count += 1
    return count


def diff(before: Path, after: Path) -> int:
    """Print, for each page whose line differs, the fields that differ; their number."""
    changed = 0
    with open(before, encoding="utf-8") as a, open(after, encoding="utf-8") as b:
        for line_a, line_b in zip(a, b, strict=True):
            if line_a == line_b:
                continue
            old, new = json.loads(line_a), json.loads(line_b)
            changed += 1
            fields = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            details = []
            for key in fields:
                if key == "item" and old["item"] and new["item"]:
                    sub = sorted(k for k in old["item"].keys() | new["item"].keys()
                                 if old["item"].get(k) != new["item"].get(k))
                    details += [f"item.{k}: {old['item'].get(k)!r:.60} → "
                                f"{new['item'].get(k)!r:.60}" for k in sub]
                else:
                    details.append(key)
            print(f"{old['id']}: {'; '.join(details)}")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, help="where the results go")
    parser.add_argument("--diff", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="compare two result files instead")
    args = parser.parse_args(argv)
    if args.diff:
        changed = diff(*args.diff)
        print(f"{changed} pages differ", file=sys.stderr)
        return 1 if changed else 0
    if not args.corpus or not args.out:
        parser.error("CORPUS and --out are needed (or --diff BEFORE AFTER)")
    print(f"{dump(args.corpus, args.out)} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
