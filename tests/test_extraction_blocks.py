"""Story blocks of pages without modern markup (issue 23): a story typed as lines in one
``<div>``/``<td>``/``<p>``, split by ``<br>``, with ``<font>``-era markup around it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from newscrawl.extraction import PARAGRAPH, _compiled, extract
from newscrawl.extraction import walk as W
from newscrawl.extraction.parse import decode_source, parse_html

URL = "http://www.thedaily.example/news/2008/05/12/council-budget.html"
STORY = [
    "The city council voted on Tuesday to approve the new budget for the coming year.",
    "Members of the opposition said the plan would raise taxes on families.",
    "The mayor defended the budget, saying it protects schools and keeps libraries open.",
    "A final vote on the separate transport plan is expected next month, officials said.",
    "Residents who spoke at the meeting were divided, many asking for road repairs.",
    "The budget now goes to the state for review, a step that takes several weeks.",
]
NAV = ("<div class='nav'><a href='/'>Home</a> | <a href='/news'>News</a> | "
       "<a href='/sports'>Sports</a></div>")


def page(body: str) -> str:
    return ("<html><head><title>Council approves budget</title></head><body>"
            f"{NAV}<h1>Council approves budget</h1>{body}</body></html>")


def paragraphs(html: str) -> list[str]:
    ex = extract(html, URL)
    assert ex is not None
    assert {b.kind for b in ex.blocks} <= {PARAGRAPH}
    return [b.text for b in ex.blocks]


PAGES = {
    "div story split by single br": page("<div>" + "<br>\n".join(STORY) + "</div>"),
    "td story with font, single br": page(
        "<table><tr><td width=150><a href='/'>Home</a><br><a href='/n'>News</a></td>"
        "<td><font face='arial' size='2'>" + "<br>".join(STORY) + "</font></td></tr></table>"),
    "one p with br lines": page("<p>" + "<br>\n".join(STORY) + "</p>"),
    "div story split by double br": page("<div>" + "<br><br>\n".join(STORY) + "</div>"),
    "font story, bold dateline, double br": page(
        "<div><font size='2'>" + "<br><br><font size='2'>".join(STORY) + "</font></font></div>"),
}


@pytest.mark.parametrize("name", PAGES)
def test_story_lines_become_one_block_each(name):
    assert paragraphs(PAGES[name]) == STORY


def test_short_lines_stay_one_block():
    """An address or a verse: lines too short to be paragraphs stay one text."""
    address = "Location:<br>The Reading Bug<br>785 Laurel St,<br>San Carlos, CA 94070"
    html = page("<div>" + "<br><br>".join(STORY[:3]) + "<br><br>" + address + "</div>")
    assert paragraphs(html) == [*STORY[:3],
                                "Location: The Reading Bug 785 Laurel St, San Carlos, CA 94070"]


def test_lines_that_end_mid_sentence_stay_one_paragraph():
    """Hard-wrapped text: a line that ends mid-sentence keeps its text whole."""
    wrapped = ("The city council voted on Tuesday to approve the new budget for<br>"
               "the coming year, after a debate that lasted most of the night.<br>"
               "Members of the opposition said the plan would raise taxes.")
    assert paragraphs(page(f"<p>{wrapped}</p><p>{STORY[5]}</p>")) == [
        "The city council voted on Tuesday to approve the new budget for the coming year, "
        "after a debate that lasted most of the night. Members of the opposition said the "
        "plan would raise taxes.", STORY[5]]


def test_the_run_is_scored_as_one_text_and_keeps_its_lines():
    root = parse_html(*decode_source(PAGES["one p with br lines"].encode()))
    runs, _ = W.walk(root.find("body"))
    story = [run for run in runs if run.tag == "p"]
    assert [(run.text, run.lines) for run in story] == [(" ".join(STORY), tuple(STORY))]


def test_br_texts():
    line = STORY[0]
    assert W.br_texts(f" {line}\x01 {line} \x01\x01Short\x01end\x01") == [
        (f"{line} {line}", (line, line)), ("Short end", ())]
    assert W.br_texts(f"{line}\x01He said:\x01{line}") == [(f"{line} He said: {line}", ())]
    assert W.br_texts(f"{line[:-1]}\x01{line}") == [(f"{line[:-1]} {line}", ())]


def _blocks_in_subprocess(pure: bool) -> str:
    code = ("import sys; from newscrawl.extraction import extract, _compiled\n"
            "from tests.test_extraction_blocks import PAGES, URL\n"
            "print(_compiled.SPEEDUPS)\n"
            "for html in PAGES.values():\n"
            "    print([(b.kind, b.tag, b.text, b.link_density) for b in extract(html, URL).blocks])")
    env = {**os.environ, "NEWSCRAWL_PURE_PYTHON": "1" if pure else "0"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env).stdout


@pytest.mark.skipif(not _compiled.SPEEDUPS, reason="compiled walk not built here")
def test_pure_python_and_compiled_give_the_same_blocks():
    pure, compiled = _blocks_in_subprocess(True), _blocks_in_subprocess(False)
    assert pure.split("\n", 1)[0] == "False" and compiled.split("\n", 1)[0] == "True"
    assert pure.split("\n", 1)[1] == compiled.split("\n", 1)[1]
