"""Turn an extraction and its cleaning verdict into the item the feed writes.

Used by the Scrapy pipelines and by :func:`newscrawl.extract_article`, so that the
offline function returns exactly what a crawl writes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from newscrawl.discovery.urls import site_of
from newscrawl.extraction.dates import normalize_date
from newscrawl.extraction.meta import canonical_form
from newscrawl.extraction.model import HEADING, count_words
from newscrawl.output.fields import article_id

if TYPE_CHECKING:
    from newscrawl.cleaning import Cleaner, CleaningResult
    from newscrawl.discovery.detect import Verdict
    from newscrawl.extraction.model import Block, Extraction

#: The item fields cleaning reads (:func:`clean_fields`) and the ones it writes
#: (:func:`apply_cleaning`, which also removes ``blocks``): a page worker is sent and
#: returns only these.
CLEANING_INPUTS = ("blocks", "canonical_url", "language", "title")
CLEANING_OUTPUTS = ("paragraphs", "subheadings", "body", "word_count", "removed")

_METADATA = ("title", "subtitle", "authors", "author_organizations", "published",
             "published_raw", "modified", "modified_raw", "language", "section", "tags",
             "site_name")


def now_iso() -> str:
    """The current time as ISO 8601 UTC with seconds, e.g. ``2024-05-03T10:00:00+00:00``."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def item_fields(extraction: Extraction, url: str, crawled_at: str | None = None, *,
                canonical: str | None = None, verdict: Verdict | None = None) -> dict[str, Any]:
    """The item's fields before cleaning; ``blocks`` carries the candidate text blocks.

    ``canonical`` is the item's canonical URL when the caller has it already
    (:attr:`newscrawl.api.PageRead.canonical_url`), else it is worked out here.
    ``verdict`` is article detection's: its confidence and reason become
    ``article_confidence`` and ``article_reason`` (left out without one)."""
    canonical = canonical or canonical_form(extraction.canonical_url or url)
    fields: dict[str, Any] = {
        "id": article_id(canonical),
        "url": url,
        "canonical_url": canonical,
    }
    for name in _METADATA:
        fields[name] = getattr(extraction, name)
    fields["crawled_at"] = crawled_at or now_iso()
    if verdict is not None:
        fields["article_confidence"] = verdict.confidence
        fields["article_reason"] = verdict.reason
    fields["blocks"] = list(extraction.blocks)
    return fields


def date_from_listing(fields: dict[str, Any], listed: str | None) -> str:
    """Give an item the page did not date the date its feed or sitemap entry listed.

    Returns how the item is dated: ``"page"`` (its own date, left alone),
    ``"dated_by_listing"`` (``published`` is now the listed date, in the item's one form,
    and ``published_raw`` stays null: the page said nothing) or ``"undated"``.

    >>> fields = {"published": None, "published_raw": None}
    >>> date_from_listing(fields, "2024-05-05T08:00:00+00:00"), fields["published"]
    ('dated_by_listing', '2024-05-05T08:00:00+00:00')
    """
    if fields.get("published"):
        return "page"
    published = normalize_date(listed)
    if published is None:
        return "undated"
    fields["published"] = published
    fields["published_raw"] = None
    return "dated_by_listing"


def apply_cleaning(fields: dict[str, Any], result: CleaningResult, *,
                   keep_removed: bool = True) -> dict[str, Any]:
    """Replace ``blocks`` by ``paragraphs``, ``subheadings``, ``body``, ``word_count``, ``removed``.

    Each ``removed`` entry says where it stood: ``at`` is the number of kept
    paragraphs before it, so a reader can put it back in place.
    """
    blocks: list[Block] = fields.pop("blocks", None) or []
    kept: list[Block] = result.kept
    paragraphs = [b.text for b in kept if b.kind != HEADING and b.text]
    fields["paragraphs"] = paragraphs
    fields["subheadings"] = [b.text for b in kept if b.kind == HEADING and b.text]
    fields["body"] = "\n\n".join(paragraphs)
    fields["word_count"] = count_words(fields["body"])
    if keep_removed:
        fields["removed"] = [_removal(r, blocks, kept) for r in result.removed]
    else:
        fields.pop("removed", None)
    return fields


def clean_fields(cleaner: Cleaner, fields: dict[str, Any], *, keep_removed: bool = True
                 ) -> tuple[dict[str, Any], list[str], dict[str, int]]:
    """Clean an item's ``blocks`` (:func:`item_fields`) and apply the verdict: the
    cleaned fields, the rule of each removed block, in order, and the other counts for
    the crawl stats, by name under ``newscrawl/`` (``repeat/kept-long`` …: paragraphs
    the repetition signal flagged but that were kept, by reason)."""
    result = cleaner.clean(fields["blocks"], language=fields.get("language"),
                           site=site_of(fields["canonical_url"]), title=fields.get("title"))
    cleaned = apply_cleaning(fields, result, keep_removed=keep_removed)
    counts = {f"repeat/kept-{reason}": n for reason, n in result.repeat_kept.items()}
    return cleaned, [removal.rule for removal in result.removed], counts


def _removal(removal: Any, blocks: list[Block], kept: list[Block]) -> dict[str, Any]:
    entry: dict[str, Any] = {"text": removal.text, "rule": removal.rule}
    index = getattr(removal, "index", None)
    if index is not None and 0 <= index <= len(blocks):
        before = {id(b) for b in blocks[:index]}
        entry["at"] = sum(1 for b in kept if id(b) in before and b.kind != HEADING and b.text)
    return entry
