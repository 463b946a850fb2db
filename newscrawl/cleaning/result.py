"""What the cleaning stage hands back: the kept blocks and why the others went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newscrawl.extraction.model import Block


@dataclass(slots=True)
class Removal:
    """One block the cleaner dropped, with the name of the rule that fired first.

    ``rule`` is ``<signal>:<name>`` — ``dom:newsletter``, ``text:en:donation-appeal``,
    ``shape:link-list``, ``repeat:site``, ``position:tail`` … — so logs and the
    benchmark can count removals per rule.
    """

    text: str
    rule: str
    index: int | None = None
    """The block's position in the list given to :meth:`Cleaner.clean` (for reports)."""


@dataclass(slots=True)
class CleaningResult:
    """Kept blocks in their original order, and one :class:`Removal` per dropped block."""

    kept: list[Block] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    repeat_kept: dict[str, int] = field(default_factory=dict)
    """Paragraphs the repetition signal flagged that were kept, by reason: ``long`` (more
    than ``REPEAT_ALONE_MAX_WORDS`` words and no other signal agreeing), ``share`` (over
    ``REPEAT_MAX_SHARE`` of the body) and ``save-body`` (its removals alone would have
    left less than the crawl's minimum body)."""
