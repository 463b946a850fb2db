"""extract(): the generic rules added for the news-dev losses, one small fixture each,
plus the speed-path contracts (shared parse via ``tree``, single metadata scan)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction import LEAD, extract
from newscrawl.extraction.authors import is_agency, split_names
from newscrawl.extraction.dom import words_of
from newscrawl.extraction.flight import flight_html, text_rows
from newscrawl.extraction.scan import scan
from newscrawl.extraction.text import normalize_text

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


def load(name: str, url: str = "https://news.example/story"):
    ex = extract((FIXTURES / name).read_bytes(), url)
    assert ex is not None
    return ex


# --- body -------------------------------------------------------------------------------

def test_story_wrapper_with_embed_class_is_read():
    """A class such as "embed-responsive" on the story's own wrapper (several real
    paragraphs) does not make it an embed to skip; a real embed box still is skipped."""
    ex = load("embed_wrapper.html")
    text = " ".join(b.text for b in ex.blocks)
    assert "cut ferry fares by a fifth" in text
    assert "Operators welcomed the move" in text
    assert "Video: fares explained" not in text


def test_story_from_react_flight_payload_when_dom_is_empty():
    ex = load("flight_payload.html")
    texts = [b.text for b in ex.blocks]
    assert texts[0] == "The port reopened on Tuesday after three days of closure."
    assert "Repairs to the northern pier will take weeks, the operator said." in texts
    assert not any("ARTICLEAD" in t or "Loading" in t for t in texts)
    assert all("rsc-payload" in b.hints for b in ex.blocks)


def test_flight_text_rows_use_utf8_byte_lengths():
    payload = '0:["$"]\n24:T8,<p>é€</p>\n25:["x"]'  # é = 2 bytes, € = 3 bytes
    assert text_rows(payload) == ["<p>é€"]


def test_flight_html_ignores_other_scripts():
    root = etree.fromstring("<html><head><script>var a = 1;</script></head></html>",
                            etree.HTMLParser())
    assert flight_html(root.findall(".//script")) is None


def test_lead_from_jsonld_description_and_meta_rows_dropped():
    """The h2 standfirst matches the JSON-LD description (not the shorter meta one);
    the written-out byline and the dateline row are metadata, not story text."""
    ex = load("lead_description.html")
    assert ex.subtitle and ex.subtitle.startswith("La red de 25 sensores")
    assert ex.blocks[0].kind == LEAD
    texts = [b.text for b in ex.blocks]
    assert not any(t.startswith("Por Javier") for t in texts)
    assert "05.10.2023, 12:00 h" not in texts


# --- authors ----------------------------------------------------------------------------

def test_bold_name_paragraph_is_the_byline():
    """Metadata credits only the site (its <title> suffix); a paragraph holding just a
    bold name at the story's start is the writer, and is not story text. A bold
    question ("Who will run it now?") is a cross-heading, not a name."""
    ex = load("bold_byline.html")
    assert ex.authors == ["Tomas Reyes Ortega"]
    assert ex.author_organizations == []
    texts = [b.text for b in ex.blocks]
    assert "Tomas Reyes Ortega" not in texts
    assert "Who will run it now?" in texts


def test_author_markup_repeated_in_teaser_lists_is_not_credited():
    ex = load("teaser_authors.html")
    assert ex.authors == ["Ana Lind"]


def test_author_page_link_is_a_byline_source():
    ex = load("author_page_link.html")
    assert ex.authors == ["Nathaniel Flakin"]


@pytest.mark.parametrize("raw, people, orgs", [
    ("Miguel A. Herguedas", ["Miguel A. Herguedas"], []),
    ("Per-Erik Ofstad", ["Per-Erik Ofstad"], []),
    ("Per Anna Rossi", ["Anna Rossi"], []),
    ("Jan Novák a Petr Malý", ["Jan Novák", "Petr Malý"], []),
    ("The Associated Press", [], ["The Associated Press"]),
    ("Deutsche Welle (www.dw.com)", ["Deutsche Welle"], []),
    ("신현주 기자", ["신현주"], []),
])
def test_split_names_new_cases(raw, people, orgs):
    assert split_names(raw) == (people, orgs)


def test_agency_full_names():
    assert is_agency("Associated Press") and is_agency("Agence France-Presse")
    assert not is_agency("Anna Press")


# --- speed-path contracts ---------------------------------------------------------------

def test_tree_argument_gives_the_same_result_and_leaves_the_tree_alone():
    raw = (FIXTURES / "graph_article.html").read_bytes()
    url = "https://dailyharbor.example/news/harbour-reopens"
    root = lxml_html.fromstring(raw)
    before = etree.tostring(root)
    shared = extract(None, url, tree=root)
    assert etree.tostring(root) == before
    parsed = extract(raw, url)
    assert shared is not None and parsed is not None
    assert shared.title == parsed.title and shared.authors == parsed.authors
    assert [b.text for b in shared.blocks] == [b.text for b in parsed.blocks]
    # An ElementTree or a sub-element of the page works too.
    assert extract(None, url, tree=etree.ElementTree(root)).title == parsed.title
    assert extract(None, url, tree=root.find("body")).title == parsed.title


def test_comment_tails_are_text_in_trees_that_keep_comments():
    root = lxml_html.fromstring("<html><body><article><h1>Fares fall</h1><p>Source: <!-- x -->"
                                "BELGA and others, as reported on the quay this morning.</p>"
                                "</article></body></html>")
    ex = extract(None, "https://news.example/a", tree=root)
    assert "Source: BELGA and others" in " ".join(b.text for b in ex.blocks)


def test_scan_collects_metadata_elements_in_one_pass():
    root = etree.fromstring(
        "<html><head><title>T</title><meta property='og:title' content='O'><meta name='x'>"
        "<link rel='Canonical' href='/c'><link rel='stylesheet' href='/s.css'>"
        "<script type='application/ld+json'>{}</script><script>var a;</script></head>"
        "<body><h1>H</h1></body></html>", etree.HTMLParser())
    idx = scan(root)
    assert [m.get("content") for m in idx.metas] == ["O"]
    assert [link.get("href") for link in idx.canonical_links] == ["/c"]
    assert len(idx.jsonld_scripts) == 1 and len(idx.scripts) == 1
    assert [h.text for h in idx.h1s] == ["H"] and len(idx.titles) == 1


def test_normalize_text_fast_path_matches_general_path():
    assert normalize_text("  a\t b\x0b c\n") == "a b c"
    assert normalize_text("Cafe\u0301\u00a0\u200bbar\x01") == "Café bar"


def test_class_words_are_cached_per_string():
    assert words_of("articleBody__lead-text", "") == frozenset({"article", "body", "lead", "text"})
    assert words_of("articleBody__lead-text", "") is words_of("articleBody__lead-text", "")


def test_class_words_fast_path_equals_splitting_each_token():
    """Words split from the whole string (ASCII lower-cased at once, the camelCase pass
    skipped without upper case) equal each token split and each part lower-cased by
    itself: camelCase, separators, digits, non-ASCII, a Greek final sigma before "."."""
    import random
    import re as re_module

    from newscrawl.extraction.dom import hint_words

    camel = re_module.compile(r"(?<=[a-z0-9])(?=[A-Z])")
    split = re_module.compile(r"[\s_\-.:/]+")

    def slow(tokens: list[str]) -> set[str]:
        return {part.lower() for tok in tokens for part in split.split(camel.sub(" ", tok))
                if part}

    pieces = ["article", "Body", "lead", "X", "2", "-", "__", ".", ":", "/", "\u00a0", "ΑΣ",
              "Σ", "é", "İ", "ß", "nav", "ID", "a1B"]
    rnd = random.Random(9)
    for _ in range(5_000):
        tokens = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 5)))
                  for _ in range(rnd.randint(0, 3))]
        assert hint_words(tokens) == slow(tokens), tokens
        assert hint_words(" ".join(tokens)) == slow(" ".join(tokens).split()), tokens
        cls, ident = (tokens + ["", ""])[:2]
        assert words_of.__wrapped__(cls, ident, "itemBody") == slow([cls, ident, "itemBody"])
    assert hint_words(["ΑΣ.Β"]) == {"ας", "β"}  # each part lower-cased alone


def test_hint_tokens_split_like_the_whitespace_regex():
    """An attribute set's hint tokens (``str.split``, first of a repeated name) are those
    of splitting at ``\\s+`` and dropping empty tokens: every whitespace character,
    data-* names and values, skipped values, repeats."""
    import random
    import re as re_module

    from newscrawl.extraction.dom import _HINT_ATTRS, _hint_tokens

    space = re_module.compile(r"\s+")
    assert all(chr(c).isspace() == bool(space.fullmatch(chr(c))) for c in range(0x110000))

    def slow(items: list[tuple[str, str]]) -> tuple[str, ...]:
        attrs: dict[str, str] = {}
        for name, value in items:
            attrs.setdefault(name, value)
        out = [t for name in _HINT_ATTRS if attrs.get(name)
               for t in space.split(attrs[name].strip().lower())]
        for name, value in items:
            if name.startswith("data-") and name != "data-src":
                out.append(name[5:].lower())
                if value and len(value) <= 40 and not value.startswith(("http", "/", "{", "[")):
                    out += space.split(value.strip().lower())
        return tuple(t for t in out if t)

    names = [*_HINT_ATTRS, "data-", "data-src", "data-Role", "data-x", "href", "style"]
    pieces = ["Story", "nav", " ", "\t", "\u00a0", "\u2028", "\x1c", "http:", "/a", "{", "İ", ""]
    rnd = random.Random(4)
    for _ in range(20_000):
        items = [(rnd.choice(names), "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))))
                 for _ in range(rnd.randint(1, 4))]
        assert _hint_tokens(items) == slow(items), items


def test_extract_does_not_mutate_a_deep_copied_tree_either():
    raw = (FIXTURES / "bold_byline.html").read_bytes()
    root = lxml_html.fromstring(raw)
    twin = copy.deepcopy(root)
    extract(None, "https://news.example/keeper", tree=root)
    assert etree.tostring(root) == etree.tostring(twin)


def test_key_points_box_and_teaser_card_excerpts_are_not_story():
    """A key-points box restates the story; a river of cards (linked headline, author,
    time, excerpt) must not widen the container to the page: excerpts follow linked
    headlines, so they count against a container instead of for it."""
    ex = load("digest_and_cards.html")
    text = " ".join(b.text for b in ex.blocks)
    assert "A third of people who bought crypto" in text
    assert "younger buyers were the most likely" in text
    assert "About a third of new crypto investors" not in text
    assert "troubled banking startup" not in text and "spreadsheets" not in text


def test_tree_argument_edge_cases_never_raise():
    comment = etree.Comment("just a comment")
    assert extract(None, "https://news.example/a", tree=comment) is None
    empty = lxml_html.fromstring("<html><body></body></html>")
    assert extract(None, "https://news.example/a", tree=empty) is None
    doc = lxml_html.fromstring("<html><body><h1>Only a headline</h1></body></html>")
    ex = extract(b"<html>ignored</html>", "https://news.example/a", tree=doc)
    assert ex is not None and ex.title == "Only a headline"


def test_expandable_box_is_skipped_but_expandable_wrappers_and_accordions_are_read():
    """A box the reader has to open ("expandable-box") is a background extra beside the
    story; a wrapper merely called "expandable-content" and an accordion are read."""
    ex = load("expandable_box.html")
    text = " ".join(b.text for b in ex.blocks)
    assert "ending a dispute that had delayed" in text
    assert "tickets would cost no more" in text
    assert "Background: the rail dispute" not in text
    assert "first proposed in 2015" not in text
    assert "Construction will start next spring" in text
    assert "Unions welcomed the decision" in text


def test_next_article_after_the_headline_is_not_read():
    """Infinite scroll appends the next story below this one (``under-article`` /
    ``second-article``): after the page's headline such a wrapper is another story."""
    ex = load("next_article.html")
    text = " ".join(b.text for b in ex.blocks)
    assert ex.title == "Harbour bridge reopens"
    assert "Engineers replaced more than two hundred cables" in text
    assert "new head coach" not in text and "Supporters had called" not in text


