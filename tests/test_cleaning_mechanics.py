"""The cleaner's machinery beyond single rules: the literal prefilter that keeps it fast,
and the context passes (teaser cards, boxes, end labels, reworded headlines)."""

from __future__ import annotations

import random
import re
import sys
import time

import pytest

from newscrawl.cleaning import Cleaner, load_rules
from newscrawl.cleaning.prefilter import fold_case, required_literals
from newscrawl.cleaning.ruleset import HintGate, count_tokens, match_form
from newscrawl.extraction.model import HEADING, LEAD, LIST_ITEM, UNSPACED, Block, count_words

RULES = load_rules()
TEXT_RULES = [r for r in RULES.all_rules() if r.signal == "text"]
CONTAINER = "article-body story"
STORY = [
    ("The council met on Monday to discuss the budget for next year, and members argued "
    "for hours about the cost of the new bridge across the river."),
    ("The mayor said the city could not afford both the bridge and the new school, and "
    "asked officials to draw up a plan that would phase the work over five years."),
    ("Opposition members said the plan was a delay tactic and promised to force a vote "
    "before the summer recess, when the money would otherwise be lost."),
]


def _story(n: int = 3) -> list[Block]:
    return [Block(STORY[i % len(STORY)], hints=CONTAINER) for i in range(n)]


