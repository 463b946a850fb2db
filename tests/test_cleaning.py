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



# -- repetition's bounds: boilerplate repeated across a site goes, stories keep their body --

_PLACES = ["the harbour", "the old mill", "the ferry pier", "the market square", "the lido",
           "the bus depot", "the town library", "the river bridge"]


def _story(n: int) -> Block:
    """A story paragraph (30 words) that only page ``n`` of a site prints."""
    return Block(f"Engineers inspected {_PLACES[n]} on Monday and found cracks that need "
                 "repairs before the winter storms, the council said in a statement, adding "
                 "that work could begin within weeks.", hints=CONTAINER)


def _crawl(cleaner: Cleaner, pages: list[list[Block]], site: str = "gazette.example"):
    """Clean a site's pages in order, as a crawl does."""
    return [cleaner.clean(blocks, language="en", site=site) for blocks in pages]


def test_repetition_still_removes_a_sites_boilerplate_lines() -> None:
    """A desk line, "Read more on …", a standard sign-off, a short bio and a related-links
    label that the site prints on every page go from the third page on."""
    boiler = ["Follow the Gazette newsroom for updates as they come in.",
              "Read more on harbourgazette.example",
              "That is all from the Gazette newsroom for today.",
              "Ana Ruiz has reported on the harbour and the coast for the Gazette since 2015.",
              "Elsewhere on the Gazette"]
    pages = [[_story(n), Block(f"{_PLACES[n].capitalize()} will stay open while the work "
                               "goes on, a spokesman for the council said later.", hints=CONTAINER),
              *(Block(text, hints=CONTAINER) for text in boiler)] for n in range(5)]
    results = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3), min_words=40), pages)
    assert [[r.rule for r in result.removed] for result in results] == \
        [[], []] + [["repeat:site"] * 5] * 3
    assert [r.text for r in results[-1].removed] == boiler
    assert all(result.repeat_kept == {} for result in results)


def test_fingerprints_count_figures_but_not_in_labels() -> None:
    """Reports alike but for their figures are different paragraphs; a counter or a
    timestamp line is the same line whatever its number."""
    tracker = RepetitionTracker(threshold=3)
    for n in range(3):
        tracker.observe("g.example", [
            f"Net income was {50 + n} million dollars, or {60 + n} cents a share, a year earlier.",
            f"Its shares rose {n + 2} percent.", f"Gallery photo {n + 1} of 12",
            f"{n + 10} comments so far"])
    assert tracker.count("g.example", "Net income was 52 million dollars, or 62 cents a share, "
                                      "a year earlier.") == 1
    assert tracker.count("g.example", "Its shares rose 3 percent.") == 1
    assert tracker.count("g.example", "Gallery photo 7 of 12") == 3
    assert tracker.count("g.example", "99 comments so far") == 3


def test_a_long_repeated_paragraph_is_story_without_another_signal() -> None:
    """A wire background paragraph (more than REPEAT_ALONE_MAX_WORDS words) reused across a
    running story stays on every page; repetition's flag on it is counted."""
    wire = Block("The strike began in March when talks over pay and shift patterns broke down, "
                 "and it has since cost the port an estimated three hundred thousand tonnes "
                 "of cargo, according to figures published by the harbour authority.",
                 hints=CONTAINER)
    pages = [[_story(n), wire] for n in range(4)]
    results = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3), min_words=40), pages)
    assert all(result.kept == page for result, page in zip(results, pages))
    assert [result.repeat_kept for result in results] == [{}, {}, {"long": 1}, {"long": 1}]


_LONG_BIO = ("Ana Ruiz grew up on the coast and studied history in Leeds before she joined the "
             "Gazette, where she has covered the harbour, the ferries and the fishing fleet for "
             "eleven years and won two regional awards.")
_OUR_REPORTING = ("Our reporting on the harbour strike has been read by thousands of people this "
                  "week, and the newsroom will keep following the talks between the port and the "
                  "unions until a settlement is reached, the editor said.")


