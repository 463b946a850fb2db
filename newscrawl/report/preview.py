"""One page as the crawler sees it: the item, and every story block kept or removed.

The feed's ``removed`` field carries each removed paragraph's text and rule but not its
place in the story, so :func:`preview_page` takes the page through :func:`newscrawl.api.run_page` (the
path of :func:`newscrawl.extract_article`) and keeps the blocks in reading order, each
with the rule that removed it or ``None`` when kept.

>>> page = open("samples/world/2024/05/03/port-strike-ends.html", "rb").read()  # doctest: +SKIP
>>> preview = preview_page(page, "https://www.dailyharbor.example/x.html")  # doctest: +SKIP
>>> print(render_preview(preview))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from newscrawl.api import run_page
from newscrawl.extraction.model import HEADING, LIST_ITEM, QUOTE
from newscrawl.extraction.profiles import PROFILE_DIR, find_profile
from newscrawl.settings import NEWSCRAWL_MIN_WORDS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from newscrawl.cleaning import Cleaner
    from newscrawl.datafiles import DataPath
    from newscrawl.extraction.profiles import Profile


@dataclass(slots=True)
class PreviewBlock:
    """A story block in reading order: kept when ``rule`` is None, else removed by it."""

    text: str
    kind: str
    rule: str | None = None


@dataclass(slots=True)
class Preview:
    """What a crawl makes of one page."""

    url: str
    is_article: bool
    verdict: str
    """Why the page is (or is not) taken for an article."""
    item: dict[str, Any] | None = None
    """The item's fields as a crawl writes them (even when it would be dropped)."""
    profile: str | None = None
    """The name of the site profile extraction used, if any."""
    dropped: str | None = None
    """Why validation would drop the item (``too-short`` …), or None when it is written."""
    blocks: list[PreviewBlock] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``url``, ``is_article``, ``verdict``, ``item``, ``profile``, ``dropped``,
        ``blocks``."""
        return asdict(self)


def preview_page(html: str | bytes, url: str, *, encoding: str | None = None,
                 cleaner: Cleaner | None = None, min_words: int = NEWSCRAWL_MIN_WORDS,
                 profile: Profile | None = None, crawled_at: str | None = None) -> Preview:
    """Extract, detect and clean one page, keeping removed blocks in their place.

    ``profile`` is the site profile to extract with (see :func:`site_profile`).
    """
    run = run_page(html, url, encoding=encoding, profile=profile, cleaner=cleaner,
                   min_words=min_words, crawled_at=crawled_at)
    if not run.is_article or run.cleaning is None:
        return Preview(url=url, is_article=False, verdict=run.verdict)
    rules: dict[int, str] = {}
    for removal in run.cleaning.removed:
        rules[_position(removal.index, removal.text, run.blocks, rules)] = removal.rule
    return Preview(url=url, is_article=True, verdict=run.verdict, item=run.item,
                   profile=profile.name if profile else None, dropped=run.dropped,
                   blocks=[PreviewBlock(b.text, b.kind, rules.get(i))
                           for i, b in enumerate(run.blocks) if b.text])


def site_profile(url: str, directories: Iterable[DataPath] = (PROFILE_DIR,)) -> Profile | None:
    """The site profile a crawl would use for ``url``: the first folder with a match wins."""
    for directory in directories:
        found = find_profile(url, directory)
        if found is not None:
            return found
    return None


def _position(index: int | None, text: str, blocks: list[Any], taken: dict[int, str]) -> int:
    """The removed block's position: the cleaner's index, else the first block not yet
    placed with the same text."""
    if index is not None and 0 <= index < len(blocks) and blocks[index].text == text:
        return index
    return next((i for i, b in enumerate(blocks) if b.text == text and i not in taken), -1)


# -- rendering ------------------------------------------------------------------------------

_RESET = "\x1b[0m"
_STYLES = {"key": "\x1b[36m", "title": "\x1b[1m", "heading": "\x1b[1m",
           "rule": "\x1b[33m", "removed": "\x1b[2;9;31m", "bad": "\x1b[1;31m", "good": "\x1b[32m"}
_MARKS = {LIST_ITEM: "* ", QUOTE: "> "}
_META = (("Canonical", "canonical_url"), ("Authors", "authors"),
         ("Organizations", "author_organizations"), ("Published", "published"),
         ("Modified", "modified"), ("Language", "language"), ("Section", "section"),
         ("Site", "site_name"), ("Tags", "tags"))


def render_preview(preview: Preview, *, color: bool = False) -> str:
    """The preview as text: a header of fields, then the blocks in reading order.

    Kept blocks are indented by two spaces (list items marked ``* ``, quotes ``> ``),
    cross-headings start with ``## ``, removed blocks start with ``- [rule] ``; with
    ``color`` removed text is also red and struck through (ANSI escapes, for terminals).
    """
    paint = _painter(color)
    lines = [f"{paint('key', 'URL'.ljust(13))} {preview.url}"]
    if not preview.is_article:
        lines.append(f"{paint('key', 'Verdict'.ljust(13))} "
                     f"{paint('bad', 'not an article')} ({preview.verdict})")
        return "\n".join(lines) + "\n"
    item = preview.item or {}
    title = paint("title", item.get("title") or "")
    lines.insert(0, f"{paint('key', 'Title'.ljust(13))} {title}")
    for label, name in _META:
        value = item.get(name)
        if isinstance(value, list):
            value = ", ".join(value)
        lines.append(f"{paint('key', label.ljust(13))} {value or '-'}")
    lines.append(f"{paint('key', 'Profile'.ljust(13))} {preview.profile or '-'}")
    removed = sum(b.rule is not None for b in preview.blocks)
    kept = len(preview.blocks) - removed
    lines.append(f"{paint('key', 'Words'.ljust(13))} {item.get('word_count', 0)} "
                 f"({kept} blocks kept, {removed} removed)")
    outcome = (paint("bad", f"dropped ({preview.dropped})") if preview.dropped
               else paint("good", "written"))
    lines.append(f"{paint('key', 'Verdict'.ljust(13))} article ({preview.verdict}), {outcome}")
    lines.append("")
    for block in preview.blocks:
        lines.append(_render_block(block, paint))
        lines.append("")
    return "\n".join(lines)


def _render_block(block: PreviewBlock, paint: Any) -> str:
    if block.rule is not None:
        return f"{paint('rule', f'- [{block.rule}]')} {paint('removed', block.text)}"
    if block.kind == HEADING:
        return paint("heading", f"## {block.text}")
    return f"  {_MARKS.get(block.kind, '')}{block.text}"


def _painter(color: bool) -> Any:
    def paint(style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if color and text else text
    return paint
