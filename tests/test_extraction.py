"""extract(): metadata trust order, story blocks, text normalisation, decoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.extraction import HEADING, LEAD, LIST_ITEM, PARAGRAPH, QUOTE, Extraction, extract
from newscrawl.extraction.authors import split_names
from newscrawl.extraction.dates import parse_datetime
from newscrawl.extraction.jsonld import loads_lenient
from newscrawl.extraction.titles import strip_site_suffix

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


def load(name: str, url: str) -> Extraction:
    ex = extract((FIXTURES / name).read_bytes(), url)
    assert ex is not None
    return ex


def texts(ex: Extraction) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in ex.blocks]


# --- JSON-LD variants ------------------------------------------------------------------

def test_graph_article_metadata():
    ex = load("graph_article.html", "https://dailyharbor.example/news/harbour-reopens?utm=1")
    assert ex.canonical_url == "https://dailyharbor.example/news/harbour-reopens"
    assert ex.title == "Harbour reopens after storm"
    assert ex.subtitle == "The town's harbour reopened on Monday, three days after the storm."
    # Person vs Organization; "By" and the role are stripped from a Person's name.
    assert ex.authors == ["Jane Doe", "John Smith"]
    assert ex.author_organizations == ["Reuters"]
    # The article's own date, not the WebPage's in the same @graph.
    assert ex.published == "2024-05-03T15:47:42+02:00"
    assert ex.modified == "2024-05-04T08:00:00+02:00"
    assert ex.language == "en"
    assert ex.section == "Local"
    assert ex.tags == ["Storms", "Harbour"]
    assert ex.site_name == "The Daily Harbor"
    assert ex.og_type == "article"
    assert ex.jsonld_types == ["WebPage", "NewsArticle"]


def test_graph_article_blocks_kinds_and_normalisation():
    ex = load("graph_article.html", "https://dailyharbor.example/news/harbour-reopens")
    assert texts(ex) == [
        (LEAD, "The town's harbour reopened on Monday, three days after the storm."),
        # <b>har</b>bour stays one word; &#39; decoded.
        (PARAGRAPH, "The harbour opened its gates at six o'clock on Monday morning, and the first "
                    "fishing boats left soon after."),
        (PARAGRAPH, "Engineers had worked through the weekend to clear the debris that the storm "
                    "left behind in the channel."),
        (HEADING, "Damage to the pier"),
        (PARAGRAPH, "The old pier lost two of its lamp posts and a section of its rail, the "
                    "council said in a statement."),
        (LIST_ITEM, "Two lamp posts were lost."),
        (LIST_ITEM, "The rail will be repaired by June."),
        (QUOTE, "We are open for business again, and we are grateful to everyone who helped."),
        # soft hyphens and zero-width space removed
        (PARAGRAPH, "Traffic on the coast road returned to normal by the afternoon, police said."),
        # promo boxes inside the story stay: cleaning judges them by their hints
        (PARAGRAPH, "Sign up to our newsletter for the latest news from the coast."),
    ]
    assert [b.index for b in ex.blocks] == list(range(len(ex.blocks)))
    assert ex.blocks[-1].hints == "newsletter-box article-body"
    assert all(b.in_story for b in ex.blocks)


def test_malformed_jsonld_comment_trailing_comma_control_chars():
    ex = load("malformed_jsonld.html", "https://riverside.example/bridge")
    assert ex.title == "Council approves new bridge"
    assert ex.published == "2023-11-05T09:30:00+00:00"
    assert ex.authors == []
    assert ex.author_organizations == ["Riverside Post Staff"]
    assert ex.tags == ["bridge", "council", "river"]
    assert ex.jsonld_types == ["NewsArticle"]
    assert ex.language == "en"  # detected from the text: no language in the markup


def test_jsonld_array_picks_the_pages_own_article():
    ex = load("array_jsonld.html", "https://zeitung.example/bahnlinie")
    assert ex.authors == ["Anna Müller", "Jörg Weber"]
    assert ex.published == "2024-03-01T07:15:00+01:00"
    assert ex.jsonld_types == ["BreadcrumbList", "ItemList", "NewsArticle"]


def test_story_only_in_jsonld():
    ex = load("jsonld_body_only.html", "https://museum.example/wing")
    assert [b.text for b in ex.blocks] == [
        "The city museum opened its new wing on Monday after four years of construction work.",
        "The wing houses the museum's collection of modern art, including several works that "
        "have never been shown before.",
        "Entry to the new wing is free for the first month, the director said at the opening "
        "ceremony.",
    ]
    assert ex.authors == ["Sam Lee"]
    assert ex.published == "2024-07-01T00:00:00+00:00"
    assert ex.published_raw == "2024-07-01"


def test_loads_lenient():
    assert loads_lenient('{"a": [1, 2,], }') == [{"a": [1, 2]}]
    assert loads_lenient('{"a": 1} {"b": 2}') == [{"a": 1}, {"b": 2}]
    assert loads_lenient("<![CDATA[ {\"a\": \"x\ty\"} ]]>") == [{"a": "x\ty"}]
    assert loads_lenient("not json at all") == []


# --- meta-only pages, bylines, dates ---------------------------------------------------

def test_meta_only_page():
    ex = load("meta_only.html", "https://alpenblatt.example/schnee")
    assert ex.title == "Schneefall legt Verkehr lahm"  # " | Alpenblatt" stripped
    assert ex.authors == ["Anna Müller", "Peter Huber"]
    assert ex.author_organizations == ["APA"]
    assert ex.published == "2024-01-15T06:45:00+01:00"
    assert ex.language == "de"  # content-language meta
    assert ex.site_name == "Alpenblatt"
    # the lead found by its class, then the story; the related link list is dropped
    assert texts(ex) == [
        (LEAD, "Heftiger Schneefall hat am Montag den Verkehr im ganzen Land lahmgelegt."),
        (PARAGRAPH, "Auf den Autobahnen bildeten sich schon am frühen Morgen lange Staus, mehrere "
                    "Lastwagen blieben liegen."),
        (PARAGRAPH, "Auch der Zugverkehr war betroffen: Zahlreiche Verbindungen fielen aus oder "
                    "hatten große Verspätung."),
        (PARAGRAPH, "Die Räumdienste waren nach Angaben der Behörden seit vier Uhr früh mit allen "
                    "Fahrzeugen im Einsatz."),
    ]
    assert ex.subtitle == ex.blocks[0].text


def test_teaser_date_trap_and_byline():
    ex = load("teaser_date.html", "https://library.example/award")
    # the teaser's 2019 <time> comes first in the document but is not the article's
    assert ex.published == "2024-02-10T18:20:00-05:00"
    assert ex.authors == ["Mary Jones", "Tom Brown"]
    assert [b.text for b in ex.blocks] == [
        "The town library has won a national award for its reading programme for children "
        "and teenagers.",
        "The jury praised the volunteers who run the weekly reading hour, the librarian said "
        "on Saturday.",
    ]


@pytest.mark.parametrize("raw, expected", [
    ("2024-05-03T15:47:42.389Z", "2024-05-03T15:47:42.389000+00:00"),
    ("2024-05-03T15:47:42+0200", "2024-05-03T15:47:42+02:00"),
    ("2024-05-03 15:47", "2024-05-03T15:47:00+00:00"),
    ("2024-05-03", "2024-05-03T00:00:00+00:00"),
    ("Fri, 03 May 2024 17:47:42 +0200", "2024-05-03T17:47:42+02:00"),
    ("03.05.2024, 17:47 Uhr", "2024-05-03T17:47:00+00:00"),
    ("May 3, 2024 5:47 pm", "2024-05-03T17:47:00+00:00"),
    ("3. Mai 2024", "2024-05-03T00:00:00+00:00"),
    ("2024年5月3日", "2024-05-03T00:00:00+00:00"),
    ("1714751262", "2024-05-03T15:47:42+00:00"),
    ("yesterday", None),
    ("", None),
])
def test_parse_datetime(raw, expected):
    moment = parse_datetime(raw)
    assert (moment and moment.isoformat()) == expected


@pytest.mark.parametrize("raw, people, orgs", [
    ("By Jane Doe and John Smith, Political Correspondent", ["Jane Doe", "John Smith"], []),
    ("Von Anna Müller und Peter Huber, dpa", ["Anna Müller", "Peter Huber"], ["dpa"]),
    ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"], []),
    ("Por María García y José López", ["María García", "José López"], []),
    ("jane.doe@example.com", [], []),
    ("AFP", [], ["AFP"]),
])
def test_split_names(raw, people, orgs):
    assert split_names(raw) == (people, orgs)


def test_byline_drops_place_after_comma():
    assert split_names("Von Anna Sleegers, Frankfurt", byline=True) == (["Anna Sleegers"], [])


@pytest.mark.parametrize("title, expected", [
    ("Storm hits coast | The Daily Harbor", "Storm hits coast"),
    ("Storm hits coast - dailyharbor.example", "Storm hits coast"),
    ("The Daily Harbor | Storm hits coast", "Storm hits coast"),
    ("Storm - hits coast", "Storm - hits coast"),
])
def test_title_suffix_stripping(title, expected):
    assert strip_site_suffix(title, ["The Daily Harbor"], "www.dailyharbor.example") == expected


def test_title_prefers_jsonld_headline_and_cuts_section_suffix():
    html = ("<html><head><title>Dam bursts | News | Valley Times</title>"
            "<meta property='og:site_name' content='Valley Times'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            "\"headline\": \"Dam bursts | News\"}</script></head><body><h1>Dam bursts</h1>"
            "<p>" + "The dam burst at noon and flooded the valley below the town. " * 3 + "</p>"
            "</body></html>")
    ex = extract(html, "https://valleytimes.example/dam")
    assert ex.title == "Dam bursts"


# --- text normalisation ---------------------------------------------------------------

def test_inline_tags_entities_br_and_nfc():
    html = ("<html><body><article><h1>T</h1><div class='article-body'>"
            "<p>Caf<i>e\u0301</i> &amp; <span>bar</span>: the <a href='#'>har</a>bour&nbsp;town"
            " is open, said the owner of the small caf\u00e9 by the water today.</p>"
            "<p>First line of a poem that is long enough to count as text here<br>"
            "second line of the same poem, still the same paragraph of text</p>"
            "<p>One block of text that stands alone before a double break here.<br><br>"
            "Another block of text that stands alone after the double break.</p>"
            "</div></article></body></html>")
    ex = extract(html, "https://x.example/a")
    assert [b.text for b in ex.blocks] == [
        "Café & bar: the harbour town is open, said the owner of the small café by the water "
        "today.",
        "First line of a poem that is long enough to count as text here second line of the "
        "same poem, still the same paragraph of text",
        "One block of text that stands alone before a double break here.",
        "Another block of text that stands alone after the double break.",
    ]
    assert ex.blocks[0].link_density == pytest.approx(3 / len(ex.blocks[0].text), abs=0.001)


# --- decoding and garbage --------------------------------------------------------------

def test_cp1252_bytes_decoded_by_meta_charset():
    ex = load("cp1252.html", "https://cafe.example/")
    assert ex.title == "Café “Zur Post” eröffnet"
    assert ex.blocks[0].text == ("Das Café am Marktplatz hat nach langer Renovierung wieder "
                                 "geöffnet – die Gäste freuen sich.")
    assert ex.language == "de"


def test_shift_jis_bytes_decoded_by_http_equiv():
    ex = load("shift_jis.html", "https://sakura.example/")
    assert ex.title == "東京で桜が満開"
    assert ex.blocks[1].text == "上野公園には朝から多くの花見客が訪れ、満開の桜を楽しんでいた。"
    assert ex.language == "ja"


def test_header_charset_wins_over_meta():
    raw = ("<html><head><meta charset='utf-8'><title>Gr\u00fc\u00dfe</title></head>"
           "<body></body></html>").encode("latin-1")
    assert extract(raw, "https://x.example/", encoding="latin-1").title == "Grüße"


def test_nul_bytes_bom_and_xml_declaration():
    raw = ("\ufeff<?xml version='1.0' encoding='utf-8'?>\n<html><head><title>Nul\x00 test"
           "</title></head><body><h1>Nul test</h1><p>Text after a NUL\x00 byte is still "
           "read by the parser, all of it, to the end.</p></body></html>").encode("utf-8")
    ex = extract(raw, "https://x.example/")
    assert ex.title == "Nul test"
    assert ex.blocks[0].text == ("Text after a NUL byte is still read by the parser, all of it, "
                                 "to the end.")
    # an XML declaration inside a str is fine too
    assert extract(raw.decode("utf-8"), "https://x.example/").title == "Nul test"


@pytest.mark.parametrize("garbage", [
    b"", b"   ", "", b"\x00\x00\x00", b"\xff\xfe\x00", b"<<<>>>", b"<html></html>",
    b"<?xml version='1.0' encoding='bogus-codec'?><a>",
])
def test_garbage_gives_none(garbage):
    assert extract(garbage, "https://x.example/") is None


def test_lone_surrogate_and_bogus_header_charset():
    assert extract("\udcff lone surrogate", "https://x.example/").blocks == []
    ex = extract(b"<title>Ok</title>", "https://x.example/", encoding="no-such-codec")
    assert ex.title == "Ok"


def test_deep_and_wide_dom_never_raises():
    # deeper than libxml2's default limit: re-parsed with the huge-tree option
    deep = "<div>" * 1000 + "<p>" + "deep text " * 20 + "</p>" + "</div>" * 1000
    assert extract(deep, "https://x.example/").blocks[0].text == ("deep text " * 20).strip()
    # deeper than any limit: no exception, whatever is left
    extract("<div>" * 20000 + "x" + "</div>" * 20000, "https://x.example/")
    wide = "<html><body>" + "<p>short para here</p>" * 20000 + "</body></html>"
    assert extract(wide, "https://x.example/") is not None


def test_a_headline_laid_out_below_the_post_does_not_drop_the_story():
    # The <h1> comes after the three paragraphs in the same container: they are the
    # story, not a kicker before it (issue 23).
    ex = load("h1-below-post.html", "https://harbour.example/notes/bakery")
    assert ex.title == "New bakery opens on the quay"
    assert [b.text[:40] for b in ex.blocks] == [
        "The old net store on the quay will open ", "The owners plan to bake bread and pies o",
        "The council gave permission for the chan"]


def test_a_kicker_before_the_headline_is_still_left_out():
    html = (b"<html><head><title>Quay wall to be rebuilt</title></head><body><div class='story'>"
            b"<p>Harbour &gt; Local news &gt; Works</p><h1>Quay wall to be rebuilt</h1>"
            b"<p>The council will rebuild the north quay wall next year, after a survey found "
            b"cracks through the whole wall. The work will take six months.</p>"
            b"<p>Lorries stay off the quay until then, the harbour master said on Friday.</p>"
            b"</div></body></html>")
    ex = extract(html, "https://harbour.example/notes/quay-wall")
    assert ex is not None and [b.text[:20] for b in ex.blocks] == [
        "The council will reb", "Lorries stay off the"]