def test_next_article_wrapper_holding_the_headline_is_read():
    """The same class words on the wrapper of the page's own story (the headline comes
    inside it) do not hide the story."""
    ex = load("next_article_first.html")
    text = " ".join(b.text for b in ex.blocks)
    assert "Engineers replaced more than two hundred cables" in text
    assert "Commuters had faced detours" in text


def test_markdown_article_body_is_reduced_to_text():
    """A JSON-LD articleBody in the CMS's markdown: directives ("+++dropcap",
    "[#image: …]", "{: …}") dropped, links and emphasis reduced to their words; lines
    wrapped mid-sentence are joined (so the player fallback is one removable block)."""
    ex = load("jsonld_markdown_body.html")
    texts = [b.text for b in ex.blocks]
    assert not any(t.startswith(("+++", "[#image", "{:")) for t in texts)
    assert ("Last year they published a paper about the work at the test pond, and NASA "
            "followed the results closely.") in texts
    assert ("To view this video please enable JavaScript, and consider upgrading to a web "
            "browser that supports HTML5 video") in texts
    assert texts[-1].startswith("The team now wants to test the coating")


def test_plain_article_body_is_left_as_written():
    """Without markdown markers the body is not touched, and lines that end sentences or
    start in capitals stay separate paragraphs."""
    ex = load("jsonld_body_only.html")
    texts = [b.text for b in ex.blocks]
    assert texts == [
        "The city museum opened its new wing on Monday after four years of construction work.",
        "The wing houses the museum's collection of modern art, including several works that "
        "have never been shown before.",
        "Entry to the new wing is free for the first month, the director said at the opening "
        "ceremony.",
    ]


