"""Extraction benchmark: newscrawl against other extractors on several corpora.

Usage::

    python benchmarks/extraction.py [CORPUS_DIR ...] [--split dev|validation|all]
        [--systems newscrawl,trafilatura,readability,newspaper] [--limit N] [--only SUBSTR]
        [--losses N] [--json OUT] [--raw]

With no ``CORPUS_DIR`` it reads news-dev, dragnet and portals from the shared
corpus directory (:data:`benchmarks.corpus.CORPUS_ROOT`). For every page it runs
``newscrawl.extract_article(html, url)`` (the full path: extraction + article
detection + cleaning; ``--raw`` measures ``newscrawl.extraction.extract()``
instead: its blocks minus cross-headings) and, in the same run, the other
systems installed (the ``bench`` extra): trafilatura 2.3.1 ``extract(html,
url=url)`` with default settings plus ``extract_metadata``, readability-lxml
``Document(html).summary()`` / ``short_title()``, newspaper4k ``Article`` parsed
from the given HTML. A system that is not installed is left out with a note;
``--systems`` picks some. Site profiles are off.

It prints one table, a row per corpus × split × system: pages, body
precision/recall/F1 (shingle metric, truth = gold paragraphs joined by
newlines), the share of pages with an empty body, the title match (after
normalising quotes, dashes, whitespace and case) and the strict title match
(the exact string), published-date-to-the-day rate (the item's normalised ``published``,
which keeps the page's own offset, so its day is the page's calendar day, as in
the gold; ``published_raw`` is not scored) and author F1 — the last
four over the pages whose gold has the field ("–" where none has). ``title proxy``
is for corpora without title gold (dragnet) and is a PROXY, not a gold score: on a
page whose gold has no title, the gold's first paragraph is taken as the headline
when the page itself shows it as one — it is at most 30 words and is the whole text
of an ``<h1>``–``<h3>`` or a part of the ``<title>`` (compared after
:func:`benchmarks.metrics.normalize_title`) — and the title must equal it; pages
where it is not are left out of that column (:func:`proxy_title`). Dev and
validation rows come apart (:func:`benchmarks.corpus.split`); validation rows
are reported, never tuned on. ``--losses N`` lists, per corpus and split, the N
pages where newscrawl loses most F1 to the best other system, with newscrawl's
verdict on the pages it returned empty.

A page whose gold has no URL (many of dragnet's) is given the placeholder
``https://corpus.invalid/<corpus>/<id>``: a path with no date, id, slug or hub
word, so URL-based decisions stay neutral and every system decides from the page.

Author F1 compares the gold ``authors`` with the *credited* authors:
``authors`` plus ``author_organizations`` — the gold lists people and credited
organisations (news agencies, desks, the publication) in one list.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from statistics import mean
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import metrics as M  # noqa: E402
from benchmarks.corpus import CORPORA, CORPUS_ROOT, iter_pages, page_url  # noqa: E402

EMPTY: dict[str, Any] = {"title": None, "authors": [], "published": None, "body": ""}
SYSTEMS = ("newscrawl", "trafilatura", "readability", "newspaper")
_MODULES = {"trafilatura": "trafilatura", "readability": "readability", "newspaper": "newspaper"}
def _text(html: bytes) -> str:
    """The page decoded as a browser would (for the systems that take only text)."""
    from w3lib.encoding import html_to_unicode

    return html_to_unicode(None, html)[1]


def run_ours_raw(html: bytes, url: str) -> dict[str, Any]:
    from newscrawl.extraction import HEADING, extract

    ex = extract(html, url)
    if ex is None:
        return dict(EMPTY)
    return {"title": ex.title, "authors": ex.authors + ex.author_organizations,
            "published": ex.published,
            "body": "\n".join(b.text for b in ex.blocks if b.kind != HEADING)}


def run_ours(html: bytes, url: str) -> dict[str, Any]:
    from newscrawl import extract_article

    item = extract_article(html, url)
    if not item:
        return dict(EMPTY)
    paras = item.get("paragraphs") or []
    if isinstance(paras, str):
        paras = [paras]
    lead = item.get("lead") or item.get("summary")
    if lead and (not paras or paras[0] != lead):
        paras = [lead, *paras]
    credited = list(item.get("authors") or []) + list(item.get("author_organizations") or [])
    return {"title": item.get("title"), "authors": credited,
            "published": item.get("published"), "body": "\n".join(paras)}


def why_empty(html: bytes, url: str) -> str:
    """newscrawl's reason for an empty result: the verdict, or validation's drop reason."""
    from newscrawl.api import run_page

    run = run_page(html, url)
    if not run.is_article:
        return f"not-article:{run.verdict}"
    return f"dropped:{run.dropped}" if run.dropped else "empty-body"


def run_trafilatura(html: bytes, url: str) -> dict[str, Any]:
    import trafilatura

    body = trafilatura.extract(html, url=url) or ""
    meta = trafilatura.extract_metadata(html, default_url=url)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()] if meta else []
    return {"title": meta.title if meta else None, "authors": authors,
            "published": meta.date if meta else None, "body": body}


def run_readability(html: bytes, url: str) -> dict[str, Any]:
    import lxml.html
    from readability import Document

    doc = Document(html, url=url)
    summary = doc.summary(html_partial=True)
    body = " ".join(" ".join(lxml.html.fromstring(summary).itertext()).split()) if summary else ""
    return {"title": doc.short_title() or None, "authors": [], "published": None, "body": body}


def run_newspaper(html: bytes, url: str) -> dict[str, Any]:
    with warnings.catch_warnings():  # "nltk is not installed": NLP is not used here
        warnings.simplefilter("ignore")
        from newspaper import Article

    art = Article(url, fetch_images=False)
    art.download(input_html=_text(html))
    art.parse()
    published = art.publish_date.isoformat() if art.publish_date else None
    return {"title": art.title or None, "authors": list(art.authors or []),
            "published": published, "body": art.text or ""}


RUNNERS: dict[str, Callable[[bytes, str], dict[str, Any]]] = {
    "trafilatura": run_trafilatura, "readability": run_readability, "newspaper": run_newspaper,
}


def available(systems: list[str]) -> tuple[list[str], list[str]]:
    """The requested systems that can run here, and notes on those that cannot."""
    ok, notes = [], []
    for name in systems:
        module = _MODULES.get(name)
        if module and importlib.util.find_spec(module) is None:
            notes.append(f"{name}: not installed (pip install -e '.[bench]'), left out")
        else:
            ok.append(name)
    return ok, notes


_HEADINGS = ("h1", "h2", "h3")


def proxy_title(html: bytes, gold: dict[str, Any]) -> str | None:
    """The gold's first paragraph when the page shows it as a headline (a PROXY for
    corpora without title gold), else None; see the module docstring."""
    if gold.get("title") or not gold.get("paragraphs"):
        return None
    first = M.normalize_title(gold["paragraphs"][0])
    if not first or len(first.split()) > 30:
        return None
    from newscrawl.extraction.parse import parse_page
    from newscrawl.extraction.text import text_of
    root = parse_page(html, None)
    if root is None:
        return None
    for el in root.iter(*_HEADINGS, "title"):
        text = M.normalize_title(text_of(el))
        if text == first or (el.tag == "title" and first in text):
            return gold["paragraphs"][0]
    return None


def score(pred: dict[str, Any], gold: dict[str, Any], proxy: str | None = None) -> dict[str, Any]:
    truth = "\n".join(gold.get("paragraphs") or [])
    p, r, f = M.body_scores(pred["body"], truth)
    gold_title = gold.get("title")
    gold_authors = gold.get("authors") or []
    return {"p": p, "r": r, "f1": f, "empty": not pred["body"].strip(),
            "title": M.title_match(pred["title"], gold_title) if gold_title else None,
            "title_strict": M.title_strict(pred["title"], gold_title) if gold_title else None,
            "title_proxy": M.title_match(pred["title"], proxy) if proxy else None,
            "author": M.author_f1(pred["authors"], gold_authors) if gold_authors else None,
            "date": M.date_match(pred["published"], (gold.get("published") or "")[:10] or None)}


def _agg(rows: list[dict], who: str) -> dict[str, float | None]:
    def avg(key):
        vals = [r[who][key] for r in rows if r[who][key] is not None]
        return mean(float(v) for v in vals) if vals else None
    keys = ("p", "r", "f1", "empty", "title", "title_strict", "title_proxy", "date", "author")
    return {k: avg(k) for k in keys} | {"time": sum(r["time"][who] for r in rows)}


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v * 100:.1f}%" if pct else f"{v:.3f}"


HEAD = ("| corpus | split | system | pages | P | R | F1 | empty | title | title strict "
        "| title proxy | date | author F1 | time s |")


def table(rows: list[dict], systems: list[str], splits: list[str]) -> str:
    """One row per corpus × split × system; ``ALL`` rows when both splits are shown."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["corpus"], r["split"]].append(r)
        if len(splits) > 1:
            groups[r["corpus"], "all"].append(r)
    lines = [HEAD, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    corpora = list(dict.fromkeys(r["corpus"] for r in rows))
    for corpus in corpora:
        for part in splits + (["all"] if len(splits) > 1 else []):
            rs = groups.get((corpus, part))
            if not rs:
                continue
            for who in systems:
                a = _agg(rs, who)
                lines.append(
                    f"| {corpus} | {part} | {who} | {len(rs)} | {_fmt(a['p'])} | {_fmt(a['r'])} "
                    f"| {_fmt(a['f1'])} | {_fmt(a['empty'], True)} | {_fmt(a['title'], True)} "
                    f"| {_fmt(a['title_strict'], True)} | {_fmt(a['title_proxy'], True)} "
                    f"| {_fmt(a['date'], True)} "
                    f"| {_fmt(a['author'])} | {a['time']:.1f} |")
    return "\n".join(lines)


def losses(rows: list[dict], systems: list[str], n: int) -> str:
    """The ``n`` pages per corpus and split where newscrawl loses most F1 to the best other."""
    others = [s for s in systems if s != "newscrawl"]
    out = []
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["corpus"], r["split"]].append(r)
    for (corpus, part), rs in groups.items():
        def gap(r):
            best = max((r[s]["f1"] for s in others), default=0.0)
            return r["newscrawl"]["f1"] - best
        out.append(f"\n## {corpus} {part}: {n} largest F1 losses to the best other system\n")
        out.append("| page | newscrawl P | R | F1 | best other F1 | newscrawl empty because |")
        out.append("|---|---:|---:|---:|---:|---|")
        for r in sorted(rs, key=gap)[:n]:
            o = r["newscrawl"]
            best = max((r[s]["f1"] for s in others), default=0.0)
            out.append(f"| {r['id']} | {o['p']:.3f} | {o['r']:.3f} | {o['f1']:.3f} | {best:.3f} "
                       f"| {r.get('why_empty') or ''} |")
    return "\n".join(out)


