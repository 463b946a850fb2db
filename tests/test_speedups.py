"""The one compiled module, ``_speedups.pyx``: the twin of the body walk (with its run
texts and class/id verdicts) returns exactly what the Python walk returns, on hand-written
pages that reach each of its branches, every code point, generated class/id strings, every
page bundled with the project (parsed by us and by parsel) and the news-dev corpus where it
is present; and :mod:`newscrawl.extraction._compiled` loads it only where it is wanted and
made for the lxml imported."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newscrawl.extraction import _compiled, core
from newscrawl.extraction import walk as W
from newscrawl.extraction.parse import decode_source, parse_html
from tests.conftest import CORPUS, FAST, ROOT, run_crawl

speedups = _compiled._module
needs_speedups = pytest.mark.skipif(
    not _compiled.SPEEDUPS, reason="compiled walk off (not built, or NEWSCRAWL_PURE_PYTHON set)")
PYX = ROOT / "newscrawl" / "extraction" / "_speedups.pyx"


def _has_compiler() -> bool:
    return any(shutil.which(cc) for cc in ("cc", "gcc", "clang"))


@pytest.mark.skipif(not _has_compiler() or os.environ.get("NEWSCRAWL_PURE_PYTHON"),
                    reason="no C compiler here (or NEWSCRAWL_PURE_PYTHON set): pure Python")
def test_compiled_walk_is_built_and_used_where_a_compiler_is():
    assert _compiled.SPEEDUPS, "pip install -e . did not build newscrawl/extraction/_speedups"
    assert core.walk is speedups.walk is _compiled.walk


def _python(code: str, **env: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, **env}, cwd=ROOT).stdout


def test_pure_python_is_chosen_by_environment():
    code = ("from newscrawl.extraction import _compiled, core, walk; "
            "print(_compiled.SPEEDUPS, core.walk is walk.walk)")
    assert _python(code, NEWSCRAWL_PURE_PYTHON="1").split() == ["False", "True"]


def _imported(module: str) -> set[str]:
    """The modules of ``newscrawl.extraction`` that ``module``'s source imports, anywhere in it."""
    tree = ast.parse((ROOT / "newscrawl" / "extraction" / f"{module}.py").read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found


def test_walk_modules_do_not_import_the_compiled_module():
    """No import cycle: the Python walk and the modules whose names the compiled walk reads
    stand alone; only the loader imports ``_speedups``, and the passes take the walk from it."""
    for module in ("walk", "text", "dom"):
        assert not _imported(module) & {"_speedups", "_compiled", "core"}, module
    assert "_speedups" in _imported("_compiled")
    assert "_compiled" in _imported("core") and core.walk is _compiled.walk
    for module in ("model", "parse"):
        assert not _imported(module) & {"_speedups", "_compiled", "walk"}, module


def test_compiled_walk_reads_only_public_names_of_the_python_modules():
    source = PYX.read_text(encoding="utf-8")
    assert re.findall(r"\b_(?:py|dom|text)\._\w+", source) == []
    assert re.findall(r"\b_(?:py|dom|text)\.\w+", source), "the pattern finds the reads"


@needs_speedups
def test_only_the_walk_is_compiled():
    public = {name for name in dir(speedups) if not name.startswith("_")}
    assert {"walk", "run_texts", "verdict_for", "LXML_VERSION"} <= public
    assert not public & {"byline_elements", "utf8_flags", "count_words"}


@needs_speedups
def test_compiled_walk_is_used_only_with_the_lxml_it_was_built_against(monkeypatch):
    assert speedups.LXML_VERSION == etree.__version__
    assert _compiled.load() is speedups
    monkeypatch.setattr(speedups, "LXML_VERSION", "0.0.1")
    with pytest.warns(RuntimeWarning, match=r"built against lxml 0\.0\.1 and lxml "
                      + re.escape(etree.__version__) + " is imported"):
        assert _compiled.load() is None


@pytest.mark.slow
@pytest.mark.parametrize("pure", ["1", ""])
def test_crawl_logs_and_counts_whether_speedups_are_on(samples_server, tmp_path: Path, pure):
    if not pure and not _compiled.SPEEDUPS:
        pytest.skip("compiled walk not built here (or NEWSCRAWL_PURE_PYTHON set)")
    result = run_crawl("-a", f"start_urls={samples_server.base}index.html", "-a", "depth=0",
                       "-O", str(tmp_path / "out.jsonl"), *FAST,
                       env={"NEWSCRAWL_PURE_PYTHON": pure})
    assert result.returncode == 0, result.stderr[-3000:]
    state = "off" if pure else "on"
    assert f"speedups: {state}" in result.stderr
    assert f"'newscrawl/speedups': {0 if pure else 1}" in result.stderr


def _body(html: str | bytes) -> etree._Element:
    root = parse_html(*decode_source(html.encode() if isinstance(html, str) else html))
    body = root.find("body")
    return body if body is not None else root


def _runs(runs) -> list[tuple]:
    return [(r.text, r.owner, r.kind, r.tag, r.link_chars, r.pos, r.lines) for r in runs]


def assert_same_walk(body: etree._Element) -> list[tuple]:
    """Both walks on ``body``, each deciding every class/id verdict itself (the memo
    they share is emptied before each)."""
    W.VERDICTS.clear()
    W._CLASS_FLAGS.clear()
    py_runs, py_spans = W.walk(body)
    W.VERDICTS.clear()
    c_runs, c_spans = speedups.walk(body)
    assert _runs(c_runs) == _runs(py_runs)
    assert c_spans == py_spans
    return _runs(c_runs)


@needs_speedups
def test_compiled_run_texts_treat_every_character_as_normalize_text_does():
    """Each code point between two letters and before a space, 256 to a string: the
    whitespace, control, invisible and combining characters all meet their rule."""
    for start in range(0, 0x110000, 256):
        raw = "".join(f"x{chr(cp)}y " for cp in range(start, start + 256))
        assert speedups.run_texts(raw) == W.run_texts(raw), hex(start)


#: Characters each branch of run_texts turns on: <br>, ASCII and other whitespace, controls,
#: invisible characters, a combining accent (NFC), wide letters.
_PIECES = st.sampled_from(["\x01", " ", "\n", "\t", "\xa0", "\u2009", "\u3000", "\x85",
                           "\x1c", "\x7f", "\x9f", "\x00", "\u200b", "\xad", "\ufeff",
                           "\u0301", "a", "é", "e", "日", "\U0001f600", "Å", "\ud800"])


@pytest.mark.slow
@needs_speedups
@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_compiled_run_texts_match_the_python_ones(raw):
    assert speedups.run_texts(raw) == W.run_texts(raw)


@pytest.mark.parametrize("run_texts", [
    W.run_texts, pytest.param(speedups and speedups.run_texts, marks=needs_speedups)])
def test_run_texts_split_at_double_br_and_normalise(run_texts):
    assert run_texts("\x01 One\x01two  \x01 \n\x01\x01 thr\u00adee \xa0") == [
        "One two", "three"]


_CLASS_PARTS = st.sampled_from([
    "sr-only", "SR-Only", "hidden", "d-none", "vh", "comments", "Comment", "cookie", "sum",
    "summary", "key", "points", "next-article", "toggle-box", "embed", "caption", "article",
    "story", "flex", "px-4", "info", "x", "é", "İ", "K", " ", "  ", "\t", "\n", "\x1c",
    "\xa0", "-", "_", "a" * 600])


@pytest.mark.slow
@needs_speedups
@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["div", "p", "body", "article", "main", "section"]),
       st.none() | st.lists(_CLASS_PARTS, max_size=6).map("".join),
       st.none() | st.lists(_CLASS_PARTS, max_size=3).map("".join))
