"""Headlines (extraction/titles.py): site names stripped by what the page states,
logo/share-box <h1> rejected, <title>/heading agreement, headlines with separators kept."""

from __future__ import annotations

import pytest

from newscrawl.extraction import extract

STORY = "<p>" + "The water rose through the night and reached the first houses by dawn. " * 3 + "</p>"
STORY2 = "<p>" + "Residents were moved to the school hall while the pumps kept running. " * 3 + "</p>"


def page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def title_of(html: str, url: str = "https://corpus.invalid/x/1") -> str | None:
    ex = extract(html, url)
    assert ex is not None
    return ex.title


def test_logo_h1_equal_to_og_site_name_rejected_and_suffix_stripped():
    html = page("<title>Dam bursts at noon | Valley Times</title>"
                "<meta property='og:site_name' content='Valley Times'>",
                "<div id='header'><h1><a href='/'>Valley Times</a></h1></div>"
                "<div class='post'><h2>Dam bursts at noon</h2>" + STORY + STORY2 + "</div>")
    assert title_of(html, "https://valleytimes.example/dam") == "Dam bursts at noon"


def test_site_suffix_named_by_a_host_label():
    html = page("<title>Nadal wins in Madrid - Yahoo! Eurosport UK</title>",
                "<div class='content'>" + STORY + STORY2 + "</div>")
    assert title_of(html, "http://uk.eurosport.yahoo.com/tennis/story.html") == "Nadal wins in Madrid"


def test_site_prefix_with_colon_named_by_the_host():
    html = page("<title>KalingaTimes.com: Floods leave thousands homeless in Orissa</title>",
                "<div class='content'>" + STORY + STORY2 + "</div>")
    assert (title_of(html, "http://www.kalingatimes.com/orissa_news/news1.htm")
            == "Floods leave thousands homeless in Orissa")


def test_banner_h1_that_is_one_end_of_the_title_is_the_site_name():
    # no metadata, no host: the page's banner <h1> is the title's "Site: " prefix
    html = page("<title>Seth's Blog: The importance of going first</title>",
                "<div id='banner'><h1>Seth's Blog</h1><h2>Riffs on marketing and ideas.</h2></div>"
                "<div class='entry'><h3>The importance of going first</h3>" + STORY + STORY2 + "</div>")
    assert title_of(html) == "The importance of going first"


def test_share_box_h1_rejected():
    html = page("<title>Council approves new bridge - Harbor Post</title>",
                "<div class='share-box'><h1>Share this</h1></div>"
                "<div class='story'><h2>Council approves new bridge</h2>" + STORY + STORY2 + "</div>")
    assert title_of(html) == "Council approves new bridge"


def test_heading_that_is_one_side_of_the_title_is_the_headline():
    # "- Slashdot" is named nowhere else; the <h2> equal to the other side confirms it
    html = page("<title>The Nation Is Losing Its Toolbox - Slashdot</title>",
                "<div class='story'><h2>The Nation Is Losing Its Toolbox</h2>" + STORY + STORY2 + "</div>")
    assert title_of(html) == "The Nation Is Losing Its Toolbox"


@pytest.mark.parametrize("headline", ["Rain - and more rain - for the weekend",
                                      "Spider-Man: Turn Off the Dark - the musical flops"])
def test_headline_containing_a_separator_kept(headline):
    html = page(f"<title>{headline}</title>",
                f"<article><header><h1>{headline}</h1></header>{STORY}{STORY2}</article>")
    assert title_of(html) == headline


def test_headline_h1_in_a_header_kept_when_the_title_end_is_the_host():
    # the <h1> sits in the page header, but the title's other end is the host: it is the headline
    html = page("<title>Abnehmspritze kommt: So teuer wird sie - waz.de</title>",
                "<header class='header'><div class='breadcrumb'><h1>Abnehmspritze kommt: So teuer wird sie"
                "</h1></div></header><div class='story'>" + STORY + STORY2 + "</div>")
    assert title_of(html, "https://www.waz.de/x/article1.html") == "Abnehmspritze kommt: So teuer wird sie"


def test_non_latin_site_name_and_logo_h1():
    html = page("<title>Город готовится к наводнению — Новая газета</title>"
                "<meta property='og:site_name' content='Новая газета'>",
                "<header><a href='/'><h1>Новая газета</h1></a></header>"
                "<div class='story'><h2>Город готовится к наводнению</h2>" + STORY + STORY2 + "</div>")
    assert title_of(html, "https://novayagazeta.example/articles/1") == "Город готовится к наводнению"


def test_cjk_fullwidth_separator_and_site_name():
    html = page("<title>大雨で川が氾濫｜東京新聞</title><meta property='og:site_name' content='東京新聞'>",
                "<div class='story'><h2>大雨で川が氾濫</h2>" + STORY + STORY2 + "</div>")
    assert title_of(html, "https://www.tokyo-np.example/article/1") == "大雨で川が氾濫"


def test_story_heading_anchors_the_body_when_the_h1_is_a_logo():
    # og:title agrees with the <h2>; the logo <h1> and a later "Post navigation" <h1>
    # must not be taken for the story's start
    html = page("<title>Storm closes the port « The Harbor Hustle</title>"
                "<meta property='og:title' content='Storm closes the port'>"
                "<meta property='og:site_name' content='The Harbor Hustle'>",
                "<div id='header'><div class='wrap'><h1>The Harbor Hustle</h1></div></div>"
                "<div id='content'><div class='post'><h2>Storm closes the port</h2>" + STORY + STORY2
                + "</div><div id='nav-below'><h1>Post navigation</h1><a href='/a'>Older</a></div></div>")
    ex = extract(html, "https://harborhustle.example/2012/08/storm")
    assert ex is not None
    assert ex.title == "Storm closes the port"
    assert [b.text[:29] for b in ex.blocks] == ["The water rose through the ni", "Residents were moved to the s"]


def test_part_that_only_starts_with_the_host_name_is_not_a_site_name():
    html = page("<title>Free Range Librarian › I am The Man — and you can, too!</title>",
                "<div id='header'><h1>Free Range Librarian</h1></div>"
                "<div class='hentry'><h2>I am The Man — and you can, too!</h2>" + STORY + STORY2 + "</div>")
    assert (title_of(html, "http://freerangelibrarian.example/2012/07/04/i-am-the-man/")
            == "I am The Man — and you can, too!")


def test_heading_equal_to_the_site_side_of_the_title_is_not_the_headline():
    html = page("<title>When the Problem is You… | Peter Shankman</title>",
                "<div id='top'><h2>PETER SHANKMAN</h2></div><div class='entry'>" + STORY + STORY2 + "</div>")
    assert title_of(html, "http://shankman.example/when-the-problem-is-you/") == "When the Problem is You…"
