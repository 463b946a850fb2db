"""``python -m newscrawl preview`` and ``scrapy preview``: the item with removed paragraphs
in reading order, from a saved file and fetched from a real server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.report.preview import preview_page, render_preview
from tests.conftest import ROOT, StaticServer

FIXTURES = Path(__file__).parent / "fixtures" / "report"
ARTICLE = FIXTURES / "article.html"
URL = "https://news.example/2024/05/03/ferry-returns.html"
LOCAL = ("-s", "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=True", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "DOWNLOAD_DELAY=0")

HEADER = [
    "Title         Harbour ferry returns after winter repairs",
    "URL           {url}",
    "Canonical     https://news.example/2024/05/03/ferry-returns.html",
    "Authors       Ada Lovelace",
    "Organizations -",
    "Published     2024-05-03T08:00:00+01:00",
    "Modified      -",
    "Language      en",
    "Section       Local",
    "Site          The Test Gazette",
    "Tags          -",
    "Profile       -",
    "Words         175 (9 blocks kept, 3 removed)",
    "Verdict       article (og-type), written",
    "",
]
BLOCKS = [
    (("The old harbour ferry carried its first passengers of the year on Friday morning after "
     "four months in dry dock, where engineers replaced its engines and rebuilt the passenger "
     "deck."), "paragraph", None),
    (("More than two hundred people queued at the north pier before the first crossing, many of "
     "them commuters who had spent the winter driving the long way around the estuary through "
     "the town centre."), "paragraph", None),
    ("Sign up for our morning newsletter and get the day's top stories in your inbox.",
     "paragraph", "dom:newsletter"),
    ("A costly refit", "heading", None),
    (("The council said the refit cost just under two million pounds, shared between the "
     "harbour trust and a regional transport fund, and that the new engines would halve the "
     "vessel's fuel use."), "paragraph", None),
    (("Skipper Joan Mercer, who has steered the ferry for eleven years, said the boat handled "
     "better than it had in a decade and that passengers would notice a quieter, smoother "
     "crossing."), "paragraph", None),
    ("It feels like getting a piece of the town back.", "quote", None),
    ("Read more: North pier reopens after storm repairs", "paragraph", "text:en:read-more"),
    ("ADVERTISEMENT", "paragraph", "dom:ad"),
    ("Weekday crossings start at 6.40am.", "list_item", None),
    ("Bicycles travel free of charge.", "list_item", None),
    (("The ferry will run every twenty minutes on weekdays and every half hour at weekends until "
     "the end of October, when the winter timetable begins again."), "paragraph", None),
]
MARKS = {"quote": "  > ", "list_item": "  * ", "paragraph": "  ", "heading": "## "}


def expected_text(url: str) -> str:
    lines = [line.format(url=url) for line in HEADER]
    for text, kind, rule in BLOCKS:
        lines.append(f"- [{rule}] {text}" if rule else MARKS[kind] + text)
        lines.append("")
    return "\n".join(lines)


def run_newscrawl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "newscrawl", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=120)


def run_scrapy(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture article and a section page at their URL paths on a local server."""
    root = tmp_path_factory.mktemp("site")
    page = root / "2024" / "05" / "03" / "ferry-returns.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(ARTICLE.read_bytes())
    (root / "local").mkdir()
    (root / "local" / "index.html").write_bytes((FIXTURES / "section.html").read_bytes())
    with StaticServer(root) as server:
        yield server


# -- the pure part ----------------------------------------------------------------------------

def test_preview_keeps_removed_blocks_in_reading_order():
    preview = preview_page(ARTICLE.read_bytes(), URL)
    assert [(b.text, b.kind, b.rule) for b in preview.blocks] == BLOCKS
    assert preview.is_article and preview.verdict == "og-type" and preview.dropped is None
    # "at": how many kept paragraphs (not cross-headings) stood before each removed block
    expected, kept = [], 0
    for text, kind, rule in BLOCKS:
        if rule:
            expected.append({"text": text, "rule": rule, "at": kept})
        elif kind != "heading":
            kept += 1
    assert preview.item["removed"] == expected
    assert preview.item["subheadings"] == ["A costly refit"]


def test_render_plain_and_colour():
    preview = preview_page(ARTICLE.read_bytes(), URL)
    assert render_preview(preview) == expected_text(URL)
    coloured = render_preview(preview, color=True)
    assert ("\x1b[33m- [dom:ad]\x1b[0m \x1b[2;9;31mADVERTISEMENT\x1b[0m") in coloured.splitlines()
    assert "\x1b[1m## A costly refit\x1b[0m" in coloured.splitlines()