@pytest.mark.parametrize("block", [
    Block(_LONG_BIO, hints=CONTAINER, in_story=False),           # after the story container
    Block(_LONG_BIO, hints=CONTAINER, link_density=0.5),         # link-heavy
    Block(_LONG_BIO, hints="paywall-note " + CONTAINER),         # a DOM rule's token (its
                                                                 # ... limits kept the block)
    Block(_OUR_REPORTING, hints=CONTAINER),                      # a weak text rule matches
], ids=["tail", "links", "dom-hint", "weak-text"])
def test_a_long_repeated_paragraph_goes_when_another_signal_agrees(block: Block) -> None:
    pages = [[_story(n), Block(f"Work at {_PLACES[n]} starts next week and will take a month, "
                               "the council said in a statement on Tuesday evening.",
                               hints=CONTAINER), block] for n in range(3)]
    for page in pages[:2]:
        assert Cleaner().clean(page, language="en").removed == []  # no rule alone takes it
    results = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3)), pages)
    assert [[r.rule for r in result.removed] for result in results] == [[], [], ["repeat:site"]]


def test_repetition_takes_at_most_half_a_body() -> None:
    """Short repeated lines that would be more than REPEAT_MAX_SHARE of the body: the
    longest stay until repetition's removals are at most half of it."""
    lines = [Block(text, hints=CONTAINER) for text in (
        "Weather for the coast from the Gazette forecasters today.",          # 9 words
        "Winds light and variable, turning westerly by the evening hours.",   # 10
        "Seas calm to moderate, visibility good, with rain later.",           # 9
        "Tides as printed in the harbour almanac for this week.")]            # 10
    pages = [[_story(n), *lines] for n in range(3)]
    results = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3)), pages)
    # 30 + 38 words: removing all four would take 38 of 68; without the first of the two
    # longest (10 words each), 28 of 68.
    assert [r.text for r in results[2].removed] == [lines[0].text, lines[2].text, lines[3].text]
    assert results[2].repeat_kept == {"share": 1}


def test_repetition_never_takes_a_body_below_min_words() -> None:
    """Removals of repetition alone that would leave less than ``min_words`` are undone;
    a page short without them keeps them (it is dropped either way)."""
    shared = Block("The harbour authority publishes the tide tables, the berth list and the "
                   "shipping notices for the coming week every Friday.", hints=CONTAINER)  # 21
    pages = [[_story(n), shared] for n in range(4)]
    saved = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3), min_words=40), pages)
    assert all(result.kept == page for result, page in zip(saved, pages))
    assert [result.repeat_kept for result in saved] == [{}, {}, {"save-body": 1},
                                                        {"save-body": 1}]
    plain = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3)), pages)
    assert [[r.rule for r in result.removed] for result in plain] == \
        [[], [], ["repeat:site"], ["repeat:site"]]
    short = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3), min_words=60), pages)
    assert [[r.rule for r in result.removed] for result in short][2:] == [["repeat:site"]] * 2
    assert short[2].repeat_kept == {}



def test_undoing_repetition_undoes_what_its_removals_set_off() -> None:
    """A weak rule fires beside a removed block: when the repeated neighbour is kept to save
    the body, the position pass is redone without it, so the blurb stays too and what
    position removes on its own (a linked tail) still goes."""
    desks = ["sports", "business", "travel", "food"]
    shared = Block("Print subscribers can find the full tables on page four of the paper.",
                   hints=CONTAINER)  # 13 words
    pages = [[_story(n), shared,
              Block(f"Every Monday, the week's best stories from our {desks[n]} desk",
                    hints=CONTAINER),
              Block(f"Tides and ferries on the {desks[n]} pages", link_density=0.5,
                    in_story=False)] for n in range(3)]
    plain = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3)), pages)
    assert [r.rule for r in plain[2].removed] == [
        "repeat:site", "text:en:newsletter-blurb", "position:tail"]
    saved = _crawl(Cleaner(repetition=RepetitionTracker(threshold=3), min_words=40), pages)
    assert saved[2].kept == pages[2][:3] and saved[2].repeat_kept == {"save-body": 1}
    assert [r.rule for r in saved[2].removed] == ["position:tail"]


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
