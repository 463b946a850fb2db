"""Extraction benchmark: newscrawl against trafilatura on a news-dev style corpus.

Usage::

    python benchmarks/extraction.py CORPUS_DIR [--limit N] [--only SUBSTR] [--json OUT] [--raw]

For every page it runs ``newscrawl.extract_article(html, url)`` (the full path:
extraction + cleaning; ``--raw`` measures ``newscrawl.extraction.extract()``
instead: its blocks minus cross-headings, joined by newlines — also the
fallback while the full path cannot be imported) and, in the same run,
trafilatura's ``extract(html, url=url)`` with default settings plus
``extract_metadata`` for title/author/date. Site profiles are off.

It prints, per language group (the gold ``country``) and overall: body
precision/recall/F1 (shingle metric, truth = gold paragraphs joined by
newlines), title exact-match rate, author F1, published-date-to-the-day rate
(the item's normalised ``published``, which keeps the page's own offset, so its day is
the page's calendar day, as in the gold (which keeps it on 234 of news-dev's 240 pages
with an offset in both); ``published_raw`` is the page's text and is not
scored) and the time spent, then the 20 pages where newscrawl loses most F1 to
trafilatura.

Author F1 compares the gold ``authors`` with the *credited* authors:
``authors`` plus ``author_organizations`` — the gold lists people and credited
organisations (news agencies, desks, the publication) in one list.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import DEFAULT_CORPUS, iter_pages  # noqa: E402
from benchmarks.metrics import author_f1, body_scores, date_match, title_match  # noqa: E402


def _import_trafilatura():
    """trafilatura, imported in this one place with an actionable error."""
    try:
        import trafilatura
        from trafilatura import extract_metadata
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit("trafilatura is needed for the extraction benchmark: "
                         "pip install -e .[bench]") from exc
    return trafilatura, extract_metadata


def _ours_full():
    """The full-path extractor, or None when it cannot be imported yet."""
    try:
        from newscrawl import extract_article
        from newscrawl.api import extract_article as _check  # noqa: F401
    except Exception:  # the lead's module may be half-written
        return None
    return extract_article


def run_ours_raw(html: bytes, url: str) -> dict[str, Any]:
    from newscrawl.extraction import HEADING, extract

    ex = extract(html, url)
    if ex is None:
        return {"title": None, "authors": [], "published": None, "body": ""}
    return {"title": ex.title, "authors": ex.authors + ex.author_organizations,
            "published": ex.published,
            "body": "\n".join(b.text for b in ex.blocks if b.kind != HEADING)}


def run_ours_full(fn, html: bytes, url: str) -> dict[str, Any]:
    item = fn(html, url)
    if not item:
        return {"title": None, "authors": [], "published": None, "body": ""}
    paras = item.get("paragraphs") or []
    if isinstance(paras, str):
        paras = [paras]
    lead = item.get("lead") or item.get("summary")
    if lead and (not paras or paras[0] != lead):
        paras = [lead, *paras]
    credited = list(item.get("authors") or []) + list(item.get("author_organizations") or [])
    return {"title": item.get("title"), "authors": credited,
            "published": item.get("published"), "body": "\n".join(paras)}


def run_trafilatura(traf, extract_metadata, html: bytes, url: str) -> dict[str, Any]:
    body = traf.extract(html, url=url) or ""
    meta = extract_metadata(html, default_url=url)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()] if meta else []
    return {"title": meta.title if meta else None, "authors": authors,
            "published": meta.date if meta else None, "body": body}


def score(pred: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    truth = "\n".join(gold.get("paragraphs") or [])
    p, r, f = body_scores(pred["body"], truth)
    return {"p": p, "r": r, "f1": f, "title": title_match(pred["title"], gold.get("title")),
            "author": author_f1(pred["authors"], gold.get("authors") or []),
            "date": date_match(pred["published"], (gold.get("published") or "")[:10] or None),
            "has_title": bool(pred["title"])}


def _agg(rows: list[dict], who: str) -> dict[str, float | None]:
    def avg(key):
        vals = [r[who][key] for r in rows if r[who][key] is not None]
        return mean(float(v) for v in vals) if vals else None
    return {k: avg(k) for k in ("p", "r", "f1", "title", "author", "date")} | {
        "time": sum(r[who + "_time"] for r in rows)}


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v * 100:.0f}%" if pct else f"{v:.3f}"


def table(rows: list[dict]) -> str:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["group"]].append(r)
    head = ("| group | pages | ours P | ours R | ours F1 | traf F1 | ours title | traf title "
            "| ours author F1 | traf author F1 | ours date | traf date |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    order = sorted(groups, key=lambda g: (-len(groups[g]), g))
    for name in order + ["ALL"]:
        rs = rows if name == "ALL" else groups[name]
        o, t = _agg(rs, "ours"), _agg(rs, "traf")
        label = f"**{name}**" if name == "ALL" else name
        lines.append(
            f"| {label} | {len(rs)} | {_fmt(o['p'])} | {_fmt(o['r'])} | {_fmt(o['f1'])} | "
            f"{_fmt(t['f1'])} | {_fmt(o['title'], True)} | {_fmt(t['title'], True)} | "
            f"{_fmt(o['author'])} | {_fmt(t['author'])} | {_fmt(o['date'], True)} | "
            f"{_fmt(t['date'], True)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--only")
    ap.add_argument("--json", help="write per-page scores to this file")
    ap.add_argument("--raw", action="store_true",
                    help="score extract() blocks instead of the full extract_article path")
    ap.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura run")
    args = ap.parse_args(argv)

    traf = meta_fn = None
    if not args.no_trafilatura:
        traf, meta_fn = _import_trafilatura()
    full = None if args.raw else _ours_full()
    mode = "extract_article (extraction + cleaning)" if full else "extract() blocks (raw)"
    rows: list[dict] = []
    errors: list[str] = []
    for page in iter_pages(args.corpus, limit=args.limit, only=args.only):
        t0 = time.perf_counter()
        try:
            ours = run_ours_full(full, page.html, page.url) if full else run_ours_raw(page.html, page.url)
        except Exception as exc:  # a crash is a result too: count it and go on
            errors.append(f"{page.id}: {type(exc).__name__}: {exc}")
            ours = {"title": None, "authors": [], "published": None, "body": ""}
        t1 = time.perf_counter()
        if traf is not None:
            try:
                theirs = run_trafilatura(traf, meta_fn, page.html, page.url)
            except Exception:
                theirs = {"title": None, "authors": [], "published": None, "body": ""}
        else:
            theirs = {"title": None, "authors": [], "published": None, "body": ""}
        t2 = time.perf_counter()
        rows.append({"id": page.id, "group": page.gold.get("country") or page.language_hint,
                     "ours": score(ours, page.gold), "traf": score(theirs, page.gold),
                     "ours_time": t1 - t0, "traf_time": t2 - t1,
                     "ours_title": ours["title"], "gold_title": page.gold.get("title"),
                     "ours_authors": ours["authors"], "gold_authors": page.gold.get("authors"),
                     "ours_published": ours["published"], "gold_published": page.gold.get("published")})
    if not rows:
        print("no pages found in", args.corpus)
        return 1
    print(f"# Extraction benchmark: {len(rows)} pages, newscrawl = {mode}; groups = gold country\n")
    print(table(rows))
    o, t = _agg(rows, "ours"), _agg(rows, "traf")
    print(f"\nno title: {sum(not r['ours']['has_title'] for r in rows)} pages; "
          f"errors: {len(errors)}; time: newscrawl {o['time']:.2f}s, "
          f"trafilatura {t['time']:.2f}s (extract + extract_metadata)")
    for e in errors:
        print("ERROR", e)
    losses = sorted(rows, key=lambda r: r["ours"]["f1"] - r["traf"]["f1"])[:20]
    print("\n## 20 largest F1 losses to trafilatura\n")
    print("| page | ours P | ours R | ours F1 | traf F1 |")
    print("|---|---:|---:|---:|---:|")
    for r in losses:
        print(f"| {r['id']} | {r['ours']['p']:.3f} | {r['ours']['r']:.3f} | "
              f"{r['ours']['f1']:.3f} | {r['traf']['f1']:.3f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