@pytest.mark.parametrize("cls, expected", [
    ("under-article", True), ("second-article", True), ("nextArticle", True),
    ("next_story-wrap", True), ("article-body has-next", False), ("article next-prev", False),
    ("context-article", False),
])
def test_next_story_words_must_be_adjacent_in_one_token(cls: str, expected: bool) -> None:
    from newscrawl.extraction.walk import is_next_story
    assert is_next_story(cls, "") is expected


def _class_strings() -> list[str]:
    """Class/id strings built from every word the walk's class verdicts look for, in the
    spellings sites use (BEM, camelCase, upper case), plus plain ones."""
    from newscrawl.extraction import walk as W

    words = sorted(W.EMBED_CLASSES | W.SKIP_WORDS | W.COMMENT_WORDS | W.COMMENT_QUALIFIERS
                   | W.DIGEST_WORDS | {w for pair in W.DIGEST_PAIRS for w in pair})
    out = ["", "article-body", "story text", "col-md-8", "post-12345"]
    for word in words:
        out += [word, word.upper(), f"c-{word}__inner", f"{word}Box", f"my{word.title()}"]
    for pair in W.DIGEST_PAIRS:
        out += ["-".join(sorted(pair)), "".join(w.title() for w in sorted(pair)),
                " ".join(sorted(pair, reverse=True))]
    out += ["expandable-box", "Collapsible_box", "toggleBox", "nextArticle", "under-story",
            "following_article", "comments-section wrap", "comment count"]
    return out


