"""Assembly of the item from extraction and cleaning: paragraphs, body, removed positions."""

from __future__ import annotations

from newscrawl.cleaning import CleaningResult, Removal
from newscrawl.extraction.model import HEADING, LEAD, Block
from newscrawl.output.assemble import apply_cleaning


def test_removed_entries_say_how_many_kept_paragraphs_stood_before_them():
    blocks = [Block("Lead text here.", kind=LEAD), Block("Sign up now", index=1),
              Block("A heading", kind=HEADING, index=2), Block("Story paragraph.", index=3),
              Block("© 2024 Example", index=4)]
    result = CleaningResult(kept=[blocks[0], blocks[2], blocks[3]],
                            removed=[Removal("Sign up now", "dom:newsletter", 1),
                                     Removal("© 2024 Example", "text:copyright", 4),
                                     Removal("no position", "repeat:site")])
    fields = apply_cleaning({"blocks": blocks}, result)
    assert fields["paragraphs"] == ["Lead text here.", "Story paragraph."]
    assert fields["subheadings"] == ["A heading"]
    assert fields["body"] == "Lead text here.\n\nStory paragraph."
    assert fields["word_count"] == 5
    assert fields["removed"] == [{"text": "Sign up now", "rule": "dom:newsletter", "at": 1},
                                 {"text": "© 2024 Example", "rule": "text:copyright", "at": 2},
                                 {"text": "no position", "rule": "repeat:site"}]
    assert "blocks" not in fields


def test_removed_left_out_when_not_kept():
    blocks = [Block("Story paragraph.")]
    fields = apply_cleaning({"blocks": blocks, "removed": []},
                            CleaningResult(kept=blocks, removed=[]), keep_removed=False)
    assert "removed" not in fields
