"""WARC read speed: warcio, FastWARC and newscrawl's reader on the same files, in one run.

Usage::

    python benchmarks/warc_read.py FILE.warc.gz… [--repeat 3]

Times reading every response record's HTTP body of the files (gzip members decompressed,
headers parsed, payload read) with:

- warcio's ``ArchiveIterator`` and ``record.content_stream().read()`` (the body decoded
  of its chunked and ``Content-Encoding`` codings);
- FastWARC's (resiliparse 2) ``ArchiveIterator`` (gzip detected), ``parse_http=True``,
  ``auto_decode="all"`` (both codings decoded too), ``record.reader.read()``;
- :func:`newscrawl.archive.records.read_responses`, what ``python -m newscrawl warc``
  reads with (gzip members split here, each parsed and decoded by warcio).

It prints records per second on one core for each (the best of ``--repeat`` runs, files in
the page cache). FastWARC is optional (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newscrawl.archive.records import read_responses  # noqa: E402


def read_warcio(paths: list[str]) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    record.content_stream().read()
                    count += 1
    return count


def read_fastwarc(paths: list[str]) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    count = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, record_types=WarcRecordType.response,
                                          parse_http=True, auto_decode="all"):
                record.reader.read()
                count += 1
    return count


def read_newscrawl(paths: list[str]) -> int:
    return sum(1 for path in paths for _ in read_responses(path, html_only=False))


READERS: dict[str, Callable[[list[str]], int]] = {
    "warcio": read_warcio, "fastwarc": read_fastwarc, "newscrawl.archive.records": read_newscrawl}


def read_rates(paths: list[str], repeat: int = 3) -> dict[str, tuple[int, float]]:
    """``{reader: (records, best seconds)}`` for every reader that is installed."""
    rates = {}
    for name, reader in READERS.items():
        try:
            best, records = float("inf"), 0
            for _ in range(repeat):
                start = time.perf_counter()
                records = reader(paths)
                best = min(best, time.perf_counter() - start)
        except ImportError as exc:
            print(f"{name}: not installed ({exc})", file=sys.stderr)
            continue
        rates[name] = (records, best)
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("| reader | responses | seconds | records/s (one core) |")
    print("|---|---:|---:|---:|")
    for name, (records, seconds) in read_rates(args.paths, args.repeat).items():
        print(f"| {name} | {records} | {seconds:.2f} | {records / seconds:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
