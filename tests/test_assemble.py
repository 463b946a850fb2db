"""Assembly of the item from extraction and cleaning: paragraphs, body, removed positions."""

from __future__ import annotations

from newscrawl.api import read_page
from newscrawl.cleaning import Cleaner, CleaningResult, Removal, RepetitionTracker, load_rules
from newscrawl.extraction.model import HEADING, LEAD, Block
from newscrawl.output.assemble import (
    CLEANING_INPUTS,
    CLEANING_OUTPUTS,
    apply_cleaning,
    clean_fields,
    item_fields,
)
from tests.conftest import SAMPLES


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


def test_cleaning_reads_only_its_inputs_and_writes_only_its_outputs():
    # A page worker is sent CLEANING_INPUTS and returns CLEANING_OUTPUTS: cleaning the
    # whole item must give exactly what cleaning those fields alone gives.
    url = "https://harbourgazette.example/world/2024/05/03/port-strike-ends.html"
    page = read_page((SAMPLES / "world/2024/05/03/port-strike-ends.html").read_bytes(), url)
    item = item_fields(page.extraction, url, "2024-05-03T10:00:00+00:00")
    whole, whole_rules, _ = clean_fields(Cleaner(load_rules()), dict(item))
    alone, alone_rules, _ = clean_fields(Cleaner(load_rules()),
                                         {name: item[name] for name in CLEANING_INPUTS})
    assert whole_rules == alone_rules and whole_rules  # the page has blocks to remove
    assert {name for name in whole if whole[name] != item.get(name)} == set(CLEANING_OUTPUTS)
    assert {name: whole[name] for name in CLEANING_OUTPUTS} == \
        {name: alone[name] for name in CLEANING_OUTPUTS}



def test_clean_fields_counts_the_paragraphs_repetition_flagged_and_kept():
    # Threshold 1: every paragraph counts as repeated. The long one is story without
    # another signal; removing the other two would leave its 44 words, under min_words.
    long = " ".join(["The harbour board met on Monday and agreed the plan."] * 4) + \
        " The vote was close."  # 44 words
    fields = {"canonical_url": "https://gazette.example/news/1.html", "language": "en",
              "title": "Harbour plan", "blocks": [
                  Block(long), Block("Print subscribers find the full tables on page four."),
                  Block("The ferry timetable for the winter is printed on page six.")]}
    cleaned, rules, counts = clean_fields(
        Cleaner(load_rules(), RepetitionTracker(threshold=1), min_words=50), dict(fields))
    assert rules == [] and len(cleaned["paragraphs"]) == 3
    assert counts == {"repeat/kept-long": 1, "repeat/kept-save-body": 2}
    _, rules, counts = clean_fields(
        Cleaner(load_rules(), RepetitionTracker(threshold=1)), dict(fields))
    assert rules == ["repeat:site", "repeat:site"] and counts == {"repeat/kept-long": 1}


def test_an_articles_canonical_url_is_worked_out_where_the_page_is_read(monkeypatch):
    # A page worker hands it back with the page; the crawl process then does not
    # canonicalise the URL again (a cache miss there: ~50 µs per item).
    url = "https://harbourgazette.example/world/2024/05/03/port-strike-ends.html?utm_source=x"
    html = (SAMPLES / "world/2024/05/03/port-strike-ends.html").read_bytes()
    page = read_page(html, url)
    expected = item_fields(page.extraction, url)["canonical_url"]
    assert page.verdict.is_article and page.canonical_url == expected
    assert expected == "https://www.dailyharbor.example/world/2024/05/03/port-strike-ends.html"

    def refuse(url: str) -> str:
        raise AssertionError("canonicalised again")

    monkeypatch.setattr("newscrawl.output.assemble.canonical_form", refuse)
    assert item_fields(page.extraction, url, canonical=page.canonical_url)["canonical_url"] \
        == expected


def test_a_page_that_is_no_article_carries_no_canonical_url():
    url = "https://harbourgazette.example/"
    page = read_page((SAMPLES / "index.html").read_bytes(), url)
    assert not page.verdict.is_article and page.canonical_url is None
