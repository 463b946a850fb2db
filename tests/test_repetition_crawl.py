"""Repetition end to end: a site of templated stories keeps every body.

The site (``tests/fixtures/cleaning/templated/``, filled in here) is twenty earnings
reports whose paragraphs are alike but for the company and its figures — the shape of
automated earnings, results and weather reports — with a wire background paragraph
printed on every one, and the site's own repeated lines: a newsletter prompt, a desk
sign-off, a data disclaimer and a short author bio. Crawled with ``scrapy crawl news`` from a real server on
127.0.0.1, with page workers and without: every story is written whole, the boilerplate
goes.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

import pytest

from tests.conftest import FAST, StaticServer, read_jsonl, run_crawl

#: end-to-end crawls: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow

TEMPLATES = Path(__file__).resolve().parent / "fixtures" / "cleaning" / "templated"
COMPANIES = ["Ashgrove Foods", "Brightwater Systems", "Calder Freight", "Dunmore Energy",
             "Elkstone Pharma", "Fairholm Retail", "Glenrock Mining", "Hartwell Media",
             "Ironbridge Steel", "Juniper Telecom", "Kestrel Airways", "Larchfield Homes",
             "Marlow Chemicals", "Northgate Insurance", "Oakhaven Paper", "Pendle Motors",
             "Quarry Hill Cement", "Redcliffe Software", "Stourbridge Glass", "Thornbury Water"]
WIRE = ("The results come as companies across the region report on a quarter shaped by "
        "higher borrowing costs, uneven spending by consumers and a slow recovery in orders "
        "from China, which remains the largest export market for many of them.")
"""Wire background on every report: story, though the site prints it twenty times."""
NEWSLETTER = "Sign up for the Ledger's markets newsletter to get the day's results in your inbox."
SIGNOFF = "Follow the Ledger markets desk for results as they come in."
DISCLAIMER = "Results data are provided by Quayside Data and may be delayed by up to 15 minutes."
"""Boilerplate no text rule knows: only repetition removes these two."""
BIO = ("Jane Hale covers markets and companies for the Harbour Ledger. She joined the paper "
       "from the Eastmouth Tribune in 2019.")
"""A short author bio at the end: its text rule removes it on every page."""


def story(i: int) -> list[str]:
    """The story paragraphs of report ``i``: four of them differ from report to report in
    their figures alone."""
    return [
        f"{COMPANIES[i]} said on Tuesday that its revenue rose {3 + i} percent in the third "
        f"quarter, to {410 + 13 * i} million dollars, as business customers in North America "
        "and Europe kept spending on new equipment.",
        f"Net income was {52 + 3 * i} million dollars, or {61 + 2 * i} cents a share, compared "
        f"with {47 + 2 * i} million dollars, or {55 + i} cents a share, in the same quarter a "
        "year earlier.",
        f"Analysts had expected earnings of {58 + 2 * i} cents a share on revenue of "
        f"{400 + 11 * i} million dollars, according to the average of {8 + i} estimates.",
        WIRE,
        f"The company now expects revenue of between {1600 + 40 * i} million and "
        f"{1700 + 40 * i} million dollars for the full year, up from a forecast of "
        f"{1550 + 40 * i} million in July.",
        f"Its shares rose {2 + i % 7}.{i % 10} percent in early trading.",
    ]


def page(i: int) -> list[str]:
    """Every paragraph of report ``i``'s page, in order."""
    paragraphs = story(i)
    return [*paragraphs[:4], NEWSLETTER, *paragraphs[4:], SIGNOFF, DISCLAIMER, BIO]


def path(i: int) -> str:
    return f"markets/2024/05/03/{COMPANIES[i].lower().replace(' ', '-')}-results.html"


def write_site(folder: Path) -> None:
    """The index and the twenty reports, from the fixture templates."""
    article = Template((TEMPLATES / "article.html").read_text("utf-8"))
    for i in range(len(COMPANIES)):
        target = folder / path(i)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(article.substitute(
            headline=f"{COMPANIES[i]} lifts its forecast after a strong third quarter",
            published="2024-05-03T08:00:00+00:00",
            paragraphs="\n".join(f"<p>{p}</p>" for p in page(i))), "utf-8")
    index = Template((TEMPLATES / "index.html").read_text("utf-8"))
    (folder / "index.html").write_text(index.substitute(links="\n".join(
        f'<li><a href="/{path(i)}">{COMPANIES[i]} results</a></li>'
        for i in range(len(COMPANIES)))), "utf-8")


def _stats(stderr: str, prefix: str) -> dict[str, int]:
    """``prefix<name>: n`` entries of the stats dump."""
    return {m[0]: int(m[1]) for m in re.findall(rf"'{re.escape(prefix)}([^']+)': (\d+)", stderr)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templated-site")
    write_site(folder)
    with StaticServer(folder) as server:
        yield server


@pytest.fixture(scope="module")
def crawls(site, tmp_path_factory) -> dict[int, tuple[list[dict], str]]:
    """The site crawled without page workers and with one: (items, stderr) each."""
    done = {}
    for workers in (0, 1):
        folder = tmp_path_factory.mktemp(f"crawl-{workers}")
        out = folder / "items.jsonl"
        result = run_crawl("-a", f"start_urls={site.base}index.html", "-a", "depth=1",
                           "-O", str(out), *FAST, "-s", f"NEWSCRAWL_PAGE_WORKERS={workers}",
                           cwd=folder)
        assert result.returncode == 0, result.stderr[-3000:]
        done[workers] = (read_jsonl(out), result.stderr)
    return done


@pytest.mark.parametrize("workers", [0, 1])
def test_twenty_templated_stories_give_twenty_whole_bodies(crawls, site, workers: int):
    items, stderr = crawls[workers]
    by_url = {item["url"]: item for item in items}
    assert sorted(by_url) == sorted(site.base + path(i) for i in range(len(COMPANIES)))
    assert "newscrawl/dropped/too-short" not in stderr
    # Every story paragraph kept on every page; the site's sign-off and disclaimer stay
    # only on the first two pages cleaned (a line counts as repeated on its third article).
    with_boiler = 0
    for i in range(len(COMPANIES)):
        item = by_url[site.base + path(i)]
        rules = [(r["text"], r["rule"]) for r in item["removed"]]
        if item["paragraphs"] == [*story(i), SIGNOFF, DISCLAIMER]:
            with_boiler += 1
            assert rules == [(NEWSLETTER, "text:en:newsletter-signup"),
                             (BIO, "text:en:author-bio")]
        else:
            assert item["paragraphs"] == story(i)
            assert rules == [(NEWSLETTER, "text:en:newsletter-signup"),
                             (SIGNOFF, "repeat:site"), (DISCLAIMER, "repeat:site"),
                             (BIO, "text:en:author-bio")]
    assert with_boiler == 2
    stats = _stats(stderr, "newscrawl/")
    assert stats["removed/repeat:site"] == 36
    assert stats["removed/text:en:newsletter-signup"] == 20
    # The wire background paragraph was flagged on the eighteen later pages, and kept.
    assert stats["repeat/kept-long"] == 18
    assert "repeat/kept-save-body" not in stats and "repeat/kept-share" not in stats

