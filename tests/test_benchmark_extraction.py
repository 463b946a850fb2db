"""The extraction benchmark runs end to end on a few pages of each corpus and prints
one table with a row per corpus × split × system."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import CORPORA, CORPUS_ROOT, iter_pages, split  # noqa: E402

pytestmark = pytest.mark.skipif(
    not all((CORPUS_ROOT / name / "gold.jsonl").exists() for name in CORPORA),
    reason=f"corpora {', '.join(CORPORA)} not found in {CORPUS_ROOT} (shared/corpus in a "
           "parent directory of the checkout)")


def test_benchmark_prints_one_table_of_every_corpus_split_and_system(capsys):
    from benchmarks import extraction

    args = ["--limit", "6", "--losses", "2", "--systems", "newscrawl,trafilatura"]
    if importlib.util.find_spec("trafilatura") is None:
        args.append("--no-trafilatura")
    assert extraction.main(args) == 0
    out = capsys.readouterr().out
    assert "# Extraction benchmark: 18 pages" in out
    assert extraction.HEAD in out
    for corpus in CORPORA:
        for part in ("dev", "all"):
            assert f"| {corpus} | {part} | newscrawl | " in out
    assert "## dragnet dev: 2 largest F1 losses to the best other system" in out
    assert "errors: 0" in out


def test_split_is_a_fixed_quarter_of_every_corpus():
    """The validation split is the hash rule's, the same on every run, about 25 %."""
    assert (split("dragnet-100"), split("dragnet-105")) == ("dev", "validation")
    for name in CORPORA:
        ids = [p.id for p in iter_pages(CORPUS_ROOT / name)]
        validation = [i for i in ids if split(i) == "validation"]
        assert 0.2 <= len(validation) / len(ids) <= 0.32, name
        assert [p.id for p in iter_pages(CORPUS_ROOT / name, which="validation")] == validation


def test_pages_without_a_url_get_the_neutral_placeholder():
    from benchmarks import extraction
    from newscrawl.discovery.detect import looks_like_hub_url

    page = next(p for p in iter_pages(CORPUS_ROOT / "dragnet") if p.url is None)
    url = extraction.page_url("dragnet", page)
    assert url == f"https://corpus.invalid/dragnet/{page.id}"
    assert not looks_like_hub_url(url)


@pytest.mark.parametrize("html, first, expected", [
    # the first gold paragraph is a heading of the page: it stands for the headline
    (b"<title>Blog: Going first</title><body><h3>Going first</h3></body>", "Going first", "Going first"),
    # or a part of the <title>
    (b"<title>Going first - Blog</title><body><p>x</p></body>", "Going first", "Going first"),
    # a first paragraph the page does not show as a headline gives no proxy
    (b"<title>Blog</title><body><h2>Other</h2><p>By Ann, May 2</p></body>", "By Ann, May 2", None),
])
def test_title_proxy_only_where_the_page_shows_the_first_gold_block_as_a_headline(html, first, expected):
    from benchmarks.extraction import proxy_title

    assert proxy_title(html, {"title": None, "paragraphs": [first, "Body text."]}) == expected
    assert proxy_title(html, {"title": "Gold", "paragraphs": [first]}) is None
