"""Reader comment threads inside the story container go whole
(``position:comment-thread``): units of a short dated attribution line and the
comment's text, in both layouts (the line before the text, WordPress; after it, Movable
Type and TypePad). Pages written for the tests: ``tests/fixtures/cleaning/threads``."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.api import run_page
from newscrawl.cleaning.cleaner import comment_header
from newscrawl.cleaning.ruleset import count_tokens, match_form

FIXTURES = Path(__file__).parent / "fixtures" / "cleaning" / "threads"
URL = "https://blog.example/2024/03/02/harbour-ferry/"


def _run(name: str):
    run = run_page((FIXTURES / name).read_bytes(), URL)
    assert run.item is not None and run.cleaning is not None
    return run


def test_a_thread_whose_lines_precede_the_comments_goes_whole():
    run = _run("wordpress.html")
    removed = [(r.text, r.rule) for r in run.cleaning.removed]
    assert removed == [
        ("3 Responses", "position:orphan-heading"),
        ("Mark Hill Says: March 2nd, 2024 at 9:14 am", "position:comment-thread"),
        ("I was on that boat. Nobody told us anything for half an hour, and the café on "
         "board was closed too.", "position:comment-thread"),
        ("Priya Says: March 2nd, 2024 at 10:02 am", "position:comment-thread"),
        ("Same story on Wednesday.", "position:comment-thread"),
        ("They should publish the crew numbers every week so we can plan around it.",
         "position:comment-thread"),
        ("Tom Says: March 3rd, 2024 at 8:40 pm", "position:comment-thread"),
        ("Driving around the bay is no answer either, the road is already full at eight.",
         "position:comment-thread"),
        ("Leave a Reply", "position:end-label"),
    ]
    kept = [b.text for b in run.cleaning.kept]
    assert len(kept) == 4
    assert kept[1].startswith("According to the operator's own quarterly report,")
    assert next(b for b in run.blocks if b.text == kept[1]).link_density > 0


def test_a_thread_whose_lines_follow_the_comments_goes_from_its_heading():
    run = _run("movabletype.html")
    removed = [(r.text, r.rule) for r in run.cleaning.removed]
    thread = "position:comment-thread"
    assert removed == [
        ("Comments", "text:en:account-notice"),
        ("Permits lead starts by about three months, so the real test is the summer.", thread),
        ("Posted by: Leo at March 3, 2024 09:30 AM", thread),
        ("Cheap credit was only half of it; migration into those regions mattered as well.",
         thread),
        ("The census numbers show it clearly.", thread),
        ("Posted by: Sara K. at March 3, 2024 11:02 AM", thread),
        ("Good post, thank you.", thread),
        ("Posted by: Ben at March 4, 2024 07:45 PM", thread),
    ]
    kept = [b.text for b in run.cleaning.kept]
    # the story (its linked paragraph and its dated update), the post's own line
    assert kept[1].endswith("one month proves little.")
    assert kept[2] == "Update on March 4, 2024: the revised figures, published this morning, " \
                      "change none of this."
    assert kept[3] == "Posted by Anna Berg at March 3, 2024 08:15 AM"


def test_a_live_blog_with_timed_entries_is_no_thread():
    run = _run("liveblog.html")
    assert [r.rule for r in run.cleaning.removed if r.rule == "position:comment-thread"] == []
    text = " ".join(b.text for b in run.cleaning.kept)
    assert "the grid operator says" in text and "schools in the district" in text


@pytest.mark.parametrize("text, expected", [
    ("Posted by: Ellen at September 10, 2012 11:40 AM", True),
    ("KT Says: November 1st, 2012 at 10:42 pm", True),
    ("Heather on October 23rd, 2012 1:37 pm", True),
    ("1 Stephan Kopp http://stephankopp.net | 10/29/2012 5:14:46 PM", True),
    ("Posted by: atmos | Mar 20, 2007 10:19:46 PM", True),
    ("September 10, 2012", False),                        # a date, no person
    ("Tracked on Apr 2, 2007 8:49:51 AM", False),        # a time stamp, no person
    ("Posted on November 13, 2012 at 6:15 AM", False),
    ("Wednesday, November 07, 2012 | 10:00 AM", False),   # the post's date line
    ("Posted by Jane Doe at 10:32 am", False),            # no full date: a live blog entry
    ("2) Iran Warns U.S. on Fate of Hostages in Syria Thomas Erdbrink, New York Times, "
     "August 7, 2012", False),                             # a digest item: the date too late
    ("This entry was posted on Thursday, August 9th, 2012 at 2:01 pm.", False),  # a sentence
])
def test_comment_header(text: str, expected: bool):
    form = match_form(text)
    assert comment_header(form, count_tokens(form), "paragraph", 0.0) is expected


def test_the_first_comment_is_found_by_its_box_when_no_heading_opens_the_thread():
    """Each comment and its "Posted by: …" line sit in one box ("c901 reply by-lena"):
    the line follows its text, and the first comment, with no heading before it, is
    told from the story by the box token the lines share and the story lacks."""
    run = _run("boxes.html")
    thread = "position:comment-thread"
    assert [(r.text, r.rule) for r in run.cleaning.removed] == [
        ("That matches what I see at work. The rules push people to write things down.",
         thread),
        ("A password manager would help more than another rule.", thread),
        ("Posted by: Lena at March 5, 2024 8:10 AM", thread),
        ("The printer password is the one nobody ever changes.", thread),
        ("Posted by: Omar at March 5, 2024 9:45 AM", thread),
        ("Sticky notes are fine if the office is locked.", thread),
        ("Posted by: Kim at March 5, 2024 1:20 PM", thread),
    ]
    kept = [b.text for b in run.cleaning.kept]
    assert len(kept) == 2 and kept[1].startswith("The full survey is worth reading")
