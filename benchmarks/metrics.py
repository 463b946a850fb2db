"""Scores for extraction benchmarks.

Body text uses the shingle metric of the public article-extraction-benchmark
(scrapinghub/article-extraction-benchmark): both texts are lower-cased and split
into word tokens, turned into the multiset of word 4-shingles (every run of 4
consecutive tokens; a text of fewer than 4 tokens is one shingle of what it has),
and precision / recall are the size of the multiset intersection over the
prediction's / the truth's multiset size. Scores are computed per page and
averaged over pages. An empty prediction against a non-empty truth scores
precision 0 and recall 0 (the benchmark's convention: 1.0 when both are empty).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def shingles(text: str, n: int = 4) -> Counter:
    toks = tokens(text)
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def body_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, f1) of ``predicted`` against ``truth`` by 4-shingles.

    >>> body_scores("a b c d e", "a b c d e")
    (1.0, 1.0, 1.0)
    """
    p, t = shingles(predicted), shingles(truth)
    if not p and not t:
        return 1.0, 1.0, 1.0
    if not p or not t:
        return 0.0, 0.0, 0.0
    common = sum((p & t).values())
    precision = common / sum(p.values())
    recall = common / sum(t.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


#: Typographic quotes and dashes, each mapped to its ASCII twin for the title match:
#: the same headline is written with "…" in the gold and “…” on the page.
_TITLE_CHARS = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
})


def normalize_title(title: str | None) -> str:
    """NFKC, quotes and dashes made ASCII, whitespace collapsed, case folded.

    >>> print(normalize_title("  \u201cNo\u201d \u2013 it\u2019s  OVER "))
    "no" - it's over
    """
    text = unicodedata.normalize("NFKC", title or "").translate(_TITLE_CHARS)
    return " ".join(text.split()).casefold()


def title_match(predicted: str | None, truth: str | None) -> bool:
    """Exact match after :func:`normalize_title` (quotes, dashes, whitespace, case)."""
    return normalize_title(predicted) == normalize_title(truth)


def title_strict(predicted: str | None, truth: str | None) -> bool:
    """Exact match of the two strings, only surrounding whitespace ignored."""
    return (predicted or "").strip() == (truth or "").strip()


def normalize_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def author_f1(predicted: list[str], truth: list[str]) -> float | None:
    """F1 of the sets of normalised names; None when the gold has no authors."""
    t = {normalize_name(n) for n in truth if n.strip()}
    if not t:
        return None
    p = {normalize_name(n) for n in predicted if n.strip()}
    common = len(p & t)
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(t)
    return 2 * precision * recall / (precision + recall)


def date_match(predicted: str | None, truth: str | None) -> bool | None:
    """Same calendar day (the first 10 characters of the ISO strings); None without gold."""
    if not truth:
        return None
    return bool(predicted) and predicted[:10] == truth[:10]
