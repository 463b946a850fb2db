"""The cleaning stage on the seed page, on story paragraphs, and its rule loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.cleaning import Cleaner, RepetitionTracker, RuleFileError, load_rules
from newscrawl.extraction.model import HEADING, Block

FIXTURES = Path(__file__).parent / "fixtures" / "cleaning"
CONTAINER = "article-body story"


def _seed() -> list[tuple[str, Block]]:
    rows = []
    for line in (FIXTURES / "seed_blocks.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            expect, text = line.split("\t", 1)
            rows.append((expect, Block(text, hints=CONTAINER, index=len(rows))))
    return rows


def test_seed_page() -> None:
    rows = _seed()
    result = Cleaner().clean([b for _, b in rows], language="en", site="www.independent.co.uk")
    kept = {id(b) for b in result.kept}
    for expect, block in rows:
        if expect == "remove":
            assert id(block) not in kept, f"kept: {block.text!r}"
        elif expect == "keep":
            assert id(block) in kept, f"removed: {block.text!r}"
    rules = {r.text: r.rule for r in result.removed}
    assert rules["Read more"] == "text:en:read-more"
    assert rules["___"] == "text:separator"
    assert rules["Not now Yes please"] == "text:en:app-notification"
    assert rules["Follow AP’s coverage of the war in Ukraine at "
                 "https://apnews.com/hub/russia-ukraine"] == "text:en:follow-us"


def test_seed_page_unknown_language_keeps_story() -> None:
    rows = _seed()
    result = Cleaner().clean([b for _, b in rows], language=None)
    kept = {id(b) for b in result.kept}
    assert all(id(b) in kept for e, b in rows if e == "keep")
    assert "___" not in {b.text for b in result.kept}


STORY = [
    ("Supporters of the mayor gathered outside city hall on Monday, holding signs that read "
    "“Support our schools”."),
    "The union urged members to sign up for the strike ballot before the deadline on Friday.",
    "The charity said it needed donations to keep the shelter open through the winter.",
    "Subscribers to the service will pay more from April, the company said in a statement.",
    "The newsletter he founded in 1998 became the most-read in the industry.",
    "Read the full statement, she told reporters, and you will see the government has no plan.",
    "Follow the money, the prosecutor said in her closing argument.",
    "Related charges were filed against two other men.",
    "“Your support means everything to me,” the candidate told the crowd after the result.",
    "Click-through rates fell, the report found.",
    "Die Bürger können sich bis Freitag für den Newsletter der Stadt anmelden, sagte ein Sprecher.",
    "Le maire a appelé les habitants à soutenir la candidature de la ville aux Jeux olympiques.",
    "El Gobierno pidió a los ciudadanos que se suscriban al sistema de alertas de emergencia.",
]


@pytest.mark.parametrize("text", STORY)
@pytest.mark.parametrize("language", ["en", "de", "fr", "es", None])
def test_story_paragraphs_stay(text: str, language: str | None) -> None:
    blocks = [Block("The council met on Monday.", hints=CONTAINER),
              Block(text, hints=CONTAINER),
              Block("The vote is expected next month.", hints=CONTAINER)]
    assert Cleaner().clean(blocks, language=language).kept == blocks


def test_container_hints_are_ignored() -> None:
    hints = "story has-ads related-enabled newsletter-inline"
    blocks = [Block(f"Paragraph number {i} of the story, with enough words.", hints=hints)
              for i in range(4)]
    assert Cleaner().clean(blocks, language="en").kept == blocks


def test_dom_tokens_respect_word_boundaries() -> None:
    blocks = [Block("The council met.", hints=CONTAINER),
              Block("A story paragraph.", hints="article-head shadow download-link " + CONTAINER),
              Block("Partner content.", hints="ad-slot " + CONTAINER),
              Block("More from us.", hints="readMore " .lower() + CONTAINER),
              Block("The vote is next month.", hints=CONTAINER)]
    result = Cleaner().clean(blocks, language="en")
    assert [r.rule for r in result.removed] == ["dom:ad", "dom:related"]


def test_orphan_heading_and_tail() -> None:
    blocks = [Block("The council met on Monday to discuss the budget.", hints=CONTAINER),
              Block("Elsewhere in the county", kind=HEADING, tag="h2", hints=CONTAINER),
              Block("Mayor resigns", link_density=1.0, hints=CONTAINER),
              Block("Bridge reopens", link_density=1.0, hints=CONTAINER),
              Block("Tags: budget, council", link_density=0.6, in_story=False)]
    result = Cleaner().clean(blocks, language="en")
    assert [b.text for b in result.kept] == [blocks[0].text]
    assert [r.rule for r in result.removed] == [
        "position:orphan-heading", "shape:lone-link", "shape:lone-link", "position:tail"]


def test_clean_never_raises() -> None:
    cleaner = Cleaner()
    broken = Block(None, hints=CONTAINER)  # type: ignore[arg-type]
    result = cleaner.clean([broken], language="en")
    assert result.kept == [broken] and result.removed == []
    assert cleaner.clean([], language="xx").kept == []


def test_repetition_removes_site_boilerplate() -> None:
    tracker = RepetitionTracker(threshold=3)
    cleaner = Cleaner(repetition=tracker)
    boiler = "The Daily Gazette is owned by Gazette Media Group of Springfield."
    topics = ["the budget", "a new bridge", "school meals", "parking fees"]
    for n, topic in enumerate(topics):
        blocks = [Block(f"The council met and talked about {topic}. A vote is expected next "
                        "month, after a consultation that runs to the summer.", hints=CONTAINER),
                  Block(boiler, hints=CONTAINER)]
        result = cleaner.clean(blocks, language="en", site="gazette.example")
        repeated = [r.rule for r in result.removed]
        assert repeated == ([] if n < 2 else ["repeat:site"])
    other = cleaner.clean([Block(boiler)], language="en", site="other.example")
    assert other.removed == []


def test_repetition_memory_is_bounded() -> None:
    tracker = RepetitionTracker(max_sites=3, max_entries_per_site=50, threshold=2)
    for site in range(10):
        for article in range(40):
            tracker.observe(f"site{site}.example",
                            [f"paragraph {article} {i} " + "x" * i for i in range(5)])
    assert tracker.sites == 3
    assert all(tracker.entries(f"site{s}.example") <= 50 for s in range(10))
    assert tracker.entries("site0.example") == 0


def test_repetition_judge_answers_as_is_repeated_then_observe() -> None:
    texts = ["Sign up for the morning briefing", "Photo", "Updated 3 May at noon",
             "Updated 4 May at noon", "A paragraph only this article has"]
    for threshold in (1, 2, 3):
        one = RepetitionTracker(max_entries_per_site=4, threshold=threshold)
        two = RepetitionTracker(max_entries_per_site=4, threshold=threshold)
        for article in range(6):
            page = [*texts[article % 3:], f"only on article {'abcdef'[article]}", texts[0]]
            expected = [one.is_repeated("g.example", t, pending=1) for t in page]
            one.observe("g.example", page)
            assert two.judge("g.example", page) == expected
            assert two.entries("g.example") == one.entries("g.example")
    # The last page at threshold 3: the shared texts were on all five earlier articles.
    assert expected == [True, True, True, False, True]


def test_repetition_keeps_recurring_entries() -> None:
    tracker = RepetitionTracker(max_entries_per_site=10, threshold=3)
    boiler = "Sign up for the morning briefing from the Gazette"
    for article in range(30):
        tracker.observe("g.example", [boiler, f"unique paragraph number {article} here"])
    assert tracker.is_repeated("g.example", boiler)


def test_site_exclusions_from_user_file() -> None:
    rules = load_rules(extra=[FIXTURES / "user_rules.toml"])
    blocks = [Block("The council met on Monday to discuss the budget.", hints=CONTAINER),
              Block("Listen to this article (3 min)", hints=CONTAINER),
              Block("Our editors picked this for you.", hints="gazette-picks " + CONTAINER),
              Block("Remember the donkey derby raffle on Saturday.", hints=CONTAINER),
              Block("The vote is expected next month.", hints=CONTAINER)]
    result = Cleaner(rules).clean(blocks, language="en", site="www.gazette.example")
    assert [r.rule for r in result.removed] == [
        "site:gazette.example:text", "site:gazette.example:hints", "text:en:raffle-plug"]
    other = Cleaner(rules).clean(blocks, language="en", site="news.example")
    assert [r.rule for r in other.removed] == ["text:en:raffle-plug"]


def test_user_file_extends_token_list() -> None:
    rules = load_rules(extra=[FIXTURES / "user_rules.toml"])
    blocks = [Block("The council met on Monday.", hints=CONTAINER),
              Block("Our picks", hints="leserbox " + CONTAINER),
              Block("The vote is next month.", hints=CONTAINER)]
    assert [r.rule for r in Cleaner(rules).clean(blocks).removed] == ["dom:related"]
    assert Cleaner().clean(blocks).removed == []


@pytest.mark.parametrize("name, line, message", [
    ("broken_syntax.toml", 5, "invalid TOML"),
    ("broken_regex.toml", 7, "bad-regex"),
    ("broken_key.toml", 4, "unknown keys"),
])
def test_broken_rule_file_names_file_and_line(name: str, line: int, message: str) -> None:
    with pytest.raises(RuleFileError) as info:
        load_rules(extra=[FIXTURES / name])
    text = str(info.value)
    assert text.startswith(f"{FIXTURES / name}:{line}:"), text
    assert message in text
    assert info.value.line == line