# -- prefilter ----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, expected", [
    (r"^(sign up|subscribe) to our newsletters?\b", (" to our newsletter",)),
    (r"\b(donate|give) now\b", (" now",)),
    (r"(?:^|[.!?] )your (support|donation)s? (helps?|makes?)\b", ("donation", "support")),
    (r"©\s*[^.]{2,60}$", ("©",)),
    (r"^[-_]{3,}$", None),
    (r"\d{2}\s*\|\s*\d+:\d{2}$", ("|",)),          # a rare symbol will do
    (r"(?:\(ap|\(afp)\)$", ("(afp", "(ap")),
    (r"(make|making) a (donation|gift)", ("donation", "gift")),
    (r"^\d+ of \d+$", (" of ",)),
    (r"\b(a|b) c\b", None),          # literals shorter than 3 characters are no use
])
def test_required_literals(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert required_literals(pattern, ignore_case=True) == expected


def test_required_literals_give_up_on_scoped_case_flags() -> None:
    assert required_literals(r"(?-i:Foo) bar", ignore_case=True) is None
    assert required_literals(r"(?i:foo) bar", ignore_case=False) is None


def test_fold_case_matches_re_ignorecase_on_turkish_i() -> None:
    text = match_form("İLGİLİ HABERLER ılgılı")
    assert "ilgili haberler" in fold_case(text)
    assert "ilgili" in fold_case("ılgılı")
    assert re.search("ilgili haberler", text, re.IGNORECASE)


SAMPLE_TEXTS = [
    *STORY,
    "Sign up to our free weekly newsletter", "Your support makes all the difference.",
    "İLGİLİ HABERLER", "© 2024 Example Media", "Foto: dpa", "Lesen Sie auch: Die Bahn streikt",
    "Share prices fell 5% in early trading.", "関連記事", "> Europe : les ventes progressent",
    "Freitag, 28.04.2023, 19:25", "By Jane Smith", "Von Katja Belousova",
]


@pytest.mark.parametrize("rule", TEXT_RULES, ids=lambda r: r.label)
def test_prefiltered_search_equals_plain_search(rule) -> None:
    """The prefilter only skips searches: same answer as the rule's whole regex."""
    cases = [c if isinstance(c, str) else c["text"]
             for c in [*rule.examples, *rule.counter_examples]] + SAMPLE_TEXTS
    for raw in cases:
        text = match_form(raw)
        assert rule.search_text(text) == bool(rule.regex.search(text)), (rule.label, raw)


UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")


def test_isprintable_rules_out_every_whitespace_character_but_the_space() -> None:
    """What match_form's shortcut for already single-spaced text relies on."""
    assert not [hex(i) for i in range(sys.maxunicode + 1)
                if chr(i).isspace() and chr(i) != " " and chr(i).isprintable()]


@pytest.mark.parametrize("raw", [
    "", " ", "  ", "one", "two words", " lead", "trail ", "a  b", "a\tb", "a\nb", "a\xa0b",
    "a\u2009b", "a\u2028b", "a\x1cb", "a\u200bb", "東京 都 は", "“Quote” — yes", "x \u00ad y",
])
def test_normalized_text_is_single_spaced_and_its_words_counted_by_spaces(raw: str) -> None:
    text = match_form(raw)
    assert text == " ".join(text.split())
    assert count_tokens(text, normalized=True) == count_tokens(text)


@pytest.mark.parametrize(("text", "tokens"), [
    ("東京都は晴れ", 6), ("東京都は 晴れ。", 7), ("ภาษาไทยง่าย", 11), ("カタカナ", 4),
    ("今日は2025年", 5), ("한국어 문장입니다", 2), ("Foto(s): dpa", 2),
    ("18.07.2024, 12:34 Uhr", 3)])
def test_rule_tokens_count_unspaced_scripts_as_the_item_word_count_does(text: str,
                                                                          tokens: int) -> None:
    """One character of Chinese, Japanese or Thai is one token, as it is one word of the
    item's ``word_count``; Korean, written with spaces, and other scripts are counted by
    whitespace (the rules' limits were set on that)."""
    assert count_tokens(text) == tokens
    if UNSPACED_CHAR.search(text) and all(c.isalnum() or c.isspace() for c in text):
        assert count_tokens(text) == count_words(text)  # no punctuation, which only tokens hold


def test_hint_gate_names_every_dom_rule_that_matches_a_token() -> None:
    """The DOM rules' gate only skips searches: every DOM rule whose regex matches a
    token is among its owners (entries glued, split, prefixed and suffixed every way)."""
    gate = HintGate.of(r.hint_entries for r in RULES.dom)
    entries = [e for r in RULES.dom for e in r.hint_entries]
    words = sorted({w for e in entries for w in re.split(r"[^a-z0-9]+", e.lower()) if w})
    rnd = random.Random(7)
    tokens = [e.strip("*").lower() for e in entries]
    for _ in range(20_000):
        parts = [rnd.choice(words) if rnd.random() < 0.6 else rnd.choice(["x", "s", "top", "2"])
                 for _ in range(rnd.randint(1, 4))]
        tokens.append("".join(p + rnd.choice(["", "", "-", "_", ".", ":", "/", "é"])
                              for p in parts))
    matched = 0
    for token in tokens:
        owners = gate.owners(token)
        for i, rule in enumerate(RULES.dom):
            if rule.regex.search(token):
                matched += 1
                assert i in owners, (rule.name, token)
    assert matched > len(tokens) // 4
    assert not gate.owners("article-body__content")


def test_hint_token_pattern_equals_the_lookbehind_first_form() -> None:
    """Each entry's regex, its word start checked after the first letter, finds what the
    plain form (a lookbehind, then the words) finds: every bundled entry and a few
    prefixed/suffixed ones, on tokens glued, split, at either end and inside words."""
    from newscrawl.cleaning.ruleset import _hint_entry, hint_token_pattern

    def plain(entry: str) -> str:
        words, prefix, suffix = _hint_entry(entry)
        return (("" if suffix else r"(?<![a-z0-9])") + r"[-_.:]?".join(words)
                + ("" if prefix else r"(?![a-z0-9])"))

    entries = sorted({e for r in RULES.dom for e in r.hint_entries}
                     | {"ad", "ad*", "*ad", "*ad*", "a", "2x", "read-more"})
    words = sorted({w for e in entries for w in re.split(r"[^a-z0-9]+", e.lower()) if w})
    rnd = random.Random(13)
    tokens = [e.strip("*") for e in entries]
    for _ in range(3_000):
        tokens.append("".join(rnd.choice(words + ["x", "sh", "2"]) + rnd.choice(["", "", "-", "_", "é"])
                              for _ in range(rnd.randint(1, 3))))
    found = 0
    for entry in entries:
        fast, slow = re.compile(hint_token_pattern(entry)), re.compile(plain(entry))
        for token in tokens:
            expected = bool(slow.search(token))
            found += expected
            assert bool(fast.search(token)) is expected, (entry, token)
    assert found > len(entries)


def _owners_by_token_scan(gate: HintGate, token: str) -> set[int]:
    """The gate's owners told from the whole token, no memo: the slow path."""
    found: set[int] = set()
    for word, owners in gate.inside:
        if word in token:
            found |= owners
    for run in re.findall(r"[a-z0-9]+", token):
        for n in gate.start_lengths:
            if n <= len(run) and run[:n] in gate.starts:
                found |= gate.starts[run[:n]]
        for n in gate.end_lengths:
            if n <= len(run) and run[-n:] in gate.ends:
                found |= gate.ends[run[-n:]]
    return found


def test_hint_gate_owners_remembered_per_run_equal_the_token_scan(monkeypatch) -> None:
    """Owners put together from remembered runs are the owners of the whole token, for
    start, end and inside entries, first seen or remembered; the memo stays bounded."""
    import newscrawl.cleaning.ruleset as rules_module

    monkeypatch.setattr(rules_module, "_MAX_GATE_RUNS", 40)
    entries = [e for r in RULES.dom for e in r.hint_entries]
    gates = [HintGate.of(r.hint_entries for r in RULES.dom),
             HintGate.of([["*news*", "ad"], ["*letter", "promo-box"], ["*sub*", "*scribe"]])]
    words = sorted({w for e in entries for w in re.split(r"[^a-z0-9]+", e.lower()) if w})
    words += ["news", "letter", "subscribe", "x", "top", "2"]
    rnd = random.Random(11)
    tokens = ["", "-", "é", "article-body__content", "newsletter", "my-newsletters"]
    for _ in range(5_000):
        tokens.append("".join(rnd.choice(words) + rnd.choice(["", "-", "_", ".", "é", "A"])
                              for _ in range(rnd.randint(1, 4))))
    found = 0
    for gate in gates:
        for token in tokens + tokens:
            expected = _owners_by_token_scan(gate, token)
            found += bool(expected)
            assert gate.owners(token) == expected, token
            assert len(gate.runs) <= 40
    assert found > len(tokens) // 2


def test_dom_tokens_of_a_hints_string_are_those_some_dom_rule_matches() -> None:
    """The hint tokens the DOM pass looks at (rules read from the per-token cache where
    known) are exactly the tokens some DOM rule's regex matches, in order, repeats
    kept: for a new hints string, one whose tokens are all known, and again."""
    from newscrawl.cleaning.cleaner import _hint_tokens

    cleaner = Cleaner(RULES)
    entries = sorted({e.strip("*").lower() for r in RULES.dom for e in r.hint_entries})
    rnd = random.Random(5)
    strings = ["", "article-body story", "ad-slot ad-slot story", "Shadow DOWNLOAD-link"]
    for _ in range(300):
        strings.append(" ".join(rnd.choice(entries + ["story", "col-md-8", "x2", "shadow"])
                                + rnd.choice(["", "-box", "__inner", "s"])
                                for _ in range(rnd.randint(1, 12))))
    matched = 0
    for hints in strings + strings:
        expected = tuple(t for t in _hint_tokens(hints)
                         if any(rule.regex.search(t) for rule in RULES.dom))
        matched += bool(expected)
        assert cleaner._dom_tokens(hints) == expected, hints
    assert matched > len(strings)


def test_cleaning_is_fast() -> None:
    """A generous budget (the corpus median is about 1 ms per page): catches a pattern
    that makes every paragraph expensive again, not machine noise."""
    blocks = _story(60) + [Block("Sign up for our newsletter", hints=CONTAINER)] * 20
    cleaner = Cleaner(RULES)
    cleaner.clean(blocks, language="en")
    start = time.perf_counter()
    for _ in range(5):
        cleaner.clean(blocks, language="en")
    assert (time.perf_counter() - start) / 5 < 0.05


# -- context passes ----------------------------------------------------------------------

def _card(title: str, excerpt: str) -> list[Block]:
    return [Block(title, hints=CONTAINER, link_density=1.0),
            Block(excerpt, hints=CONTAINER)]


def test_teaser_cards_are_removed() -> None:
    cards = (_card("Drought paralyzes northern states water deliveries",
                   "In the past five years, the country has sent less than a third of the water.")
             + _card("Court returns thirteen prisoners to their home country",
                     "The men were handed over at the border and moved to a prison."))
    result = Cleaner(RULES).clean(_story() + cards, language="en")
    rules = {r.text: r.rule for r in result.removed}
    assert rules["The men were handed over at the border and moved to a prison."] \
        == "position:teaser-card"
    assert len(result.kept) == 3


def test_a_single_linked_headline_before_a_paragraph_stays() -> None:
    blocks = _story(2) + _card("Mayor resigns after budget row over the bridge",
                               "The vote is expected next month, officials said.") + _story(2)
    result = Cleaner(RULES).clean(blocks, language="en")
    assert "The vote is expected next month, officials said." in [b.text for b in result.kept]


def test_block_between_two_removed_blocks_of_one_box_goes() -> None:
    box = "support-box-x17 donate-panel"
    blocks = _story() + [
        Block("Your support helps us to tell the story", kind=HEADING, hints=f"{box} {CONTAINER}"),
        Block("From climate change to Big Tech, we are on the ground when the story is "
              "developing, and we know how important it is to parse out the facts.",
              hints=f"{box} {CONTAINER}"),
        Block("Your support makes all the difference.", hints=f"{box} {CONTAINER}"),
    ] + _story(2)
    result = Cleaner(RULES).clean(blocks, language="en")
    assert [b.text for b in result.kept] == [b.text for b in _story()] + STORY[:2]


def test_story_paragraph_between_two_promos_outside_their_box_stays() -> None:
    blocks = _story() + [
        Block("Sign up to our free weekly newsletter", hints=CONTAINER),
        Block(STORY[1], hints=CONTAINER),
        Block("Sign up to our free weekly newsletter", hints=CONTAINER),
    ]
    result = Cleaner(RULES).clean(blocks, language="en")
    assert sum(b.text == STORY[1] for b in result.kept) == 2


def test_labels_left_at_the_end_go() -> None:
    blocks = _story() + [Block("Mehr zur Lage lesen Sie in unserem Liveblog:", hints=CONTAINER),
                         Block("Liveblog", hints=CONTAINER)]
    result = Cleaner(RULES).clean(blocks, language="de")
    assert [r.rule for r in result.removed][-1] == "position:end-label"
    assert len(result.kept) == 3


@pytest.mark.parametrize("label", ["Comment (RSS)", "Videos »"])
def test_a_closing_bracket_alone_does_not_end_a_sentence(label) -> None:
    """Cleaning's own sentence test took a final ")", "»" or '"' for a sentence's end, so
    such labels were kept as prose (dragnet R983's "Comment (RSS)", news-dev
    de-MDR-2026_07_08's "MDR (Engin Haupt, Alisa Sonntag)", neither in the gold body); it
    is now the one of article detection and repetition
    (:func:`newscrawl.extraction.text.ends_like_sentence`)."""
    promo = Block("Sign up to our free weekly newsletter", hints=CONTAINER)
    result = Cleaner(RULES).clean(_story() + [promo, Block(label, hints=CONTAINER)],
                                  language="en")
    assert [(r.rule, r.text) for r in result.removed][-1] == ("position:end-label", label)
    assert [b.text for b in result.kept] == [b.text for b in _story()]


def test_a_sentence_in_brackets_or_quotes_still_ends_one() -> None:
    promo = Block("Sign up to our free weekly newsletter", hints=CONTAINER)
    for text in ("(See below.)", "“We won!”"):
        result = Cleaner(RULES).clean(_story() + [promo, Block(text, hints=CONTAINER)],
                                      language="en")
        assert [b.text for b in result.kept][-1] == text


def test_reworded_headline_goes_but_the_lead_stays() -> None:
    title = "Military may pull back from Bakhmut, Ukrainian official says"
    blocks = [Block("Ukraine official says military may pull back from Bakhmut", kind=LEAD,
                    hints=CONTAINER),
              Block("Ukraine official says military may pull back from Bakhmut", hints=CONTAINER),
              *_story()]
    result = Cleaner(RULES).clean(blocks, language="en", title=title)
    assert [r.rule for r in result.removed] == ["repeat:title"]
    assert result.kept[0].kind == LEAD


def test_position_keys_in_a_user_rule_file(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'language = "en"\n[[rule]]\nname = "bio"\npatterns = [\'^\\\\w+ is a reporter\\\\b\']\n'
        'near_end = 1\nexamples = ["Jane is a reporter at the paper."]\n'
        'counter_examples = ["Nothing here."]\n'
        '[[rule]]\nname = "late-link"\nmin_link_density = 0.5\nmin_index = 2\nnot_sentence = true\n'
        'signal = "shape"\nexamples = [{ text = "Mayor resigns", link_density = 0.6 }]\n'
        'counter_examples = [{ text = "The mayor resigned on Monday.", link_density = 0.6 }]\n',
        encoding="utf-8")
    rules = load_rules([path])
    cleaner = Cleaner(rules)
    bio = Block("Jane is a reporter at the paper.", hints=CONTAINER)
    assert bio in cleaner.clean([bio, *_story()], language="en").kept  # not near the end
    assert bio not in cleaner.clean([*_story(), bio], language="en").kept
    link = Block("Mayor resigns over bridge", hints=CONTAINER, link_density=0.6)
    assert link in cleaner.clean([link, *_story()], language="en").kept  # index 0 < 2
    assert link not in cleaner.clean([*_story(2), link, *_story(1)], language="en").kept
    sentence = Block("The mayor resigned on Monday after a row.", hints=CONTAINER,
                     link_density=0.6)
    assert sentence in cleaner.clean([*_story(2), sentence], language="en").kept


def test_what_a_removed_colon_line_announces_at_the_end_goes() -> None:
    blocks = _story() + [
        Block("Mehr zur Lage im Nahen Osten lesen Sie in unserem Liveblog:", hints=CONTAINER),
        Block("Die Lage in Nahost eskaliert weiter. Aktuelle Entwicklungen im Liveblog.",
              hints=CONTAINER),
        Block("Liveblog", hints=CONTAINER),
    ]
    result = Cleaner(RULES).clean(blocks, language="de")
    assert [r.rule for r in result.removed][1:] == ["position:announced", "position:end-label"]
    assert len(result.kept) == 3


def test_the_last_story_paragraph_after_a_colon_line_stays() -> None:
    last = Block("The preliminary hearing is scheduled for June 26 at 9 am.", hints=CONTAINER)
    blocks = _story() + [Block("More from NBC's TODAY:", hints=CONTAINER), last]
    assert last in Cleaner(RULES).clean(blocks, language="en").kept


def _listing(token: str) -> list[Block]:
    excerpts = [f"Company number {i} announced a slew of new features for its customers, "
                f"including a family plan, a dark mode and a tool to weed out cheats." for i in range(6)]
    return [Block(t, hints=f"{token} wp-block-query {CONTAINER}") for t in excerpts]


def test_a_listing_of_excerpts_after_the_story_goes() -> None:
    blocks = _story(4) + [Block("Sign up to our free weekly newsletter", hints=CONTAINER)] \
        + _listing("wp-block-post-excerpt")
    result = Cleaner(RULES).clean(blocks, language="en")
    assert len(result.kept) == 4
    assert {r.rule for r in result.removed[1:]} == {"dom:excerpt"}


def test_an_excerpt_that_is_the_story_stays() -> None:
    """A book excerpt: the "excerpt" box holds the story, and no promo block precedes it."""
    blocks = _story(1) + _listing("book-excerpt")
    result = Cleaner(RULES).clean(blocks, language="en")
    assert len(result.kept) == len(blocks)


def _item(text: str) -> Block:
    return Block(text, kind=LIST_ITEM, tag="li", hints=CONTAINER)


def test_a_spec_sheet_under_its_label_goes() -> None:
    """"Specs:" and the short "key: value" items under it go; the story around stays."""
    blocks = _story(2) + [Block("Specs:", hints=CONTAINER), _item("Temp rating: 15°F/-9°C"),
                          _item("Fill: 650 Fill Power Down"), *_story(1)]
    result = Cleaner(RULES).clean(blocks, language="en")
    assert [r.rule for r in result.removed] == [
        "text:list-label", "position:labelled-list", "position:labelled-list"]
    assert len(result.kept) == 3


def test_a_source_list_goes_but_long_items_and_later_lists_stay() -> None:
    """Under "Quellen:" only short list items go, and only in an unbroken run: a long item
    is story, and so is a list after the next paragraph."""
    long_item = ("Der Landtag hat in seiner Anhörung mehrere Stellungnahmen von Gewerkschaften, "
                 "Städten und Feuerwehren eingeholt und im Ausschuss beraten.")
    blocks = _story(2) + [Block("Quellen:", hints=CONTAINER), _item("Interviews im Radio"),
                          _item(long_item), _item("Meldung Gewerkschaft"), *_story(1),
                          _item("Bis 60 im Einsatzdienst")]
    result = Cleaner(RULES).clean(blocks, language="de")
    assert [r.text for r in result.removed] == ["Quellen:", "Interviews im Radio"]
    kept = [b.text for b in result.kept]
    assert long_item in kept and "Meldung Gewerkschaft" in kept
    assert "Bis 60 im Einsatzdienst" in kept


def test_list_items_without_a_label_stay() -> None:
    blocks = _story(2) + [Block("Die Ausrüstung wiegt bis zu 30 Kilo.", hints=CONTAINER),
                          _item("Temp rating: 15°F/-9°C"), _item("Fill: Synthetic")]
    result = Cleaner(RULES).clean(blocks, language="en")
    assert result.removed == []


@pytest.mark.slow
def test_gate_literals_inside_a_rule_never_skip_a_rule_that_matches(monkeypatch) -> None:
    """A block that passes the normal rules' gate is searched only with the rules whose
    inner gate literals it holds (``_Candidates.subs``): the verdicts are those of
    searching every rule, on every rule's examples, its literals alone and in a sentence,
    in every language, kind and story side."""
    from newscrawl.cleaning import cleaner as cleaner_module

    literals = sorted({lit for r in TEXT_RULES if r.gate for lit in r.gate})
    rnd = random.Random(11)
    texts = [c if isinstance(c, str) else c["text"]
             for r in TEXT_RULES for c in [*r.examples, *r.counter_examples]]
    texts += SAMPLE_TEXTS + literals + [f"The mayor said{lit}today." for lit in literals]
    texts += [" ".join(rnd.sample(literals, 3)) for _ in range(300)]
    languages = [None, *sorted(lang for lang in RULES.text if lang != "*")]

    def verdicts(cleaner: Cleaner) -> list[list[str]]:
        out = []
        for language in languages:
            for kind in ("paragraph", HEADING, LIST_ITEM, LEAD):
                for in_story in (True, False):
                    blocks = [Block(t, kind=kind, in_story=in_story) for t in texts]
                    result = cleaner.clean(blocks, language=language)
                    out.append([r.rule for r in result.removed])
        return out

    fast = verdicts(Cleaner(RULES))
    plain_of = cleaner_module._Candidates.of

    def without_subs(keep, normal):
        found = plain_of(keep, normal)
        return cleaner_module._Candidates(found.keep, found.normal, found.gate, found.ungated,
                                          (None,) * len(found.normal))

    monkeypatch.setattr(cleaner_module._Candidates, "of", staticmethod(without_subs))
    assert verdicts(Cleaner(RULES)) == fast
    assert sum(map(len, fast)) > 1000  # the texts do reach many rules


def _gate_literals_present_by_filter(literals, text):
    return set(filter(text.__contains__, literals))


def test_gate_finder_finds_exactly_the_literals_a_text_holds_overlapping_ones_too():
    from newscrawl.cleaning.cleaner import _Candidates, _finder

    literals = ("ab", "b", "abc", "bc", "c d", "©", "ü", "read more")
    found = _Candidates((), (), literals, (), (), _finder(literals))
    rng = random.Random(7)
    alphabet = ["a", "b", "c", " ", "d", "©", "ü", "read ", "more", "x"]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert found.present(text) == _gate_literals_present_by_filter(literals, text), text


def test_gate_finder_on_the_bundled_english_gate_and_an_empty_literal():
    from newscrawl.cleaning.cleaner import _Candidates, _finder

    cleaner = Cleaner(load_rules())
    view = cleaner._view(Block("Read more: sign up for our newsletter © 2024 (AP) on top"))
    candidates = cleaner._plan("en").candidates(view)
    assert candidates.gate and candidates.finder is not None
    expected = _gate_literals_present_by_filter(candidates.gate, view.folded)
    assert len(expected) >= 3 and candidates.present(view.folded) == expected
    assert _finder(("", "ab")) is None  # the automaton takes no empty word: the filter does
    assert _Candidates((), (), ("", "ab"), (), (), None).present("xaby") == {"", "ab"}