def test_substring_pattern_finds_exactly_the_words_inside():
    """The anchored pattern (each word found from its rarest letter, the rest checked
    around it) says what a plain substring test of every word says: for the walk's
    verdict words and a small set with shared letters, on pieces of words glued,
    cut and overlapped."""
    import random

    from newscrawl.extraction import walk as W

    vocabularies = [
        W.EMBED_CLASSES | W.SKIP_WORDS | W.COMMENT_WORDS | W.DIGEST_WORDS
        | {w for pair in W.DIGEST_PAIRS for w in pair} | {"expand", "toggle", "next"},
        {"ab", "abc", "bca", "zz", "q", "x-y", "a.b"},
    ]
    rnd = random.Random(3)
    for words in vocabularies:
        pattern = W.substring_pattern(words)
        pieces = sorted(words) + ["a", "-", " ", "x", "co", "mm", "é", "Z"]
        texts = ["", *words, *(w[1:] for w in words), *(w[:-1] for w in words)]
        for _ in range(20_000):
            text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4)))
            texts.append(text[rnd.randint(0, 3):])
        found = 0
        for text in texts:
            expected = any(w in text for w in words)
            found += expected
            assert bool(pattern.search(text)) is expected, text
        assert 0 < found < len(texts)


def test_walk_verdict_equals_the_plain_rules_cold_and_memoised(monkeypatch):
    """The walk's per-triple verdict (class flags read from their dict, the prefilter
    written out) is the plain rules' answer: a hidden class first, nothing for <body> or
    an element without class and id, <article>/<main> only as the next story. Its
    one-search prefilter only skips work: for every class/id spelling of every word the
    verdicts know, it agrees with the full rules. Asked cold, then again from the
    class-flag dict, which stays within its bound."""
    from newscrawl._memo import BoundedMemo
    from newscrawl.extraction import walk as W
    from newscrawl.extraction.dom import HIDDEN_CLASSES, hidden_class

    strings = _class_strings() + [f"x {c}" for c in sorted(HIDDEN_CLASSES)] + [
        "Hidden", "SR-ONLY card", "hidden-xs", "comments hidden"]
    monkeypatch.setattr(W, "_CLASS_FLAGS", BoundedMemo(50))
    non_plain = 0
    for tag in ("div", "p", "body", "article", "main"):
        for cls in (None, "", *strings):
            for ident in (None, "", "comments", "main", "post-12", cls):
                if cls and hidden_class(cls):
                    expected = W.HIDDEN
                elif not (cls or ident) or tag == "body":
                    expected = W.NO
                else:
                    expected = W._class_verdict(cls or "", ident or "", tag == "p")
                    non_plain += tag in ("div", "p") and expected != W.NO
                    if tag in ("article", "main") and expected != W.NEXT_STORY:
                        expected = W.NO
                for _ in range(2):  # computed, then remembered
                    assert W.class_id_verdict(tag, cls, ident) == expected, (tag, cls, ident)
                assert len(W._CLASS_FLAGS) <= 50
    assert non_plain > 500  # the vocabulary does reach every verdict path