def test_preview_of_a_short_page_says_it_would_be_dropped():
    preview = preview_page(ARTICLE.read_bytes(), URL, min_words=1000)
    assert preview.dropped == "too-short"
    assert "Verdict       article (og-type), dropped (too-short)" in render_preview(preview)


# -- python -m newscrawl preview FILE ---------------------------------------------------------

@pytest.mark.slow
def test_cli_file_plain_when_piped():
    done = run_newscrawl("preview", str(ARTICLE), "--url", URL)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_text(URL)


def test_cli_file_url_is_read_from_disk(capsys):
    from newscrawl.__main__ import main

    assert main(["preview", ARTICLE.as_uri(), "--url", URL]) == 0
    assert capsys.readouterr().out == expected_text(URL)


@pytest.mark.slow
def test_cli_file_json():
    done = run_newscrawl("preview", "--json", str(ARTICLE), "--url", URL)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert sorted(data) == ["blocks", "dropped", "is_article", "item", "profile", "url",
                            "verdict"]
    assert [(b["text"], b["kind"], b["rule"]) for b in data["blocks"]] == BLOCKS
    assert data["item"]["title"] == "Harbour ferry returns after winter repairs"
    assert data["item"]["word_count"] == 175


@pytest.mark.slow
def test_cli_colour_always():
    done = run_newscrawl("preview", "--color", "always", str(ARTICLE), "--url", URL)
    assert "\x1b[2;9;31mADVERTISEMENT\x1b[0m" in done.stdout


@pytest.mark.slow
def test_cli_not_an_article_and_missing_file(tmp_path):
    done = run_newscrawl("preview", str(FIXTURES / "section.html"), "--url",
                         "https://news.example/local/")
    assert (done.returncode, done.stdout) == (1, ("URL           https://news.example/local/\n"
                                                  "Verdict       not an article (hub-og-type)\n"))
    done = run_newscrawl("preview", str(tmp_path / "nope.html"))
    assert done.returncode == 2 and "No such file or directory" in done.stderr


# -- fetched over HTTP with the project's settings ---------------------------------------------

@pytest.mark.slow
def test_cli_url_fetches_with_project_settings(site, tmp_path):
    url = site.base + "2024/05/03/ferry-returns.html"
    done = run_newscrawl("preview", url, *LOCAL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_text(url)
    assert list(tmp_path.iterdir()) == []  # a preview writes no feed, no store


@pytest.mark.slow
def test_scrapy_preview_command(site, tmp_path):
    url = site.base + "2024/05/03/ferry-returns.html"
    done = run_scrapy("preview", url, *LOCAL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_text(url)
    assert "INFO" not in done.stderr  # only warnings in the log of a preview
    done = run_scrapy("preview", "--json", url, *LOCAL, cwd=tmp_path)
    assert [(b["text"], b["kind"], b["rule"]) for b in json.loads(done.stdout)["blocks"]] == BLOCKS
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_scrapy_preview_errors(site, tmp_path):
    done = run_scrapy("preview", site.base + "missing.html", *LOCAL, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"{site.base}missing.html: HTTP 404"
    done = run_scrapy("preview", site.base + "local/", *LOCAL, cwd=tmp_path)
    assert done.returncode == 1
    assert "not an article (hub-og-type)" in done.stdout


def test_removed_blocks_are_placed_without_the_cleaners_index():
    from newscrawl.cleaning.result import CleaningResult, Removal

    class NoIndexCleaner:
        """Removes every "Subscribe" block but, like an older cleaner, gives no index."""

        def clean(self, blocks, **kwargs):
            kept = [b for b in blocks if b.text != "Subscribe"]
            return CleaningResult(kept=kept, removed=[Removal("Subscribe", "dom:newsletter")
                                                      for b in blocks if b.text == "Subscribe"])

    preview = preview_page(ARTICLE.read_bytes().replace(b"ADVERTISEMENT", b"Subscribe")
                           .replace(b"Sign up for our morning newsletter and get the day's top "
                                    b"stories in your inbox.", b"Subscribe"),
                           URL, cleaner=NoIndexCleaner())
    assert [i for i, b in enumerate(preview.blocks) if b.rule] == [2, 8]
