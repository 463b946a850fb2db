"""``python -m newscrawl stats``: figures over JSON Lines output, on a small hand-made feed."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.report.load import FeedError, read_items
from newscrawl.report.stats import compute_stats, format_table, render_stats, word_counts
from tests.conftest import ROOT

ITEMS = Path(__file__).parent / "fixtures" / "report" / "items.jsonl"

EXPECTED_TABLES = """\
7 items, 3 sites, 3 days (2024-05-01 to 2024-05-03); 8 paragraphs removed from 5 items

Articles per site
  site       items  share
  a.example      4  57.1%
  b.example      2  28.6%
  c.example      1  14.3%

Articles per day (publication date)
  day         items  sites
  2024-05-01      3  a.example 3
  2024-05-02      2  a.example 1, b.example 1
  2024-05-03      1  c.example 1
  undated         1  b.example 1

Field coverage
  field                 items   share
  title                     7  100.0%  ####################
  subtitle                  2   28.6%  ######
  authors                   5   71.4%  ##############
  author_organizations      0    0.0%
  published                 6   85.7%  #################
  modified                  0    0.0%
  language                  6   85.7%  #################
  section                   3   42.9%  #########
  tags                      3   42.9%  #########
  site_name                 4   57.1%  ###########
  subheadings               2   28.6%  ######

Word count
  words      items  share
  <100           1  14.3%  ###
  100-249        2  28.6%  ######
  250-499        2  28.6%  ######
  500-999        0   0.0%
  1000-1999      1  14.3%  ###
  2000+          1  14.3%  ###
  min 50, 25% 120, median 250, 75% 1500, max 2500, mean 717.1

Removals per rule
  rule                     paragraphs  items
  dom:newsletter                    3      3
  dom:ad                            2      2
  text:en:donation-appeal           2      1
  shape:link-list                   1      1
  total                             8      5

Duplicates
  kind                  items
  same canonical URL        1
  same body, other URL      1
  marked duplicate_of       1
"""


def run_stats(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "newscrawl", "stats", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False, timeout=60)


def test_compute_stats_figures():
    stats = compute_stats(read_items([ITEMS]))
    assert stats.items == 7
    assert stats.per_site == {"a.example": 4, "b.example": 2, "c.example": 1}
    assert stats.per_day == {"2024-05-01": {"a.example": 3},
                             "2024-05-02": {"a.example": 1, "b.example": 1},
                             "2024-05-03": {"c.example": 1}, "undated": {"b.example": 1}}
    assert stats.coverage["authors"] == 5 and stats.coverage["language"] == 6
    assert stats.removals == {"dom:newsletter": 3, "dom:ad": 2, "text:en:donation-appeal": 2,
                              "shape:link-list": 1}
    assert stats.removal_items == {"dom:newsletter": 3, "dom:ad": 2,
                                   "text:en:donation-appeal": 1, "shape:link-list": 1}
    assert (stats.duplicates.same_url, stats.duplicates.same_body,
            stats.duplicates.marked) == (1, 1, 1)
    assert stats.to_dict()["removed_total"] == 8


def test_render_stats_tables():
    assert render_stats(compute_stats(read_items([ITEMS]))) == EXPECTED_TABLES
    assert render_stats(compute_stats([])) == "no items\n"


def test_word_counts_and_table_helpers():
    words = word_counts([50, 120, 120, 250, 480, 1500, 2500])
    assert (words.min, words.p25, words.median, words.p75, words.max, words.mean) == (
        50, 120, 250, 1500, 2500, 717.1)
    assert word_counts([]).histogram["<100"] == 0
    assert format_table(("site", "n"), [("ex.com", 3), ("a.org", 12)]) == (
        "site     n\nex.com   3\na.org   12")


@pytest.mark.slow
def test_cli_reads_plain_and_gzipped_feeds(tmp_path):
    gz = tmp_path / "items.jsonl.gz"
    gz.write_bytes(gzip.compress(ITEMS.read_bytes()))
    done = run_stats(str(gz))
    assert (done.returncode, done.stdout) == (0, EXPECTED_TABLES)
    done = run_stats(str(ITEMS), str(gz), "--json")
    data = json.loads(done.stdout)
    assert data["items"] == 14 and data["duplicates"]["same_url"] == 8
    assert data["per_site"] == {"a.example": 8, "b.example": 4, "c.example": 2}


@pytest.mark.slow
def test_cli_reports_a_broken_line(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a"}\n\n{"id": \n', encoding="utf-8")
    done = run_stats(str(broken))
    assert done.returncode == 2
    assert done.stderr == f"{broken}:3: not JSON (Expecting value)\n"
    with pytest.raises(FeedError, match=r"missing\.jsonl: cannot read"):
        read_items([tmp_path / "missing.jsonl"])
