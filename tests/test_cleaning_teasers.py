"""Teaser cards led by an unlinked heading: the other story's headline as a heading, one
short excerpt holding the link ("… Read more"), repeated (``position:teaser-card``, the
second card shape of ``Cleaner._drop_teaser_cards``). Page written for the tests:
``tests/fixtures/cleaning/teasers``."""

from __future__ import annotations

import re
from pathlib import Path

from newscrawl.api import run_page

FIXTURE = Path(__file__).parent / "fixtures" / "cleaning" / "teasers" / "headed_cards.html"
URL = "https://play.example/2024/11/18/console-launch/"


def _clean(html: bytes):
    run = run_page(html, URL)
    assert run.item is not None and run.cleaning is not None
    return run.cleaning


def test_three_headed_teaser_cards_in_a_row_go_and_the_story_stays():
    result = _clean(FIXTURE.read_bytes())
    card = "position:teaser-card"
    assert [(r.text, r.rule) for r in result.removed] == [
        ("Download highlights for the week", card),
        ("New games, videos and more to download this week. Read more", card),
        ("Get ready to party when the console launches", card),
        ("Party games for the whole family, with details of the launch titles. Read more",
         card),
        ("Five thousand kiosks let shoppers play before launch day", card),
        ("Shoppers across the country can try the console in stores from this week. "
         "Read more", card),
    ]
    kept = [b.text for b in result.kept]
    assert kept[1].startswith("The maker says that stock will be limited")  # a linked story line
    assert "What the launch costs" in kept and len(kept) == 5


def test_two_headed_sections_with_a_link_each_stay():
    html = FIXTURE.read_bytes().decode()
    html = re.sub(r"<h3>Five thousand.*?</p>\n", "", html, flags=re.S)
    result = _clean(html.encode())
    assert [r.rule for r in result.removed] == []
