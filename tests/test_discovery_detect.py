"""Article detection that does not throw articles away: short stories whose structure
says story, long prose under a hub ``og:type``, WordPress ``/?p=N`` URLs, the verdict's
confidence, and ``extract_article(require_article=False)`` for any page."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl import extract_article
from newscrawl.discovery.detect import CONFIDENCE, Verdict, article_verdict, looks_like_hub_url
from newscrawl.extraction.model import HEADING, Block, Extraction

FIXTURES = Path(__file__).parent / "fixtures" / "detect"

_SENTENCE = "The morning ferry to the island leaves twenty minutes earlier from Monday."  # 12 words


def _prose(paragraphs: int, sentences: int) -> list[Block]:
    return [Block(text=" ".join([_SENTENCE] * sentences), index=i) for i in range(paragraphs)]


def _teasers(count: int) -> list[Block]:
    out = []
    for i in range(count):
        out.append(Block(text=f"Quay repairs start in spring, part {i}", kind=HEADING, tag="h2",
                         link_density=1.0))
        out.append(Block(text="Engineers will close the north quay for three weeks. Read more",
                         link_density=0.15))
    return out


def _captions(count: int) -> list[Block]:
    return [Block(text="Waves break over the north quay on Tuesday night.") for _ in range(count)]


_LONG_SENTENCE = ("Everyone who came to the meeting on Tuesday evening asked for the slides, so here "
                  "they are with the survey drawings, the cost table for the new sea wall and the "
                  "notes from the questions about parking on the north quay.")  # 41 words


def _intro() -> Block:
    """A lead that introduces what follows with a colon (no sentence end of its own)."""
    return Block(text="For this week's recording we sat down with the harbour master, who has kept "
                      "the port open through eleven winters, to hear how the crews prepare:")


def _blog_furniture(story: list[Block]) -> list[Block]:
    """A blog post's page: "« previous | Main", a date and the headline as headings, the
    post, a "Tweet" link."""
    return [Block(text="« Quay repairs start in spring | Main | Storm damage »", link_density=0.95),
            Block(text="October 17, 2012", kind=HEADING, tag="h2"),
            Block(text="Ferry times change", kind=HEADING, tag="h3"),
            *story, Block(text="Tweet", link_density=1.0)]


def _page(blocks: list[Block], title: str | None = "Ferry times change", **kw) -> Extraction:
    return Extraction(url="u", title=title, blocks=blocks, **kw)


NEUTRAL = "https://harbour.example/notes/ferry-times"  # no date, id, slug or hub word
_POST = "http://kourteous.example/2012/11/07/ferry-times-change/"


@pytest.mark.parametrize(("extraction", "url", "expected"), [
    # 60 words in two paragraphs of sentences, with a headline: a short story
    (_page(_prose(2, 3)), NEUTRAL, (True, "short-story")),
    # three paragraphs of 24 words: real paragraphs, not captions
    (_page(_prose(3, 2)), NEUTRAL, (True, "short-story")),
    # a blog's furniture around one paragraph does not count against it
    (_page(_blog_furniture(_prose(1, 5))), NEUTRAL, (True, "short-story")),
    # the same text without a headline, or below 50 words, is not enough
    (_page(_prose(2, 3), title=None), NEUTRAL, (False, "no-story")),
    (_page(_prose(1, 3)), NEUTRAL, (False, "no-story")),
    # teaser lists and picture captions of the same length stay out
    (_page(_teasers(6)), NEUTRAL, (False, "no-story")),
    (_page(_captions(9)), NEUTRAL, (False, "no-story")),
    # a long coherent text outweighs og:type video / website …
    (_page(_prose(4, 4), og_type="video"), NEUTRAL, (True, "body-over-og-type")),
    (_page(_prose(4, 4), og_type="website"), "https://ex.com/about-the-quay",
     (True, "body-over-og-type")),
    # … but not a schema.org hub type, nor a hub path, and teasers never do
    (_page(_prose(4, 4), og_type="video", jsonld_types=["VideoObject"]), NEUTRAL,
     (False, "hub-type")),
    (_page(_prose(4, 4), og_type="website"), "https://ex.com/tag/quay", (False, "hub-url")),
    (_page(_teasers(12), og_type="website"), NEUTRAL, (False, "hub-og-type")),
    (_page(_prose(1, 3), og_type="video"), NEUTRAL, (False, "hub-og-type")),
    # the short-story floor is validation's (40 words): 48 words in two paragraphs
    (_page(_prose(2, 2)), NEUTRAL, (True, "short-story")),
    # a block ending in a colon introduces what follows: it is prose
    (_page([_intro(), *_prose(1, 2)]), NEUTRAL, (True, "short-story")),
    # one paragraph of one 41-word sentence is a short story on its own …
    (_page([Block(text=_LONG_SENTENCE)]), NEUTRAL, (True, "short-story")),
    # … but not among teasers, and a 30-word sentence is not enough
    (_page([Block(text=_LONG_SENTENCE), *_teasers(3)]), NEUTRAL, (False, "no-story")),
    (_page([Block(text=" ".join(_LONG_SENTENCE.split()[-30:]))]), NEUTRAL, (False, "no-story")),
    # under an article URL, a coherent story of 120 words in two paragraphs outweighs
    # og:type video; under a neutral URL it takes 150 words in three
    (_page(_prose(2, 6), og_type="video"), "https://ex.com/blog/2012/07/22/fleet-arrives",
     (True, "body-over-og-type")),
    (_page(_prose(2, 6), og_type="video"), NEUTRAL, (False, "hub-og-type")),
    (_page(_prose(2, 2), og_type="video"), "https://ex.com/blog/2012/07/22/fleet-arrives",
     (False, "hub-og-type")),
    # a WordPress post id on the site root is an article URL, the bare root a hub
    (_page(_prose(4, 4)), "http://kourteous.example/?p=521", (True, "url-shape")),
    (_page(_prose(4, 4)), "http://kourteous.example/?page=2", (False, "hub-url")),
    (_page(_prose(4, 4)), "http://kourteous.example/", (False, "hub-url")),
    # … unless the page names an article URL of the same site as its canonical address
    (_page(_prose(4, 4), canonical_url=_POST), "http://kourteous.example/", (True, "url-shape")),
    (_page(_prose(4, 4), canonical_url=_POST), "http://kourteous.example/tag/ferries",
     (True, "url-shape")),
    # not a canonical on another site, the root itself or a hub path; nor without a story
    (_page(_prose(4, 4), canonical_url="http://other.example/2012/11/07/ferry-times-change/"),
     "http://kourteous.example/", (False, "hub-url")),
    (_page(_prose(4, 4), canonical_url="http://kourteous.example/"), "http://kourteous.example/",
     (False, "hub-url")),
    (_page(_prose(4, 4), canonical_url="http://kourteous.example/tag/ferries"),
     "http://kourteous.example/", (False, "hub-url")),
    (_page(_teasers(1), canonical_url=_POST), "http://kourteous.example/", (False, "no-story")),
    # a canonical that points every page to the front page never vetoes an article URL
    (_page(_prose(4, 4), canonical_url="http://kourteous.example/"), _POST, (True, "url-shape")),
])
def test_article_verdict_on_the_story_shape(extraction, url, expected):
    verdict = article_verdict(extraction, url)
    assert (verdict.is_article, verdict.reason) == expected


def test_root_with_a_post_id_is_no_hub_url():
    assert not looks_like_hub_url("https://ex.com/?p=521")
    assert not looks_like_hub_url("https://ex.com/?id=12345&ref=rss")
    assert looks_like_hub_url("https://ex.com/?page=2")
    assert looks_like_hub_url("https://ex.com/")


def test_confidence_is_at_least_a_half_exactly_for_a_yes():
    yes = {"jsonld-type", "og-type", "url-shape", "body", "body-over-og-type", "short-story"}
    assert {reason for reason, level in CONFIDENCE.items() if level >= 0.5} == yes
    assert Verdict(True, "jsonld-type").confidence == 0.95
    assert Verdict(True, "short-story").confidence == 0.6
    assert Verdict(False, "hub-url").confidence == 0.1
    # markup naming an article type is surer than the URL, the URL than the body
    assert CONFIDENCE["jsonld-type"] > CONFIDENCE["og-type"] > CONFIDENCE["url-shape"] \
        > CONFIDENCE["body"] > CONFIDENCE["body-over-og-type"] > CONFIDENCE["short-story"]


def _html(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_short_story_page_is_extracted_and_says_how_sure():
    item = extract_article(_html("short-story.html"), NEUTRAL)
    assert item is not None
    assert item["title"] == "Ferry timetable changes from Monday"
    assert item["paragraphs"][0].startswith("The morning ferry to the island")
    assert len(item["paragraphs"]) == 2
    assert (item["article_reason"], item["article_confidence"]) == ("short-story", 0.6)


def test_a_blog_post_marked_og_video_is_an_article():
    item = extract_article(_html("video-og-blog.html"), NEUTRAL)
    assert item is not None and len(item["paragraphs"]) == 4
    assert (item["article_reason"], item["article_confidence"]) == ("body-over-og-type", 0.65)


@pytest.mark.parametrize("name", ["teaser-list.html", "gallery.html"])
def test_teaser_lists_and_galleries_stay_out(name):
    assert extract_article(_html(name), "https://harbour.example/notes/harbour") is None


def test_require_article_false_returns_the_main_text_of_any_page():
    hub = "https://harbour.example/tag/ferries"
    assert extract_article(_html("short-story.html"), hub) is None
    item = extract_article(_html("short-story.html"), hub, require_article=False)
    assert item is not None
    assert item["paragraphs"][1].startswith("The evening crossing keeps its old times.")
    assert (item["article_reason"], item["article_confidence"]) == ("hub-url", 0.1)


def test_cli_extract_any_page(capsys):
    import json

    from newscrawl.__main__ import main

    page = str(FIXTURES / "short-story.html")
    hub = "https://harbour.example/tag/ferries"
    assert main(["extract", page, "--url", hub]) == 1
    assert "not an article (no item)" in capsys.readouterr().err
    assert main(["extract", page, "--url", hub, "--any-page"]) == 0
    item = json.loads(capsys.readouterr().out)
    assert (item["article_reason"], item["article_confidence"]) == ("hub-url", 0.1)
    assert len(item["paragraphs"]) == 2


@pytest.mark.parametrize(("name", "url", "reason", "words"), [
    # 40 words in two paragraphs: at validation's floor, and now at detection's too
    ("short-post.html", "https://harbour.example/notes/lighthouse", "short-story", 40),
    # a lead ending "…how the crews prepare for the storms:" before the recording's note
    ("intro-colon.html", "https://harbour.example/notes/storms", "short-story", 51),
    # a post of one long sentence
    ("one-paragraph-post.html", "https://harbour.example/notes/slides", "short-story", 45),
    # og:type video on a dated blog post of two long paragraphs
    ("video-og-dated.html", "https://town.example/blog/2012/07/22/mayor-welcomes-fleet",
     "body-over-og-type", 132),
])
def test_short_posts_are_articles(name, url, reason, words):
    item = extract_article(_html(name), url)
    assert item is not None
    assert (item["article_reason"], item["word_count"]) == (reason, words)


def test_og_video_without_an_article_url_needs_the_longer_text():
    assert extract_article(_html("video-og-dated.html"), "https://town.example/blog/fleet") is None


def test_a_post_fetched_at_the_site_root_is_its_canonical_article():
    page = _html("post-at-root.html")
    item = extract_article(page, "http://harbour.example/")
    assert item is not None
    assert (item["article_reason"], item["canonical_url"]) == (
        "url-shape", "http://harbour.example/2012/11/07/quay-wall-survey-results/")
    assert item["paragraphs"][0].startswith("The survey of the old sea wall is finished")
    # the same page naming the root as its address is the front page: a hub
    front = page.replace(b"2012/11/07/quay-wall-survey-results/", b"")
    assert extract_article(front, "http://harbour.example/") is None