def test_compiled_class_verdict_matches_the_python_one(tag, cls, ident):
    W._CLASS_FLAGS.clear()
    assert speedups.verdict_for(tag, cls, ident) == W.class_id_verdict(tag, cls, ident)


PARA = "A paragraph long enough to count as story text when a wrapper is weighed. " * 2

#: name -> (page, texts the walk must read, in order)
CASES = {
    "blocks and inline tags": (
        "<body><div><p>One <b>har</b>bour</p><p>Two <i>x</i> y</p></div>tail</body>",
        ["One harbour", "Two x y", "tail"]),
    "double br splits, single br joins": (
        "<body><p>first<br><br>second<br>third</p><p>a<br> <br>\n<br>b</p></body>",
        ["first", "second third", "a", "b"]),
    "sentence-length lines split by single br": (
        "<body><div>The council met on Tuesday and approved the budget.<br>"
        "Opponents said that it would raise <a href='/t'>taxes</a> on families.<br>Short end"
        "<br><br>785 Laurel St,<br>San Carlos.</div></body>",
        ["The council met on Tuesday and approved the budget. Opponents said that it would "
         "raise taxes on families. Short end", "785 Laurel St, San Carlos."]),
    "link share": (
        "<body><p>Read <a href='/x'>the whole story</a> here</p>"
        "<li><a href='/a'>all link</a></li></body>",
        ["Read the whole story here", "all link"]),
    "kinds": (
        "<body><h1>Head</h1><h2>Sub</h2><blockquote><p>Quoted</p></blockquote>"
        "<ul><li>Item</li></ul><dl><dt>Term</dt><dd>Def</dd></dl></body>",
        ["Head", "Sub", "Quoted", "Item", "Term", "Def"]),
    "custom elements are blocks": (
        "<body><p>before <my-widget>inside</my-widget> after</p></body>",
        ["before", "inside", "after"]),
    "skipped tags keep their tails": (
        "<body><p>a<script>var x</script>b<svg><text>t</text></svg>c"
        "<img src=x>d<button>Go</button>e</p></body>",
        ["abcde"]),
    "hidden attributes": (
        "<body><p hidden>h</p><div hidden id='S:1'><p>streamed</p></div>"
        "<div aria-hidden='true'>ah</div><p aria-hidden='true'>paywalled</p>"
        "<p style='display: none'>dn</p><p style='color:red'>red</p>"
        "<p class='sr-only'>sr</p><p class='lead visually-hidden'>vh</p></body>",
        ["streamed", "paywalled", "red"]),
    "roles": (
        "<body><div role='navigation'>nav</div><div role=' Banner '><h1>Title</h1></div>"
        "<article role='complementary'>kept</article><div role='main'>main</div></body>",
        ["Title", "kept", "main"]),
    "sectioning furniture": (
        "<body><aside>side</aside><aside><h1>Story in aside</h1></aside><footer>foot</footer>"
        "<form><div itemprop='articleBody'>form story</div></form><form><main>m</main></form>"
        "<footer><article>a</article></footer></body>",
        ["Story in aside", "form story", "m", "a"]),
    "page header and article header": (
        "<body><header>site menu</header><header><h1>Headline</h1></header>"
        "<article><header>byline</header><p>text</p></article></body>",
        ["Headline", "byline", "text"]),
    "class and id verdicts": (
        "<body><div class='cookie-banner'>cookies</div><div id='gdpr'>gdpr</div>"
        "<div class='twitter-tweet'>tweet</div><div class='key-points'>kp</div>"
        "<div class='expandable-box'>box</div><div class='caption'>cap</div>"
        f"<div class='embed-responsive'><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='embed'><p>short</p></div><div class='cookie'><h1>H</h1></div>"
        "<div id='comments'>c1</div><div class='comments-section'>c2</div>"
        "<div class='comment-section'><h1>Comment head</h1></div>"
        "<div class='comments a b c'>kept comment words</div><p class='comment'>p kept</p>"
        "<article class='cookie'>article kept</article></body>",
        [PARA.strip(), PARA.strip(), "H", "Comment head", "kept comment words", "p kept",
         "article kept"]),
    "next story only after the headline": (
        "<body><div class='next-article'>before</div><h1>Story</h1>"
        "<div class='next-article'>after</div><article id='second-article'>gone</article>"
        "</body>",
        ["before", "Story"]),
    "text normalisation": (
        "<body><p>caf\u00e9\u00a0au\u2009lait\u3000ok</p><p>soft\u00adhy\u200bphen</p>"
        "<p>e\u0301t\u00e9</p><p>ctrl\x0bchar\x1cs</p><p>\u00a0\u2003</p><p>日本語の 文章</p>"
        "</body>",
        ["caf\u00e9 au lait ok", "softhyphen", "\u00e9t\u00e9", "ctrlchars", "日本語の 文章"]),
    "attribute values with entities": (
        "<body><div class='a&amp;b comments-area'>c</div><div class='x' id='&#99;ookie'>k</div>"
        "<p class='&lt;odd&gt;'>kept</p></body>",
        ["kept"]),
}


