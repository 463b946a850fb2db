"""The promotional-block benchmark on a one-page corpus built in a temporary directory."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.label_blocks import text_sha1  # noqa: E402
from benchmarks.promo_blocks import format_rows, measure, read_promo_labels  # noqa: E402

STORY = [
    "The city council voted on Tuesday to close the old library on Main Street after a "
    "two-year review of its costs, ending a service that had run for more than a century.",
    "Council members said the building needed repairs worth more than four million dollars, "
    "a sum the city could not find in a budget already stretched by rising energy bills.",
    "Residents who opposed the plan said they would collect signatures for a referendum and "
    "asked the council to keep the reading room open until a new branch is built nearby.",
]
PROMO = ["Follow @CityDesk on Twitter",
         "If you enjoyed this article, please share it with your friends."]


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "mini"
    (corpus / "pages").mkdir(parents=True)
    body = "".join(f"<p>{t}</p>" for t in STORY + PROMO)
    html = (f"<html><head><title>Library to close</title></head><body><article>"
            f"<h1>Library to close</h1>{body}</article></body></html>")
    page_id = "dragnet-100"  # a dev page (benchmarks.corpus.split)
    (corpus / "pages" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
    gold = {"id": page_id, "url": "https://example.com/news/2024/05/library-to-close",
            "title": "Library to close", "paragraphs": STORY}
    (corpus / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    labels = tmp_path / "promo.tsv"
    rows = [f"mini\t{page_id}\t{text_sha1(PROMO[0])[:12]}\tsocial",
            f"mini\t{page_id}\t{text_sha1(PROMO[1])}\tcross-promotion"]
    labels.write_text("corpus\tpage_id\tsha1\tkind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return corpus, labels


def test_promo_benchmark_counts_story_kept_and_promo_removed(tmp_path: Path) -> None:
    corpus, labels = _corpus(tmp_path)
    review: list[str] = []
    tally = measure(corpus, "dev", review=review, labels=labels)
    assert tally.pages == 1
    assert (tally.story_kept, tally.story) == (3, 3)
    assert dict(tally.promo) == {"social": 1, "cross-promotion": 1}
    assert dict(tally.promo_removed) == {"social": 1, "cross-promotion": 1}
    assert tally.missed == [] and tally.lost == [] and review == []
    table = format_rows([("mini", "dev", tally)])
    assert "3/3=1.000" in table and "2/2=1.000" in table
    assert measure(corpus, "validation", labels=labels).pages == 0


def test_promo_labels_reject_an_unknown_kind(tmp_path: Path) -> None:
    bad = tmp_path / "promo.tsv"
    bad.write_text("corpus\tpage_id\tsha1\tkind\nmini\tp\tabc\tadvert\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind 'advert'"):
        read_promo_labels(bad)


NEWS_DEV = ROOT.parent / "shared" / "corpus" / "news-dev"


@pytest.mark.skipif(not (NEWS_DEV / "gold.jsonl").exists(), reason="news-dev corpus not found")
def test_news_dev_counts_the_checked_promotion_labels_of_blocks_tsv() -> None:
    tally = measure(NEWS_DEV, "dev", limit=12)
    assert tally.pages == 12
    assert (tally.story_kept, tally.story) == (264, 264)
    assert dict(tally.promo) == {"cross-promotion": 8, "labelled": 21, "video": 2,
                                 "newsletter": 4}
    assert tally.promo_removed == tally.promo
