"""Figures over a crawl's output: what it found, how complete it is, what cleaning removed.

:func:`compute_stats` reads items (dicts as the feed writes them) once and returns a
:class:`CrawlStats`; :func:`render_stats` lays it out as plain-text tables for a terminal
and :meth:`CrawlStats.to_dict` gives the same figures to machines and the HTML report.

>>> stats = compute_stats([{"canonical_url": "https://www.ex.com/a", "word_count": 120,
...                         "published": "2024-05-03T10:00:00+01:00", "removed": []}])
>>> stats.per_site, stats.per_day
({'ex.com': 1}, {'2024-05-03': {'ex.com': 1}})
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from newscrawl.discovery.urls import site_of

#: Fields whose coverage is reported: the share of items where the field has a value.
COVERAGE_FIELDS = ("title", "subtitle", "authors", "author_organizations", "published",
                   "modified", "language", "section", "tags", "site_name", "subheadings")
#: Word-count histogram buckets: (label, lowest count, highest count or None).
WORD_BUCKETS = (("<100", 0, 99), ("100-249", 100, 249), ("250-499", 250, 499),
                ("500-999", 500, 999), ("1000-1999", 1000, 1999), ("2000+", 2000, None))
UNDATED = "undated"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class WordCounts:
    """Distribution of ``word_count``: summary figures and a histogram."""

    min: int = 0
    p25: int = 0
    median: int = 0
    p75: int = 0
    max: int = 0
    mean: float = 0.0
    histogram: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Duplicates:
    """Items that repeat another item of the same files.

    ``same_url``: same ``id`` (canonical URL) as an earlier item — typically a feed
    appended to by two runs; ``same_body``: another URL with an identical body;
    ``marked``: items carrying a ``duplicate_of`` field.
    """

    same_url: int = 0
    same_body: int = 0
    marked: int = 0


@dataclass(slots=True)
class CrawlStats:
    """The figures of one or more feeds. Mappings are ordered for display."""

    items: int = 0
    per_site: dict[str, int] = field(default_factory=dict)
    """Items per site (host of the canonical URL without ``www.``), most first."""
    per_day: dict[str, dict[str, int]] = field(default_factory=dict)
    """Publication day (the page's own date) → site → items; days ascending, undated last."""
    coverage: dict[str, int] = field(default_factory=dict)
    """Field → number of items where it is set (non-null, non-empty)."""
    words: WordCounts = field(default_factory=WordCounts)
    removals: dict[str, int] = field(default_factory=dict)
    """Cleaning rule → paragraphs it removed, most first."""
    removal_items: dict[str, int] = field(default_factory=dict)
    """Cleaning rule → items it removed at least one paragraph from."""
    items_with_removals: int = 0
    duplicates: Duplicates = field(default_factory=Duplicates)

    @property
    def removed_total(self) -> int:
        return sum(self.removals.values())

    @property
    def days(self) -> list[str]:
        """Dated days, ascending."""
        return [d for d in self.per_day if d != UNDATED]

    def share(self, count: int) -> float:
        """``count`` as a fraction of all items (0 when there are none)."""
        return count / self.items if self.items else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain JSON-ready data."""
        data = asdict(self)
        data["removed_total"] = self.removed_total
        return data


def compute_stats(items: Iterable[dict[str, Any]]) -> CrawlStats:
    """Count everything in one pass over ``items``."""
    stats = CrawlStats()
    sites: Counter[str] = Counter()
    days: dict[str, Counter[str]] = defaultdict(Counter)
    coverage: Counter[str] = Counter()
    removals: Counter[str] = Counter()
    removal_items: Counter[str] = Counter()
    counts: list[int] = []
    seen_ids: set[str] = set()
    bodies: dict[str, str] = {}
    for item in items:
        stats.items += 1
        site = item_site(item)
        sites[site] += 1
        days[item_day(item)][site] += 1
        coverage.update(name for name in COVERAGE_FIELDS if _has_value(item.get(name)))
        counts.append(int(item.get("word_count") or 0))
        rules = [r.get("rule") or "?" for r in item.get("removed") or []]
        removals.update(rules)
        removal_items.update(set(rules))
        stats.items_with_removals += bool(rules)
        _count_duplicate(item, stats.duplicates, seen_ids, bodies)
    stats.per_site = dict(sorted(sites.items(), key=lambda kv: (-kv[1], kv[0])))
    stats.per_day = {day: dict(sorted(days[day].items(), key=lambda kv: (-kv[1], kv[0])))
                     for day in sorted(days, key=lambda d: (d == UNDATED, d))}
    stats.coverage = {name: coverage[name] for name in COVERAGE_FIELDS}
    stats.words = word_counts(counts)
    stats.removals = dict(sorted(removals.items(), key=lambda kv: (-kv[1], kv[0])))
    stats.removal_items = {rule: removal_items[rule] for rule in stats.removals}
    return stats


def item_site(item: dict[str, Any]) -> str:
    """The site an item belongs to: host of its canonical URL (else URL), without ``www.``."""
    return site_of(item.get("canonical_url") or item.get("url") or "") or "(unknown)"


def item_day(item: dict[str, Any]) -> str:
    """``YYYY-MM-DD`` of the item's publication date as the page gives it, else ``undated``."""
    match = _DAY.match(item.get("published") or "")
    return match.group(0) if match else UNDATED


def word_counts(counts: list[int]) -> WordCounts:
    """Summary figures (nearest-rank percentiles) and histogram of word counts.

    >>> word_counts([10, 200, 300, 400]).median
    200
    """
    histogram = {label: 0 for label, _, _ in WORD_BUCKETS}
    for n in counts:
        for label, low, high in WORD_BUCKETS:
            if n >= low and (high is None or n <= high):
                histogram[label] += 1
                break
    if not counts:
        return WordCounts(histogram=histogram)
    ordered = sorted(counts)
    return WordCounts(min=ordered[0], p25=_rank(ordered, 0.25), median=_rank(ordered, 0.5),
                      p75=_rank(ordered, 0.75), max=ordered[-1],
                      mean=round(sum(ordered) / len(ordered), 1), histogram=histogram)


def _rank(ordered: list[int], q: float) -> int:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _has_value(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (str, list, dict)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def _count_duplicate(item: dict[str, Any], dup: Duplicates, seen_ids: set[str],
                     bodies: dict[str, str]) -> None:
    key = item.get("id") or item.get("canonical_url") or item.get("url") or ""
    if item.get("duplicate_of"):
        dup.marked += 1
    if key in seen_ids:
        dup.same_url += 1
        return
    seen_ids.add(key)
    body = _SPACE.sub(" ", item.get("body") or "").strip().casefold()
    if not body:
        return
    digest = hashlib.sha1(body.encode("utf-8")).hexdigest()
    if digest in bodies and bodies[digest] != key:
        dup.same_body += 1
    else:
        bodies.setdefault(digest, key)


# -- the terminal tables --------------------------------------------------------------------

_MAX_DAY_ROWS = 31
_BAR_WIDTH = 20


def render_stats(stats: CrawlStats) -> str:
    """The figures as plain-text tables, one section per figure."""
    if not stats.items:
        return "no items\n"
    sections = [
        _headline(stats),
        _section("Articles per site", ("site", "items", "share"),
                 [(site, n, _pct(stats.share(n))) for site, n in stats.per_site.items()]),
        _section("Articles per day (publication date)", ("day", "items", "sites"),
                 _day_rows(stats)),
        _section("Field coverage", ("field", "items", "share", ""),
                 [(name, n, _pct(stats.share(n)), _bar(stats.share(n)))
                  for name, n in stats.coverage.items()]),
        _words_section(stats.words, stats),
        _removals_section(stats),
        _section("Duplicates", ("kind", "items"),
                 [("same canonical URL", stats.duplicates.same_url),
                  ("same body, other URL", stats.duplicates.same_body),
                  ("marked duplicate_of", stats.duplicates.marked)]),
    ]
    return "\n\n".join(sections) + "\n"


def _headline(stats: CrawlStats) -> str:
    days = stats.days
    span = f"{len(days)} days ({days[0]} to {days[-1]})" if days else "no dated items"
    if len(days) == 1:
        span = f"1 day ({days[0]})"
    sites = len(stats.per_site)
    return (f"{stats.items} items, {sites} site{'s' if sites != 1 else ''}, {span}; "
            f"{stats.removed_total} paragraphs removed from {stats.items_with_removals} items")


def _day_rows(stats: CrawlStats) -> list[tuple[Any, ...]]:
    def row(day: str, by_site: dict[str, int]) -> tuple[Any, ...]:
        return day, sum(by_site.values()), _sites_text(by_site)

    days = stats.days
    rows = []
    if len(days) > _MAX_DAY_ROWS:
        earlier: Counter[str] = Counter()
        for day in days[:-_MAX_DAY_ROWS]:
            earlier.update(stats.per_day[day])
        rows.append(row(f"earlier ({len(days) - _MAX_DAY_ROWS} days)", dict(earlier)))
        days = days[-_MAX_DAY_ROWS:]
    rows.extend(row(day, stats.per_day[day]) for day in days)
    if UNDATED in stats.per_day:
        rows.append(row(UNDATED, stats.per_day[UNDATED]))
    return rows


def _sites_text(by_site: dict[str, int], limit: int = 3) -> str:
    ordered = sorted(by_site.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{site} {n}" for site, n in ordered[:limit])
    return text + (f", +{len(ordered) - limit} more" if len(ordered) > limit else "")


def _words_section(words: WordCounts, stats: CrawlStats) -> str:
    summary = (f"min {words.min}, 25% {words.p25}, median {words.median}, "
               f"75% {words.p75}, max {words.max}, mean {words.mean}")
    table = _section("Word count", ("words", "items", "share", ""),
                     [(label, n, _pct(stats.share(n)), _bar(stats.share(n)))
                      for label, n in words.histogram.items()])
    return table + "\n  " + summary


def _removals_section(stats: CrawlStats) -> str:
    if not stats.removals:
        return "Removals per rule\n  none"
    rows = [(rule, n, stats.removal_items[rule]) for rule, n in stats.removals.items()]
    rows.append(("total", stats.removed_total, stats.items_with_removals))
    return _section("Removals per rule", ("rule", "paragraphs", "items"), rows)


def _section(title: str, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    return title + "\n" + format_table(headers, rows, indent="  ")


def format_table(headers: tuple[str, ...], rows: list[tuple[Any, ...]],
                 indent: str = "") -> str:
    """Columns padded to their widest cell: text left-aligned, numbers right-aligned.

    >>> print(format_table(("site", "n"), [("ex.com", 3), ("a.org", 12)]))
    site     n
    ex.com   3
    a.org   12
    """
    cells = [tuple(str(c) for c in headers)] + [tuple(_cell(c) for c in r) for r in rows]
    numeric = [all(isinstance(r[i], (int, float)) or _is_pct(r[i]) for r in rows)
               for i in range(len(headers))]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if numeric[i] else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append(indent + "  ".join(parts).rstrip())
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _is_pct(value: Any) -> bool:
    return isinstance(value, str) and value.endswith("%") and value[:-1].replace(".", "").isdigit()


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _bar(share: float) -> str:
    return "#" * round(share * _BAR_WIDTH)