@needs_speedups
@pytest.mark.parametrize("name", CASES)
def test_compiled_walk_reads_each_case_as_the_python_walk(name):
    html, texts = CASES[name]
    runs = assert_same_walk(_body(html))
    assert [text for text, *_ in runs] == texts


@needs_speedups
def test_compiled_walk_on_trees_no_parser_builds():
    """Adjacent text nodes, a namespaced tag, a comment between texts, a walk started
    below <body>, and a tree deeper than the compiled walk's own limit."""
    body = _body("<body><div id='top'><p>one<!-- c -->two</p><p>x<!-- y -->z</p></div>"
                 "after</body>")
    etree.strip_tags(body, etree.Comment)  # leaves each <p> two text nodes side by side
    assert [t for t, *_ in assert_same_walk(body)] == ["onetwo", "xz", "after"]
    ns = etree.SubElement(body, "{urn:x}p")
    ns.text, ns.tail = "namespaced", "tail"
    assert [t for t, *_ in assert_same_walk(body)][-1] == "afternamespacedtail"  # inline
    assert [t for t, *_ in assert_same_walk(body.find("div"))] == ["onetwo", "xz"]
    deep = etree.Element("body")
    node = deep
    for _ in range(5000):
        node = etree.SubElement(node, "div")
    node.text = "bottom"
    assert [t for t, *_ in assert_same_walk(deep)] == ["bottom"]


