"""Run the cleaning benchmark on 5 corpus pages (skipped when the corpus is absent)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "gold.jsonl").exists(),
    reason=f"corpus not found at {CORPUS} (../shared/corpus/news-dev next to the repo root)")


def test_cleaning_benchmark_on_five_pages() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.cleaning import format_report, run, time_cleaning

    report = run(CORPUS, limit=5)
    assert report.pages == 5
    assert report.gold_paragraphs > 0
    assert report.lost_paragraphs / report.gold_paragraphs <= 0.05
    before = sum(report.precision_before["all"]) / 5
    after = sum(report.precision["all"]) / 5
    assert after >= before - 0.01
    text = format_report(report)
    assert "story loss" in text and "removals per rule" in text
    median, p90 = time_cleaning(report, repeat=2)
    assert 0 < median <= p90