def test_ends_sentence_is_the_end_punctuation_regex():
    """The last-character test of the body scoring finds what ``_END_PUNCT.search`` finds:
    every BMP character at the end, before a final newline, and a few tricky endings."""
    from newscrawl.extraction.body import _END_PUNCT, ends_like_prose

    for code in range(0x10000):
        c = chr(code)
        for text in (c, f"ab{c}", f"ab{c}\n", f"{c}\n\n", f"{c} x", f"\n{c}"):
            assert ends_like_prose(text) == bool(_END_PUNCT.search(text)), (hex(code), text)
    for text in ("", "\n", "\n\n", ".\n", ".\n\n", "a.\r\n", "end.  ", "」\n", "a\n.", "x\u2028"):
        assert ends_like_prose(text) == bool(_END_PUNCT.search(text)), text


def test_every_author_path_holds_the_prefilter_part():
    """The byline scan tests links for one substring before the author paths."""
    from newscrawl.extraction.core import _AUTHOR_PATH_PART, _AUTHOR_PATHS

    assert all(_AUTHOR_PATH_PART in path for path in _AUTHOR_PATHS)


def test_every_control_byte_is_deleted_before_parsing():
    """The memchr check before the delete sees each control byte (NUL would cut the
    document short), and a page without any is parsed from its own bytes unchanged."""
    from newscrawl.extraction.parse import _CONTROL_BYTES, parse_html

    for byte in _CONTROL_BYTES:
        text = f"<html><body><p>a{chr(byte)}b</p><p>end</p></body></html>"
        root = parse_html(text)
        assert [p.text for p in root.iter("p")] == ["ab", "end"], hex(byte)
        root = parse_html(text, text.encode("utf-8"))
        assert [p.text for p in root.iter("p")] == ["ab", "end"], hex(byte)
    root = parse_html("<html><body><p>a\tb\nc\rd</p></body></html>")
    assert root.find(".//p").text == "a\tb\nc\nd"