PAGES = sorted([*ROOT.glob("tests/fixtures/**/*.html"), *ROOT.glob("samples/**/*.html")])


@needs_speedups
@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_walk_agrees_on_bundled_pages(path: Path):
    root = parse_html(*decode_source(path.read_bytes()))
    body = root.find("body")
    assert_same_walk(body if body is not None else root)


_COMMENTED = ("<html><body><!-- top --><article><h1>Title<!-- x --> here</h1>"
              "<p>One <!-- c -->two &amp; three<?pi x?> four</p><aside>side</aside>"
              "<p class='byline'>By <a rel='author' href='/author/a'>A</a></p></article>"
              "</body></html>")


@needs_speedups
@pytest.mark.parametrize("text", [_COMMENTED, *(p.read_text("utf-8") for p in PAGES
                                                if "samples" in p.parts and p.stem != "index")])
def test_compiled_walk_agrees_on_scrapys_own_parse(text: str):
    """The tree a crawl shares with extraction: parsel's parse, comments and processing
    instructions kept, lxml.html's element classes."""
    from parsel import Selector

    root = Selector(text=text).root
    runs = assert_same_walk(root.find("body"))
    assert runs and all(type(owner).__name__ == "HtmlElement" for _, owner, *_ in runs)


def test_commented_page_reads_through_its_comments():
    from parsel import Selector

    runs, _ = core.walk(Selector(text=_COMMENTED).root.find("body"))
    assert [run.text for run in runs] == ["Title here", "One two & three four", "By A"]


@pytest.mark.slow
@needs_speedups
@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(),
                    reason=f"news-dev corpus not found at {CORPUS} (../shared next to the repo)")
def test_compiled_walk_agrees_on_the_corpus():
    from benchmarks.corpus import iter_pages

    count = 0
    for page in iter_pages(CORPUS):
        root = parse_html(*decode_source(page.html))
        body = root.find("body")
        assert_same_walk(body if body is not None else root)
        count += 1
    assert count >= 200
