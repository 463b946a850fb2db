"""The speed benchmarks keep working: run on a tiny input (timings are not asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import CORPUS, ROOT

#: runs the crawl benchmarks: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow


@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(),
                    reason=f"news-dev corpus not found at {CORPUS}")
def test_extraction_speed_runs_on_three_pages():
    result = subprocess.run(
        [sys.executable, "benchmarks/extraction_speed.py", str(CORPUS), "--limit", "3",
         "--repeat", "1", "--peers-optional"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "3 timings per extractor (1 passes), interleaved" in result.stdout
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines()
            if line.startswith("| ") and not line.startswith("| extractor")]
    assert rows[0] == "newscrawl" and rows[-1] == "lxml-parse"


def test_crawl_throughput_runs_alternated_pairs_on_a_tiny_site():
    result = subprocess.run(
        [sys.executable, "benchmarks/crawl_throughput.py", "--articles", "60", "--small", "20",
         "--runs", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    rows = [[cell.strip() for cell in line.split("|")[1:4]] for line in lines
            if line.startswith(("| full", "| bare"))]
    assert rows == [["full", "60", "60"], ["bare", "60", "60"], ["full", "60", "60"],
                    ["bare", "60", "60"], ["full", "20", "20"]]
    assert lines[-2].startswith("full / bare time: ") and "(pairs: " in lines[-2]
    assert lines[-1].startswith("full / bare CPU: ") and "(pairs: " in lines[-1]
    cpu_seconds = [float(line.split("|")[6]) for line in lines if line.startswith("| full")]
    assert all(cpu > 0 for cpu in cpu_seconds)  # the crawl and its page workers, reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_crawl_memory_samples_a_tiny_crawl():
    result = subprocess.run(
        [sys.executable, "benchmarks/crawl_memory.py", "--articles", "40", "--every", "0.1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("40 articles in ")
    peaks = result.stdout.splitlines()[1]
    crawl_mib = int(peaks.split("crawl process ")[1].split(",")[0])
    assert crawl_mib > 30  # a Scrapy process, sampled while it ran
