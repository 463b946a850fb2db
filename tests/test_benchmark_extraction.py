"""The extraction benchmark runs end to end on a few news-dev pages and prints its table."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "gold.jsonl").exists(),
    reason=f"news-dev corpus not found at {CORPUS} (../shared/corpus/news-dev from the repo root)")


def test_benchmark_runs_on_five_pages(capsys):
    sys.path.insert(0, str(ROOT))
    from benchmarks import extraction

    args = [str(CORPUS), "--limit", "5"]
    if importlib.util.find_spec("trafilatura") is None:
        args.append("--no-trafilatura")
    assert extraction.main(args) == 0
    out = capsys.readouterr().out
    assert "# Extraction benchmark: 5 pages" in out
    assert "| group | pages | ours P | ours R | ours F1 | traf F1 |" in out
    assert "| **ALL** | 5 |" in out
    assert "## 20 largest F1 losses to trafilatura" in out
    assert "errors: 0" in out