def run_corpus(path: Path, systems: list[str], args) -> tuple[list[dict], list[str]]:
    corpus = path.name
    ours = run_ours_raw if args.raw else run_ours
    rows, errors = [], []
    for page in iter_pages(path, limit=args.limit, only=args.only, which=args.split):
        url = page_url(corpus, page)
        row: dict[str, Any] = {"corpus": corpus, "split": page.split, "id": page.id,
                               "url": url, "time": {}, "gold_title": page.gold.get("title")}
        proxy = proxy_title(page.html, page.gold)
        if proxy:
            row["proxy_title"] = proxy
        for who in systems:
            run = ours if who == "newscrawl" else RUNNERS[who]
            t0 = time.perf_counter()
            try:
                pred = run(page.html, url)
            except Exception as exc:  # a crash is a result too: count it and go on
                errors.append(f"{corpus}/{page.id} {who}: {type(exc).__name__}: {exc}")
                pred = dict(EMPTY)
            row["time"][who] = time.perf_counter() - t0
            row[who] = score(pred, page.gold, proxy)
            row[who + "_title"] = pred["title"]
        if "newscrawl" in systems and row["newscrawl"]["empty"] and not args.raw:
            row["why_empty"] = why_empty(page.html, url)
        rows.append(row)
    return rows, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="*", help=f"corpus directories (default: {', '.join(CORPORA)} "
                    f"in {CORPUS_ROOT})")
    ap.add_argument("--split", choices=("dev", "validation", "all"), default="all",
                    help="which pages: the dev split, the validation split (reported, never "
                    "tuned on) or both, in separate rows (default)")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help="comma-separated systems to run (default: all installed)")
    ap.add_argument("--no-trafilatura", action="store_true", help="leave trafilatura out")
    ap.add_argument("--limit", type=int, help="at most N pages per corpus")
    ap.add_argument("--only", help="only page ids containing this")
    ap.add_argument("--losses", type=int, default=0, metavar="N",
                    help="list the N pages per corpus and split where newscrawl loses most")
    ap.add_argument("--json", help="write per-page scores to this file")
    ap.add_argument("--raw", action="store_true",
                    help="score extract() blocks instead of the full extract_article path")
    args = ap.parse_args(argv)

    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s) {', '.join(unknown)}: choose from {', '.join(SYSTEMS)}")
    if args.no_trafilatura:
        wanted = [s for s in wanted if s != "trafilatura"]
    systems, notes = available(wanted)
    paths = [Path(c) for c in args.corpora] or [CORPUS_ROOT / name for name in CORPORA]
    missing = [str(p) for p in paths if not (p / "gold.jsonl").exists()]
    if missing:
        print(f"no corpus (gold.jsonl) at: {', '.join(missing)}", file=sys.stderr)
        return 1
    rows: list[dict] = []
    errors: list[str] = []
    for path in paths:
        got, errs = run_corpus(path, systems, args)
        rows += got
        errors += errs
    if not rows:
        print("no pages found in", ", ".join(map(str, paths)))
        return 1
    splits = ["dev", "validation"] if args.split == "all" else [args.split]
    mode = "extract() blocks (raw)" if args.raw else "extract_article (extraction + detection + cleaning)"
    print(f"# Extraction benchmark: {len(rows)} pages, newscrawl = {mode}, split = {args.split}\n")
    print(table(rows, systems, splits))
    placeholders = sum(r["url"].startswith("https://corpus.invalid/") for r in rows)
    print(f"\nerrors: {len(errors)}; pages given the placeholder URL: {placeholders}")
    for note in notes:
        print("note:", note)
    for e in errors:
        print("ERROR", e)
    if args.losses:
        print(losses(rows, systems, args.losses))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
